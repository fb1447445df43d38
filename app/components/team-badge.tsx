import { type Role } from '~/domain'

/** Staff posts carry a visible "Team" badge. */
export function TeamBadge({ role }: { role: Role }) {
  if (role === 'member') return null
  return <span className="badge team-badge">Team</span>
}
