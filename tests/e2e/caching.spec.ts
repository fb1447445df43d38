/** HTTP caching: public pages revalidate with an ETag for visitors; a member's pages are never shared. */
import { expect, test } from './fixtures'

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
