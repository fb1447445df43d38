/** A question's views: at most one per viewer per question per UTC day, crawlers never. */
import crypto from 'node:crypto'
import { and, eq, lt, sql } from 'drizzle-orm'
import { isbot } from 'isbot'
import { questions, questionViews } from '#db/schema'
import { type Db, writeTransaction } from '~/lib/db.server'
import { DatabaseUnavailableError } from '~/lib/database-unavailable.server'
import { visibleQuestion } from './questions.server'

const DAY_MS = 86_400_000

/**
 * Who is viewing, as a key for `question_views`: members by id; visitors by a hash of their IP
 * address and user agent (so the table never holds an address); crawlers not at all (null).
 */
export function viewerKeyFor({ userId, ip, userAgent }: { userId: number | null; ip: string | null; userAgent: string | null }) {
  if (userId != null) return `u:${userId}`
  if (!ip || isbot(userAgent ?? '')) return null
  return `a:${crypto
    .createHash('sha256')
    .update(`${ip}\n${userAgent ?? ''}`)
    .digest('base64url')
    .slice(0, 22)}`
}

/**
 * Counts a view of a visible question unless this viewer already viewed it today (UTC). The view
 * row and `view_count` move in one transaction; rows of earlier days are pruned on the way.
 * Returns whether the view counted. A view is not worth a refused page: while the database cannot
 * take writes (locked by another process, full) it is simply not counted.
 */
export function recordQuestionView(
  db: Db,
  { questionId, viewerKey, now = new Date() }: { questionId: number; viewerKey: string; now?: Date },
) {
  const day = Math.floor(now.getTime() / DAY_MS)
  const key = and(eq(questionViews.questionId, questionId), eq(questionViews.viewerKey, viewerKey), eq(questionViews.day, day))
  // A reload (the common case) is answered by a read, without taking the write lock.
  if (db.select({ day: questionViews.day }).from(questionViews).where(key).get()) return false
  try {
    return countView(db, { questionId, viewerKey, day })
  } catch (error) {
    if (error instanceof DatabaseUnavailableError) return false
    throw error
  }
}

function countView(db: Db, { questionId, viewerKey, day }: { questionId: number; viewerKey: string; day: number }) {
  return writeTransaction(db, (tx) => {
    const visible = tx
      .select({ id: questions.id })
      .from(questions)
      .where(and(eq(questions.id, questionId), visibleQuestion))
      .get()
    if (!visible) return false
    const inserted = tx.insert(questionViews).values({ questionId, viewerKey, day }).onConflictDoNothing().run()
    if (inserted.changes === 0) return false
    tx.update(questions)
      .set({ viewCount: sql`${questions.viewCount} + 1` })
      .where(eq(questions.id, questionId))
      .run()
    tx.delete(questionViews).where(lt(questionViews.day, day)).run()
    return true
  })
}
