/** Comments on ideas, questions and answers. */
import { and, eq, isNull, sql } from 'drizzle-orm'
import { answers, comments, ideas, questions } from '#db/schema'
import { type Db, type Tx } from '~/lib/db.server'
import { ConflictError, NotFoundError } from '~/lib/errors'
import { renderMarkdown } from '~/lib/markdown.server'
import { notifyUser } from './notifications.server'
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

/**
 * A comment on a question or an answer. Like addComment, and the post's author is told ("comment on
 * your post"), in the same transaction, unless they wrote the comment themself.
 */
export function addQaComment(
  db: Db,
  { target, authorId, bodyMd, now = new Date() }: { target: { type: 'question' | 'answer'; id: number }; authorId: number; bodyMd: string; now?: Date },
) {
  const bodyHtml = renderMarkdown(bodyMd)
  return db.transaction(
    (tx) => {
      const post = commentablePost(tx, target)
      if (post.lockedAt) throw new ConflictError('This question is locked; comments are closed.')
      const questionId = post.questionId!
      const table = target.type === 'question' ? questions : answers
      const postAuthor = tx.select({ id: table.authorId }).from(table).where(eq(table.id, target.id)).get()!
      const { title } = tx.select({ title: questions.title }).from(questions).where(eq(questions.id, questionId)).get()!
      const comment = tx
        .insert(comments)
        .values({ targetType: target.type, targetId: target.id, authorId, bodyMd, bodyHtml, createdAt: now, updatedAt: now })
        .returning({ id: comments.id })
        .get()
      tx.update(table)
        .set({ commentCount: sql`${table.commentCount} + 1` })
        .where(eq(table.id, target.id))
        .run()
      tx.update(questions).set({ lastActivityAt: laterOf(questions.lastActivityAt, now) }).where(eq(questions.id, questionId)).run()
      notifyUser(tx, postAuthor.id, {
        kind: 'comment',
        subjectType: 'comment',
        subjectId: comment.id,
        actorId: authorId,
        title: target.type === 'question' ? `New comment on your question “${title}”` : `New comment on your answer to “${title}”`,
        url: `/questions/${questionId}#comment-${comment.id}`,
        now,
      })
      return { id: comment.id, questionId }
    },
    { behavior: 'immediate' },
  )
}
