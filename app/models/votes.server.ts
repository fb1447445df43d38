/**
 * Votes. A vote request names the state wanted (vote / unvote, +1 / -1 / 0), so a replayed or
 * double-clicked POST cannot flip it. Rows, cached counters and the ledger move in one transaction.
 */
import { and, eq, isNull, sql } from 'drizzle-orm'
import { answers, ideas, ideaVotes, postVotes, questions } from '#db/schema'
import { type Db, type Tx } from '~/lib/db.server'
import { ConflictError, ForbiddenError, NotFoundError } from '~/lib/errors'
import { recordReputation, reverseReputation } from './reputation.server'

/** Puts one member's vote on an idea into the requested state. */
export function setIdeaVote(
  db: Db,
  { ideaId, userId, voted, now = new Date() }: { ideaId: number; userId: number; voted: boolean; now?: Date },
) {
  return db.transaction((tx) => applyIdeaVote(tx, { ideaId, userId, voted, now }), { behavior: 'immediate' })
}

/** setIdeaVote inside a caller's transaction (idea creation votes for its author). */
export function applyIdeaVote(tx: Tx, { ideaId, userId, voted, now }: { ideaId: number; userId: number; voted: boolean; now: Date }) {
  const idea = tx
    .select({ authorId: ideas.authorId, lockedAt: ideas.lockedAt, voteCount: ideas.voteCount, status: ideas.status })
    .from(ideas)
    .where(and(eq(ideas.id, ideaId), isNull(ideas.deletedAt)))
    .get()
  if (!idea) throw new NotFoundError('idea')
  if (idea.lockedAt) throw new ConflictError('This idea is locked; votes are closed.')
  if (idea.status === 'merged') throw new ConflictError('This idea was merged into another one; vote there.')
  const changed = voted
    ? tx.insert(ideaVotes).values({ ideaId, userId, createdAt: now }).onConflictDoNothing().returning().all()
    : tx
        .delete(ideaVotes)
        .where(and(eq(ideaVotes.ideaId, ideaId), eq(ideaVotes.userId, userId)))
        .returning()
        .all()
  if (changed.length === 0) return { voted, voteCount: idea.voteCount } // already in that state
  const { voteCount } = tx
    .update(ideas)
    .set(
      voted
        ? { voteCount: sql`${ideas.voteCount} + 1`, lastActivityAt: laterOf(ideas.lastActivityAt, now) }
        : { voteCount: sql`${ideas.voteCount} - 1` },
    )
    .where(eq(ideas.id, ideaId))
    .returning({ voteCount: ideas.voteCount })
    .get()!
  if (idea.authorId !== userId) {
    // The author's automatic vote earns nothing.
    const source = { type: 'idea', id: ideaId } as const
    if (voted) recordReputation(tx, { userId: idea.authorId, reason: 'idea_upvoted', source, actorId: userId, now })
    else reverseReputation(tx, { reason: 'idea_upvoted', source, actorId: userId, now })
  }
  return { voted, voteCount }
}

/** SQL for "the later of the stored time and now": activity times never move backwards. */
export function laterOf(column: typeof ideas.lastActivityAt | typeof questions.lastActivityAt, now: Date) {
  return sql`max(${column}, ${now.getTime()})`
}

export type PostVoteValue = 1 | -1 | 0

function loadVotablePost(tx: Tx, targetType: 'question' | 'answer', targetId: number) {
  if (targetType === 'question') {
    return tx
      .select({ authorId: questions.authorId, lockedAt: questions.lockedAt, score: questions.score, questionId: questions.id })
      .from(questions)
      .where(and(eq(questions.id, targetId), isNull(questions.deletedAt), isNull(questions.hiddenAt)))
      .get()
  }
  return tx
    .select({ authorId: answers.authorId, lockedAt: questions.lockedAt, score: answers.score, questionId: answers.questionId })
    .from(answers)
    .innerJoin(questions, eq(questions.id, answers.questionId))
    .where(and(eq(answers.id, targetId), isNull(answers.deletedAt), isNull(answers.hiddenAt)))
    .get()
}

/** Recomputes the "unanswered" flag of a question: no accepted answer and no answer scored above 0. */
export function refreshUnanswered(tx: Tx, questionId: number) {
  tx.run(sql`update questions set is_unanswered = (
      accepted_answer_id is null and not exists (
        select 1 from answers a where a.question_id = questions.id and a.score > 0 and a.deleted_at is null and a.hidden_at is null))
    where id = ${questionId}`)
}

/**
 * Sets one member's vote on a question or answer to +1, -1 or 0 (none). Permission to up- or
 * downvote is checked by the route; here: the post exists, is not locked and is not the voter's own.
 */
export function setPostVote(
  db: Db,
  input: { targetType: 'question' | 'answer'; targetId: number; userId: number; value: PostVoteValue; now?: Date },
) {
  const { targetType, targetId, userId, value } = input
  const now = input.now ?? new Date()
  return db.transaction(
    (tx) => {
      const post = loadVotablePost(tx, targetType, targetId)
      if (!post) throw new NotFoundError(targetType)
      if (post.authorId === userId) throw new ForbiddenError('You cannot vote on your own post.')
      if (post.lockedAt) throw new ConflictError('This question is locked; votes are closed.')
      const key = and(eq(postVotes.targetType, targetType), eq(postVotes.targetId, targetId), eq(postVotes.userId, userId))
      const previous = tx.select({ value: postVotes.value }).from(postVotes).where(key).get()?.value ?? 0
      if (previous === value) return { value, score: post.score }

      const source = { type: targetType, id: targetId } as const
      const upReason = targetType === 'question' ? 'question_upvoted' : 'answer_upvoted'
      // Undo the previous vote's effects, then apply the new one's.
      if (previous === 1) reverseReputation(tx, { reason: upReason, source, actorId: userId, now })
      if (previous === -1) {
        reverseReputation(tx, { reason: 'post_downvoted', source, actorId: userId, now })
        if (targetType === 'answer') reverseReputation(tx, { reason: 'downvote_cast', source, actorId: userId, now })
      }
      if (value === 0) tx.delete(postVotes).where(key).run()
      else {
        tx.insert(postVotes)
          .values({ targetType, targetId, userId, value, createdAt: now })
          .onConflictDoUpdate({ target: [postVotes.targetType, postVotes.targetId, postVotes.userId], set: { value, createdAt: now } })
          .run()
      }
      if (value === 1) recordReputation(tx, { userId: post.authorId, reason: upReason, source, actorId: userId, now })
      if (value === -1) {
        recordReputation(tx, { userId: post.authorId, reason: 'post_downvoted', source, actorId: userId, now })
        if (targetType === 'answer') recordReputation(tx, { userId, reason: 'downvote_cast', source, actorId: userId, now })
      }

      const diff = value - previous
      const table = targetType === 'question' ? questions : answers
      const { score } = tx
        .update(table)
        .set({ score: sql`${table.score} + ${diff}` })
        .where(eq(table.id, targetId))
        .returning({ score: table.score })
        .get()!
      if (targetType === 'answer') refreshUnanswered(tx, post.questionId)
      return { value, score }
    },
    { behavior: 'immediate' },
  )
}
