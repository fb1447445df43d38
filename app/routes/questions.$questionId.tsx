import { type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Link, useLoaderData } from '@remix-run/react'
import { GeneralErrorBoundary } from '~/components/error-boundary'
import { CountBox, DateTime } from '~/components/post-rows'
import { TeamBadge } from '~/components/team-badge'
import { getDb } from '~/lib/db.server'
import { orHttpError } from '~/lib/http.server'
import { parseId } from '~/lib/params.server'
import { getQuestionPage } from '~/models/questions.server'

export async function loader({ params }: LoaderFunctionArgs) {
  const questionId = parseId(params.questionId, 'question')
  return orHttpError(() => getQuestionPage(getDb(), { questionId }))
}

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data?.question.title ?? 'Question not found'} · Summit` }]

const CLOSE_REASONS = { duplicate: 'a duplicate', off_topic: 'off-topic', resolved: 'resolved' } as const

type CommentData = { id: number; bodyHtml: string; createdAt: string | Date; authorName: string }

function Comments({ comments, label }: { comments: CommentData[]; label: string }) {
  if (comments.length === 0) return null
  return (
    <ol className="inline-comments" aria-label={label}>
      {comments.map((c) => (
        <li key={c.id} id={`comment-${c.id}`}>
          <span className="prose" dangerouslySetInnerHTML={{ __html: c.bodyHtml }} />{' '}
          <span className="muted">
            – {c.authorName}, <DateTime value={c.createdAt} />
          </span>
        </li>
      ))}
    </ol>
  )
}

const votes = (n: number) => `${n} ${Math.abs(n) === 1 ? 'vote' : 'votes'}`

export default function QuestionPage() {
  const { question, tags, answers } = useLoaderData<typeof loader>()
  return (
    <article className="post" aria-labelledby="question-title">
      <p className="breadcrumbs">
        <Link to="/questions">Questions</Link>
      </p>
      <header className="post-header">
        <div className="counts">
          <CountBox value={question.score} one="vote" many="votes" />
        </div>
        <div>
          <h1 id="question-title">{question.title}</h1>
          <p className="post-meta">
            <span>
              asked by {question.authorName} <TeamBadge role={question.authorRole} />, <DateTime value={question.createdAt} />
            </span>
            <span>{question.viewCount} views</span>
          </p>
        </div>
      </header>
      {question.status === 'closed' ? (
        <p className="notice notice-warning" role="note">
          Closed as {question.closeReason ? CLOSE_REASONS[question.closeReason] : 'closed'}
          {question.duplicateOfId ? (
            <>
              {' '}
              of <Link to={`/questions/${question.duplicateOfId}`}>another question</Link>
            </>
          ) : null}
          . It takes no new answers.
        </p>
      ) : null}
      {question.convertedToIdeaId ? (
        <p className="notice" role="note">
          The team turned this question into an idea: <Link to={`/ideas/${question.convertedToIdeaId}`}>vote on it there</Link>.
        </p>
      ) : null}
      <div className="prose" dangerouslySetInnerHTML={{ __html: question.bodyHtml /* sanitized on write */ }} />
      {tags.length ? (
        <ul className="tag-list" aria-label="Tags">
          {tags.map((tag) => (
            <li key={tag} className="tag">
              {tag}
            </li>
          ))}
        </ul>
      ) : null}
      <Comments comments={question.comments} label="Comments on the question" />

      <section aria-labelledby="answers-title" className="answers">
        <h2 id="answers-title">
          {answers.length} {answers.length === 1 ? 'answer' : 'answers'}
        </h2>
        {answers.length ? (
          <ol>
            {answers.map((answer) => (
              <li key={answer.id} id={`answer-${answer.id}`} className={answer.isAccepted ? 'answer answer-accepted' : 'answer'}>
                <p className="post-meta">
                  <span>{votes(answer.score)}</span>
                  {answer.isAccepted ? <span className="badge status-shipped">Accepted answer</span> : null}
                  {answer.isOfficial ? <span className="badge team-badge">Official</span> : null}
                </p>
                <div className="prose" dangerouslySetInnerHTML={{ __html: answer.bodyHtml }} />
                <p className="post-meta">
                  <span>
                    answered by {answer.authorName} <TeamBadge role={answer.authorRole} />, <DateTime value={answer.createdAt} />
                  </span>
                </p>
                <Comments comments={answer.comments} label="Comments on this answer" />
              </li>
            ))}
          </ol>
        ) : (
          <p className="muted">No answers yet.</p>
        )}
      </section>
    </article>
  )
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary messages={{ 404: 'This question does not exist, or it was removed.' }} />
}
