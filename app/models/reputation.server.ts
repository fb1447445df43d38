/**
 * The reputation ledger. Every earning action appends an event; undoing it appends the reversing
 * event (never a delete). users.reputation = 1 + sum(delta), moved in the same transaction.
 */
import { and, desc, eq, gte, isNull, lt, sql } from 'drizzle-orm'
import { reputationEvents, users } from '#db/schema'
import { type ReputationSourceType } from '~/domain'
import { type Db, prepared, type Tx } from '~/lib/db.server'
import { COUNTERS, findCounterMismatches } from './counters.server'

/**
 * Stack Exchange-like starting rules, with these decisions:
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
    const dayStart = startOfUtcDay(now).getTime()
    // Bounded on both sides, so a backdated event (an import) counts against its own day only.
    const earnedToday = prepared(tx, earnedOnDayQuery).get({ userId: input.userId, dayStart, dayEnd: dayStart + 86_400_000 })?.total ?? 0
    delta = Math.max(0, Math.min(delta, DAILY_VOTE_REPUTATION_CAP - earnedToday))
  }
  const sourceCap = PER_SOURCE_CAPS[input.reason]
  if (sourceCap !== undefined && delta > 0) {
    const earnedOnSource =
      prepared(tx, earnedOnSourceQuery).get({ sourceType: input.source.type, sourceId: input.source.id, reason: input.reason })?.total ?? 0
    delta = Math.max(0, Math.min(delta, sourceCap - earnedOnSource))
  }
  const event = prepared(tx, appendEventQuery).get({
    userId: input.userId,
    delta,
    reason: input.reason,
    sourceType: input.source.type,
    sourceId: input.source.id,
    actorId: input.actorId,
    reversesId: null,
    isCapped,
    createdAt: now,
  })!
  if (delta !== 0) prepared(tx, addToReputationQuery).run({ userId: input.userId, delta })
  return event
}

/**
 * Reverses the latest unreversed event of `reason` on `source` by `actorId` with an event of the
 * opposite delta. Returns null when there is nothing to reverse.
 */
export function reverseReputation(tx: Tx, input: { reason: ReputationReason; source: Source; actorId: number | null; now?: Date }) {
  const on = { sourceType: input.source.type, sourceId: input.source.id, reason: input.reason }
  const original =
    input.actorId == null
      ? prepared(tx, unreversedBySystemQuery).get(on)
      : prepared(tx, unreversedByActorQuery).get({ ...on, actorId: input.actorId })
  if (!original) return null
  const event = prepared(tx, appendEventQuery).get({
    ...on,
    userId: original.userId,
    delta: -original.delta,
    actorId: input.actorId,
    reversesId: original.id,
    isCapped: original.isCapped,
    createdAt: input.now ?? new Date(),
  })!
  if (original.delta !== 0) prepared(tx, addToReputationQuery).run({ userId: original.userId, delta: -original.delta })
  return event
}

// The ledger's statements, prepared once per connection (a vote runs two or three of them). A
// placeholder compared with a column in sql`…` or eq() takes the stored value (milliseconds for times).

/** What a member earned from capped kinds on one UTC day (reputation_events_member_idx). */
const earnedOnDayQuery = (db: Db | Tx) =>
  db
    .select({ total: sql<number>`coalesce(sum(${reputationEvents.delta}), 0)` })
    .from(reputationEvents)
    .where(
      and(
        eq(reputationEvents.userId, sql.placeholder('userId')),
        eq(reputationEvents.isCapped, true),
        gte(reputationEvents.createdAt, sql.placeholder('dayStart')),
        lt(reputationEvents.createdAt, sql.placeholder('dayEnd')),
      ),
    )
    .prepare()

/** The net of one kind's events on one post: reputation_events_source_idx (source_type, source_id, reason, …, delta), from the index alone. */
const earnedOnSourceQuery = (db: Db | Tx) =>
  db
    .select({ total: sql<number>`coalesce(sum(${reputationEvents.delta}), 0)` })
    .from(reputationEvents)
    .where(
      and(
        eq(reputationEvents.sourceType, sql.placeholder('sourceType')),
        eq(reputationEvents.sourceId, sql.placeholder('sourceId')),
        eq(reputationEvents.reason, sql.placeholder('reason')),
      ),
    )
    .prepare()

const appendEventQuery = (db: Db | Tx) =>
  db
    .insert(reputationEvents)
    .values({
      userId: sql.placeholder('userId'),
      delta: sql.placeholder('delta'),
      reason: sql.placeholder('reason'),
      sourceType: sql.placeholder('sourceType'),
      sourceId: sql.placeholder('sourceId'),
      actorId: sql.placeholder('actorId'),
      reversesId: sql.placeholder('reversesId'),
      isCapped: sql.placeholder('isCapped'),
      createdAt: sql.placeholder('createdAt'),
    })
    .returning({ id: reputationEvents.id, delta: reputationEvents.delta })
    .prepare()

const addToReputationQuery = (db: Db | Tx) =>
  db
    .update(users)
    .set({ reputation: sql`${users.reputation} + ${sql.placeholder('delta')}` })
    .where(eq(users.id, sql.placeholder('userId')))
    .prepare()

/** The latest event of a kind on a post by an actor (or by nobody: the system's) that no event reverses yet. */
const unreversedQuery = (byActor: boolean) => (db: Db | Tx) =>
  db
    .select({
      id: reputationEvents.id,
      userId: reputationEvents.userId,
      delta: reputationEvents.delta,
      isCapped: reputationEvents.isCapped,
    })
    .from(reputationEvents)
    .where(
      and(
        eq(reputationEvents.sourceType, sql.placeholder('sourceType')),
        eq(reputationEvents.sourceId, sql.placeholder('sourceId')),
        eq(reputationEvents.reason, sql.placeholder('reason')),
        byActor ? eq(reputationEvents.actorId, sql.placeholder('actorId')) : isNull(reputationEvents.actorId),
        isNull(reputationEvents.reversesId),
        sql`not exists (select 1 from reputation_events r where r.reverses_id = ${reputationEvents.id})`,
      ),
    )
    .orderBy(desc(reputationEvents.id))
    .limit(1)
    .prepare()
const unreversedByActorQuery = unreversedQuery(true)
const unreversedBySystemQuery = unreversedQuery(false)

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
  return findCounterMismatches(
    db,
    COUNTERS.filter((c) => c.name === 'reputation'),
  )
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
