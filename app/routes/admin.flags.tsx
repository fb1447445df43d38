/**
 * The moderation queue (/admin/flags): posts with pending flags, the longest-waiting first, each
 * with its flags and its author's history; and (tab "Pending posts") new members' posts held by
 * pre-moderation. One form: per-post buttons, or checkboxes and one action for all selected.
 */
import { type ActionFunctionArgs, data, type LoaderFunctionArgs, type MetaFunction, redirect } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData } from '@remix-run/react'
import { z } from 'zod'
import { GeneralErrorBoundary } from '~/components/error-boundary'
import { FormErrors } from '~/components/forms'
import { DateTime } from '~/components/post-rows'
import { POST_TYPES } from '~/domain'
import { getDb } from '~/lib/db.server'
import { formFailure, readForm } from '~/lib/forms.server'
import { orHttpError } from '~/lib/http.server'
import { requirePermission } from '~/lib/permissions.server'
import { decideFlags, type FlagDecision, listFlagQueue, listPendingPosts } from '~/models/flags.server'
import { decidePendingPosts } from '~/models/moderation.server'
import { type PostRef } from '~/models/posts.server'
import { FLAG_REASON_LABELS, ModerationReason } from '~/schemas/moderation'

const TABS = ['flags', 'pending'] as const
type Tab = (typeof TABS)[number]
const NOTICES = {
  decided: 'Done. The decision is in the moderation log.',
  approved: 'The post is published.',
  rejected: 'The post was rejected and deleted.',
} as const

export const meta: MetaFunction = () => [{ title: 'Moderation queue · Summit' }]

export async function loader({ request }: LoaderFunctionArgs) {
  await requirePermission(request, 'review:flag')
  const url = new URL(request.url)
  const tab: Tab = url.searchParams.get('tab') === 'pending' ? 'pending' : 'flags'
  const done = url.searchParams.get('done')
  const db = getDb()
  return {
    tab,
    notice: done && done in NOTICES ? NOTICES[done as keyof typeof NOTICES] : null,
    queue: tab === 'flags' ? listFlagQueue(db) : { items: [], hasMore: false },
    pending: tab === 'pending' ? listPendingPosts(db) : [],
  }
}

const PostKey = z
  .string()
  .regex(/^(idea|question|answer|comment):[1-9]\d{0,15}$/)
  .transform((key): PostRef => {
    const [type, id] = key.split(':')
    return { type: type as (typeof POST_TYPES)[number], id: Number(id) }
  })
/** `act` names the decision, and the post for a per-post button ("hide:idea:12"); bulk buttons name none. */
const Act = z
  .string()
  .regex(/^(reject|hide|delete|approve|decline)(?::(?:idea|question|answer|comment):[1-9]\d{0,15})?$/, 'Choose an action.')
const Decision = z.object({
  act: Act,
  reason: ModerationReason,
  posts: z.array(PostKey).max(100, 'Choose at most 100 posts at a time.'),
  spam: z.array(z.string().max(40)).max(100),
})

export async function action({ request }: ActionFunctionArgs) {
  const form = await readForm(request)
  const user = await requirePermission(request, 'review:flag')
  const parsed = Decision.safeParse({
    act: form.get('act') ?? '',
    reason: form.get('reason') ?? '',
    posts: form.getAll('posts'),
    spam: form.getAll('spam'),
  })
  if (!parsed.success) return data(formFailure(form, parsed.error.issues[0]?.message ?? 'Choose an action.'), { status: 400 })
  const { act, reason, spam } = parsed.data
  const [decision, ...rest] = act.split(':')
  const single = rest.length ? PostKey.parse(rest.join(':')) : null
  const targets = single ? [single] : parsed.data.posts
  if (!targets.length)
    return data(formFailure(form, 'Select at least one post.'), {
      status: 400,
    })
  const db = getDb()
  if (decision === 'approve' || decision === 'decline') {
    await requirePermission(request, 'moderate:post')
    orHttpError(() =>
      decidePendingPosts(db, {
        actorId: user.id,
        targets,
        approve: decision === 'approve',
        reason,
      }),
    )
    return redirect(`/admin/flags?tab=pending&done=${decision === 'approve' ? 'approved' : 'rejected'}`)
  }
  const decided: FlagDecision =
    decision === 'reject'
      ? { decision: 'reject' }
      : {
          decision: 'accept',
          removal: decision === 'delete' ? 'delete' : 'hide',
          spam: false,
        }
  orHttpError(() =>
    decideFlags(db, {
      actorId: user.id,
      targets,
      decision: decided,
      spamKeys: new Set(spam),
      reason,
    }),
  )
  return redirect('/admin/flags?done=decided')
}

function AuthorLine({
  author,
}: {
  author: {
    userId: number
    displayName: string
    username: string
    posts: number
    flagsAccepted: number
    flagsRejected: number
    suspendedUntil: string | Date | null
  } | null
}) {
  if (!author) return null
  const suspended = author.suspendedUntil && new Date(author.suspendedUntil).getTime() > Date.now()
  return (
    <p className="post-meta">
      <span>
        by <Link to={`/admin/users/${author.userId}`}>{author.displayName}</Link> (@{author.username})
      </span>
      <span>
        {author.posts} posts, {author.flagsAccepted} flags upheld, {author.flagsRejected} rejected
      </span>
      {suspended ? (
        <span>
          suspended until <DateTime value={author.suspendedUntil!} />
        </span>
      ) : null}
    </p>
  )
}

export default function FlagQueuePage() {
  const { tab, queue, pending, notice } = useLoaderData<typeof loader>()
  const result = useActionData<typeof action>()
  return (
    <div className="admin-page">
      <header className="page-header">
        <h1>Moderation queue</h1>
      </header>
      <nav aria-label="Queues" className="tabs">
        <ul>
          {TABS.map((t) => (
            <li key={t}>
              <Link to={t === 'flags' ? '/admin/flags' : '/admin/flags?tab=pending'} aria-current={t === tab ? 'page' : undefined}>
                {t === 'flags' ? 'Flagged posts' : 'Pending posts'}
              </Link>
            </li>
          ))}
        </ul>
      </nav>
      {notice ? (
        <p className="notice" role="status">
          {notice}
        </p>
      ) : null}
      <Form method="post" className="form form-wide moderation-queue">
        <FormErrors result={result} />
        {tab === 'flags' ? (
          queue.items.length ? (
            <>
              <div className="field">
                <label htmlFor="queue-reason">Reason (logged, optional)</label>
                <input id="queue-reason" name="reason" maxLength={500} />
              </div>
              <ol className="queue-list">
                {queue.items.map(({ key, post, flags, author }) => (
                  <li key={key} className="card queue-item">
                    <h2 className="queue-title">
                      <input type="checkbox" name="posts" value={key} id={`select-${key}`} aria-label={`Select “${post.title}”`} />{' '}
                      <Link to={post.url}>{post.title}</Link>
                    </h2>
                    <p className="post-meta">
                      <span>{post.type}</span>
                      <span>
                        posted <DateTime value={post.createdAt} />
                      </span>
                      {post.hiddenReason ? (
                        <span className="badge">{post.hiddenReason === 'flags' ? 'Hidden by flags' : 'Hidden'}</span>
                      ) : null}
                      {post.deletedAt ? <span className="badge">Deleted</span> : null}
                    </p>
                    <AuthorLine author={author} />
                    <blockquote className="queue-excerpt">{post.excerpt}</blockquote>
                    <h3>Flags ({flags.length})</h3>
                    <ul className="flag-list">
                      {flags.map((f) => (
                        <li key={f.id}>
                          <strong>{FLAG_REASON_LABELS[f.reason]}</strong> by {f.flaggerName}, <DateTime value={f.createdAt} />
                          {f.text ? <>: “{f.text}”</> : null}
                        </li>
                      ))}
                    </ul>
                    <label className="checkbox">
                      <input type="checkbox" name="spam" value={key} /> Spam: take 100 reputation from the author
                    </label>
                    <div className="form-buttons">
                      <button type="submit" name="act" value={`reject:${key}`}>
                        Restore
                        <span className="visually-hidden"> “{post.title}”</span> and reject the flags
                      </button>
                      <button type="submit" name="act" value={`hide:${key}`} className="button-secondary">
                        Hide
                        <span className="visually-hidden"> “{post.title}”</span>
                      </button>
                      <button type="submit" name="act" value={`delete:${key}`} className="button-secondary">
                        Delete
                        <span className="visually-hidden"> “{post.title}”</span>
                      </button>
                    </div>
                  </li>
                ))}
              </ol>
              {queue.hasMore ? <p className="muted">More posts wait: decide these to see the next ones.</p> : null}
              <fieldset className="bulk-actions">
                <legend>For all selected posts</legend>
                <div className="form-buttons">
                  <button type="submit" name="act" value="reject">
                    Restore selected and reject their flags
                  </button>
                  <button type="submit" name="act" value="hide" className="button-secondary">
                    Hide selected
                  </button>
                  <button type="submit" name="act" value="delete" className="button-secondary">
                    Delete selected
                  </button>
                </div>
              </fieldset>
            </>
          ) : (
            <p className="muted">No flags waiting. Thank you!</p>
          )
        ) : pending.length ? (
          <>
            <div className="field">
              <label htmlFor="queue-reason">Reason (logged, sent to the author)</label>
              <input id="queue-reason" name="reason" maxLength={500} />
            </div>
            <ol className="queue-list">
              {pending.map(({ key, post, author }) => (
                <li key={key} className="card queue-item">
                  <h2 className="queue-title">
                    <input type="checkbox" name="posts" value={key} id={`select-${key}`} aria-label={`Select “${post.title}”`} />{' '}
                    <Link to={post.url}>{post.title}</Link>
                  </h2>
                  <AuthorLine author={author} />
                  <blockquote className="queue-excerpt">{post.excerpt}</blockquote>
                  <div className="form-buttons">
                    <button type="submit" name="act" value={`approve:${key}`}>
                      Approve
                      <span className="visually-hidden"> “{post.title}”</span>
                    </button>
                    <button type="submit" name="act" value={`decline:${key}`} className="button-secondary">
                      Reject
                      <span className="visually-hidden"> “{post.title}”</span>
                    </button>
                  </div>
                </li>
              ))}
            </ol>
            <fieldset className="bulk-actions">
              <legend>For all selected posts</legend>
              <div className="form-buttons">
                <button type="submit" name="act" value="approve">
                  Approve selected
                </button>
                <button type="submit" name="act" value="decline" className="button-secondary">
                  Reject selected
                </button>
              </div>
            </fieldset>
          </>
        ) : (
          <p className="muted">No posts waiting for review.</p>
        )}
      </Form>
    </div>
  )
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />
}
