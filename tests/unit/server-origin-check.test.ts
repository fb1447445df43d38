/**
 * The server's refusals before the app (server/origin-check.ts, server/request-checks.ts), with
 * real requests to the Express app: cross-site writes get 403, and its three exceptions pass with
 * the headers that could carry a browser's session removed.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { type Front, startFront } from './helpers/front'

/** The app stand-in answers with what reached it. */
function echo(): Parameters<typeof startFront>[0]['handler'] {
  return (req, res) => {
    res.json({
      method: req.method,
      path: req.path,
      cookie: req.get('cookie') ?? null,
      origin: req.get('origin') ?? null,
      referer: req.get('referer') ?? null,
      host: req.get('host'),
      protocol: req.protocol,
    })
  }
}

describe('without PUBLIC_URL', () => {
  let front: Front
  beforeAll(async () => {
    front = await startFront({ handler: echo() })
  })
  afterAll(() => front.close())

  const post = (path: string, headers: Record<string, string> = {}) =>
    fetch(`${front.origin}${path}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', ...headers },
      body: 'a=1',
      redirect: 'manual',
    })

  test('a POST from the site itself passes, by Origin or, without one, by Referer', async () => {
    expect((await post('/ideas/new', { Origin: front.origin })).status).toBe(200)
    expect((await post('/ideas/new', { Referer: `${front.origin}/ideas/new` })).status).toBe(200)
  })

  test('a cross-site POST is refused with 403 and a plain page, before the app', async () => {
    const cases: Record<string, string>[] = [
      { Origin: 'https://evil.example' },
      { Referer: 'https://evil.example/form' },
      {},
      { Origin: 'null' },
      { Referer: 'not a url' },
    ]
    for (const headers of cases) {
      const response = await post('/ideas/new', headers)
      expect(response.status, JSON.stringify(headers)).toBe(403)
      expect(response.headers.get('cache-control')).toBe('no-store')
      expect(await response.text()).toContain('This form was sent from another site, so it was refused.')
    }
    // A foreign Origin wins over a matching Referer.
    expect((await post('/ideas/new', { Origin: 'https://evil.example', Referer: `${front.origin}/` })).status).toBe(403)
  })

  test('/api/v1 writes pass without the Origin check, and reach the app without cookies, Origin or Referer', async () => {
    const response = await post('/api/v1/ideas', {
      Origin: 'https://evil.example',
      Referer: 'https://evil.example/',
      Cookie: 'summit_session=abc',
    })
    expect(response.status).toBe(200)
    expect(await response.json()).toMatchObject({ cookie: null, origin: null, referer: null })
    // PUT and DELETE are the API's alone.
    expect((await fetch(`${front.origin}/api/v1/ideas/1/vote`, { method: 'PUT' })).status).toBe(200)
    expect((await fetch(`${front.origin}/ideas/1`, { method: 'DELETE' })).status).toBe(405)
    // The path Remix routes by decides: /api/v1/../settings is not the API.
    expect((await post('/api/v1/%2e%2e/settings', { Origin: 'https://evil.example' })).status).toBe(403)
  })

  test('a one-click unsubscribe passes only with neither Origin nor Referer', async () => {
    expect((await post('/unsubscribe?token=t')).status).toBe(200)
    expect((await post('/unsubscribe?token=t', { Origin: 'https://evil.example' })).status).toBe(403)
  })

  test('a POST to /sso/jwt from the company’s site passes, its Origin and Referer removed', async () => {
    const response = await post('/sso/jwt', { Origin: 'https://app.example.com', Referer: 'https://app.example.com/login' })
    expect(response.status).toBe(200)
    expect(await response.json()).toMatchObject({ origin: null, referer: null })
    expect((await post('/sso/jwt/other', { Origin: 'https://app.example.com' })).status).toBe(403)
  })

  test('methods the site does not answer, absolute-form targets, bad hosts and ?_data are refused', async () => {
    const patch = await fetch(`${front.origin}/`, { method: 'PATCH' })
    expect(patch.status).toBe(405)
    expect(patch.headers.get('allow')).toBe('GET, HEAD, POST, OPTIONS')
    expect((await fetch(`${front.origin}/questions?_data=root`)).status).toBe(400)
    expect((await fetch(`${front.origin}/questions?index&_data`)).status).toBe(400)
    expect((await fetch(`${front.origin}/questions?page=2`)).status).toBe(200)
  })
})

describe('with PUBLIC_URL', () => {
  let front: Front
  beforeAll(async () => {
    front = await startFront({ handler: echo(), publicUrl: new URL('https://community.example.com') })
  })
  afterAll(() => front.close())

  test('every request is addressed to it, whatever Host and X-Forwarded-Host say', async () => {
    const response = await fetch(`${front.origin}/`, { headers: { 'X-Forwarded-Host': 'evil.example' } })
    expect(await response.json()).toMatchObject({ host: 'community.example.com', protocol: 'https' })
  })

  test('a POST must come from the public origin', async () => {
    const post = (origin: string) => fetch(`${front.origin}/ideas/new`, { method: 'POST', headers: { Origin: origin }, body: 'a=1' })
    expect((await post('https://community.example.com')).status).toBe(200)
    expect((await post(front.origin)).status).toBe(403)
  })
})
