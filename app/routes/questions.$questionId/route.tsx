/**
 * The question page (/questions/:questionId): the question, its answers and comments, and the
 * forms that act on them. The loader and the action are in data.server.ts.
 */
import { type MetaFunction } from '@remix-run/node'
import { Link, useLoaderData } from '@remix-run/react'
import { GeneralErrorBoundary } from '~/components/error-boundary'
import { DateTime } from '~/components/post-rows'
import { MemberName } from '~/components/member-name'
import { SuggestedEditLinks } from '~/components/suggested-edit-links'
import { FlagControl } from '~/components/flag-form'
import { HiddenMark, ModerationMenu } from '~/components/moderation-menu'
import { VoteControl } from '~/components/vote-control'
import { retryAfterHeaders } from '~/lib/http.server'
import type { loader } from './data.server'
import { CloseForm, ConvertForm, ReopenForm } from './moderation'
import { AcceptForm, AnswerForm, Comments, EditedNote, OfficialForm, QaCommentForm } from './parts'

export { action, loader } from './data.server'

/** A 429 or 503 keeps its Retry-After. */
export const headers = retryAfterHeaders

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data?.question.title ?? 'Question not found'} · Summit` }]

const CLOSED_AS = { duplicate: 'a duplicate', off_topic: 'off-topic', resolved: 'resolved' } as const

export default function QuestionPage() {
  const { question, tags, answers, can, categories, flagging, viewerId, moderate, breakdowns } = useLoaderData<typeof loader>()
  const breakdownOf = (key: string) => (breakdowns ? (breakdowns[key] ?? { up: 0, down: 0 }) : null)
  const here = `/questions/${question.id}`
  const tools = (target: {
    type: 'question' | 'answer' | 'comment'
    id: number
    authorId: number
    hiddenReason: string | null
    anchor: string
  }) => (
    <div className="post-tools">
      <FlagControl
        target={target}
        redirectTo={`${here}${target.anchor}`}
        viewer={
          flagging && {
            ...flagging,
            isOwn: target.authorId === viewerId,
            flagged: flagging.flagged.includes(`${target.type}:${target.id}`),
          }
        }
      />
      {moderate ? (
        <ModerationMenu
          target={target}
          state={{
            hidden: !!target.hiddenReason,
            hiddenReason: target.hiddenReason,
            deleted: false,
            locked: target.type === 'question' ? !!question.lockedAt : undefined,
          }}
          redirectTo={`${here}${target.anchor}`}
        />
      ) : null}
    </div>
  )
  const commentTools = (c: { id: number; authorId: number; hiddenReason: string | null }) => (
    <>
      <HiddenMark hiddenReason={c.hiddenReason} isStaff={moderate} />
      {tools({ type: 'comment', id: c.id, authorId: c.authorId, hiddenReason: c.hiddenReason, anchor: `#comment-${c.id}` })}
    </>
  )
  const acceptedNote = question.acceptedAnswerId
    ? null
    : can.accept.ok && answers.length
      ? 'Accept the answer that solved your problem.'
      : null
  return (
    <article className="post" aria-labelledby="question-title">
      <p className="breadcrumbs">
        <Link to="/questions">Questions</Link>
      </p>
      <header className="post-header">
        <VoteControl
          target="question"
          targetId={question.id}
          score={question.score}
          viewerVote={question.viewerVote}
          up={question.can.up}
          down={question.can.down}
          isOwn={question.can.isOwn}
          label="Votes on the question"
          breakdown={breakdownOf(`question:${question.id}`)}
        />
        <div>
          <h1 id="question-title">{question.title}</h1>
          <p className="post-meta">
            <span>
              asked by <MemberName name={question.authorName} username={question.authorUsername} role={question.authorRole} />,{' '}
              <DateTime value={question.createdAt} />
            </span>
            <span>
              {question.viewCount} {question.viewCount === 1 ? 'view' : 'views'}
            </span>
            <EditedNote editedAt={question.editedAt} questionId={question.id} />
            {question.can.edit.ok ? <Link to={`/questions/${question.id}/edit`}>Edit question</Link> : null}
            <SuggestedEditLinks type="question" id={question.id} state={question.can.suggestedEdits} />
          </p>
        </div>
      </header>
      {question.status === 'closed' ? (
        <p className="notice notice-warning" role="note">
          {question.closeReason === 'duplicate' ? (
            question.duplicateOf ? (
              <>
                Closed as a duplicate of <Link to={`/questions/${question.duplicateOf.id}`}>{question.duplicateOf.title}</Link>.
              </>
            ) : (
              <>Closed as a duplicate of a question that was removed.</>
            )
          ) : (
            <>Closed as {question.closeReason ? CLOSED_AS[question.closeReason] : 'closed'}.</>
          )}{' '}
          It takes no new answers.
        </p>
      ) : null}
      {question.convertedToIdeaId ? (
        <p className="notice" role="note">
          The team turned this question into an idea: <Link to={`/ideas/${question.convertedToIdeaId}`}>vote on it there</Link>.
        </p>
      ) : null}
      <HiddenMark hiddenReason={question.hiddenReason} isStaff={moderate} />
      <div className="prose" dangerouslySetInnerHTML={{ __html: question.bodyHtml /* sanitized on write */ }} />
      {tools({ type: 'question', id: question.id, authorId: question.authorId, hiddenReason: question.hiddenReason, anchor: '' })}
      {tags.length ? (
        <ul className="tag-list" aria-label="Tags">
          {tags.map((tag) => (
            <li key={tag}>
              <Link to={`/tags/${encodeURIComponent(tag)}`} className="tag">
                {tag}
              </Link>
            </li>
          ))}
        </ul>
      ) : null}
      {can.close.ok || (can.convert.ok && !question.convertedToIdeaId) ? (
        <div className="post-actions">
          {can.close.ok ? question.status === 'closed' ? <ReopenForm /> : <CloseForm /> : null}
          {can.convert.ok && !question.convertedToIdeaId ? <ConvertForm categories={categories} /> : null}
        </div>
      ) : null}
      <Comments comments={question.comments} label="Comments on the question" tools={commentTools} />
      <QaCommentForm target="question" targetId={question.id} decision={question.can.comment} count={question.comments.length} />

      <section aria-labelledby="answers-title" className="answers">
        <h2 id="answers-title">
          {answers.length} {answers.length === 1 ? 'answer' : 'answers'}
        </h2>
        {acceptedNote ? <p className="muted">{acceptedNote}</p> : null}
        {answers.length ? (
          <ol>
            {answers.map((answer) => (
              <li key={answer.id} id={`answer-${answer.id}`} className={answer.isAccepted ? 'answer answer-accepted' : 'answer'}>
                <div className="answer-layout">
                  <VoteControl
                    target="answer"
                    targetId={answer.id}
                    score={answer.score}
                    viewerVote={answer.viewerVote}
                    up={answer.can.up}
                    down={answer.can.down}
                    isOwn={answer.can.isOwn}
                    label={`Votes on the answer by ${answer.authorName}`}
                    breakdown={breakdownOf(`answer:${answer.id}`)}
                  />
                  <div>
                    <p className="post-meta">
                      {answer.isAccepted ? <span className="badge status-shipped">Accepted answer</span> : null}
                      {answer.isOfficial ? <span className="badge team-badge">Official</span> : null}
                    </p>
                    <HiddenMark hiddenReason={answer.hiddenReason} isStaff={moderate} />
                    <div className="prose" dangerouslySetInnerHTML={{ __html: answer.bodyHtml }} />
                    {tools({
                      type: 'answer',
                      id: answer.id,
                      authorId: answer.authorId,
                      hiddenReason: answer.hiddenReason,
                      anchor: `#answer-${answer.id}`,
                    })}
                    <p className="post-meta">
                      <span>
                        answered by <MemberName name={answer.authorName} username={answer.authorUsername} role={answer.authorRole} />,{' '}
                        <DateTime value={answer.createdAt} />
                      </span>
                      <EditedNote editedAt={answer.editedAt} questionId={question.id} anchor={`answer-${answer.id}`} />
                      {answer.can.edit.ok ? <Link to={`/answers/${answer.id}/edit`}>Edit answer</Link> : null}
                      <SuggestedEditLinks type="answer" id={answer.id} state={answer.can.suggestedEdits} />
                    </p>
                    {can.accept.ok || can.markOfficial.ok ? (
                      <div className="post-actions">
                        {can.accept.ok ? <AcceptForm answerId={answer.id} isAccepted={answer.isAccepted} /> : null}
                        {can.markOfficial.ok ? <OfficialForm answerId={answer.id} isOfficial={answer.isOfficial} /> : null}
                      </div>
                    ) : null}
                    <Comments comments={answer.comments} label={`Comments on the answer by ${answer.authorName}`} tools={commentTools} />
                    <QaCommentForm target="answer" targetId={answer.id} decision={answer.can.comment} count={answer.comments.length} />
                  </div>
                </div>
              </li>
            ))}
          </ol>
        ) : (
          <p className="muted">No answers yet.</p>
        )}
      </section>

      <AnswerForm
        questionId={question.id}
        isClosed={question.status === 'closed'}
        isLocked={question.lockedAt != null}
        decision={can.answer}
        count={answers.length}
      />
    </article>
  )
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary messages={{ 404: 'This question does not exist, or it was removed.' }} />
}
