import { Link } from '@remix-run/react'
import { type Role } from '~/domain'
import { isDeletedUsername } from '~/schemas/account'
import { TeamBadge } from './team-badge'

/**
 * A member's display name linking to their profile, with the Team badge after it for staff. A
 * deleted account has no profile: its name is plain text.
 */
export function MemberName({
  name,
  username,
  role,
  className,
}: {
  name: string
  username?: string | null
  role?: Role
  className?: string
}) {
  return (
    <>
      {username && !isDeletedUsername(username) ? (
        <Link to={`/u/${username}`} className={className}>
          {name}
        </Link>
      ) : (
        <span className={className}>{name}</span>
      )}
      {role && role !== 'member' ? (
        <>
          {' '}
          <TeamBadge role={role} />
        </>
      ) : null}
    </>
  )
}
