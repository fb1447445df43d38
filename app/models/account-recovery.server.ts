/**
 * Getting back into an account, and proving an e-mail address: e-mail verification links and
 * password reset links.
 *
 * Both are single-use links carrying a signed random token (newSignedAccountToken in
 * app/lib/email-token.server.ts: 256 random bits and an HMAC over them and the purpose). The
 * `account_tokens` row keeps only the token's SHA-256, its expiry and when it was used. The e-mail
 * that carries a link holds it in the outbox only until it is sent (the worker then removes the
 * body: email-worker.server.ts), so a copy of the database holds no working link for long.
 *
 * - Verification: a password sign-up starts unverified (users.email_verified_at null) and gets a
 *   link valid VERIFY_EMAIL_TTL_MS (48 h); "send the link again" replaces it, at most
 *   VERIFICATION_EMAIL_LIMIT an hour. While the `emailVerification` setting says so and site
 *   e-mail is on, an unverified member's ideas, questions and answers wait for review
 *   (holdsForPremoderation in moderation.server.ts); reading and voting are not affected.
 * - Password reset: asked for by e-mail address, with the same answer whether or not an account has
 *   it; limited per address typed and per IP address (PASSWORD_RESET_LIMIT, PASSWORD_RESET_IP_LIMIT).
 *   The link is valid RESET_PASSWORD_TTL_MS (1 h), and a newer one replaces any unused older one.
 *   Using it sets the new password (the sign-up rules), ends every session of the member and
 *   clears the failed log-ins counted against the account; the member then logs in with the new
 *   password through the log-in form, which applies the single sign-on policy like any other log-in.
 *   An admin can issue the same link from /admin/users/:id (logged), e-mail or not.
 *
 * Both e-mails go through the outbox (enqueueTransactionalEmail in email.server.ts): sent while site
 * e-mail is on, whatever the member's notification choices.
 */
import { createHash } from 'node:crypto'
import { and, eq, isNull, lt } from 'drizzle-orm'
import { accountTokens, sessions, users } from '#db/schema'
import { type AccountTokenPurpose } from '~/domain'
import { type Db, type Tx } from '~/lib/db.server'
import { hasValidAccountSignature, newSignedAccountToken } from '~/lib/email-token.server'
import { NotFoundError } from '~/lib/errors'
import { hashPassword, passwordProblem } from '~/lib/password.server'
import {
  clearHits,
  PASSWORD_RESET_IP_LIMIT,
  PASSWORD_RESET_LIMIT,
  recordHits,
  takeAttempt,
  VERIFICATION_EMAIL_LIMIT,
} from '~/lib/rate-limit.server'
import { enqueueTransactionalEmail, publicBaseUrl, siteNameOf } from './email.server'
import { logModeration } from './moderation-log.server'
import { getEmailSetting } from './settings.server'

const HOUR_MS = 60 * 60 * 1000
export const VERIFY_EMAIL_TTL_MS = 48 * HOUR_MS
export const RESET_PASSWORD_TTL_MS = 1 * HOUR_MS
/** Spent and expired rows are kept this long past their expiry, so an old link still says why it no longer works. */
const KEEP_AFTER_EXPIRY_MS = 7 * 24 * HOUR_MS

const TTL: Record<AccountTokenPurpose, number> = {
  'verify-email': VERIFY_EMAIL_TTL_MS,
  'reset-password': RESET_PASSWORD_TTL_MS,
}

/** The path of the page a token's link opens. */
export function accountLinkPath(purpose: AccountTokenPurpose, token: string) {
  return `/${purpose}/${token}`
}

/** The SHA-256 (hex) of a token: what the database keeps. */
export function accountTokenHash(token: string) {
  return createHash('sha256').update(token).digest('hex')
}

/**
 * A new token for the member, in the caller's transaction: older unused tokens of the same purpose
 * stop working (only the newest link counts), and rows long expired are pruned.
 */
function issueToken(tx: Tx, { userId, purpose, now }: { userId: number; purpose: AccountTokenPurpose; now: Date }) {
  tx.delete(accountTokens)
    .where(and(eq(accountTokens.userId, userId), eq(accountTokens.purpose, purpose), isNull(accountTokens.usedAt)))
    .run()
  tx.delete(accountTokens)
    .where(lt(accountTokens.expiresAt, new Date(now.getTime() - KEEP_AFTER_EXPIRY_MS)))
    .run()
  const token = newSignedAccountToken(purpose)
  const expiresAt = new Date(now.getTime() + TTL[purpose])
  tx.insert(accountTokens)
    .values({ purpose, userId, tokenHash: accountTokenHash(token), expiresAt, createdAt: now })
    .run()
  return { token, expiresAt }
}

export type TokenProblem = 'invalid' | 'expired' | 'used'
export type TokenCheck = { ok: true; userId: number; username: string; tokenId: number } | { ok: false; reason: TokenProblem }

/**
 * What a link's token is worth now, without spending it: 'invalid' (forged, mistyped, replaced by a
 * newer link, or its account deleted), 'used' or 'expired'.
 */
export function checkAccountToken(db: Db | Tx, purpose: AccountTokenPurpose, token: string, now = new Date()): TokenCheck {
  if (!hasValidAccountSignature(purpose, token)) return { ok: false, reason: 'invalid' }
  const row = db
    .select({
      id: accountTokens.id,
      userId: accountTokens.userId,
      expiresAt: accountTokens.expiresAt,
      usedAt: accountTokens.usedAt,
      username: users.username,
      deletedAt: users.deletedAt,
    })
    .from(accountTokens)
    .innerJoin(users, eq(users.id, accountTokens.userId))
    .where(and(eq(accountTokens.tokenHash, accountTokenHash(token)), eq(accountTokens.purpose, purpose)))
    .get()
  if (!row || row.deletedAt) return { ok: false, reason: 'invalid' }
  if (row.usedAt) return { ok: false, reason: 'used' }
  if (row.expiresAt.getTime() <= now.getTime()) return { ok: false, reason: 'expired' }
  return { ok: true, userId: row.userId, username: row.username, tokenId: row.id }
}

/** Spends a checked token, in the transaction that acts on it. */
function spendToken(tx: Tx, tokenId: number, now: Date) {
  tx.update(accountTokens).set({ usedAt: now }).where(eq(accountTokens.id, tokenId)).run()
}

// ---------------------------------------------------------------------------------------------
// E-mail verification
// ---------------------------------------------------------------------------------------------

function verificationEmail(siteName: string, username: string, url: string) {
  return {
    subject: 'Confirm your e-mail address',
    bodyText: [
      `Hello ${username},`,
      '',
      `Please confirm that this address is yours on ${siteName}. Open this link and press the button:`,
      '',
      url,
      '',
      'The link works once, within 48 hours.',
      `If you did not sign up on ${siteName}, ignore this e-mail.`,
    ].join('\n'),
  }
}

export type VerificationSent = 'sent' | 'already-verified' | 'email-off'

/**
 * Queues a new verification link for the member (the sign-up sends the first one); a link sent
 * before stops working. Nothing happens while site e-mail is off, or when the address is verified.
 * Counts against the member's VERIFICATION_EMAIL_LIMIT, which only "send the link again" checks.
 */
export function sendEmailVerification(db: Db, { userId, now = new Date() }: { userId: number; now?: Date }): VerificationSent {
  const outcome = db.transaction(
    (tx): VerificationSent => {
      const member = tx
        .select({ email: users.email, username: users.username, verifiedAt: users.emailVerifiedAt })
        .from(users)
        .where(and(eq(users.id, userId), isNull(users.deletedAt)))
        .get()
      if (!member) throw new NotFoundError('member')
      if (member.verifiedAt) return 'already-verified'
      if (!getEmailSetting(tx).enabled) return 'email-off'
      const { token } = issueToken(tx, { userId, purpose: 'verify-email', now })
      const url = `${publicBaseUrl()}${accountLinkPath('verify-email', token)}`
      enqueueTransactionalEmail(tx, {
        userId,
        toAddress: member.email,
        kind: 'verify_email',
        now,
        ...verificationEmail(siteNameOf(tx), member.username, url),
      })
      return 'sent'
    },
    { behavior: 'immediate' },
  )
  if (outcome === 'sent') recordHits(db, [`verify:user:${userId}`], now)
  return outcome
}

/** "Send the link again": at most VERIFICATION_EMAIL_LIMIT an hour per member, else RateLimitedError (429). */
export function resendEmailVerification(db: Db, { userId, now = new Date() }: { userId: number; now?: Date }): VerificationSent {
  const member = db.select({ verifiedAt: users.emailVerifiedAt }).from(users).where(eq(users.id, userId)).get()
  if (!member) throw new NotFoundError('member')
  if (member.verifiedAt) return 'already-verified'
  if (!getEmailSetting(db).enabled) return 'email-off'
  const key = `verify:user:${userId}`
  // Checks the window and counts this request in one transaction; the sending counts nothing more.
  takeAttempt(db, [{ key, rule: VERIFICATION_EMAIL_LIMIT, message: 'You asked for several verification links already.' }], now)
  return db.transaction(
    (tx): VerificationSent => {
      const row = tx.select({ email: users.email, username: users.username }).from(users).where(eq(users.id, userId)).get()!
      const { token } = issueToken(tx, { userId, purpose: 'verify-email', now })
      const url = `${publicBaseUrl()}${accountLinkPath('verify-email', token)}`
      enqueueTransactionalEmail(tx, {
        userId,
        toAddress: row.email,
        kind: 'verify_email',
        now,
        ...verificationEmail(siteNameOf(tx), row.username, url),
      })
      return 'sent'
    },
    { behavior: 'immediate' },
  )
}

/** Spends a verification link and marks the member's address verified. */
export function verifyEmail(
  db: Db,
  { token, now = new Date() }: { token: string; now?: Date },
): { ok: true; userId: number } | { ok: false; reason: TokenProblem } {
  return db.transaction(
    (tx) => {
      const check = checkAccountToken(tx, 'verify-email', token, now)
      if (!check.ok) return check
      spendToken(tx, check.tokenId, now)
      tx.update(users)
        .set({ emailVerifiedAt: now })
        .where(and(eq(users.id, check.userId), isNull(users.emailVerifiedAt)))
        .run()
      return { ok: true as const, userId: check.userId }
    },
    { behavior: 'immediate' },
  )
}

/** Whether the member's address is verified. */
export function isEmailVerified(db: Db | Tx, userId: number) {
  const row = db.select({ verifiedAt: users.emailVerifiedAt }).from(users).where(eq(users.id, userId)).get()
  if (!row) throw new NotFoundError('member')
  return row.verifiedAt != null
}

// ---------------------------------------------------------------------------------------------
// Password reset
// ---------------------------------------------------------------------------------------------

function resetEmail(siteName: string, username: string, url: string) {
  return {
    subject: 'Reset your password',
    bodyText: [
      `Hello ${username},`,
      '',
      `Someone, hopefully you, asked to reset the password of your account on ${siteName}. To choose a new password, open this link:`,
      '',
      url,
      '',
      'The link works once, within 1 hour. Choosing a new password logs you out everywhere.',
      'If you did not ask for this, ignore this e-mail: your password stays as it is.',
    ].join('\n'),
  }
}

/**
 * "Forgot your password?": queues a reset link to the account with this e-mail address, if there
 * is one and site e-mail is on. The caller answers the same whatever happened here, so nobody
 * learns whether an address has an account. Limited per address typed (whether or not it exists)
 * and per IP address, counted before the lookup; over a limit it throws RateLimitedError (429).
 */
export function requestPasswordReset(db: Db, { email, ip, now = new Date() }: { email: string; ip: string; now?: Date }) {
  const address = email.trim().toLowerCase()
  takeAttempt(
    db,
    [
      { key: `reset:address:${address}`, rule: PASSWORD_RESET_LIMIT, message: 'Several reset links were asked for this address already.' },
      { key: `reset:ip:${ip}`, rule: PASSWORD_RESET_IP_LIMIT, message: 'Too many password resets were asked from your network.' },
    ],
    now,
  )
  db.transaction(
    (tx) => {
      if (!getEmailSetting(tx).enabled) return
      const member = tx
        .select({ id: users.id, username: users.username, email: users.email })
        .from(users)
        .where(and(eq(users.email, address), isNull(users.deletedAt)))
        .get()
      if (!member) return
      const { token } = issueToken(tx, { userId: member.id, purpose: 'reset-password', now })
      const url = `${publicBaseUrl()}${accountLinkPath('reset-password', token)}`
      enqueueTransactionalEmail(tx, {
        userId: member.id,
        toAddress: member.email,
        kind: 'password_reset',
        now,
        ...resetEmail(siteNameOf(tx), member.username, url),
      })
    },
    { behavior: 'immediate' },
  )
}

/**
 * An admin issues a reset link for a member (from /admin/users/:id), to pass on by hand: it works
 * whether or not site e-mail is on, replaces any unused older link, and is logged as
 * 'issue_password_reset' (the token itself is never logged). Returns the token, shown once.
 */
export function issuePasswordResetLink(
  db: Db,
  { actorId, userId, reason = '', now = new Date() }: { actorId: number; userId: number; reason?: string; now?: Date },
) {
  return db.transaction(
    (tx) => {
      const member = tx
        .select({ id: users.id })
        .from(users)
        .where(and(eq(users.id, userId), isNull(users.deletedAt)))
        .get()
      if (!member) throw new NotFoundError('member')
      const issued = issueToken(tx, { userId, purpose: 'reset-password', now })
      logModeration(tx, {
        actorId,
        action: 'issue_password_reset',
        target: { type: 'user', id: userId },
        reason,
        after: { expiresAt: issued.expiresAt.toISOString() },
        now,
      })
      return { path: accountLinkPath('reset-password', issued.token), expiresAt: issued.expiresAt }
    },
    { behavior: 'immediate' },
  )
}

export type ResetResult =
  { ok: true; userId: number } | { ok: false; reason: TokenProblem } | { ok: false; field: 'password'; message: string }

/**
 * Sets a new password with a reset link. The password must pass the sign-up rules; it is hashed
 * before the write transaction, which checks the token again (two posts of one link: one wins),
 * spends it, stores the hash, ends every session of the member, drops their other unused reset
 * links and clears the failed log-ins counted against the account.
 */
export async function resetPassword(
  db: Db,
  { token, password, now = new Date() }: { token: string; password: string; now?: Date },
): Promise<ResetResult> {
  const first = checkAccountToken(db, 'reset-password', token, now)
  if (!first.ok) return first
  const member = db.select({ username: users.username, email: users.email }).from(users).where(eq(users.id, first.userId)).get()
  if (!member) return { ok: false, reason: 'invalid' }
  const problem = passwordProblem(password, member)
  if (problem) return { ok: false, field: 'password', message: problem }
  const passwordHash = await hashPassword(password)
  const result = db.transaction(
    (tx): ResetResult => {
      const check = checkAccountToken(tx, 'reset-password', token, now)
      if (!check.ok) return check
      spendToken(tx, check.tokenId, now)
      tx.update(users).set({ passwordHash, passwordChangedAt: now }).where(eq(users.id, check.userId)).run()
      tx.delete(sessions).where(eq(sessions.userId, check.userId)).run()
      tx.delete(accountTokens)
        .where(and(eq(accountTokens.userId, check.userId), eq(accountTokens.purpose, 'reset-password'), isNull(accountTokens.usedAt)))
        .run()
      return { ok: true, userId: check.userId }
    },
    { behavior: 'immediate' },
  )
  if (result.ok) clearHits(db, `login:account:${result.userId}`)
  return result
}
