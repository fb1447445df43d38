/**
 * Tracker links (the model and its API routes) and inbound hooks: the calls a tracker makes to move
 * linked ideas, through the real route with real Requests: signatures, the timestamp tolerance,
 * replays, the bearer secret, revoked hooks, and the status change every voter is told about.
 */
import { and, eq } from 'drizzle-orm'
import { Webhook } from 'standardwebhooks'
import { describe, expect, test } from 'vitest'
import { ideaLinks, ideas, ideaStatusChanges, inboundHooks, moderationLog, notifications, users } from '#db/schema'
import { getDb } from '~/lib/db.server'
import { createApiToken } from '~/models/api-tokens.server'
import { addIdeaLink, DuplicateLinkError, findLinksByUrl, listIdeaLinks, removeIdeaLink, updateIdeaLink } from '~/models/idea-links.server'
import { createInboundHook, listInboundHooks, revokeInboundHook } from '~/models/inbound-hooks.server'
import { changeIdeaStatus } from '~/models/idea-status.server'
import { setIdeaVote } from '~/models/votes.server'
import { action as inboundAction } from '~/routes/api.v1.inbound.$hookId'
import { action as linksAction, loader as linksLoader } from '~/routes/api.v1.ideas.$ideaId.links'
import { action as linkAction } from '~/routes/api.v1.ideas.$ideaId.links.$linkId'
import { action as pageAction, loader as pageLoader } from '~/routes/ideas.$ideaId/route'
import { action as adminAction, loader as adminLoader } from '~/routes/admin.webhooks.inbound'
import { IdeaLinkCreateBody, InboundCallBody } from '~/schemas/api-links'
import { createTestIdea, createUser, unique } from '#tests/factories'
import { formRequest, getRequest, settle, TEST_ORIGIN } from '#tests/route-helpers'

const db = () => getDb()
const MINUTE = 60_000

function setup() {
  const admin = createUser(db(), { role: 'admin' })
  const author = createUser(db())
  const voter = createUser(db())
  const idea = createTestIdea(db(), { authorId: author.id })
  setIdeaVote(db(), { ideaId: idea.id, userId: voter.id, voted: true })
  const hook = createInboundHook(db(), { actorId: admin.id, name: 'GitHub issues' })
  const url = `https://github.com/acme/app/issues/${unique('')}`
  return { admin, author, voter, idea, hook, url }
}

function signedRequest(hookId: number, secret: string, body: string, { id = `msg_${unique('')}`, at = new Date() } = {}) {
  return new Request(`${TEST_ORIGIN}/api/v1/inbound/${hookId}`, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/json',
      'webhook-id': id,
      'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
      'webhook-signature': new Webhook(secret).sign(id, at, body),
    },
    body,
  })
}

function bearerRequest(hookId: number | string, secret: string | null, body: string) {
  return new Request(`${TEST_ORIGIN}/api/v1/inbound/${hookId}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...(secret ? { Authorization: `Bearer ${secret}` } : {}) },
    body,
  })
}

const call = (request: Request, hookId: number | string) =>
  settle(() => inboundAction({ request, params: { hookId: String(hookId) }, context: {} }))
const statusOf = (ideaId: number) => db().select({ status: ideas.status }).from(ideas).where(eq(ideas.id, ideaId)).get()!.status
const statusNotices = (userId: number, ideaId: number) =>
  db()
    .select()
    .from(notifications)
    .where(and(eq(notifications.userId, userId), eq(notifications.kind, 'idea_status'), eq(notifications.subjectId, ideaId)))
    .all()
const changesOf = (ideaId: number) => db().select().from(ideaStatusChanges).where(eq(ideaStatusChanges.ideaId, ideaId)).all()

describe('tracker links', () => {
  test('are added, listed in order, changed and removed, with add and remove in the moderation log', () => {
    const product = createUser(db(), { role: 'product' })
    const idea = createTestIdea(db(), { authorId: createUser(db()).id })
    const a = addIdeaLink(db(), {
      ideaId: idea.id,
      actorId: product.id,
      url: 'https://linear.app/acme/issue/ENG-1',
      title: 'ENG-1 Dark mode',
      state: 'Todo',
    })
    const b = addIdeaLink(db(), {
      ideaId: idea.id,
      actorId: product.id,
      url: 'https://acme.atlassian.net/browse/APP-7',
      title: 'APP-7',
      state: '',
    })
    expect(listIdeaLinks(db(), idea.id).map((l) => l.id)).toEqual([a.id, b.id])
    const changed = updateIdeaLink(db(), { ideaId: idea.id, linkId: a.id, state: 'Done' })
    expect(changed).toMatchObject({ id: a.id, title: 'ENG-1 Dark mode', state: 'Done' })
    removeIdeaLink(db(), { ideaId: idea.id, linkId: b.id, actorId: product.id })
    expect(listIdeaLinks(db(), idea.id).map((l) => [l.id, l.state])).toEqual([[a.id, 'Done']])
    const log = db()
      .select()
      .from(moderationLog)
      .where(and(eq(moderationLog.targetType, 'idea'), eq(moderationLog.targetId, idea.id)))
      .all()
    expect(log.map((e) => e.action)).toEqual(['idea_link.add', 'idea_link.add', 'idea_link.remove'])
    expect(log[2]!.before).toMatchObject({ linkId: b.id, url: 'https://acme.atlassian.net/browse/APP-7' })
  })

  test('the same address twice on one idea is a field error on url; on another idea it is a second link', () => {
    const product = createUser(db(), { role: 'product' })
    const first = createTestIdea(db(), { authorId: product.id })
    const second = createTestIdea(db(), { authorId: product.id })
    const url = `https://github.com/acme/app/issues/${unique('')}`
    addIdeaLink(db(), { ideaId: first.id, actorId: product.id, url, title: 'Issue', state: 'open' })
    let thrown: unknown
    try {
      addIdeaLink(db(), { ideaId: first.id, actorId: product.id, url, title: 'Again', state: '' })
    } catch (error) {
      thrown = error
    }
    expect(thrown).toBeInstanceOf(DuplicateLinkError)
    expect(thrown).toMatchObject({ status: 409, field: 'url' })
    addIdeaLink(db(), { ideaId: second.id, actorId: product.id, url, title: 'Issue', state: 'open' })
    expect(findLinksByUrl(db(), url).map((l) => l.ideaId)).toEqual([first.id, second.id])
  })

  test('an unknown idea, or a link of another idea, is a 404', () => {
    const product = createUser(db(), { role: 'product' })
    const idea = createTestIdea(db(), { authorId: product.id })
    const other = createTestIdea(db(), { authorId: product.id })
    const link = addIdeaLink(db(), { ideaId: other.id, actorId: product.id, url: 'https://example.com/1', title: 'One', state: '' })
    expect(() =>
      addIdeaLink(db(), { ideaId: 999_999, actorId: product.id, url: 'https://example.com/2', title: 'Two', state: '' }),
    ).toThrow(/does not exist/)
    expect(() => updateIdeaLink(db(), { ideaId: idea.id, linkId: link.id, state: 'x' })).toThrow(/link does not exist/)
    expect(() => removeIdeaLink(db(), { ideaId: idea.id, linkId: link.id, actorId: product.id })).toThrow(/link does not exist/)
  })

  test('only http and https addresses of at most 500 characters, and a title of 1 to 200, are accepted', () => {
    const ok = (url: string, title = 'T') => IdeaLinkCreateBody.safeParse({ url, title }).success
    expect(ok('https://github.com/acme/app/issues/1')).toBe(true)
    expect(ok('  http://jira.example.com/browse/APP-1  ')).toBe(true)
    expect(ok('javascript:alert(1)')).toBe(false)
    expect(ok('ftp://example.com/x')).toBe(false)
    expect(ok('not a url')).toBe(false)
    expect(ok(`https://example.com/${'x'.repeat(490)}`)).toBe(false)
    expect(ok('https://example.com', '')).toBe(false)
    expect(ok('https://example.com', 'x'.repeat(201))).toBe(false)
  })

  test('a lookup by address uses the url index', () => {
    const plan = db()
      .$client.prepare('explain query plan select id from idea_links where url = ? order by id')
      .all('https://example.com') as { detail: string }[]
    expect(plan.map((p) => p.detail).join(' ')).toContain('idea_links_url_idx')
  })
})

describe('the idea page', () => {
  const post = async (ideaId: number, fields: Record<string, string>, userId: number) =>
    settle(async () =>
      pageAction({ request: await formRequest(`/ideas/${ideaId}`, fields, { userId }), params: { ideaId: String(ideaId) }, context: {} }),
    )
  const view = async (ideaId: number, userId?: number) =>
    (
      await settle(async () =>
        pageLoader({ request: await getRequest(`/ideas/${ideaId}`, { userId }), params: { ideaId: String(ideaId) }, context: {} }),
      )
    ).body as {
      trackerLinks: { id: number; url: string; state: string }[] | null
    }

  test('the product team adds, changes and removes links with form posts; members neither see nor post them', async () => {
    const product = createUser(db(), { role: 'product' })
    const member = createUser(db())
    const idea = createTestIdea(db(), { authorId: member.id })
    const url = `https://github.com/acme/app/issues/${unique('')}`
    expect(await post(idea.id, { intent: 'add-link', url, title: 'Issue', state: 'open' }, product.id)).toMatchObject({
      status: 302,
      location: `/ideas/${idea.id}#tracker-links`,
    })
    const [link] = (await view(idea.id, product.id)).trackerLinks!
    expect(link).toMatchObject({ url, state: 'open' })
    expect((await post(idea.id, { intent: 'update-link', linkId: String(link!.id), state: 'closed' }, product.id)).status).toBe(302)
    expect((await view(idea.id, product.id)).trackerLinks![0]!.state).toBe('closed')
    expect((await view(idea.id, member.id)).trackerLinks).toBeNull()
    expect((await view(idea.id)).trackerLinks).toBeNull()
    expect((await post(idea.id, { intent: 'remove-link', linkId: String(link!.id) }, member.id)).status).toBe(403)
    expect((await post(idea.id, { intent: 'add-link', url: `${url}1`, title: 'x', state: '' }, member.id)).status).toBe(403)
    expect((await post(idea.id, { intent: 'remove-link', linkId: String(link!.id) }, product.id)).status).toBe(302)
    expect((await view(idea.id, product.id)).trackerLinks).toEqual([])
  })

  test('a bad address is a 400 and a duplicate a 409, each with its message on url and the text kept', async () => {
    const product = createUser(db(), { role: 'product' })
    const idea = createTestIdea(db(), { authorId: product.id })
    const bad = await post(idea.id, { intent: 'add-link', url: 'javascript:alert(1)', title: 'Evil', state: '' }, product.id)
    expect(bad).toMatchObject({
      status: 400,
      body: {
        intent: 'add-link',
        fields: { url: 'javascript:alert(1)', title: 'Evil' },
        fieldErrors: { url: ['Enter an http:// or https:// address.'] },
      },
    })
    const url = 'https://example.com/issue/1'
    await post(idea.id, { intent: 'add-link', url, title: 'One', state: '' }, product.id)
    const twice = await post(idea.id, { intent: 'add-link', url, title: 'Again', state: '' }, product.id)
    expect(twice).toMatchObject({
      status: 409,
      body: { intent: 'add-link', fields: { title: 'Again' }, fieldErrors: { url: ['This idea is already linked to that address.'] } },
    })
    expect((await post(idea.id, { intent: 'update-link', linkId: '999999', state: 'x' }, product.id)).status).toBe(404)
    expect((await post(idea.id, { intent: 'update-link', linkId: 'abc', state: 'x' }, product.id)).status).toBe(400)
  })
})

describe('the links API', () => {
  async function tokenFor(role: 'member' | 'product') {
    const user = createUser(db(), { role })
    return { user, token: createApiToken(db(), { userId: user.id, role, name: 'links', scopes: ['read', 'write'], expiresAt: null }).token }
  }
  const apiRequest = (path: string, token: string, method = 'GET', body?: unknown) =>
    new Request(`${TEST_ORIGIN}/api/v1${path}`, {
      method,
      headers: { Authorization: `Bearer ${token}`, ...(body ? { 'Content-Type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    })

  test('the product team adds, lists, changes and removes links; a duplicate is a 409 with the error on url', async () => {
    const { token } = await tokenFor('product')
    const idea = createTestIdea(db(), { authorId: createUser(db()).id })
    const params = { ideaId: String(idea.id) }
    const body = { url: 'https://github.com/acme/app/issues/42', title: 'Issue 42', state: 'open' }
    const added = await settle(() =>
      linksAction({ request: apiRequest(`/ideas/${idea.id}/links`, token, 'POST', body), params, context: {} }),
    )
    expect(added).toMatchObject({ status: 201, body: { ideaId: idea.id, ...body } })
    const id = (added.body as { id: number }).id
    const again = await settle(() =>
      linksAction({ request: apiRequest(`/ideas/${idea.id}/links`, token, 'POST', body), params, context: {} }),
    )
    expect(again).toMatchObject({ status: 409, body: { errors: { url: ['This idea is already linked to that address.'] } } })
    const patched = await settle(() =>
      linkAction({
        request: apiRequest(`/ideas/${idea.id}/links/${id}`, token, 'PATCH', { state: 'closed' }),
        params: { ...params, linkId: String(id) },
        context: {},
      }),
    )
    expect(patched).toMatchObject({ status: 200, body: { id, state: 'closed', title: 'Issue 42' } })
    const list = await settle(() => linksLoader({ request: apiRequest(`/ideas/${idea.id}/links`, token), params, context: {} }))
    expect(list).toMatchObject({ status: 200, body: { items: [{ id, state: 'closed' }] } })
    const removed = await settle(() =>
      linkAction({
        request: apiRequest(`/ideas/${idea.id}/links/${id}`, token, 'DELETE'),
        params: { ...params, linkId: String(id) },
        context: {},
      }),
    )
    expect(removed.status).toBe(204)
    const gone = await settle(() =>
      linkAction({
        request: apiRequest(`/ideas/${idea.id}/links/${id}`, token, 'DELETE'),
        params: { ...params, linkId: String(id) },
        context: {},
      }),
    )
    expect(gone.status).toBe(404)
  })

  test('a member gets 403, and a bad body 422 with its fields', async () => {
    const member = await tokenFor('member')
    const product = await tokenFor('product')
    const idea = createTestIdea(db(), { authorId: member.user.id })
    const params = { ideaId: String(idea.id) }
    expect(
      (await settle(() => linksLoader({ request: apiRequest(`/ideas/${idea.id}/links`, member.token), params, context: {} }))).status,
    ).toBe(403)
    const bad = await settle(() =>
      linksAction({
        request: apiRequest(`/ideas/${idea.id}/links`, product.token, 'POST', { url: 'javascript:alert(1)', title: '' }),
        params,
        context: {},
      }),
    )
    expect(bad).toMatchObject({
      status: 422,
      body: { errors: { url: ['Enter an http:// or https:// address.'], title: ['Enter a title.'] } },
    })
  })
})

describe('inbound hooks', () => {
  test('a signed call with the issue URL ships every linked idea, stores the link state and notifies every voter', async () => {
    const { admin, voter, author, idea, hook, url } = setup()
    const link = addIdeaLink(db(), { ideaId: idea.id, actorId: admin.id, url, title: 'Issue', state: 'open' })
    const body = JSON.stringify({ linkUrl: url, status: 'shipped', linkState: 'closed', note: 'Out in 2.4.' })
    const res = await call(signedRequest(hook.id, hook.secret, body), hook.id)
    expect(res).toMatchObject({
      status: 200,
      body: { ideas: [{ id: idea.id, status: 'shipped', changed: true }], links: [{ id: link.id, ideaId: idea.id, url, state: 'closed' }] },
    })
    expect(statusOf(idea.id)).toBe('shipped')
    expect(statusNotices(voter.id, idea.id)).toHaveLength(1)
    expect(statusNotices(author.id, idea.id)).toHaveLength(1)
    expect(changesOf(idea.id)).toMatchObject([{ fromStatus: 'open', toStatus: 'shipped', actorId: admin.id, noteMd: 'Out in 2.4.' }])
    expect(listIdeaLinks(db(), idea.id)[0]!.state).toBe('closed')
    expect(listInboundHooks(db()).find((h) => h.id === hook.id)!.lastUsedAt).not.toBeNull()
  })

  test('a wrong signature, a signature by another secret, an old timestamp and no credentials are 401s that change nothing', async () => {
    const { idea, hook } = setup()
    const other = setup().hook
    const body = JSON.stringify({ ideaId: idea.id, status: 'planned' })
    const tampered = signedRequest(hook.id, hook.secret, body)
    tampered.headers.set('webhook-signature', 'v1,' + Buffer.alloc(32).toString('base64'))
    expect((await call(tampered, hook.id)).status).toBe(401)
    expect((await call(signedRequest(hook.id, other.secret, body), hook.id)).status).toBe(401)
    const old = await call(signedRequest(hook.id, hook.secret, body, { at: new Date(Date.now() - 10 * MINUTE) }), hook.id)
    expect(old).toMatchObject({ status: 401, body: { detail: expect.stringMatching(/too old/) } })
    expect((await call(signedRequest(hook.id, hook.secret, body, { at: new Date(Date.now() + 10 * MINUTE) }), hook.id)).status).toBe(401)
    expect((await call(bearerRequest(hook.id, null, body), hook.id)).status).toBe(401)
    // The body is what was signed: another body under the same headers does not pass.
    const swapped = signedRequest(hook.id, hook.secret, body)
    const forged = new Request(swapped.url, {
      method: 'POST',
      headers: swapped.headers,
      body: JSON.stringify({ ideaId: idea.id, status: 'declined' }),
    })
    expect((await call(forged, hook.id)).status).toBe(401)
    expect(statusOf(idea.id)).toBe('open')
  })

  test('a replayed webhook-id is refused with 409 and moves nothing a second time', async () => {
    const { idea, hook } = setup()
    const body = JSON.stringify({ ideaId: idea.id, status: 'planned' })
    const id = `msg_${unique('')}`
    expect((await call(signedRequest(hook.id, hook.secret, body, { id }), hook.id)).status).toBe(200)
    changeIdeaStatus(db(), { ideaId: idea.id, actorId: setup().admin.id, toStatus: 'open' })
    const replay = await call(signedRequest(hook.id, hook.secret, body, { id }), hook.id)
    expect(replay).toMatchObject({ status: 409, body: { detail: expect.stringMatching(/received before/) } })
    expect(statusOf(idea.id)).toBe('open')
    // The same id on another hook is another message.
    const other = createInboundHook(db(), { actorId: setup().admin.id, name: 'Jira' })
    expect((await call(signedRequest(other.id, other.secret, body, { id }), other.id)).status).toBe(200)
  })

  test('the secret as a bearer works (for trackers that cannot sign); a wrong one is a 401', async () => {
    const { idea, hook, voter } = setup()
    const body = JSON.stringify({ ideaId: idea.id, status: 'in_progress' })
    expect((await call(bearerRequest(hook.id, `${hook.secret}x`, body), hook.id)).status).toBe(401)
    expect((await call(bearerRequest(hook.id, 'whsec_AAAA', body), hook.id)).status).toBe(401)
    expect(await call(bearerRequest(hook.id, hook.secret, body), hook.id)).toMatchObject({
      status: 200,
      body: { ideas: [{ id: idea.id, status: 'in_progress', changed: true }] },
    })
    expect(statusNotices(voter.id, idea.id)).toHaveLength(1)
  })

  test('a revoked or unknown hook is a 404, whatever the credentials', async () => {
    const { admin, idea, hook } = setup()
    revokeInboundHook(db(), { actorId: admin.id, id: hook.id })
    revokeInboundHook(db(), { actorId: admin.id, id: hook.id })
    const body = JSON.stringify({ ideaId: idea.id, status: 'planned' })
    expect((await call(signedRequest(hook.id, hook.secret, body), hook.id)).status).toBe(404)
    expect((await call(bearerRequest(hook.id, hook.secret, body), hook.id)).status).toBe(404)
    expect((await call(bearerRequest(999_999, hook.secret, body), 999_999)).status).toBe(404)
    expect((await call(bearerRequest('abc', hook.secret, body), 'abc')).status).toBe(404)
    expect(statusOf(idea.id)).toBe('open')
    const log = db()
      .select()
      .from(moderationLog)
      .where(and(eq(moderationLog.targetType, 'inbound_hook'), eq(moderationLog.targetId, hook.id)))
      .all()
    expect(log.map((e) => e.action)).toEqual(['inbound_hook.create', 'inbound_hook.revoke'])
    expect(JSON.stringify(log)).not.toContain(hook.secret)
  })

  test('the same status again is a 200 that changes nothing and tells nobody', async () => {
    const { idea, hook, voter, url, admin } = setup()
    addIdeaLink(db(), { ideaId: idea.id, actorId: admin.id, url, title: 'Issue', state: 'open' })
    const body = () => JSON.stringify({ linkUrl: url, status: 'shipped' })
    expect((await call(signedRequest(hook.id, hook.secret, body()), hook.id)).status).toBe(200)
    const again = await call(signedRequest(hook.id, hook.secret, body()), hook.id)
    expect(again).toMatchObject({ status: 200, body: { ideas: [{ id: idea.id, status: 'shipped', changed: false }] } })
    expect(changesOf(idea.id)).toHaveLength(1)
    expect(statusNotices(voter.id, idea.id)).toHaveLength(1)
  })

  test('a creator who may no longer change statuses makes the hook answer 403', async () => {
    const { admin, idea, hook } = setup()
    db().update(users).set({ role: 'member' }).where(eq(users.id, admin.id)).run()
    const res = await call(bearerRequest(hook.id, hook.secret, JSON.stringify({ ideaId: idea.id, status: 'planned' })), hook.id)
    expect(res).toMatchObject({ status: 403, body: { detail: expect.stringMatching(/no longer/) } })
    expect(statusOf(idea.id)).toBe('open')
  })

  test('with ideaId and linkUrl the missing link is added; a URL no idea is linked to touches nothing', async () => {
    const { idea, hook, url } = setup()
    const added = await call(
      bearerRequest(hook.id, hook.secret, JSON.stringify({ ideaId: idea.id, linkUrl: url, linkTitle: 'Issue #9', linkState: 'open' })),
      hook.id,
    )
    expect(added).toMatchObject({
      status: 200,
      body: { ideas: [{ id: idea.id, changed: false }], links: [{ ideaId: idea.id, url, title: 'Issue #9', state: 'open' }] },
    })
    expect(listIdeaLinks(db(), idea.id)).toHaveLength(1)
    const nothing = await call(bearerRequest(hook.id, hook.secret, JSON.stringify({ linkUrl: `${url}0`, status: 'shipped' })), hook.id)
    expect(nothing).toMatchObject({ status: 200, body: { ideas: [], links: [] } })
    expect((await call(bearerRequest(hook.id, hook.secret, JSON.stringify({ ideaId: 999_999, status: 'shipped' })), hook.id)).status).toBe(
      404,
    )
  })

  test('bad bodies are 4xx problems after authentication, never 5xx', async () => {
    const { idea, hook } = setup()
    const send = async (body: string, type = 'application/json') => {
      const request = bearerRequest(hook.id, hook.secret, body)
      request.headers.set('Content-Type', type)
      return (await call(request, hook.id)).status
    }
    expect(await send('{')).toBe(400)
    expect(await send('{}')).toBe(422)
    expect(await send(JSON.stringify({ ideaId: idea.id, status: 'merged' }))).toBe(422)
    expect(await send(JSON.stringify({ ideaId: idea.id, extra: 1 }))).toBe(422)
    expect(await send(JSON.stringify({ ideaId: idea.id, note: 'without a status' }))).toBe(422)
    expect(await send(JSON.stringify({ linkUrl: 'javascript:alert(1)' }))).toBe(422)
    expect(await send(JSON.stringify({ ideaId: idea.id }), 'text/plain')).toBe(415)
    expect(await send(JSON.stringify({ ideaId: idea.id, pad: 'x'.repeat(70_000) }))).toBe(413)
    // A signed message whose body is not JSON passes the signature and is then refused as a body.
    expect((await call(signedRequest(hook.id, hook.secret, 'not json'), hook.id)).status).toBe(400)
    expect(InboundCallBody.safeParse({ ideaId: idea.id, linkState: 'Done' }).success).toBe(false)
    expect(statusOf(idea.id)).toBe('open')
    expect(db().select().from(ideaLinks).where(eq(ideaLinks.ideaId, idea.id)).all()).toHaveLength(0)
    expect(db().select().from(inboundHooks).where(eq(inboundHooks.id, hook.id)).get()!.revokedAt).toBeNull()
  })
})

describe('/admin/webhooks/inbound', () => {
  const post = async (fields: Record<string, string>, userId: number) =>
    settle(async () => adminAction({ request: await formRequest('/admin/webhooks/inbound', fields, { userId }), params: {}, context: {} }))

  test('an admin makes a hook (its secret shown once, never in the loader) and revokes it; others are refused', async () => {
    const admin = createUser(db(), { role: 'admin' })
    const product = createUser(db(), { role: 'product' })
    const made = await post({ intent: 'create', name: 'GitHub issues' }, admin.id)
    const { created } = made.body as { created: { id: number; secret: string; url: string } }
    expect(created.secret).toMatch(/^whsec_/)
    expect(created.url).toBe(`${TEST_ORIGIN}/api/v1/inbound/${created.id}`)
    const page = await settle(async () =>
      adminLoader({ request: await getRequest('/admin/webhooks/inbound', { userId: admin.id }), params: {}, context: {} }),
    )
    expect(JSON.stringify(page.body)).not.toContain(created.secret)
    expect(page.body).toMatchObject({
      hooks: expect.arrayContaining([expect.objectContaining({ id: created.id, name: 'GitHub issues', revokedAt: null })]),
    })
    expect((await post({ intent: 'create', name: '' }, admin.id)).status).toBe(400)
    expect((await post({ intent: 'create', name: 'Mine' }, product.id)).status).toBe(403)
    expect((await post({ intent: 'revoke', hookId: String(created.id) }, product.id)).status).toBe(403)
    expect(
      (
        await settle(async () =>
          adminLoader({ request: await getRequest('/admin/webhooks/inbound', { userId: product.id }), params: {}, context: {} }),
        )
      ).status,
    ).toBe(403)
    expect(await post({ intent: 'revoke', hookId: String(created.id) }, admin.id)).toMatchObject({
      status: 302,
      location: '/admin/webhooks/inbound?done=revoked',
    })
    expect((await post({ intent: 'revoke', hookId: '999999' }, admin.id)).status).toBe(404)
    expect((await call(bearerRequest(created.id, created.secret, JSON.stringify({ ideaId: 1 })), created.id)).status).toBe(404)
  })
})
