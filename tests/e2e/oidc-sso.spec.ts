/**
 * "Log in with …" in a real browser against a real OpenID Provider (oidc-provider on a loopback
 * port, tests/support/test-idp.ts): Chromium clicks the button, logs in on the provider's own page
 * and comes back logged in, with JavaScript on and off. Then the attacks a browser can play: a
 * tampered state, an ID token with another nonce, an expired one, and an unverified e-mail that
 * must not take over an account. SSO-required mode changes what every test sees, so it runs on a
 * server of its own.
 *
 * The provider lives in this file's worker, so the file runs serially in one worker.
 */
import { eq } from 'drizzle-orm'
import { oidcProviders, userIdentities, users } from '#db/schema'
import { getDb, openDatabase } from '~/lib/db.server'
import { addProvider } from '~/models/oidc-providers.server'
import { setSetting } from '~/models/settings.server'
import { createUser, unique } from '#tests/factories'
import { signInAtProviderWithFetch, startTestIdp, type TestIdp } from '#tests/support/test-idp'
import { accountMenu, expect, expectAccessible, makeUser, test } from './fixtures'
import { type OwnServer, removeDatabaseFiles, startOwnServer, tmpDatabaseFile } from './own-server'
import type { Page } from '@playwright/test'

test.describe.configure({ mode: 'serial' })

const SLUG = `idp-${Date.now().toString(36)}`
const LABEL = `Acme SSO ${SLUG.slice(-4)}`
const PASSWORD = 'correct horse battery'
let idp: TestIdp
let baseURL: string

test.beforeAll(async ({}, info) => {
  baseURL = info.project.use.baseURL!
  idp = await startTestIdp({ redirectUris: [`${baseURL}/sso/oidc/${SLUG}/callback`], accounts: {} })
  const admin = createUser(getDb(), { role: 'admin' })
  addProvider(getDb(), {
    actorId: admin.id,
    slug: SLUG,
    label: LABEL,
    issuer: idp.issuer,
    clientId: idp.clientId,
    clientSecret: idp.clientSecret,
    role: 'member',
    segmentId: null,
    linkVerifiedEmail: true,
    enabled: true,
  })
})

test.afterAll(async () => {
  getDb().delete(oidcProviders).where(eq(oidcProviders.slug, SLUG)).run()
  await idp?.close()
})

test.beforeEach(() => idp.tamper(null))

function idpAccount(claims: Partial<{ email: string; emailVerified: boolean; name: string; preferredUsername: string }> = {}) {
  const login = unique('sso')
  idp.accounts[login] = {
    password: PASSWORD,
    email: `${login}@acme.example`,
    emailVerified: true,
    name: `Sam ${login.slice(-5)}`,
    ...claims,
  }
  return login
}

/** On the provider's page: type the account's username and password and sign in. */
async function signInAtProvider(page: Page, login: string) {
  await expect(page).toHaveURL(new RegExp(`^${idp.issuer}/interaction/`))
  await page.getByLabel('Username').fill(login)
  await page.getByLabel('Password').fill(PASSWORD)
  await page.getByRole('button', { name: 'Sign in' }).click()
}

for (const javaScriptEnabled of [true, false]) {
  test.describe(javaScriptEnabled ? 'with JavaScript' : 'without JavaScript', () => {
    test.use({ javaScriptEnabled })

    test('“Log in with …” creates the member on the first log-in and finds them on the second', async ({ page, context }) => {
      const login = idpAccount()
      const name = idp.accounts[login]!.name!
      await page.goto('/login?redirectTo=/ideas')
      await expectAccessible(page)
      await page.getByRole('link', { name: `Log in with ${LABEL}` }).click()
      await signInAtProvider(page, login)
      await expect(page).toHaveURL(`${baseURL}/ideas`)
      await expect(accountMenu(page, name)).toBeVisible()
      const user = getDb()
        .select()
        .from(users)
        .where(eq(users.email, `${login}@acme.example`))
        .get()!
      expect(user).toMatchObject({ displayName: name, passwordHash: '' })

      // Log out by dropping the cookies (both the site's and the provider's), then come back.
      await context.clearCookies()
      await page.goto('/login')
      await page.getByRole('link', { name: `Log in with ${LABEL}` }).click()
      await signInAtProvider(page, login)
      await expect(page).toHaveURL(`${baseURL}/`)
      await expect(accountMenu(page, name)).toBeVisible()
      expect(
        getDb()
          .select()
          .from(users)
          .where(eq(users.email, `${login}@acme.example`))
          .all(),
      ).toHaveLength(1)

      await page.goto('/settings/sign-in')
      await expect(page.getByRole('main').getByText(LABEL, { exact: true })).toBeVisible()
      await expect(page.getByRole('main').getByText('This is your only way in.')).toBeVisible()
      await expectAccessible(page)
    })
  })
}

test('a callback carrying another flow’s state and code (a forged log-in link) is refused, and nobody is logged in', async ({
  page,
  request,
}) => {
  // The attacker starts a flow of their own and gets a code for their account, without finishing.
  const attacker = idpAccount()
  const started = await request.get(`/sso/oidc/${SLUG}`, { maxRedirects: 0 })
  expect(started.status()).toBe(302)
  const forged = await signInAtProviderWithFetch(started.headers()['location']!, {
    login: attacker,
    password: PASSWORD,
    callbackPrefix: `${baseURL}/sso/oidc/${SLUG}/callback`,
  })
  // The victim has started a log-in (their browser holds its flow cookie) and then opens the link.
  await page.goto('/login')
  await page.getByRole('link', { name: `Log in with ${LABEL}` }).click()
  await expect(page).toHaveURL(new RegExp(`^${idp.issuer}/interaction/`))
  const response = await page.goto(forged)
  expect(response!.status()).toBe(400)
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('That request was not understood')
  await expect(page.getByText('did not pass our checks')).toBeVisible()
  // Not logged in, and the header's log-in link does not carry the callback's code and state along.
  await expect(page.getByRole('banner').getByRole('link', { name: 'Log in' })).toHaveAttribute('href', '/login')
  expect(
    getDb()
      .select()
      .from(users)
      .where(eq(users.email, `${attacker}@acme.example`))
      .get(),
  ).toBeUndefined()
  await expectAccessible(page)
  // The same link with the state altered in a fresh browser (no flow at all) is refused too.
  const altered = new URL(forged)
  altered.searchParams.set('state', 'forged-state-0123456789abcdef')
  await page.context().clearCookies()
  expect((await page.goto(altered.href))!.status()).toBe(400)
})

for (const [mode, what] of [
  ['wrong-nonce', 'an ID token with another nonce'],
  ['expired', 'an expired ID token'],
] as const) {
  test(`${what} is refused, and nobody is logged in`, async ({ page }) => {
    const login = idpAccount()
    idp.tamper(mode)
    await page.goto('/login')
    await page.getByRole('link', { name: `Log in with ${LABEL}` }).click()
    const refused = page.waitForResponse((r) => r.url().includes(`/sso/oidc/${SLUG}/callback`))
    await signInAtProvider(page, login)
    expect((await refused).status()).toBe(400)
    await expect(page.getByText('did not pass our checks')).toBeVisible()
    await expect(page.getByRole('banner').getByRole('link', { name: 'Log in' })).toBeVisible()
    expect(
      getDb()
        .select()
        .from(users)
        .where(eq(users.email, `${login}@acme.example`))
        .get(),
    ).toBeUndefined()
  })
}

test('an unverified e-mail claim never takes over the account that has that address', async ({ page }) => {
  const owner = makeUser()
  const login = idpAccount({ email: owner.email, emailVerified: false })
  await page.goto('/login')
  await page.getByRole('link', { name: `Log in with ${LABEL}` }).click()
  const refused = page.waitForResponse((r) => r.url().includes(`/sso/oidc/${SLUG}/callback`))
  await signInAtProvider(page, login)
  expect((await refused).status()).toBe(409)
  await expect(page.getByText(`Log in to it with your password, then connect ${LABEL}`)).toBeVisible()
  await expect(page.getByRole('banner').getByRole('link', { name: 'Log in' })).toBeVisible()
  expect(getDb().select().from(userIdentities).where(eq(userIdentities.userId, owner.id)).all()).toEqual([])
  await expectAccessible(page)
})

test('a member connects the provider from their settings, then logs in with it', async ({ page, loginAs, context }) => {
  const member = await loginAs('member')
  const login = idpAccount({ email: `${unique('other')}@acme.example` })
  await page.goto('/settings/sign-in')
  await page.getByRole('link', { name: `Connect ${LABEL}` }).click()
  await signInAtProvider(page, login)
  await expect(page).toHaveURL(/\/settings\/sign-in\?connected=/)
  await expect(page.getByRole('status')).toHaveText(`${LABEL} is now connected to your account.`)
  await context.clearCookies()
  await page.goto('/login')
  await page.getByRole('link', { name: `Log in with ${LABEL}` }).click()
  await signInAtProvider(page, login)
  await expect(accountMenu(page, member.username)).toBeVisible()
})

test.describe('single sign-on required for everyone (own server)', () => {
  let server: OwnServer
  let ownIdp: TestIdp
  let breakGlass: ReturnType<typeof createUser>
  let member: ReturnType<typeof createUser>

  test.beforeAll(async () => {
    test.setTimeout(60_000)
    server = await startOwnServer(tmpDatabaseFile('sso-required'))
    ownIdp = await startTestIdp({ redirectUris: [`${server.origin}/sso/oidc/corp/callback`], accounts: {} })
    const db = openDatabase(server.databaseFile)
    try {
      breakGlass = createUser(db, { role: 'admin' })
      member = createUser(db)
      addProvider(db, {
        actorId: breakGlass.id,
        slug: 'corp',
        label: 'Corp login',
        issuer: ownIdp.issuer,
        clientId: ownIdp.clientId,
        clientSecret: ownIdp.clientSecret,
        role: 'member',
        segmentId: null,
        linkVerifiedEmail: false,
        enabled: true,
      })
      setSetting(db, 'ssoPolicy', { require: 'everyone', breakGlass: [breakGlass.username] })
    } finally {
      db.$client.close()
    }
  })
  test.afterAll(async () => {
    await ownIdp?.close()
    await server?.stop()
    if (server) removeDatabaseFiles(server.databaseFile)
  })

  test('only the provider’s button and a break-glass form; a member’s right password is refused; sign-up is closed', async ({ page }) => {
    await page.goto(`${server.origin}/login`)
    await expect(page.getByRole('link', { name: 'Log in with Corp login' })).toBeVisible()
    await expect(page.getByRole('link', { name: 'Create an account' })).toHaveCount(0)
    await expectAccessible(page)

    await page.getByText('Administrator log-in with a password').click()
    await page.getByLabel('Username or e-mail').fill(member.username)
    await page.getByLabel('Password').fill(member.password)
    const refused = page.waitForResponse((r) => r.url().startsWith(`${server.origin}/login`) && r.request().method() === 'POST')
    await page.getByRole('button', { name: 'Log in', exact: true }).click()
    expect((await refused).status()).toBe(403)
    await expect(page.getByText('This community logs in with single sign-on.')).toBeVisible()

    await page.getByLabel('Username or e-mail').fill(breakGlass.username)
    await page.getByLabel('Password').fill(breakGlass.password)
    await page.getByRole('button', { name: 'Log in', exact: true }).click()
    await expect(accountMenu(page, breakGlass.username)).toBeVisible()

    await page.context().clearCookies()
    await page.goto(`${server.origin}/signup`)
    await expect(page.getByText('Accounts here are made by logging in with single sign-on.')).toBeVisible()
    await expect(page.getByRole('textbox')).toHaveCount(0)
    await expectAccessible(page)
    const post = await page.request.post(`${server.origin}/signup`, {
      headers: { Origin: server.origin },
      form: { username: unique('x'), email: `${unique('x')}@example.com`, password: 'a long enough password 1' },
    })
    expect(post.status()).toBe(403)

    const login = unique('corp')
    ownIdp.accounts[login] = { password: PASSWORD, email: `${login}@corp.example`, emailVerified: true, name: 'Corp Person' }
    await page.goto(`${server.origin}/login`)
    await page.getByRole('link', { name: 'Log in with Corp login' }).click()
    await expect(page).toHaveURL(new RegExp(`^${ownIdp.issuer}/interaction/`))
    await page.getByLabel('Username').fill(login)
    await page.getByLabel('Password').fill(PASSWORD)
    await page.getByRole('button', { name: 'Sign in' }).click()
    await expect(accountMenu(page, 'Corp Person')).toBeVisible()
  })
})
