/** Support questions: asking and the lists that show them. */
import { and, count, desc, eq, isNull } from 'drizzle-orm'
import { questions, users } from '#db/schema'
import { type Db } from '~/lib/db.server'
import { excerpt, renderMarkdown } from '~/lib/markdown.server'
import { ensureTags, tagPost } from './tags.server'

export type NewQuestion = { authorId: number; title: string; bodyMd: string; tagNames?: string[]; now?: Date }

export function createQuestion(db: Db, input: NewQuestion) {
  const now = input.now ?? new Date()
  const bodyHtml = renderMarkdown(input.bodyMd)
  return db.transaction(
    (tx) => {
      const question = tx
        .insert(questions)
        .values({
          authorId: input.authorId,
          title: input.title.trim(),
          bodyMd: input.bodyMd,
          bodyHtml,
          createdAt: now,
          updatedAt: now,
          lastActivityAt: now,
        })
        .returning({ id: questions.id })
        .get()
      tagPost(tx, { type: 'question', id: question.id }, ensureTags(tx, input.tagNames ?? [], input.authorId))
      return question
    },
    { behavior: 'immediate' },
  )
}

const visibleQuestion = and(isNull(questions.deletedAt), isNull(questions.hiddenAt))

/** The newest questions, for the home page. */
export function listRecentQuestions(db: Db, { limit = 10 }: { limit?: number } = {}) {
  const rows = db
    .select({
      id: questions.id,
      title: questions.title,
      bodyMd: questions.bodyMd,
      score: questions.score,
      answerCount: questions.answerCount,
      viewCount: questions.viewCount,
      hasAcceptedAnswer: questions.acceptedAnswerId,
      status: questions.status,
      createdAt: questions.createdAt,
      authorName: users.displayName,
    })
    .from(questions)
    .innerJoin(users, eq(users.id, questions.authorId))
    .where(visibleQuestion)
    .orderBy(desc(questions.createdAt), desc(questions.id))
    .limit(limit)
    .all()
  return rows.map(({ bodyMd, hasAcceptedAnswer, ...row }) => ({
    ...row,
    hasAcceptedAnswer: hasAcceptedAnswer != null,
    excerpt: excerpt(bodyMd, 160),
  }))
}

export function countVisibleQuestions(db: Db) {
  return db.select({ n: count() }).from(questions).where(visibleQuestion).get()?.n ?? 0
}
