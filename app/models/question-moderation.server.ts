/**
 * Staff actions on questions and answers: marking an answer official, closing and reopening
 * questions, converting a question into an idea. Each one writes its moderation_log row (actor,
 * action, target, reason, before/after) in the same transaction as the change.
 */
import { and, eq, isNull } from 'drizzle-orm'
import { answers, moderationLog, questions } from '#db/schema'
import { type Db, type Tx } from '~/lib/db.server'
import { NotFoundError } from '~/lib/errors'

type LogEntry = {
  actorId: number
  action: string
  targetType: 'question' | 'answer'
  targetId: number
  reason?: string
  before?: unknown
  after?: unknown
  now: Date
}

function logModeration(tx: Tx, entry: LogEntry) {
  tx.insert(moderationLog)
    .values({
      actorId: entry.actorId,
      action: entry.action,
      targetType: entry.targetType,
      targetId: entry.targetId,
      reason: entry.reason ?? '',
      before: entry.before ?? null,
      after: entry.after ?? null,
      createdAt: entry.now,
    })
    .run()
}

/** Staff mark an answer official (or take the mark back). Setting the state it already has logs nothing. */
export function setAnswerOfficial(
  db: Db,
  { answerId, actorId, isOfficial, now = new Date() }: { answerId: number; actorId: number; isOfficial: boolean; now?: Date },
) {
  return db.transaction(
    (tx) => {
      const answer = tx
        .select({ isOfficial: answers.isOfficial, questionId: answers.questionId })
        .from(answers)
        .innerJoin(questions, eq(questions.id, answers.questionId))
        .where(
          and(eq(answers.id, answerId), isNull(answers.deletedAt), isNull(answers.hiddenAt), isNull(questions.deletedAt), isNull(questions.hiddenAt)),
        )
        .get()
      if (!answer) throw new NotFoundError('answer')
      if (answer.isOfficial === isOfficial) return { isOfficial, questionId: answer.questionId }
      tx.update(answers).set({ isOfficial }).where(eq(answers.id, answerId)).run()
      logModeration(tx, {
        actorId,
        action: isOfficial ? 'mark_official' : 'unmark_official',
        targetType: 'answer',
        targetId: answerId,
        before: { isOfficial: answer.isOfficial },
        after: { isOfficial },
        now,
      })
      return { isOfficial, questionId: answer.questionId }
    },
    { behavior: 'immediate' },
  )
}
