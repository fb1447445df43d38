/** In-app notifications. Written in the same transaction as the change they announce. */
import { and, count, eq, isNull, sql } from 'drizzle-orm'
import { notifications } from '#db/schema'
import { type Db, type Tx } from '~/lib/db.server'

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
  const result = tx.run(sql`
    insert into notifications (user_id, kind, subject_type, subject_id, actor_id, title, body, url, created_at)
    select user_id, ${n.kind}, ${n.subjectType}, ${n.subjectId}, ${n.actorId}, ${n.title}, ${n.body ?? ''}, ${n.url}, ${now.getTime()}
    from (
      select user_id from idea_votes where idea_id = ${ideaId}
      union select author_id from ideas where id = ${ideaId}
      union select user_id from idea_follows where idea_id = ${ideaId}
    )
    where user_id is not ${n.actorId}`)
  return result.changes
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
}

export function countUnreadNotifications(db: Db, userId: number) {
  return (
    db
      .select({ n: count() })
      .from(notifications)
      .where(and(eq(notifications.userId, userId), isNull(notifications.readAt)))
      .get()?.n ?? 0
  )
}
