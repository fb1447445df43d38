/**
 * Logging in from the company's own app (/sso/jwt): a link or a form on the app's site carries a
 * signed token; the browser lands logged in, and the token is in neither the address bar nor the
 * next page's Referer. The app's pages are served by Playwright at APP, another origin.
 */
import crypto from 'node:crypto'
import { and, eq } from 'drizzle-orm'
import { SignJWT } from 'jose'
import { type Page } from '@playwright/test'
import { userIdentities, users } from '#db/schema'
import { getDb } from '~/lib/db.server'
import { cleanDisplayName, JWT_ISSUER } from '~/models/identities.server'
import { setSetting } from '~/models/settings.server'
import { accountMenu, expect, expectAccessible, test, unique } from './fixtures'

const APP = 'http://app.customer.example'
const SECRET = 'e2e-shared-secret-for-the-company-app-0123'
const AUDIENCE = 'summit-e2e'

test.beforeEach(() => {
  // Every test sets the same value: specs running side by side agree.
  setSetting(getDb(), 'jwtSso', { enabled: true, secret: SECRET, jwksUrl: null, audience: AUDIENCE })
})

async function signToken(claims: Record<string, unknown> = {}) {
  const sub = unique('e2e-cust')
  const now = Math.floor(Date.now() / 1000)
  const token = await new SignJWT({ email: `${sub}@customer.example`, name: `Customer ${sub}`, ...claims })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(sub)
    .setAudience(AUDIENCE)
    .setIssuedAt(now)
    .setExpirationTime(now + 300)
    .setJti(crypto.randomUUID())
    .sign(new TextEncoder().encode(SECRET))
  return { token, sub, name: (claims.name as string | undefined) ?? `Customer ${sub}` }
}

/** The company's app: one page, at APP, with the given body. */
async function serveAppPage(page: Page, body: string) {
  await page.route(`${APP}/**`, (route) =>
    route.fulfill({
      contentType: 'text/html',
      body: `<!doctype html><html lang="en"><title>Customer app</title><main><h1>Customer app</h1>${body}</main></html>`,
    }),
  )
  await page.goto(`${APP}/dashboard`)
}

function memberOf(sub: string) {
  return getDb()
    .select({ id: users.id, username: users.username, displayName: users.displayName })
    .from(userIdentities)
    .innerJoin(users, eq(users.id, userIdentities.userId))
    .where(and(eq(userIdentities.issuer, JWT_ISSUER), eq(userIdentities.subject, sub)))
    .get()
}

for (const javaScriptEnabled of [true, false]) {
  test.describe(`a link from the app (JavaScript ${javaScriptEnabled ? 'on' : 'off'})`, () => {
    test.use({ javaScriptEnabled })

    test('logs the browser in and lands on redirectTo, with the token left behind', async ({ page, baseURL }) => {
      const { token, sub, name } = await signToken()
      await serveAppPage(page, `<p><a href="${baseURL}/sso/jwt?token=${token}&amp;redirectTo=%2Fideas">Go to the community</a></p>`)
      const landing = page.waitForRequest((r) => new URL(r.url()).pathname === '/ideas' && r.isNavigationRequest())
      await page.getByRole('link', { name: 'Go to the community' }).click()
      await expect(page).toHaveURL(`${baseURL}/ideas`)
      expect(await (await landing).headerValue('referer')).toBeNull()
      await expect(accountMenu(page, name)).toBeVisible()
      expect(memberOf(sub)).toMatchObject({ displayName: name })
      await expectAccessible(page)
    })
  })
}

test('a replayed link is refused with a page that says so, holds no token, keeps nothing and refers nobody', async ({ page, baseURL }) => {
  const { token } = await signToken()
  const url = `${baseURL}/sso/jwt?token=${token}`
  const first = await page.request.get(url, { maxRedirects: 0 })
  expect(first.status()).toBe(302)

  await page.context().clearCookies()
  const response = await page.goto(url)
  // Redirected to a page whose address holds no token, so its own links (Log in) cannot repeat it.
  await expect(page).toHaveURL(`${baseURL}/sso/jwt?refused=replayed`)
  expect(response?.status()).toBe(400)
  expect(response?.headers()['cache-control']).toBe('no-store')
  // The server's default policy (server/security-headers.ts) comes first; the browser combines the two and the last one wins.
  expect(response?.headers()['referrer-policy']).toMatch(/(^|[,\n]\s*)no-referrer$/)
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('That request was not understood')
  await expect(page.getByText('This sign-in link has already been used.')).toBeVisible()
  expect(await page.content()).not.toContain(token)
  await expect(page.getByRole('banner').getByRole('link', { name: 'Log in' })).toBeVisible()
  await expectAccessible(page)

  // With JavaScript the link fetches the home page's data (/_root.data) instead of the document.
  const home = page.waitForRequest((r) => ['/', '/_root.data'].includes(new URL(r.url()).pathname))
  await page.getByRole('main').getByRole('link', { name: 'Go to the home page' }).click()
  expect(await (await home).headerValue('referer')).toBeNull()
})

test('a form on the app’s site posts the token across sites and logs in', async ({ page, baseURL }) => {
  const { token, name } = await signToken()
  await serveAppPage(
    page,
    `<form method="post" action="${baseURL}/sso/jwt">
       <input type="hidden" name="token" value="${token}"><input type="hidden" name="redirectTo" value="/questions">
       <button>Open the community</button>
     </form>`,
  )
  const [post] = await Promise.all([
    page.waitForResponse((r) => new URL(r.url()).pathname === '/sso/jwt'),
    page.getByRole('button', { name: 'Open the community' }).click(),
  ])
  expect(post.status()).toBe(302)
  expect(await post.request().headerValue('origin')).toBe(APP)
  await expect(page).toHaveURL(`${baseURL}/questions`)
  await expect(accountMenu(page, name)).toBeVisible()
})

test('only a POST to exactly /sso/jwt passes the cross-site check', async ({ request }) => {
  const { token } = await signToken()
  const crossSite = { Origin: APP, Referer: `${APP}/dashboard` }
  const refused = await request.post('/sso/jwt', { headers: crossSite, form: { token: 'not-a-token' }, maxRedirects: 0 })
  expect(refused.status()).toBe(400) // the route judged it: passed the check, failed the token
  for (const path of ['/sso/jwt/', '/sso/jwt.data', '/SSO/JWT', '/logout']) {
    const other = await request.post(path, { headers: crossSite, form: { token }, maxRedirects: 0 })
    expect(other.status(), path).toBe(403)
  }
  const accepted = await request.post('/sso/jwt', { headers: crossSite, form: { token, redirectTo: '/ideas' }, maxRedirects: 0 })
  expect(accepted.status()).toBe(302)
  expect(accepted.headers()['location']).toBe('/ideas')
})

test("a link checker's HEAD request does not use the link up", async ({ request }) => {
  const { token } = await signToken()
  const head = await request.head(`/sso/jwt?token=${token}`, { maxRedirects: 0 })
  expect(head.status()).toBe(200)
  const get = await request.get(`/sso/jwt?token=${token}&redirectTo=%2Froadmap`, { maxRedirects: 0 })
  expect(get.status()).toBe(302)
  expect(get.headers()).toMatchObject({ location: '/roadmap', 'cache-control': 'no-store' })
  expect(get.headers()['set-cookie']).toMatch(/^summit_session=/)
})

test('a script in the name from the token is shown as text on the profile page', async ({ page, baseURL }) => {
  const name = `"><img src=x onerror="window.__pwned = 2"><script>window.__pwned = 1</script>Eve`
  const { token, sub } = await signToken({ name })
  let dialogs = 0
  page.on('dialog', (dialog) => {
    dialogs += 1
    void dialog.dismiss()
  })
  await page.goto(`${baseURL}/sso/jwt?token=${token}`)
  const member = memberOf(sub)!
  // Angle brackets are dropped from names (the profile form's rule); what is left is shown as text.
  expect(member.displayName).toBe(cleanDisplayName(name))
  await page.goto(`/u/${member.username}`)
  await expect(page.getByRole('heading', { level: 1 })).toContainText('"img src=x onerror="window.__pwned = 2"script')
  expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined()
  expect(await page.locator('main img[src="x"]').count()).toBe(0)
  expect(dialogs).toBe(0)
  await expectAccessible(page)
})
