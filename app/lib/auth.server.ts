/**
 * Sessions and the current user. This is the only module that imports lucia (v3 is deprecated
 * upstream): swapping it means rewriting this file and nothing else.
 *
 * The cookie carries a random token (32 bytes, base64url); the `sessions` table keeps only the
 * token's SHA-256 as the session id. A copy of the database (a backup, a stolen file) therefore
 * holds no cookie that logs anyone in.
 *
 * The session cookie is HttpOnly and SameSite=Lax. Its Secure flag follows the scheme the site is
 * served on (PUBLIC_URL when set, else the request's own URL), not NODE_ENV, so plain
 * http://localhost works in production mode and https deployments get Secure cookies.
 */
import { createHash, randomBytes } from 'node:crypto'
import { DrizzleSQLiteAdapter } from '@lucia-auth/adapter-drizzle'
import { redirect } from '@remix-run/node'
import { count, eq, sql } from 'drizzle-orm'
import { type DatabaseSession, type DatabaseUser, Lucia, TimeSpan } from 'lucia'
import { sessions, users } from '#db/schema'
import { carriesCredentials, cookieValues, SESSION_COOKIE_NAME } from './credentials.server'
import { type Role } from '~/domain'
import { type Db, getDb, writeTransaction } from './db.server'
import { env } from './env.server'
import { type Actor } from './permissions'
import { hashPassword } from './password.server'

export { carriesCredentials, SESSION_COOKIE_NAME }

/** The adapter hands over the user row under drizzle's (camelCase) property names. */
type UserAttributes = {
  username: string
  displayName: string
  role: Role
  reputation: number
  suspendedUntil: Date | number | null
  suspensionReason: string | null
  deletedAt: Date | number | null
  createdAt: Date | number
  emailVerifiedAt: Date | number | null
}

declare module 'lucia' {
  interface Register {
    Lucia: ReturnType<typeof createLucia>
    UserId: number
    DatabaseUserAttributes: UserAttributes
  }
}

function toDate(value: Date | number | null) {
  if (value == null) return null
  return value instanceof Date ? value : new Date(value)
}

/**
 * lucia's drizzle adapter, reading a session and its user in one prepared statement: the stock
 * adapter builds two queries (the session, then every column of the user, password hash included)
 * on every request a member makes. The user's attributes are only those getUserAttributes reads.
 */
class SessionAdapter extends DrizzleSQLiteAdapter {
  private readonly sessionAndUser

  constructor(db: Db) {
    super(db, sessions, users)
    this.sessionAndUser = db
      .select({
        sessionId: sessions.id,
        expiresAt: sessions.expiresAt,
        userId: users.id,
        username: users.username,
        displayName: users.displayName,
        role: users.role,
        reputation: users.reputation,
        suspendedUntil: users.suspendedUntil,
        suspensionReason: users.suspensionReason,
        deletedAt: users.deletedAt,
        createdAt: users.createdAt,
        emailVerifiedAt: users.emailVerifiedAt,
      })
      .from(sessions)
      .innerJoin(users, eq(users.id, sessions.userId))
      .where(eq(sessions.id, sql.placeholder('id')))
      .prepare()
  }

  override async getSessionAndUser(sessionId: string): Promise<[DatabaseSession | null, DatabaseUser | null]> {
    const row = this.sessionAndUser.get({ id: sessionId })
    if (!row) return [null, null]
    const { sessionId: id, expiresAt, userId, ...attributes } = row
    return [
      { id, userId, expiresAt: new Date(expiresAt * 1000), attributes: {} },
      { id: userId, attributes },
    ]
  }
}

function createLucia(db: Db) {
  return new Lucia(new SessionAdapter(db), {
    sessionExpiresIn: new TimeSpan(30, 'd'),
    sessionCookie: { name: SESSION_COOKIE_NAME, expires: true, attributes: { sameSite: 'lax', secure: false } },
    getUserAttributes: (row) => ({
      username: row.username,
      displayName: row.displayName,
      role: row.role,
      reputation: row.reputation,
      suspendedUntil: toDate(row.suspendedUntil),
      suspensionReason: row.suspensionReason,
      deletedAt: toDate(row.deletedAt),
      createdAt: toDate(row.createdAt)!,
      emailVerifiedAt: toDate(row.emailVerifiedAt),
    }),
  })
}

const luciaByDb = new WeakMap<Db, ReturnType<typeof createLucia>>()
function lucia(db = getDb()) {
  let instance = luciaByDb.get(db)
  if (!instance) {
    instance = createLucia(db)
    luciaByDb.set(db, instance)
  }
  return instance
}

/**
 * What every page knows about the signed-in user: no e-mail, segment or hash; only whether the
 * address is verified (the root layout's reminder).
 */
export type SessionUser = Actor & { username: string; displayName: string; createdAt: Date; emailVerified: boolean }

type Resolved = { user: SessionUser | null; setCookie: string | null }
const resolvedByRequest = new WeakMap<Request, Promise<Resolved>>()

function isSecureRequest(request?: Request) {
  const publicUrl = env().PUBLIC_URL
  if (publicUrl) return publicUrl.startsWith('https:')
  return request ? new URL(request.url).protocol === 'https:' : false
}

function serializeCookie(name: string, value: string, maxAgeSeconds: number, secure: boolean, path = '/') {
  const parts = [`${name}=${value}`, `Path=${path}`, 'HttpOnly', 'SameSite=Lax', `Max-Age=${maxAgeSeconds}`]
  if (maxAgeSeconds > 0) parts.push(`Expires=${new Date(Date.now() + maxAgeSeconds * 1000).toUTCString()}`)
  else parts.push('Expires=Thu, 01 Jan 1970 00:00:00 GMT')
  if (secure) parts.push('Secure')
  return parts.join('; ')
}

function sessionCookie(token: string, expiresAt: Date, request?: Request) {
  const maxAge = Math.max(0, Math.round((expiresAt.getTime() - Date.now()) / 1000))
  return serializeCookie(SESSION_COOKIE_NAME, token, maxAge, isSecureRequest(request))
}

/** A Set-Cookie value that removes the session cookie. */
export function blankSessionCookie(request?: Request) {
  return serializeCookie(SESSION_COOKIE_NAME, '', 0, isSecureRequest(request))
}

/** A new session token for the cookie: 256 random bits. */
function newSessionToken() {
  return randomBytes(32).toString('base64url')
}

/** The session id stored for a token: its SHA-256 (hex). */
export function sessionIdForToken(token: string) {
  return createHash('sha256').update(token).digest('hex')
}

/** The shape of every token this module issues; anything else in the cookie is not a session. */
const TOKEN_PATTERN = /^[A-Za-z0-9_-]{20,100}$/

/**
 * The cookie of a short flow that is not the session (the OpenID log-in's key between the redirect
 * and the callback): HttpOnly, SameSite=Lax (it must come back on the provider's top-level redirect),
 * limited to `path`, Secure on https. A max-age of 0 removes it.
 */
export function flowCookie(name: string, value: string, maxAgeSeconds: number, path: string, request?: Request) {
  return serializeCookie(name, value, maxAgeSeconds, isSecureRequest(request), path)
}

/** A flow cookie's token, when it has the shape this module's tokens have; else null. */
export function readFlowCookie(request: Request, name: string) {
  const value = cookieValues(request.headers.get('Cookie'), name)[0]
  return value && TOKEN_PATTERN.test(value) ? value : null
}

/** A random token for a flow cookie: 256 bits. */
export function newFlowToken() {
  return newSessionToken()
}

const MALFORMED = Symbol('malformed session cookie')

/** The session token the request presents, MALFORMED when its session cookie is not one of ours, or null. */
function readSessionToken(request: Request): string | typeof MALFORMED | null {
  const values = cookieValues(request.headers.get('Cookie'), SESSION_COOKIE_NAME)
  if (values.length === 0) return null
  // Browsers send the cookie of the most specific path first; ours is the only one on Path=/.
  const token = values[0]!
  return TOKEN_PATTERN.test(token) ? token : MALFORMED
}

async function resolve(request: Request): Promise<Resolved> {
  const token = readSessionToken(request)
  if (token === null) return { user: null, setCookie: null }
  if (token === MALFORMED) return { user: null, setCookie: blankSessionCookie(request) }
  const { session, user } = await lucia().validateSession(sessionIdForToken(token))
  if (!session || !user) return { user: null, setCookie: blankSessionCookie(request) }
  if (user.deletedAt) {
    await lucia().invalidateSession(session.id)
    return { user: null, setCookie: blankSessionCookie(request) }
  }
  return {
    user: {
      id: user.id,
      username: user.username,
      displayName: user.displayName,
      role: user.role,
      reputation: user.reputation,
      suspendedUntil: user.suspendedUntil,
      suspensionReason: user.suspensionReason,
      createdAt: user.createdAt,
      emailVerified: user.emailVerifiedAt != null,
    },
    // lucia extends a session that is past half its life; the browser needs the new expiry.
    setCookie: session.fresh ? sessionCookie(token, session.expiresAt, request) : null,
  }
}

function resolveOnce(request: Request) {
  let pending = resolvedByRequest.get(request)
  if (!pending) {
    pending = resolve(request)
    resolvedByRequest.set(request, pending)
  }
  return pending
}

/** The signed-in user, or null. Validated once per request, however many loaders ask. */
export async function getUser(request: Request) {
  return (await resolveOnce(request)).user
}

/** A Set-Cookie header to send with this response (a refreshed or cleared session), or null. */
export async function getSessionCookieUpdate(request: Request) {
  return (await resolveOnce(request)).setCookie
}

/** Any origin that cannot be a real one: redirect targets are resolved against it and must stay on it. */
const REDIRECT_BASE = 'http://summit.invalid'

/**
 * A redirect target from a form or query, made safe: only a path on this site comes back, else
 * `fallback`. Browsers forgive a lot in a Location header (`/\evil.example`, `/<TAB>/evil.example`
 * and `//evil.example` all lead to evil.example), and a header cannot hold CR, LF or NUL at all, so
 * a target with whitespace, control characters or backslashes is refused outright; the rest is
 * resolved against a placeholder origin and must still be on it. What comes back is the resolved
 * path, query and fragment, percent-encoded (so it is always a valid header value).
 */
export function safeRedirectPath(to: FormDataEntryValue | string | null | undefined, fallback = '/') {
  if (typeof to !== 'string' || !to.startsWith('/') || to.length > 2000) return fallback
  // \s covers the Unicode spaces and U+2028/U+2029; the classes after it, C0 and C1 controls and DEL.
  if (/[\s\\\u0000-\u001f\u007f-\u009f]/.test(to)) return fallback
  let url: URL
  try {
    url = new URL(to, REDIRECT_BASE)
  } catch {
    return fallback
  }
  // `/.//evil.example` resolves to `//evil.example`, which a browser reads as another host.
  if (url.origin !== REDIRECT_BASE || url.pathname.startsWith('//')) return fallback
  return `${url.pathname}${url.search}${url.hash}`
}

function loginRedirect(request: Request, redirectTo?: string) {
  const url = new URL(request.url)
  const back = safeRedirectPath(redirectTo ?? `${url.pathname}${url.search}`)
  return redirect(`/login?${new URLSearchParams({ redirectTo: back })}`)
}

/** The signed-in user; a logged-out visitor is redirected to log in and brought back afterwards. */
export async function requireUser(request: Request, redirectTo?: string): Promise<SessionUser> {
  const user = await getUser(request)
  if (!user) throw loginRedirect(request, redirectTo)
  return user
}

/** Starts a session for the user and returns the Set-Cookie value (login, signup and test fixtures). */
export async function startSession(userId: number, request?: Request) {
  const token = newSessionToken()
  const session = await lucia().createSession(userId, {}, { sessionId: sessionIdForToken(token) })
  return {
    name: SESSION_COOKIE_NAME,
    value: token,
    header: sessionCookie(token, session.expiresAt, request),
  }
}

/**
 * Logs in: ends the session the browser came with, if any (whoever it belonged to), and starts a
 * new one, so a session id planted before the log-in never becomes a logged-in one.
 */
export async function replaceSession(userId: number, request: Request) {
  await endSession(request)
  return startSession(userId, request)
}

/** Ends the current session (logout). Returns a Set-Cookie value that clears the cookie. */
export async function endSession(request: Request) {
  const token = readSessionToken(request)
  if (typeof token === 'string') await lucia().invalidateSession(sessionIdForToken(token))
  return blankSessionCookie(request)
}

export function countSessions(db: Db, userId: number) {
  return db.select({ n: count() }).from(sessions).where(eq(sessions.userId, userId)).get()?.n ?? 0
}

/**
 * Sets a new password, ends every session of the user and starts a fresh one for this browser.
 * Returns the new session's Set-Cookie value.
 */
export async function changePassword(userId: number, newPassword: string, request?: Request) {
  const passwordHash = await hashPassword(newPassword)
  const db = getDb()
  writeTransaction(db, (tx) => {
    tx.update(users).set({ passwordHash, passwordChangedAt: new Date() }).where(eq(users.id, userId)).run()
    tx.delete(sessions).where(eq(sessions.userId, userId)).run()
  })
  return (await startSession(userId, request)).header
}

/** Removes expired sessions; called at start-up. */
export async function deleteExpiredSessions() {
  await lucia().deleteExpiredSessions()
}

/** Ends every other session of the user ("log out everywhere else") and returns a fresh cookie for this one. */
export async function endOtherSessions(userId: number, request?: Request) {
  await lucia().invalidateUserSessions(userId)
  return (await startSession(userId, request)).header
}
