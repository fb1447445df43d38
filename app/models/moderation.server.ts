/** The moderation log: every staff action on someone else's content, append-only. */
import { moderationLog } from '#db/schema'
import { type Tx } from '~/lib/db.server'

type ModerationEntry = {
  actorId: number
  /** What was done, in snake_case: 'edit_idea', 'edit_comment', 'merge_idea' … */
  action: string
  target: { type: string; id: number }
  reason?: string
  /** The state before and after, where it applies (stored as JSON). */
  before?: unknown
  after?: unknown
  now?: Date
}

/** Appends one entry, inside the transaction of the action it records. */
export function logModeration(tx: Tx, entry: ModerationEntry) {
  tx.insert(moderationLog)
    .values({
      actorId: entry.actorId,
      action: entry.action,
      targetType: entry.target.type,
      targetId: entry.target.id,
      reason: entry.reason ?? '',
      before: entry.before ?? null,
      after: entry.after ?? null,
      createdAt: entry.now ?? new Date(),
    })
    .run()
}
