/**
 * The visitor page cache and the request's host, against forged headers (through real HTTP to the
 * production server, whose page cache is on):
 * - a forged Host or X-Forwarded-Host never reaches a page, so no kept page carries it to others;
 * - a member's page is never kept, whatever shape their cookie takes, and says private, no-store;
 * - the marker by which the app allows keeping a page never leaves the server;
 * - a request for no path of ours, or with a Host that is no host, is a 400 or a clean answer.
 */
import http from 'node:http'
import { startSession } from '~/lib/auth.server'
import { getDb } from '~/lib/db.server'
import { createTestIdea } from '#tests/factories'
import { expect, makeUser, test } from './fixtures'

const PORT = Number(process.env.E2E_PORT)

type Answer = { status: number; headers: http.IncomingHttpHeaders; body: string }

/** A GET as node sends it: every header as given, Host included. */
function get(path: string, headers: Record<string, string> = {}, method = 'GET'): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const request = http.request(
      {
        host: '127.0.0.1',
        port: PORT,
        path,
        method,
        headers: { 'X-Forwarded-For': '10.77.0.1', ...headers },
        setHost: !('Host' in headers),
      },
      (res) => {
        const chunks: Buffer[] = []
        res.on('data', (chunk: Buffer) => chunks.push(chunk))
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }))
      },
    )
    request.on('error', reject)
    request.end()
  })
}

test('a forged Host or X-Forwarded-Host never reaches a page, so no visitor is served one', async () => {
  const author = makeUser()
  const idea = createTestIdea(getDb(), { authorId: author.id })
  const path = `/ideas/${idea.id}`
  const forgeries: Array<Record<string, string>> = [
    { Host: 'evil.example' },
    { Host: `evil.example:${PORT}` },
    { 'X-Forwarded-Host': 'evil.example' },
    { 'X-Forwarded-Host': `evil.example:${PORT}` },
  ]
  for (const forged of forgeries) {
    const poisoned = await get(path, forged)
    expect(poisoned.status).toBe(200)
    expect(poisoned.body).not.toContain('evil.example')
    const later = await get(path)
    expect(later.status).toBe(200)
    expect(later.body).toContain(idea.title)
    expect(later.body).not.toContain('evil.example')
  }
})

test('the share link is completed by the browser from the address it is on', async ({ page }) => {
  const idea = createTestIdea(getDb(), { authorId: makeUser().id })
  await page.goto(`/ideas/${idea.id}`)
  await expect(page.getByLabel('Link to this idea')).toHaveValue(new URL(`/ideas/${idea.id}`, page.url()).href)
  await expect(page.getByRole('link', { name: 'Permanent link' })).toHaveAttribute('href', new URL(`/ideas/${idea.id}`, page.url()).href)
})

test("a member's pages are never kept for visitors, whatever shape the cookie takes", async () => {
  const displayName = `Member ${Date.now().toString(36)}`
  const member = makeUser({ displayName })
  const { value: token } = await startSession(member.id)
  const cookies = [
    `summit_session=${token}`,
    `summit%5Fsession=${token}`,
    ` summit_session=${token}; other=%E0%A4%A`,
    `x=1;summit_session=${token}`,
  ]
  for (const path of ['/', '/ideas', '/settings', '/questions']) {
    for (const cookie of cookies) {
      const answer = await get(path, { Cookie: cookie })
      if (answer.body.includes(displayName)) {
        // Rendered for the member: personal, so never kept, never revalidated by a shared cache.
        expect(answer.headers['cache-control']).toBe('private, no-store')
        expect(answer.headers.etag).toBeUndefined()
      }
      const visitor = await get(path)
      expect(visitor.body, `${path} after ${cookie}`).not.toContain(displayName)
      expect(visitor.body).not.toContain(member.email)
      expect(visitor.headers['x-summit-public-answer']).toBeUndefined()
      expect(answer.headers['x-summit-public-answer']).toBeUndefined()
    }
  }
  // The plain cookie does log the member in (so the loop above did test member pages).
  const settings = await get('/settings', { Cookie: `summit_session=${token}` })
  expect(settings.status).toBe(200)
  expect(settings.body).toContain(member.email)
})

test("a visitor's page is kept and revalidated as before", async () => {
  const first = await get('/ideas?sort=top')
  expect(first.status).toBe(200)
  expect(first.headers['cache-control']).toBe('public, max-age=0, must-revalidate')
  expect(first.headers.etag).toMatch(/^W\//)
  const again = await get('/ideas?sort=top', { 'If-None-Match': first.headers.etag! })
  expect([200, 304]).toContain(again.status)
})

test('requests for no path of ours, or naming no valid host, are clean 4xx answers', async () => {
  expect((await get('*', {}, 'OPTIONS')).status).toBe(204)
  for (const host of ['a b c', 'evil.example/path', 'bad_host!', '[::1', '']) {
    const answer = await get('/', { Host: host })
    expect(answer.status, JSON.stringify(host)).toBe(400)
  }
  expect((await get('/healthz')).status).toBe(200)
})

test('a mis-encoded session cookie is a page for a visitor, not an error', async () => {
  for (const path of ['/', '/ideas', '/login']) {
    const answer = await get(path, { Cookie: 'summit_session=%E0%A4%A' })
    expect(answer.status, path).toBe(200)
    expect(answer.headers['set-cookie']?.[0]).toMatch(/^summit_session=;/)
  }
})

test("text a visitor sends can never become a kept page's nonce", async () => {
  // The old slot, and look-alikes, typed into a search: the second answer is the kept copy.
  for (const typed of ['\u0000nonce\u0000', 'nonce', '\u0000nonce-x\u0000']) {
    const path = `/search?${new URLSearchParams({ q: `${typed} ${Date.now()}` })}`
    for (const round of ['rendered', 'kept']) {
      const answer = await get(path)
      expect(answer.status).toBe(200)
      const nonce = /'nonce-([^']+)'/.exec(String(answer.headers['content-security-policy'] ?? ''))?.[1]
      expect(nonce, round).toBeTruthy()
      // The nonce appears in nonce attributes and nowhere else.
      const elsewhere = answer.body.replaceAll(`nonce="${nonce}"`, '').includes(nonce!)
      expect(elsewhere, `the nonce shows in the text of ${JSON.stringify(typed)} (${round})`).toBe(false)
    }
  }
})
