import http from 'node:http'
import { type AddressInfo } from 'node:net'
import { eq } from 'drizzle-orm'
import { Webhook } from 'standardwebhooks'
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest'
import { moderationLog, notifications, webhookDeliveries, webhookEndpoints } from '#db/schema'
import { getDb } from '~/lib/db.server'
import { isPrivateAddress, postWebhook } from '~/lib/webhook-delivery.server'
import { acceptAnswer } from '~/models/answers.server'
import { signInWithIdentity } from '~/models/identities.server'
import { mergeIdea } from '~/models/idea-merge.server'
import { changeIdeaStatus } from '~/models/idea-status.server'
import { setSetting } from '~/models/settings.server'
import { setIdeaVote } from '~/models/votes.server'
import {
  CLAIM_MS,
  deliverDueWebhooks,
  ENDPOINT_DISABLE_MS,
  releaseInterruptedDeliveries,
  RETRY_DELAYS_MS,
} from '~/models/webhook-worker.server'
import { queueWebhookEvent } from '~/models/webhook-events.server'
import {
  createWebhookEndpoint,
  type EndpointInput,
  listWebhookDeliveries,
  redeliverWebhook,
  rotateWebhookSecret,
  sendTestWebhook,
} from '~/models/webhooks.server'
import { action as indexAction, loader as indexLoader } from '~/routes/admin.webhooks._index'
import { action as endpointAction, loader as endpointLoader } from '~/routes/admin.webhooks.$endpointId'
import { createTestAnswer, createTestComment, createTestIdea, createTestQuestion, createUser } from '#tests/factories'
import { formRequest, getRequest, settle } from '#tests/route-helpers'

const db = () => getDb()
const MINUTE = 60_000

type Received = { headers: http.IncomingHttpHeaders; body: string; path: string }
/** What the receiver does with the next requests, in order; then it answers 200. */
let script: Array<'500' | 'hang' | { redirect: string }> = []
const received: Received[] = []
let receiver: http.Server
let base = ''

beforeAll(async () => {
  receiver = http.createServer((req, res) => {
    let body = ''
    req.on('data', (c: Buffer) => (body += c.toString()))
    req.on('end', () => {
      received.push({ headers: req.headers, body, path: req.url ?? '' })
      const step = script.shift()
      if (step === 'hang') return // never answers
      if (step === '500') return void res.writeHead(500).end('receiver broke: ' + 'x'.repeat(2000))
      if (step && typeof step === 'object') return void res.writeHead(302, { location: step.redirect }).end()
      res.writeHead(200, { 'content-type': 'text/plain' }).end('thanks')
    })
  })
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve))
  base = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`
})

afterAll(async () => {
  receiver.closeAllConnections()
  await new Promise((resolve) => receiver.close(resolve))
})

beforeEach(() => {
  db().delete(webhookEndpoints).run()
  received.length = 0
  script = []
  allowPrivate(true)
})

function allowPrivate(allowPrivateTargets: boolean) {
  expect(setSetting(db(), 'webhooks', { allowPrivateTargets }).ok).toBe(true)
}

function addEndpoint(input: Partial<EndpointInput> = {}) {
  const admin = createUser(db(), { role: 'admin' })
  const created = createWebhookEndpoint(db(), {
    actorId: admin.id,
    input: {
      url: `${base}/hook`,
      description: 'test receiver',
      kind: 'standard',
      events: ['idea.created', 'idea.status_changed', 'idea.voted'],
      ...input,
    },
  })
  return { ...created, admin }
}

function deliveries(endpointId: number) {
  return db().select().from(webhookDeliveries).where(eq(webhookDeliveries.endpointId, endpointId)).orderBy(webhookDeliveries.id).all()
}

function verify(secret: string, r: Received) {
  return new Webhook(secret).verify(r.body, r.headers as Record<string, string>) as { type: string; data: Record<string, unknown> }
}

test('an idea status change is signed per Standard Webhooks and verifies with the endpoint secret', async () => {
  const { id, secret, admin } = addEndpoint()
  const author = createUser(db())
  const idea = createTestIdea(db(), { authorId: author.id, title: 'Dark mode for the dashboard' })
  changeIdeaStatus(db(), { ideaId: idea.id, actorId: admin.id, toStatus: 'planned', noteMd: 'Next quarter.' })
  const report = await deliverDueWebhooks(db())
  expect(report).toMatchObject({ delivered: 2, retried: 0 })
  const events = received.map((r) => verify(secret, r))
  expect(events.map((e) => e.type)).toEqual(['idea.created', 'idea.status_changed'])
  expect(events[1]!.data).toMatchObject({
    idea: {
      id: idea.id,
      title: 'Dark mode for the dashboard',
      status: 'planned',
      url: `/ideas/${idea.id}`,
      author: { username: author.username },
    },
    fromStatus: 'open',
    toStatus: 'planned',
  })
  expect(received[1]!.body).not.toContain(author.email)
  expect(received[0]!.headers['webhook-id']).toMatch(/^msg_/)
  expect(() =>
    new Webhook(rotateWebhookSecret(db(), { actorId: admin.id, id }).secret).verify(
      received[0]!.body,
      received[0]!.headers as Record<string, string>,
    ),
  ).toThrow()
  const log = listWebhookDeliveries(db(), { endpointId: id })
  expect(log.items[0]).toMatchObject({ eventType: 'idea.status_changed', lastStatus: 200, lastResponse: 'thanks' })
  expect(log.items[0]!.deliveredAt).toBeInstanceOf(Date)
})

test('a failed delivery is retried with backoff, keeps its webhook-id, and logs a short excerpt', async () => {
  const { id, secret } = addEndpoint()
  const author = createUser(db())
  const now = new Date('2030-01-01T00:00:00Z')
  createTestIdea(db(), { authorId: author.id, now })
  script = ['500']
  expect(await deliverDueWebhooks(db(), { now, random: () => 0.5 })).toMatchObject({ delivered: 0, retried: 1 })
  const [failed] = deliveries(id)
  expect(failed).toMatchObject({ attempts: 1, lastStatus: 500, deliveredAt: null })
  expect(failed!.lastResponse!.length).toBe(500)
  expect(failed!.nextAttemptAt.getTime() - now.getTime()).toBe(RETRY_DELAYS_MS[0])
  // Not due before its time.
  expect(await deliverDueWebhooks(db(), { now: new Date(now.getTime() + 10_000) })).toMatchObject({ delivered: 0, retried: 0 })
  const later = new Date(now.getTime() + RETRY_DELAYS_MS[0]!)
  expect(await deliverDueWebhooks(db(), { now: later })).toMatchObject({ delivered: 1 })
  expect(received).toHaveLength(2)
  expect(received[0]!.headers['webhook-id']).toBe(received[1]!.headers['webhook-id'])
  expect(verify(secret, received[1]!).type).toBe('idea.created')
  expect(deliveries(id)[0]).toMatchObject({ attempts: 2, lastStatus: 200 })
  expect(db().select().from(webhookEndpoints).where(eq(webhookEndpoints.id, id)).get()!.failingSince).toBeNull()
})

test('the second wait is longer than the first (exponential backoff with jitter)', async () => {
  const { id } = addEndpoint()
  const now = new Date('2030-02-01T00:00:00Z')
  createTestIdea(db(), { authorId: createUser(db()).id, now })
  script = ['500', '500']
  await deliverDueWebhooks(db(), { now, random: () => 1 })
  const first = deliveries(id)[0]!.nextAttemptAt.getTime() - now.getTime()
  expect(first).toBe(RETRY_DELAYS_MS[0]! * 1.2)
  const t2 = deliveries(id)[0]!.nextAttemptAt
  await deliverDueWebhooks(db(), { now: t2, random: () => 0 })
  expect(deliveries(id)[0]!.nextAttemptAt.getTime() - t2.getTime()).toBe(RETRY_DELAYS_MS[1]! * 0.8)
})

test('a message whose sending was interrupted (the process died) is sent again after a restart', async () => {
  const { id, secret } = addEndpoint()
  createTestIdea(db(), { authorId: createUser(db()).id })
  const now = new Date()
  // What a claim leaves when the process dies before the outcome is recorded.
  let killed!: () => void
  const dying = deliverDueWebhooks(db(), {
    now,
    send: () =>
      new Promise((resolve) => (killed = () => resolve({ status: null, ok: false, error: 'x', responseExcerpt: null, durationMs: 0 }))),
  })
  await new Promise((resolve) => setTimeout(resolve, 20))
  const claimed = deliveries(id)[0]!
  expect(claimed).toMatchObject({ attempts: 1, lastError: 'Sending…' })
  expect(claimed.nextAttemptAt.getTime()).toBe(now.getTime() + CLAIM_MS)
  // The restart: the row is due at once and goes out with the same webhook-id.
  expect(releaseInterruptedDeliveries(db(), now)).toBe(1)
  expect(await deliverDueWebhooks(db(), { now })).toMatchObject({ delivered: 1 })
  expect(received[0]!.headers['webhook-id']).toBe(claimed.messageId)
  expect(verify(secret, received[0]!).type).toBe('idea.created')
  killed()
  await dying
})

test('a host name is resolved once and the connection goes to the checked address', async () => {
  const port = new URL(base).port
  const res = await postWebhook({
    url: `http://localhost:${port}/by-name`,
    body: '{"a":1}',
    headers: { 'webhook-id': 'msg_x' },
    allowPrivateTargets: true,
  })
  expect(res).toMatchObject({ ok: true, status: 200, responseExcerpt: 'thanks' })
  expect(received.at(-1)).toMatchObject({ path: '/by-name', body: '{"a":1}' })
  expect(received.at(-1)!.headers.host).toBe(`localhost:${port}`)
})

test('an endpoint that does not answer is cut off after the timeout', async () => {
  script = ['hang']
  const started = Date.now()
  const res = await postWebhook({ url: `${base}/slow`, body: '{}', headers: {}, allowPrivateTargets: true, timeoutMs: 300 })
  expect(res).toMatchObject({ ok: false, status: null })
  expect(res.error).toMatch(/No answer within/)
  expect(Date.now() - started).toBeLessThan(3000)
})

test('votes on one idea within a minute become one idea.voted message with the count and the votes added', async () => {
  const { id, secret } = addEndpoint({ events: ['idea.voted'] })
  const idea = createTestIdea(db(), { authorId: createUser(db()).id })
  const now = new Date()
  for (let i = 0; i < 3; i++)
    setIdeaVote(db(), { ideaId: idea.id, userId: createUser(db()).id, voted: true, now: new Date(now.getTime() + i * 1000) })
  const rows = deliveries(id)
  expect(rows).toHaveLength(1)
  expect(rows[0]!.batchKey).toBe(`idea:${idea.id}`)
  expect(rows[0]!.nextAttemptAt.getTime()).toBe(now.getTime() + MINUTE)
  expect(await deliverDueWebhooks(db(), { now: new Date(now.getTime() + 30_000) })).toMatchObject({ delivered: 0 })
  expect(await deliverDueWebhooks(db(), { now: new Date(now.getTime() + MINUTE) })).toMatchObject({ delivered: 1 })
  const event = verify(secret, received[0]!)
  expect(event).toMatchObject({ type: 'idea.voted', data: { idea: { id: idea.id, voteCount: 4 }, votesAdded: 3 } })
  // A vote after the batch went starts a new one.
  setIdeaVote(db(), { ideaId: idea.id, userId: createUser(db()).id, voted: true })
  expect(deliveries(id)).toHaveLength(2)
})

test('events are queued in the action’s transaction: a rolled-back action queues nothing', () => {
  const { id } = addEndpoint()
  const author = createUser(db())
  const idea = createTestIdea(db(), { authorId: author.id })
  const before = deliveries(id).length
  expect(() =>
    db().transaction((tx) => {
      queueWebhookEvent(tx, 'idea.status_changed', { idea: { id: idea.id } })
      expect(tx.select().from(webhookDeliveries).where(eq(webhookDeliveries.endpointId, id)).all()).toHaveLength(before + 1)
      throw new Error('rolled back')
    }),
  ).toThrow('rolled back')
  expect(deliveries(id)).toHaveLength(before)
  // A refused status change (already in that status) queues nothing either.
  expect(() => changeIdeaStatus(db(), { ideaId: idea.id, actorId: author.id, toStatus: 'open' })).toThrow()
  expect(deliveries(id)).toHaveLength(before)
})

test('posts held for pre-moderation send nothing; unsubscribed events and disabled endpoints get nothing', () => {
  const { id } = addEndpoint({ events: ['question.created'] })
  const off = addEndpoint({ events: ['question.created'] })
  db().update(webhookEndpoints).set({ enabled: false }).where(eq(webhookEndpoints.id, off.id)).run()
  expect(setSetting(db(), 'premoderation', { enabled: true, firstPosts: 1 }).ok).toBe(true)
  try {
    createTestQuestion(db(), { authorId: createUser(db()).id })
    expect(deliveries(id)).toHaveLength(0)
  } finally {
    expect(setSetting(db(), 'premoderation', { enabled: false, firstPosts: 1 }).ok).toBe(true)
  }
  createTestQuestion(db(), { authorId: createUser(db()).id })
  createTestIdea(db(), { authorId: createUser(db()).id })
  expect(deliveries(id).map((d) => d.eventType)).toEqual(['question.created'])
  expect(deliveries(off.id)).toHaveLength(0)
})

test('every event: merges, comments, answers, acceptance and sign-ups, with public facts only', async () => {
  const { secret } = addEndpoint({
    events: ['idea.merged', 'comment.created', 'question.created', 'answer.created', 'answer.accepted', 'member.created'],
  })
  const product = createUser(db(), { role: 'product' })
  const [a, b] = [createTestIdea(db(), { authorId: createUser(db()).id }), createTestIdea(db(), { authorId: createUser(db()).id })]
  mergeIdea(db(), { ideaId: a.id, targetId: b.id, actorId: product.id })
  const asker = createUser(db(), { reputation: 50 })
  const question = createTestQuestion(db(), { authorId: asker.id })
  const answer = createTestAnswer(db(), { questionId: question.id, authorId: createUser(db()).id })
  createTestComment(db(), { target: { type: 'answer', id: answer.id }, authorId: asker.id })
  acceptAnswer(db(), { answerId: answer.id, userId: asker.id })
  signInWithIdentity(
    db(),
    {
      issuer: 'https://id.example',
      subject: 'sub-webhooks',
      providerId: null,
      email: 'sso.webhooks@example.com',
      emailVerified: true,
      name: 'Sso Person',
      preferredUsername: 'sso_webhooks',
    },
    { label: 'Example', role: 'member', segmentId: null, linkVerifiedEmail: false },
  )
  await deliverDueWebhooks(db())
  const events = received.map((r) => verify(secret, r))
  const byType = Object.fromEntries(events.map((e) => [e.type, e.data]))
  // createUser's sign-ups above count too: member.created is sent for every new account.
  expect(Object.keys(byType).sort()).toEqual([
    'answer.accepted',
    'answer.created',
    'comment.created',
    'idea.merged',
    'member.created',
    'question.created',
  ])
  expect(byType['idea.merged']).toMatchObject({ idea: { id: a.id, status: 'merged' }, into: { id: b.id } })
  expect(byType['comment.created']).toMatchObject({ on: 'answer', answer: { id: answer.id }, question: { id: question.id } })
  expect(byType['answer.accepted']).toMatchObject({ answer: { id: answer.id, isAccepted: true } })
  const sso = events.filter((e) => e.type === 'member.created').map((e) => e.data.member as { username: string })
  expect(sso.map((m) => m.username)).toContain('sso_webhooks')
  expect(JSON.stringify(events)).not.toMatch(/@example\.com/)
})

test('a Slack endpoint gets a Block Kit message without signature headers', async () => {
  const { id } = addEndpoint({ kind: 'slack', events: ['idea.created', 'idea.voted'] })
  createTestIdea(db(), { authorId: createUser(db()).id, title: 'Export <everything> & more' })
  await deliverDueWebhooks(db())
  expect(received).toHaveLength(1)
  expect(received[0]!.headers['webhook-signature']).toBeUndefined()
  const body = JSON.parse(received[0]!.body)
  expect(body.text).toBe('New idea: Export <everything> & more')
  expect(JSON.stringify(body.blocks)).toContain('Export &lt;everything&gt; &amp; more')
  expect(db().select().from(webhookEndpoints).where(eq(webhookEndpoints.id, id)).get()!.events).toBe('idea.created')
})

test('"send again" queues the same message once more', async () => {
  const { id, secret, admin } = addEndpoint()
  createTestIdea(db(), { authorId: createUser(db()).id })
  await deliverDueWebhooks(db())
  const [row] = deliveries(id)
  redeliverWebhook(db(), { actorId: admin.id, endpointId: id, deliveryId: row!.id })
  await deliverDueWebhooks(db())
  expect(received).toHaveLength(2)
  expect(verify(secret, received[1]!).type).toBe('idea.created')
  expect(received[1]!.headers['webhook-id']).toBe(row!.messageId)
})

test('an endpoint failing for 3 days is disabled, its messages given up, admins notified and the log says so', async () => {
  const { id } = addEndpoint({ url: 'http://127.0.0.1:9/unreachable' })
  const admin = createUser(db(), { role: 'admin' })
  const t0 = new Date('2031-01-01T00:00:00Z')
  createTestIdea(db(), { authorId: createUser(db()).id, now: t0 })
  await deliverDueWebhooks(db(), { now: t0 })
  expect(db().select().from(webhookEndpoints).where(eq(webhookEndpoints.id, id)).get()!.failingSince).toEqual(t0)
  const t1 = new Date(t0.getTime() + ENDPOINT_DISABLE_MS)
  createTestIdea(db(), { authorId: createUser(db()).id, now: t1 })
  expect(await deliverDueWebhooks(db(), { now: t1 })).toMatchObject({ disabled: 1 })
  const endpoint = db().select().from(webhookEndpoints).where(eq(webhookEndpoints.id, id)).get()!
  expect(endpoint.enabled).toBe(false)
  expect(endpoint.disabledReason).toMatch(/failed since/)
  expect(deliveries(id).every((d) => d.failedAt)).toBe(true)
  expect(
    db()
      .select()
      .from(notifications)
      .where(eq(notifications.userId, admin.id))
      .all()
      .map((n) => n.kind),
  ).toContain('webhook_disabled')
  expect(db().select().from(moderationLog).where(eq(moderationLog.action, 'webhook.auto_disable')).all().length).toBeGreaterThan(0)
  // A test message still goes to a disabled endpoint, so an admin can check a fix; other messages wait.
  sendTestWebhook(db(), { actorId: admin.id, endpointId: id, now: t1 })
  expect(await deliverDueWebhooks(db(), { now: t1 })).toMatchObject({ retried: 1 })
  // Nothing more is queued for it.
  createTestIdea(db(), { authorId: createUser(db()).id })
  expect(deliveries(id).filter((d) => !d.failedAt && d.eventType !== 'webhook.test')).toHaveLength(0)
})

test('the moderation log never holds the secret', () => {
  const { id, secret, admin } = addEndpoint()
  const rotated = rotateWebhookSecret(db(), { actorId: admin.id, id }).secret
  const log = JSON.stringify(db().select().from(moderationLog).all())
  expect(log).not.toContain(secret)
  expect(log).not.toContain(rotated)
  expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{32}$/)
})

describe('requests to private addresses are refused while allowPrivateTargets is off', () => {
  beforeEach(() => allowPrivate(false))

  test.each([
    'http://127.0.0.1:1/x',
    'http://10.1.2.3/x',
    'http://169.254.169.254/latest/meta-data',
    'http://[::1]/x',
    'http://localhost/x',
    'http://[::ffff:127.0.0.1]/x',
    'http://100.64.0.1/',
    'http://0.0.0.0/',
  ])('%s', async (url) => {
    const res = await postWebhook({ url, body: '{}', headers: {}, allowPrivateTargets: false })
    expect(res).toMatchObject({ ok: false, status: null })
    expect(res.error).toMatch(/private or local address/)
  })

  test('a redirect to a private address is refused at that hop', async () => {
    // The receiver on 127.0.0.1 stands for a public host; every other private address stays refused.
    const isPrivate = (address: string) => address !== '127.0.0.1' && isPrivateAddress(address)
    script = [{ redirect: `${base}/second` }, { redirect: 'http://169.254.169.254/latest/meta-data' }]
    const res = await postWebhook({ url: `${base}/first`, body: '{}', headers: {}, allowPrivateTargets: false }, { isPrivate })
    expect(received.map((r) => r.path)).toEqual(['/first', '/second'])
    expect(res).toMatchObject({ ok: false, status: null })
    expect(res.error).toMatch(/169\.254\.169\.254, a private or local address/)
  })

  test('more than 3 redirects are not followed', async () => {
    const isPrivate = (address: string) => address !== '127.0.0.1' && isPrivateAddress(address)
    script = [1, 2, 3, 4].map((n) => ({ redirect: `/hop${n}` }))
    const res = await postWebhook({ url: `${base}/hop0`, body: '{}', headers: {}, allowPrivateTargets: false }, { isPrivate })
    expect(received).toHaveLength(4)
    expect(res).toMatchObject({ ok: false, status: 302, error: 'More than 3 redirects.' })
  })

  test('the worker records a refusal as a failed attempt', async () => {
    const { id } = addEndpoint({ url: 'http://localhost:1/x' })
    createTestIdea(db(), { authorId: createUser(db()).id })
    await deliverDueWebhooks(db())
    expect(deliveries(id)[0]).toMatchObject({ attempts: 1, lastStatus: null })
    expect(deliveries(id)[0]!.lastError).toMatch(/private or local/)
  })

  test('address classes', () => {
    for (const a of [
      '127.0.0.1',
      '10.0.0.1',
      '172.16.5.4',
      '192.168.1.1',
      '100.64.0.1',
      '169.254.169.254',
      '0.0.0.0',
      '::1',
      'fc00::1',
      'fd12::1',
      'fe80::1',
      '::ffff:10.0.0.1',
      '::ffff:7f00:1',
    ]) {
      expect(isPrivateAddress(a), a).toBe(true)
    }
    for (const a of ['93.184.216.34', '8.8.8.8', '2606:4700::1111', '::ffff:8.8.8.8']) expect(isPrivateAddress(a), a).toBe(false)
  })
})

describe('/admin/webhooks', () => {
  async function post(path: string, fields: Record<string, string>, events: string[], userId: number) {
    const request = await formRequest(path, fields, { userId })
    const body = new URLSearchParams(await request.text())
    for (const e of events) body.append('events', e)
    return new Request(request.url, { method: 'POST', headers: request.headers, body: body.toString() })
  }

  test('an admin adds an endpoint: the secret is in the answer once, never in the page data or the log', async () => {
    const admin = createUser(db(), { role: 'admin' })
    const request = await post(
      '/admin/webhooks',
      { url: 'https://hooks.example.com/summit', description: 'CRM', kind: 'standard' },
      ['idea.created', 'member.created'],
      admin.id,
    )
    const res = await settle(() => indexAction({ request, params: {}, context: {} }))
    expect(res.status).toBe(200)
    const { created } = res.body as { created: { id: number; secret: string } }
    expect(created.secret).toMatch(/^whsec_/)
    const page = await settle(async () =>
      indexLoader({ request: await getRequest('/admin/webhooks', { userId: admin.id }), params: {}, context: {} }),
    )
    expect(JSON.stringify(page.body)).not.toContain(created.secret)
    expect(JSON.stringify(page.body)).toContain('https://hooks.example.com/summit')
    const detail = await settle(async () =>
      endpointLoader({
        request: await getRequest(`/admin/webhooks/${created.id}`, { userId: admin.id }),
        params: { endpointId: String(created.id) },
        context: {},
      }),
    )
    expect(JSON.stringify(detail.body)).not.toContain(created.secret)
    expect(db().select().from(moderationLog).where(eq(moderationLog.action, 'webhook.create')).all().length).toBeGreaterThan(0)
  })

  test('bad input is a 400 with the text kept and a message per field', async () => {
    const admin = createUser(db(), { role: 'admin' })
    const request = await post('/admin/webhooks', { url: 'ftp://nope', description: 'x', kind: 'slack' }, ['member.created'], admin.id)
    const res = await settle(() => indexAction({ request, params: {}, context: {} }))
    expect(res).toMatchObject({ status: 400, body: { fields: { url: 'ftp://nope', description: 'x' } } })
    const { fieldErrors } = res.body as { fieldErrors: Record<string, string[]> }
    expect(fieldErrors.url).toBeTruthy()
    expect(fieldErrors.eventList![0]).toMatch(/Slack endpoints take only/)
  })

  test('a private address is refused when the endpoint is saved, while private targets are off', async () => {
    allowPrivate(false)
    const admin = createUser(db(), { role: 'admin' })
    for (const url of ['http://169.254.169.254/latest', 'http://localhost:8080/hook', 'http://[fd00::1]/x']) {
      const request = await post('/admin/webhooks', { url, kind: 'standard' }, ['idea.created'], admin.id)
      const res = await settle(() => indexAction({ request, params: {}, context: {} }))
      expect(res, url).toMatchObject({
        status: 400,
        body: { fields: { url }, fieldErrors: { url: [expect.stringMatching(/private or local address/)] } },
      })
    }
  })

  test('members and moderators are refused', async () => {
    for (const role of ['member', 'moderator', 'product'] as const) {
      const user = createUser(db(), { role })
      const res = await settle(async () =>
        indexLoader({ request: await getRequest('/admin/webhooks', { userId: user.id }), params: {}, context: {} }),
      )
      expect(res.status).toBe(403)
      const request = await post('/admin/webhooks', { url: 'https://a.example/', kind: 'standard' }, ['idea.created'], user.id)
      expect((await settle(() => indexAction({ request, params: {}, context: {} }))).status).toBe(403)
    }
  })

  test('deleting needs the confirmation box; a malformed id is a 404', async () => {
    const { id, admin } = addEndpoint()
    const params = { endpointId: String(id) }
    const refused = await settle(async () =>
      endpointAction({
        request: await formRequest(`/admin/webhooks/${id}`, { intent: 'delete' }, { userId: admin.id }),
        params,
        context: {},
      }),
    )
    expect(refused).toMatchObject({ status: 400, body: { fieldErrors: { confirm: ['Tick the box to confirm.'] } } })
    const deleted = await settle(async () =>
      endpointAction({
        request: await formRequest(`/admin/webhooks/${id}`, { intent: 'delete', confirm: 'on' }, { userId: admin.id }),
        params,
        context: {},
      }),
    )
    expect(deleted).toMatchObject({ status: 302, location: '/admin/webhooks' })
    const missing = await settle(async () =>
      endpointLoader({
        request: await getRequest('/admin/webhooks/abc', { userId: admin.id }),
        params: { endpointId: 'abc' },
        context: {},
      }),
    )
    expect(missing.status).toBe(404)
  })
})
