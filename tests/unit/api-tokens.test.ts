/**
 * Personal access tokens and the API's rate limits, below HTTP: scopes bounded by the role (and cut
 * again when the role drops), revoked and expired tokens, what is stored, and the RateLimit headers.
 */
import { eq } from 'drizzle-orm'
import { beforeEach, describe, expect, test } from 'vitest'
import { apiTokens, users } from '#db/schema'
import { resetApiRateLimits, takeApiRequest, tokenHash } from '~/lib/api.server'
import { getDb } from '~/lib/db.server'
import {
  authenticateApiRequest,
  createApiToken,
  listApiTokens,
  requireScope,
  revokeApiToken,
  scopesAllowed,
} from '~/models/api-tokens.server'
import { createUser } from '#tests/factories'

const db = () => getDb()
const withToken = (token: string) => new Request('http://localhost:3000/api/v1/ideas', { headers: { Authorization: `Bearer ${token}` } })

async function statusOf(fn: () => unknown) {
  try {
    fn()
    return 200
  } catch (thrown) {
    if (thrown instanceof Response) return thrown.status
    throw thrown
  }
}

beforeEach(() => resetApiRateLimits())

describe('tokens', () => {
  test('shown once, stored as a SHA-256, listed by prefix; authenticating finds the user and scopes', () => {
    const member = createUser(db())
    const { token, id } = createApiToken(db(), {
      userId: member.id,
      role: 'member',
      name: 'sync',
      scopes: ['read', 'write'],
      expiresAt: null,
    })
    expect(token).toMatch(/^smt_[\w-]{43}$/)
    const row = db().select().from(apiTokens).where(eq(apiTokens.id, id)).get()!
    expect(row.tokenHash).toBe(tokenHash(token))
    expect(JSON.stringify(row)).not.toContain(token.slice(4))
    expect(listApiTokens(db(), member.id)).toMatchObject([
      { id, name: 'sync', prefix: token.slice(0, 10), scopes: ['read', 'write'], state: 'active' },
    ])
    const { caller } = authenticateApiRequest(db(), withToken(token), '10.0.0.1')
    expect(caller.user).toMatchObject({ id: member.id, role: 'member' })
    expect([...caller.scopes].sort()).toEqual(['read', 'write'])
    expect(db().select().from(apiTokens).where(eq(apiTokens.id, id)).get()!.lastUsedAt).toBeInstanceOf(Date)
  })

  test('scopes are bounded by the role, and cut when the role drops', () => {
    expect(scopesAllowed('member')).toEqual(['read', 'write'])
    expect(scopesAllowed('admin')).toEqual(['read', 'write', 'admin'])
    const member = createUser(db())
    expect(() => createApiToken(db(), { userId: member.id, role: 'member', name: 'x', scopes: ['admin'], expiresAt: null })).toThrow(
      /cannot give a token the admin scope/,
    )
    const admin = createUser(db(), { role: 'admin' })
    const { token } = createApiToken(db(), { userId: admin.id, role: 'admin', name: 'ops', scopes: ['read', 'admin'], expiresAt: null })
    expect(authenticateApiRequest(db(), withToken(token), 'ip').caller.scopes.has('admin')).toBe(true)
    db().update(users).set({ role: 'member' }).where(eq(users.id, admin.id)).run()
    const { caller } = authenticateApiRequest(db(), withToken(token), 'ip')
    expect(caller.scopes.has('admin')).toBe(false)
    expect(caller.user!.role).toBe('member')
  })

  test('revoked, expired, unknown, deleted-account and malformed tokens are 401', async () => {
    const member = createUser(db())
    const revoked = createApiToken(db(), { userId: member.id, role: 'member', name: 'a', scopes: ['read'], expiresAt: null })
    revokeApiToken(db(), member.id, revoked.id)
    const expiring = createApiToken(db(), {
      userId: member.id,
      role: 'member',
      name: 'b',
      scopes: ['read'],
      expiresAt: new Date(Date.now() + 1000),
    })
    const later = new Date(Date.now() + 2000)
    const gone = createUser(db())
    const deleted = createApiToken(db(), { userId: gone.id, role: 'member', name: 'c', scopes: ['read'], expiresAt: null })
    db().update(users).set({ deletedAt: new Date() }).where(eq(users.id, gone.id)).run()
    expect(await statusOf(() => authenticateApiRequest(db(), withToken(revoked.token), 'ip'))).toBe(401)
    expect(await statusOf(() => authenticateApiRequest(db(), withToken(expiring.token), 'ip', later))).toBe(401)
    expect(await statusOf(() => authenticateApiRequest(db(), withToken(deleted.token), 'ip'))).toBe(401)
    expect(await statusOf(() => authenticateApiRequest(db(), withToken(`smt_${'A'.repeat(43)}`), 'ip'))).toBe(401)
    expect(await statusOf(() => authenticateApiRequest(db(), withToken('ghp_abc'), 'ip'))).toBe(401)
    expect(listApiTokens(db(), member.id, later).map((t) => t.state)).toEqual(['expired', 'revoked'])
    // Someone else's token is not yours to revoke.
    const other = createUser(db())
    expect(() => revokeApiToken(db(), other.id, expiring.id)).toThrow(/does not exist/)
  })

  test('a token without the scope an action needs is a 403; no token at all is a 401', async () => {
    const member = createUser(db())
    const { token } = createApiToken(db(), { userId: member.id, role: 'member', name: 'ro', scopes: ['read'], expiresAt: null })
    const { caller } = authenticateApiRequest(db(), withToken(token), 'ip')
    expect(await statusOf(() => requireScope(caller, 'write'))).toBe(403)
    const anonymous = authenticateApiRequest(db(), new Request('http://localhost:3000/api/v1/ideas'), 'ip').caller
    expect(await statusOf(() => requireScope(anonymous, 'read'))).toBe(401)
  })
})

describe('rate limits', () => {
  test('the tightest limit is announced; over it, a 429 with Retry-After until the minute turns', async () => {
    const t0 = 1_800_000_000_000
    expect(takeApiRequest([{ key: 'k', limit: 2 }], t0)).toEqual({
      'RateLimit-Policy': '"minute";q=2;w=60',
      RateLimit: '"minute";r=1;t=60',
    })
    expect(takeApiRequest([{ key: 'k', limit: 2 }], t0 + 10_000)).toEqual({
      'RateLimit-Policy': '"minute";q=2;w=60',
      RateLimit: '"minute";r=0;t=50',
    })
    let refused: Response | null = null
    try {
      takeApiRequest([{ key: 'k', limit: 2 }], t0 + 20_000)
    } catch (thrown) {
      refused = thrown as Response
    }
    expect(refused!.status).toBe(429)
    expect(refused!.headers.get('Retry-After')).toBe('40')
    expect(refused!.headers.get('Content-Type')).toMatch(/^application\/problem\+json/)
    expect(((await refused!.json()) as { detail: string }).detail).toMatch(/at most 2 a minute/)
    expect(takeApiRequest([{ key: 'k', limit: 2 }], t0 + 60_000)).toMatchObject({ RateLimit: '"minute";r=1;t=60' })
  })
})
