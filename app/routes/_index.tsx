/** The home page (/): what the community is for, its top ideas and its recent questions. */
import { type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Link, useLoaderData } from '@remix-run/react'
import { GeneralErrorBoundary } from '~/components/error-boundary'
import { IdeaRow, QuestionRow } from '~/components/post-rows'
import { getUser } from '~/lib/auth.server'
import { getDb } from '~/lib/db.server'
import { env } from '~/lib/env.server'
import { getHomeFeed } from '~/models/home.server'

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: `${data?.siteName ?? 'Summit'} · ideas and answers from our customers` },
  { name: 'description', content: 'Vote on product ideas, follow the roadmap, and get answers from other customers.' },
]

export async function loader({ request }: LoaderFunctionArgs) {
  const db = getDb()
  const viewer = await getUser(request)
  return { siteName: env().SITE_NAME, isLoggedIn: viewer != null, ...getHomeFeed(db) }
}

export default function HomePage() {
  const { siteName, isLoggedIn, topIdeas, recentQuestions, ideaCount, questionCount } = useLoaderData<typeof loader>()
  return (
    <>
      <section className="hero" aria-labelledby="home-title">
        <h1 id="home-title">Shape what we build next</h1>
        <p>
          {siteName} is where our customers suggest ideas, vote on what matters most and help each other. The product team reviews the top
          ideas in the open, and everyone who voted hears when an idea moves.
        </p>
        <ul className="stats" aria-label="Community at a glance">
          <li>
            <strong>{ideaCount}</strong> ideas
          </li>
          <li>
            <strong>{questionCount}</strong> questions
          </li>
        </ul>
        <p className="hero-actions">
          <Link to="/ideas" className="button">
            Browse ideas
          </Link>
          <Link to="/ideas/new" className="button button-secondary">
            Post an idea
          </Link>
          <Link to="/questions" className="button button-secondary">
            Ask the community
          </Link>
          {isLoggedIn ? null : (
            <Link to="/signup" className="button button-secondary">
              Join {siteName}
            </Link>
          )}
        </p>
      </section>
      <div className="two-columns">
        <section aria-labelledby="top-ideas-title">
          <h2 id="top-ideas-title">Top ideas</h2>
          {topIdeas.length ? (
            <ol className="post-list">
              {topIdeas.map((idea) => (
                <IdeaRow key={idea.id} idea={idea} />
              ))}
            </ol>
          ) : (
            <p className="muted">No ideas yet. Be the first to suggest one.</p>
          )}
          <p className="section-footer">
            <Link to="/ideas">All ideas</Link> · <Link to="/roadmap">Roadmap</Link>
          </p>
        </section>
        <section aria-labelledby="recent-questions-title">
          <h2 id="recent-questions-title">Recent questions</h2>
          {recentQuestions.length ? (
            <ol className="post-list">
              {recentQuestions.map((question) => (
                <QuestionRow key={question.id} question={question} />
              ))}
            </ol>
          ) : (
            <p className="muted">No questions yet.</p>
          )}
          <p className="section-footer">
            <Link to="/questions">All questions</Link>
          </p>
        </section>
      </div>
    </>
  )
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />
}
