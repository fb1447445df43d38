import { type LoaderFunctionArgs, type MetaFunction, redirect } from '@remix-run/node'
import { Link, useLoaderData } from '@remix-run/react'
import { GeneralErrorBoundary } from '~/components/error-boundary'
import { CountBox, DateTime, StatusBadge } from '~/components/post-rows'
import { TeamBadge } from '~/components/team-badge'
import { getDb } from '~/lib/db.server'
import { IDEA_STATUS_LABELS } from '~/lib/labels'
import { orHttpError } from '~/lib/http.server'
import { parseId } from '~/lib/params.server'
import { getIdeaPage } from '~/models/ideas.server'

export async function loader({ params }: LoaderFunctionArgs) {
  const ideaId = parseId(params.ideaId, 'idea')
  const page = orHttpError(() => getIdeaPage(getDb(), { ideaId }))
  if ('redirectTo' in page) throw redirect(`/ideas/${page.redirectTo}?merged=${ideaId}`)
  return page
}

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data?.idea.title ?? 'Idea not found'} · Summit` }]

export default function IdeaPage() {
  const { idea, timeline, tags, comments } = useLoaderData<typeof loader>()
  return (
    <article className="post" aria-labelledby="idea-title">
      <p className="breadcrumbs">
        <Link to="/ideas">Ideas</Link>
        {idea.category ? (
          <>
            {' › '}
            <Link to={`/ideas?category=${idea.categorySlug}`}>{idea.category}</Link>
          </>
        ) : null}
      </p>
      <header className="post-header">
        <div className="counts">
          <CountBox value={idea.voteCount} one="vote" many="votes" />
        </div>
        <div>
          <h1 id="idea-title">{idea.title}</h1>
          <p className="post-meta">
            <StatusBadge status={idea.status} />
            <span>
              by {idea.authorName} <TeamBadge role={idea.authorRole} />, <DateTime value={idea.createdAt} />
            </span>
            {idea.lockedAt ? <span className="badge status-open">Locked</span> : null}
          </p>
        </div>
      </header>
      {idea.fromQuestionId ? (
        <p className="notice" role="note">
          This idea started as a support question: <Link to={`/questions/${idea.fromQuestionId}`}>see the question and its answers</Link>.
        </p>
      ) : null}
      <div className="prose" dangerouslySetInnerHTML={{ __html: idea.bodyHtml /* sanitized on write */ }} />
      {tags.length ? (
        <ul className="tag-list" aria-label="Tags">
          {tags.map((tag) => (
            <li key={tag} className="tag">
              {tag}
            </li>
          ))}
        </ul>
      ) : null}

      {timeline.length ? (
        <section aria-labelledby="timeline-title" className="timeline">
          <h2 id="timeline-title">Status updates</h2>
          <ol>
            {timeline.map((change) => (
              <li key={change.id}>
                <p className="post-meta">
                  <span>
                    {IDEA_STATUS_LABELS[change.fromStatus]} → <StatusBadge status={change.toStatus} />
                  </span>
                  <span>
                    {change.actorName} <span className="badge team-badge">Team</span>, <DateTime value={change.createdAt} />
                  </span>
                </p>
                {change.noteHtml ? <div className="prose official-note" dangerouslySetInnerHTML={{ __html: change.noteHtml }} /> : null}
              </li>
            ))}
          </ol>
        </section>
      ) : null}

      <section aria-labelledby="comments-title" className="comments">
        <h2 id="comments-title">Comments ({idea.commentCount})</h2>
        {comments.length ? (
          <ol>
            {comments.map((comment) => (
              <li key={comment.id} id={`comment-${comment.id}`} className="comment">
                <div className="prose" dangerouslySetInnerHTML={{ __html: comment.bodyHtml }} />
                <p className="post-meta">
                  <span>
                    {comment.authorName} <TeamBadge role={comment.authorRole} />, <DateTime value={comment.createdAt} />
                  </span>
                </p>
              </li>
            ))}
          </ol>
        ) : (
          <p className="muted">No comments yet.</p>
        )}
      </section>
    </article>
  )
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary messages={{ 404: 'This idea does not exist, or it was removed.' }} />
}
