/**
 * Flags: members report a post; three pending flags from distinct members hide it until a
 * moderator reviews it. The review queue and its decisions (accept: hide or delete, with an
 * optional spam penalty; reject: restore what the flags hid) live here too.
 */
import { and, asc, count, desc, eq, inArray, isNotNull, isNull, min, or, sql } from 'drizzle-orm'
import { answers, comments, flags, ideas, questions, reputationEvents, users } from '#db/schema'
import { FLAG_REASONS } from '~/domain'
import { type Db, inJsonList, jsonList, prepared, type Tx, writeTransaction } from '~/lib/db.server'
import { ConflictError, ForbiddenError, NotFoundError } from '~/lib/errors'
import { logModeration } from './moderation-log.server'
export { FLAG_REASON_LABELS } from '~/schemas/moderation'
import { notifyUser } from './notifications.server'
import { loadPost, loadPosts, postKey, type PostRef, type PostState, setPostState } from './posts.server'
import { recordReputation, reverseReputation } from './reputation.server'

export type FlagReason = (typeof FLAG_REASONS)[number]
/** Pending flags from distinct members that hide a post until a moderator reviews it. */
export const AUTO_HIDE_FLAGS = 3
/** A member's pending flags at a time: past that, they wait for moderators to catch up. */
export const MAX_OPEN_FLAGS = 10
export const FLAG_TEXT_MAX = 500
export const FLAG_QUEUE_PAGE_SIZE = 20

/**
 * A member flags a post. Refused: a missing, deleted or hidden post (404), one's own post (403), a
 * second flag on the same post (409), and an 11th pending flag (409). The third pending flag from
 * distinct members hides the post, in the same transaction.
 */
export function flagPost(
  db: Db,
  input: {
    userId: number
    target: PostRef
    reason: FlagReason
    text?: string
    now?: Date
  },
) {
  const now = input.now ?? new Date()
  return writeTransaction(db, (tx) => {
    const post = loadPost(tx, input.target)
    if (!post || post.deletedAt || post.hiddenAt) throw new NotFoundError(input.target.type)
    if (post.authorId === input.userId) throw new ForbiddenError('You cannot flag your own post.')
    const existing = tx
      .select({ id: flags.id })
      .from(flags)
      .where(and(eq(flags.userId, input.userId), eq(flags.targetType, input.target.type), eq(flags.targetId, input.target.id)))
      .get()
    if (existing) throw new ConflictError('You already flagged this post.')
    const open =
      tx
        .select({ n: count() })
        .from(flags)
        .where(and(eq(flags.userId, input.userId), eq(flags.status, 'pending')))
        .get()?.n ?? 0
    if (open >= MAX_OPEN_FLAGS) {
      throw new ConflictError(`You have ${MAX_OPEN_FLAGS} flags waiting for review. You can flag again once moderators have handled some.`)
    }
    tx.insert(flags)
      .values({
        userId: input.userId,
        targetType: input.target.type,
        targetId: input.target.id,
        reason: input.reason,
        text: input.text?.trim() ?? '',
        createdAt: now,
      })
      .run()
    // One flag per member per post (a unique index), so pending rows are distinct members.
    const pending = countPendingFlags(tx, input.target)
    const hidden = pending >= AUTO_HIDE_FLAGS
    if (hidden)
      setPostState(tx, input.target, {
        hiddenAt: now,
        hiddenReason: 'flags',
      })
    return { pending, hidden }
  })
}

function countPendingFlags(tx: Db | Tx, target: PostRef) {
  return (
    tx
      .select({ n: count() })
      .from(flags)
      .where(and(eq(flags.targetType, target.type), eq(flags.targetId, target.id), eq(flags.status, 'pending')))
      .get()?.n ?? 0
  )
}

/** Whether the member already flagged these posts (for the flag control), in one query. */
export function flaggedByViewer(db: Db, userId: number, refs: PostRef[]) {
  if (!refs.length) return new Set<string>()
  const rows = prepared(db, flaggedAmongQuery).all({ userId, keys: jsonList(refs.map(postKey)) })
  return new Set(rows.map((r) => postKey({ type: r.targetType, id: r.targetId })))
}

/** The member's flags among posts given as postKey()s (a jsonList), through flags_one_per_user_target. */
const flaggedAmongQuery = (db: Db | Tx) =>
  db
    .select({ targetType: flags.targetType, targetId: flags.targetId })
    .from(flags)
    .where(and(eq(flags.userId, sql.placeholder('userId')), inJsonList(sql`${flags.targetType} || ':' || ${flags.targetId}`, 'keys')))
    .prepare()

// ---------------------------------------------------------------------------------------------
// The review queue
// ---------------------------------------------------------------------------------------------

export type AuthorHistory = {
  userId: number
  username: string
  displayName: string
  posts: number
  flagsAccepted: number
  flagsRejected: number
  suspendedUntil: Date | null
}

/** Counts of posts and of decided flags against each author: a fixed number of grouped queries. */
export function authorHistories(db: Db, authorIds: number[]): Map<number, AuthorHistory> {
  const result = new Map<number, AuthorHistory>()
  if (!authorIds.length) return result
  for (const u of db
    .select({
      userId: users.id,
      username: users.username,
      displayName: users.displayName,
      suspendedUntil: users.suspendedUntil,
    })
    .from(users)
    .where(inArray(users.id, authorIds))
    .all()) {
    result.set(u.userId, {
      ...u,
      posts: 0,
      flagsAccepted: 0,
      flagsRejected: 0,
    })
  }
  const tables = [
    ['idea', ideas],
    ['question', questions],
    ['answer', answers],
    ['comment', comments],
  ] as const
  for (const [type, table] of tables) {
    for (const row of db
      .select({ authorId: table.authorId, n: count() })
      .from(table)
      .where(inArray(table.authorId, authorIds))
      .groupBy(table.authorId)
      .all()) {
      const h = result.get(row.authorId)
      if (h) h.posts += row.n
    }
    for (const row of db
      .select({ authorId: table.authorId, status: flags.status, n: count() })
      .from(flags)
      .innerJoin(table, and(eq(flags.targetType, type), eq(flags.targetId, table.id)))
      .where(and(inArray(table.authorId, authorIds), inArray(flags.status, ['accepted', 'rejected'])))
      .groupBy(table.authorId, flags.status)
      .all()) {
      const h = result.get(row.authorId)
      if (!h) continue
      if (row.status === 'accepted') h.flagsAccepted += row.n
      else h.flagsRejected += row.n
    }
  }
  return result
}

/**
 * The flag queue: posts with pending flags, the longest-waiting first (by their oldest pending
 * flag), each with its flags and its author's history. Bounded to one page of posts.
 */
export function listFlagQueue(db: Db, { limit = FLAG_QUEUE_PAGE_SIZE }: { limit?: number } = {}) {
  const groups = db
    .select({
      targetType: flags.targetType,
      targetId: flags.targetId,
      firstAt: min(flags.createdAt),
      n: count(),
    })
    .from(flags)
    .where(eq(flags.status, 'pending'))
    .groupBy(flags.targetType, flags.targetId)
    .orderBy(asc(min(flags.createdAt)), asc(flags.targetType), asc(flags.targetId))
    .limit(limit + 1)
    .all()
  const hasMore = groups.length > limit
  const shown = groups.slice(0, limit)
  const refs = shown.map((g) => ({ type: g.targetType, id: g.targetId }))
  const posts = loadPosts(db, refs)
  const flagRows = refs.length
    ? db
        .select({
          id: flags.id,
          targetType: flags.targetType,
          targetId: flags.targetId,
          reason: flags.reason,
          text: flags.text,
          createdAt: flags.createdAt,
          flaggerName: users.displayName,
          flaggerUsername: users.username,
        })
        .from(flags)
        .innerJoin(users, eq(users.id, flags.userId))
        .where(and(eq(flags.status, 'pending'), or(...refs.map((r) => and(eq(flags.targetType, r.type), eq(flags.targetId, r.id))))))
        .orderBy(asc(flags.createdAt), asc(flags.id))
        .all()
    : []
  const histories = authorHistories(db, [...new Set([...posts.values()].map((p) => p.authorId))])
  const items = refs.flatMap((ref) => {
    const post = posts.get(postKey(ref))
    if (!post) return []
    return [
      {
        key: postKey(ref),
        post,
        flags: flagRows.filter((f) => f.targetType === ref.type && f.targetId === ref.id),
        author: histories.get(post.authorId) ?? null,
      },
    ]
  })
  return { items, hasMore }
}

export function countPendingFlagPosts(db: Db) {
  return (
    db
      .select({
        n: sql<number>`count(distinct ${flags.targetType} || ':' || ${flags.targetId})`,
      })
      .from(flags)
      .where(eq(flags.status, 'pending'))
      .get()?.n ?? 0
  )
}

/** Posts held by pre-moderation (ideas, questions, answers), oldest first, bounded. */
export function listPendingPosts(db: Db, { limit = FLAG_QUEUE_PAGE_SIZE }: { limit?: number } = {}) {
  // The oldest held posts of one type (its hidden_reason is in the posts' own table).
  const heldOf = <T extends 'idea' | 'question' | 'answer'>(type: T, table: typeof ideas | typeof questions | typeof answers) =>
    db
      .select({ id: table.id, at: table.createdAt })
      .from(table)
      .where(and(eq(table.hiddenReason, 'premoderation'), isNotNull(table.hiddenAt), isNull(table.deletedAt)))
      .orderBy(asc(table.createdAt))
      .limit(limit)
      .all()
      .map((r) => ({ type, ...r }))
  const refs: PostRef[] = [...heldOf('idea', ideas), ...heldOf('question', questions), ...heldOf('answer', answers)]
    .sort((a, b) => a.at.getTime() - b.at.getTime())
    .slice(0, limit)
  const posts = loadPosts(db, refs)
  const histories = authorHistories(db, [...new Set([...posts.values()].map((p) => p.authorId))])
  return refs.flatMap((ref) => {
    const post = posts.get(postKey(ref))
    return post
      ? [
          {
            key: postKey(ref),
            post,
            author: histories.get(post.authorId) ?? null,
          },
        ]
      : []
  })
}

// ---------------------------------------------------------------------------------------------
// Decisions
// ---------------------------------------------------------------------------------------------

export type FlagDecision = { decision: 'accept'; removal: 'hide' | 'delete'; spam: boolean } | { decision: 'reject' }

const stateOf = (post: Pick<PostState, 'hiddenAt' | 'hiddenReason' | 'deletedAt'>) => ({
  hidden: post.hiddenAt != null,
  hiddenReason: post.hiddenReason,
  deleted: post.deletedAt != null,
})

/** Charges the spam penalty on the post's author, at most once per post (an unreversed charge stands). */
export function chargeSpamPenalty(tx: Tx, post: PostState, actorId: number, now: Date) {
  const reversal = sql`(select 1 from reputation_events r where r.reverses_id = ${reputationEvents.id})`
  const standing = tx
    .select({ id: reputationEvents.id })
    .from(reputationEvents)
    .where(
      and(
        eq(reputationEvents.sourceType, post.type),
        eq(reputationEvents.sourceId, post.id),
        eq(reputationEvents.reason, 'post_removed_as_spam'),
        isNull(reputationEvents.reversesId),
        sql`not exists ${reversal}`,
      ),
    )
    .get()
  if (standing) return false
  recordReputation(tx, {
    userId: post.authorId,
    reason: 'post_removed_as_spam',
    source: { type: post.type, id: post.id },
    actorId,
    now,
  })
  return true
}

/** Gives back a standing spam penalty when a post is restored (whoever charged it). */
export function refundSpamPenalty(tx: Tx, post: PostRef, now: Date) {
  const charge = tx
    .select({ actorId: reputationEvents.actorId })
    .from(reputationEvents)
    .where(
      and(
        eq(reputationEvents.sourceType, post.type),
        eq(reputationEvents.sourceId, post.id),
        eq(reputationEvents.reason, 'post_removed_as_spam'),
        isNull(reputationEvents.reversesId),
      ),
    )
    .orderBy(desc(reputationEvents.id))
    .get()
  if (!charge) return null
  return reverseReputation(tx, {
    reason: 'post_removed_as_spam',
    source: post,
    actorId: charge.actorId,
    now,
  })
}

/**
 * A moderator decides the pending flags of one or more posts, in one transaction. Accept: the
 * flags are accepted and the post is hidden or deleted (optionally with the spam penalty on its
 * author). Reject: the flags are rejected and a post the flags had hidden is shown again. Each post
 * gets a log entry; flaggers hear the outcome. A post with no pending flag left is a 409.
 */
export function decideFlags(
  db: Db,
  input: {
    actorId: number
    targets: PostRef[]
    decision: FlagDecision
    /** With a bulk accept: the posts (`type:id`) that also get the spam penalty. */
    spamKeys?: ReadonlySet<string>
    reason?: string
    now?: Date
  },
) {
  const now = input.now ?? new Date()
  const { decision } = input
  return writeTransaction(db, (tx) => {
    const posts = loadPosts(tx, input.targets)
    for (const target of input.targets) {
      const post = posts.get(postKey(target))
      if (!post) throw new NotFoundError(target.type)
      const pending = tx
        .select({ id: flags.id, userId: flags.userId })
        .from(flags)
        .where(and(eq(flags.targetType, target.type), eq(flags.targetId, target.id), eq(flags.status, 'pending')))
        .all()
      if (!pending.length) throw new ConflictError(`The flags on “${post.title}” were already reviewed.`)
      const before = stateOf(post)
      tx.update(flags)
        .set({
          status: decision.decision === 'accept' ? 'accepted' : 'rejected',
          handledById: input.actorId,
          handledAt: now,
        })
        .where(
          inArray(
            flags.id,
            pending.map((f) => f.id),
          ),
        )
        .run()
      let after = before
      let penalty = false
      if (decision.decision === 'accept') {
        if (decision.removal === 'delete') {
          setPostState(tx, target, { deletedAt: post.deletedAt ?? now })
          after = { ...before, deleted: true }
        } else {
          setPostState(tx, target, {
            hiddenAt: post.hiddenAt ?? now,
            hiddenReason: 'moderator',
          })
          after = { ...before, hidden: true, hiddenReason: 'moderator' }
        }
        if (decision.spam || input.spamKeys?.has(postKey(target))) penalty = chargeSpamPenalty(tx, post, input.actorId, now)
      } else if (post.hiddenReason === 'flags') {
        setPostState(tx, target, { hiddenAt: null, hiddenReason: null })
        after = { ...before, hidden: false, hiddenReason: null }
      }
      logModeration(tx, {
        actorId: input.actorId,
        action: decision.decision === 'accept' ? 'accept_flags' : 'reject_flags',
        target,
        reason: input.reason ?? '',
        before,
        after: {
          ...after,
          flags: pending.length,
          ...(decision.decision === 'accept' ? { removal: decision.removal, spamPenalty: penalty } : {}),
        },
        now,
      })
      for (const flag of pending) {
        notifyUser(tx, flag.userId, {
          kind: 'flag_reviewed',
          subjectType: target.type,
          subjectId: target.id,
          actorId: input.actorId,
          title:
            decision.decision === 'accept' ? 'Thank you: a post you flagged was removed.' : 'A post you flagged was reviewed and kept.',
          url: decision.decision === 'accept' ? '/notifications' : post.url,
          now,
        })
      }
    }
    return { count: input.targets.length }
  })
}
