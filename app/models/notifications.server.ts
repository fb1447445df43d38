/**
 * In-app notifications. Written in the same transaction as the change they announce, together with
 * the e-mails the recipients asked for (enqueueEmails).
 */
import { and, count, desc, eq, isNull, sql } from 'drizzle-orm'
import { notifications } from '#db/schema'
import { type Db, prepared, type Tx } from '~/lib/db.server'
import { NotFoundError } from '~/lib/errors'
import { enqueueEmails } from './email.server'
import { type Cursor, DEFAULT_PAGE_SIZE, toPage } from '~/lib/pagination.server'

export type NotificationInput = {
  kind: string
  subjectType: string
  subjectId: number
  actorId: number | null
  title: string
  body?: string
  url: string
  now?: Date
}

/**
 * Notifies everyone with a stake in an idea (its voters, its author and its followers) once each,
 * except the person who made the change. One INSERT … SELECT: no query per recipient.
 */
export function notifyIdeaStakeholders(tx: Tx, ideaId: number, n: NotificationInput) {
  const now = n.now ?? new Date()
  const recipients = tx.all<{ user_id: number }>(sql`
    insert into notifications (user_id, kind, subject_type, subject_id, actor_id, title, body, url, created_at)
    select user_id, ${n.kind}, ${n.subjectType}, ${n.subjectId}, ${n.actorId}, ${n.title}, ${n.body ?? ''}, ${n.url}, ${now.getTime()}
    from (
      select user_id from idea_votes where idea_id = ${ideaId}
      union select author_id from ideas where id = ${ideaId}
      union select user_id from idea_follows where idea_id = ${ideaId}
    )
    where user_id is not ${n.actorId}
    returning user_id`)
  enqueueEmails(
    tx,
    recipients.map((r) => ({ ...n, userId: r.user_id })),
  )
  return recipients.length
}

export function notifyUser(tx: Tx, userId: number, n: NotificationInput) {
  if (userId === n.actorId) return
  tx.insert(notifications)
    .values({
      userId,
      kind: n.kind,
      subjectType: n.subjectType,
      subjectId: n.subjectId,
      actorId: n.actorId,
      title: n.title,
      body: n.body ?? '',
      url: n.url,
      createdAt: n.now ?? new Date(),
    })
    .run()
  enqueueEmails(tx, [{ ...n, userId }])
}

const unreadCountQuery = (db: Db | Tx) =>
  db
    .select({ n: count() })
    .from(notifications)
    .where(and(eq(notifications.userId, sql.placeholder('userId')), isNull(notifications.readAt)))
    .prepare()

export function countUnreadNotifications(db: Db, userId: number) {
  return prepared(db, unreadCountQuery).get({ userId })?.n ?? 0
}

/** One page of a member's notifications, newest first (keyset on created_at, id: notifications_user_idx). */
export function listNotifications(
  db: Db,
  { userId, cursor, pageSize = DEFAULT_PAGE_SIZE }: { userId: number; cursor?: Cursor | null; pageSize?: number },
) {
  const rows = db
    .select({
      id: notifications.id,
      kind: notifications.kind,
      title: notifications.title,
      body: notifications.body,
      url: notifications.url,
      readAt: notifications.readAt,
      createdAt: notifications.createdAt,
    })
    .from(notifications)
    .where(
      and(
        eq(notifications.userId, userId),
        cursor ? sql`(${notifications.createdAt}, ${notifications.id}) < (${cursor.sort}, ${cursor.id})` : undefined,
      ),
    )
    .orderBy(desc(notifications.createdAt), desc(notifications.id))
    .limit(pageSize + 1)
    .all()
  const page = toPage(rows, pageSize, (row) => row.createdAt.getTime())
  return { items: page.items.map(({ readAt, ...row }) => ({ ...row, isUnread: readAt == null })), nextCursor: page.nextCursor }
}

/**
 * Marks one of the member's notifications read (a second time changes nothing) and returns where it
 * points. Another member's notification is a 404, as if it did not exist.
 */
export function markNotificationRead(
  db: Db,
  { userId, notificationId, now = new Date() }: { userId: number; notificationId: number; now?: Date },
) {
  const row = db
    .update(notifications)
    .set({ readAt: sql`coalesce(${notifications.readAt}, ${now.getTime()})` })
    .where(and(eq(notifications.id, notificationId), eq(notifications.userId, userId)))
    .returning({ url: notifications.url })
    .get()
  if (!row) throw new NotFoundError('notification')
  return row
}

/** Marks every unread notification of the member read; returns how many changed. */
export function markAllNotificationsRead(db: Db, { userId, now = new Date() }: { userId: number; now?: Date }) {
  return db
    .update(notifications)
    .set({ readAt: now })
    .where(and(eq(notifications.userId, userId), isNull(notifications.readAt)))
    .run().changes
}
