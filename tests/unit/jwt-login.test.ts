/**
 * Logging customers in with a JWT signed by the company's own app: the checks, the member and
 * company it makes, and the /sso/jwt route. The JWKS cases use real keys served over HTTP on a
 * loopback port, as the app would publish them.
 */
import crypto from 'node:crypto'
import http from 'node:http'
import { type AddressInfo } from 'node:net'
import { count, eq } from 'drizzle-orm'
import { exportJWK, generateKeyPair, type JWK, type JWTPayload, SignJWT } from 'jose'
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest'
import { companies, jwtReplays, userIdentities, users } from '#db/schema'
import { getUser } from '~/lib/auth.server'
import { getDb } from '~/lib/db.server'
import { cleanDisplayName, JWT_ISSUER } from '~/models/identities.server'
import {
  JwtKeysUnavailableError,
  JwtLoginError,
  type JwtRefusal,
  logInWithToken,
  MAX_TOKEN_BYTES,
  verifyLoginToken,
} from '~/models/jwt-login.server'
import { setSetting } from '~/models/settings.server'
import { action, loader } from '~/routes/sso.jwt'
import { createSegment, createUser, unique } from '#tests/factories'
import { formRequest, getRequest, settle, TEST_ORIGIN } from '#tests/route-helpers'

const db = getDb()
const SECRET = 'a-shared-secret-of-at-least-thirty-two-characters'
const AUDIENCE = 'summit-test'
const NOW = new Date('2030-06-01T12:00:00Z')
const nowSeconds = NOW.getTime() / 1000

function useSecret(secret = SECRET) {
  expect(setSetting(db, 'jwtSso', { enabled: true, secret, jwksUrl: null, audience: AUDIENCE }).ok).toBe(true)
}

type Claims = JWTPayload & Record<string, unknown>

/** The claims of a good token for a new customer, at NOW. */
function claimsFor(overrides: Claims = {}): Claims {
  const sub = unique('cust')
  return {
    sub,
    email: `${sub}@customer.example`,
    name: 'Ada Customer',
    aud: AUDIENCE,
    iat: nowSeconds,
    exp: nowSeconds + 5 * 60,
    jti: crypto.randomUUID(),
    ...overrides,
  }
}

/** Signs with HS256; a claim set to undefined is left out. */
function signHs256(claims: Claims, secret = SECRET) {
  const payload = Object.fromEntries(Object.entries(claims).filter(([, v]) => v !== undefined))
  return new SignJWT(payload).setProtectedHeader({ alg: 'HS256', typ: 'JWT' }).sign(new TextEncoder().encode(secret))
}

async function refusalOf(promise: Promise<unknown>): Promise<{ reason: JwtRefusal; status: number; message: string; claim?: string }> {
  try {
    await promise
  } catch (error) {
    if (error instanceof JwtLoginError) return { reason: error.reason, status: error.status, message: error.message, claim: error.claim }
    throw error
  }
  throw new Error('the token was accepted')
}

function countUsers() {
  return db.select({ n: count() }).from(users).get()!.n
}

function userRow(id: number) {
  return db.select().from(users).where(eq(users.id, id)).get()!
}

beforeEach(() => useSecret())

describe('a good token (HS256)', () => {
  test('creates the member, their company and segment on the first login', async () => {
    const segment = createSegment(db, { name: unique('Enterprise') })
    const companyId = unique('acme')
    const claims = claimsFor({
      company: { id: companyId, name: 'Acme Corp', plan: 'enterprise', monthly_revenue: 12_000 },
      segment: segment.name.toUpperCase(), // segment names match whatever the case
    })
    const result = await logInWithToken(db, await signHs256(claims), NOW)
    expect(result.created).toBe(true)
    const user = userRow(result.userId)
    expect(user).toMatchObject({
      email: claims.email,
      displayName: 'Ada Customer',
      role: 'member',
      segmentId: segment.id,
      passwordHash: '',
    })
    const company = db.select().from(companies).where(eq(companies.externalId, companyId)).get()!
    expect(company).toMatchObject({ name: 'Acme Corp', plan: 'enterprise', monthlyRevenue: 12_000, segmentId: segment.id })
    expect(user.companyId).toBe(company.id)
    const identity = db.select().from(userIdentities).where(eq(userIdentities.userId, user.id)).get()!
    expect(identity).toMatchObject({ issuer: JWT_ISSUER, subject: claims.sub, email: claims.email, providerId: null })
  })

  test('a later token for the same sub updates name, e-mail and company of the same member', async () => {
    const first = claimsFor({ company: { id: unique('co'), name: 'Old Co', plan: 'free', monthly_revenue: 0 } })
    const { userId } = await logInWithToken(db, await signHs256(first), NOW)
    const newEmail = `${unique('moved')}@customer.example`
    const companyId = unique('co')
    const second = claimsFor({
      sub: first.sub,
      email: newEmail.toUpperCase(),
      name: 'Ada Lovelace',
      company: { id: companyId, name: 'New Co', plan: 'pro', monthly_revenue: 900 },
    })
    const again = await logInWithToken(db, await signHs256(second), new Date(NOW.getTime() + 60_000))
    expect(again).toEqual({ userId, created: false })
    const company = db.select().from(companies).where(eq(companies.externalId, companyId)).get()!
    expect(userRow(userId)).toMatchObject({ email: newEmail, displayName: 'Ada Lovelace', companyId: company.id })
    expect(company).toMatchObject({ name: 'New Co', plan: 'pro', monthlyRevenue: 900 })
    expect(db.select().from(userIdentities).where(eq(userIdentities.userId, userId)).all()).toHaveLength(1)
  })

  test('a numeric company id is taken as text; a segment this community does not have is ignored', async () => {
    const externalId = Number(`9${Date.now() % 1e9}`)
    const claims = claimsFor({ company: { id: externalId, name: 'Numbers Inc' }, segment: 'No Such Segment' })
    const { userId } = await logInWithToken(db, await signHs256(claims), NOW)
    const company = db
      .select()
      .from(companies)
      .where(eq(companies.externalId, String(externalId)))
      .get()!
    expect(company).toMatchObject({ name: 'Numbers Inc', segmentId: null })
    expect(userRow(userId)).toMatchObject({ segmentId: null, companyId: company.id })
  })

  test('an `exp` 10 minutes ahead and an `iat` a few seconds ahead (clock drift) are accepted', async () => {
    const claims = claimsFor({ iat: nowSeconds + 20, exp: nowSeconds + 10 * 60 })
    await expect(verifyLoginToken(db, await signHs256(claims), NOW)).resolves.toMatchObject({ sub: claims.sub })
  })
})

describe('refused tokens', () => {
  test('when JWT login is off, or has no key, every token is refused with 403', async () => {
    const token = await signHs256(claimsFor())
    setSetting(db, 'jwtSso', { enabled: false, secret: SECRET, jwksUrl: null, audience: AUDIENCE })
    expect(await refusalOf(logInWithToken(db, token, NOW))).toMatchObject({ reason: 'disabled', status: 403 })
    setSetting(db, 'jwtSso', { enabled: true, secret: null, jwksUrl: null, audience: AUDIENCE })
    expect(await refusalOf(logInWithToken(db, token, NOW))).toMatchObject({ reason: 'disabled', status: 403 })
  })

  test('an expired token', async () => {
    const claims = claimsFor({ iat: nowSeconds - 300, exp: nowSeconds - 60 })
    expect(await refusalOf(logInWithToken(db, await signHs256(claims), NOW))).toMatchObject({ reason: 'expired', status: 400 })
  })

  test('an `iat` older than 10 minutes, even with a later `exp`', async () => {
    const claims = claimsFor({ iat: nowSeconds - 11 * 60, exp: nowSeconds + 60 })
    expect((await refusalOf(logInWithToken(db, await signHs256(claims), NOW))).reason).toBe('expired')
  })

  test('an `exp` more than 10 minutes ahead', async () => {
    const claims = claimsFor({ exp: nowSeconds + 11 * 60 })
    const refusal = await refusalOf(logInWithToken(db, await signHs256(claims), NOW))
    expect(refusal).toMatchObject({ reason: 'too-long-lived', status: 400 })
    expect(refusal.message).toContain('at most 10 minutes')
  })

  test('an `iat` in the future', async () => {
    const claims = claimsFor({ iat: nowSeconds + 5 * 60, exp: nowSeconds + 8 * 60 })
    expect((await refusalOf(logInWithToken(db, await signHs256(claims), NOW))).reason).toBe('issued-in-future')
  })

  test('a token signed with another secret', async () => {
    const token = await signHs256(claimsFor(), 'someone-elses-secret-of-thirty-two-chars')
    expect(await refusalOf(logInWithToken(db, token, NOW))).toMatchObject({ reason: 'signature', status: 400 })
  })

  test('a token for another audience, or with none', async () => {
    expect((await refusalOf(logInWithToken(db, await signHs256(claimsFor({ aud: 'another-site' })), NOW))).reason).toBe('audience')
    const refusal = await refusalOf(logInWithToken(db, await signHs256(claimsFor({ aud: undefined })), NOW))
    expect(refusal).toMatchObject({
      reason: 'missing-claim',
      message: 'This sign-in link has no "aud" claim, which a sign-in token must carry.',
    })
  })

  test('`alg: none` (an unsigned token built by hand)', async () => {
    const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url')
    const unsigned = `${part({ alg: 'none', typ: 'JWT' })}.${part(claimsFor())}.`
    expect((await refusalOf(logInWithToken(db, unsigned, NOW))).reason).toBe('signature')
    // The same with the signature of a real token glued on.
    const real = (await signHs256(claimsFor())).split('.')[2]
    expect((await refusalOf(logInWithToken(db, `${unsigned}${real}`, NOW))).reason).toBe('signature')
  })

  test('a token used a second time; racing copies log in once', async () => {
    const before = countUsers()
    const token = await signHs256(claimsFor())
    const { userId } = await logInWithToken(db, token, NOW)
    expect(await refusalOf(logInWithToken(db, token, new Date(NOW.getTime() + 1000)))).toMatchObject({ reason: 'replayed', status: 400 })
    expect(countUsers()).toBe(before + 1)
    expect(userRow(userId).displayName).toBe('Ada Customer')

    const raced = await signHs256(claimsFor())
    const outcomes = await Promise.allSettled([
      logInWithToken(db, raced, NOW),
      logInWithToken(db, raced, NOW),
      logInWithToken(db, raced, NOW),
    ])
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1)
    for (const o of outcomes) if (o.status === 'rejected') expect((o.reason as JwtLoginError).reason).toBe('replayed')
  })

  test('a refused login does not use up its token; the used jti is kept until the token expires, then pruned', async () => {
    const refused = claimsFor({ email: createUser(db).email })
    expect((await refusalOf(logInWithToken(db, await signHs256(refused), NOW))).reason).toBe('email-taken')
    expect(db.select().from(jwtReplays).where(eq(jwtReplays.jti, refused.jti!)).get()).toBeUndefined()

    const claims = claimsFor({ exp: nowSeconds + 120 })
    await logInWithToken(db, await signHs256(claims), NOW)
    const row = db.select().from(jwtReplays).where(eq(jwtReplays.jti, claims.jti!)).get()!
    expect(row.expiresAt.getTime()).toBe((nowSeconds + 120 + 30) * 1000)
    // Any login after that moment prunes it.
    await logInWithToken(
      db,
      await signHs256(claimsFor({ iat: nowSeconds + 200, exp: nowSeconds + 300 })),
      new Date(NOW.getTime() + 200_000),
    )
    expect(db.select().from(jwtReplays).where(eq(jwtReplays.jti, claims.jti!)).get()).toBeUndefined()
  })

  test('a token without jti, sub, exp or iat', async () => {
    for (const claim of ['jti', 'sub', 'exp', 'iat']) {
      const refusal = await refusalOf(logInWithToken(db, await signHs256(claimsFor({ [claim]: undefined })), NOW))
      expect(refusal).toMatchObject({ reason: 'missing-claim', status: 400 })
      expect(refusal.message).toContain(`"${claim}"`)
    }
  })

  test('oversized claims and tokens', async () => {
    // A 10 KB name makes a token over 8 KB: refused before it is even parsed.
    const huge = await signHs256(claimsFor({ name: 'A'.repeat(10 * 1024) }))
    expect(huge.length).toBeGreaterThan(MAX_TOKEN_BYTES)
    expect(await refusalOf(logInWithToken(db, huge, NOW))).toMatchObject({ reason: 'too-large', status: 400 })
    // Any claim can make it too large, including ones Summit does not read.
    const padded = await signHs256(claimsFor({ padding: 'x'.repeat(MAX_TOKEN_BYTES) }))
    expect((await refusalOf(logInWithToken(db, padded, NOW))).reason).toBe('too-large')
    // Within 8 KB, each claim has its own limit.
    const cases: Array<[Claims, string]> = [
      [{ name: 'A'.repeat(101) }, 'name'],
      [{ name: 'A'.repeat(5000) }, 'name'],
      [{ sub: 's'.repeat(201) }, 'sub'],
      [{ email: `${'e'.repeat(250)}@x.example` }, 'email'],
      [{ email: 'not an address' }, 'email'],
      [{ email: undefined }, 'email'],
      [{ company: { id: 'c1', name: 'N'.repeat(101) } }, 'company.name'],
      [{ company: { id: 'c1', name: 'Co', plan: 'p'.repeat(41) } }, 'company.plan'],
      [{ company: { id: 'c1', name: 'Co', monthly_revenue: 12.5 } }, 'company.monthly_revenue'],
      [{ company: { id: 'c1', name: 'Co', monthly_revenue: -1 } }, 'company.monthly_revenue'],
      [{ company: { id: 'c1', name: 'Co', monthly_revenue: 1e12 + 1 } }, 'company.monthly_revenue'],
      [{ company: { name: 'Co' } }, 'company.id'],
      [{ segment: 's'.repeat(41) }, 'segment'],
    ]
    for (const [overrides, claim] of cases) {
      const refusal = await refusalOf(logInWithToken(db, await signHs256(claimsFor(overrides)), NOW))
      expect(refusal, claim).toMatchObject({ reason: 'invalid-claim', status: 400 })
      expect(refusal.message).toBe(`The "${claim}" claim of this sign-in link is missing, too long or not valid.`)
    }
  })

  test('times that are not numbers', async () => {
    for (const claim of ['exp', 'iat', 'nbf']) {
      const refusal = await refusalOf(logInWithToken(db, await signHs256(claimsFor({ [claim]: 'soon' })), NOW))
      expect(refusal, claim).toMatchObject({ reason: 'invalid-claim', claim })
    }
  })

  test('a token that is not a JWT at all', async () => {
    for (const garbage of ['abc', 'a.b.c', '...', '%%%.%%%.%%%', 'eyJhbGciOiJIUzI1NiJ9.bm90IGpzb24.c2ln']) {
      expect((await refusalOf(logInWithToken(db, garbage, NOW))).reason, garbage).toMatch(/^(malformed|signature)$/)
    }
  })

  test('an e-mail of an existing password account is refused, verified or not, and the account is untouched', async () => {
    const holder = createUser(db)
    const before = userRow(holder.id)
    for (const emailVerified of [undefined, false, true]) {
      const claims = claimsFor({ email: holder.email.toUpperCase(), email_verified: emailVerified, name: 'Mallory' })
      const refusal = await refusalOf(logInWithToken(db, await signHs256(claims), NOW))
      expect(refusal).toMatchObject({ reason: 'email-taken', status: 400 })
      expect(refusal.message).not.toContain(holder.email)
    }
    expect(userRow(holder.id)).toEqual(before)
    expect(db.select().from(userIdentities).where(eq(userIdentities.userId, holder.id)).all()).toEqual([])
  })

  test('a member cannot take another address over by changing the e-mail in a later token', async () => {
    const other = createUser(db)
    const claims = claimsFor()
    const { userId } = await logInWithToken(db, await signHs256(claims), NOW)
    await logInWithToken(db, await signHs256(claimsFor({ sub: claims.sub, email: other.email })), NOW)
    expect(userRow(userId).email).toBe(claims.email)
    expect(userRow(other.id).email).toBe(other.email)
  })

  test('a script in the name is stored as plain text, cleaned as the profile form would', async () => {
    const name = '<script>alert(1)</script>Eve "&amp;'
    const { userId } = await logInWithToken(db, await signHs256(claimsFor({ name })), NOW)
    expect(userRow(userId).displayName).toBe(cleanDisplayName(name))
    expect(userRow(userId).displayName).toBe('scriptalert(1)/scriptEve "&amp;')
  })
})

describe('keys published at a JWKS URL', () => {
  let server: http.Server
  let jwksUrl: string
  let published: JWK[] = []
  let fetches = 0
  const keys = {} as Record<'rs' | 'ed' | 'es' | 'rsOther', Awaited<ReturnType<typeof generateKeyPair>>>

  beforeAll(async () => {
    keys.rs = await generateKeyPair('RS256', { extractable: true })
    keys.ed = await generateKeyPair('EdDSA', { extractable: true })
    keys.es = await generateKeyPair('ES256', { extractable: true })
    keys.rsOther = await generateKeyPair('RS256', { extractable: true })
    published = [
      { ...(await exportJWK(keys.rs.publicKey)), kid: 'rs-1', alg: 'RS256', use: 'sig' },
      { ...(await exportJWK(keys.ed.publicKey)), kid: 'ed-1', alg: 'EdDSA', use: 'sig' },
      { ...(await exportJWK(keys.es.publicKey)), kid: 'es-1', alg: 'ES256', use: 'sig' },
    ]
    server = http.createServer((req, res) => {
      fetches += 1
      if (req.url === '/.well-known/jwks.json') {
        res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ keys: published }))
      } else {
        res.writeHead(404).end()
      }
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    jwksUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/.well-known/jwks.json`
  })
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())))
  beforeEach(() => {
    expect(setSetting(db, 'jwtSso', { enabled: true, secret: null, jwksUrl, audience: AUDIENCE }).ok).toBe(true)
  })

  function signWith(key: CryptoKey, alg: string, kid: string, claims = claimsFor()) {
    return new SignJWT(claims).setProtectedHeader({ alg, kid, typ: 'JWT' }).sign(key)
  }

  test('RS256, EdDSA and ES256 tokens log in; the key set is fetched once for all of them', async () => {
    const fetchesBefore = fetches
    for (const [key, alg, kid] of [
      [keys.rs.privateKey, 'RS256', 'rs-1'],
      [keys.ed.privateKey, 'EdDSA', 'ed-1'],
      [keys.es.privateKey, 'ES256', 'es-1'],
    ] as const) {
      const claims = claimsFor()
      const { userId, created } = await logInWithToken(db, await signWith(key, alg, kid, claims), NOW)
      expect(created, alg).toBe(true)
      expect(userRow(userId).email).toBe(claims.email)
    }
    expect(fetches - fetchesBefore).toBeLessThanOrEqual(1)
  })

  test('a token signed by a key that is not published: same kid, or an unknown kid', async () => {
    expect((await refusalOf(logInWithToken(db, await signWith(keys.rsOther.privateKey, 'RS256', 'rs-1'), NOW))).reason).toBe('signature')
    expect((await refusalOf(logInWithToken(db, await signWith(keys.rsOther.privateKey, 'RS256', 'rs-9'), NOW))).reason).toBe('signature')
  })

  test('HS256 signed with the public key as the secret (algorithm confusion) is refused', async () => {
    const publicJwk = JSON.stringify(published[0])
    expect((await refusalOf(logInWithToken(db, await signHs256(claimsFor(), publicJwk), NOW))).reason).toBe('signature')
  })

  test('the claims, lifetime, audience and jti rules apply as with the secret', async () => {
    const sign = (claims: Claims) => signWith(keys.ed.privateKey, 'EdDSA', 'ed-1', claims)
    expect((await refusalOf(logInWithToken(db, await sign(claimsFor({ aud: 'elsewhere' })), NOW))).reason).toBe('audience')
    expect((await refusalOf(logInWithToken(db, await sign(claimsFor({ exp: nowSeconds + 3600 })), NOW))).reason).toBe('too-long-lived')
    const token = await sign(claimsFor())
    await logInWithToken(db, token, NOW)
    expect((await refusalOf(logInWithToken(db, token, NOW))).reason).toBe('replayed')
  })

  test('with both a secret and a JWKS URL, each token is checked with the key its alg names', async () => {
    setSetting(db, 'jwtSso', { enabled: true, secret: SECRET, jwksUrl, audience: AUDIENCE })
    await expect(logInWithToken(db, await signHs256(claimsFor()), NOW)).resolves.toMatchObject({ created: true })
    await expect(logInWithToken(db, await signWith(keys.rs.privateKey, 'RS256', 'rs-1'), NOW)).resolves.toMatchObject({ created: true })
  })

  test('a key set that cannot be fetched is a JwtKeysUnavailableError, not a refusal of the token', async () => {
    const missing = jwksUrl.replace('/.well-known/jwks.json', '/missing.json')
    setSetting(db, 'jwtSso', { enabled: true, secret: null, jwksUrl: missing, audience: AUDIENCE })
    await expect(logInWithToken(db, await signWith(keys.rs.privateKey, 'RS256', 'rs-1'), NOW)).rejects.toBeInstanceOf(
      JwtKeysUnavailableError,
    )
  })
})

describe('the /sso/jwt route', () => {
  const routeArgs = (request: Request) => ({ request, params: {}, context: {} })
  const PRIVATE = { 'cache-control': 'no-store', 'referrer-policy': 'no-referrer' }
  // The route checks tokens against the real clock.
  const liveClaims = (overrides: Claims = {}) => {
    const now = Math.floor(Date.now() / 1000)
    return claimsFor({ iat: now, exp: now + 300, ...overrides })
  }

  function sessionFrom(setCookie: string | null) {
    const value = setCookie?.match(/^summit_session=([^;]+)/)?.[1]
    return new Request(`${TEST_ORIGIN}/`, { headers: value ? { Cookie: `summit_session=${value}` } : {} })
  }

  test('a link logs the customer in and redirects to a path on this site, never elsewhere', async () => {
    const claims = liveClaims()
    const token = await signHs256(claims)
    const res = await settle(() =>
      loader(routeArgs(new Request(`${TEST_ORIGIN}/sso/jwt?token=${token}&redirectTo=${encodeURIComponent('/ideas?sort=new')}`))),
    )
    expect(res).toMatchObject({ status: 302, location: '/ideas?sort=new' })
    expect(Object.fromEntries(res.headers)).toMatchObject(PRIVATE)
    expect(await getUser(sessionFrom(res.headers.get('Set-Cookie')))).toMatchObject({ displayName: 'Ada Customer' })

    for (const evil of ['//evil.example/x', 'https://evil.example/', '/\\evil.example', 'javascript:alert(1)']) {
      const again = await settle(async () =>
        loader(routeArgs(await getRequest(`/sso/jwt?token=${await signHs256(liveClaims())}&redirectTo=${encodeURIComponent(evil)}`))),
      )
      expect(again, evil).toMatchObject({ status: 302, location: '/' })
    }
  })

  test('a form POST logs in as well, and replaces the session the browser had', async () => {
    const someoneElse = createUser(db)
    const token = await signHs256(liveClaims({ name: 'Form Poster' }))
    // server/origin-check.ts removes the Origin of this one cross-site post (tested end to end).
    const request = await formRequest('/sso/jwt', { token, redirectTo: '/questions' }, { origin: null, userId: someoneElse.id })
    const res = await settle(() => action(routeArgs(request)))
    expect(res).toMatchObject({ status: 302, location: '/questions' })
    expect(await getUser(sessionFrom(res.headers.get('Set-Cookie')))).toMatchObject({ displayName: 'Form Poster' })
    expect(await getUser(request)).toBeNull() // the earlier session is over
  })

  test('a refused link is redirected to a page without the token, which says why with a 400, not kept and not referred on', async () => {
    const token = await signHs256(liveClaims(), 'a-wrong-secret-that-is-long-enough-000')
    const res = await settle(() => loader(routeArgs(new Request(`${TEST_ORIGIN}/sso/jwt?token=${token}&redirectTo=%2Fideas`))))
    expect(res).toMatchObject({ status: 302, location: '/sso/jwt?refused=signature' })
    expect(Object.fromEntries(res.headers)).toMatchObject(PRIVATE)
    expect(res.headers.get('Set-Cookie')).toBeNull()
    const page = await settle(() => loader(routeArgs(new Request(`${TEST_ORIGIN}${res.location}`))))
    expect(page).toMatchObject({ status: 400, body: 'This sign-in link is not signed with a key this community trusts.' })
    expect(Object.fromEntries(page.headers)).toMatchObject(PRIVATE)

    // A refused claim is named; the page names only claims Summit knows, whatever the address says.
    const badPlan = await signHs256(liveClaims({ company: { id: 'c', name: 'Co', plan: 'p'.repeat(41) } }))
    const named = await settle(() => loader(routeArgs(new Request(`${TEST_ORIGIN}/sso/jwt?token=${badPlan}`))))
    expect(named.location).toBe('/sso/jwt?refused=invalid-claim&claim=company.plan')
    const forged = await settle(() => loader(routeArgs(new Request(`${TEST_ORIGIN}/sso/jwt?refused=invalid-claim&claim=Call+555-0100`))))
    expect(forged).toMatchObject({ status: 400, body: 'A claim of this sign-in link is missing, too long or not valid.' })
    const unknown = await settle(() => loader(routeArgs(new Request(`${TEST_ORIGIN}/sso/jwt?refused=whatever`))))
    expect(unknown).toMatchObject({ status: 400, body: expect.stringContaining('carries no token') })
  })

  test('a refused form post answers with the page at once (its address holds no token)', async () => {
    const token = await signHs256(liveClaims({ aud: 'elsewhere' }))
    const res = await settle(async () => action(routeArgs(await formRequest('/sso/jwt', { token }, { origin: null }))))
    expect(res).toMatchObject({ status: 400, body: 'This sign-in link was made for another site.' })
    expect(Object.fromEntries(res.headers)).toMatchObject(PRIVATE)
    expect(JSON.stringify(res.body)).not.toContain(token)
  })

  test('no token at all: 400', async () => {
    const missing = await settle(() => loader(routeArgs(new Request(`${TEST_ORIGIN}/sso/jwt`))))
    expect(missing).toMatchObject({ status: 400, body: expect.stringContaining('carries no token') })
    const emptyForm = await settle(async () => action(routeArgs(await formRequest('/sso/jwt', {}, { origin: null }))))
    expect(emptyForm).toMatchObject({ status: 400, body: expect.stringContaining('carries no token') })
  })

  test('a replayed link is refused', async () => {
    const url = `${TEST_ORIGIN}/sso/jwt?token=${await signHs256(liveClaims())}`
    expect((await settle(() => loader(routeArgs(new Request(url))))).status).toBe(302)
    const again = await settle(() => loader(routeArgs(new Request(url))))
    expect(again.location).toBe('/sso/jwt?refused=replayed')
    const page = await settle(() => loader(routeArgs(new Request(`${TEST_ORIGIN}${again.location}`))))
    expect(page).toMatchObject({ status: 400, body: expect.stringContaining('already been used') })
  })

  test('JWT login switched off: 403', async () => {
    setSetting(db, 'jwtSso', { enabled: false, secret: SECRET, jwksUrl: null, audience: AUDIENCE })
    const res = await settle(async () => loader(routeArgs(new Request(`${TEST_ORIGIN}/sso/jwt?token=${await signHs256(liveClaims())}`))))
    expect(res.location).toBe('/sso/jwt?refused=disabled')
    const page = await settle(() => loader(routeArgs(new Request(`${TEST_ORIGIN}${res.location}`))))
    expect(page).toMatchObject({ status: 403, body: expect.stringContaining('not turned on') })
  })

  test("a link checker's HEAD request does not use the token up", async () => {
    const url = `${TEST_ORIGIN}/sso/jwt?token=${await signHs256(liveClaims())}`
    expect(await settle(() => loader(routeArgs(new Request(url, { method: 'HEAD' }))))).toMatchObject({ status: 200, body: null })
    expect((await settle(() => loader(routeArgs(new Request(url))))).status).toBe(302)
  })

  test('a POST from another origin that did not come through server.js is refused', async () => {
    const request = await formRequest('/sso/jwt', { token: await signHs256(liveClaims()) }, { origin: 'http://evil.example' })
    expect((await settle(() => action(routeArgs(request)))).status).toBe(403)
  })

  test("the app's keys unreachable: 502, the token left out of the address", async () => {
    setSetting(db, 'jwtSso', { enabled: true, secret: null, jwksUrl: 'http://127.0.0.1:9/jwks.json', audience: AUDIENCE })
    const token = await new SignJWT(liveClaims())
      .setProtectedHeader({ alg: 'ES256', kid: 'k' })
      .sign((await generateKeyPair('ES256')).privateKey)
    const res = await settle(() => loader(routeArgs(new Request(`${TEST_ORIGIN}/sso/jwt?token=${token}`))))
    expect(res.location).toBe('/sso/jwt?refused=keys-unavailable')
    const page = await settle(() => loader(routeArgs(new Request(`${TEST_ORIGIN}${res.location}`))))
    expect(page).toMatchObject({ status: 502, body: expect.stringContaining('could not be fetched') })
  })
})
