/**
 * The moderation log: every staff action on someone else's content, append-only. Each action's
 * module appends its entry inside the action's own transaction (logModeration); /admin/log lists
 * them (listModerationLog). Its own module, below every model that acts, so that none of them
 * needs another's module just to write the log.
 */
import { and, desc, eq, gte, lt, sql } from 'drizzle-orm'
import { alias } from 'drizzle-orm/sqlite-core'
import { moderationLog, users } from '#db/schema'
import { type ModerationAction } from '~/domain'
import { type Db, type Tx } from '~/lib/db.server'
import { type Cursor, toPage } from '~/lib/pagination.server'

type ModerationEntry = {
  actorId: number
  /** What was done: one of MODERATION_ACTIONS, so the log's filter offers it. */
  action: ModerationAction
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

export const LOG_PAGE_SIZE = 50

/** The moderation log, newest first, keyset paged; filters by actor, action, dates or a member it is about. */
export function listModerationLog(
  db: Db,
  input: {
    actorUsername?: string | null
    action?: string | null
    from?: Date | null
    to?: Date | null
    targetUserId?: number | null
    cursor?: Cursor | null
    pageSize?: number
  } = {},
) {
  const pageSize = input.pageSize ?? LOG_PAGE_SIZE
  const actors = alias(users, 'actors')
  const rows = db
    .select({
      id: moderationLog.id,
      action: moderationLog.action,
      targetType: moderationLog.targetType,
      targetId: moderationLog.targetId,
      reason: moderationLog.reason,
      before: moderationLog.before,
      after: moderationLog.after,
      createdAt: moderationLog.createdAt,
      actorUsername: actors.username,
      actorName: actors.displayName,
    })
    .from(moderationLog)
    .innerJoin(actors, eq(actors.id, moderationLog.actorId))
    .where(
      and(
        input.actorUsername ? eq(actors.username, input.actorUsername.trim().toLowerCase()) : undefined,
        input.action ? eq(moderationLog.action, input.action) : undefined,
        input.from ? gte(moderationLog.createdAt, input.from) : undefined,
        input.to ? lt(moderationLog.createdAt, input.to) : undefined,
        input.targetUserId != null ? and(eq(moderationLog.targetType, 'user'), eq(moderationLog.targetId, input.targetUserId)) : undefined,
        input.cursor ? sql`(${moderationLog.createdAt}, ${moderationLog.id}) < (${input.cursor.sort}, ${input.cursor.id})` : undefined,
      ),
    )
    .orderBy(desc(moderationLog.createdAt), desc(moderationLog.id))
    .limit(pageSize + 1)
    .all()
  return toPage(rows, pageSize, (row) => row.createdAt.getTime())
}
