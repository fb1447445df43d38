/**
 * Log-in through OpenID Connect against a real provider (oidc-provider on a loopback port, see
 * tests/support/test-idp.ts). The "browser" here is fetch with a cookie jar: it follows Summit's
 * redirect to the provider, fills in the provider's log-in page, and brings the code back to
 * Summit's callback loader. Every attack is played against the real flow.
 */
import { and, count, eq } from 'drizzle-orm'
import { afterAll, beforeAll, beforeEach, describe, expect, test, vi } from 'vitest'
import { moderationLog, ssoFlows, userIdentities, users } from '#db/schema'
import { getUser } from '~/lib/auth.server'
import { getDb } from '~/lib/db.server'
import { addProvider, updateProvider } from '~/models/oidc-providers.server'
import { setSetting } from '~/models/settings.server'
import { attemptLogin } from '~/models/users.server'
import { passwordSignupOpen } from '~/models/identities.server'
import { loader as startLoader } from '~/routes/sso.oidc.$slug'
import { loader as callbackLoader } from '~/routes/sso.oidc.$slug_.callback'
import { createUser, unique } from '#tests/factories'
import { formRequest, settle, TEST_ORIGIN } from '#tests/route-helpers'
import { action as adminSettingsAction } from '~/routes/admin.settings/route'
import { CookieJar, signInAtProviderWithFetch, startTestIdp, type TestIdp } from '#tests/support/test-idp'

const db = () => getDb()
const SLUG = 'testidp'
const CALLBACK = `${TEST_ORIGIN}/sso/oidc/${SLUG}/callback`
let idp: TestIdp
let providerId: number
let adminId: number

beforeAll(async () => {
  idp = await startTestIdp({ redirectUris: [CALLBACK], accounts: {} })
  adminId = createUser(db(), { role: 'admin' }).id
  providerId = addProvider(db(), {
    actorId: adminId,
    slug: SLUG,
    label: 'Test IdP',
    issuer: idp.issuer,
    clientId: idp.clientId,
    clientSecret: idp.clientSecret,
    role: 'member',
    segmentId: null,
    linkVerifiedEmail: false,
    enabled: true,
  })
})
afterAll(() => idp.close())
beforeEach(() => {
  idp.tamper(null)
  // Refused log-ins are logged as warnings; keep the test output quiet.
  vi.spyOn(console, 'warn').mockImplementation(() => {})
})

function setProvider(
  changes: Partial<{ role: 'member' | 'moderator' | 'product' | 'admin'; linkVerifiedEmail: boolean; enabled: boolean; issuer: string }>,
) {
  updateProvider(db(), providerId, {
    actorId: adminId,
    slug: SLUG,
    label: 'Test IdP',
    issuer: changes.issuer ?? idp.issuer,
    clientId: idp.clientId,
    role: changes.role ?? 'member',
    segmentId: null,
    linkVerifiedEmail: changes.linkVerifiedEmail ?? false,
    enabled: changes.enabled ?? true,
  })
}

/** An account at the provider, with a fresh subject. */
function idpAccount(claims: { email?: string; emailVerified?: boolean; name?: string; preferredUsername?: string } = {}) {
  const login = unique('idp')
  idp.accounts[login] = { password: 'correct horse battery', email: `${login}@corp.example`, emailVerified: true, ...claims }
  return login
}

type Browser = { summit: CookieJar; idp: CookieJar }
const newBrowser = (): Browser => ({ summit: new CookieJar(), idp: new CookieJar() })

function summitRequest(browser: Browser, url: string, headers: Record<string, string> = {}) {
  const h = new Headers(headers)
  const cookie = browser.summit.header()
  if (cookie) h.set('Cookie', cookie)
  return new Request(url, { headers: h })
}

/** Summit's start route: returns the provider's authorization URL. */
async function start(browser: Browser, query = '', headers: Record<string, string> = {}) {
  const result = await settle(() =>
    startLoader({
      request: summitRequest(browser, `${TEST_ORIGIN}/sso/oidc/${SLUG}${query}`, headers),
      params: { slug: SLUG },
      context: {},
    }),
  )
  if (result.status !== 302) return { result, authorizeUrl: null }
  browser.summit.take(new Response(null, { headers: result.headers }))
  return { result, authorizeUrl: result.location! }
}

/** At the provider: logs in on its page and returns the callback URL it sends back (not yet requested). */
function logInAtProvider(browser: Browser, authorizeUrl: string, login: string, password = 'correct horse battery') {
  return signInAtProviderWithFetch(authorizeUrl, { login, password, callbackPrefix: CALLBACK, jar: browser.idp })
}

async function callback(browser: Browser, callbackUrl: string) {
  const result = await settle(() => callbackLoader({ request: summitRequest(browser, callbackUrl), params: { slug: SLUG }, context: {} }))
  browser.summit.take(new Response(null, { headers: result.headers }))
  return result
}

/** The whole log-in; returns the callback's answer and the user the browser is then logged in as. */
async function logIn(
  browser: Browser,
  login: string,
  options: { query?: string; headers?: Record<string, string>; editCallback?: (url: URL) => void } = {},
) {
  const { authorizeUrl, result: started } = await start(browser, options.query ?? '', options.headers)
  if (!authorizeUrl) return { result: started, user: null }
  const back = new URL(await logInAtProvider(browser, authorizeUrl, login))
  options.editCallback?.(back)
  const result = await callback(browser, back.href)
  const user = await getUser(summitRequest(browser, `${TEST_ORIGIN}/`))
  return { result, user }
}

const userCount = () => db().select({ n: count() }).from(users).get()!.n
const identitiesOf = (userId: number) => db().select().from(userIdentities).where(eq(userIdentities.userId, userId)).all()

describe('log-in through an OpenID provider', () => {
  test('the authorization request uses the code flow with PKCE (S256), state and nonce, and the registered callback', async () => {
    const { authorizeUrl, result } = await start(newBrowser(), '?redirectTo=/ideas')
    expect(result.status).toBe(302)
    const url = new URL(authorizeUrl!)
    expect(url.origin).toBe(idp.issuer)
    expect(url.searchParams.get('response_type')).toBe('code')
    expect(url.searchParams.get('code_challenge_method')).toBe('S256')
    expect(url.searchParams.get('code_challenge')).toMatch(/^[\w-]{43}$/)
    expect(url.searchParams.get('state')).toMatch(/^[\w-]{20,}$/)
    expect(url.searchParams.get('nonce')).toMatch(/^[\w-]{20,}$/)
    expect(url.searchParams.get('redirect_uri')).toBe(CALLBACK)
    expect(url.searchParams.get('scope')).toBe('openid email profile')
    // The flow cookie is HttpOnly, SameSite=Lax and only for the log-in routes.
    const cookie = result.headers.get('Set-Cookie')!
    expect(cookie).toMatch(/^summit_sso_flow=[\w-]+; Path=\/sso\/oidc; HttpOnly; SameSite=Lax; Max-Age=600/)
    expect(result.headers.get('Cache-Control')).toBe('no-store')
  })

  test('a first log-in creates the member from the claims; a second finds them by (iss, sub), even with a new e-mail', async () => {
    const login = idpAccount({ name: 'Ada Lovelace', preferredUsername: 'Ada.Lovelace' })
    const before = userCount()
    const first = await logIn(newBrowser(), login, { query: '?redirectTo=/ideas' })
    expect(first.result).toMatchObject({ status: 302, location: '/ideas' })
    expect(first.user).toMatchObject({ username: 'ada-lovelace', displayName: 'Ada Lovelace', role: 'member' })
    expect(userCount()).toBe(before + 1)
    const row = db().select().from(users).where(eq(users.id, first.user!.id)).get()!
    expect(row).toMatchObject({ email: `${login}@corp.example`, passwordHash: '' })
    expect(identitiesOf(first.user!.id)).toMatchObject([{ issuer: idp.issuer, subject: login, providerId }])
    // An account made by single sign-on has no password: the form never logs it in.
    expect(await attemptLogin(db(), { identifier: 'ada-lovelace', password: '', ip: unique('ip') })).toEqual({ ok: false })

    idp.accounts[login]!.email = `${login}.renamed@corp.example`
    const second = await logIn(newBrowser(), login)
    expect(second.result).toMatchObject({ status: 302, location: '/' })
    expect(second.user!.id).toBe(first.user!.id)
    expect(userCount()).toBe(before + 1)
  })

  test('a username taken already gets the next free suffix', async () => {
    createUser(db(), { username: 'grace' })
    const login = idpAccount({ preferredUsername: 'grace' })
    const { user } = await logIn(newBrowser(), login)
    expect(user!.username).toBe('grace-2')
  })

  test('a tampered state is refused, no one is logged in, and the flow cannot be finished afterwards', async () => {
    const login = idpAccount()
    const before = userCount()
    const browser = newBrowser()
    let honest = ''
    const { result, user } = await logIn(browser, login, {
      editCallback: (url) => {
        honest = url.href
        url.searchParams.set('state', 'tampered-state-value-0123456789')
      },
    })
    expect(result.status).toBe(400)
    expect(result.body).toMatch(/did not pass our checks/)
    expect(user).toBeNull()
    expect(userCount()).toBe(before)
    // The flow was spent on the failed attempt: the honest URL no longer works either.
    const replay = await callback(browser, honest)
    expect(replay.status).toBe(400)
    expect(replay.body).toMatch(/expired or was already used/)
  })

  test('a callback in a browser that did not start the flow (no flow cookie) is refused', async () => {
    const login = idpAccount()
    const starter = newBrowser()
    const { authorizeUrl } = await start(starter)
    const back = await logInAtProvider(starter, authorizeUrl!, login)
    const victim = newBrowser()
    const result = await callback(victim, back)
    expect(result.status).toBe(400)
    expect(await getUser(summitRequest(victim, `${TEST_ORIGIN}/`))).toBeNull()
  })

  test.each([
    ['wrong-nonce', 'an ID token with another log-in’s nonce'],
    ['expired', 'an expired ID token'],
    ['wrong-audience', 'an ID token for another client'],
    ['bad-signature', 'an ID token whose payload was changed after signing'],
  ] as const)('%s: %s is refused and nobody is logged in', async (mode, _what) => {
    const login = idpAccount()
    const before = userCount()
    idp.tamper(mode)
    const { result, user } = await logIn(newBrowser(), login)
    expect(result.status).toBe(400)
    expect(result.body).toMatch(/did not pass our checks/)
    expect(result.headers.get('Set-Cookie')).toMatch(/^summit_sso_flow=; /)
    expect(user).toBeNull()
    expect(userCount()).toBe(before)
    expect(console.warn).toHaveBeenCalledWith(expect.stringMatching(/^OpenID log-in through http:\/\/127\.0\.0\.1:\d+ refused/))
  })

  test('a flow older than ten minutes is refused', async () => {
    const login = idpAccount()
    const browser = newBrowser()
    const { authorizeUrl } = await start(browser)
    const back = await logInAtProvider(browser, authorizeUrl!, login)
    db()
      .update(ssoFlows)
      .set({ expiresAt: new Date(Date.now() - 1000) })
      .run()
    const result = await callback(browser, back)
    expect(result.status).toBe(400)
  })
})

describe('existing accounts are never taken over by an e-mail claim', () => {
  test('an unverified e-mail claim for an existing account is refused (409) even when verified linking is allowed', async () => {
    setProvider({ linkVerifiedEmail: true })
    try {
      const owner = createUser(db(), { email: `${unique('owner')}@example.com` })
      const login = idpAccount({ email: owner.email, emailVerified: false })
      const { result, user } = await logIn(newBrowser(), login)
      expect(result.status).toBe(409)
      expect(result.body).toMatch(/already exists\. Log in to it with your password, then connect Test IdP/)
      expect(user).toBeNull()
      expect(identitiesOf(owner.id)).toEqual([])
      expect(await attemptLogin(db(), { identifier: owner.username, password: owner.password, ip: unique('ip') })).toMatchObject({
        ok: true,
      })
    } finally {
      setProvider({})
    }
  })

  test('a verified e-mail joins the existing account only when the admin allowed it for this provider', async () => {
    const owner = createUser(db(), { email: `${unique('owner')}@example.com` })
    const login = idpAccount({ email: owner.email, emailVerified: true })
    const refused = await logIn(newBrowser(), login)
    expect(refused.result.status).toBe(409)
    expect(identitiesOf(owner.id)).toEqual([])

    setProvider({ linkVerifiedEmail: true })
    try {
      const joined = await logIn(newBrowser(), login)
      expect(joined.result.status).toBe(302)
      expect(joined.user!.id).toBe(owner.id)
      expect(identitiesOf(owner.id)).toHaveLength(1)
    } finally {
      setProvider({})
    }
  })

  test('connecting from the account’s own settings links the provider to that account and keeps the session', async () => {
    const owner = createUser(db())
    const browser = newBrowser()
    const { startSession } = await import('~/lib/auth.server')
    const session = await startSession(owner.id)
    browser.summit.cookies.set(session.name, session.value)
    const login = idpAccount({ email: `${unique('other')}@corp.example` })
    const { result, user } = await logIn(browser, login, { query: '?connect=1', headers: { 'Sec-Fetch-Site': 'same-origin' } })
    expect(result).toMatchObject({ status: 302, location: '/settings/sign-in?connected=Test+IdP' })
    expect(user!.id).toBe(owner.id)
    expect(browser.summit.cookies.get(session.name)).toBe(session.value)
    expect(identitiesOf(owner.id)).toMatchObject([{ subject: login }])
    // Now the provider alone logs into that account.
    const later = await logIn(newBrowser(), login)
    expect(later.user!.id).toBe(owner.id)

    // The same provider account cannot then be connected to someone else.
    const other = createUser(db())
    const otherBrowser = newBrowser()
    const otherSession = await startSession(other.id)
    otherBrowser.summit.cookies.set(otherSession.name, otherSession.value)
    const clash = await logIn(otherBrowser, login, { query: '?connect=1', headers: { 'Sec-Fetch-Site': 'same-origin' } })
    expect(clash.result.status).toBe(409)
    expect(identitiesOf(other.id)).toEqual([])
  })

  test('a connect started from another site (a forged link) is refused before reaching the provider', async () => {
    const owner = createUser(db())
    const browser = newBrowser()
    const { startSession } = await import('~/lib/auth.server')
    const session = await startSession(owner.id)
    browser.summit.cookies.set(session.name, session.value)
    const forged: Record<string, string>[] = [{ 'Sec-Fetch-Site': 'cross-site' }, {}, { Referer: 'https://evil.example/page' }]
    for (const headers of forged) {
      const { result, authorizeUrl } = await start(browser, '?connect=1', headers)
      expect(result.status).toBe(403)
      expect(authorizeUrl).toBeNull()
    }
  })

  test('an identity of a deleted account leads to a fresh account', async () => {
    const login = idpAccount()
    const first = await logIn(newBrowser(), login)
    const { deleteAccount } = await import('~/models/account-data.server')
    expect(
      await deleteAccount(db(), { userId: first.user!.id, password: '', confirmUsername: first.user!.username, removePosts: false }),
    ).toEqual({ ok: true })
    const again = await logIn(newBrowser(), login)
    expect(again.user).not.toBeNull()
    expect(again.user!.id).not.toBe(first.user!.id)
  })
})

describe('what a provider gives', () => {
  test('its role is the least role its logins get: raised and logged, never lowered', async () => {
    setProvider({ role: 'product' })
    try {
      const login = idpAccount()
      const { user } = await logIn(newBrowser(), login)
      expect(user!.role).toBe('product')
      const admin = createUser(db(), { role: 'admin', email: `${unique('boss')}@corp.example` })
      db().insert(userIdentities).values({ userId: admin.id, issuer: idp.issuer, subject: 'boss-sub', providerId }).run()
      idp.accounts['boss-sub'] = { password: 'correct horse battery', email: admin.email, emailVerified: true }
      const boss = await logIn(newBrowser(), 'boss-sub')
      expect(boss.user).toMatchObject({ id: admin.id, role: 'admin' })
      const logged = db()
        .select()
        .from(moderationLog)
        .where(and(eq(moderationLog.targetId, user!.id), eq(moderationLog.action, 'change_role')))
        .all()
      // A member created through the provider starts with its role: nothing to log.
      expect(logged).toEqual([])
      const member = createUser(db(), { email: `${unique('m')}@corp.example` })
      db().insert(userIdentities).values({ userId: member.id, issuer: idp.issuer, subject: 'member-sub', providerId }).run()
      idp.accounts['member-sub'] = { password: 'correct horse battery', email: member.email, emailVerified: true }
      const raised = await logIn(newBrowser(), 'member-sub')
      expect(raised.user).toMatchObject({ id: member.id, role: 'product' })
      const raisedLog = db()
        .select()
        .from(moderationLog)
        .where(and(eq(moderationLog.targetId, member.id), eq(moderationLog.action, 'change_role')))
        .all()
      expect(raisedLog).toMatchObject([
        { before: { role: 'member' }, after: { role: 'product' }, reason: 'Given by single sign-on through Test IdP' },
      ])
    } finally {
      setProvider({})
    }
  })

  test('a provider that is turned off or cannot be reached gives a clear 403 or 503, not a 500', async () => {
    setProvider({ enabled: false })
    try {
      expect((await start(newBrowser())).result).toMatchObject({ status: 403, body: 'Log-in with Test IdP is turned off.' })
    } finally {
      setProvider({})
    }
    setProvider({ issuer: 'http://127.0.0.1:9' })
    try {
      expect((await start(newBrowser())).result).toMatchObject({ status: 503, body: expect.stringMatching(/cannot be reached/) })
    } finally {
      setProvider({})
    }
    const unknown = await settle(() =>
      startLoader({ request: new Request(`${TEST_ORIGIN}/sso/oidc/nope`), params: { slug: 'nope' }, context: {} }),
    )
    expect(unknown).toMatchObject({ status: 404, body: 'There is no such identity provider.' })
  })
})

describe('checking a provider from the admin page', () => {
  test('“Check connection” reads the real discovery document, or says why it could not', async () => {
    const ask = async () =>
      settle(async () =>
        adminSettingsAction({
          request: await formRequest('/admin/settings', { intent: 'provider-check', providerId: String(providerId) }, { userId: adminId }),
          params: {},
          context: {},
        }),
      )
    expect(await ask()).toMatchObject({
      status: 200,
      body: { intent: 'provider-check', providerId: String(providerId), check: { ok: true, issuer: idp.issuer, supportsS256: true } },
    })
    setProvider({ issuer: 'http://127.0.0.1:9' })
    try {
      expect(await ask()).toMatchObject({
        body: {
          check: {
            ok: false,
            message: expect.stringMatching(/^Summit could not read http:\/\/127\.0\.0\.1:9\/\.well-known\/openid-configuration: /),
          },
        },
      })
    } finally {
      setProvider({})
    }
    const member = createUser(db())
    const refused = await settle(async () =>
      adminSettingsAction({
        request: await formRequest('/admin/settings', { intent: 'provider-check', providerId: String(providerId) }, { userId: member.id }),
        params: {},
        context: {},
      }),
    )
    expect(refused.status).toBe(403)
  })
})

describe('requiring single sign-on', () => {
  test('staff mode refuses a staff password log-in, but not a member’s or a break-glass admin’s', async () => {
    const moderator = createUser(db(), { role: 'moderator' })
    const member = createUser(db())
    const breakGlass = createUser(db(), { role: 'admin' })
    setSetting(db(), 'ssoPolicy', { require: 'staff', breakGlass: [breakGlass.username] })
    try {
      const ip = unique('ip')
      expect(await attemptLogin(db(), { identifier: moderator.username, password: moderator.password, ip })).toEqual({
        ok: false,
        refusal: 'Staff accounts log in with single sign-on. Use one of the buttons above.',
      })
      expect(await attemptLogin(db(), { identifier: member.username, password: member.password, ip })).toMatchObject({ ok: true })
      expect(await attemptLogin(db(), { identifier: breakGlass.username, password: breakGlass.password, ip })).toMatchObject({ ok: true })
      expect(passwordSignupOpen(db())).toBe(true)
    } finally {
      setSetting(db(), 'ssoPolicy', { require: 'off', breakGlass: [] })
    }
  })

  test('everyone mode refuses every password log-in but break-glass, closes sign-up, and SSO still logs in', async () => {
    const member = createUser(db())
    const breakGlass = createUser(db(), { role: 'admin' })
    setSetting(db(), 'ssoPolicy', { require: 'everyone', breakGlass: [breakGlass.username] })
    try {
      const ip = unique('ip')
      expect(await attemptLogin(db(), { identifier: member.username, password: member.password, ip })).toMatchObject({
        ok: false,
        refusal: expect.any(String),
      })
      expect(await attemptLogin(db(), { identifier: breakGlass.username, password: breakGlass.password, ip })).toMatchObject({ ok: true })
      expect(passwordSignupOpen(db())).toBe(false)
      const { user } = await logIn(newBrowser(), idpAccount())
      expect(user).not.toBeNull()
    } finally {
      setSetting(db(), 'ssoPolicy', { require: 'off', breakGlass: [] })
    }
  })
})
