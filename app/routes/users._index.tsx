/** /users: the member directory. */
import { type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Form, Link, useLoaderData, useLocation } from '@remix-run/react'
import { z } from 'zod'
import { GeneralErrorBoundary } from '~/components/error-boundary'
import { Pager, TabLinks } from '~/components/pager'
import { TeamBadge } from '~/components/team-badge'
import { getDb } from '~/lib/db.server'
import { decodeCursor } from '~/lib/pagination.server'
import { LEADERBOARD_PERIODS, type LeaderboardPeriod, MAX_PERIOD_PAGES, MAX_SEARCH_LENGTH } from '~/lib/leaderboard'
import { listLeaderboard } from '~/models/leaderboard.server'

export const meta: MetaFunction = () => [{ title: 'Members · Summit' }]

const PERIOD_LABELS = { week: 'This week', month: 'This month', year: 'This year', all: 'All time' } as const satisfies Record<
  LeaderboardPeriod,
  string
>

// A GET list never fails on its query string: an unknown period falls back to this week, an
// overlong search is cut to its first MAX_SEARCH_LENGTH characters, a page out of range is clamped.
const Query = z.object({
  period: z.enum(LEADERBOARD_PERIODS).catch('week'),
  q: z
    .string()
    .catch('')
    .transform((q) => q.trim().slice(0, MAX_SEARCH_LENGTH))
    .optional(),
  page: z.coerce.number().int().min(1).max(MAX_PERIOD_PAGES).optional().catch(undefined),
  cursor: z.string().max(100).optional().catch(undefined),
})

export async function loader({ request }: LoaderFunctionArgs) {
  const query = Query.parse(Object.fromEntries(new URL(request.url).searchParams))
  const q = query.q ?? ''
  const result = listLeaderboard(getDb(), { period: query.period, q, page: query.page, cursor: decodeCursor(query.cursor) })
  return { period: query.period, q, page: query.page ?? 1, ...result }
}

export default function MembersPage() {
  const { period, q, page, rows, nextCursor, nextPage } = useLoaderData<typeof loader>()
  const location = useLocation()
  const pageLink = (n: number) => {
    const params = new URLSearchParams(location.search)
    if (n === 1) params.delete('page')
    else params.set('page', String(n))
    return `${location.pathname}?${params}`
  }
  const gainedLabel = period === 'all' ? null : PERIOD_LABELS[period].toLowerCase()
  return (
    <div className="members">
      <header className="page-header">
        <h1>Members</h1>
      </header>
      <div className="list-controls">
        <TabLinks name="period" current={period} options={LEADERBOARD_PERIODS.map((p) => [p, PERIOD_LABELS[p]] as const)} label="Period" />
        <Form method="get" className="filters" role="search" aria-label="Find a member">
          <input type="hidden" name="period" value={period} />
          <div className="field-inline">
            <label htmlFor="members-q">Name</label>
            <input id="members-q" type="search" name="q" defaultValue={q} maxLength={MAX_SEARCH_LENGTH} />
          </div>
          <button type="submit">Search</button>
        </Form>
      </div>
      {rows.length === 0 ? (
        <p className="muted">
          {q ? `No member matches “${q}”` : 'Nobody has gained reputation'}
          {gainedLabel && !q ? ` ${gainedLabel} yet.` : '.'}
        </p>
      ) : (
        <div className="table-scroll">
          <table className="leaderboard">
            <caption className="visually-hidden">
              Members ranked by {period === 'all' ? 'reputation' : `reputation gained ${gainedLabel}`}
              {q ? `, matching “${q}”` : ''}
            </caption>
            <thead>
              <tr>
                <th scope="col">Rank</th>
                <th scope="col">Member</th>
                <th scope="col">Reputation</th>
                {gainedLabel ? <th scope="col">Gained {gainedLabel}</th> : null}
                <th scope="col">Badges</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((row) => (
                <tr key={row.id}>
                  <td>{row.rank}</td>
                  <td>
                    <Link to={`/u/${row.username}`}>{row.displayName}</Link> <TeamBadge role={row.role} />{' '}
                    <span className="muted">@{row.username}</span>
                  </td>
                  <td>{Math.max(1, row.reputation)}</td>
                  {gainedLabel ? <td>+{row.gained}</td> : null}
                  <td>
                    <BadgeCounts counts={row.badges} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {period === 'all' ? (
        <Pager nextCursor={nextCursor} label="Members" />
      ) : page > 1 || nextPage ? (
        <nav className="pager" aria-label="Members pages">
          {page > 1 ? <Link to={pageLink(page - 1)}>Previous page</Link> : null}
          {nextPage ? (
            <Link to={pageLink(nextPage)} rel="next">
              Next page
            </Link>
          ) : null}
        </nav>
      ) : null}
    </div>
  )
}

function BadgeCounts({ counts }: { counts: { gold: number; silver: number; bronze: number } }) {
  const total = counts.gold + counts.silver + counts.bronze
  if (total === 0) return <span className="muted">None</span>
  return (
    <span className="badge-counts">
      {(['gold', 'silver', 'bronze'] as const)
        .filter((level) => counts[level] > 0)
        .map((level) => (
          <span key={level} className={`badge-count badge-${level}`}>
            {counts[level]} {level}
          </span>
        ))}
    </span>
  )
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />
}
