import { type LoaderFunctionArgs, type MetaFunction, redirect } from '@remix-run/node'
import { Link, useLoaderData } from '@remix-run/react'
import { z } from 'zod'
import { GeneralErrorBoundary } from '~/components/error-boundary'
import { Pager, TabLinks } from '~/components/pager'
import { DateTime, StatusBadge } from '~/components/post-rows'
import { ReputationChart } from '~/components/reputation-chart'
import { TeamBadge } from '~/components/team-badge'
import { PROFILE_TABS, type ProfileTab } from '~/domain'
import { getUser } from '~/lib/auth.server'
import { getDb } from '~/lib/db.server'
import { notFound, orHttpError } from '~/lib/http.server'
import { decodeCursor } from '~/lib/pagination.server'
import { getProfilePageView } from '~/models/profile-page.server'
import { type LedgerEntry } from '~/models/profiles.server'

const TAB_LABELS = {
  activity: 'Activity',
  reputation: 'Reputation',
  badges: 'Badges',
  ideas: 'Ideas',
  questions: 'Questions',
  answers: 'Answers',
} as const satisfies Record<ProfileTab, string>

const Params = z.object({ username: z.string().regex(/^[A-Za-z0-9_-]{2,30}$/) })
// A GET page never fails on its query string: unknown values fall back to the defaults.
const Query = z.object({
  tab: z.enum(PROFILE_TABS).catch('activity'),
  cursor: z.string().max(100).optional().catch(undefined),
})

export async function loader({ request, params }: LoaderFunctionArgs) {
  const parsedParams = Params.safeParse(params)
  if (!parsedParams.success) return notFound('member')
  const url = new URL(request.url)
  const query = Query.parse(Object.fromEntries(url.searchParams))
  const viewer = await getUser(request)
  const page = orHttpError(() =>
    getProfilePageView(getDb(), viewer, { username: parsedParams.data.username, tab: query.tab, cursor: decodeCursor(query.cursor) }),
  )
  if ('renamedTo' in page) throw redirect(`/u/${page.renamedTo}${url.search}`, 301)
  return page
}

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: data ? `${data.profile.displayName} (@${data.profile.username}) · Summit` : 'Member not found · Summit' },
]

function initialsOf(name: string) {
  const letters = name
    .trim()
    .split(/[\s_-]+/)
    .filter(Boolean)
    .slice(0, 2)
    .map((word) => Array.from(word)[0] ?? '')
  return letters.join('').toUpperCase() || '?'
}

const LEVEL_LABELS = { gold: 'Gold', silver: 'Silver', bronze: 'Bronze' } as const

export default function ProfilePage() {
  const { profile, isOwner, tab, history, ledger, badges, ideas, questions, answers } = useLoaderData<typeof loader>()
  const shownReputation = Math.max(1, profile.reputation) // pages show at least 1; the stored value is exact
  return (
    <div className="profile">
      <header className="profile-header">
        <span className="avatar" aria-hidden="true">
          {initialsOf(profile.displayName)}
        </span>
        <div className="profile-identity">
          <h1>
            {profile.displayName} <TeamBadge role={profile.role} />
          </h1>
          <p className="muted">
            @{profile.username} · member since <DateTime value={profile.createdAt} />
          </p>
          {isOwner ? (
            <p>
              <Link to="/settings">Edit profile</Link>
            </p>
          ) : null}
        </div>
        <dl className="profile-stats">
          <div>
            <dt>Reputation</dt>
            <dd>{shownReputation}</dd>
          </div>
          <div>
            <dt>Ideas</dt>
            <dd>{profile.counts.ideas}</dd>
          </div>
          <div>
            <dt>Questions</dt>
            <dd>{profile.counts.questions}</dd>
          </div>
          <div>
            <dt>Answers</dt>
            <dd>{profile.counts.answers}</dd>
          </div>
        </dl>
      </header>

      <TabLinks name="tab" current={tab} options={PROFILE_TABS.map((t) => [t, TAB_LABELS[t]] as const)} label="Profile sections" />

      {tab === 'activity' ? (
        <section className="profile-section" aria-labelledby="about-title">
          <h2 id="about-title">About</h2>
          {profile.bioHtml ? (
            <div className="prose" dangerouslySetInnerHTML={{ __html: profile.bioHtml }} />
          ) : (
            <p className="muted">{isOwner ? 'You have not written a bio yet.' : 'No bio yet.'}</p>
          )}
        </section>
      ) : null}

      {badges ? <BadgeList groups={badges} /> : null}

      {history ? (
        <section className="profile-section" aria-labelledby="chart-title">
          <h2 id="chart-title">Reputation over time</h2>
          <ReputationChart history={history} />
        </section>
      ) : null}

      {ledger ? (
        <section className="profile-section" aria-labelledby="ledger-title">
          <h2 id="ledger-title">{tab === 'activity' ? 'Recent reputation' : 'Reputation history'}</h2>
          <Ledger items={ledger.items} />
          {tab === 'activity' ? (
            ledger.nextCursor ? (
              <p className="section-footer">
                <Link to="?tab=reputation">All reputation events</Link>
              </p>
            ) : null
          ) : (
            <Pager nextCursor={ledger.nextCursor} label="Reputation history" />
          )}
        </section>
      ) : null}

      {ideas ? (
        <section className="profile-section" aria-labelledby="ideas-title">
          <h2 id="ideas-title">Ideas</h2>
          {ideas.items.length ? (
            <ul className="profile-posts">
              {ideas.items.map((idea) => (
                <li key={idea.id}>
                  <PostTitle href={`/ideas/${idea.id}`} title={idea.title} isHidden={idea.isHidden} />
                  <p className="post-meta">
                    <StatusBadge status={idea.status} />
                    <span>
                      {idea.voteCount} {idea.voteCount === 1 ? 'vote' : 'votes'}
                    </span>
                    <DateTime value={idea.createdAt} />
                  </p>
                </li>
              ))}
            </ul>
          ) : (
            <p className="muted">No ideas yet.</p>
          )}
          <Pager nextCursor={ideas.nextCursor} label="Ideas" />
        </section>
      ) : null}

      {questions ? (
        <section className="profile-section" aria-labelledby="questions-title">
          <h2 id="questions-title">Questions</h2>
          {questions.items.length ? (
            <ul className="profile-posts">
              {questions.items.map((q) => (
                <li key={q.id}>
                  <PostTitle href={`/questions/${q.id}`} title={q.title} isHidden={q.isHidden} />
                  <p className="post-meta">
                    {q.hasAcceptedAnswer ? <span className="badge status-shipped">Answered</span> : null}
                    {q.status === 'closed' ? <span className="badge status-declined">Closed</span> : null}
                    <span>
                      {q.score} {q.score === 1 || q.score === -1 ? 'vote' : 'votes'}
                    </span>
                    <span>
                      {q.answerCount} {q.answerCount === 1 ? 'answer' : 'answers'}
                    </span>
                    <DateTime value={q.createdAt} />
                  </p>
                </li>
              ))}
            </ul>
          ) : (
            <p className="muted">No questions yet.</p>
          )}
          <Pager nextCursor={questions.nextCursor} label="Questions" />
        </section>
      ) : null}

      {answers ? (
        <section className="profile-section" aria-labelledby="answers-title">
          <h2 id="answers-title">Answers</h2>
          {answers.items.length ? (
            <ul className="profile-posts">
              {answers.items.map((a) => (
                <li key={a.id}>
                  <PostTitle href={`/questions/${a.questionId}#answer-${a.id}`} title={a.questionTitle} isHidden={a.isHidden} />
                  <p className="post-meta">
                    {a.isAccepted ? <span className="badge status-shipped">Accepted</span> : null}
                    <span>
                      {a.score} {a.score === 1 || a.score === -1 ? 'vote' : 'votes'}
                    </span>
                    <DateTime value={a.createdAt} />
                  </p>
                </li>
              ))}
            </ul>
          ) : (
            <p className="muted">No answers yet.</p>
          )}
          <Pager nextCursor={answers.nextCursor} label="Answers" />
        </section>
      ) : null}
    </div>
  )
}

/** A hidden post cannot be opened (its page answers 404), so it shows without a link. */
function PostTitle({ href, title, isHidden }: { href: string; title: string; isHidden: boolean }) {
  return (
    <h3>
      {isHidden ? (
        <>
          {title} <span className="badge status-declined">Hidden</span>
        </>
      ) : (
        <Link to={href}>{title}</Link>
      )}
    </h3>
  )
}

function BadgeList({
  groups,
}: {
  groups: Array<{
    level: keyof typeof LEVEL_LABELS
    badges: Array<{ id: string; name: string; description: string; awardedAt: string | Date }>
  }>
}) {
  return (
    <section className="profile-section" id="badges" aria-labelledby="badges-title">
      <h2 id="badges-title">Badges</h2>
      {groups.length ? (
        groups.map((group) => (
          <div key={group.level} className="badge-group">
            <h3>
              {LEVEL_LABELS[group.level]} ({group.badges.length})
            </h3>
            <ul className="badge-list">
              {group.badges.map((badge) => (
                <li key={badge.id} className={`earned-badge badge-${group.level}`}>
                  <strong>{badge.name}</strong>
                  <span>{badge.description}</span>
                  <span className="muted">
                    Earned <DateTime value={badge.awardedAt} />
                  </span>
                </li>
              ))}
            </ul>
          </div>
        ))
      ) : (
        <p className="muted">No badges yet.</p>
      )}
    </section>
  )
}

const signed = (n: number) => (n > 0 ? `+${n}` : n < 0 ? `−${Math.abs(n)}` : '0')

function Ledger({ items }: { items: Array<Omit<LedgerEntry, 'createdAt'> & { createdAt: string | Date }> }) {
  if (items.length === 0) return <p className="muted">No reputation events yet.</p>
  return (
    <div className="table-scroll">
      <table className="ledger">
        <thead>
          <tr>
            <th scope="col">Change</th>
            <th scope="col">Reason</th>
            <th scope="col">Post</th>
            <th scope="col">Date</th>
          </tr>
        </thead>
        <tbody>
          {items.map((e) => (
            <tr key={e.id}>
              <td className={e.delta < 0 ? 'ledger-delta ledger-loss' : 'ledger-delta'}>{signed(e.delta)}</td>
              <td>{e.label}</td>
              <td>
                {e.source.href ? (
                  <Link to={e.source.href}>{e.source.title}</Link>
                ) : e.source.type === 'user' ? (
                  <span className="muted">Account</span>
                ) : (
                  <span className="muted">{e.source.title ? `${e.source.title} (hidden)` : 'A removed post'}</span>
                )}
              </td>
              <td>
                <DateTime value={e.createdAt} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  )
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary messages={{ 404: 'This member does not exist, or the account was removed.' }} />
}
