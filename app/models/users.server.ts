/** Accounts: creation, lookup for login, and the member's own settings. */
import { and, desc, eq, gt, isNull, or, sql } from 'drizzle-orm'
import { companies, moderationLog, segments, users } from '#db/schema'
import { type Role } from '~/domain'
import { type Db, type Tx, writeTransaction } from '~/lib/db.server'
import { USERNAME_CHANGE_INTERVAL_DAYS } from '~/schemas/account'
import { ConflictError, NotFoundError } from '~/lib/errors'
import { renderMarkdown } from '~/lib/markdown.server'
import { hashPassword, passwordProblem, verifyAgainstDummy, verifyPassword } from '~/lib/password.server'
import {
  assertUnderLimit,
  clearHits,
  forgetAttempt,
  LOGIN_IP_LIMIT,
  LOGIN_LIMIT,
  passwordCheckLimit,
  recordHits,
  SIGNUP_LIMIT,
  takeAttempt,
} from '~/lib/rate-limit.server'
import { sendEmailVerification } from './account-recovery.server'
import { setMemberCompany } from './companies.server'
import { attachIdentity, hasPassword, JWT_ISSUER, passwordLoginRefusal } from './identities.server'
import { logModeration } from './moderation-log.server'
import { renameBreakGlass } from './settings.server'
import { queueMemberCreated } from './webhook-events.server'

export type NewAccount = {
  username: string
  email: string
  passwordHash: string
  displayName?: string
  role?: Role
  segmentId?: number | null
  createdAt?: Date
  /**
   * When the address was verified. Left out, the account counts as verified from its creation: an
   * admin, a script or an identity provider vouches for the address. A password sign-up passes null.
   */
  emailVerifiedAt?: Date | null
}

/** Creates an account. A taken username or e-mail is a ConflictError naming the field. */
export function createAccount(db: Db, account: NewAccount) {
  return writeTransaction(db, (tx) => {
    const created = insertAccount(tx, account)
    queueMemberCreated(tx, created.id, account.createdAt ?? new Date())
    return created
  })
}

/** The account row, in the caller's transaction: a taken username or e-mail is an AccountTakenError (409). */
function insertAccount(tx: Tx, account: NewAccount) {
  const username = account.username.toLowerCase()
  const email = account.email.toLowerCase()
  const taken = tx
    .select({ username: users.username, email: users.email })
    .from(users)
    .where(or(eq(users.username, username), eq(users.email, email)))
    .all()
  if (taken.some((u) => u.username === username)) throw new AccountTakenError('username', 'This username is taken.')
  if (taken.some((u) => u.email === email)) {
    throw new AccountTakenError('email', 'An account with this e-mail exists. Log in instead.')
  }
  return tx
    .insert(users)
    .values({
      username,
      email,
      passwordHash: account.passwordHash,
      displayName: account.displayName?.trim() || username,
      role: account.role ?? 'member',
      segmentId: account.segmentId ?? null,
      ...(account.createdAt ? { createdAt: account.createdAt } : {}),
      emailVerifiedAt: account.emailVerifiedAt === undefined ? (account.createdAt ?? new Date()) : account.emailVerifiedAt,
    })
    .returning({ id: users.id, username: users.username, role: users.role })
    .get()
}

/**
 * An admin creates a member (the API's POST /users), in one transaction: the account without a
 * password (they come in through single sign-on, or set a first password from their settings after
 * an SSO login), its role and segment, its company, and optionally the identity their company's
 * signed-JWT login will find them by (`externalId`, issuer JWT_ISSUER). member.created fires as for
 * any new account, and the staff log records who made it with which role, segment and company.
 * A taken username, e-mail or external id is a 409; a segment or company that does not exist is a
 * refusal naming the field.
 */
export function createMemberAccount(
  db: Db,
  input: {
    actorId: number
    username: string
    email: string
    displayName?: string
    role: Role
    segmentId: number | null
    companyId: number | null
    externalId: string | null
    now?: Date
  },
): { ok: true; id: number } | { ok: false; field: 'segment' | 'companyId'; message: string } {
  const now = input.now ?? new Date()
  return writeTransaction(db, (tx) => {
    if (input.segmentId != null && !tx.select({ id: segments.id }).from(segments).where(eq(segments.id, input.segmentId)).get()) {
      return { ok: false as const, field: 'segment' as const, message: 'No segment has this name.' }
    }
    if (input.companyId != null && !tx.select({ id: companies.id }).from(companies).where(eq(companies.id, input.companyId)).get()) {
      return { ok: false as const, field: 'companyId' as const, message: 'No company has this id.' }
    }
    const { id } = insertAccount(tx, { ...input, passwordHash: '', createdAt: now })
    if (input.companyId != null) setMemberCompany(tx, id, input.companyId)
    if (input.externalId != null) attachIdentity(tx, { userId: id, issuer: JWT_ISSUER, subject: input.externalId, now })
    queueMemberCreated(tx, id, now)
    logModeration(tx, {
      actorId: input.actorId,
      action: 'create_member',
      target: { type: 'user', id },
      after: { role: input.role, segmentId: input.segmentId, companyId: input.companyId },
      now,
    })
    return { ok: true as const, id }
  })
}

export class AccountTakenError extends ConflictError {
  constructor(
    readonly field: 'username' | 'email',
    message: string,
  ) {
    super(message)
  }
}

/** Usernames and e-mail addresses are stored lower-case; a login form may type either in any case. */
const normalizeIdentifier = (identifier: string) => identifier.trim().toLowerCase()

/** The account a login form names, by username or e-mail (either case). Deleted accounts cannot log in. */
export function findLoginAccount(db: Db, identifier: string) {
  const value = normalizeIdentifier(identifier)
  return (
    db
      .select({ id: users.id, username: users.username, role: users.role, passwordHash: users.passwordHash })
      .from(users)
      .where(and(or(eq(users.username, value), eq(users.email, value)), isNull(users.deletedAt)))
      .get() ?? null
  )
}

/** What the settings page shows the member about their own account. */
export function getAccountSettings(db: Db, userId: number) {
  const row = db
    .select({
      username: users.username,
      email: users.email,
      displayName: users.displayName,
      role: users.role,
      createdAt: users.createdAt,
      passwordChangedAt: users.passwordChangedAt,
      emailVerifiedAt: users.emailVerifiedAt,
      segment: segments.name,
    })
    .from(users)
    .leftJoin(segments, eq(segments.id, users.segmentId))
    .where(eq(users.id, userId))
    .get()
  if (!row) throw new NotFoundError('account')
  return row
}

/** Saves the public profile: the bio's Markdown is rendered and sanitized here, once, before the write. */
export function updateProfile(db: Db, userId: number, { displayName, bioMd }: { displayName: string; bioMd: string }) {
  const source = bioMd.trim()
  const bioHtml = source ? renderMarkdown(source) : ''
  db.update(users)
    .set({ displayName: displayName.trim() || sql`${users.username}`, bioMd: source, bioHtml })
    .where(eq(users.id, userId))
    .run()
}

export function findSegmentByName(db: Db, name: string) {
  return db.select({ id: segments.id }).from(segments).where(eq(segments.name, name)).get() ?? null
}

// ---------------------------------------------------------------------------------------------
// Logging in and signing up: password checks and durable rate limits around the account rows.
// ---------------------------------------------------------------------------------------------

/**
 * Checks a login. Every attempt is counted before the password is hashed, in one transaction that
 * first checks the limits (takeAttempt), so guesses sent all at once get at most the limit judged
 * and the rest a RateLimitedError (429) without any hashing. A right password takes its attempt back
 * and clears the account's failures.
 *
 * Two counters, 15-minute windows:
 * - per account (LOGIN_LIMIT, 10), keyed by the account's id, so its username and its e-mail address
 *   share the tries. An identifier that names no account counts under what was typed, costs the
 *   same hash and gets the same answers, so neither the timing nor the message tells whether an
 *   account exists.
 * - per address (LOGIN_IP_LIMIT, 100), against one address spraying a few guesses over many
 *   accounts. It is large because an office or a carrier's NAT puts many members behind one address.
 *
 * Shared NAT, decided: an address over its own limit is refused even with the right password for an
 * account that is under its limit. Judging that password would mean hashing it, and then the address
 * limit would stop nothing: a sprayer stays under every account's limit, so each guess would still
 * be judged and a right one let in. What keeps colleagues working is the size of the address limit
 * and that successes leave no hit there: only a hundred failures within 15 minutes, which is abuse
 * and not typos, close the address, and even then each account can still log in from elsewhere.
 */
export async function attemptLogin(
  db: Db,
  { identifier, password, ip, now = new Date() }: { identifier: string; password: string; ip: string; now?: Date },
): Promise<{ ok: true; userId: number } | { ok: false; refusal?: string }> {
  const account = findLoginAccount(db, identifier)
  const accountKey = account ? `login:account:${account.id}` : `login:identifier:${normalizeIdentifier(identifier)}`
  const attempt = takeAttempt(
    db,
    [
      { key: accountKey, rule: LOGIN_LIMIT, message: 'Too many failed log-in attempts for this account.' },
      { key: `login:ip:${ip}`, rule: LOGIN_IP_LIMIT, message: 'Too many failed log-in attempts from your network.' },
    ],
    now,
  )
  // An account made through single sign-on has no password: it costs the same hash and never matches.
  const valid = account && hasPassword(account) ? await verifyPassword(account.passwordHash, password) : await verifyAgainstDummy(password)
  if (!account || !valid) return { ok: false }
  forgetAttempt(db, attempt)
  clearHits(db, accountKey)
  // The right password, but the SSO policy wants this account to come in through its provider.
  const refusal = passwordLoginRefusal(db, account)
  if (refusal) return { ok: false, refusal }
  return { ok: true, userId: account.id }
}

export type SignupResult = { ok: true; userId: number } | { ok: false; field: 'username' | 'email' | 'password'; message: string }

/**
 * Creates a member account from the signup form (sign-ups are limited per IP address). The address
 * starts unverified, and a verification link is queued when site e-mail is on.
 */
export async function signUp(
  db: Db,
  input: { username: string; email: string; password: string; displayName?: string; ip: string; now?: Date },
): Promise<SignupResult> {
  const now = input.now ?? new Date()
  const ipKey = `signup:ip:${input.ip}`
  assertUnderLimit(db, [{ key: ipKey, rule: SIGNUP_LIMIT, message: 'Too many sign-ups from your network.' }], now)
  const problem = passwordProblem(input.password, { username: input.username, email: input.email })
  if (problem) return { ok: false, field: 'password', message: problem }
  recordHits(db, [ipKey], now)
  const passwordHash = await hashPassword(input.password)
  try {
    const account = createAccount(db, { ...input, passwordHash, role: 'member', createdAt: now, emailVerifiedAt: null })
    sendEmailVerification(db, { userId: account.id, now })
    return { ok: true, userId: account.id }
  } catch (error) {
    if (error instanceof AccountTakenError) return { ok: false, field: error.field, message: error.message }
    throw error
  }
}

/**
 * Checks the current password before a change; the new one must pass the password rules. Wrong
 * current passwords are limited like failed log-ins (passwordCheckLimit, shared with account
 * deletion), counted before the hash so parallel guesses get no more judged; over the limit it
 * throws RateLimitedError (429). The right one clears the count.
 */
export async function verifyPasswordChange(
  db: Db,
  { userId, currentPassword, newPassword, now = new Date() }: { userId: number; currentPassword: string; newPassword: string; now?: Date },
): Promise<{ ok: true } | { ok: false; field: 'currentPassword' | 'newPassword'; message: string }> {
  const row = db
    .select({ passwordHash: users.passwordHash, username: users.username, email: users.email })
    .from(users)
    .where(eq(users.id, userId))
    .get()
  if (!row) throw new NotFoundError('account')
  const limit = passwordCheckLimit(userId)
  takeAttempt(db, [limit], now)
  if (!(await verifyPassword(row.passwordHash, currentPassword))) {
    return { ok: false, field: 'currentPassword', message: 'Your current password is not right.' }
  }
  clearHits(db, limit.key)
  if (currentPassword === newPassword) return { ok: false, field: 'newPassword', message: 'Choose a password you have not used here.' }
  const problem = passwordProblem(newPassword, { username: row.username, email: row.email })
  return problem ? { ok: false, field: 'newPassword', message: problem } : { ok: true }
}

/** Whether the account can log in with a password (one made through single sign-on may have none). */
export function accountHasPassword(db: Db, userId: number) {
  const row = db.select({ passwordHash: users.passwordHash }).from(users).where(eq(users.id, userId)).get()
  if (!row) throw new NotFoundError('account')
  return hasPassword(row)
}

/**
 * Checks a first password for an account made through single sign-on (it has none to confirm). An
 * account that has one must change it with the current one instead (409).
 */
export function checkFirstPassword(db: Db, userId: number, newPassword: string): { ok: true } | { ok: false; message: string } {
  const row = db
    .select({ passwordHash: users.passwordHash, username: users.username, email: users.email })
    .from(users)
    .where(eq(users.id, userId))
    .get()
  if (!row) throw new NotFoundError('account')
  if (hasPassword(row)) throw new ConflictError('Your account has a password already. Change it on the settings page.')
  const problem = passwordProblem(newPassword, { username: row.username, email: row.email })
  return problem ? { ok: false, message: problem } : { ok: true }
}

/**
 * Changes the member's username (a name made from single sign-on claims, or one they outgrew):
 * at most once per USERNAME_CHANGE_INTERVAL_DAYS, logged in moderation_log (before/after), so the
 * old profile address keeps leading to the member (findRenamedUsername). A break-glass entry of
 * the SSO policy follows the rename in the same transaction.
 */
export function changeUsername(db: Db, { userId, username, now = new Date() }: { userId: number; username: string; now?: Date }) {
  const next = username.toLowerCase()
  return writeTransaction(db, (tx) => {
    const row = tx.select({ username: users.username }).from(users).where(eq(users.id, userId)).get()
    if (!row) throw new NotFoundError('account')
    if (row.username === next) return { changed: false as const }
    const since = new Date(now.getTime() - USERNAME_CHANGE_INTERVAL_DAYS * 86_400_000)
    const last = tx
      .select({ at: moderationLog.createdAt })
      .from(moderationLog)
      .where(
        and(
          eq(moderationLog.action, 'change_username'),
          eq(moderationLog.targetType, 'user'),
          eq(moderationLog.targetId, userId),
          gt(moderationLog.createdAt, since),
        ),
      )
      .orderBy(desc(moderationLog.createdAt))
      .get()
    if (last) {
      const again = new Date(last.at.getTime() + USERNAME_CHANGE_INTERVAL_DAYS * 86_400_000).toISOString().slice(0, 10)
      throw new ConflictError(`You changed your username recently. You can change it again on ${again}.`)
    }
    // A name someone used before stays theirs: their old links lead to them, and nobody can pose as them.
    const formerOwner = findRenamedUsernameIn(tx, next)
    if (
      tx.select({ id: users.id }).from(users).where(eq(users.username, next)).get() ||
      (formerOwner !== null && formerOwner !== row.username)
    ) {
      throw new AccountTakenError('username', 'This username is taken.')
    }
    tx.update(users).set({ username: next }).where(eq(users.id, userId)).run()
    tx.insert(moderationLog)
      .values({
        actorId: userId,
        action: 'change_username',
        targetType: 'user',
        targetId: userId,
        before: { username: row.username },
        after: { username: next },
        createdAt: now,
      })
      .run()
    renameBreakGlass(tx, row.username, next)
    return { changed: true as const }
  })
}

function findRenamedUsernameIn(tx: Db | Tx, oldUsername: string) {
  const renamed = tx
    .select({ userId: moderationLog.targetId })
    .from(moderationLog)
    .where(and(eq(moderationLog.action, 'change_username'), sql`json_extract(${moderationLog.before}, '$.username') = ${oldUsername}`))
    .orderBy(desc(moderationLog.createdAt), desc(moderationLog.id))
    .get()
  if (!renamed) return null
  const row = tx.select({ username: users.username, deletedAt: users.deletedAt }).from(users).where(eq(users.id, renamed.userId)).get()
  return row && !row.deletedAt ? row.username : null
}

/** The member's current username when `oldUsername` was theirs before a rename (for a redirect), else null. */
export function findRenamedUsername(db: Db, oldUsername: string) {
  return findRenamedUsernameIn(db, oldUsername.toLowerCase())
}
