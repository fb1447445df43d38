/**
 * Any post (idea, question, answer, comment) seen the same way by flags and moderation: who wrote
 * it, where it lives, and its hidden/deleted/locked state. Loaded in batches, never one per row.
 */
import { eq, inArray, sql } from 'drizzle-orm'
import { answers, comments, ideas, questions } from '#db/schema'
import { type PostType } from '~/domain'
import { type Db, type Tx } from '~/lib/db.server'
import { refreshUnanswered } from './votes.server'

export type PostRef = { type: PostType; id: number }

export type PostState = {
  type: PostType
  id: number
  authorId: number
  title: string
  excerpt: string
  url: string
  hiddenAt: Date | null
  hiddenReason: 'flags' | 'moderator' | 'premoderation' | null
  deletedAt: Date | null
  /** Ideas and questions only; an answer or comment follows its question's or idea's lock. */
  lockedAt: Date | null
  createdAt: Date
}

const EXCERPT_CHARS = 280
const clip = (text: string) => (text.length > EXCERPT_CHARS ? `${text.slice(0, EXCERPT_CHARS - 1)}…` : text)

export function postKey(ref: PostRef) {
  return `${ref.type}:${ref.id}`
}

export function postTable(type: PostType) {
  return {
    idea: ideas,
    question: questions,
    answer: answers,
    comment: comments,
  }[type]
}

/** Loads the posts named (any state), keyed by `type:id`. At most one query per post type. */
export function loadPosts(db: Db | Tx, refs: PostRef[]): Map<string, PostState> {
  const result = new Map<string, PostState>()
  const idsOf = (type: PostType) => [...new Set(refs.filter((r) => r.type === type).map((r) => r.id))]
  const ideaIds = idsOf('idea')
  if (ideaIds.length) {
    for (const row of db
      .select({
        id: ideas.id,
        authorId: ideas.authorId,
        title: ideas.title,
        bodyMd: ideas.bodyMd,
        hiddenAt: ideas.hiddenAt,
        hiddenReason: ideas.hiddenReason,
        deletedAt: ideas.deletedAt,
        lockedAt: ideas.lockedAt,
        createdAt: ideas.createdAt,
      })
      .from(ideas)
      .where(inArray(ideas.id, ideaIds))
      .all()) {
      const { bodyMd, ...rest } = row
      result.set(postKey({ type: 'idea', id: row.id }), {
        ...rest,
        type: 'idea',
        excerpt: clip(bodyMd),
        url: `/ideas/${row.id}`,
      })
    }
  }
  const questionIds = idsOf('question')
  if (questionIds.length) {
    for (const row of db
      .select({
        id: questions.id,
        authorId: questions.authorId,
        title: questions.title,
        bodyMd: questions.bodyMd,
        hiddenAt: questions.hiddenAt,
        hiddenReason: questions.hiddenReason,
        deletedAt: questions.deletedAt,
        lockedAt: questions.lockedAt,
        createdAt: questions.createdAt,
      })
      .from(questions)
      .where(inArray(questions.id, questionIds))
      .all()) {
      const { bodyMd, ...rest } = row
      result.set(postKey({ type: 'question', id: row.id }), {
        ...rest,
        type: 'question',
        excerpt: clip(bodyMd),
        url: `/questions/${row.id}`,
      })
    }
  }
  const answerIds = idsOf('answer')
  if (answerIds.length) {
    for (const row of db
      .select({
        id: answers.id,
        authorId: answers.authorId,
        questionId: answers.questionId,
        title: questions.title,
        bodyMd: answers.bodyMd,
        hiddenAt: answers.hiddenAt,
        hiddenReason: answers.hiddenReason,
        deletedAt: answers.deletedAt,
        createdAt: answers.createdAt,
      })
      .from(answers)
      .innerJoin(questions, eq(questions.id, answers.questionId))
      .where(inArray(answers.id, answerIds))
      .all()) {
      const { bodyMd, questionId, title, ...rest } = row
      result.set(postKey({ type: 'answer', id: row.id }), {
        ...rest,
        type: 'answer',
        title: `Answer to “${title}”`,
        excerpt: clip(bodyMd),
        lockedAt: null,
        url: `/questions/${questionId}#answer-${row.id}`,
      })
    }
  }
  const commentIds = idsOf('comment')
  if (commentIds.length) {
    const rows = db
      .select({
        id: comments.id,
        authorId: comments.authorId,
        targetType: comments.targetType,
        targetId: comments.targetId,
        bodyMd: comments.bodyMd,
        hiddenAt: comments.hiddenAt,
        hiddenReason: comments.hiddenReason,
        deletedAt: comments.deletedAt,
        createdAt: comments.createdAt,
        // The page a comment lives on: its idea, its question, or its answer's question.
        questionId: sql<number | null>`case ${comments.targetType} when 'question' then ${comments.targetId}
          when 'answer' then (select a.question_id from answers a where a.id = ${comments.targetId}) end`,
      })
      .from(comments)
      .where(inArray(comments.id, commentIds))
      .all()
    for (const { bodyMd, targetType, targetId, questionId, ...rest } of rows) {
      const page = targetType === 'idea' ? `/ideas/${targetId}` : `/questions/${questionId}`
      result.set(postKey({ type: 'comment', id: rest.id }), {
        ...rest,
        type: 'comment',
        title: `Comment on ${targetType === 'idea' ? 'an idea' : targetType === 'question' ? 'a question' : 'an answer'}`,
        excerpt: clip(bodyMd),
        lockedAt: null,
        url: `${page}#comment-${rest.id}`,
      })
    }
  }
  return result
}

export function loadPost(db: Db | Tx, ref: PostRef) {
  return loadPosts(db, [ref]).get(postKey(ref)) ?? null
}

/** The table of the post a comment is on, which holds its comment count. */
export function commentedPostTable(type: 'idea' | 'question' | 'answer') {
  return type === 'idea' ? ideas : type === 'question' ? questions : answers
}

/**
 * An idea's, question's or answer's whole Markdown source (PostState carries only an excerpt) and
 * the title of the idea or question it is, or answers; null when it is gone.
 */
export function postText(db: Db | Tx, ref: { type: 'idea' | 'question' | 'answer'; id: number }): { bodyMd: string; topic: string } | null {
  switch (ref.type) {
    case 'idea':
      return db.select({ bodyMd: ideas.bodyMd, topic: ideas.title }).from(ideas).where(eq(ideas.id, ref.id)).get() ?? null
    case 'question':
      return db.select({ bodyMd: questions.bodyMd, topic: questions.title }).from(questions).where(eq(questions.id, ref.id)).get() ?? null
    case 'answer':
      return (
        db
          .select({ bodyMd: answers.bodyMd, topic: questions.title })
          .from(answers)
          .innerJoin(questions, eq(questions.id, answers.questionId))
          .where(eq(answers.id, ref.id))
          .get() ?? null
      )
  }
}

type PostStateChange = Partial<{
  hiddenAt: Date | null
  hiddenReason: PostState['hiddenReason']
  deletedAt: Date | null
  lockedAt: Date | null
}>

/** +1 when a change makes a post visible, -1 when it hides or deletes it, 0 otherwise. */
function visibilityDelta(before: { hiddenAt: Date | null; deletedAt: Date | null }, change: PostStateChange) {
  const wasVisible = before.hiddenAt === null && before.deletedAt === null
  const hiddenAt = change.hiddenAt === undefined ? before.hiddenAt : change.hiddenAt
  const deletedAt = change.deletedAt === undefined ? before.deletedAt : change.deletedAt
  const isVisible = hiddenAt === null && deletedAt === null
  return Number(isVisible) - Number(wasVisible)
}

/**
 * Sets the moderation columns of one post (inside the caller's transaction). Answer and comment
 * counts count visible posts only, so hiding, deleting or restoring an answer or a comment moves
 * its question's or post's count, and an answer's visibility can change whether its question is
 * answered.
 */
export function setPostState(tx: Tx, ref: PostRef, state: PostStateChange) {
  switch (ref.type) {
    case 'idea':
      tx.update(ideas).set(state).where(eq(ideas.id, ref.id)).run()
      return
    case 'question':
      tx.update(questions).set(state).where(eq(questions.id, ref.id)).run()
      return
    case 'answer': {
      const { lockedAt: _ignored, ...change } = state
      const before = tx
        .select({ questionId: answers.questionId, hiddenAt: answers.hiddenAt, deletedAt: answers.deletedAt })
        .from(answers)
        .where(eq(answers.id, ref.id))
        .get()
      if (!before) return
      tx.update(answers).set(change).where(eq(answers.id, ref.id)).run()
      const delta = visibilityDelta(before, change)
      if (delta !== 0) {
        tx.update(questions)
          .set({ answerCount: sql`${questions.answerCount} + ${delta}` })
          .where(eq(questions.id, before.questionId))
          .run()
        refreshUnanswered(tx, before.questionId)
      }
      return
    }
    case 'comment': {
      const { lockedAt: _ignored, ...change } = state
      const before = tx
        .select({
          targetType: comments.targetType,
          targetId: comments.targetId,
          hiddenAt: comments.hiddenAt,
          deletedAt: comments.deletedAt,
        })
        .from(comments)
        .where(eq(comments.id, ref.id))
        .get()
      if (!before) return
      tx.update(comments).set(change).where(eq(comments.id, ref.id)).run()
      const delta = visibilityDelta(before, change)
      if (delta !== 0) {
        const table = commentedPostTable(before.targetType)
        tx.update(table)
          .set({ commentCount: sql`${table.commentCount} + ${delta}` })
          .where(eq(table.id, before.targetId))
          .run()
      }
      return
    }
  }
}
