/**
 * A member's own data: a copy of it to take away (JSON), and deleting the account (DESIGN,
 * "Privacy"). Deleting keeps the community's threads readable: the member's posts stay under
 * "Deleted member" or are removed, as they choose; either way the account row keeps only its id,
 * so votes, the ledger of others and moderation records still add up, and nothing in it says who
 * the member was.
 */
import { and, asc, eq, isNull } from 'drizzle-orm'
import {
  accountTokens,
  answers,
  comments,
  companies,
  emailOutbox,
  flags,
  ideaFollows,
  ideas,
  ideaVotes,
  notifications,
  postVotes,
  questions,
  reputationEvents,
  segments,
  sessions,
  suggestedEdits,
  userBadges,
  userIdentities,
  users,
} from '#db/schema'
import { type Db, writeTransaction } from '~/lib/db.server'
import { NotFoundError } from '~/lib/errors'
import { verifyPassword } from '~/lib/password.server'
import { passwordCheckLimit, takeAttempt } from '~/lib/rate-limit.server'
import { DELETED_MEMBER_NAME, DELETED_USERNAME_PREFIX } from '~/schemas/account'
import { readEmailPrefs } from './email.server'
import { hasPassword, removeIdentities } from './identities.server'
import { setPostState } from './posts.server'

/**
 * Everything Summit holds about the member that is theirs to see: the account (never the password
 * hash or session tokens), their posts with sources, votes, follows, ledger, badges, flags they
 * raised, suggested edits, notifications, and the single sign-on identities they log in with. Nothing about other members beyond the ids of the
 * posts involved; staff-only records (internal notes, the moderation log) are not the member's.
 * Their company appears as its id and external id only: its name, plan and revenue are the
 * customer's contract data, for staff.
 */
export function exportAccountData(db: Db, userId: number, now = new Date()) {
  const account = db
    .select({
      id: users.id,
      username: users.username,
      email: users.email,
      displayName: users.displayName,
      bio: users.bioMd,
      role: users.role,
      segment: segments.name,
      reputation: users.reputation,
      createdAt: users.createdAt,
      passwordChangedAt: users.passwordChangedAt,
      suspendedUntil: users.suspendedUntil,
      suspensionReason: users.suspensionReason,
      emailPrefs: users.emailPrefs,
    })
    .from(users)
    .leftJoin(segments, eq(segments.id, users.segmentId))
    .where(and(eq(users.id, userId), isNull(users.deletedAt)))
    .get()
  if (!account) throw new NotFoundError('account')
  const company =
    db
      .select({ id: companies.id, externalId: companies.externalId })
      .from(users)
      .innerJoin(companies, eq(companies.id, users.companyId))
      .where(eq(users.id, userId))
      .get() ?? null
  return {
    exportedAt: now.toISOString(),
    account: { ...account, emailPrefs: readEmailPrefs(account.emailPrefs) },
    company,
    // Who the member is at the identity providers they log in with: issuer and subject are theirs.
    identities: db
      .select({
        issuer: userIdentities.issuer,
        subject: userIdentities.subject,
        email: userIdentities.email,
        connectedAt: userIdentities.createdAt,
        lastLoginAt: userIdentities.lastLoginAt,
      })
      .from(userIdentities)
      .where(eq(userIdentities.userId, userId))
      .orderBy(userIdentities.id)
      .all(),
    ideas: db
      .select({
        id: ideas.id,
        title: ideas.title,
        body: ideas.bodyMd,
        status: ideas.status,
        createdAt: ideas.createdAt,
        hiddenAt: ideas.hiddenAt,
        deletedAt: ideas.deletedAt,
      })
      .from(ideas)
      .where(eq(ideas.authorId, userId))
      .orderBy(asc(ideas.id))
      .all(),
    questions: db
      .select({
        id: questions.id,
        title: questions.title,
        body: questions.bodyMd,
        status: questions.status,
        createdAt: questions.createdAt,
        hiddenAt: questions.hiddenAt,
        deletedAt: questions.deletedAt,
      })
      .from(questions)
      .where(eq(questions.authorId, userId))
      .orderBy(asc(questions.id))
      .all(),
    answers: db
      .select({
        id: answers.id,
        questionId: answers.questionId,
        body: answers.bodyMd,
        isAccepted: answers.isAccepted,
        createdAt: answers.createdAt,
        hiddenAt: answers.hiddenAt,
        deletedAt: answers.deletedAt,
      })
      .from(answers)
      .where(eq(answers.authorId, userId))
      .orderBy(asc(answers.id))
      .all(),
    comments: db
      .select({
        id: comments.id,
        on: comments.targetType,
        postId: comments.targetId,
        body: comments.bodyMd,
        createdAt: comments.createdAt,
        hiddenAt: comments.hiddenAt,
        deletedAt: comments.deletedAt,
      })
      .from(comments)
      .where(eq(comments.authorId, userId))
      .orderBy(asc(comments.id))
      .all(),
    ideaVotes: db
      .select({ ideaId: ideaVotes.ideaId, createdAt: ideaVotes.createdAt })
      .from(ideaVotes)
      .where(eq(ideaVotes.userId, userId))
      .orderBy(asc(ideaVotes.createdAt))
      .all(),
    postVotes: db
      .select({ on: postVotes.targetType, postId: postVotes.targetId, value: postVotes.value, createdAt: postVotes.createdAt })
      .from(postVotes)
      .where(eq(postVotes.userId, userId))
      .orderBy(asc(postVotes.createdAt))
      .all(),
    follows: db.select({ ideaId: ideaFollows.ideaId }).from(ideaFollows).where(eq(ideaFollows.userId, userId)).all(),
    reputation: db
      .select({
        reason: reputationEvents.reason,
        delta: reputationEvents.delta,
        on: reputationEvents.sourceType,
        postId: reputationEvents.sourceId,
        createdAt: reputationEvents.createdAt,
      })
      .from(reputationEvents)
      .where(eq(reputationEvents.userId, userId))
      .orderBy(asc(reputationEvents.id))
      .all(),
    badges: db
      .select({ badge: userBadges.badge, createdAt: userBadges.createdAt })
      .from(userBadges)
      .where(eq(userBadges.userId, userId))
      .orderBy(asc(userBadges.id))
      .all(),
    flagsRaised: db
      .select({
        on: flags.targetType,
        postId: flags.targetId,
        reason: flags.reason,
        text: flags.text,
        status: flags.status,
        createdAt: flags.createdAt,
      })
      .from(flags)
      .where(eq(flags.userId, userId))
      .orderBy(asc(flags.id))
      .all(),
    suggestedEdits: db
      .select({
        on: suggestedEdits.targetType,
        postId: suggestedEdits.targetId,
        title: suggestedEdits.title,
        body: suggestedEdits.bodyMd,
        status: suggestedEdits.status,
        createdAt: suggestedEdits.createdAt,
      })
      .from(suggestedEdits)
      .where(eq(suggestedEdits.authorId, userId))
      .orderBy(asc(suggestedEdits.id))
      .all(),
    notifications: db
      .select({
        kind: notifications.kind,
        title: notifications.title,
        url: notifications.url,
        readAt: notifications.readAt,
        createdAt: notifications.createdAt,
      })
      .from(notifications)
      .where(eq(notifications.userId, userId))
      .orderBy(asc(notifications.id))
      .all(),
  }
}

export type DeleteAccountResult = { ok: true } | { ok: false; field: 'password' | 'confirmUsername'; message: string }

/**
 * Deletes the member's account after checking their password (wrong ones are limited like failed
 * log-ins), in one transaction:
 * - `removePosts`: their ideas, questions, answers and comments are deleted too (soft, as a
 *   moderator's delete: counts move, threads lose them); otherwise they stay, shown as written by
 *   "Deleted member";
 * - the account row is emptied: username and e-mail become `deleted-<id>`, name, bio, segment,
 *   company and e-mail choices are cleared, the password can never match again;
 * - every session, notification, follow, badge, unsent e-mail and sign-in identity of theirs goes
 *   (a later single sign-on then makes a fresh account). Their company stays, one member fewer.
 * Votes stay, without a name (counts and others' reputation are not rewritten); the ledger and
 * moderation records stay, tied to the emptied row.
 */
export async function deleteAccount(
  db: Db,
  {
    userId,
    password,
    confirmUsername,
    removePosts,
    now = new Date(),
  }: { userId: number; password: string; confirmUsername?: string; removePosts: boolean; now?: Date },
): Promise<DeleteAccountResult> {
  const row = db
    .select({ passwordHash: users.passwordHash, username: users.username })
    .from(users)
    .where(and(eq(users.id, userId), isNull(users.deletedAt)))
    .get()
  if (!row) throw new NotFoundError('account')
  if (!hasPassword(row)) {
    // An account made through single sign-on has no password to confirm with: typing its username
    // is the deliberate step instead (the session itself came from the identity provider).
    if ((confirmUsername ?? '').trim().toLowerCase() !== row.username) {
      return { ok: false, field: 'confirmUsername', message: `Type your username, ${row.username}, to confirm.` }
    }
  } else {
    // Wrong passwords count like failed log-ins (10 per 15 minutes, shared with changing the password),
    // so a borrowed session cannot guess. Counted before the hash: guesses sent at once get no more.
    takeAttempt(db, [passwordCheckLimit(userId)], now)
    if (!(await verifyPassword(row.passwordHash, password))) {
      return { ok: false, field: 'password', message: 'That is not your password.' }
    }
  }
  writeTransaction(db, (tx) => {
    if (removePosts) {
      const refs = [
        ...tx
          .select({ id: ideas.id })
          .from(ideas)
          .where(and(eq(ideas.authorId, userId), isNull(ideas.deletedAt)))
          .all()
          .map((r) => ({ type: 'idea' as const, id: r.id })),
        ...tx
          .select({ id: questions.id })
          .from(questions)
          .where(and(eq(questions.authorId, userId), isNull(questions.deletedAt)))
          .all()
          .map((r) => ({ type: 'question' as const, id: r.id })),
        ...tx
          .select({ id: answers.id })
          .from(answers)
          .where(and(eq(answers.authorId, userId), isNull(answers.deletedAt)))
          .all()
          .map((r) => ({ type: 'answer' as const, id: r.id })),
        ...tx
          .select({ id: comments.id })
          .from(comments)
          .where(and(eq(comments.authorId, userId), isNull(comments.deletedAt)))
          .all()
          .map((r) => ({ type: 'comment' as const, id: r.id })),
      ]
      for (const ref of refs) setPostState(tx, ref, { deletedAt: now })
    }
    tx.update(users)
      .set({
        username: `${DELETED_USERNAME_PREFIX}${userId}`,
        email: `${DELETED_USERNAME_PREFIX}${userId}@deleted.invalid`,
        // Not an argon2 hash: no password ever verifies against it.
        passwordHash: '!deleted',
        displayName: DELETED_MEMBER_NAME,
        bioMd: '',
        bioHtml: '',
        segmentId: null,
        companyId: null,
        emailPrefs: {},
        suspensionReason: null,
        deletedAt: now,
      })
      .where(eq(users.id, userId))
      .run()
    tx.delete(sessions).where(eq(sessions.userId, userId)).run()
    tx.delete(accountTokens).where(eq(accountTokens.userId, userId)).run()
    tx.delete(notifications).where(eq(notifications.userId, userId)).run()
    tx.delete(ideaFollows).where(eq(ideaFollows.userId, userId)).run()
    tx.delete(emailOutbox).where(eq(emailOutbox.userId, userId)).run()
    tx.delete(userBadges).where(eq(userBadges.userId, userId)).run()
    removeIdentities(tx, userId)
  })
  return { ok: true }
}
