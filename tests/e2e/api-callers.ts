/**
 * The callers of the API matrices: anonymous, a member, product and admin token, and the tokens
 * that must be refused (revoked, expired, read-only, write-only, malformed), always in this order.
 */
import { expect, type APIRequestContext } from '@playwright/test'
import { categories, tags } from '#db/schema'
import { type ApiScope, type Role } from '~/domain'
import { getDb } from '~/lib/db.server'
import { createApiToken } from '~/models/api-tokens.server'
import { createUser } from '#tests/factories'

export const OLD = new Date(Date.now() - 60 * 86_400_000) // past the new-member limits
/** The demo community has categories, so a new idea names one. */
export const categoryId = () => getDb().select({ id: categories.id }).from(categories).get()!.id
/** A tag the demo community has, so asking needs no permission to create one. */
export const tagName = () => getDb().select({ name: tags.name }).from(tags).get()!.name
export const questionBody = (title: string) => ({ title, body: 'How do we do this from our own scripts, step by step?', tags: [tagName()] })

export function tokenFor(
  role: Role,
  scopes: ApiScope[] = role === 'admin' ? ['read', 'write', 'admin'] : ['read', 'write'],
  expiresAt: Date | null = null,
) {
  const user = createUser(getDb(), { role, reputation: 200, createdAt: OLD })
  const { token, id } = createApiToken(getDb(), { userId: user.id, role, name: 'test', scopes, expiresAt })
  return { user, token, id }
}

/** The callers' names, in the order of callers(): the columns of every matrix. */
export const CALLER_NAMES = [
  'anonymous',
  'member',
  'product',
  'admin',
  'revoked',
  'expired',
  'read-only',
  'write-only',
  'malformed',
] as const

export type Caller = { name: string; headers: Record<string, string> }

export function callers(): Caller[] {
  const bearer = (token: string) => ({ Authorization: `Bearer ${token}` })
  const revoked = tokenFor('member')
  getDb().$client.prepare('update api_tokens set revoked_at = ? where id = ?').run(Date.now(), revoked.id)
  const expired = tokenFor('member')
  getDb()
    .$client.prepare('update api_tokens set expires_at = ? where id = ?')
    .run(Date.now() - 1000, expired.id)
  return [
    { name: 'anonymous', headers: {} },
    { name: 'member', headers: bearer(tokenFor('member').token) },
    { name: 'product', headers: bearer(tokenFor('product').token) },
    { name: 'admin', headers: bearer(tokenFor('admin').token) },
    { name: 'revoked', headers: bearer(revoked.token) },
    { name: 'expired', headers: bearer(expired.token) },
    { name: 'read-only', headers: bearer(tokenFor('member', ['read']).token) },
    { name: 'write-only', headers: bearer(tokenFor('product', ['write']).token) },
    { name: 'malformed', headers: { Authorization: 'Bearer not-a-summit-token' } },
  ]
}

/** One operation of a matrix: sends its request with a caller's headers. */
export type MatrixOperation = {
  name: string
  send: (
    request: APIRequestContext,
    headers: Record<string, string>,
  ) => Promise<{ status: () => number; headers: () => Record<string, string>; text: () => Promise<string> }>
}

/**
 * Sends every operation as every caller of callers() and returns the statuses by operation, in
 * the callers' order, for the spec to compare with its table. Every refusal must be a problem
 * (application/problem+json, its status, a title and a detail), and every 401 must name the
 * Bearer realm.
 */
export async function runAuthorizationMatrix(request: APIRequestContext, operations: MatrixOperation[]) {
  const who = callers()
  expect(who.map((c) => c.name)).toEqual([...CALLER_NAMES])
  const got: Record<string, number[]> = {}
  for (const op of operations) {
    got[op.name] = []
    for (const caller of who) {
      const response = await op.send(request, caller.headers)
      const status = response.status()
      got[op.name]!.push(status)
      if (status >= 400) {
        expect(response.headers()['content-type'], `${op.name} as ${caller.name}`).toMatch(/^application\/problem\+json/)
        const body = JSON.parse(await response.text()) as { status: number; title: string; detail: string }
        expect(body.status, `${op.name} as ${caller.name}`).toBe(status)
        expect(body.title.length, `${op.name} as ${caller.name}`).toBeGreaterThan(0)
        expect(body.detail.length, `${op.name} as ${caller.name}`).toBeGreaterThan(0)
      }
      if (status === 401)
        expect(response.headers()['www-authenticate'], `${op.name} as ${caller.name}`).toMatch(/^Bearer realm="\/api\/v1"/)
    }
  }
  return got
}
