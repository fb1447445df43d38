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
