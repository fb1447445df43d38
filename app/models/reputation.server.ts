/**
 * The reputation ledger. Every earning action appends an event; undoing it appends the reversing
 * event (never a delete). users.reputation = 1 + sum(delta), moved in the same transaction.
 */
import { and, desc, eq, gte, isNull, lt, sql } from 'drizzle-orm'
import { reputationEvents, users } from '#db/schema'
import { type ReputationSourceType } from '~/domain'
import { type Db, type Tx } from '~/lib/db.server'
import { COUNTERS, findCounterMismatches } from './counters.server'

/**
 * Stack Exchange-like starting rules from DESIGN.md, with these decisions:
 * - idea_upvoted is capped per idea as well as per day: an idea pays its author +2 for each vote
 *   while the idea's net idea_upvoted total is under IDEA_UPVOTE_REPUTATION_CAP (+200, i.e. the
 *   first 100 voters). The cap is read from the ledger, so an unvote reverses exactly what its vote
 *   earned (possibly 0) and frees room for the next voter; a recount matches by construction.
 * - idea_planned and idea_shipped are paid once per idea and person, the first time the idea
 *   reaches that status; idea_shipped ("Co-creator") goes to the idea's author and to the author of
 *   any question turned into it (or into an idea merged into it), each once. Moving an idea back out of
 *   planned or shipped takes nothing back, and reaching the status again pays nothing more
 *   (Stack Exchange never takes back a bounty that was earned).
 * - suggested_edit_approved (+2 for the member whose suggested edit was approved) is not a vote, so
 *   it is exempt from the daily vote cap, like accepts and the idea bonuses.
 */
export const REPUTATION = {
  question_upvoted: 5,
  answer_upvoted: 10,
  idea_upvoted: 2,
  post_downvoted: -2,
  downvote_cast: -1,
  answer_accepted: 15,
  accepted_an_answer: 2,
  idea_planned: 10,
  idea_shipped: 50,
  post_removed_as_spam: -100,
  suggested_edit_approved: 2,
} as const
/** A staff correction (or a test fixture): any delta, pointing at the user it applies to. */
export const ADJUSTMENT_REASON = 'adjustment'
export type ReputationReason = keyof typeof REPUTATION

/** Votes earn at most this much per user per UTC day; accepts and shipped bonuses are exempt. */
export const DAILY_VOTE_REPUTATION_CAP = 200
const CAPPED_REASONS: ReadonlySet<ReputationReason> = new Set(['question_upvoted', 'answer_upvoted', 'idea_upvoted'])

/** The most an idea's votes pay its author, net (100 voters at +2). */
export const IDEA_UPVOTE_REPUTATION_CAP = 200
/** Kinds with a ceiling per source post, on the net of that kind's events for the post. */
const PER_SOURCE_CAPS: Partial<Record<ReputationReason, number>> = { idea_upvoted: IDEA_UPVOTE_REPUTATION_CAP }

export type Source = { type: ReputationSourceType; id: number }

function startOfUtcDay(now: Date) {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()))
}

/**
 * Appends an event for `reason` and moves the cached total. A capped kind records only what is left
 * of today's cap (possibly 0), so its reversal undoes exactly what was given.
 */
export function recordReputation(
  tx: Tx,
  input: { userId: number; reason: ReputationReason; source: Source; actorId: number | null; now?: Date },
) {
  const now = input.now ?? new Date()
  let delta: number = REPUTATION[input.reason]
  const isCapped = CAPPED_REASONS.has(input.reason)
  if (isCapped && delta > 0) {
    const dayStart = startOfUtcDay(now)
    const dayEnd = new Date(dayStart.getTime() + 86_400_000)
    // Bounded on both sides, so a backdated event (an import) counts against its own day only.
    const earnedToday =
      tx
        .select({ total: sql<number>`coalesce(sum(${reputationEvents.delta}), 0)` })
        .from(reputationEvents)
        .where(
          and(
            eq(reputationEvents.userId, input.userId),
            eq(reputationEvents.isCapped, true),
            gte(reputationEvents.createdAt, dayStart),
            lt(reputationEvents.createdAt, dayEnd),
          ),
        )
        .get()?.total ?? 0
    delta = Math.max(0, Math.min(delta, DAILY_VOTE_REPUTATION_CAP - earnedToday))
  }
  const sourceCap = PER_SOURCE_CAPS[input.reason]
  if (sourceCap !== undefined && delta > 0) {
    // reputation_events_source_idx (source_type, source_id, reason, …, delta): one range of this post's events, from the index alone.
    const earnedOnSource =
      tx
        .select({ total: sql<number>`coalesce(sum(${reputationEvents.delta}), 0)` })
        .from(reputationEvents)
        .where(
          and(
            eq(reputationEvents.sourceType, input.source.type),
            eq(reputationEvents.sourceId, input.source.id),
            eq(reputationEvents.reason, input.reason),
          ),
        )
        .get()?.total ?? 0
    delta = Math.max(0, Math.min(delta, sourceCap - earnedOnSource))
  }
  const event = tx
    .insert(reputationEvents)
    .values({
      userId: input.userId,
      delta,
      reason: input.reason,
      sourceType: input.source.type,
      sourceId: input.source.id,
      actorId: input.actorId,
      isCapped,
      createdAt: now,
    })
    .returning({ id: reputationEvents.id, delta: reputationEvents.delta })
    .get()
  if (delta !== 0) {
    tx.update(users)
      .set({ reputation: sql`${users.reputation} + ${delta}` })
      .where(eq(users.id, input.userId))
      .run()
  }
  return event
}

/**
 * Reverses the latest unreversed event of `reason` on `source` by `actorId` with an event of the
 * opposite delta. Returns null when there is nothing to reverse.
 */
export function reverseReputation(
  tx: Tx,
  input: { reason: ReputationReason; source: Source; actorId: number | null; now?: Date },
) {
  const reversal = sql`(select 1 from reputation_events r where r.reverses_id = ${reputationEvents.id})`
  const original = tx
    .select({
      id: reputationEvents.id,
      userId: reputationEvents.userId,
      delta: reputationEvents.delta,
      isCapped: reputationEvents.isCapped,
    })
    .from(reputationEvents)
    .where(
      and(
        eq(reputationEvents.sourceType, input.source.type),
        eq(reputationEvents.sourceId, input.source.id),
        eq(reputationEvents.reason, input.reason),
        input.actorId == null ? isNull(reputationEvents.actorId) : eq(reputationEvents.actorId, input.actorId),
        isNull(reputationEvents.reversesId),
        sql`not exists ${reversal}`,
      ),
    )
    .orderBy(desc(reputationEvents.id))
    .limit(1)
    .get()
  if (!original) return null
  const event = tx
    .insert(reputationEvents)
    .values({
      userId: original.userId,
      delta: -original.delta,
      reason: input.reason,
      sourceType: input.source.type,
      sourceId: input.source.id,
      actorId: input.actorId,
      reversesId: original.id,
      isCapped: original.isCapped,
      createdAt: input.now ?? new Date(),
    })
    .returning({ id: reputationEvents.id, delta: reputationEvents.delta })
    .get()
  if (original.delta !== 0) {
    tx.update(users)
      .set({ reputation: sql`${users.reputation} - ${original.delta}` })
      .where(eq(users.id, original.userId))
      .run()
  }
  return event
}

/** Whether `userId` was ever paid `reason` for `source` (bonuses paid once, never taken back). */
export function hasEarned(tx: Tx, input: { userId: number; reason: ReputationReason; source: Source }) {
  return !!tx
    .select({ id: reputationEvents.id })
    .from(reputationEvents)
    .where(
      and(
        eq(reputationEvents.sourceType, input.source.type),
        eq(reputationEvents.sourceId, input.source.id),
        eq(reputationEvents.reason, input.reason),
        eq(reputationEvents.userId, input.userId),
      ),
    )
    .limit(1)
    .get()
}

/** Users whose cached reputation differs from 1 + the sum of their ledger. */
export function findReputationMismatches(db: Db) {
  return findCounterMismatches(db, COUNTERS.filter((c) => c.name === 'reputation'))
}

/** Appends a staff adjustment of any size (also how test fixtures give a member reputation). */
export function adjustReputation(tx: Tx, input: { userId: number; delta: number; actorId: number | null; now?: Date }) {
  tx.insert(reputationEvents)
    .values({
      userId: input.userId,
      delta: input.delta,
      reason: ADJUSTMENT_REASON,
      sourceType: 'user',
      sourceId: input.userId,
      actorId: input.actorId,
      createdAt: input.now ?? new Date(),
    })
    .run()
  tx.update(users)
    .set({ reputation: sql`${users.reputation} + ${input.delta}` })
    .where(eq(users.id, input.userId))
    .run()
}
