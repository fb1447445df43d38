/**
 * /review/edits: the suggested edits the viewer may review (on their own posts, or on anyone's with
 * the edit privilege), oldest first, each with the current and the suggested text side by side, as
 * text. Approve or reject (with a reason) are plain form posts.
 */
import { type ActionFunctionArgs, data, type LoaderFunctionArgs, type MetaFunction, redirect } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData, useNavigation } from '@remix-run/react'
import { z } from 'zod'
import { GeneralErrorBoundary } from '~/components/error-boundary'
import { DateTime } from '~/components/post-rows'
import { requireUser } from '~/lib/auth.server'
import { getDb } from '~/lib/db.server'
import { parseForm, readForm } from '~/lib/forms.server'
import { orHttpError } from '~/lib/http.server'
import { decodeCursor } from '~/lib/pagination.server'
import { check, isStaff, PRIVILEGE_REPUTATION } from '~/lib/permissions'
import { assertCan } from '~/lib/permissions.server'
import { getSuggestedEditOwner, listReviewableSuggestedEdits, reviewSuggestedEdit } from '~/models/suggested-edits.server'
import { FormId } from '~/schemas/question'

export const meta: MetaFunction = () => [{ title: 'Suggested edits · Summit' }]

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request)
  const mayReviewAny = check(user, 'review:suggested-edit').ok
  const cursor = decodeCursor(new URL(request.url).searchParams.get('cursor'))
  const page = listReviewableSuggestedEdits(getDb(), { viewerId: user.id, mayReviewAny, cursor })
  return {
    mayReviewAny,
    items: page.items.map((item) => ({
      id: item.id,
      targetType: item.targetType,
      heading: item.post.heading,
      url: item.post.url,
      isLocked: item.post.isLocked,
      current: { title: item.post.title, bodyMd: item.post.bodyMd },
      suggested: { title: item.title, bodyMd: item.bodyMd },
      comment: item.comment,
      createdAt: item.createdAt,
      suggester: { username: item.suggesterUsername, name: item.suggesterName },
    })),
    nextCursor: page.nextCursor,
  }
}

const REJECT_REASON_MAX = 500
const Intent = z.discriminatedUnion('intent', [
  z.object({ intent: z.literal('approve'), editId: FormId }),
  z.object({
    intent: z.literal('reject'),
    editId: FormId,
    reason: z
      .string({ error: 'Say why the edit is rejected.' })
      .trim()
      .min(1, 'Say why the edit is rejected.')
      .max(REJECT_REASON_MAX, `Use at most ${REJECT_REASON_MAX} characters.`),
  }),
])

export async function action({ request }: ActionFunctionArgs) {
  const form = await readForm(request)
  const parsed = parseForm(form, Intent)
  if (!parsed.ok) return data({ ...parsed, editId: String(form.get('editId') ?? '') }, { status: 400 })
  const user = await requireUser(request)
  const db = getDb()
  const { editId } = parsed.data
  const owner = orHttpError(() => getSuggestedEditOwner(db, editId))
  assertCan(user, 'review:suggested-edit', { authorId: owner.postAuthorId })
  const reason = parsed.data.intent === 'reject' ? parsed.data.reason : undefined
  orHttpError(() =>
    reviewSuggestedEdit(db, { editId, reviewerId: user.id, reviewerIsStaff: isStaff(user), decision: parsed.data.intent, reason }),
  )
  return redirect('/review/edits')
}

/** Lines of `text` that the other side does not have are marked, so the change stands out (as text, never HTML). */
function MarkedLines({ text, other, as: Mark }: { text: string; other: string; as: 'ins' | 'del' }) {
  const otherLines = new Set(other.split('\n'))
  return (
    <pre className="diff-text">
      {text.split('\n').map((line, i) => (
        <span key={i}>
          {otherLines.has(line) ? line : <Mark>{line}</Mark>}
          {'\n'}
        </span>
      ))}
    </pre>
  )
}

export default function ReviewEditsPage() {
  const { items, nextCursor, mayReviewAny } = useLoaderData<typeof loader>()
  const failed = useActionData<typeof action>()
  const busy = useNavigation().state === 'submitting'
  return (
    <div>
      <h1>Suggested edits</h1>
      <p className="muted">
        {mayReviewAny
          ? 'Edits suggested by members, on anyone’s posts. Approving one applies it and gives its author +2 reputation.'
          : `Edits suggested for your posts. With ${PRIVILEGE_REPUTATION.editOthers} reputation you can review everyone’s.`}
      </p>
      {items.length === 0 ? <p>No suggested edits are waiting for you.</p> : null}
      <ol className="suggested-edits">
        {items.map((item) => {
          const rejectError =
            failed && 'fieldErrors' in failed && failed.editId === String(item.id) ? failed.fieldErrors.reason?.[0] : undefined
          const titleChanged = item.suggested.title !== null && item.suggested.title !== item.current.title
          return (
            <li key={item.id} className="suggested-edit" aria-labelledby={`edit-${item.id}-title`}>
              <h2 id={`edit-${item.id}-title`}>
                <Link to={item.url}>
                  {item.targetType === 'answer' ? 'Answer to ' : ''}
                  {item.heading}
                </Link>
              </h2>
              <p className="post-meta">
                <span>
                  suggested by <Link to={`/u/${item.suggester.username}`}>{item.suggester.name}</Link>, <DateTime value={item.createdAt} />
                </span>
              </p>
              {item.comment ? <p>“{item.comment}”</p> : null}
              <div className="diff">
                <section aria-labelledby={`edit-${item.id}-current`}>
                  <h3 id={`edit-${item.id}-current`}>Current</h3>
                  {titleChanged ? (
                    <p className="diff-title">
                      <del>{item.current.title}</del>
                    </p>
                  ) : null}
                  <MarkedLines text={item.current.bodyMd} other={item.suggested.bodyMd} as="del" />
                </section>
                <section aria-labelledby={`edit-${item.id}-suggested`}>
                  <h3 id={`edit-${item.id}-suggested`}>Suggested</h3>
                  {titleChanged ? (
                    <p className="diff-title">
                      <ins>{item.suggested.title}</ins>
                    </p>
                  ) : null}
                  <MarkedLines text={item.suggested.bodyMd} other={item.current.bodyMd} as="ins" />
                </section>
              </div>
              {item.isLocked ? (
                <p className="muted">This post is locked; the edit can only be rejected.</p>
              ) : (
                <Form method="post" className="review-approve-form">
                  <input type="hidden" name="intent" value="approve" />
                  <input type="hidden" name="editId" value={item.id} />
                  <button type="submit" disabled={busy}>
                    Approve
                  </button>
                </Form>
              )}
              <Form method="post" className="form" noValidate>
                <input type="hidden" name="intent" value="reject" />
                <input type="hidden" name="editId" value={item.id} />
                <label htmlFor={`reject-${item.id}`}>Reason for rejecting</label>
                <input
                  id={`reject-${item.id}`}
                  name="reason"
                  type="text"
                  maxLength={REJECT_REASON_MAX}
                  aria-invalid={rejectError ? true : undefined}
                  aria-describedby={rejectError ? `reject-${item.id}-error` : undefined}
                />
                {rejectError ? (
                  <p id={`reject-${item.id}-error`} className="field-error" role="alert">
                    {rejectError}
                  </p>
                ) : null}
                <button type="submit" disabled={busy}>
                  Reject
                </button>
              </Form>
            </li>
          )
        })}
      </ol>
      {nextCursor ? (
        <p>
          <Link to={`/review/edits?cursor=${nextCursor}`}>Next page</Link>
        </p>
      ) : null}
    </div>
  )
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary messages={{ 404: 'This suggested edit does not exist, or it was removed.' }} />
}
