/**
 * Sessions and the current user. This is the only module that imports lucia (v3 is deprecated
 * upstream): swapping it means rewriting this file and nothing else.
 *
 * The session cookie is HttpOnly and SameSite=Lax. Its Secure flag follows the scheme the site is
 * served on (PUBLIC_URL when set, else the request's own URL), not NODE_ENV, so plain
 * http://localhost works in production mode and https deployments get Secure cookies.
 */
import { DrizzleSQLiteAdapter } from '@lucia-auth/adapter-drizzle'
import { redirect } from '@remix-run/node'
import { count, eq } from 'drizzle-orm'
import { Lucia, TimeSpan } from 'lucia'
import { sessions, users } from '#db/schema'
import { type Db, getDb } from './db.server'
import { env } from './env.server'
import { type Actor, type Role } from './permissions'
import { hashPassword } from './password.server'

export const SESSION_COOKIE_NAME = 'summit_session'

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

function createLucia(db: Db) {
  return new Lucia(new DrizzleSQLiteAdapter(db, sessions, users), {
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

/** What every page knows about the signed-in user: no e-mail, segment or hash. */
export type SessionUser = Actor & { username: string; displayName: string; createdAt: Date }

type Resolved = { user: SessionUser | null; setCookie: string | null }
const resolvedByRequest = new WeakMap<Request, Promise<Resolved>>()

function isSecureRequest(request?: Request) {
  const publicUrl = env().PUBLIC_URL
  if (publicUrl) return publicUrl.startsWith('https:')
  return request ? new URL(request.url).protocol === 'https:' : false
}

function serializeCookie(name: string, value: string, maxAgeSeconds: number, secure: boolean) {
  const parts = [`${name}=${value}`, 'Path=/', 'HttpOnly', 'SameSite=Lax', `Max-Age=${maxAgeSeconds}`]
  if (maxAgeSeconds > 0) parts.push(`Expires=${new Date(Date.now() + maxAgeSeconds * 1000).toUTCString()}`)
  else parts.push('Expires=Thu, 01 Jan 1970 00:00:00 GMT')
  if (secure) parts.push('Secure')
  return parts.join('; ')
}

function sessionCookie(sessionId: string, expiresAt: Date, request?: Request) {
  const maxAge = Math.max(0, Math.round((expiresAt.getTime() - Date.now()) / 1000))
  return serializeCookie(SESSION_COOKIE_NAME, sessionId, maxAge, isSecureRequest(request))
}

/** A Set-Cookie value that removes the session cookie. */
export function blankSessionCookie(request?: Request) {
  return serializeCookie(SESSION_COOKIE_NAME, '', 0, isSecureRequest(request))
}

function readSessionId(request: Request) {
  const header = request.headers.get('Cookie')
  if (!header) return null
  return lucia().readSessionCookie(header)
}

async function resolve(request: Request): Promise<Resolved> {
  const sessionId = readSessionId(request)
  if (!sessionId) return { user: null, setCookie: null }
  const { session, user } = await lucia().validateSession(sessionId)
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
    },
    // lucia extends a session that is past half its life; the browser needs the new expiry.
    setCookie: session.fresh ? sessionCookie(session.id, session.expiresAt, request) : null,
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

/** Only same-site paths: `/x` but not `//host` or `/\host`, which browsers treat as another origin. */
export function safeRedirectPath(to: FormDataEntryValue | string | null | undefined, fallback = '/') {
  if (typeof to !== 'string' || !to.startsWith('/') || to.startsWith('//') || to.startsWith('/\\')) return fallback
  return to
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
  const session = await lucia().createSession(userId, {})
  return {
    name: SESSION_COOKIE_NAME,
    value: session.id,
    header: sessionCookie(session.id, session.expiresAt, request),
  }
}

/** Ends the current session (logout). Returns a Set-Cookie value that clears the cookie. */
export async function endSession(request: Request) {
  const sessionId = readSessionId(request)
  if (sessionId) await lucia().invalidateSession(sessionId)
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
  db.transaction(
    (tx) => {
      tx.update(users).set({ passwordHash, passwordChangedAt: new Date() }).where(eq(users.id, userId)).run()
      tx.delete(sessions).where(eq(sessions.userId, userId)).run()
    },
    { behavior: 'immediate' },
  )
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
