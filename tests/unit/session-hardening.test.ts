/**
 * Sessions and redirects against hostile input: open-redirect payloads through every place that
 * takes a redirect target, session tokens kept only as hashes, a log-in that ends the session the
 * browser came with, mis-encoded cookies, and which requests count as carrying credentials.
 */
import { createHash } from 'node:crypto'
import { eq } from 'drizzle-orm'
import { describe, expect, test } from 'vitest'
import { sessions } from '#db/schema'
import { carriesCredentials, getUser, getSessionCookieUpdate, requireUser, safeRedirectPath, startSession } from '~/lib/auth.server'
import { getDb } from '~/lib/db.server'
import { loader as loginLoader, action as loginAction } from '~/routes/login'
import { action as signupAction } from '~/routes/signup'
import { action as voteAction } from '~/routes/ideas.$ideaId.vote'
import { action as flagAction } from '~/routes/flag'
import { createTestIdea, createUser, unique } from '#tests/factories'
import { formRequest, getRequest, settle, TEST_ORIGIN } from '#tests/route-helpers'

const args = (request: Request, params: Record<string, string> = {}) => ({ request, params, context: { clientIp: unique('10.1.0.') } })

/** Targets that must never leave the site (as they arrive after the form or query is decoded). */
const HOSTILE_TARGETS = [
  '//evil.example',
  '///evil.example',
  '/\\evil.example',
  '/\\/evil.example',
  '\\\\evil.example',
  '/\t/evil.example',
  '/\n/evil.example',
  '/\r/evil.example',
  '/\r\nSet-Cookie: x=1',
  '/\u2028/evil.example',
  '/\u2029/evil.example',
  '/\u0000/evil.example',
  '/\u007f/evil.example',
  '/\u0085/evil.example',
  '/\u00a0/evil.example',
  '/\ufeff/evil.example',
  '/ /evil.example',
  '/.//evil.example',
  '/..//evil.example',
  '/./\\evil.example',
  'javascript:alert(1)',
  'JavaScript:alert(1)',
  ' javascript:alert(1)',
  'data:text/html,<script>alert(1)</script>',
  'https://evil.example',
  'http:evil.example',
  'https:/evil.example',
  'evil.example',
  '@evil.example',
  '',
]

/** The same, as a hostile link would carry them in a query string. */
const ENCODED_QUERIES = [
  'redirectTo=%2F%09%2Fevil.example',
  'redirectTo=%2F%0a%2Fevil.example',
  'redirectTo=%2F%0d%2Fevil.example',
  'redirectTo=%2F%5cevil.example',
  'redirectTo=%2F%2Fevil.example',
  'redirectTo=%2F%E2%80%A8%2Fevil.example',
  'redirectTo=%2F%00%2Fevil.example',
  'redirectTo=javascript%3Aalert(1)',
  'redirectTo=https%3A%2F%2Fevil.example',
]

/** Resolves a Location against the site as a browser would, and says whether it stays on it. */
function staysOnSite(location: string | null) {
  if (location === null) return true
  expect(location).not.toMatch(/[\s\\\u0000-\u001f\u007f-\u009f]/)
  return new URL(location, TEST_ORIGIN).origin === TEST_ORIGIN
}

describe('safeRedirectPath', () => {
  test.each(HOSTILE_TARGETS.map((t) => [JSON.stringify(t), t]))('%s falls back to /', (_label, target) => {
    expect(safeRedirectPath(target)).toBe('/')
  })

  test.each([
    ['/ideas/12', '/ideas/12'],
    ['/settings?x=1#y', '/settings?x=1#y'],
    ['/ideas?sort=top&page=2', '/ideas?sort=top&page=2'],
    ['/tags/caf\u00e9', '/tags/caf%C3%A9'],
    ['/a/../ideas', '/ideas'],
    ['/%2F%2Fevil.example', '/%2F%2Fevil.example'],
  ])('%j stays, as %j', (target, expected) => {
    expect(safeRedirectPath(target)).toBe(expected)
    expect(staysOnSite(safeRedirectPath(target))).toBe(true)
  })
})

describe('every place that takes a redirect target keeps it on the site', () => {
  test('log-in form and the logged-in visitor of /login', async () => {
    const user = createUser(getDb())
    const cookie = await startSession(user.id)
    for (const target of HOSTILE_TARGETS) {
      const post = await formRequest('/login', { identifier: user.username, password: user.password, redirectTo: target })
      const res = await settle(() => loginAction(args(post)))
      expect(res.status, JSON.stringify(target)).toBe(302)
      expect(staysOnSite(res.location), `${JSON.stringify(target)} → ${res.location}`).toBe(true)

      const visit = new Request(`${TEST_ORIGIN}/login?${new URLSearchParams({ redirectTo: target })}`, {
        headers: { Cookie: `summit_session=${cookie.value}` },
      })
      const back = await settle(() => loginLoader(args(visit)))
      expect(back.status).toBe(302)
      expect(staysOnSite(back.location), `${JSON.stringify(target)} → ${back.location}`).toBe(true)
    }
    for (const query of ENCODED_QUERIES) {
      const visit = new Request(`${TEST_ORIGIN}/login?${query}`, { headers: { Cookie: `summit_session=${cookie.value}` } })
      const back = await settle(() => loginLoader(args(visit)))
      expect(back.location).toBe('/')
    }
  })

  test('sign-up form', async () => {
    for (const target of HOSTILE_TARGETS.slice(0, 12)) {
      const username = unique('redir')
      const post = await formRequest('/signup', {
        username,
        email: `${username}@example.com`,
        password: 'a-long-enough-passphrase',
        redirectTo: target,
      })
      const res = await settle(() => signupAction(args(post)))
      expect(res.status, JSON.stringify(target)).toBe(302)
      expect(res.location).toBe('/')
    }
  })

  test('the vote form and the flag form', async () => {
    const db = getDb()
    const voter = createUser(db, { reputation: 100, createdAt: new Date(Date.now() - 7 * 86_400_000) })
    const idea = createTestIdea(db, { authorId: createUser(db).id })
    for (const target of HOSTILE_TARGETS.slice(0, 20)) {
      const vote = await formRequest(
        `/ideas/${idea.id}/vote`,
        { voted: 'true', redirectTo: target },
        { userId: voter.id, headers: { Accept: 'text/html' } },
      )
      const res = await settle(() => voteAction(args(vote, { ideaId: String(idea.id) })))
      expect(res.status).toBe(302)
      expect(res.location, JSON.stringify(target)).toBe(`/ideas/${idea.id}`)
    }
    const anonymous = await formRequest(
      `/ideas/${idea.id}/vote`,
      { voted: 'true', redirectTo: '/\t/evil.example' },
      { headers: { Accept: 'text/html' } },
    )
    const toLogin = await settle(() => voteAction(args(anonymous, { ideaId: String(idea.id) })))
    expect(toLogin.location).toBe(`/login?redirectTo=%2Fideas%2F${idea.id}`)

    const flag = await formRequest('/flag', { type: 'idea', id: String(idea.id), reason: 'spam', text: '', redirectTo: '//evil.example' })
    const refused = await settle(() => flagAction(args(flag)))
    expect(refused.location).toBe(`/login?redirectTo=${encodeURIComponent(`/flag?type=idea&id=${idea.id}`)}`)
  })

  test('requireUser never sends a visitor to log in with a hostile way back', async () => {
    const settled = await settle(() => requireUser(new Request(`${TEST_ORIGIN}/settings`), '/\u2028/evil.example'))
    expect(settled.location).toBe('/login?redirectTo=%2F')
  })
})

describe('session tokens', () => {
  test('the database keeps the SHA-256 of the token, never the token the cookie carries', async () => {
    const user = createUser(getDb())
    const cookie = await startSession(user.id)
    expect(cookie.value).toMatch(/^[A-Za-z0-9_-]{43}$/)
    const rows = getDb().select({ id: sessions.id }).from(sessions).where(eq(sessions.userId, user.id)).all()
    expect(rows).toEqual([{ id: createHash('sha256').update(cookie.value).digest('hex') }])
    // What a copy of the database holds does not log anyone in.
    expect(await getUser(new Request(TEST_ORIGIN, { headers: { Cookie: `summit_session=${rows[0]!.id}` } }))).toBeNull()
    expect(await getUser(new Request(TEST_ORIGIN, { headers: { Cookie: `summit_session=${cookie.value}` } }))).toMatchObject({
      id: user.id,
    })
  })

  test('logging in over an existing session ends the old one', async () => {
    const db = getDb()
    const planted = createUser(db)
    const user = createUser(db)
    const old = await startSession(planted.id)
    const post = await formRequest(
      '/login',
      { identifier: user.username, password: user.password },
      { headers: { Cookie: `summit_session=${old.value}` } },
    )
    const res = await settle(() => loginAction(args(post)))
    expect(res.status).toBe(302)
    const fresh = res.headers.get('Set-Cookie')!.match(/^summit_session=([^;]+)/)![1]!
    expect(fresh).not.toBe(old.value)
    expect(await getUser(new Request(TEST_ORIGIN, { headers: { Cookie: `summit_session=${old.value}` } }))).toBeNull()
    expect(await getUser(new Request(TEST_ORIGIN, { headers: { Cookie: `summit_session=${fresh}` } }))).toMatchObject({ id: user.id })
  })

  test('a mis-encoded or malformed session cookie is no session, and is cleared, never an error', async () => {
    for (const value of ['%E0%A4%A', '%', 'a b', '"quoted"', 'x'.repeat(500), '\u00e9t\u00e9']) {
      const request = new Request(TEST_ORIGIN, { headers: { Cookie: `other=%E0%A4%A; summit_session=${encodeURI(value)}` } })
      expect(await getUser(request)).toBeNull()
      expect(await getSessionCookieUpdate(request)).toMatch(/^summit_session=; .*Max-Age=0/)
    }
    // Someone else's mis-encoded cookie beside a good session does not log the member out.
    const user = createUser(getDb())
    const cookie = await startSession(user.id)
    const request = new Request(TEST_ORIGIN, { headers: { Cookie: `tracker=%E0%A4%A;summit_session=${cookie.value}` } })
    expect(await getUser(request)).toMatchObject({ id: user.id })
  })

  test("only the exact cookie name is a session: summit%5Fsession is someone else's cookie", async () => {
    const user = createUser(getDb())
    const cookie = await startSession(user.id)
    const request = await getRequest('/', { headers: { Cookie: `summit%5Fsession=${cookie.value}` } })
    expect(await getUser(request)).toBeNull()
  })
})

describe('carriesCredentials', () => {
  test.each([
    ['summit_session=abc', true],
    ['a=1; summit_session=abc', true],
    ['a=1;summit_session=', true],
    [' summit_session =%E0%A4%A', true],
    ['summit_session=%E0%A4%A; x=y', true],
    ['summit%5Fsession=abc', false],
    ['my_summit_session=abc', false],
    ['a=summit_session=abc', false],
    ['', false],
    [null, false],
  ])('Cookie %j → %s', (cookie, expected) => {
    expect(carriesCredentials(cookie)).toBe(expected)
  })

  test('an Authorization header counts as credentials', () => {
    expect(carriesCredentials(null, 'Bearer abc')).toBe(true)
  })
})
