/** Pieces of the question page: comments, the comment and answer forms, accept and official buttons. */
import { Form, Link, useActionData, useLocation, useNavigation, useSearchParams } from '@remix-run/react'
import { type ReactNode, useState } from 'react'
import { FormErrors } from '~/components/forms'
import { MemberName } from '~/components/member-name'
import { DateTime } from '~/components/post-rows'
import { useHydrated } from '~/components/use-hydrated'
import { MARKDOWN_HINT, TextAreaField } from '~/components/forms'
import { type Decision } from '~/lib/permissions'
import { ANSWER_BODY_LENGTH, QA_COMMENT_LENGTH } from '~/schemas/question'
import type { action } from './data.server'

type CommentData = {
  id: number
  bodyHtml: string
  createdAt: string | Date
  authorName: string
  authorUsername?: string
  authorId: number
  hiddenReason: string | null
}

export function Comments({
  comments,
  label,
  tools,
}: {
  comments: CommentData[]
  label: string
  tools?: (comment: CommentData) => ReactNode
}) {
  if (comments.length === 0) return null
  return (
    <ol className="inline-comments" aria-label={label}>
      {comments.map((c) => (
        <li key={c.id} id={`comment-${c.id}`}>
          <span className="prose" dangerouslySetInnerHTML={{ __html: c.bodyHtml /* sanitized on write */ }} />{' '}
          <span className="muted">
            – <MemberName name={c.authorName} username={c.authorUsername} />, <DateTime value={c.createdAt} />
          </span>
          {tools ? tools(c) : null}
        </li>
      ))}
    </ol>
  )
}

/** The failed submission of the form with this intent (and key), if the last post was one. */
function useFailure(intent: string, formKey?: string) {
  const result = useActionData<typeof action>()
  if (!result || !('fieldErrors' in result) || result.intent !== intent) return null
  if (formKey && result.formKey !== formKey) return null
  return result
}

function useBusy(intent: string, formKey?: string) {
  const formData = useNavigation().formData
  if (formData?.get('intent') !== intent) return false
  return !formKey || `${formData.get('target')}-${formData.get('targetId')}` === formKey
}

function LoginToAct({ decision }: { decision: Decision }) {
  const location = useLocation()
  if (decision.ok) return null
  if (decision.status === 401) {
    const to = `/login?${new URLSearchParams({ redirectTo: location.pathname })}`
    return (
      <p className="muted">
        <Link to={to}>Log in</Link> {decision.reason.replace(/^Log in /, '')}
      </p>
    )
  }
  return <p className="muted">{decision.reason}</p>
}

/**
 * "Add a comment" under a post. The form is built when asked for, not under every answer (it was
 * a sixth of a member's question page): without JavaScript "Add a comment" is a link to the page
 * with `?comment=<target>-<id>`, which shows that one form; once hydrated it is a button that opens
 * the form in place. The form stays open with the error and the text when the comment was refused.
 * `count` remounts the form (emptying it) once a comment was added.
 */
export function QaCommentForm({
  target,
  targetId,
  decision,
  count,
}: {
  target: 'question' | 'answer'
  targetId: number
  decision: Decision
  count: number
}) {
  const formKey = `${target}-${targetId}`
  const failed = useFailure('comment', formKey)
  const busy = useBusy('comment', formKey)
  const hydrated = useHydrated()
  const [searchParams] = useSearchParams()
  const [open, setOpen] = useState<boolean | null>(null)
  const id = `comment-body-${formKey}`
  const anchor = `add-comment-${formKey}`
  const shown = failed ? true : (open ?? searchParams.get('comment') === formKey)
  const form = decision.ok ? (
    <Form method="post" className="form comment-form" noValidate key={count}>
      <input type="hidden" name="intent" value="comment" />
      <input type="hidden" name="target" value={target} />
      <input type="hidden" name="targetId" value={targetId} />
      <TextAreaField
        id={id}
        name="body"
        label={target === 'question' ? 'Comment on the question' : 'Comment on this answer'}
        hint={`${QA_COMMENT_LENGTH.min}–${QA_COMMENT_LENGTH.max} characters. Ask for details or suggest an improvement.`}
        rows={3}
        maxLength={QA_COMMENT_LENGTH.max * 2}
        result={failed}
      />
      <div>
        <button type="submit" disabled={busy}>
          Add comment
        </button>
      </div>
    </Form>
  ) : (
    <LoginToAct decision={decision} />
  )
  if (!hydrated) {
    return shown ? (
      <div className="comment-disclosure" id={anchor}>
        {form}
      </div>
    ) : (
      <p className="comment-disclosure" id={anchor}>
        <a href={`?${new URLSearchParams({ comment: formKey })}#${anchor}`} rel="nofollow">
          Add a comment
        </a>
      </p>
    )
  }
  return (
    <div className="comment-disclosure" id={anchor}>
      <button type="button" className="link-button" aria-expanded={shown} onClick={() => setOpen(!shown)}>
        Add a comment
      </button>
      {shown ? form : null}
    </div>
  )
}

/** "Your answer", or why this question takes none. */
export function AnswerForm({
  questionId,
  isClosed,
  isLocked,
  decision,
  count,
}: {
  questionId: number
  isClosed: boolean
  isLocked: boolean
  decision: Decision
  count: number
}) {
  const failed = useFailure('answer')
  const busy = useBusy('answer')
  let content
  if (isClosed) content = <p className="notice notice-warning">This question is closed, so it takes no new answers.</p>
  else if (isLocked) content = <p className="notice notice-warning">This question is locked, so it takes no new answers.</p>
  else if (!decision.ok) content = <LoginToAct decision={decision} />
  else {
    content = (
      <Form method="post" className="form answer-form" noValidate key={count}>
        <input type="hidden" name="intent" value="answer" />
        <FormErrors result={failed} />
        <TextAreaField
          id={`answer-body-${questionId}`}
          name="body"
          label="Write your answer"
          hint={`${ANSWER_BODY_LENGTH.min}–${ANSWER_BODY_LENGTH.max.toLocaleString('en')} characters. ${MARKDOWN_HINT}`}
          rows={8}
          maxLength={ANSWER_BODY_LENGTH.max * 2}
          result={failed}
        />
        <div>
          <button type="submit" disabled={busy}>
            Post your answer
          </button>
        </div>
      </Form>
    )
  }
  return (
    <section aria-labelledby="your-answer-title" id="your-answer" className="your-answer">
      <h2 id="your-answer-title">Your answer</h2>
      {content}
    </section>
  )
}

/** The asker's accept / un-accept button. The form names the state wanted, so a replay is harmless. */
export function AcceptForm({ answerId, isAccepted }: { answerId: number; isAccepted: boolean }) {
  return (
    <Form method="post">
      <input type="hidden" name="intent" value="accept" />
      <input type="hidden" name="answerId" value={answerId} />
      <input type="hidden" name="accepted" value={String(!isAccepted)} />
      <button type="submit" className={isAccepted ? 'button-secondary' : undefined}>
        {isAccepted ? 'Unaccept this answer' : 'Accept this answer'}
      </button>
    </Form>
  )
}

export function OfficialForm({ answerId, isOfficial }: { answerId: number; isOfficial: boolean }) {
  return (
    <Form method="post">
      <input type="hidden" name="intent" value="official" />
      <input type="hidden" name="answerId" value={answerId} />
      <input type="hidden" name="official" value={String(!isOfficial)} />
      <button type="submit" className="button-secondary">
        {isOfficial ? 'Remove the official mark' : 'Mark as official'}
      </button>
    </Form>
  )
}

/** "edited <date>", linking to the post's earlier versions. */
export function EditedNote({ editedAt, questionId, anchor }: { editedAt: string | Date | null; questionId: number; anchor?: string }) {
  if (!editedAt) return null
  return (
    <span>
      <Link to={`/questions/${questionId}/history${anchor ? `#${anchor}` : ''}`}>
        edited <DateTime value={editedAt} />
      </Link>
    </span>
  )
}
