/**
 * Password guessing through the real server: guesses sent all at once get no more judged than the
 * limit (10 per 15 minutes per account), the rest a 429 with Retry-After; one address shared by an
 * office does not lock colleagues out until it sends 100 failures; the current password in
 * settings is limited too.
 */
import { type APIResponse } from '@playwright/test'
import { accountMenu, expect, expectAccessible, makeUser, submitLogin, test, unique } from './fixtures'

const LIMIT = 10 // LOGIN_ATTEMPTS_PER_15_MIN, pinned in playwright.config.ts
const IP_LIMIT = 100 // LOGIN_ATTEMPTS_PER_IP_PER_15_MIN, likewise
const NEW_PASSWORD = 'copper-lantern-meadow-58'

function tallyStatuses(responses: APIResponse[]) {
  const statuses = responses.map((r) => r.status())
  return { judged: statuses.filter((s) => s === 400).length, refused: responses.filter((r) => r.status() === 429) }
}

test('40 wrong log-ins for one account sent at once: 10 are answered 400, the other 30 get 429 with Retry-After', async ({
  request,
  baseURL,
}) => {
  const user = makeUser()
  const responses = await Promise.all(
    Array.from({ length: 40 }, (_, i) =>
      request.post('/login', {
        headers: { Origin: baseURL! },
        // The username and the e-mail address share the account's tries.
        form: { identifier: i % 2 ? user.username : user.email, password: `wrong-guess-${i}` },
        maxRedirects: 0,
      }),
    ),
  )
  const { judged, refused } = tallyStatuses(responses)
  expect(judged).toBe(LIMIT)
  expect(refused).toHaveLength(40 - LIMIT)
  for (const response of refused) {
    expect(Number(response.headers()['retry-after'])).toBeGreaterThan(0)
    expect(await response.text()).toContain('Too many failed log-in attempts for this account.')
  }
  // And the right password is refused now too.
  const right = await request.post('/login', {
    headers: { Origin: baseURL! },
    form: { identifier: user.username, password: user.password },
    maxRedirects: 0,
  })
  expect(right.status()).toBe(429)
})

test('ten failed log-ins from an office address do not lock a colleague at that address out', async ({ page }) => {
  const colleague = makeUser()
  await page.goto('/login')
  for (let attempt = 1; attempt <= 10; attempt++) {
    const response = await submitLogin(page, unique('nobody'), 'some-password-123')
    expect(response.status(), `attempt ${attempt}`).toBe(400)
  }
  const response = await submitLogin(page, colleague.username, colleague.password)
  expect(response.status()).toBeLessThan(400)
  await expect(accountMenu(page, colleague.username)).toBeVisible()
})

test('100 failed log-ins from one address, over many accounts, close that address: even a right password is refused', async ({
  page,
  request,
  baseURL,
}) => {
  const colleague = makeUser()
  const responses = await Promise.all(
    Array.from({ length: IP_LIMIT }, (_, i) =>
      request.post('/login', {
        headers: { Origin: baseURL! },
        form: { identifier: unique(`sprayed${i}-`), password: 'Summer2026!' },
        maxRedirects: 0,
      }),
    ),
  )
  expect(responses.map((r) => r.status())).toEqual(Array.from({ length: IP_LIMIT }, () => 400))
  await page.goto('/login')
  const refused = await submitLogin(page, colleague.username, colleague.password)
  expect(refused.status()).toBe(429)
  await expect(page.getByRole('alert')).toContainText('Too many failed log-in attempts from your network.')
  await expectAccessible(page)
})

test('the password form in settings answers 429 after 10 wrong current passwords, and keeps the form', async ({
  page,
  browser,
  loginAs,
  baseURL,
}) => {
  const user = await loginAs()
  // page.request carries the browser's session cookie and this test's address.
  const post = (currentPassword: string) =>
    page.request.post('/settings', {
      headers: { Origin: baseURL! },
      form: { intent: 'change-password', currentPassword, newPassword: NEW_PASSWORD, confirmPassword: NEW_PASSWORD },
      maxRedirects: 0,
    })
  const responses = await Promise.all(Array.from({ length: 20 }, (_, i) => post(`wrong-guess-${i}`)))
  const { judged, refused } = tallyStatuses(responses)
  expect(judged).toBe(LIMIT)
  expect(refused).toHaveLength(20 - LIMIT)
  for (const response of refused) expect(Number(response.headers()['retry-after'])).toBeGreaterThan(0)

  // In the browser: the right password is refused too, with the message beside the form.
  await page.goto('/settings')
  const section = page.getByRole('region', { name: 'Change password' })
  await section.getByLabel('Current password').fill(user.password)
  await section.getByLabel('New password', { exact: true }).fill(NEW_PASSWORD)
  await section.getByLabel('Repeat the new password').fill(NEW_PASSWORD)
  const [response] = await Promise.all([
    page.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname.startsWith('/settings')),
    section.getByRole('button', { name: 'Change password' }).click(),
  ])
  expect(response.status()).toBe(429)
  await expect(section.getByRole('alert')).toContainText(/Too many wrong passwords\. Try again in 1[45] minutes\./)
  await expect(section.getByLabel('Current password')).toBeVisible()
  await expectAccessible(page)
  // The password did not change: the old one is still the one that logs in.
  const other = await browser.newContext()
  const otherPage = await other.newPage()
  await otherPage.goto('/login')
  expect((await submitLogin(otherPage, user.username, user.password)).status()).toBeLessThan(400)
  await other.close()
})
