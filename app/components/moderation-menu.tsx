/**
 * Moderators' controls on a post: hide, restore, delete, lock or unlock, and move an idea to
 * another category. Each is a plain form posting to /moderate with a reason, which is logged.
 */
import { Form } from '@remix-run/react'

type Target = { type: 'idea' | 'question' | 'answer' | 'comment'; id: number }
export type ModerationState = {
  hidden: boolean
  hiddenReason?: string | null
  deleted: boolean
  locked?: boolean
}

const HIDDEN_BECAUSE: Record<string, string> = {
  flags: 'Hidden pending review: members flagged it.',
  moderator: 'Hidden by a moderator.',
  premoderation: 'Awaiting review: a new member’s first post.',
}

/** The mark a hidden post carries for the few who can still see it (its author and staff). */
export function HiddenMark({ hiddenReason, isStaff }: { hiddenReason: string | null | undefined; isStaff: boolean }) {
  if (!hiddenReason) return null
  const text = isStaff
    ? HIDDEN_BECAUSE[hiddenReason]
    : hiddenReason === 'premoderation'
      ? 'Awaiting review: only you can see this post until a moderator approves it.'
      : 'Hidden pending review: only you can see this post until a moderator reviews it.'
  return (
    <p className="notice notice-warning hidden-mark" role="note">
      {text}
    </p>
  )
}

export function ModerationMenu({
  target,
  state,
  redirectTo,
  categories,
  categoryId,
}: {
  target: Target
  state: ModerationState
  redirectTo: string
  categories?: Array<{ id: number; name: string }>
  categoryId?: number | null
}) {
  const lockable = target.type === 'idea' || target.type === 'question'
  const base = `moderate-${target.type}-${target.id}`
  const actions: Array<[string, string]> = []
  if (state.hidden || state.deleted) actions.push(['restore', 'Restore'])
  if (!state.hidden && !state.deleted) actions.push(['hide', 'Hide'])
  if (!state.deleted) actions.push(['delete', 'Delete'])
  if (lockable) actions.push(state.locked ? ['unlock', 'Unlock'] : ['lock', 'Lock'])
  return (
    <details className="moderation-menu">
      <summary>
        Moderate<span className="visually-hidden"> this {target.type}</span>
      </summary>
      <Form method="post" action="/moderate" className="form">
        <input type="hidden" name="type" value={target.type} />
        <input type="hidden" name="id" value={target.id} />
        <input type="hidden" name="redirectTo" value={redirectTo} />
        <div className="field">
          <label htmlFor={`${base}-reason`}>Note for the moderation log</label>
          <input id={`${base}-reason`} name="reason" maxLength={500} />
        </div>
        <div className="form-buttons">
          {actions.map(([value, label]) => (
            <button key={value} type="submit" name="intent" value={value} className="button-secondary">
              {label}
              <span className="visually-hidden"> this {target.type}</span>
            </button>
          ))}
        </div>
      </Form>
      {target.type === 'idea' && categories?.length ? (
        <Form method="post" action="/moderate" className="form">
          <input type="hidden" name="type" value="idea" />
          <input type="hidden" name="id" value={target.id} />
          <input type="hidden" name="redirectTo" value={redirectTo} />
          <input type="hidden" name="intent" value="move" />
          <div className="field">
            <label htmlFor={`${base}-category`}>Move to category</label>
            <select id={`${base}-category`} name="categoryId" defaultValue={categoryId ?? ''}>
              <option value="">No category</option>
              {categories.map((c) => (
                <option key={c.id} value={c.id}>
                  {c.name}
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor={`${base}-move-reason`}>Note for the moderation log</label>
            <input id={`${base}-move-reason`} name="reason" maxLength={500} />
          </div>
          <button type="submit" className="button-secondary">
            Move the idea
          </button>
        </Form>
      ) : null}
    </details>
  )
}
