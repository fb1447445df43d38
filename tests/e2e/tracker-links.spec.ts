/**
 * Tracker links and inbound hooks against the running server: the idea page's panel without
 * JavaScript (the product team only), the links API's authorization matrix, inbound calls over real
 * HTTP, and the GitHub Actions step of docs/integrations.md run as written (bash, openssl, curl),
 * which ships the idea and notifies its voter.
 */
import { execFile } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { promisify } from 'node:util'
import { and, eq } from 'drizzle-orm'
import { Webhook } from 'standardwebhooks'
import { type APIRequestContext } from '@playwright/test'
import { ideas, notifications } from '#db/schema'
import { getDb } from '~/lib/db.server'
import { addIdeaLink } from '~/models/idea-links.server'
import { createInboundHook, revokeInboundHook } from '~/models/inbound-hooks.server'
import { setIdeaVote } from '~/models/votes.server'
import { createTestIdea, createUser, unique } from '#tests/factories'
import { CALLER_NAMES, callers, OLD, runAuthorizationMatrix } from './api-callers'
import { expect, expectAccessible, test } from './fixtures'

const run = promisify(execFile)

/** An idea with words no other test searches for. */
function newIdea(authorId = createUser(getDb(), { createdAt: OLD }).id) {
  return createTestIdea(getDb(), { authorId, title: `Quillwort ${unique('')} trackerlinked`, bodyMd: 'Quillwort trackerlinked body.' })
}
const issueUrl = () => `https://github.com/acme/quillwort/issues/${unique('')}`
const statusOf = (ideaId: number) => getDb().select({ status: ideas.status }).from(ideas).where(eq(ideas.id, ideaId)).get()!.status
const statusNotices = (userId: number, ideaId: number) =>
  getDb()
    .select()
    .from(notifications)
    .where(and(eq(notifications.userId, userId), eq(notifications.kind, 'idea_status'), eq(notifications.subjectId, ideaId)))
    .all()

/** An idea with one voter, and an admin's inbound hook. */
function shippingSetup() {
  const admin = createUser(getDb(), { role: 'admin' })
  const voter = createUser(getDb(), { createdAt: OLD })
  const idea = newIdea()
  setIdeaVote(getDb(), { ideaId: idea.id, userId: voter.id, voted: true })
  const hook = createInboundHook(getDb(), { actorId: admin.id, name: 'GitHub issues' })
  return { admin, voter, idea, hook }
}

test.describe('the idea page without JavaScript', () => {
  test.use({ javaScriptEnabled: false })

  test('the product team adds a link, changes its state and removes it; a bad address shows its error', async ({ page, loginAs }) => {
    await loginAs('product')
    const idea = newIdea()
    await page.goto(`/ideas/${idea.id}`)
    const panel = page.getByRole('region', { name: /Tracker links/ })
    await expect(panel.getByText('No links yet.')).toBeVisible()

    await panel.getByLabel('Address (URL)').fill('javascript:alert(1)')
    await panel.getByLabel('Title', { exact: true }).fill('Quillwort issue')
    await panel.getByRole('button', { name: 'Add link' }).click()
    await expect(panel.getByText('Enter an http:// or https:// address.')).toBeVisible()
    await expect(panel.getByLabel('Address (URL)')).toHaveValue('javascript:alert(1)')
    await expect(panel.getByLabel('Address (URL)')).toHaveAttribute('aria-invalid', 'true')
    await expect(panel.getByLabel('Title', { exact: true })).toHaveValue('Quillwort issue')
    await expectAccessible(page)

    const url = issueUrl()
    await panel.getByLabel('Address (URL)').fill(url)
    await panel.getByLabel('State', { exact: true }).fill('open')
    await panel.getByRole('button', { name: 'Add link' }).click()
    const link = panel.getByRole('link', { name: 'Quillwort issue' })
    await expect(link).toHaveAttribute('href', url)
    await expect(link).toHaveAttribute('rel', 'noopener noreferrer')
    const row = panel.getByRole('row', { name: /Quillwort issue/ })
    await expect(row.getByRole('cell', { name: 'open', exact: true })).toBeVisible()

    // The same address again: the error is on the address, and the text stays.
    await panel.getByLabel('Address (URL)').fill(url)
    await panel.getByLabel('Title', { exact: true }).fill('Twice')
    await panel.getByRole('button', { name: 'Add link' }).click()
    await expect(panel.getByText('This idea is already linked to that address.')).toBeVisible()
    await expect(panel.getByLabel('Title', { exact: true })).toHaveValue('Twice')

    await row.getByLabel('New state').fill('closed')
    await row.getByRole('button', { name: 'Save state of Quillwort issue' }).click()
    await expect(panel.getByRole('row', { name: /Quillwort issue/ }).getByRole('cell', { name: 'closed', exact: true })).toBeVisible()
    await expectAccessible(page)

    await panel.getByRole('button', { name: 'Remove Quillwort issue' }).click()
    await expect(panel.getByText('No links yet.')).toBeVisible()
    await expect(panel.getByRole('link', { name: 'Quillwort issue' })).toHaveCount(0)
  })

  test('members and visitors see no panel and no links', async ({ page, loginAs }) => {
    const idea = newIdea()
    const url = issueUrl()
    addIdeaLink(getDb(), {
      ideaId: idea.id,
      actorId: createUser(getDb(), { role: 'product' }).id,
      url,
      title: 'Quillwort hidden issue',
      state: 'open',
    })
    await page.goto(`/ideas/${idea.id}`)
    await expect(page.getByRole('heading', { name: idea.title })).toBeVisible()
    await expect(page.getByRole('region', { name: /Tracker links/ })).toHaveCount(0)
    await loginAs('member')
    await page.goto(`/ideas/${idea.id}`)
    await expect(page.getByRole('heading', { name: idea.title })).toBeVisible()
    await expect(page.getByRole('region', { name: /Tracker links/ })).toHaveCount(0)
    expect(await page.content()).not.toContain(url)
    await expectAccessible(page)
  })

  test('an admin makes an inbound hook, sees its secret once, and revokes it', async ({ page, loginAs, request }) => {
    await loginAs('admin')
    await page.goto('/admin/webhooks')
    await page.getByRole('link', { name: 'Manage inbound hooks' }).click()
    await expect(page.getByRole('heading', { name: 'Inbound hooks', level: 1 })).toBeVisible()
    const name = `Quillwort ${unique('')}`
    await page.getByLabel('Name').fill(name)
    await page.getByRole('button', { name: 'Make the hook' }).click()
    const secret = (await page.getByTestId('inbound-secret').textContent())!.trim()
    const address = (await page.getByTestId('inbound-url').textContent())!.trim()
    expect(secret).toMatch(/^whsec_/)
    await expectAccessible(page)
    await page.goto('/admin/webhooks/inbound')
    expect(await page.content()).not.toContain(secret)

    const idea = newIdea()
    const answer = await request.post(address, {
      headers: { Authorization: `Bearer ${secret}` },
      data: { ideaId: idea.id, status: 'planned' },
    })
    expect(answer.status()).toBe(200)
    expect(statusOf(idea.id)).toBe('planned')

    await page.getByRole('button', { name: `Revoke ${name}` }).click()
    await expect(page.getByText('The hook is revoked')).toBeVisible()
    expect(
      (
        await request.post(address, { headers: { Authorization: `Bearer ${secret}` }, data: { ideaId: idea.id, status: 'shipped' } })
      ).status(),
    ).toBe(404)
  })
})

type Operation = {
  name: string
  send: (request: APIRequestContext, headers: Record<string, string>) => ReturnType<APIRequestContext['get']>
}

function operations(): Operation[] {
  const product = createUser(getDb(), { role: 'product' })
  const idea = newIdea()
  const link = () =>
    addIdeaLink(getDb(), { ideaId: idea.id, actorId: product.id, url: issueUrl(), title: 'Quillwort matrix', state: 'open' })
  return [
    { name: 'GET /ideas/:id/links', send: (r, h) => r.get(`/api/v1/ideas/${idea.id}/links`, { headers: h }) },
    {
      name: 'POST /ideas/:id/links',
      send: (r, h) =>
        r.post(`/api/v1/ideas/${idea.id}/links`, { headers: h, data: { url: issueUrl(), title: 'Quillwort API', state: 'open' } }),
    },
    {
      name: 'PATCH /ideas/:id/links/:linkId',
      send: (r, h) => r.patch(`/api/v1/ideas/${idea.id}/links/${link().id}`, { headers: h, data: { state: 'closed' } }),
    },
    { name: 'DELETE /ideas/:id/links/:linkId', send: (r, h) => r.delete(`/api/v1/ideas/${idea.id}/links/${link().id}`, { headers: h }) },
  ]
}

// Rows: operations; columns: callers, in the order of CALLER_NAMES.
const EXPECTED: Record<string, number[]> = {
  //                                  anon member product admin revoked expired read-only write-only malformed
  'GET /ideas/:id/links': /*          */ [401, 403, 200, 200, 401, 401, 403, 403, 401],
  'POST /ideas/:id/links': /*         */ [401, 403, 201, 201, 401, 401, 403, 201, 401],
  'PATCH /ideas/:id/links/:linkId': /**/ [401, 403, 200, 200, 401, 401, 403, 200, 401],
  'DELETE /ideas/:id/links/:linkId': /* */ [401, 403, 204, 204, 401, 401, 403, 204, 401],
}

test('the links API: every operation × every kind of caller', async ({ request }) => {
  expect(CALLER_NAMES).toEqual(['anonymous', 'member', 'product', 'admin', 'revoked', 'expired', 'read-only', 'write-only', 'malformed'])
  const got = await runAuthorizationMatrix(request, operations())
  expect(got).toEqual(EXPECTED)
})

test('the links API: a duplicate address is a 409 on url, an unknown idea or link a 404, a bad body a 422', async ({ request }) => {
  const who = callers()
  const product = who[CALLER_NAMES.indexOf('product')]!.headers
  const idea = newIdea()
  const data = { url: issueUrl(), title: 'Quillwort twice' }
  expect((await request.post(`/api/v1/ideas/${idea.id}/links`, { headers: product, data })).status()).toBe(201)
  const twice = await request.post(`/api/v1/ideas/${idea.id}/links`, { headers: product, data })
  expect(twice.status()).toBe(409)
  expect(await twice.json()).toMatchObject({ errors: { url: ['This idea is already linked to that address.'] } })
  expect((await request.get('/api/v1/ideas/99999999/links', { headers: product })).status()).toBe(404)
  expect((await request.patch(`/api/v1/ideas/${idea.id}/links/99999999`, { headers: product, data: { state: 'x' } })).status()).toBe(404)
  expect((await request.delete(`/api/v1/ideas/${idea.id}/links/abc`, { headers: product })).status()).toBe(404)
  const bad = await request.post(`/api/v1/ideas/${idea.id}/links`, {
    headers: product,
    data: { url: 'ftp://example.com/x', title: '', extra: 1 },
  })
  expect(bad.status()).toBe(422)
  expect(Object.keys(((await bad.json()) as { errors: Record<string, string[]> }).errors)).toEqual(expect.arrayContaining(['title', 'url']))
})

test('an inbound call over HTTP: signed, replayed, wrong secret, revoked, and fuzzed bodies never a 5xx', async ({ request }) => {
  const { admin, voter, idea, hook } = shippingSetup()
  const url = issueUrl()
  addIdeaLink(getDb(), { ideaId: idea.id, actorId: admin.id, url, title: 'Quillwort inbound', state: 'open' })
  const address = `/api/v1/inbound/${hook.id}`
  const body = JSON.stringify({ linkUrl: url, status: 'shipped', linkState: 'closed' })
  const id = `msg_${unique('')}`
  const now = new Date()
  const signed = {
    'Content-Type': 'application/json',
    'webhook-id': id,
    'webhook-timestamp': String(Math.floor(now.getTime() / 1000)),
    'webhook-signature': new Webhook(hook.secret).sign(id, now, body),
  }
  const answer = await request.post(address, { headers: signed, data: body })
  expect(answer.status()).toBe(200)
  expect(await answer.json()).toMatchObject({
    ideas: [{ id: idea.id, status: 'shipped', changed: true }],
    links: [{ url, state: 'closed' }],
  })
  expect(statusOf(idea.id)).toBe('shipped')
  expect(statusNotices(voter.id, idea.id)).toHaveLength(1)

  expect((await request.post(address, { headers: signed, data: body })).status()).toBe(409)
  const bearer = { Authorization: `Bearer ${hook.secret}`, 'Content-Type': 'application/json' }
  const wrong = await request.post(address, { headers: { ...bearer, Authorization: `Bearer ${hook.secret}0` }, data: body })
  expect(wrong.status()).toBe(401)
  expect(wrong.headers()['content-type']).toMatch(/^application\/problem\+json/)
  // Cookies and a foreign Origin change nothing: the hook's secret is the only authority.
  const again = await request.post(address, {
    headers: { ...bearer, Origin: 'https://evil.example', Cookie: 'summit_session=x' },
    data: body,
  })
  expect(again.status()).toBe(200)
  expect(await again.json()).toMatchObject({ ideas: [{ id: idea.id, changed: false }] })
  expect(statusNotices(voter.id, idea.id)).toHaveLength(1)

  const bodies: unknown[] = [
    {},
    [],
    'x',
    1,
    null,
    { ideaId: 'x' },
    { ideaId: -1 },
    { ideaId: 1e20 },
    { linkUrl: 5 },
    { linkUrl: 'x'.repeat(5000) },
    { ideaId: idea.id, status: 'merged' },
    { ideaId: idea.id, extra: true },
  ]
  for (const data of bodies) {
    const status = (await request.post(address, { headers: bearer, data: JSON.stringify(data) })).status()
    expect(status, JSON.stringify(data)).toBeLessThan(500)
    expect(status, JSON.stringify(data)).toBeGreaterThanOrEqual(400)
  }
  for (const raw of ['{', '', 'null', '{"a":'.repeat(50)])
    expect((await request.post(address, { headers: bearer, data: raw })).status()).toBeLessThan(500)
  expect((await request.get(address)).status()).toBe(405)
  expect((await request.post('/api/v1/inbound/abc', { headers: bearer, data: body })).status()).toBe(404)

  revokeInboundHook(getDb(), { actorId: admin.id, id: hook.id })
  expect((await request.post(address, { headers: bearer, data: body })).status()).toBe(404)
})

/** The `run:` script of the GitHub Actions workflow in docs/integrations.md, as written there. */
function documentedWorkflowStep() {
  const doc = fs.readFileSync(path.resolve('docs/integrations.md'), 'utf8')
  const workflow = /```yaml\n([\s\S]*?)```/.exec(doc)?.[1]
  if (!workflow || !/issues:\n\s+types: \[closed\]/.test(workflow)) throw new Error('docs/integrations.md has no issues: closed workflow')
  const lines = workflow.split('\n')
  const start = lines.findIndex((l) => /^\s+run: \|$/.test(l))
  const indent = /^\s*/.exec(lines[start + 1]!)![0].length
  const script: string[] = []
  for (const line of lines.slice(start + 1)) {
    if (line.trim() && /^\s*/.exec(line)![0].length < indent) break
    script.push(line.slice(indent))
  }
  const env = [...workflow.matchAll(/^\s+([A-Z_]+): \$\{\{ [^}]+ \}\}$/gm)].map((m) => m[1]!)
  return { script: script.join('\n'), env }
}

test('the documented GitHub Actions step ships the idea and notifies its voter', async ({ baseURL }) => {
  const { admin, voter, idea, hook } = shippingSetup()
  const url = issueUrl()
  addIdeaLink(getDb(), { ideaId: idea.id, actorId: admin.id, url, title: 'Quillwort workflow', state: 'open' })
  const { script, env } = documentedWorkflowStep()
  expect(env.sort()).toEqual(['ISSUE_URL', 'SUMMIT_INBOUND_SECRET', 'SUMMIT_INBOUND_URL'])
  expect(script).toContain('openssl dgst -sha256 -mac HMAC')
  // Only what the workflow's step sets, and a PATH (process.env's type wants NODE_ENV too).
  const stepEnv = (secret: string): NodeJS.ProcessEnv => ({
    NODE_ENV: 'production',
    PATH: process.env.PATH!,
    SUMMIT_INBOUND_URL: `${baseURL}/api/v1/inbound/${hook.id}`,
    SUMMIT_INBOUND_SECRET: secret,
    ISSUE_URL: url,
  })

  // A wrong secret: the step fails, and nothing moves.
  const other = createInboundHook(getDb(), { actorId: admin.id, name: 'Other' })
  await expect(run('bash', ['-c', script], { env: stepEnv(other.secret) })).rejects.toMatchObject({
    code: 22,
    stdout: expect.stringContaining('"status":401'),
  })
  expect(statusOf(idea.id)).toBe('open')

  const { stdout } = await run('bash', ['-c', script], { env: stepEnv(hook.secret) })
  expect(JSON.parse(stdout)).toMatchObject({
    ideas: [{ id: idea.id, status: 'shipped', changed: true }],
    links: [{ url, state: 'closed' }],
  })
  expect(statusOf(idea.id)).toBe('shipped')
  const notices = statusNotices(voter.id, idea.id)
  expect(notices).toHaveLength(1)
  expect(notices[0]!.title).toContain('is now shipped')
})
