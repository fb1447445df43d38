/**
 * One member as moderators see them (/admin/users/:userId): getUserRecord's account, recent posts,
 * flags raised and received, reputation ledger and the log of what staff did about them, with what
 * this viewer may change (role and segment for admins; the customer company, only for viewers who
 * may see companies, since it is contract knowledge).
 */
import { and, desc, eq, isNull } from 'drizzle-orm'
import { answers, comments, flags, ideas, questions, reputationEvents, segments, users } from '#db/schema'
import { type PostType } from '~/domain'
import { type Db } from '~/lib/db.server'
import { NotFoundError } from '~/lib/errors'
import { type Actor, check, isSuspended } from '~/lib/permissions'
import { getMemberCompany } from './companies.server'
import { listModerationLog } from './moderation-log.server'
import { listSegments } from './moderation.server'
import { loadPosts, postKey } from './posts.server'

/** The member's page for a viewer who may suspend members (the route checks that); NotFoundError for none. */
export function getAdminUserPageView(db: Db, viewer: Actor, userId: number) {
  const record = getUserRecord(db, userId)
  const mayChangeRole = check(viewer, 'change-role:user').ok
  // The member's company is staff-only contract knowledge: not in a moderator's page data at all.
  const mayViewCompany = check(viewer, 'view:companies').ok
  return {
    ...record,
    isSuspended: isSuspended({ suspendedUntil: record.user.suspendedUntil }),
    mayChangeRole,
    segments: mayChangeRole ? listSegments(db) : [],
    company: mayViewCompany ? { current: getMemberCompany(db, userId), mayChange: check(viewer, 'manage:companies').ok } : null,
    mayIssueResetLink: check(viewer, 'reset-password:user').ok,
  }
}

const RECENT = 20

/** What a moderator sees about one member: account, recent posts, flags raised and received, ledger, log. */
export function getUserRecord(db: Db, userId: number) {
  const user = db
    .select({
      id: users.id,
      username: users.username,
      displayName: users.displayName,
      email: users.email,
      role: users.role,
      segmentId: users.segmentId,
      segment: segments.name,
      reputation: users.reputation,
      createdAt: users.createdAt,
      suspendedUntil: users.suspendedUntil,
      suspensionReason: users.suspensionReason,
    })
    .from(users)
    .leftJoin(segments, eq(segments.id, users.segmentId))
    .where(and(eq(users.id, userId), isNull(users.deletedAt)))
    .get()
  if (!user) throw new NotFoundError('member')
  const recent = (table: typeof ideas | typeof questions | typeof answers | typeof comments, type: PostType) =>
    db
      .select({ id: table.id, createdAt: table.createdAt })
      .from(table)
      .where(eq(table.authorId, userId))
      .orderBy(desc(table.createdAt), desc(table.id))
      .limit(RECENT)
      .all()
      .map((r) => ({ type, ...r }))
  const postRefs = [recent(ideas, 'idea'), recent(questions, 'question'), recent(answers, 'answer'), recent(comments, 'comment')]
    .flat()
    .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || b.id - a.id)
    .slice(0, RECENT)
  const postsById = loadPosts(db, postRefs)
  const posts = postRefs.flatMap((ref) => postsById.get(postKey(ref)) ?? [])
  const flagsRaised = db
    .select({
      id: flags.id,
      targetType: flags.targetType,
      targetId: flags.targetId,
      reason: flags.reason,
      status: flags.status,
      createdAt: flags.createdAt,
    })
    .from(flags)
    .where(eq(flags.userId, userId))
    .orderBy(desc(flags.createdAt), desc(flags.id))
    .limit(RECENT)
    .all()
  const received = (table: typeof ideas | typeof questions | typeof answers | typeof comments, type: PostType) =>
    db
      .select({
        id: flags.id,
        targetType: flags.targetType,
        targetId: flags.targetId,
        reason: flags.reason,
        status: flags.status,
        createdAt: flags.createdAt,
      })
      .from(flags)
      .innerJoin(table, and(eq(flags.targetType, type), eq(flags.targetId, table.id)))
      .where(eq(table.authorId, userId))
      .orderBy(desc(flags.createdAt), desc(flags.id))
      .limit(RECENT)
      .all()
  const flagsReceived = [
    received(ideas, 'idea'),
    received(questions, 'question'),
    received(answers, 'answer'),
    received(comments, 'comment'),
  ]
    .flat()
    .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || b.id - a.id)
    .slice(0, RECENT)
  const ledger = db
    .select({
      id: reputationEvents.id,
      delta: reputationEvents.delta,
      reason: reputationEvents.reason,
      sourceType: reputationEvents.sourceType,
      sourceId: reputationEvents.sourceId,
      createdAt: reputationEvents.createdAt,
    })
    .from(reputationEvents)
    .where(eq(reputationEvents.userId, userId))
    .orderBy(desc(reputationEvents.createdAt), desc(reputationEvents.id))
    .limit(50)
    .all()
  const log = listModerationLog(db, {
    targetUserId: userId,
    pageSize: RECENT,
  }).items
  return { user, posts, flagsRaised, flagsReceived, ledger, log }
}
