/**
 * HTTP caching: public pages revalidate with an ETag for visitors; a member's pages are never shared;
 * the server keeps visitors' pages only until the next write.
 */
import http from 'node:http'
import zlib from 'node:zlib'
import { getDb } from '~/lib/db.server'
import { startSession } from '~/lib/auth.server'
import { createTestIdea, createTestQuestion, createUser, unique } from '#tests/factories'
import { expect, expectAccessible, test } from './fixtures'

test('a visitor’s page carries an ETag, and an unchanged page is a 304 without a body or a new CSP', async ({ request, page }) => {
  const first = await request.get('/ideas')
  expect(first.status()).toBe(200)
  const etag = first.headers()['etag']
  expect(etag).toMatch(/^W\/".+"$/)
  expect(first.headers()['cache-control']).toBe('public, max-age=0, must-revalidate')
  expect(first.headers()['vary']).toContain('Cookie')

  // The per-request nonce is left out of the tag: the same page gets the same tag.
  const again = await request.get('/ideas', { headers: { 'If-None-Match': etag! } })
  expect(again.status()).toBe(304)
  expect(await again.body()).toHaveLength(0)
  expect(again.headers()['content-security-policy']).toBeUndefined()

  // A browser revalidating its stored page still runs the page's scripts (its stored CSP matches).
  const violations: string[] = []
  page.on('console', (message) => void (/Content Security Policy/i.test(message.text()) && violations.push(message.text())))
  const statuses: number[] = []
  page.on('response', (response) => void (new URL(response.url()).pathname === '/ideas' && statuses.push(response.status())))
  await page.goto('/ideas')
  await page.reload()
  await expect(page.getByRole('heading', { level: 1 })).toBeVisible()
  await page.waitForLoadState('networkidle')
  expect(statuses.length).toBe(2)
  expect(violations).toEqual([])
})

test('a kept page is sent gzipped, each copy with its own nonce matching its CSP, and plain to a client without gzip', async ({
  request,
}) => {
  const path = `/ideas?sort=new&kept=${unique('gz')}`
  const nonces = new Set<string>()
  for (let i = 0; i < 3; i++) {
    // The first answer is rendered and kept; the next ones come from the kept page.
    const response = await request.get(path, { headers: { 'Accept-Encoding': 'gzip' } })
    expect(response.status()).toBe(200)
    if (i > 0) expect(response.headers()['content-encoding']).toBe('gzip')
    const csp = /'nonce-([^']+)'/.exec(response.headers()['content-security-policy'] ?? '')?.[1]
    const html = await response.text() // inflated by the client
    expect(html).toContain('<h1')
    expect(csp).toBeTruthy()
    expect([...html.matchAll(/nonce="([^"]+)"/g)].map((m) => m[1])).toEqual(expect.arrayContaining([csp]))
    expect(new Set([...html.matchAll(/nonce="([^"]+)"/g)].map((m) => m[1]))).toEqual(new Set([csp]))
    nonces.add(csp!)
  }
  expect(nonces.size).toBe(3)
  const plain = await request.get(path, { headers: { 'Accept-Encoding': 'identity' } })
  expect(plain.headers()['content-encoding']).toBeUndefined()
  expect(await plain.text()).toContain('<h1')
})

test('errors, and every page for a logged-in member, are not marked cacheable', async ({ request, page, loginAs }) => {
  const missing = await request.get('/no-such-page')
  expect(missing.status()).toBe(404)
  expect(missing.headers()['etag']).toBeUndefined()

  await loginAs('member')
  const response = await page.goto('/ideas')
  expect(response!.status()).toBe(200)
  expect(response!.headers()['etag']).toBeUndefined()
  expect(response!.headers()['cache-control'] ?? '').not.toContain('public')
})

test('a member’s page is gzipped in one piece, not block by block as React writes it', async ({ baseURL }) => {
  const author = createUser(getDb())
  const question = createTestQuestion(getDb(), { authorId: author.id })
  const cookie = await startSession(createUser(getDb()).id)
  const body = await new Promise<Buffer>((resolve, reject) => {
    const request = http.get(
      new URL(`/questions/${question.id}`, baseURL),
      { headers: { Cookie: `${cookie.name}=${cookie.value}`, 'Accept-Encoding': 'gzip', Accept: 'text/html' } },
      (response) => {
        expect(response.headers['content-encoding']).toBe('gzip')
        const chunks: Buffer[] = []
        response.on('data', (chunk: Buffer) => chunks.push(chunk))
        response.on('end', () => resolve(Buffer.concat(chunks)))
      },
    )
    request.on('error', reject)
  })
  const html = zlib.gunzipSync(body)
  expect(html.toString('utf8')).toContain('Log out') // rendered for the member
  // Flushed after every 2 KB chunk, gzip sent about three times what one piece takes (54 KB for
  // a 150 KB question page against 15 KB); allow a little for the headers of a streamed answer.
  expect(body.length).toBeLessThan(zlib.gzipSync(html).length * 1.15)
})

test('a kept visitor page never outlives a write: a new idea and a member’s vote show at once', async ({ request, page, loginAs }) => {
  const db = getDb()
  expect((await request.get('/ideas?sort=new')).status()).toBe(200)
  // Served again from the kept page, each time with its own CSP nonce, which the page's scripts carry.
  const nonces: string[] = []
  for (let i = 0; i < 2; i++) {
    const response = await request.get('/ideas?sort=new')
    const nonce = /'nonce-([^']+)'/.exec(response.headers()['content-security-policy'] ?? '')?.[1] ?? ''
    expect(nonce).not.toBe('')
    expect(await response.text()).toContain(`nonce="${nonce}"`)
    nonces.push(nonce)
  }
  expect(nonces[0]).not.toBe(nonces[1])

  // A write from another connection (a new idea) shows on the next visit.
  const title = unique('Kept pages are dropped on write ')
  const idea = createTestIdea(db, { authorId: createUser(db).id, title })
  expect(await (await request.get('/ideas?sort=new')).text()).toContain(title)

  // A member's vote through the site shows to a visitor at once.
  expect(await (await request.get(`/ideas/${idea.id}`)).text()).toContain('Vote for this idea (1 vote)')
  await loginAs('member')
  await page.goto(`/ideas/${idea.id}`)
  const voted = page.waitForResponse(
    (r) => r.request().method() === 'POST' && new URL(r.url()).pathname.startsWith(`/ideas/${idea.id}/vote`),
  )
  await page.getByRole('button', { name: 'Vote for this idea (1 vote)' }).click()
  await voted
  await expect(page.getByRole('button', { name: 'Remove your vote (2 votes)' })).toBeVisible()
  expect(await (await request.get(`/ideas/${idea.id}`)).text()).toContain('Vote for this idea (2 votes)')
  await expectAccessible(page)
})

const FIREFOX = 'Mozilla/5.0 (X11; Linux x86_64; rv:120.0) Gecko/20100101 Firefox/120.0'
const CHROME = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36'

test('a question page counts each visitor’s view once a day, kept page or not', async ({ request }) => {
  const db = getDb()
  const question = createTestQuestion(db, { authorId: createUser(db).id })
  const viewsShown = async (userAgent: string) => {
    const html = await (await request.get(`/questions/${question.id}`, { headers: { 'User-Agent': userAgent } })).text()
    return Number(/(\d+)(?:<!-- -->| )*views?</.exec(html)?.[1])
  }
  expect(await viewsShown(FIREFOX)).toBe(1)
  expect(await viewsShown(FIREFOX)).toBe(1) // the same visitor again today: no new view
  expect(await viewsShown(CHROME)).toBe(2) // a new visitor counts, and sees the new count
  expect(await viewsShown(FIREFOX)).toBe(2)
})
