/**
 * Votes. A vote request names the state wanted (vote / unvote, +1 / -1 / 0), so a replayed or
 * double-clicked POST cannot flip it. Rows, cached counters and the ledger move in one transaction.
 */
import { and, count, eq, isNull, ne, notInArray, type Placeholder, sql } from 'drizzle-orm'
import { answers, ideas, ideaVotes, postVotes, questions } from '#db/schema'
import { type IdeaStatus } from '~/domain'
import { type Db, prepared, type Tx, writeTransaction } from '~/lib/db.server'
import { ConflictError, ForbiddenError, NotFoundError } from '~/lib/errors'
import { type Actor, check, isSuspended } from '~/lib/permissions'
import { hitVoteIpLimit, hitVoteLimit } from '~/lib/rate-limit.server'
import { awardBadge, checkHelpfulBadge, checkPopularIdeaBadge } from './badges.server'
import { recordReputation, reverseReputation } from './reputation.server'
import { getVoteBudget } from './settings.server'
import { queueIdeaEvent } from './webhook-events.server'

const IDEA_LOCKED_MESSAGE = 'This idea is locked; votes are closed.'

/** What a member votes on, and the state they ask for. A question or answer names its author, for the permission. */
export type VoteOn =
  { type: 'idea'; id: number; voted: boolean } | { type: 'question' | 'answer'; id: number; authorId: number; value: PostVoteValue }

/** The idea's new state and count, or the post's new vote and score. */
export type VoteResult<V extends VoteOn> = V extends { type: 'idea' }
  ? { voted: boolean; voteCount: number }
  : { value: PostVoteValue; score: number }

/**
 * A member's vote from the site, on an idea or a post, the one way the pages vote: the permission
 * (vote:idea; upvote:post or downvote:post on the post, and taking a vote back only for members not
 * suspended, since it needs no reputation), then the member's and the address's vote rate limits,
 * then the vote in its transaction. A refusal throws (ForbiddenError, RateLimitedError, and the
 * vote's own ConflictError or NotFoundError), so every caller answers it the same way.
 */
export function castVote<V extends VoteOn>(
  db: Db,
  voter: { member: Actor & { createdAt: Date }; ip: string | undefined },
  vote: V,
): VoteResult<V> {
  const { member } = voter
  const on: VoteOn = vote
  const decision =
    on.type === 'idea'
      ? check(member, 'vote:idea')
      : on.value === 0
        ? isSuspended(member)
          ? ({ ok: false, status: 403, reason: 'Your account is suspended.' } as const)
          : ({ ok: true } as const)
        : check(member, on.value === 1 ? 'upvote:post' : 'downvote:post', on)
  if (!decision.ok) throw new ForbiddenError(decision.reason)
  hitVoteLimit(member)
  hitVoteIpLimit(voter.ip)
  const result =
    on.type === 'idea'
      ? setIdeaVote(db, { ideaId: on.id, userId: member.id, voted: on.voted })
      : setPostVote(db, { targetType: on.type, targetId: on.id, userId: member.id, value: on.value })
  return result as VoteResult<V>
}

/**
 * Puts one member's vote on an idea into the requested state. When the vote budget is on (an
 * admin setting), a new vote that would take the member over it is refused with a conflict.
 */
export function setIdeaVote(
  db: Db,
  { ideaId, userId, voted, now = new Date() }: { ideaId: number; userId: number; voted: boolean; now?: Date },
) {
  return writeTransaction(db, (tx) => {
    const budget = getVoteBudget(tx) // read in the transaction: a vote and the setting it obeys agree
    return applyIdeaVote(tx, { ideaId, userId, voted, now, budgetLimit: budget.enabled ? budget.votesPerMember : null, announce: true })
  })
}

/**
 * setIdeaVote inside a caller's transaction (idea creation votes for its author). `budgetLimit` is
 * the member's open-vote allowance, or null for none (the author's automatic vote is always free).
 * `announce`: a member's own vote, sent to webhooks as idea.voted (automatic and moved votes are not).
 */
export function applyIdeaVote(
  tx: Tx,
  input: { ideaId: number; userId: number; voted: boolean; now: Date; budgetLimit?: number | null; announce?: boolean },
) {
  const { ideaId, userId, voted, now, budgetLimit = null } = input
  const idea = prepared(tx, votableIdeaQuery).get({ ideaId })
  if (!idea) throw new NotFoundError('idea')
  if (idea.lockedAt) throw new ConflictError(IDEA_LOCKED_MESSAGE)
  if (idea.status === 'merged') throw new ConflictError('This idea was merged into another one; vote there.')
  const key = { ideaId, userId }
  const changed = voted ? prepared(tx, addVoteQuery).all({ ...key, createdAt: now }) : prepared(tx, removeVoteQuery).all(key)
  if (changed.length === 0) return { voted, voteCount: idea.voteCount } // already in that state
  // Counted after the insert, so the new vote is included; throwing rolls the insert back. A
  // replayed vote changed nothing above and is never refused.
  if (voted && budgetLimit != null && countsAgainstBudget(idea, userId) && countOpenVotes(tx, userId) > budgetLimit) {
    throw new ConflictError(voteBudgetExhaustedMessage(budgetLimit))
  }
  const { voteCount } = voted
    ? prepared(tx, countVoteQuery).get({ ideaId, now: now.getTime() })!
    : prepared(tx, uncountVoteQuery).get({ ideaId })!
  if (idea.authorId !== userId) {
    // The author's automatic vote earns nothing.
    const source = { type: 'idea', id: ideaId } as const
    if (voted) recordReputation(tx, { userId: idea.authorId, reason: 'idea_upvoted', source, actorId: userId, now })
    else reverseReputation(tx, { reason: 'idea_upvoted', source, actorId: userId, now })
  }
  if (voted) checkPopularIdeaBadge(tx, { id: ideaId, authorId: idea.authorId, voteCount }, now)
  if (voted && input.announce) queueIdeaEvent(tx, 'idea.voted', ideaId, {}, now)
  return { voted, voteCount }
}

// The statements of every idea vote, prepared once per connection. A placeholder for a column's
// value takes the column's type (a Date); one inside sql`…` (laterOf) takes the stored value (milliseconds).
const votableIdeaQuery = (db: Db | Tx) =>
  db
    .select({ authorId: ideas.authorId, lockedAt: ideas.lockedAt, voteCount: ideas.voteCount, status: ideas.status })
    .from(ideas)
    .where(and(eq(ideas.id, sql.placeholder('ideaId')), isNull(ideas.deletedAt), isNull(ideas.hiddenAt)))
    .prepare()
const addVoteQuery = (db: Db | Tx) =>
  db
    .insert(ideaVotes)
    .values({ ideaId: sql.placeholder('ideaId'), userId: sql.placeholder('userId'), createdAt: sql.placeholder('createdAt') })
    .onConflictDoNothing()
    .returning({ ideaId: ideaVotes.ideaId })
    .prepare()
const removeVoteQuery = (db: Db | Tx) =>
  db
    .delete(ideaVotes)
    .where(and(eq(ideaVotes.ideaId, sql.placeholder('ideaId')), eq(ideaVotes.userId, sql.placeholder('userId'))))
    .returning({ ideaId: ideaVotes.ideaId })
    .prepare()
const countVoteQuery = (db: Db | Tx) =>
  db
    .update(ideas)
    .set({ voteCount: sql`${ideas.voteCount} + 1`, lastActivityAt: laterOf(ideas.lastActivityAt, sql.placeholder('now')) })
    .where(eq(ideas.id, sql.placeholder('ideaId')))
    .returning({ voteCount: ideas.voteCount })
    .prepare()
const uncountVoteQuery = (db: Db | Tx) =>
  db
    .update(ideas)
    .set({ voteCount: sql`${ideas.voteCount} - 1` })
    .where(eq(ideas.id, sql.placeholder('ideaId')))
    .returning({ voteCount: ideas.voteCount })
    .prepare()

// ---------------------------------------------------------------------------------------------
// The vote budget
//
// When an admin turns it on, a member has `votesPerMember` open votes. A vote is open while its
// idea is still undecided: not shipped, declined or merged. Votes on one's own ideas are free (the
// author's vote is automatic). Votes the member could not take back do not count either: on a
// hidden, deleted or locked idea. A member can always remove a vote to spend it elsewhere.
// ---------------------------------------------------------------------------------------------

/** Once an idea reaches one of these, its votes come back to their members. */
const BUDGET_RETURNING_STATUSES = ['shipped', 'declined', 'merged'] as const satisfies readonly IdeaStatus[]

export function voteBudgetExhaustedMessage(votesPerMember: number) {
  return (
    `You have used all ${votesPerMember} of your votes. ` +
    'Votes come back when ideas ship or are declined; you can also take back a vote.'
  )
}

/** Whether a vote by `userId` on this idea uses up one of their open votes. */
function countsAgainstBudget(idea: { authorId: number; status: IdeaStatus; lockedAt?: Date | null }, userId: number) {
  return idea.authorId !== userId && !idea.lockedAt && !(BUDGET_RETURNING_STATUSES as readonly IdeaStatus[]).includes(idea.status)
}

/** The member's open votes (through idea_votes_user_idx, then each idea by its primary key). */
function countOpenVotes(db: Db | Tx, userId: number) {
  return (
    db
      .select({ n: count() })
      .from(ideaVotes)
      .innerJoin(ideas, eq(ideas.id, ideaVotes.ideaId))
      .where(
        and(
          eq(ideaVotes.userId, userId),
          ne(ideas.authorId, userId),
          notInArray(ideas.status, [...BUDGET_RETURNING_STATUSES]),
          isNull(ideas.lockedAt),
          isNull(ideas.hiddenAt),
          isNull(ideas.deletedAt),
        ),
      )
      .get()?.n ?? 0
  )
}

export type VoteBudgetState = { votesPerMember: number; used: number; left: number }

/** What is left of the member's vote budget, or null when the budget is off. */
export function getVoteBudgetState(db: Db, userId: number): VoteBudgetState | null {
  const budget = getVoteBudget(db)
  if (!budget.enabled) return null
  const used = countOpenVotes(db, userId)
  return { votesPerMember: budget.votesPerMember, used, left: Math.max(0, budget.votesPerMember - used) }
}

/**
 * Why this member cannot vote on this idea right now, as a sentence for the vote button, or null.
 * Taking a vote back is never blocked by the budget. (Who may vote at all is check(viewer, 'vote:idea').)
 */
export function ideaVoteBlock(
  idea: { authorId: number; status: IdeaStatus; lockedAt: Date | null; viewerVoted: boolean },
  viewer: { id: number } | null,
  budget: VoteBudgetState | null,
) {
  if (idea.lockedAt) return IDEA_LOCKED_MESSAGE
  if (!viewer || idea.viewerVoted || !budget || budget.left > 0) return null
  return countsAgainstBudget(idea, viewer.id) ? voteBudgetExhaustedMessage(budget.votesPerMember) : null
}

/** What the list shows once above its rows, and the idea page under its button: "3 of 10 votes left", or that none are. */
export function voteBudgetSentence(budget: VoteBudgetState) {
  if (budget.left === 0) return voteBudgetExhaustedMessage(budget.votesPerMember)
  return `${budget.left} of ${budget.votesPerMember} votes left`
}

export type IdeaVoteState = {
  /** The viewer must log in first (check's 401): the button still submits, and the endpoint sends them to log in. */
  loginFirst: boolean
  /** Why the viewer cannot vote on this idea: a refusal of vote:idea, else `block`; null when they can. */
  reason: string | null
  /** What blocks this idea whoever may vote (ideaVoteBlock): a lock, or a spent budget for a new vote. */
  block: string | null
  /** What is left of the budget while some is ("3 of 10 votes left"), or null. */
  note: string | null
}

/**
 * The vote button's state for one idea and one viewer, the same on the idea list and the idea
 * page: who may vote at all (check(viewer, 'vote:idea')), then what blocks this idea (a lock, a
 * spent budget). `budget` is getVoteBudgetState's, read once per page.
 */
export function ideaVoteState(
  viewer: Actor | null,
  idea: { authorId: number; status: IdeaStatus; lockedAt: Date | null; viewerVoted: boolean },
  budget: VoteBudgetState | null,
): IdeaVoteState {
  const decision = check(viewer, 'vote:idea')
  const block = ideaVoteBlock(idea, viewer, budget)
  return {
    loginFirst: !decision.ok && decision.status === 401,
    reason: decision.ok ? block : decision.reason,
    block,
    note: budget && budget.left > 0 ? voteBudgetSentence(budget) : null,
  }
}

/** SQL for "the later of the stored time and now": activity times never move backwards. */
export function laterOf(column: typeof ideas.lastActivityAt | typeof questions.lastActivityAt, now: Date | Placeholder) {
  return sql`max(${column}, ${now instanceof Date ? now.getTime() : now})`
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
  return writeTransaction(db, (tx) => {
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
    if (targetType === 'answer') {
      refreshUnanswered(tx, post.questionId)
      if (post.score < 1 && score >= 1) checkHelpfulBadge(tx, post.authorId, targetId, now)
    }
    if (value === 1) awardBadge(tx, userId, 'supporter', source, now)
    return { value, score }
  })
}

export type VoteBreakdown = { up: number; down: number }

/**
 * The upvotes and downvotes behind the scores of a question and its answers (the "see vote
 * breakdowns" privilege), keyed `question:<id>` / `answer:<id>`. One grouped read through the
 * post_votes primary key; posts without votes are absent (0 and 0).
 */
export function voteBreakdowns(db: Db, { questionId, answerIds }: { questionId: number; answerIds: number[] }) {
  const rows = db
    .select({
      targetType: postVotes.targetType,
      targetId: postVotes.targetId,
      up: sql<number>`sum(${postVotes.value} = 1)`,
      down: sql<number>`sum(${postVotes.value} = -1)`,
    })
    .from(postVotes)
    .where(
      sql`(${postVotes.targetType} = 'question' and ${postVotes.targetId} = ${questionId})
        or (${postVotes.targetType} = 'answer' and ${postVotes.targetId} in ${answerIds.length ? answerIds : [0]})`,
    )
    .groupBy(postVotes.targetType, postVotes.targetId)
    .all()
  return Object.fromEntries(rows.map((r) => [`${r.targetType}:${r.targetId}`, { up: r.up, down: r.down } satisfies VoteBreakdown]))
}
