/** Comments on ideas, questions and answers. */
import { eq, sql } from 'drizzle-orm'
import { answers, comments, ideas, questions } from '#db/schema'
import { type Db } from '~/lib/db.server'
import { ConflictError, NotFoundError } from '~/lib/errors'
import { renderMarkdown } from '~/lib/markdown.server'

export type CommentTarget = { type: 'idea' | 'question' | 'answer'; id: number }

export function addComment(
  db: Db,
  { target, authorId, bodyMd, now = new Date() }: { target: CommentTarget; authorId: number; bodyMd: string; now?: Date },
) {
  const bodyHtml = renderMarkdown(bodyMd) // slow pure work before taking the write lock
  return db.transaction(
    (tx) => {
      const table = target.type === 'idea' ? ideas : target.type === 'question' ? questions : answers
      const post = tx
        .select({ deletedAt: table.deletedAt, hiddenAt: table.hiddenAt })
        .from(table)
        .where(eq(table.id, target.id))
        .get()
      if (!post || post.deletedAt || post.hiddenAt) throw new NotFoundError(target.type)
      if (target.type === 'idea') {
        const idea = tx.select({ lockedAt: ideas.lockedAt }).from(ideas).where(eq(ideas.id, target.id)).get()
        if (idea?.lockedAt) throw new ConflictError('This idea is locked; comments are closed.')
      }
      const comment = tx
        .insert(comments)
        .values({ targetType: target.type, targetId: target.id, authorId, bodyMd, bodyHtml, createdAt: now, updatedAt: now })
        .returning({ id: comments.id })
        .get()
      tx.update(table)
        .set({ commentCount: sql`${table.commentCount} + 1` })
        .where(eq(table.id, target.id))
        .run()
      if (target.type === 'idea') tx.update(ideas).set({ lastActivityAt: now }).where(eq(ideas.id, target.id)).run()
      return comment
    },
    { behavior: 'immediate' },
  )
}
