/** Comments on ideas, questions and answers. */
import { and, eq, isNull, sql } from 'drizzle-orm'
import { answers, comments, ideas, questions } from '#db/schema'
import { type Db, type Tx } from '~/lib/db.server'
import { ConflictError, NotFoundError } from '~/lib/errors'
import { renderMarkdown } from '~/lib/markdown.server'
import { laterOf } from './votes.server'

export type CommentTarget = { type: 'idea' | 'question' | 'answer'; id: number }

/**
 * The post a comment goes on, with what decides whether it may take one: missing, hidden or
 * deleted posts (or an answer whose question is) are not found; a locked idea or question is a
 * conflict. Closed questions still take comments, as on Stack Overflow.
 */
function commentablePost(tx: Tx, target: CommentTarget) {
  if (target.type === 'idea') {
    const idea = tx
      .select({ lockedAt: ideas.lockedAt })
      .from(ideas)
      .where(and(eq(ideas.id, target.id), isNull(ideas.deletedAt), isNull(ideas.hiddenAt)))
      .get()
    if (!idea) throw new NotFoundError('idea')
    return { lockedAt: idea.lockedAt, ideaId: target.id, questionId: null }
  }
  const question =
    target.type === 'question'
      ? tx
          .select({ id: questions.id, lockedAt: questions.lockedAt })
          .from(questions)
          .where(and(eq(questions.id, target.id), isNull(questions.deletedAt), isNull(questions.hiddenAt)))
          .get()
      : tx
          .select({ id: questions.id, lockedAt: questions.lockedAt })
          .from(answers)
          .innerJoin(questions, eq(questions.id, answers.questionId))
          .where(
            and(
              eq(answers.id, target.id),
              isNull(answers.deletedAt),
              isNull(answers.hiddenAt),
              isNull(questions.deletedAt),
              isNull(questions.hiddenAt),
            ),
          )
          .get()
  if (!question) throw new NotFoundError(target.type)
  return { lockedAt: question.lockedAt, ideaId: null, questionId: question.id }
}

export function addComment(
  db: Db,
  { target, authorId, bodyMd, now = new Date() }: { target: CommentTarget; authorId: number; bodyMd: string; now?: Date },
) {
  const bodyHtml = renderMarkdown(bodyMd) // slow pure work before taking the write lock
  return db.transaction(
    (tx) => {
      const post = commentablePost(tx, target)
      if (post.lockedAt) throw new ConflictError(`This ${target.type === 'idea' ? 'idea' : 'question'} is locked; comments are closed.`)
      const comment = tx
        .insert(comments)
        .values({ targetType: target.type, targetId: target.id, authorId, bodyMd, bodyHtml, createdAt: now, updatedAt: now })
        .returning({ id: comments.id })
        .get()
      const table = target.type === 'idea' ? ideas : target.type === 'question' ? questions : answers
      tx.update(table)
        .set({ commentCount: sql`${table.commentCount} + 1` })
        .where(eq(table.id, target.id))
        .run()
      if (post.ideaId) tx.update(ideas).set({ lastActivityAt: laterOf(ideas.lastActivityAt, now) }).where(eq(ideas.id, post.ideaId)).run()
      if (post.questionId) {
        tx.update(questions).set({ lastActivityAt: laterOf(questions.lastActivityAt, now) }).where(eq(questions.id, post.questionId)).run()
      }
      return comment
    },
    { behavior: 'immediate' },
  )
}
