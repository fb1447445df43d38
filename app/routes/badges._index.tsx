/** /badges: every badge, its level, what earns it and how many members hold it. */
import { type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Link, useLoaderData } from '@remix-run/react'
import { GeneralErrorBoundary } from '~/components/error-boundary'
import { getDb } from '~/lib/db.server'
import { listBadgesWithCounts } from '~/models/badges.server'

export const meta: MetaFunction = () => [{ title: 'Badges · Summit' }]

export async function loader(_: LoaderFunctionArgs) {
  return { badges: listBadgesWithCounts(getDb()) }
}

const LEVEL_NAMES = { bronze: 'Bronze', silver: 'Silver', gold: 'Gold' } as const

export default function BadgesPage() {
  const { badges } = useLoaderData<typeof loader>()
  return (
    <div>
      <h1>Badges</h1>
      <p>
        Badges mark milestones. Each is awarded once, the moment it is earned. See also the <Link to="/help/privileges">privileges</Link>{' '}
        reputation unlocks.
      </p>
      <table className="badge-table">
        <caption className="visually-hidden">Every badge with its level and number of holders</caption>
        <thead>
          <tr>
            <th scope="col">Badge</th>
            <th scope="col">Level</th>
            <th scope="col">Earned for</th>
            <th scope="col">Holders</th>
          </tr>
        </thead>
        <tbody>
          {badges.map((badge) => (
            <tr key={badge.id}>
              <th scope="row">
                <Link to={`/badges/${badge.id}`}>{badge.name}</Link>
              </th>
              <td>
                <span className={`badge-level badge-level-${badge.level}`}>{LEVEL_NAMES[badge.level]}</span>
              </td>
              <td>{badge.description}</td>
              <td>{badge.holders}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  )
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />
}
