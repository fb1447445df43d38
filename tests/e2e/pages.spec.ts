/** Smoke tests of public pages: the home page over the demo seed, the 404 page and /healthz. */
import { expect, expectAccessible, test } from './fixtures'

test('the home page lists the top ideas and the recent questions of the demo community', async ({ page }) => {
  const response = await page.goto('/')
  expect(response?.status()).toBe(200)
  await expect(page.getByRole('heading', { level: 1, name: 'Shape what we build next' })).toBeVisible()

  for (const [section, pathPattern] of [
    ['Top ideas', /^\/ideas\/\d+$/],
    ['Recent questions', /^\/questions\/\d+$/],
  ] as const) {
    const items = page.getByRole('region', { name: section }).getByRole('list').first().getByRole('listitem')
    await expect(items.first(), `${section} has entries`).toBeVisible()
    const count = await items.count()
    expect(count, `${section} shows several entries`).toBeGreaterThanOrEqual(3)
    for (let i = 0; i < count; i++) {
      const link = items.nth(i).getByRole('heading').getByRole('link')
      await expect(link).toHaveText(/\S/)
      await expect(link).toHaveAttribute('href', pathPattern)
    }
  }
  await expectAccessible(page)
})

test('an unknown URL shows the styled 404 page inside the site layout', async ({ page }) => {
  const response = await page.goto('/no-such-page/anywhere')
  expect(response?.status()).toBe(404)
  await expect(page.getByRole('heading', { level: 1, name: 'Page not found' })).toBeVisible()
  await expect(page.getByRole('main').getByRole('link', { name: 'Go to the home page' })).toHaveAttribute('href', '/')
  await expect(page.getByRole('banner').getByRole('navigation', { name: 'Main' })).toBeVisible()
  await expect(page.getByRole('banner').getByRole('link', { name: 'Log in' })).toBeVisible()
  await expect(page.getByRole('contentinfo').getByRole('navigation', { name: 'Footer' })).toBeVisible()
  await expect(page).toHaveTitle(/Summit/)
  await expectAccessible(page)
})

test('a POST to an unknown URL is a 404 too', async ({ request, baseURL }) => {
  const response = await request.post('/no-such-page', { headers: { Origin: baseURL! }, form: { a: 'b' }, maxRedirects: 0 })
  expect(response.status()).toBe(404)
})

test('/healthz answers 200 with status ok', async ({ request }) => {
  const response = await request.get('/healthz')
  expect(response.status()).toBe(200)
  expect(response.headers()['content-type']).toContain('application/json')
  expect(response.headers()['cache-control']).toBe('no-store')
  expect(await response.json()).toMatchObject({ status: 'ok', database: 'ok' })
})

test('the files at the root of the site are served from disk with a cache lifetime; other names are pages', async ({ request }) => {
  const robots = await request.get('/robots.txt')
  expect(robots.status()).toBe(200)
  expect(robots.headers()['cache-control']).toContain('max-age=3600')
  expect(await robots.text()).toContain('User-agent')
  const favicon = await request.get('/favicon.svg')
  expect(favicon.status()).toBe(200)
  expect(favicon.headers()['content-type']).toContain('image/svg+xml')
  // Percent-encoded, the same file.
  expect((await request.get('/robots%2Etxt')).status()).toBe(200)
  // A name that is not a file goes to the app: its 404 page, not a bare one.
  const missing = await request.get('/no-such-file.txt')
  expect(missing.status()).toBe(404)
  expect(await missing.text()).toContain('<html')
  // Members' pages are compressed on the fly.
  const page = await request.get('/ideas', { headers: { 'Accept-Encoding': 'gzip' } })
  expect(page.status()).toBe(200)
})
