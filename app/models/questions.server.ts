/** Support questions: asking and the lists that show them. */
import { and, count, desc, eq, inArray, isNull, or, type SQL, sql } from 'drizzle-orm'
import { answers, comments, questions, questionTags, tags, users } from '#db/schema'
import { type Db } from '~/lib/db.server'
import { NotFoundError } from '~/lib/errors'
import { excerpt, renderMarkdown } from '~/lib/markdown.server'
import { type Cursor, DEFAULT_PAGE_SIZE, toPage } from '~/lib/pagination.server'
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

export const QUESTION_TABS = ['newest', 'active', 'unanswered'] as const
export type QuestionTab = (typeof QUESTION_TABS)[number]

/**
 * One page of questions: newest (by creation), active (by last activity) or unanswered (no
 * accepted answer and no answer scored above 0, newest first). Keyset pagination on (time, id).
 */
export function listQuestions(db: Db, input: { tab: QuestionTab; cursor?: Cursor | null; pageSize?: number }) {
  const pageSize = input.pageSize ?? DEFAULT_PAGE_SIZE
  const column = input.tab === 'active' ? questions.lastActivityAt : questions.createdAt
  const conditions: (SQL | undefined)[] = [visibleQuestion]
  if (input.tab === 'unanswered') conditions.push(eq(questions.isUnanswered, true))
  if (input.cursor) conditions.push(sql`(${column}, ${questions.id}) < (${input.cursor.sort}, ${input.cursor.id})`)
  const rows = db
    .select({
      id: questions.id,
      title: questions.title,
      bodyMd: questions.bodyMd,
      score: questions.score,
      answerCount: questions.answerCount,
      viewCount: questions.viewCount,
      acceptedAnswerId: questions.acceptedAnswerId,
      status: questions.status,
      createdAt: questions.createdAt,
      lastActivityAt: questions.lastActivityAt,
      authorName: users.displayName,
    })
    .from(questions)
    .innerJoin(users, eq(users.id, questions.authorId))
    .where(and(...conditions))
    .orderBy(desc(column), desc(questions.id))
    .limit(pageSize + 1)
    .all()
  const page = toPage(rows, pageSize, (row) => (input.tab === 'active' ? row.lastActivityAt : row.createdAt).getTime())
  return {
    items: page.items.map(({ bodyMd, acceptedAnswerId, lastActivityAt: _, ...row }) => ({
      ...row,
      hasAcceptedAnswer: acceptedAnswerId != null,
      excerpt: excerpt(bodyMd, 180),
    })),
    nextCursor: page.nextCursor,
  }
}

/** Most answers shown on one question page. */
export const QUESTION_ANSWERS_LIMIT = 100

/**
 * Everything the question page shows: the question, its tags, its answers (accepted first, then
 * score, then age) and the comments on all of them, in four queries.
 */
export function getQuestionPage(db: Db, { questionId }: { questionId: number }) {
  const question = db
    .select({
      id: questions.id,
      title: questions.title,
      bodyHtml: questions.bodyHtml,
      score: questions.score,
      answerCount: questions.answerCount,
      viewCount: questions.viewCount,
      status: questions.status,
      closeReason: questions.closeReason,
      duplicateOfId: questions.duplicateOfId,
      convertedToIdeaId: questions.convertedToIdeaId,
      createdAt: questions.createdAt,
      authorName: users.displayName,
      authorRole: users.role,
    })
    .from(questions)
    .innerJoin(users, eq(users.id, questions.authorId))
    .where(and(eq(questions.id, questionId), visibleQuestion))
    .get()
  if (!question) throw new NotFoundError('question')
  const questionTagRows = db
    .select({ name: tags.name })
    .from(questionTags)
    .innerJoin(tags, eq(tags.id, questionTags.tagId))
    .where(eq(questionTags.questionId, questionId))
    .orderBy(tags.name)
    .all()
  const answerRows = db
    .select({
      id: answers.id,
      bodyHtml: answers.bodyHtml,
      score: answers.score,
      isAccepted: answers.isAccepted,
      isOfficial: answers.isOfficial,
      createdAt: answers.createdAt,
      authorName: users.displayName,
      authorRole: users.role,
    })
    .from(answers)
    .innerJoin(users, eq(users.id, answers.authorId))
    .where(and(eq(answers.questionId, questionId), isNull(answers.deletedAt), isNull(answers.hiddenAt)))
    .orderBy(desc(answers.isAccepted), desc(answers.score), answers.createdAt, answers.id)
    .limit(QUESTION_ANSWERS_LIMIT)
    .all()
  const answerIds = answerRows.map((a) => a.id)
  const commentRows = db
    .select({
      id: comments.id,
      targetType: comments.targetType,
      targetId: comments.targetId,
      bodyHtml: comments.bodyHtml,
      createdAt: comments.createdAt,
      authorName: users.displayName,
    })
    .from(comments)
    .innerJoin(users, eq(users.id, comments.authorId))
    .where(
      and(
        or(
          and(eq(comments.targetType, 'question'), eq(comments.targetId, questionId)),
          answerIds.length ? and(eq(comments.targetType, 'answer'), inArray(comments.targetId, answerIds)) : undefined,
        ),
        isNull(comments.deletedAt),
        isNull(comments.hiddenAt),
      ),
    )
    .orderBy(comments.createdAt, comments.id)
    .all()
  const commentsOf = (type: 'question' | 'answer', id: number) => commentRows.filter((c) => c.targetType === type && c.targetId === id)
  return {
    question: { ...question, comments: commentsOf('question', questionId) },
    tags: questionTagRows.map((t) => t.name),
    answers: answerRows.map((answer) => ({ ...answer, comments: commentsOf('answer', answer.id) })),
  }
}
