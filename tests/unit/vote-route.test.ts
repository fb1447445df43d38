/** POST /ideas/:ideaId/vote, as a plain form post (a document request) and as the vote button's fetcher. */
import { createRequestHandler, type ServerBuild } from '@remix-run/node'
import { and, count, eq } from 'drizzle-orm'
import { afterEach, describe, expect, test, vi } from 'vitest'
import { ideas, ideaVotes } from '#db/schema'
import { getDb } from '~/lib/db.server'
import { NEW_ACCOUNT_VOTE_LIMIT } from '~/lib/rate-limit.server'
import { setSetting } from '~/models/settings.server'
import * as voteRoute from '~/routes/ideas.$ideaId.vote'
import { createTestIdea, createUser } from '#tests/factories'
import { formRequest, getRequest, settle } from '#tests/route-helpers'

const { action, loader } = voteRoute
const db = () => getDb()
const DOCUMENT = { Accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8' }
const FETCH = { Accept: '*/*' }

type Options = { userId?: number; origin?: string | null; headers?: Record<string, string> }
async function post(ideaId: number | string, fields: Record<string, string>, options: Options = {}) {
  const request = await formRequest(`/ideas/${ideaId}/vote`, fields, { headers: DOCUMENT, ...options })
  return settle(() => action({ request, params: { ideaId: String(ideaId) }, context: {} }))
}
const asFetcher = (userId?: number): Options => ({ userId, headers: FETCH })

const hasVoted = (ideaId: number, userId: number) =>
  db()
    .select({ n: count() })
    .from(ideaVotes)
    .where(and(eq(ideaVotes.ideaId, ideaId), eq(ideaVotes.userId, userId)))
    .get()!.n === 1
const voteCountOf = (ideaId: number) => db().select({ v: ideas.voteCount }).from(ideas).where(eq(ideas.id, ideaId)).get()!.v

function newIdea() {
  return createTestIdea(db(), { authorId: createUser(db()).id })
}

describe('a plain form post (no JavaScript)', () => {
  test('votes and redirects back to redirectTo, or to the idea; a replay of voted=true does not flip it', async () => {
    const idea = newIdea()
    const member = createUser(db())
    const first = await post(idea.id, { voted: 'true', redirectTo: '/ideas?sort=new#idea-1' }, { userId: member.id })
    expect(first).toMatchObject({ status: 302, location: '/ideas?sort=new#idea-1' })
    expect(hasVoted(idea.id, member.id)).toBe(true)
    expect(voteCountOf(idea.id)).toBe(2)

    const replay = await post(idea.id, { voted: 'true' }, { userId: member.id })
    expect(replay).toMatchObject({ status: 302, location: `/ideas/${idea.id}` })
    expect(voteCountOf(idea.id)).toBe(2)

    await post(idea.id, { voted: 'false' }, { userId: member.id })
    expect(hasVoted(idea.id, member.id)).toBe(false)
    expect(voteCountOf(idea.id)).toBe(1)
  })

  test('a redirectTo to another site is ignored', async () => {
    const idea = newIdea()
    for (const redirectTo of ['//evil.example/x', 'https://evil.example/', '/\\evil.example']) {
      expect(await post(idea.id, { voted: 'true', redirectTo }, { userId: createUser(db()).id })).toMatchObject({
        status: 302,
        location: `/ideas/${idea.id}`,
      })
    }
  })

  test('a logged-out visitor is sent to log in and brought back to the page they voted from', async () => {
    const idea = newIdea()
    const fromList = await post(idea.id, { voted: 'true', redirectTo: '/ideas?sort=trending' })
    expect(fromList).toMatchObject({ status: 302, location: `/login?${new URLSearchParams({ redirectTo: '/ideas?sort=trending' })}` })
    expect(await post(idea.id, { voted: 'true' })).toMatchObject({ status: 302, location: `/login?redirectTo=%2Fideas%2F${idea.id}` })
    // The fetcher gets the same redirect, which Remix follows as a navigation.
    expect(await post(idea.id, { voted: 'true', redirectTo: '/ideas' }, { headers: FETCH })).toMatchObject({
      status: 302,
      location: '/login?redirectTo=%2Fideas',
    })
    expect(voteCountOf(idea.id)).toBe(1)
  })

  test('missing, malformed and hidden ideas are 404; locked and merged ones 409', async () => {
    const member = createUser(db())
    expect(await post(99_999_999, { voted: 'true' }, { userId: member.id })).toMatchObject({ status: 404 })
    expect(await post('abc', { voted: 'true' }, { userId: member.id })).toMatchObject({ status: 404 })
    expect(await post('0', { voted: 'true' }, { userId: member.id })).toMatchObject({ status: 404 })
    const hidden = newIdea()
    db().update(ideas).set({ hiddenAt: new Date() }).where(eq(ideas.id, hidden.id)).run()
    expect(await post(hidden.id, { voted: 'true' }, { userId: member.id })).toMatchObject({
      status: 404,
      body: 'This idea does not exist, or it was removed.',
    })

    const locked = newIdea()
    db().update(ideas).set({ lockedAt: new Date() }).where(eq(ideas.id, locked.id)).run()
    expect(await post(locked.id, { voted: 'true' }, { userId: member.id })).toMatchObject({
      status: 409,
      body: 'This idea is locked; votes are closed.',
    })
    const merged = newIdea()
    db().update(ideas).set({ status: 'merged', mergedIntoId: locked.id }).where(eq(ideas.id, merged.id)).run()
    expect(await post(merged.id, { voted: 'true' }, { userId: member.id })).toMatchObject({ status: 409 })
  })

  test('a cross-site post is 403 and changes nothing; a suspended member is 403 with the reason', async () => {
    const idea = newIdea()
    const member = createUser(db())
    const crossSite = await post(idea.id, { voted: 'true' }, { userId: member.id, origin: 'http://evil.example' })
    expect(crossSite).toMatchObject({ status: 403, body: 'This form was sent from another site, so it was refused.' })
    const noOrigin = await post(idea.id, { voted: 'true' }, { userId: member.id, origin: null })
    expect(noOrigin.status).toBe(403)
    expect(voteCountOf(idea.id)).toBe(1)

    const suspended = createUser(db(), { suspendedUntil: new Date(Date.now() + 86_400_000), suspensionReason: 'Spam.' })
    const res = await post(idea.id, { voted: 'true' }, { userId: suspended.id })
    expect(res.status).toBe(403)
    expect(res.body).toMatch(/^Your account is suspended until \d{4}-\d\d-\d\d\. Reason: Spam\.$/)
  })

  test('a form without a valid voted field is a 400, never a 500', async () => {
    const idea = newIdea()
    const member = createUser(db())
    expect(await post(idea.id, {}, { userId: member.id })).toMatchObject({ status: 400 })
    expect(await post(idea.id, { voted: 'yes' }, { userId: member.id })).toMatchObject({ status: 400 })
    expect(await post(idea.id, { voted: 'maybe' }, asFetcher(member.id))).toMatchObject({ status: 400, body: { ok: false } })
  })

  test('GET redirects to the idea page', async () => {
    const idea = newIdea()
    const request = await getRequest(`/ideas/${idea.id}/vote`)
    const res = await settle(() => loader({ request, params: { ideaId: String(idea.id) }, context: {} }))
    expect(res).toMatchObject({ status: 302, location: `/ideas/${idea.id}` })
  })
})

describe('the vote button’s fetcher', () => {
  test('gets the new state and count as data', async () => {
    const idea = newIdea()
    const member = createUser(db())
    expect(await post(idea.id, { voted: 'true' }, asFetcher(member.id))).toMatchObject({
      status: 200,
      body: { ok: true, voted: true, voteCount: 2 },
    })
    expect(await post(idea.id, { voted: 'true' }, asFetcher(member.id))).toMatchObject({ body: { ok: true, voted: true, voteCount: 2 } })
    expect(await post(idea.id, { voted: 'false' }, asFetcher(member.id))).toMatchObject({ body: { ok: true, voted: false, voteCount: 1 } })
  })

  test('gets a refusal as data with its status, so the button can say it in place', async () => {
    const member = createUser(db())
    const locked = newIdea()
    db().update(ideas).set({ lockedAt: new Date() }).where(eq(ideas.id, locked.id)).run()
    expect(await post(locked.id, { voted: 'true' }, asFetcher(member.id))).toMatchObject({
      status: 409,
      body: { ok: false, error: 'This idea is locked; votes are closed.' },
    })
    expect(await post(99_999_998, { voted: 'true' }, asFetcher(member.id))).toMatchObject({ status: 404, body: { ok: false } })
  })
})

describe('the vote budget', () => {
  afterEach(() => {
    setSetting(db(), 'voteBudget', { enabled: false, votesPerMember: 10 })
  })

  test('over budget is a 409 that says what to do; taking a vote back frees one', async () => {
    const member = createUser(db())
    const [a, b, c] = [newIdea(), newIdea(), newIdea()]
    setSetting(db(), 'voteBudget', { enabled: true, votesPerMember: 2 })
    expect(await post(a.id, { voted: 'true' }, asFetcher(member.id))).toMatchObject({ body: { ok: true, voted: true } })
    await post(b.id, { voted: 'true' }, asFetcher(member.id))
    const message = 'You have used all 2 of your votes. Votes come back when ideas ship or are declined; you can also take back a vote.'
    expect(await post(c.id, { voted: 'true' }, asFetcher(member.id))).toMatchObject({ status: 409, body: { ok: false, error: message } })
    expect(await post(c.id, { voted: 'true' }, { userId: member.id })).toMatchObject({ status: 409, body: message })
    // Taking a vote back is always allowed, and frees one.
    expect(await post(a.id, { voted: 'false' }, asFetcher(member.id))).toMatchObject({ body: { ok: true, voted: false } })
    expect(await post(c.id, { voted: 'true' }, asFetcher(member.id))).toMatchObject({ status: 200, body: { voted: true } })
  })
})

test('more than 20 votes a minute from a day-old account is a 429 with Retry-After and a clear message', async () => {
  const member = createUser(db()) // created now: the stricter limit for new accounts applies
  const idea = newIdea()
  for (let i = 0; i < NEW_ACCOUNT_VOTE_LIMIT.limit; i++) {
    expect((await post(idea.id, { voted: String(i % 2 === 0) }, asFetcher(member.id))).status).toBe(200)
  }
  const fetcher = await post(idea.id, { voted: 'true' }, asFetcher(member.id))
  expect(fetcher.status).toBe(429)
  expect(Number(fetcher.headers.get('Retry-After'))).toBeGreaterThan(0)
  const message = /^You are voting very fast: at most 20 votes a minute\. Try again in \d+ seconds?\.$/
  expect(fetcher.body).toMatchObject({ ok: false, error: expect.stringMatching(message) })
  const document = await post(idea.id, { voted: 'true' }, { userId: member.id })
  expect(document.status).toBe(429)
  expect(document.headers.get('Retry-After')).toMatch(/^\d+$/)
  expect(voteCountOf(idea.id)).toBe(1) // the last counted request took the vote back; the refused ones changed nothing
})

/**
 * Remix's own request handler (single fetch on) over a build holding just this route: the HTTP
 * answer as the server sends it, which reading `data()`'s status in the tests above cannot show.
 * The button's fetcher posts to `/ideas/:id/vote.data`; a fetch() of `/ideas/:id/vote` reaches the
 * route as a resource route.
 */
describe('the HTTP answer through Remix', () => {
  const ROUTE_ID = 'routes/ideas.$ideaId.vote'
  const handle = createRequestHandler({
    mode: 'production',
    entry: { module: { default: () => new Response('no documents here', { status: 500 }) } },
    routes: {
      root: { id: 'root', path: '', module: { default: () => null } },
      [ROUTE_ID]: { id: ROUTE_ID, parentId: 'root', path: 'ideas/:ideaId/vote', module: voteRoute },
    },
    assets: { entry: { imports: [], module: '' }, routes: {}, url: '', version: 'test' },
    future: { v3_singleFetch: true },
    publicPath: '/',
    assetsBuildDirectory: 'build/client',
    isSpaMode: false,
  } as unknown as ServerBuild)

  async function send(path: string, fields: Record<string, string>, userId: number) {
    const request = await formRequest(path, fields, { userId, headers: { ...FETCH, Host: 'localhost:3000' } })
    const response = await handle(request, {})
    return { status: response.status, retryAfter: response.headers.get('Retry-After'), text: await response.text() }
  }

  test('a refusal keeps its status, and a 429 its Retry-After, for the button’s .data request and for a fetch() of the route', async () => {
    const member = createUser(db())
    const idea = newIdea()
    for (const suffix of ['.data', '']) {
      const path = `/ideas/${idea.id}/vote${suffix}`
      expect(await send(path, { voted: 'maybe' }, member.id)).toMatchObject({
        status: 400,
        text: expect.stringContaining('Send voted=true'),
      })
      expect(await send(`/ideas/99999997/vote${suffix}`, { voted: 'true' }, member.id)).toMatchObject({
        status: 404,
        text: expect.stringContaining('This idea does not exist'),
      })
    }
    const fast = createUser(db()) // a new account: 20 votes a minute
    for (let i = 0; i < NEW_ACCOUNT_VOTE_LIMIT.limit; i++) {
      expect((await send(`/ideas/${idea.id}/vote.data`, { voted: String(i % 2 === 0) }, fast.id)).status).toBe(200)
    }
    for (const suffix of ['.data', '']) {
      const refused = await send(`/ideas/${idea.id}/vote${suffix}`, { voted: 'true' }, fast.id)
      expect(refused).toMatchObject({ status: 429, text: expect.stringContaining('You are voting very fast') })
      expect(Number(refused.retryAfter)).toBeGreaterThan(0)
    }
  })

  test('a vote is answered as data for the .data request and as JSON for a fetch() of the route, with nothing logged', async () => {
    const member = createUser(db())
    const idea = newIdea()
    const warn = vi.spyOn(console, 'warn')
    try {
      const viaData = await send(`/ideas/${idea.id}/vote.data`, { voted: 'true' }, member.id)
      expect(viaData.status).toBe(200)
      expect(viaData.text).toContain('voteCount')
      const viaFetch = await send(`/ideas/${idea.id}/vote`, { voted: 'false' }, member.id)
      expect(viaFetch.status).toBe(200)
      expect(JSON.parse(viaFetch.text)).toEqual({ ok: true, voted: false, voteCount: 1 })
      expect(warn).not.toHaveBeenCalled() // Remix warns on every plain object a resource route returns
    } finally {
      warn.mockRestore()
    }
  })
})
