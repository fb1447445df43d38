/**
 * /help/privileges: what reputation unlocks, at which threshold, and for a signed-in member how far
 * they are from each. Staff hold every privilege.
 */
import { type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Link, useLoaderData } from '@remix-run/react'
import { GeneralErrorBoundary } from '~/components/error-boundary'
import { getUser } from '~/lib/auth.server'
import { isStaff } from '~/lib/permissions'
import { PRIVILEGES } from '~/lib/privileges'
import { DAILY_VOTE_REPUTATION_CAP, IDEA_UPVOTE_REPUTATION_CAP, REPUTATION } from '~/models/reputation.server'

export const meta: MetaFunction = () => [{ title: 'Privileges · Summit' }]

// Pages show at least 1; the stored total is the exact sum and may be lower (app/models/reputation.server.ts).
export async function loader({ request }: LoaderFunctionArgs) {
  const viewer = await getUser(request)
  return {
    viewer: viewer ? { username: viewer.username, reputation: viewer.reputation, isStaff: isStaff(viewer) } : null,
    privileges: PRIVILEGES,
    rules: REPUTATION,
    dailyCap: DAILY_VOTE_REPUTATION_CAP,
    ideaCap: IDEA_UPVOTE_REPUTATION_CAP,
  }
}

const signed = (n: number) => (n > 0 ? `+${n}` : `−${Math.abs(n)}`)

export default function PrivilegesPage() {
  const { viewer, privileges, rules, dailyCap, ideaCap } = useLoaderData<typeof loader>()
  return (
    <div className="privileges-page">
      <h1>Privileges</h1>
      <p>
        Reputation is how the community says thank you. It unlocks privileges as it grows: the more you help, the more you can do.
        {viewer ? (
          viewer.isStaff ? (
            <> As a member of the team you have every privilege.</>
          ) : (
            <>
              {' '}
              You have <strong>{Math.max(1, viewer.reputation)}</strong> reputation.
            </>
          )
        ) : (
          <>
            {' '}
            <Link to="/login?redirectTo=/help/privileges">Log in</Link> to see your progress.
          </>
        )}
      </p>
      <ol className="privilege-list">
        {privileges.map((privilege) => {
          const has = viewer ? viewer.isStaff || viewer.reputation >= privilege.reputation : false
          const labelId = `privilege-${privilege.id}`
          return (
            <li key={privilege.id} className={has ? 'privilege privilege-held' : 'privilege'} aria-labelledby={labelId}>
              <h2 id={labelId}>
                {privilege.name} <span className="privilege-threshold">{privilege.reputation} reputation</span>
              </h2>
              <p>{privilege.description}</p>
              {viewer ? (
                has ? (
                  <p className="privilege-status">
                    <span aria-hidden="true">✓ </span>You have this
                  </p>
                ) : (
                  <p className="privilege-status">
                    <progress
                      max={privilege.reputation}
                      value={Math.max(1, Math.min(viewer.reputation, privilege.reputation))}
                      aria-label={`Progress towards ${privilege.name}`}
                    />{' '}
                    <span>
                      {Math.max(1, viewer.reputation)} / {privilege.reputation}
                    </span>
                  </p>
                )
              ) : null}
            </li>
          )
        })}
      </ol>

      <h2>How reputation is earned</h2>
      <table className="reputation-rules">
        <caption className="visually-hidden">Reputation for each event</caption>
        <thead>
          <tr>
            <th scope="col">Event</th>
            <th scope="col">Reputation</th>
          </tr>
        </thead>
        <tbody>
          <tr>
            <td>Your idea gets a vote</td>
            <td>
              {signed(rules.idea_upvoted)} (up to {signed(ideaCap)} per idea)
            </td>
          </tr>
          <tr>
            <td>Your question is upvoted</td>
            <td>{signed(rules.question_upvoted)}</td>
          </tr>
          <tr>
            <td>Your answer is upvoted</td>
            <td>{signed(rules.answer_upvoted)}</td>
          </tr>
          <tr>
            <td>Your answer is accepted</td>
            <td>{signed(rules.answer_accepted)}</td>
          </tr>
          <tr>
            <td>You accept an answer to your question</td>
            <td>{signed(rules.accepted_an_answer)}</td>
          </tr>
          <tr>
            <td>Your idea is planned</td>
            <td>{signed(rules.idea_planned)}</td>
          </tr>
          <tr>
            <td>Your idea (or the question it came from) ships</td>
            <td>{signed(rules.idea_shipped)}</td>
          </tr>
          <tr>
            <td>Your suggested edit is approved</td>
            <td>{signed(rules.suggested_edit_approved)}</td>
          </tr>
          <tr>
            <td>Your post is downvoted</td>
            <td>{signed(rules.post_downvoted)}</td>
          </tr>
          <tr>
            <td>You downvote an answer</td>
            <td>{signed(rules.downvote_cast)}</td>
          </tr>
          <tr>
            <td>Your post is removed as spam</td>
            <td>{signed(rules.post_removed_as_spam)}</td>
          </tr>
        </tbody>
      </table>
      <p className="muted">
        Votes earn at most {signed(dailyCap)} a day; accepted answers, the idea bonuses and approved edits are not counted in that limit.
        Taking a vote back takes back exactly what it earned. Planned and shipped bonuses are paid once per idea and kept.
      </p>
      <p>
        <Link to="/badges">See the badges you can earn</Link>
      </p>
    </div>
  )
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />
}
