/** The idea's discussion: the pinned official response, the comment thread and its forms. */
import { Form, Link, useLocation } from '@remix-run/react'
import { type ReactNode } from 'react'
import { FlagControl } from '~/components/flag-form'
import { FormErrors } from '~/components/forms'
import { HiddenMark, ModerationMenu } from '~/components/moderation-menu'
import { TextAreaField } from '~/components/forms'
import { AuthorName, type IdeaActionData, type IdeaPageData, resultFor, Timestamp, useSubmitting } from './fields'

type Comment = IdeaPageData['comments'][number]

const MARKDOWN_HINT = 'Markdown works: **bold**, *italic*, `code`, links and lists.'

function RevisionHistory({ comment }: { comment: Comment }) {
  if (comment.revisionCount === 0) return null
  const shown = comment.revisions.length
  return (
    <details className="revisions">
      <summary>
        Edited · {comment.revisionCount === 1 ? 'show the earlier version' : `show ${comment.revisionCount} earlier versions`}
      </summary>
      {shown < comment.revisionCount ? <p className="muted">The {shown} most recent earlier versions, newest first.</p> : null}
      <ol>
        {comment.revisions.map((revision) => (
          <li key={revision.id}>
            <p className="post-meta">
              <span>
                Replaced <Timestamp value={revision.replacedAt} /> by {revision.editorName}
              </span>
            </p>
            {/* The Markdown source as it was typed, shown as text: pages never render Markdown. */}
            <pre className="revision-source">{revision.bodyMd}</pre>
          </li>
        ))}
      </ol>
    </details>
  )
}

function EditCommentForm({ comment, result, minutes }: { comment: Comment; result: IdeaActionData; minutes: number }) {
  const mine = resultFor(result, 'edit-comment', { commentId: String(comment.id) })
  const busy = useSubmitting('edit-comment', { commentId: String(comment.id) })
  if (comment.bodyMd === null) return null
  return (
    <details className="edit-comment" open={!!mine}>
      <summary>
        Edit<span className="visually-hidden"> this comment</span>
      </summary>
      <Form method="post" className="form form-wide" noValidate preventScrollReset key={String(comment.updatedAt)}>
        <input type="hidden" name="intent" value="edit-comment" />
        <input type="hidden" name="commentId" value={comment.id} />
        <FormErrors result={mine} id={`edit-comment-${comment.id}-error`} />
        <TextAreaField
          name="body"
          id={`edit-comment-${comment.id}`}
          label="Edit the comment"
          hint={`${MARKDOWN_HINT} Authors can edit for ${minutes} minutes after posting; the earlier version stays visible.`}
          maxLength={5000}
          defaultValue={comment.bodyMd}
          result={mine}
        />
        <button type="submit" disabled={busy}>
          Save the comment
        </button>
      </Form>
    </details>
  )
}

function CommentMeta({ comment }: { comment: Comment }) {
  const edited = comment.revisionCount > 0
  return (
    <p className="post-meta">
      <span>
        <AuthorName name={comment.authorName} username={comment.authorUsername} role={comment.authorRole} className="comment-author" />,{' '}
        <Timestamp value={comment.createdAt} />
      </span>
      {edited ? (
        <span>
          edited <Timestamp value={comment.updatedAt} />
        </span>
      ) : null}
    </p>
  )
}

/** The product team's response, pinned above the timeline and the thread. */
export function OfficialResponse({ comment, page, result }: { comment: Comment; page: IdeaPageData; result: IdeaActionData }) {
  return (
    <section id="official-response" className="official-response" aria-labelledby="official-response-title">
      <h2 id="official-response-title">
        Official response <span className="badge team-badge">Team</span>
      </h2>
      <div id={`comment-${comment.id}`}>
        <div className="prose" dangerouslySetInnerHTML={{ __html: comment.bodyHtml /* sanitized on write */ }} />
        <CommentMeta comment={comment} />
        <RevisionHistory comment={comment} />
        <EditCommentForm comment={comment} result={result} minutes={page.commentEditMinutes} />
      </div>
    </section>
  )
}

export function Discussion({ page, result, children }: { page: IdeaPageData; result: IdeaActionData; children: ReactNode }) {
  const location = useLocation()
  const { comments, olderCommentsCursor, idea } = page
  const onOlderPage = new URLSearchParams(location.search).has('before')
  const olderLink = (cursor: string) => {
    const params = new URLSearchParams(location.search)
    params.set('before', cursor)
    return `${location.pathname}?${params}#comments-title`
  }
  return (
    <section aria-labelledby="comments-title" className="comments" id="comments">
      <h2 id="comments-title">Comments ({idea.commentCount})</h2>
      {olderCommentsCursor || onOlderPage ? (
        <nav className="pager comments-pager" aria-label="Older and newer comments">
          {olderCommentsCursor ? <Link to={olderLink(olderCommentsCursor)}>Show older comments</Link> : null}
          {onOlderPage ? <Link to={`${location.pathname}#comments-title`}>Show the newest comments</Link> : null}
        </nav>
      ) : null}
      {comments.length ? (
        <ol aria-label="Comments">
          {comments.map((comment) => (
            <li key={comment.id} id={`comment-${comment.id}`} className="comment">
              <CommentMeta comment={comment} />
              <HiddenMark hiddenReason={comment.hiddenAt ? (comment.hiddenReason ?? 'moderator') : null} isStaff={!!page.moderation} />
              <div className="prose" dangerouslySetInnerHTML={{ __html: comment.bodyHtml /* sanitized on write */ }} />
              <RevisionHistory comment={comment} />
              <EditCommentForm comment={comment} result={result} minutes={page.commentEditMinutes} />
              <div className="post-tools">
                <FlagControl
                  target={{ type: 'comment', id: comment.id }}
                  redirectTo={`/ideas/${idea.id}#comment-${comment.id}`}
                  viewer={
                    page.flagging && {
                      ...page.flagging,
                      isOwn: comment.isOwn,
                      flagged: page.flagging.flagged.includes(`comment:${comment.id}`),
                    }
                  }
                />
                {page.moderation ? (
                  <ModerationMenu
                    target={{ type: 'comment', id: comment.id }}
                    state={{ hidden: !!comment.hiddenAt, hiddenReason: comment.hiddenReason, deleted: false }}
                    redirectTo={`/ideas/${idea.id}#comments`}
                  />
                ) : null}
              </div>
            </li>
          ))}
        </ol>
      ) : (
        <p className="muted">{page.officialResponse ? 'No other comments yet.' : 'No comments yet.'}</p>
      )}
      {children}
    </section>
  )
}

export function CommentForm({ page, result }: { page: IdeaPageData; result: IdeaActionData }) {
  const location = useLocation()
  const mine = resultFor(result, 'comment')
  const busy = useSubmitting('comment')
  const decision = page.can.comment
  if (!decision.ok) {
    return decision.status === 401 ? (
      <p className="comment-login">
        <Link to={`/login?${new URLSearchParams({ redirectTo: `${location.pathname}#comment-form` })}`}>Log in</Link> to join the
        discussion.
      </p>
    ) : (
      <p className="muted">{decision.reason}</p>
    )
  }
  if (page.idea.lockedAt) return <p className="muted">This idea is locked; comments are closed.</p>
  return (
    // A new key after each posted comment empties the form; a refused post keeps the text.
    <Form method="post" className="form form-wide comment-form" id="comment-form" noValidate key={page.comments.at(-1)?.id ?? 0}>
      <input type="hidden" name="intent" value="comment" />
      <FormErrors result={mine} id="comment-form-error" />
      <TextAreaField name="body" id="new-comment" label="Your comment" hint={MARKDOWN_HINT} maxLength={5000} result={mine} />
      <button type="submit" disabled={busy}>
        Post comment
      </button>
    </Form>
  )
}
