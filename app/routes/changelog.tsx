/** /changelog: the shipped ideas, newest first. */
import { type LinksFunction, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Link, useLoaderData } from '@remix-run/react'
import { z } from 'zod'
import { GeneralErrorBoundary } from '~/components/error-boundary'
import { Pager } from '~/components/pager'
import { CountBox, DateTime } from '~/components/post-rows'
import { getDb } from '~/lib/db.server'
import { decodeCursor } from '~/lib/pagination.server'
import { listChangelog } from '~/models/changelog.server'

export const meta: MetaFunction = () => [
  { title: 'Changelog · Summit' },
  { name: 'description', content: 'Ideas from our community that have shipped, newest first, with the release notes.' },
]

export const links: LinksFunction = () => [
  { rel: 'alternate', type: 'application/atom+xml', title: 'Changelog (Atom feed)', href: '/changelog.atom' },
]

const Query = z.object({ cursor: z.string().max(100).optional().catch(undefined) })

export async function loader({ request }: LoaderFunctionArgs) {
  const query = Query.parse(Object.fromEntries(new URL(request.url).searchParams))
  return listChangelog(getDb(), { cursor: decodeCursor(query.cursor) })
}

export default function ChangelogPage() {
  const { items, nextCursor } = useLoaderData<typeof loader>()
  return (
    <>
      <header className="page-header">
        <h1>Changelog</h1>
        <a href="/changelog.atom" className="feed-link">
          Subscribe (Atom feed)
        </a>
      </header>
      <p className="muted">
        Ideas from the community that have shipped, the most recent first. Each one was voted up here; see what is coming on the{' '}
        <Link to="/roadmap">roadmap</Link>.
      </p>
      {items.length ? (
        <ol className="changelog" aria-label="Shipped ideas">
          {items.map((idea) => (
            <li key={idea.id} className="changelog-entry">
              <div className="counts">
                <CountBox value={idea.voteCount} one="vote" many="votes" />
              </div>
              <div>
                <h2>
                  <Link to={`/ideas/${idea.id}`}>{idea.title}</Link>
                </h2>
                <p className="post-meta">
                  <span>
                    Shipped <DateTime value={idea.shippedAt} />
                  </span>
                  {idea.category ? <span>{idea.category}</span> : null}
                </p>
                {idea.noteHtml ? (
                  <div className="prose release-note" dangerouslySetInnerHTML={{ __html: idea.noteHtml /* sanitized on write */ }} />
                ) : null}
              </div>
            </li>
          ))}
        </ol>
      ) : (
        <p className="empty">Nothing has shipped yet. Vote on ideas to tell the team what to build first.</p>
      )}
      <Pager nextCursor={nextCursor} label="Changelog" />
    </>
  )
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />
}
