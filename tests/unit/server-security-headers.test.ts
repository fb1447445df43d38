/**
 * Security headers on every answer (server/security-headers.ts), with real requests to the
 * server's Express app: a fresh CSP nonce per request, handed to the app, and the policy and HSTS
 * in production only.
 */
import { afterEach, expect, test } from 'vitest'
import { type Front, startFront } from './helpers/front'

let front: Front | undefined
afterEach(() => front?.close())

const nonceHandler: Parameters<typeof startFront>[0]['handler'] = (req, res) => {
  res.type('text').send(String(res.locals.cspNonce))
}

test('production: fixed headers, and a Content-Security-Policy whose nonce is the one the app got, new on every request', async () => {
  front = await startFront({ handler: nonceHandler })
  const nonces = new Set<string>()
  for (let i = 0; i < 3; i++) {
    const response = await fetch(`${front.origin}/`)
    const nonce = await response.text()
    expect(nonce).toMatch(/^[A-Za-z0-9+/]{22}==$/)
    nonces.add(nonce)
    expect(response.headers.get('content-security-policy')).toBe(
      `default-src 'self'; script-src 'self' 'nonce-${nonce}'; style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'`,
    )
    expect(
      Object.fromEntries(
        [...response.headers].filter(([name]) => name.startsWith('x-') || name.endsWith('-policy') || name.startsWith('referrer')),
      ),
    ).toMatchObject({
      'x-content-type-options': 'nosniff',
      'x-frame-options': 'DENY',
      'referrer-policy': 'strict-origin-when-cross-origin',
      'permissions-policy': 'camera=(), microphone=(), geolocation=(), interest-cohort=()',
      'cross-origin-opener-policy': 'same-origin',
    })
    expect(response.headers.get('x-powered-by')).toBeNull()
    // Served over http: no HSTS.
    expect(response.headers.get('strict-transport-security')).toBeNull()
  }
  expect(nonces.size).toBe(3)
})

test('an https PUBLIC_URL gets Strict-Transport-Security', async () => {
  front = await startFront({ handler: nonceHandler, publicUrl: new URL('https://community.example.com') })
  const response = await fetch(`${front.origin}/`)
  expect(response.headers.get('strict-transport-security')).toBe('max-age=31536000; includeSubDomains')
})

test('development: the fixed headers and a nonce, but no Content-Security-Policy', async () => {
  front = await startFront({ handler: nonceHandler, mode: 'development' })
  const response = await fetch(`${front.origin}/`)
  expect(await response.text()).toMatch(/==$/)
  expect(response.headers.get('x-frame-options')).toBe('DENY')
  expect(response.headers.get('content-security-policy')).toBeNull()
})
