/** A question's edit history: the earlier versions of the question and its answers, newest first. */
import { and, desc, eq, inArray, isNull, or, sql } from 'drizzle-orm'
import { answers, postRevisions, questions, users } from '#db/schema'
import { type Db } from '~/lib/db.server'
import { NotFoundError } from '~/lib/errors'
import { QUESTION_ANSWERS_LIMIT, visibleQuestion } from './questions.server'

/** Most earlier versions shown per post on the history page. */
export const REVISIONS_PER_POST_LIMIT = 50

/**
 * The edit history of a question and its visible answers: each edited post's current source and
 * its earlier versions, newest first. Sources are Markdown, shown as text (never rendered).
 */
export function getQuestionHistory(db: Db, questionId: number) {
  const question = db
    .select({ id: questions.id, title: questions.title, bodyMd: questions.bodyMd, updatedAt: questions.updatedAt })
    .from(questions)
    .where(and(eq(questions.id, questionId), visibleQuestion))
    .get()
  if (!question) throw new NotFoundError('question')
  const answerRows = db
    .select({ id: answers.id, bodyMd: answers.bodyMd, updatedAt: answers.updatedAt, authorName: users.displayName })
    .from(answers)
    .innerJoin(users, eq(users.id, answers.authorId))
    .where(
      and(
        eq(answers.questionId, questionId),
        isNull(answers.deletedAt),
        isNull(answers.hiddenAt),
        sql`exists (select 1 from post_revisions r where r.target_type = 'answer' and r.target_id = ${answers.id})`,
      ),
    )
    .orderBy(answers.id)
    .limit(QUESTION_ANSWERS_LIMIT)
    .all()
  const answerIds = answerRows.map((a) => a.id)
  const revisionRows = db
    .select({
      id: postRevisions.id,
      targetType: postRevisions.targetType,
      targetId: postRevisions.targetId,
      title: postRevisions.title,
      bodyMd: postRevisions.bodyMd,
      reason: postRevisions.reason,
      createdAt: postRevisions.createdAt,
      editorName: users.displayName,
    })
    .from(postRevisions)
    .innerJoin(users, eq(users.id, postRevisions.editorId))
    .where(
      or(
        and(eq(postRevisions.targetType, 'question'), eq(postRevisions.targetId, questionId)),
        answerIds.length ? and(eq(postRevisions.targetType, 'answer'), inArray(postRevisions.targetId, answerIds)) : undefined,
      ),
    )
    .orderBy(desc(postRevisions.createdAt), desc(postRevisions.id))
    .all()
  const revisionsOf = (type: 'question' | 'answer', id: number) =>
    revisionRows.filter((r) => r.targetType === type && r.targetId === id).slice(0, REVISIONS_PER_POST_LIMIT)
  return {
    question: { ...question, revisions: revisionsOf('question', questionId) },
    answers: answerRows.map((answer) => ({ ...answer, revisions: revisionsOf('answer', answer.id) })),
  }
}
