/** /badges/:badgeId: one badge and the members who earned it, most recent first (keyset pages). */
import { type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Link, useLoaderData } from '@remix-run/react'
import { GeneralErrorBoundary } from '~/components/error-boundary'
import { Pager } from '~/components/pager'
import { DateTime } from '~/components/post-rows'
import { getDb } from '~/lib/db.server'
import { orHttpError } from '~/lib/http.server'
import { decodeCursor } from '~/lib/pagination.server'
import { listBadgeHolders } from '~/models/badges.server'

export async function loader({ request, params }: LoaderFunctionArgs) {
  const cursor = decodeCursor(new URL(request.url).searchParams.get('cursor'))
  return orHttpError(() => listBadgeHolders(getDb(), { badge: params.badgeId ?? '', cursor }))
}

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data?.badge.name ?? 'Badge not found'} · Badges · Summit` }]

export default function BadgePage() {
  const { badge, holders, items, nextCursor } = useLoaderData<typeof loader>()
  return (
    <div>
      <p className="breadcrumbs">
        <Link to="/badges">Badges</Link>
      </p>
      <h1>{badge.name}</h1>
      <p>
        <span className={`badge-level badge-level-${badge.level}`}>{badge.level[0]!.toUpperCase() + badge.level.slice(1)}</span>{' '}
        {badge.description}
      </p>
      <p>
        {holders} {holders === 1 ? 'member holds' : 'members hold'} this badge.
      </p>
      {items.length ? (
        <ol className="badge-holders" aria-label="Recent holders">
          {items.map((holder) => (
            <li key={holder.id}>
              <Link to={`/u/${holder.username}`}>{holder.displayName}</Link> <span className="muted">{holder.reputation} reputation</span>,
              awarded <DateTime value={holder.createdAt} />
            </li>
          ))}
        </ol>
      ) : (
        <p className="muted">Nobody has earned it yet.</p>
      )}
      <Pager nextCursor={nextCursor} label="Holders" />
    </div>
  )
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary messages={{ 404: 'There is no such badge.' }} />
}
