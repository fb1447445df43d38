/**
 * Outside identities: members who come in through an OpenID provider or a signed JWT from the
 * company's own app, and the single sign-on policy for password log-ins.
 *
 * The rules, in one place:
 * - A login finds its member by the identity system's subject, (issuer, subject), never by e-mail alone.
 * - A first login creates the member, or joins an existing account only when that account itself
 *   asked for it (connecting from its settings: `linkUserId`), or when the provider is allowed to
 *   link by e-mail and says it verified the address. An unverified address that belongs to an
 *   account is refused with a 409: it never takes the account over.
 * - A provider's role is the least role its logins get: it raises, never lowers.
 */
import { and, eq, inArray, isNull, like, or, sql } from 'drizzle-orm'
import { moderationLog, oidcProviders, userIdentities, users } from '#db/schema'
import { type Role } from '~/domain'
import { type Db, type Tx, writeTransaction } from '~/lib/db.server'
import { ConflictError, DomainError, ForbiddenError } from '~/lib/errors'
import { isStaff, roleRank } from '~/lib/permissions'
import { DELETED_USERNAME_PREFIX } from '~/schemas/account'
import { type CompanyClaims, setMemberCompany, upsertCompanyFromClaims } from './companies.server'
import { listLoginProviders } from './oidc-providers.server'
import { getSsoPolicy } from './settings.server'
import { queueMemberCreated } from './webhook-events.server'

/** The issuer recorded for members identified by the company's own app (/sso/jwt). */
export const JWT_ISSUER = 'jwt'

/** Who the identity system says the person is: already verified by openid-client or jose. */
export type ExternalIdentity = {
  issuer: string
  subject: string
  providerId: number | null
  email: string | null
  emailVerified: boolean
  name: string | null
  preferredUsername: string | null
}

/** What a login through this source gives. */
export type IdentityPolicy = {
  /** Shown in messages: "Okta", "your company's app". */
  label: string
  role: Role
  segmentId: number | null
  linkVerifiedEmail: boolean
  /** The source is the system of record for name and e-mail (the JWT): later logins update them. */
  updateProfile?: boolean
}

export type IdentityLoginOptions = {
  /** A logged-in member connecting this identity to their own account from their settings. */
  linkUserId?: number | null
  /** The company the signed JWT names, created or updated with the login. */
  company?: CompanyClaims | null
  /** A segment id from the JWT's segment claim. */
  segmentId?: number | null
  now?: Date
}

export type IdentityLoginResult = { userId: number; created: boolean; linked: boolean }

/** A login the identity rules refuse, with a message the login page can show as it is. */
export class IdentityRefusedError extends DomainError {}

/**
 * Signs in (or connects) an outside identity, in one transaction: finds or creates the member,
 * records the identity, applies the source's role and segment, and the company of a JWT.
 */
export function signInWithIdentity(db: Db, identity: ExternalIdentity, policy: IdentityPolicy, options: IdentityLoginOptions = {}) {
  const now = options.now ?? new Date()
  const email = identity.email?.trim().toLowerCase() || null
  return writeTransaction(db, (tx): IdentityLoginResult => {
    const known = tx
      .select({ id: userIdentities.id, userId: userIdentities.userId, deletedAt: users.deletedAt })
      .from(userIdentities)
      .innerJoin(users, eq(users.id, userIdentities.userId))
      .where(and(eq(userIdentities.issuer, identity.issuer), eq(userIdentities.subject, identity.subject)))
      .get()
    let result: IdentityLoginResult
    if (known && !known.deletedAt) {
      if (options.linkUserId != null && options.linkUserId !== known.userId) {
        throw new ConflictError(`This ${policy.label} account is already connected to another Summit account.`)
      }
      tx.update(userIdentities)
        .set({ lastLoginAt: now, email, providerId: identity.providerId })
        .where(eq(userIdentities.id, known.id))
        .run()
      result = { userId: known.userId, created: false, linked: false }
      if (policy.updateProfile) updateFromIdentity(tx, known.userId, identity, email)
    } else {
      // An identity of a deleted account no longer leads anywhere: the next login starts afresh.
      if (known) tx.delete(userIdentities).where(eq(userIdentities.id, known.id)).run()
      result = attachOrCreate(tx, identity, policy, email, options.linkUserId ?? null, now)
      tx.insert(userIdentities)
        .values({
          userId: result.userId,
          providerId: identity.providerId,
          issuer: identity.issuer,
          subject: identity.subject,
          email,
          createdAt: now,
          lastLoginAt: now,
        })
        .run()
    }
    applyPolicy(tx, result.userId, policy, options.segmentId ?? null, now)
    if (result.created) queueMemberCreated(tx, result.userId, now)
    if (options.company) setMemberCompany(tx, result.userId, upsertCompanyFromClaims(tx, options.company, now))
    return result
  })
}

function attachOrCreate(
  tx: Tx,
  identity: ExternalIdentity,
  policy: IdentityPolicy,
  email: string | null,
  linkUserId: number | null,
  now: Date,
): IdentityLoginResult {
  if (linkUserId != null) {
    const account = tx
      .select({ id: users.id })
      .from(users)
      .where(and(eq(users.id, linkUserId), isNull(users.deletedAt)))
      .get()
    if (!account) throw new ForbiddenError('Log in again to connect an account.')
    return { userId: account.id, created: false, linked: true }
  }
  if (!email) {
    throw new IdentityRefusedError(`${policy.label} did not tell us your e-mail address, which Summit needs to make your account.`, 400)
  }
  const holder = tx.select({ id: users.id, deletedAt: users.deletedAt }).from(users).where(eq(users.email, email)).get()
  if (holder) {
    if (!holder.deletedAt && policy.linkVerifiedEmail && identity.emailVerified) return { userId: holder.id, created: false, linked: true }
    throw new IdentityRefusedError(
      `An account with the e-mail address ${email} already exists. Log in to it with your password, then connect ${policy.label} from your account settings.`,
      409,
    )
  }
  const username = uniqueUsername(tx, [identity.preferredUsername, email.split('@')[0], identity.name])
  const displayName = cleanDisplayName(identity.name) || username
  const userId = tx
    .insert(users)
    // The identity provider (or the company's own app) vouches for the address: no verification link.
    .values({
      username,
      email,
      passwordHash: '',
      displayName,
      role: policy.role,
      segmentId: policy.segmentId,
      createdAt: now,
      emailVerifiedAt: now,
    })
    .returning({ id: users.id })
    .get().id
  return { userId, created: true, linked: false }
}

/** Later JWT logins keep name and e-mail as the company's app says; an address another account holds is left alone. */
function updateFromIdentity(tx: Tx, userId: number, identity: ExternalIdentity, email: string | null) {
  const displayName = cleanDisplayName(identity.name)
  if (displayName) tx.update(users).set({ displayName }).where(eq(users.id, userId)).run()
  if (email) {
    const holder = tx.select({ id: users.id }).from(users).where(eq(users.email, email)).get()
    if (!holder) tx.update(users).set({ email }).where(eq(users.id, userId)).run()
  }
}

/** Raises the member to the source's role (logged), and gives its segment to a member who has none. */
function applyPolicy(tx: Tx, userId: number, policy: IdentityPolicy, segmentId: number | null, now: Date) {
  const user = tx.select({ role: users.role, segmentId: users.segmentId }).from(users).where(eq(users.id, userId)).get()
  if (!user) return
  if (roleRank(user.role) < roleRank(policy.role)) {
    tx.update(users).set({ role: policy.role }).where(eq(users.id, userId)).run()
    tx.insert(moderationLog)
      .values({
        actorId: userId,
        action: 'change_role',
        targetType: 'user',
        targetId: userId,
        reason: `Given by single sign-on through ${policy.label}`,
        before: { role: user.role },
        after: { role: policy.role },
        createdAt: now,
      })
      .run()
  }
  const segment = segmentId ?? (user.segmentId == null ? policy.segmentId : null)
  if (segment != null && segment !== user.segmentId) tx.update(users).set({ segmentId: segment }).where(eq(users.id, userId)).run()
}

/**
 * A display name from a claim, made to fit the profile form's rule (app/schemas/account.ts), so the
 * member can save their profile unchanged: whitespace collapsed, control and format characters and
 * angle brackets out, at most 50 characters. (Pages escape names anyway; this is about the rule.)
 */
export function cleanDisplayName(name: string | null | undefined) {
  return (name ?? '')
    .replace(/\s+/g, ' ')
    .replace(/[\p{Cc}\p{Cf}<>]/gu, '')
    .trim()
    .slice(0, 50)
    .trim()
}

/** A username made from a claim: ASCII letters, digits, - and _, 2 to 24 characters, or null. */
export function usernameFromClaim(value: string | null | undefined) {
  const base = (value ?? '')
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9_-]+/g, '-')
    .replace(/-{2,}/g, '-')
    .replace(/^[-_]+|[-_]+$/g, '')
    .slice(0, 24)
    .replace(/[-_]+$/g, '')
  if (base.length < 2 || base.startsWith(DELETED_USERNAME_PREFIX)) return null
  return base
}

/** The first usable candidate (preferred username, e-mail's local part, name), with the smallest free -2, -3 … suffix when taken. */
function uniqueUsername(tx: Tx, candidates: (string | null | undefined)[]) {
  const base = candidates.map(usernameFromClaim).find((c): c is string => c !== null) ?? 'member'
  if (!tx.select({ id: users.id }).from(users).where(eq(users.username, base)).get()) return base
  const taken = new Set(
    tx
      .select({ username: users.username })
      .from(users)
      .where(or(eq(users.username, base), like(users.username, `${base.replace(/[\\%_]/g, '\\$&')}-%`)))
      .all()
      .map((r) => r.username),
  )
  for (let n = 2; ; n++) {
    const name = `${base}-${n}`
    if (!taken.has(name)) return name
  }
}

/** The identities connected to an account, with their provider's label, for its settings page. */
export function listIdentities(db: Db, userId: number) {
  return db
    .select({
      id: userIdentities.id,
      issuer: userIdentities.issuer,
      email: userIdentities.email,
      providerId: userIdentities.providerId,
      label: oidcProviders.label,
      slug: oidcProviders.slug,
      createdAt: userIdentities.createdAt,
      lastLoginAt: userIdentities.lastLoginAt,
    })
    .from(userIdentities)
    .leftJoin(oidcProviders, eq(oidcProviders.id, userIdentities.providerId))
    .where(eq(userIdentities.userId, userId))
    .orderBy(userIdentities.id)
    .all()
    .map((r) => ({ ...r, label: r.label ?? (r.issuer === JWT_ISSUER ? 'Company app' : r.issuer) }))
}

/**
 * Records an outside identity for an account an admin made (the API's POST /users with an external
 * id), in the caller's transaction: that identity system's next login finds the account by
 * (issuer, subject), as any later login would. A subject another account holds is a 409: an identity
 * leads to one account only.
 */
export function attachIdentity(tx: Tx, input: { userId: number; issuer: string; subject: string; now: Date }) {
  const holder = tx
    .select({ id: userIdentities.id })
    .from(userIdentities)
    .where(and(eq(userIdentities.issuer, input.issuer), eq(userIdentities.subject, input.subject)))
    .get()
  if (holder) throw new ConflictError('Another member has this external id.')
  tx.insert(userIdentities)
    .values({ userId: input.userId, providerId: null, issuer: input.issuer, subject: input.subject, createdAt: input.now })
    .run()
}

/** The identities of several accounts (a page of the admin list), in one query, by account. */
export function listIdentitiesOf(db: Db, userIds: number[]) {
  const byUser = new Map<number, { issuer: string; subject: string; provider: string; createdAt: Date; lastLoginAt: Date | null }[]>()
  if (!userIds.length) return byUser
  const rows = db
    .select({
      userId: userIdentities.userId,
      issuer: userIdentities.issuer,
      subject: userIdentities.subject,
      label: oidcProviders.label,
      createdAt: userIdentities.createdAt,
      lastLoginAt: userIdentities.lastLoginAt,
    })
    .from(userIdentities)
    .leftJoin(oidcProviders, eq(oidcProviders.id, userIdentities.providerId))
    .where(inArray(userIdentities.userId, userIds))
    .orderBy(userIdentities.userId, userIdentities.id)
    .all()
  for (const { userId, label, ...identity } of rows) {
    const list = byUser.get(userId) ?? []
    list.push({ ...identity, provider: label ?? (identity.issuer === JWT_ISSUER ? 'Company app' : identity.issuer) })
    byUser.set(userId, list)
  }
  return byUser
}

/**
 * Disconnects one of the member's identities. The last way in is kept: an account without a
 * password cannot drop its only identity (409).
 */
export function disconnectIdentity(db: Db, userId: number, identityId: number) {
  writeTransaction(db, (tx) => {
    const mine = tx.select({ id: userIdentities.id }).from(userIdentities).where(eq(userIdentities.userId, userId)).all()
    if (!mine.some((i) => i.id === identityId)) throw new ConflictError('This connection is not on your account.')
    const account = tx.select({ passwordHash: users.passwordHash }).from(users).where(eq(users.id, userId)).get()
    if (mine.length === 1 && !account?.passwordHash) {
      throw new ConflictError('This is the only way into your account. Set a password before you disconnect it.')
    }
    tx.delete(userIdentities).where(eq(userIdentities.id, identityId)).run()
  })
}

// ---------------------------------------------------------------------------------------------
// The single sign-on policy for password log-ins and sign-ups
// ---------------------------------------------------------------------------------------------

/**
 * Why this account may not log in with a password under the site's SSO policy, or null. Break-glass
 * accounts (named admins) always may.
 */
export function passwordLoginRefusal(db: Db | Tx, account: { username: string; role: Role }) {
  const policy = getSsoPolicy(db)
  if (policy.require === 'off' || policy.breakGlass.includes(account.username)) return null
  if (policy.require === 'everyone') return 'This community logs in with single sign-on. Use one of the buttons above.'
  if (isStaff(account)) return 'Staff accounts log in with single sign-on. Use one of the buttons above.'
  return null
}

/**
 * What the log-in page offers: the enabled providers, and who may use the password form —
 * everyone (SSO not required), members (required for staff), or only break-glass admins.
 */
export function loginOptions(db: Db) {
  const require = getSsoPolicy(db).require
  const passwordFor = require === 'off' ? 'everyone' : require === 'staff' ? 'members' : 'break-glass'
  return { providers: listLoginProviders(db), passwordFor } as const
}

/** Whether the sign-up form is open: not when everyone must come in through single sign-on. */
export function passwordSignupOpen(db: Db | Tx) {
  return getSsoPolicy(db).require !== 'everyone'
}

/** An account with no password cannot log in with one; used to spend the same time as a real check. */
export function hasPassword(row: { passwordHash: string }) {
  return row.passwordHash !== ''
}

/** Removes every identity of an account (on deletion: a new login then makes a fresh account). */
export function removeIdentities(tx: Db | Tx, userId: number) {
  tx.delete(userIdentities).where(eq(userIdentities.userId, userId)).run()
}

/** How many members have each identity issuer; for the admin settings page. */
export function countIdentitiesByProvider(db: Db) {
  return db
    .select({ providerId: userIdentities.providerId, n: sql<number>`count(*)` })
    .from(userIdentities)
    .groupBy(userIdentities.providerId)
    .all()
}
