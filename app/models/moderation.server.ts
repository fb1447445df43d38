/**
 * What moderators do: to posts (hide, restore, delete, lock, unlock, move, pre-moderation
 * decisions) and to members (search, suspension, role and segment; their record is in
 * admin-user-page.server.ts). Each action writes its entry in the moderation log
 * (moderation-log.server.ts) in the same transaction.
 */
import { and, count, desc, eq, isNull, lt, or, sql } from 'drizzle-orm'
import { answers, categories, flags, ideas, questions, segments, users } from '#db/schema'
import { type PostAction, type Role } from '~/domain'
import { type Db, type Tx, writeTransaction } from '~/lib/db.server'
import { ConflictError, ForbiddenError, NotFoundError } from '~/lib/errors'
import { containsPattern } from '~/lib/like.server'
import { type Cursor, toPage } from '~/lib/pagination.server'
import { roleRank } from '~/lib/permissions'
import { isNewMember } from '~/lib/rate-limit.server'
import { refundSpamPenalty } from './flags.server'
import { notifyMentions } from './mentions.server'
import { notifyUser } from './notifications.server'
import { loadPost, type PostRef, postText, type PostState, setPostState } from './posts.server'
import { logModeration } from './moderation-log.server'
import { getEmailSetting, getEmailVerificationSetting, getPremoderation } from './settings.server'

// ---------------------------------------------------------------------------------------------
// Post actions: hide, restore, delete, lock, unlock, move category, pre-moderation decisions
// ---------------------------------------------------------------------------------------------

const postStateOf = (post: PostState) => ({
  hidden: post.hiddenAt != null,
  hiddenReason: post.hiddenReason,
  deleted: post.deletedAt != null,
  locked: post.lockedAt != null,
})

/**
 * A moderator hides, restores, deletes (softly), locks or unlocks a post. Restoring shows a hidden
 * or deleted post again, rejects its pending flags and gives back a spam penalty. Only ideas and
 * questions lock (a lock covers their answers and comments). A no-op is a 409 that says why.
 */
export function moderatePost(
  db: Db,
  input: {
    actorId: number
    target: PostRef
    action: PostAction
    reason?: string
    now?: Date
  },
) {
  const now = input.now ?? new Date()
  const { target, action } = input
  return writeTransaction(db, (tx) => {
    const post = loadPost(tx, target)
    if (!post) throw new NotFoundError(target.type)
    const before = postStateOf(post)
    const lockable = target.type === 'idea' || target.type === 'question'
    switch (action) {
      case 'hide':
        if (post.deletedAt) throw new ConflictError('This post is deleted.')
        if (post.hiddenAt && post.hiddenReason === 'moderator') throw new ConflictError('This post is already hidden.')
        setPostState(tx, target, {
          hiddenAt: post.hiddenAt ?? now,
          hiddenReason: 'moderator',
        })
        break
      case 'restore':
        if (!post.hiddenAt && !post.deletedAt) throw new ConflictError('This post is already visible.')
        setPostState(tx, target, {
          hiddenAt: null,
          hiddenReason: null,
          deletedAt: null,
        })
        tx.update(flags)
          .set({
            status: 'rejected',
            handledById: input.actorId,
            handledAt: now,
          })
          .where(and(eq(flags.targetType, target.type), eq(flags.targetId, target.id), eq(flags.status, 'pending')))
          .run()
        refundSpamPenalty(tx, target, now)
        break
      case 'delete':
        if (post.deletedAt) throw new ConflictError('This post is already deleted.')
        setPostState(tx, target, { deletedAt: now })
        break
      case 'lock':
        if (!lockable) throw new ConflictError('Only ideas and questions can be locked; the lock covers their answers and comments.')
        if (post.lockedAt) throw new ConflictError('This post is already locked.')
        setPostState(tx, target, { lockedAt: now })
        break
      case 'unlock':
        if (!lockable) throw new ConflictError('Only ideas and questions can be locked.')
        if (!post.lockedAt) throw new ConflictError('This post is not locked.')
        setPostState(tx, target, { lockedAt: null })
        break
    }
    const after = postStateOf(loadPost(tx, target)!)
    logModeration(tx, {
      actorId: input.actorId,
      action: `${action}_post`,
      target,
      reason: input.reason ?? '',
      before,
      after,
      now,
    })
    return { post: { ...post, ...after } }
  })
}

/** A moderator moves an idea to another category (or none), logged with before and after. */
export function moveIdeaCategory(
  db: Db,
  input: {
    actorId: number
    ideaId: number
    categoryId: number | null
    reason?: string
    now?: Date
  },
) {
  const now = input.now ?? new Date()
  return writeTransaction(db, (tx) => {
    const idea = tx
      .select({ categoryId: ideas.categoryId })
      .from(ideas)
      .where(and(eq(ideas.id, input.ideaId), isNull(ideas.deletedAt)))
      .get()
    if (!idea) throw new NotFoundError('idea')
    if (input.categoryId != null && !tx.select({ id: categories.id }).from(categories).where(eq(categories.id, input.categoryId)).get()) {
      throw new NotFoundError('category')
    }
    if (idea.categoryId === input.categoryId) throw new ConflictError('The idea is already in that category.')
    tx.update(ideas).set({ categoryId: input.categoryId }).where(eq(ideas.id, input.ideaId)).run()
    logModeration(tx, {
      actorId: input.actorId,
      action: 'move_idea',
      target: { type: 'idea', id: input.ideaId },
      reason: input.reason ?? '',
      before: { categoryId: idea.categoryId },
      after: { categoryId: input.categoryId },
      now,
    })
  })
}

/**
 * A moderator decides a post held by pre-moderation: approving publishes it (it counts as new
 * activity, so it surfaces in the "active" lists); rejecting deletes it. The author is told.
 */
export function decidePendingPosts(
  db: Db,
  input: {
    actorId: number
    targets: PostRef[]
    approve: boolean
    reason?: string
    now?: Date
  },
) {
  const now = input.now ?? new Date()
  return writeTransaction(db, (tx) => {
    for (const target of input.targets) decideOne(tx, target)
  })
  function decideOne(tx: Tx, target: PostRef) {
    const post = loadPost(tx, target)
    if (!post || post.deletedAt) throw new NotFoundError(target.type)
    if (post.hiddenReason !== 'premoderation') throw new ConflictError('This post is not waiting for review.')
    const before = postStateOf(post)
    if (input.approve) {
      setPostState(tx, target, { hiddenAt: null, hiddenReason: null })
      if (target.type === 'idea') tx.update(ideas).set({ lastActivityAt: now }).where(eq(ideas.id, target.id)).run()
      if (target.type === 'question') tx.update(questions).set({ lastActivityAt: now }).where(eq(questions.id, target.id)).run()
      if (target.type === 'answer') {
        const answer = tx.select({ questionId: answers.questionId }).from(answers).where(eq(answers.id, target.id)).get()!
        tx.update(questions).set({ lastActivityAt: now }).where(eq(questions.id, answer.questionId)).run()
      }
      // Mentions in a held post are told now that it is public.
      if (target.type !== 'comment') {
        const text = postText(tx, { type: target.type, id: target.id })
        if (text) {
          notifyMentions(tx, {
            source: text.bodyMd,
            actorId: post.authorId,
            subjectType: target.type,
            subjectId: target.id,
            postTitle: text.topic,
            url: post.url,
            now,
          })
        }
      }
    } else {
      setPostState(tx, target, { deletedAt: now })
    }
    const after = postStateOf(loadPost(tx, target)!)
    logModeration(tx, {
      actorId: input.actorId,
      action: input.approve ? 'approve_post' : 'reject_post',
      target,
      reason: input.reason ?? '',
      before,
      after,
      now,
    })
    notifyUser(tx, post.authorId, {
      kind: 'post_reviewed',
      subjectType: target.type,
      subjectId: target.id,
      actorId: input.actorId,
      title: input.approve ? 'Your post was approved and is now public.' : 'Your post was not approved.',
      body: input.reason ?? '',
      url: input.approve ? post.url : '/notifications',
      now,
    })
  }
}

/**
 * Whether a new post by this member waits for review: pre-moderation is on, the member is new
 * (isNewMember) and has fewer than `firstPosts` ideas, questions and answers so far; or the member
 * has not verified their e-mail address, site e-mail is on (so the link can reach them) and the
 * `emailVerification` setting holds such posts (account-recovery.server.ts). Staff never wait.
 */
export function holdsForPremoderation(tx: Db | Tx, authorId: number, now = new Date()) {
  const setting = getPremoderation(tx)
  const holdUnverified = getEmailVerificationSetting(tx).holdUnverifiedPosts && getEmailSetting(tx).enabled
  if (!setting.enabled && !holdUnverified) return false
  const author = tx
    .select({
      role: users.role,
      reputation: users.reputation,
      createdAt: users.createdAt,
      emailVerifiedAt: users.emailVerifiedAt,
    })
    .from(users)
    .where(eq(users.id, authorId))
    .get()
  if (!author || author.role !== 'member') return false
  if (holdUnverified && author.emailVerifiedAt == null) return true
  if (!setting.enabled || !isNewMember(author, now)) return false
  const posted = (table: typeof ideas | typeof questions | typeof answers) =>
    tx.select({ n: count() }).from(table).where(eq(table.authorId, authorId)).get()?.n ?? 0
  return posted(ideas) + posted(questions) + posted(answers) < setting.firstPosts
}

// ---------------------------------------------------------------------------------------------
// Members: search, their record, suspension, role and segment
// ---------------------------------------------------------------------------------------------

export const USER_SEARCH_PAGE_SIZE = 25

/** Members whose username, display name or e-mail contains `query` (escaped LIKE), newest first, keyset paged. */
export function searchUsers(db: Db, input: { query: string; cursor?: Cursor | null; pageSize?: number }) {
  const pageSize = input.pageSize ?? USER_SEARCH_PAGE_SIZE
  const query = input.query.trim().toLowerCase().slice(0, 100)
  const pattern = containsPattern(query)
  const matches = query
    ? or(
        sql`lower(${users.username}) like ${pattern} escape '\\'`,
        sql`lower(${users.displayName}) like ${pattern} escape '\\'`,
        sql`${users.email} like ${pattern} escape '\\'`,
      )
    : undefined
  const rows = db
    .select({
      id: users.id,
      username: users.username,
      displayName: users.displayName,
      email: users.email,
      role: users.role,
      reputation: users.reputation,
      createdAt: users.createdAt,
      suspendedUntil: users.suspendedUntil,
    })
    .from(users)
    .where(and(isNull(users.deletedAt), matches, input.cursor ? lt(users.id, input.cursor.id) : undefined))
    .orderBy(desc(users.id))
    .limit(pageSize + 1)
    .all()
  return toPage(rows, pageSize, (row) => row.id)
}

export function listSegments(db: Db) {
  return db.select({ id: segments.id, name: segments.name }).from(segments).orderBy(segments.position, segments.id).all()
}

/** The member a staff action is about (not deleted), or a 404. */
function findMember(tx: Tx, userId: number) {
  const user = tx
    .select({
      id: users.id,
      role: users.role,
      segmentId: users.segmentId,
      suspendedUntil: users.suspendedUntil,
      suspensionReason: users.suspensionReason,
    })
    .from(users)
    .where(and(eq(users.id, userId), isNull(users.deletedAt)))
    .get()
  if (!user) throw new NotFoundError('member')
  return user
}

/** Suspends a member until `until` with a reason they see. Staff cannot suspend themselves or their equals. */
export function suspendUser(
  db: Db,
  input: {
    actor: { id: number; role: Role }
    userId: number
    until: Date
    reason: string
    now?: Date
  },
) {
  const now = input.now ?? new Date()
  if (input.until.getTime() <= now.getTime()) throw new ConflictError('Choose an end date in the future.')
  return writeTransaction(db, (tx) => {
    const user = findMember(tx, input.userId)
    if (user.id === input.actor.id) throw new ForbiddenError('You cannot suspend yourself.')
    if (roleRank(user.role) >= roleRank(input.actor.role)) throw new ForbiddenError('You can only suspend members below your own role.')
    tx.update(users).set({ suspendedUntil: input.until, suspensionReason: input.reason }).where(eq(users.id, user.id)).run()
    logModeration(tx, {
      actorId: input.actor.id,
      action: 'suspend_user',
      target: { type: 'user', id: user.id },
      reason: input.reason,
      before: { suspendedUntil: user.suspendedUntil?.toISOString() ?? null },
      after: { suspendedUntil: input.until.toISOString() },
      now,
    })
  })
}

export function unsuspendUser(
  db: Db,
  input: {
    actor: { id: number; role: Role }
    userId: number
    reason?: string
    now?: Date
  },
) {
  const now = input.now ?? new Date()
  return writeTransaction(db, (tx) => {
    const user = findMember(tx, input.userId)
    if (!user.suspendedUntil || user.suspendedUntil.getTime() <= now.getTime()) throw new ConflictError('This member is not suspended.')
    tx.update(users).set({ suspendedUntil: null, suspensionReason: null }).where(eq(users.id, user.id)).run()
    logModeration(tx, {
      actorId: input.actor.id,
      action: 'unsuspend_user',
      target: { type: 'user', id: user.id },
      reason: input.reason ?? '',
      before: {
        suspendedUntil: user.suspendedUntil.toISOString(),
        reason: user.suspensionReason,
      },
      after: { suspendedUntil: null },
      now,
    })
  })
}

/** An admin changes a member's role. The last admin cannot step down (409). */
export function changeUserRole(
  db: Db,
  input: {
    actor: { id: number; role: Role }
    userId: number
    role: Role
    reason?: string
    now?: Date
  },
) {
  const now = input.now ?? new Date()
  return writeTransaction(db, (tx) => {
    const user = findMember(tx, input.userId)
    if (user.role === input.role)
      throw new ConflictError(`This member is already ${input.role === 'admin' ? 'an admin' : `a ${input.role}`}.`)
    if (user.role === 'admin') {
      const admins =
        tx
          .select({ n: count() })
          .from(users)
          .where(and(eq(users.role, 'admin'), isNull(users.deletedAt)))
          .get()?.n ?? 0
      if (admins <= 1) throw new ConflictError('This is the last admin; make someone else an admin first.')
    }
    tx.update(users).set({ role: input.role }).where(eq(users.id, user.id)).run()
    logModeration(tx, {
      actorId: input.actor.id,
      action: 'change_role',
      target: { type: 'user', id: user.id },
      reason: input.reason ?? '',
      before: { role: user.role },
      after: { role: input.role },
      now,
    })
  })
}

export function changeUserSegment(
  db: Db,
  input: {
    actor: { id: number; role: Role }
    userId: number
    segmentId: number | null
    reason?: string
    now?: Date
  },
) {
  const now = input.now ?? new Date()
  return writeTransaction(db, (tx) => {
    const user = findMember(tx, input.userId)
    if (input.segmentId != null && !tx.select({ id: segments.id }).from(segments).where(eq(segments.id, input.segmentId)).get()) {
      throw new NotFoundError('segment')
    }
    if (user.segmentId === input.segmentId) throw new ConflictError('This member is already in that segment.')
    tx.update(users).set({ segmentId: input.segmentId }).where(eq(users.id, user.id)).run()
    logModeration(tx, {
      actorId: input.actor.id,
      action: 'change_segment',
      target: { type: 'user', id: user.id },
      reason: input.reason ?? '',
      before: { segmentId: user.segmentId },
      after: { segmentId: input.segmentId },
      now,
    })
  })
}

/** A member's current suspension (shown at login), or null. */
export function getSuspension(db: Db, userId: number, now = new Date()) {
  const row = db.select({ until: users.suspendedUntil, reason: users.suspensionReason }).from(users).where(eq(users.id, userId)).get()
  return row?.until && row.until.getTime() > now.getTime() ? { until: row.until, reason: row.reason ?? '' } : null
}
