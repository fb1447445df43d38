/**
 * Personal access tokens for /api/v1, and who an API request acts as.
 *
 * - A token is `smt_` + 256 random bits, shown once when made; the table keeps its SHA-256.
 * - Scopes: `read` (GET), `write` (create, edit, vote …), `admin` (admin resources). A token can
 *   only have scopes its user's role allows (`admin` is for admins), and every action is still
 *   checked by the site's policy (check()) against the user as they are now: a demoted admin's
 *   token loses its admin power at once, a suspended member's token cannot write.
 * - A revoked, expired or unknown token is a 401; a token of a deleted account is unknown.
 */
import { randomBytes } from 'node:crypto'
import { and, desc, eq, isNull } from 'drizzle-orm'
import { apiTokens, users } from '#db/schema'
import { API_SCOPES, type ApiScope, type Role } from '~/domain'
import { API_PREFIX, type ApiLimit, bearerToken, problem, takeApiRequest, TOKEN_PREFIX, tokenHash } from '~/lib/api.server'
import { type Db, writeTransaction } from '~/lib/db.server'
import { ConflictError, NotFoundError } from '~/lib/errors'
import { type Actor, hasRole } from '~/lib/permissions'

export { API_SCOPES, type ApiScope }

/** The scopes a role may give its tokens. */
export function scopesAllowed(role: Role): ApiScope[] {
  return hasRole({ role }, 'admin') ? ['read', 'write', 'admin'] : ['read', 'write']
}

export const MAX_TOKENS_PER_USER = 20

/** Makes a token; returns it in full (shown once) with its id. */
export function createApiToken(
  db: Db,
  input: { userId: number; role: Role; name: string; scopes: ApiScope[]; expiresAt: Date | null; now?: Date },
) {
  const now = input.now ?? new Date()
  const allowed = scopesAllowed(input.role)
  const refused = input.scopes.filter((s) => !allowed.includes(s))
  if (refused.length) throw new ConflictError(`Your role cannot give a token the ${refused.join(', ')} scope.`)
  if (input.expiresAt && input.expiresAt.getTime() <= now.getTime()) throw new ConflictError('Choose an expiry date in the future.')
  const token = `${TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`
  return writeTransaction(db, (tx) => {
    const live = tx
      .select({ id: apiTokens.id })
      .from(apiTokens)
      .where(and(eq(apiTokens.userId, input.userId), isNull(apiTokens.revokedAt)))
      .all().length
    if (live >= MAX_TOKENS_PER_USER) throw new ConflictError(`You have ${MAX_TOKENS_PER_USER} tokens. Revoke one you no longer use first.`)
    const id = tx
      .insert(apiTokens)
      .values({
        userId: input.userId,
        name: input.name,
        tokenHash: tokenHash(token),
        prefix: token.slice(0, TOKEN_PREFIX.length + 6),
        scopes: [...new Set(input.scopes)].sort().join(','),
        expiresAt: input.expiresAt,
        createdAt: now,
      })
      .returning({ id: apiTokens.id })
      .get().id
    return { id, token }
  })
}

/** The member's tokens, newest first, without any secret. */
export function listApiTokens(db: Db, userId: number, now = new Date()) {
  return db
    .select({
      id: apiTokens.id,
      name: apiTokens.name,
      prefix: apiTokens.prefix,
      scopes: apiTokens.scopes,
      expiresAt: apiTokens.expiresAt,
      lastUsedAt: apiTokens.lastUsedAt,
      revokedAt: apiTokens.revokedAt,
      createdAt: apiTokens.createdAt,
    })
    .from(apiTokens)
    .where(eq(apiTokens.userId, userId))
    .orderBy(desc(apiTokens.id))
    .all()
    .map((t) => ({
      ...t,
      scopes: t.scopes.split(',') as ApiScope[],
      state: t.revokedAt
        ? ('revoked' as const)
        : t.expiresAt && t.expiresAt.getTime() <= now.getTime()
          ? ('expired' as const)
          : ('active' as const),
    }))
}

/** Revokes one of the member's tokens (once; a second revoke changes nothing). */
export function revokeApiToken(db: Db, userId: number, tokenId: number, now = new Date()) {
  const row = db
    .select({ id: apiTokens.id, revokedAt: apiTokens.revokedAt })
    .from(apiTokens)
    .where(and(eq(apiTokens.id, tokenId), eq(apiTokens.userId, userId)))
    .get()
  if (!row) throw new NotFoundError('token')
  if (!row.revokedAt) db.update(apiTokens).set({ revokedAt: now }).where(eq(apiTokens.id, tokenId)).run()
}

/** Who an API request acts as: a user through a token (with its scopes), or nobody. */
export type ApiCaller = {
  user: (Actor & { username: string; createdAt: Date }) | null
  scopes: ReadonlySet<ApiScope>
  tokenId: number | null
}

const num = (name: string, fallback: number) => {
  const value = Number(process.env[name])
  return Number.isInteger(value) && value > 0 ? value : fallback
}
/** Requests a minute: per token, and per address for requests without one. */
export const API_TOKEN_LIMIT = num('API_REQUESTS_PER_MINUTE_PER_TOKEN', 600)
export const API_ADDRESS_LIMIT = num('API_REQUESTS_PER_MINUTE_PER_IP', 120)

/** lastUsedAt is written at most once a minute per token, not on every request. */
const LAST_USED_GRANULARITY_MS = 60_000

/**
 * Authenticates an API request and counts it against the rate limits. Throws a 401 problem for a
 * bad token, a 429 over a limit. Returns the caller and the RateLimit headers for the answer.
 */
export function authenticateApiRequest(db: Db, request: Request, clientIp: string, now = new Date()) {
  const token = bearerToken(request)
  const unauthorized = (detail: string) =>
    problem(401, detail, { headers: { 'WWW-Authenticate': `Bearer realm="${API_PREFIX}", error="invalid_token"` } })
  if (token === 'malformed') throw unauthorized('The Authorization header does not hold a Summit token (Bearer smt_…).')
  if (token === null) {
    const headers = takeApiRequest([{ key: `ip:${clientIp}`, limit: API_ADDRESS_LIMIT }], now.getTime())
    return { caller: { user: null, scopes: new Set<ApiScope>(), tokenId: null } satisfies ApiCaller, headers }
  }
  const row = db
    .select({
      tokenId: apiTokens.id,
      scopes: apiTokens.scopes,
      expiresAt: apiTokens.expiresAt,
      revokedAt: apiTokens.revokedAt,
      lastUsedAt: apiTokens.lastUsedAt,
      id: users.id,
      username: users.username,
      role: users.role,
      reputation: users.reputation,
      suspendedUntil: users.suspendedUntil,
      suspensionReason: users.suspensionReason,
      deletedAt: users.deletedAt,
      createdAt: users.createdAt,
    })
    .from(apiTokens)
    .innerJoin(users, eq(users.id, apiTokens.userId))
    .where(eq(apiTokens.tokenHash, tokenHash(token)))
    .get()
  if (!row || row.deletedAt) throw unauthorized('This token is not valid.')
  if (row.revokedAt) throw unauthorized('This token was revoked.')
  if (row.expiresAt && row.expiresAt.getTime() <= now.getTime()) throw unauthorized('This token has expired.')
  const limits: ApiLimit[] = [{ key: `token:${row.tokenId}`, limit: API_TOKEN_LIMIT }]
  const headers = takeApiRequest(limits, now.getTime())
  if (!row.lastUsedAt || now.getTime() - row.lastUsedAt.getTime() >= LAST_USED_GRANULARITY_MS) {
    db.update(apiTokens).set({ lastUsedAt: now }).where(eq(apiTokens.id, row.tokenId)).run()
  }
  // The token's scopes, cut to what the user's role allows today.
  const allowed = scopesAllowed(row.role)
  const scopes = new Set((row.scopes.split(',') as ApiScope[]).filter((s) => allowed.includes(s)))
  const caller: ApiCaller = {
    user: {
      id: row.id,
      username: row.username,
      role: row.role,
      reputation: row.reputation,
      suspendedUntil: row.suspendedUntil,
      suspensionReason: row.suspensionReason,
      createdAt: row.createdAt,
    },
    scopes,
    tokenId: row.tokenId,
  }
  return { caller, headers }
}

/**
 * A public read: anyone may, and a token that is sent must hold the read scope. Authenticates and
 * counts the request like authenticateApiRequest.
 */
export function authenticateApiRead(db: Db, request: Request, clientIp: string, now = new Date()) {
  const authenticated = authenticateApiRequest(db, request, clientIp, now)
  if (authenticated.caller.user) requireScope(authenticated.caller, 'read')
  return authenticated
}

/** A caller with a token that has `scope` (401 without a token, 403 without the scope), for the operations that need one. */
export function authenticateApiScope(db: Db, request: Request, clientIp: string, scope: ApiScope, now = new Date()) {
  const { caller, headers } = authenticateApiRequest(db, request, clientIp, now)
  requireScope(caller, scope)
  return { caller, headers }
}

/** Throws 401 without a token, 403 when the token lacks the scope. */
export function requireScope(caller: ApiCaller, scope: ApiScope): asserts caller is ApiCaller & { user: NonNullable<ApiCaller['user']> } {
  if (!caller.user) {
    throw problem(401, 'Send a token: Authorization: Bearer smt_… (make one on /settings/tokens).', {
      headers: { 'WWW-Authenticate': `Bearer realm="${API_PREFIX}"` },
    })
  }
  if (!caller.scopes.has(scope)) throw problem(403, `This token lacks the ${scope} scope.`)
}
