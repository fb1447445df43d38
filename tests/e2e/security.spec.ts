/** Cross-site request forgery: every state-changing request must come from the site's own pages. */
import { expect, expectAccessible, test } from './fixtures'

const EVIL = 'http://evil.example'
const LOGIN_FIELDS = { identifier: 'nobody-at-all', password: 'whatever-password' }
const REFUSED = 'This form was sent from another site, so it was refused.'

test('a POST from another origin is refused with 403', async ({ request }) => {
  const response = await request.post('/login', { headers: { Origin: EVIL }, form: LOGIN_FIELDS, maxRedirects: 0 })
  expect(response.status()).toBe(403)
  expect(await response.text()).toContain(REFUSED)

  // The Origin decides, even when the Referer names our own page.
  const spoofed = await request.post('/logout', {
    headers: { Origin: EVIL, Referer: new URL('/login', test.info().project.use.baseURL).href },
    form: {},
    maxRedirects: 0,
  })
  expect(spoofed.status()).toBe(403)
})

test('a POST with neither Origin nor Referer is refused with 403', async ({ request }) => {
  const response = await request.post('/login', { form: LOGIN_FIELDS, maxRedirects: 0 })
  expect(response.status()).toBe(403)
  expect(await response.text()).toContain(REFUSED)

  const nullOrigin = await request.post('/login', { headers: { Origin: 'null' }, form: LOGIN_FIELDS, maxRedirects: 0 })
  expect(nullOrigin.status()).toBe(403)
})

test('a same-origin POST reaches the form handler', async ({ request, baseURL }) => {
  const byOrigin = await request.post('/login', { headers: { Origin: baseURL! }, form: LOGIN_FIELDS, maxRedirects: 0 })
  expect(byOrigin.status()).toBe(400) // the action ran: wrong username or password
  expect(await byOrigin.text()).toContain('Wrong username, e-mail or password.')

  // Browsers that send no Origin still send the Referer.
  const byReferer = await request.post('/login', {
    headers: { Referer: `${baseURL}/login` },
    form: LOGIN_FIELDS,
    maxRedirects: 0,
  })
  expect(byReferer.status()).toBe(400)
})

test('a form on another site that posts to us gets the 403 page in the browser', async ({ page, baseURL }) => {
  await page.route(`${EVIL}/**`, (route) =>
    route.fulfill({
      contentType: 'text/html',
      body: `<!doctype html><html lang="en"><title>Win a prize</title><h1>Win a prize</h1>
        <form method="post" action="${baseURL}/logout"><button>Claim it</button></form></html>`,
    }),
  )
  await page.goto(`${EVIL}/prize`)
  const [response] = await Promise.all([
    page.waitForResponse((r) => r.url() === `${baseURL}/logout`),
    page.getByRole('button', { name: 'Claim it' }).click(),
  ])
  expect(response.status()).toBe(403)
  expect(await response.request().headerValue('origin')).toBe(EVIL)
  await expect(page.getByRole('heading', { level: 1, name: '403 Forbidden' })).toBeVisible()
  await expect(page.getByRole('link', { name: 'Go to the home page' })).toBeVisible()
  await expectAccessible(page)
})
