/**
 * The visitor page cache (server/page-cache.ts), with real requests to the server's Express app and
 * the app's own database version token: kept pages with their ETag and a fresh nonce, 304s, a write
 * drops them, members never share them, and a question page counts each visitor's view exactly once
 * (through the question route's own loader) whether it is rendered or served from the cache.
 */
import http from 'node:http'
import zlib from 'node:zlib'
import { type RequestHandler } from 'express'
import { afterEach, describe, expect, expectTypeOf, test } from 'vitest'
import type * as Entry from '~/entry.server'
import { getDb } from '~/lib/db.server'
import { pageCacheVersion } from '~/lib/page-cache.server'
import { loader as questionLoader } from '~/routes/questions.$questionId/route'
import { createTestQuestion, createUser } from '#tests/factories'
import { loadContext } from '../../server/app'
import { type AppEntry } from '../../server/app-build'
import { PageCache } from '../../server/page-cache'
import { type Front, markAudience, pageHandler, sendAsRemix, startFront } from './helpers/front'

let front: Front | undefined
afterEach(() => front?.close())

const keeping = (options: Partial<ConstructorParameters<typeof PageCache>[0]> = {}) =>
  new PageCache({ maxAgeSeconds: 60, version: pageCacheVersion, ...options })

test('what app/entry.server.tsx exports is what the server takes from the build', () => {
  expectTypeOf<typeof Entry>().toMatchTypeOf<AppEntry>()
})

describe('kept pages', () => {
  test('a visitor’s page is kept with a weak ETag and served again with a nonce of its own; a matching If-None-Match gets a 304', async () => {
    const rendered = { count: 0 }
    front = await startFront({ handler: pageHandler(() => 'hello', rendered), pageCache: keeping() })
    const first = await fetch(`${front.origin}/ideas`)
    const etag = first.headers.get('etag')!
    expect(etag).toMatch(/^W\/"[\w-]{27}"$/)
    expect(first.headers.get('cache-control')).toBe('public, max-age=0, must-revalidate')
    expect(first.headers.get('vary')).toContain('Cookie')
    expect(first.headers.get('x-summit-public-answer')).toBeNull()
    const firstBody = await first.text()

    const again = await fetch(`${front.origin}/ideas`, { headers: { 'Accept-Encoding': 'identity' } })
    expect(rendered.count).toBe(1)
    expect(again.headers.get('etag')).toBe(etag)
    expect(again.headers.get('x-summit-public-answer')).toBeNull()
    const nonce = /'nonce-([^']+)'/.exec(again.headers.get('content-security-policy')!)![1]!
    const body = await again.text()
    expect(body).toContain(`nonce="${nonce}"`)
    expect(body).not.toBe(firstBody)
    expect(body.replace(nonce, '')).toBe(firstBody.replace(/nonce="[^"]+"/, 'nonce=""'))

    // Gzip made once from the kept page, still with this answer's nonce.
    const gzipped = await fetch(`${front.origin}/ideas`, { headers: { 'Accept-Encoding': 'gzip' } })
    expect(gzipped.headers.get('content-encoding')).toBe('gzip')
    const gzNonce = /'nonce-([^']+)'/.exec(gzipped.headers.get('content-security-policy')!)![1]!
    expect(await gzipped.text()).toContain(`nonce="${gzNonce}"`)
    expect(rendered.count).toBe(1)

    for (const ifNoneMatch of [etag, etag.slice(2), `"other", ${etag}`, '*']) {
      const notModified = await fetch(`${front.origin}/ideas`, { headers: { 'If-None-Match': ifNoneMatch } })
      expect(notModified.status, ifNoneMatch).toBe(304)
      expect(notModified.headers.get('content-security-policy')).toBeNull()
      expect(notModified.headers.get('etag')).toBe(etag)
    }
    expect((await fetch(`${front.origin}/ideas`, { headers: { 'If-None-Match': 'W/"other"' } })).status).toBe(200)
    expect(rendered.count).toBe(1)
  })

  test('a write to the database drops every kept page; so does the age limit', async () => {
    let now = 1_000_000
    let text = 'before'
    const rendered = { count: 0 }
    front = await startFront({ handler: pageHandler(() => text, rendered), pageCache: keeping({ now: () => now }) })
    const get = async () => (await fetch(`${front!.origin}/`)).text()
    expect(await get()).toContain('before')
    text = 'after'
    expect(await get()).toContain('before')
    expect(rendered.count).toBe(1)
    createUser(getDb())
    expect(await get()).toContain('after')
    expect(rendered.count).toBe(2)
    expect(await get()).toContain('after')
    expect(rendered.count).toBe(2)
    now += 61_000
    expect(await get()).toContain('after')
    expect(rendered.count).toBe(3)
  })

  test('a page rendered while the database changed is not kept', async () => {
    const rendered = { count: 0 }
    const writing: RequestHandler = (req, res, next) => {
      if (rendered.count === 0) createUser(getDb())
      next()
    }
    const page = pageHandler(() => 'page', rendered)
    front = await startFront({ handler: (req, res, next) => writing(req, res, () => page(req, res, next)), pageCache: keeping() })
    await fetch(`${front.origin}/`)
    await fetch(`${front.origin}/`)
    await fetch(`${front.origin}/`)
    expect(rendered.count).toBe(2)
  })

  test('requests with a session cookie or an Authorization header neither get nor feed kept pages', async () => {
    const rendered = { count: 0 }
    front = await startFront({ handler: pageHandler(() => 'page', rendered), pageCache: keeping() })
    const member = { Cookie: 'theme=dark; summit_session=abcdefghijklmnopqrstuvwxyz' }
    const asMember = await fetch(`${front.origin}/`, { headers: member })
    expect(asMember.headers.get('etag')).toBeNull()
    expect(asMember.headers.get('cache-control')).toBe('private, no-store')
    await fetch(`${front.origin}/`, { headers: member })
    await fetch(`${front.origin}/`, { headers: { Authorization: 'Bearer token' } })
    expect(rendered.count).toBe(3)
    // A visitor's page is kept, and a member still gets a page of their own.
    await fetch(`${front.origin}/`)
    await fetch(`${front.origin}/`, { headers: { Cookie: 'theme=dark' } })
    expect(rendered.count).toBe(4)
    await fetch(`${front.origin}/`, { headers: member })
    expect(rendered.count).toBe(5)
  })

  test('answers the app did not mark for everyone, errors and answers that set a cookie are neither tagged nor kept', async () => {
    let status = 200
    const rendered = { count: 0 }
    front = await startFront({
      pageCache: keeping(),
      handler: (req, res) => {
        rendered.count++
        if (req.path !== '/unmarked') markAudience(req, res)
        if (req.path === '/cookie') res.set('Set-Cookie', 'flow=1')
        sendAsRemix(res, '<p>page</p>', { status })
      },
    })
    for (const path of ['/unmarked', '/cookie']) {
      expect((await fetch(`${front.origin}${path}`)).headers.get('etag')).toBeNull()
      await fetch(`${front.origin}${path}`)
    }
    status = 404
    expect((await fetch(`${front.origin}/missing`)).headers.get('etag')).toBeNull()
    await fetch(`${front.origin}/missing`)
    expect(rendered.count).toBe(6)
  })

  test('outside production (PAGE_CACHE_SECONDS=0) nothing is kept, but visitors’ pages still get ETags and 304s', async () => {
    const rendered = { count: 0 }
    front = await startFront({ handler: pageHandler(() => 'page', rendered), mode: 'development' })
    const first = await fetch(`${front.origin}/`)
    const etag = first.headers.get('etag')!
    expect(etag).toMatch(/^W\//)
    expect((await fetch(`${front.origin}/`, { headers: { 'If-None-Match': etag } })).status).toBe(304)
    expect(rendered.count).toBe(2)
  })
})

describe('question views', () => {
  const visitor = (name: string) => ({ 'User-Agent': `Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0 ${name}` })

  /** The question page as the app would render it: the route's own loader, with the server's load context. */
  function questionPage(rendered: { count: number }): RequestHandler {
    return async (req, res, next) => {
      try {
        const match = /^\/questions\/(\d+)$/.exec(req.path)
        if (!match) return void res.status(404).end()
        rendered.count++
        const request = new Request(`http://127.0.0.1${req.originalUrl}`, { headers: { 'User-Agent': req.get('user-agent') ?? '' } })
        const data = await questionLoader({ request, params: { questionId: match[1] }, context: loadContext(req, res) })
        markAudience(req, res)
        sendAsRemix(res, `<p>${data.question.viewCount} views</p><script nonce="${res.locals.cspNonce}"></script>`)
      } catch (error) {
        next(error)
      }
    }
  }

  const viewCount = (questionId: number) =>
    getDb().$client.prepare('select view_count from questions where id = ?').pluck().get(questionId) as number

  test('each visitor’s view is counted exactly once a day, whether the page is rendered or served from the cache', async () => {
    const db = getDb()
    const question = createTestQuestion(db, { authorId: createUser(db).id })
    const rendered = { count: 0 }
    front = await startFront({ handler: questionPage(rendered), pageCache: keeping() })
    const get = async (who: string) => (await fetch(`${front!.origin}/questions/${question.id}`, { headers: visitor(who) })).text()

    // A miss: the loader counts the view (the page, rendered while it wrote, is not kept).
    expect(await get('a')).toContain('<p>1 views</p>')
    expect(viewCount(question.id)).toBe(1)
    // The same visitor again: nothing to count; rendered once more, and kept.
    expect(await get('a')).toContain('<p>1 views</p>')
    expect(rendered.count).toBe(2)
    // A hit: the kept page, and still one view.
    expect(await get('a')).toContain('<p>1 views</p>')
    expect(rendered.count).toBe(2)
    expect(viewCount(question.id)).toBe(1)

    // Another visitor asks for the kept page: the route's view is counted before the cache is
    // asked, so the page is rendered afresh with the new count (and the loader counts nothing more).
    expect(await get('b')).toContain('<p>2 views</p>')
    expect(rendered.count).toBe(3)
    expect(viewCount(question.id)).toBe(2)
    // Served from the cache to both visitors now, counting nothing more.
    expect(await get('b')).toContain('<p>2 views</p>')
    expect(await get('a')).toContain('<p>2 views</p>')
    expect(rendered.count).toBe(3)
    expect(viewCount(question.id)).toBe(2)

    // A crawler is never counted, kept page or not.
    await fetch(`${front.origin}/questions/${question.id}`, {
      headers: { 'User-Agent': 'Googlebot/2.1 (+http://www.google.com/bot.html)' },
    })
    expect(viewCount(question.id)).toBe(2)
    expect(rendered.count).toBe(3)
  })

  test('the view is the path’s, whatever the query: a visitor’s first look at another query is counted before the render', async () => {
    const db = getDb()
    const question = createTestQuestion(db, { authorId: createUser(db).id })
    const rendered = { count: 0 }
    front = await startFront({ handler: questionPage(rendered), pageCache: keeping() })
    const get = async (who: string, query = '') =>
      (await fetch(`${front!.origin}/questions/${question.id}${query}`, { headers: visitor(who) })).text()
    expect(await get('a')).toContain('<p>1 views</p>')
    expect(await get('b', '?sort=votes')).toContain('<p>2 views</p>')
    expect(await get('c', '?sort=votes')).toContain('<p>3 views</p>')
    expect(await get('c', '?sort=votes')).toContain('<p>3 views</p>')
    expect(rendered.count).toBe(3)
    expect(viewCount(question.id)).toBe(3)
  })

  test('remembered views are bounded in number and in path characters, oldest first', () => {
    const cache = new PageCache({ maxAgeSeconds: 60, version: () => 'v', maxViews: 3, maxViewPathChars: 16 * 20 })
    const view = () => {}
    for (const path of ['/a', '/b', '/c', '/d']) cache.rememberView(path, view)
    expect(['/a', '/b', '/c', '/d'].map((path) => Boolean(cache.viewOf(path)))).toEqual([false, true, true, true])
    cache.rememberView(`/${'x'.repeat(20)}`, view)
    expect(cache.viewOf(`/${'x'.repeat(20)}`)).toBeUndefined()
    cache.rememberView(`/${'y'.repeat(18)}`, view)
    expect(['/b', '/c', '/d'].map((path) => Boolean(cache.viewOf(path)))).toEqual([false, true, true])
    expect(new PageCache({ maxAgeSeconds: 0, version: () => 'v' }).viewOf('/d')).toBeUndefined()
  })

  test('without the page cache the loader alone counts, once per visitor', async () => {
    const db = getDb()
    const question = createTestQuestion(db, { authorId: createUser(db).id })
    const rendered = { count: 0 }
    front = await startFront({ handler: questionPage(rendered) })
    for (const who of ['a', 'a', 'b']) await fetch(`${front.origin}/questions/${question.id}`, { headers: visitor(who) })
    expect(rendered.count).toBe(3)
    expect(viewCount(question.id)).toBe(2)
  })
})

test('the gzip of a kept page inflates to the page with the answer’s nonce', async () => {
  front = await startFront({ handler: pageHandler(() => 'x'.repeat(5000)), pageCache: keeping() })
  await fetch(`${front.origin}/`)
  // node:http, which leaves the body as sent (fetch would inflate it).
  const { headers, body } = await new Promise<{ headers: http.IncomingHttpHeaders; body: Buffer }>((resolve, reject) => {
    http
      .get(`${front!.origin}/`, { headers: { 'Accept-Encoding': 'gzip' } }, (response) => {
        const chunks: Buffer[] = []
        response.on('data', (chunk: Buffer) => chunks.push(chunk))
        response.on('end', () => resolve({ headers: response.headers, body: Buffer.concat(chunks) }))
      })
      .on('error', reject)
  })
  expect(headers['content-encoding']).toBe('gzip')
  const nonce = /'nonce-([^']+)'/.exec(String(headers['content-security-policy']))![1]!
  const text = zlib.gunzipSync(body).toString()
  expect(text).toContain(`nonce="${nonce}"`)
  expect(text).toContain('x'.repeat(5000))
})
