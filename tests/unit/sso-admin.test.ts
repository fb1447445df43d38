/**
 * The admin side of single sign-on: /admin/settings (OpenID providers, the policy, the signed-JWT
 * log-in) and `npm run sso`. Only admins; bad input is a 400 that keeps the form but never a
 * secret; secrets never reach loader data, the page's HTML or the moderation log; a policy can
 * never leave nobody able to log in.
 */
import { spawn } from 'node:child_process'
import crypto from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { desc, eq, sql } from 'drizzle-orm'
import { createElement } from 'react'
import { renderToStaticMarkup } from 'react-dom/server'
import { afterEach, describe, expect, test, vi } from 'vitest'
import { moderationLog, oidcProviders, settings } from '#db/schema'
import { type Role } from '~/domain'
import { getDb, openDatabase } from '~/lib/db.server'
import { getProviderForLogin } from '~/models/oidc-providers.server'
import { getJwtSsoSettings, getSetting, getSsoPolicy, setSetting } from '~/models/settings.server'
import AdminSettings, { action, loader } from '~/routes/admin.settings/route'
import { createSegment, createUser, unique } from '#tests/factories'
import { formRequest, getRequest, settle } from '#tests/route-helpers'
import { TEMPLATE_DB, TMP_DIR } from '../setup/paths'

/** The page's hooks answer with what a test sets, so the component renders to HTML as the server would. */
const view = vi.hoisted(() => ({ loaderData: undefined as unknown, actionData: undefined as unknown }))
vi.mock('@remix-run/react', async (importOriginal) => {
  const actual = await importOriginal<typeof import('@remix-run/react')>()
  const react = await import('react')
  return {
    ...actual,
    useLoaderData: () => view.loaderData,
    useActionData: () => view.actionData,
    useNavigation: () => ({ state: 'idle', formData: undefined }),
    Form: (props: Record<string, unknown>) => react.createElement('form', { method: 'post', ...props }),
    Link: ({ to, ...props }: { to: string } & Record<string, unknown>) => react.createElement('a', { href: to, ...props }),
  }
})

const db = () => getDb()
const admin = createUser(db(), { role: 'admin' })

/** `userId` null: an anonymous visitor. */
async function post(fields: Record<string, string>, userId: number | null = admin.id) {
  const request = await formRequest('/admin/settings', fields, { userId: userId ?? undefined })
  return settle(() => action({ request, params: {}, context: {} }))
}

async function load(path = '/admin/settings', userId: number | null = admin.id) {
  const request = await getRequest(path, { userId: userId ?? undefined })
  return settle(() => loader({ request, params: {}, context: {} }))
}

type PageData = Awaited<ReturnType<typeof loader>>

/** The page as the server renders it, for this loader data and action answer. */
async function renderPage(actionData: unknown = undefined, path = '/admin/settings') {
  const loaded = await load(path)
  expect(loaded.status).toBe(200)
  view.loaderData = loaded.body
  view.actionData = actionData
  return { data: loaded.body as PageData, html: renderToStaticMarkup(createElement(AdminSettings)) }
}

/** A complete add form; an override of `undefined` leaves the field out (an unticked box). */
function providerFields(overrides: Record<string, string | undefined> = {}): Record<string, string> {
  const slug = unique('idp-')
    .toLowerCase()
    .replace(/[^a-z0-9-]/g, '')
    .slice(0, 30)
  const fields: Record<string, string | undefined> = {
    intent: 'provider-add',
    slug,
    label: 'Acme login',
    issuer: 'https://login.acme.example',
    clientId: `client-${slug}`,
    clientSecret: `client-secret-${crypto.randomBytes(12).toString('hex')}`,
    role: 'member',
    segmentId: '',
    enabled: 'on',
    ...overrides,
  }
  return Object.fromEntries(Object.entries(fields).filter((entry): entry is [string, string] => entry[1] !== undefined))
}

/** Adds a provider through the page; returns its row (with the secret, for the checks). */
async function addThroughPage(overrides: Record<string, string | undefined> = {}) {
  const fields = providerFields(overrides)
  expect(await post(fields)).toMatchObject({ status: 302, location: '/admin/settings?done=provider-add#sso-providers' })
  const row = db().select().from(oidcProviders).where(eq(oidcProviders.slug, fields.slug!)).get()!
  return { ...row, fields }
}

const logText = () => JSON.stringify(db().select().from(moderationLog).all())

afterEach(() => {
  // Each test starts from no policy and no JWT log-in; the providers it made stay (tests never assume empty tables).
  db()
    .delete(settings)
    .where(sql`${settings.key} in ('ssoPolicy', 'jwtSso')`)
    .run()
})

describe('who may configure single sign-on', () => {
  const roles = ['anonymous', 'member', 'moderator', 'product', 'admin'] as const
  const expected = { anonymous: 302, member: 403, moderator: 403, product: 403, admin: 'ok' } as const
  const userFor = (role: (typeof roles)[number]) => (role === 'anonymous' ? null : createUser(db(), { role: role as Role }).id)

  test.each(roles)('%s: the page and each single sign-on form', async (role) => {
    const userId = userFor(role)
    const want = expected[role]
    const page = await load('/admin/settings', userId)
    expect(page.status).toBe(want === 'ok' ? 200 : want)
    if (want === 302) expect(page.location).toMatch(/^\/login\?redirectTo=/)

    const provider = role === 'admin' ? null : (await addThroughPage()).id
    const forms: Record<string, string>[] = [
      providerFields(),
      { intent: 'provider-enable', providerId: String(provider ?? 999_999), enabled: 'false' },
      { intent: 'provider-remove', providerId: String(provider ?? 999_999) },
      { intent: 'sso-policy', require: 'off', breakGlass: '' },
      { intent: 'jwt-sso', audience: 'summit', keyType: 'secret' },
      { intent: 'jwt-generate-secret' },
    ]
    for (const fields of forms) {
      const res = await post(fields, userId)
      if (want === 'ok') expect(res.status, fields.intent).toBeLessThan(500)
      else expect(res.status, fields.intent).toBe(want)
    }
    if (provider) expect(db().select().from(oidcProviders).where(eq(oidcProviders.id, provider)).get()).toMatchObject({ enabled: true })
    if (want !== 'ok') expect(getJwtSsoSettings(db()).secret).toBeNull()
  })
})

describe('OpenID providers', () => {
  test('bad input is a 400 with a message per field, the text kept and the secret never sent back', async () => {
    const secret = 'never-echo-this-client-secret'
    const res = await post(
      providerFields({
        slug: '-Okta!',
        label: 'x'.repeat(41),
        issuer: 'http://login.acme.example',
        clientId: ' ',
        clientSecret: secret,
        role: 'owner',
      }),
    )
    expect(res).toMatchObject({
      status: 400,
      body: {
        intent: 'provider-add',
        fields: { slug: '-Okta!', issuer: 'http://login.acme.example' },
        fieldErrors: {
          slug: ['Use only letters a–z, digits and -.', 'Start and end with a letter or a digit.'],
          label: ['Use at most 40 characters.'],
          issuer: ['Use https:// (http:// only for 127.0.0.1, localhost or ::1).'],
          clientId: ['Enter the client ID.'],
          role: ['Choose a role.'],
        },
      },
    })
    expect(JSON.stringify(res.body)).not.toContain(secret)
    expect((res.body as { fields: Record<string, string> }).fields).not.toHaveProperty('clientSecret')
    const { html } = await renderPage(res.body)
    expect(html).toContain('Use at most 40 characters.')
    expect(html).not.toContain(secret)

    for (const issuer of [
      'not a url',
      'ftp://login.acme.example',
      'https://user:pw@login.acme.example',
      'https://login.acme.example/?tenant=1',
      'http://10.0.0.1',
    ]) {
      expect(await post(providerFields({ issuer })), issuer).toMatchObject({
        status: 400,
        body: { fieldErrors: { issuer: [expect.any(String)] } },
      })
    }
    expect(await post(providerFields({ clientSecret: '' }))).toMatchObject({
      status: 400,
      body: { fieldErrors: { clientSecret: ['Enter the client secret.'] } },
    })
    expect(await post(providerFields({ slug: 'a' }))).toMatchObject({
      status: 400,
      body: { fieldErrors: { slug: ['Use at least 2 characters.'] } },
    })
    expect(await post(providerFields({ segmentId: 'abc' }))).toMatchObject({
      status: 400,
      body: { fieldErrors: { segmentId: ['Choose a segment.'] } },
    })
    expect(await post({ intent: 'provider-update', providerId: 'x' })).toMatchObject({ status: 400 })
  })

  test('http is allowed for loopback issuers only; a short name in use or a segment that is gone is a field error', async () => {
    for (const issuer of ['http://127.0.0.1:9400', 'http://localhost:9400/realms/test', 'http://[::1]:9400'])
      await addThroughPage({ issuer })
    const first = await addThroughPage({ slug: unique('dup-').replace(/[^a-z0-9-]/g, '') })
    expect(await post(providerFields({ slug: first.slug.toUpperCase() }))).toMatchObject({
      status: 400,
      body: {
        fields: { slug: first.slug.toUpperCase() },
        fieldErrors: { slug: [`A provider with the short name "${first.slug}" exists.`] },
      },
    })
    expect(await post(providerFields({ segmentId: '987654' }))).toMatchObject({
      status: 400,
      body: { fieldErrors: { segmentId: ['This segment does not exist any more. Choose another.'] } },
    })
  })

  test('a provider is added with its options, listed with its callback URL, edited with the secret kept or replaced', async () => {
    const segment = createSegment(db())
    const added = await addThroughPage({ role: 'product', segmentId: String(segment.id), linkVerifiedEmail: 'on' })
    expect(added).toMatchObject({
      role: 'product',
      segmentId: segment.id,
      linkVerifiedEmail: true,
      enabled: true,
      clientSecret: added.fields.clientSecret,
    })

    const { data, html } = await renderPage()
    const listed = data.sso.providers.find((p) => p.id === added.id)!
    expect(listed).toMatchObject({
      slug: added.slug,
      segment: segment.name,
      callbackPath: `/sso/oidc/${added.slug}/callback`,
      memberCount: 0,
    })
    expect(html).toContain(`http://localhost:3000/sso/oidc/${added.slug}/callback`)

    const { linkVerifiedEmail: _unticked, ...kept } = added.fields // an unticked box is not sent
    const update = { ...kept, intent: 'provider-update', providerId: String(added.id), label: 'Acme SSO', clientSecret: '' }
    expect(await post(update)).toMatchObject({ status: 302, location: '/admin/settings?done=provider-update#sso-providers' })
    expect(getProviderForLogin(db(), added.slug)).toMatchObject({
      label: 'Acme SSO',
      linkVerifiedEmail: false,
      clientSecret: added.fields.clientSecret,
    })

    const newSecret = 'a-replacement-client-secret-value'
    await post({ ...update, clientSecret: newSecret })
    expect(getProviderForLogin(db(), added.slug)!.clientSecret).toBe(newSecret)
    const log = db().select().from(moderationLog).where(eq(moderationLog.targetId, added.id)).orderBy(desc(moderationLog.id)).all()
    expect(log.map((row) => row.action)).toEqual(['identity_provider.update', 'identity_provider.update', 'identity_provider.create'])
    expect(log[0]!.after).toMatchObject({ label: 'Acme SSO', secretChanged: true })
    expect(log[1]!.after).toMatchObject({ secretChanged: false })
    expect(logText()).not.toContain(newSecret)
    expect(logText()).not.toContain(added.fields.clientSecret)
  })

  test('disable and enable, and remove after a confirmation step; an unknown provider is a 404', async () => {
    const added = await addThroughPage()
    expect(await post({ intent: 'provider-enable', providerId: String(added.id), enabled: 'false' })).toMatchObject({
      status: 302,
      location: '/admin/settings?done=provider-disabled#sso-providers',
    })
    expect(getProviderForLogin(db(), added.slug)!.enabled).toBe(false)
    await post({ intent: 'provider-enable', providerId: String(added.id), enabled: 'true' })
    expect(getProviderForLogin(db(), added.slug)!.enabled).toBe(true)

    // The link asks first: the page with ?remove=<id> shows the confirming form, which posts the removal.
    const plain = await renderPage()
    expect(plain.html).toContain(`href="/admin/settings?remove=${added.id}#provider-${added.id}"`)
    expect(plain.html).not.toContain('Yes, remove')
    const confirming = await renderPage(undefined, `/admin/settings?remove=${added.id}`)
    expect(confirming.data.confirmRemoveId).toBe(added.id)
    expect(confirming.html).toContain(`Yes, remove ${added.label}`)
    expect(await post({ intent: 'provider-remove', providerId: String(added.id) })).toMatchObject({
      status: 302,
      location: '/admin/settings?done=provider-remove#sso-providers',
    })
    expect(getProviderForLogin(db(), added.slug)).toBeNull()
    const removed = db()
      .select()
      .from(moderationLog)
      .where(eq(moderationLog.action, 'identity_provider.delete'))
      .orderBy(desc(moderationLog.id))
      .get()!
    expect(removed).toMatchObject({ actorId: admin.id, targetId: added.id, before: expect.objectContaining({ slug: added.slug }) })
    expect(logText()).not.toContain(added.fields.clientSecret)

    const missing: Record<string, string>[] = [
      { intent: 'provider-enable', providerId: String(added.id), enabled: 'true' },
      { intent: 'provider-remove', providerId: String(added.id) },
      { ...providerFields(), intent: 'provider-update', providerId: String(added.id) },
    ]
    for (const fields of missing) {
      expect(await post(fields)).toMatchObject({ status: 404 })
    }
  })
})

describe('secrets stay write-only', () => {
  test('no client secret or JWT secret in the loader data, the HTML or the moderation log', async () => {
    const provider = await addThroughPage()
    const disabled = await addThroughPage({ enabled: undefined })
    const jwtSecret = `jwt-shared-secret-${crypto.randomBytes(16).toString('hex')}`
    expect(await post({ intent: 'jwt-sso', enabled: 'on', audience: 'acme-app', keyType: 'secret', secret: jwtSecret })).toMatchObject({
      status: 302,
    })
    expect(getJwtSsoSettings(db()).secret).toBe(jwtSecret)

    const { data, html } = await renderPage()
    const serialized = JSON.stringify(data)
    for (const secret of [provider.fields.clientSecret, disabled.fields.clientSecret, jwtSecret]) {
      expect(serialized).not.toContain(secret)
      expect(html).not.toContain(secret)
    }
    expect(logText()).not.toContain(jwtSecret)
    expect(data.sso.jwt).toMatchObject({
      enabled: true,
      audience: 'acme-app',
      hasSecret: true,
      keyType: 'secret',
      secretSavedAt: expect.any(Date),
    })
    expect(data.sso.jwt).not.toHaveProperty('secret')
    expect(html).toContain('A secret is set')
    expect(html).toContain(provider.fields.clientId) // the client id is not secret
    // Every secret field is a write-only password field.
    for (const name of ['clientSecret', 'secret']) {
      const inputs = html.match(new RegExp(`<input[^>]*name="${name}"[^>]*>`, 'g')) ?? []
      expect(inputs.length, name).toBeGreaterThan(0)
      for (const input of html.match(new RegExp(`<input[^>]*name="${name}"[^>]*>`, 'g')) ?? []) {
        expect(input).toContain('type="password"')
        expect(input).toMatch(/autocomplete="new-password"/i)
        expect(input).not.toContain('value=')
      }
    }
  })

  test('a generated JWT secret is shown once, in the answer to its post, and then never again', async () => {
    const res = await post({ intent: 'jwt-generate-secret' })
    expect(res.status).toBe(200)
    const { generatedSecret } = res.body as { generatedSecret: string }
    expect(generatedSecret).toMatch(/^[A-Za-z0-9_-]{43}$/)
    expect(getJwtSsoSettings(db())).toMatchObject({ secret: generatedSecret, jwksUrl: null })

    const answer = await renderPage(res.body)
    expect(answer.html).toContain(generatedSecret)
    expect(JSON.stringify(answer.data)).not.toContain(generatedSecret)
    const later = await renderPage()
    expect(later.html).not.toContain(generatedSecret)
    expect(later.html).toContain('A secret is set')
    expect(logText()).not.toContain(generatedSecret)
    const logged = db().select().from(moderationLog).where(eq(moderationLog.reason, 'jwtSso')).orderBy(desc(moderationLog.id)).get()!
    expect(logged).toMatchObject({
      action: 'settings.update',
      actorId: admin.id,
      after: { jwtSso: { secret: '(set)', secretChanged: true, generated: true } },
    })
  })
})

describe('the signed-JWT log-in', () => {
  test('turning it on needs a key; a short secret, a bad JWKS URL or a missing one are field errors', async () => {
    expect(await post({ intent: 'jwt-sso', enabled: 'on', audience: 'app', keyType: 'secret' })).toMatchObject({
      status: 400,
      body: { fieldErrors: { secret: ['Enter a shared secret of at least 32 characters, or generate one.'] } },
    })
    const short = 'too-short-secret'
    const res = await post({ intent: 'jwt-sso', enabled: 'on', audience: 'app', keyType: 'secret', secret: short })
    expect(res).toMatchObject({
      status: 400,
      body: { fieldErrors: { secret: ['Use at least 32 characters.'] }, fields: { audience: 'app' } },
    })
    expect(JSON.stringify(res.body)).not.toContain(short)
    expect(await post({ intent: 'jwt-sso', enabled: 'on', audience: 'app', keyType: 'jwks', jwksUrl: '' })).toMatchObject({
      status: 400,
      body: { fieldErrors: { jwksUrl: ['Enter the JWKS URL.'] } },
    })
    expect(
      await post({ intent: 'jwt-sso', enabled: 'on', audience: 'app', keyType: 'jwks', jwksUrl: 'http://app.example/jwks.json' }),
    ).toMatchObject({
      status: 400,
      body: { fieldErrors: { jwksUrl: ['Use https:// (http:// only for 127.0.0.1, localhost or ::1).'] } },
    })
    expect(await post({ intent: 'jwt-sso', enabled: 'on', audience: ' ', keyType: 'rot13' })).toMatchObject({
      status: 400,
      body: { fieldErrors: { audience: ['Enter the audience.'], keyType: ['Choose how the tokens are signed.'] } },
    })
    expect(getJwtSsoSettings(db())).toEqual({ enabled: false, secret: null, jwksUrl: null, audience: 'summit' })
  })

  test('a secret and a JWKS URL exclude each other; an empty secret field keeps the stored one', async () => {
    const secret = 'x'.repeat(20) + crypto.randomBytes(12).toString('hex')
    await post({ intent: 'jwt-sso', enabled: 'on', audience: 'app', keyType: 'secret', secret })
    await post({ intent: 'jwt-sso', enabled: 'on', audience: 'app-2', keyType: 'secret', secret: '' })
    expect(getJwtSsoSettings(db())).toEqual({ enabled: true, audience: 'app-2', secret, jwksUrl: null })
    await post({
      intent: 'jwt-sso',
      enabled: 'on',
      audience: 'app-2',
      keyType: 'jwks',
      jwksUrl: 'https://app.example/.well-known/jwks.json',
    })
    expect(getJwtSsoSettings(db())).toEqual({
      enabled: true,
      audience: 'app-2',
      secret: null,
      jwksUrl: 'https://app.example/.well-known/jwks.json',
    })
    const { data } = await renderPage()
    expect(data.sso.jwt).toMatchObject({ keyType: 'jwks', hasSecret: false, secretSavedAt: null })
    await post({ intent: 'jwt-sso', audience: 'app-2', keyType: 'jwks', jwksUrl: 'http://127.0.0.1:9400/jwks' })
    expect(getJwtSsoSettings(db())).toMatchObject({ enabled: false, jwksUrl: 'http://127.0.0.1:9400/jwks' })
  })
})

describe('the policy cannot lock everyone out', () => {
  test('requiring single sign-on needs an enabled provider', async () => {
    // Disable every provider earlier tests left enabled.
    db().update(oidcProviders).set({ enabled: false }).run()
    for (const require of ['staff', 'everyone']) {
      expect(await post({ intent: 'sso-policy', require, breakGlass: '' })).toMatchObject({
        status: 400,
        body: {
          fields: { require },
          fieldErrors: { require: ['Add and enable an identity provider first: with none, nobody could log in.'] },
        },
      })
    }
    expect(getSsoPolicy(db())).toEqual({ require: 'off', breakGlass: [] })
    const provider = await addThroughPage()
    expect(await post({ intent: 'sso-policy', require: 'staff', breakGlass: '' })).toMatchObject({
      status: 302,
      location: '/admin/settings?done=sso-policy#sso-policy',
    })
    expect(getSsoPolicy(db()).require).toBe('staff')

    // Then the last enabled provider can be neither disabled nor removed: 409, said on the page.
    const disabling = await post({ intent: 'provider-enable', providerId: String(provider.id), enabled: 'false' })
    expect(disabling).toMatchObject({ status: 409, body: { formErrors: [expect.stringContaining('last enabled provider')] } })
    expect(await post({ intent: 'provider-remove', providerId: String(provider.id) })).toMatchObject({ status: 409 })
    const { enabled: _on, ...unticked } = provider.fields
    expect(await post({ ...unticked, intent: 'provider-update', providerId: String(provider.id), clientSecret: '' })).toMatchObject({
      status: 409,
    })
    expect(getProviderForLogin(db(), provider.slug)).toMatchObject({ enabled: true })
    const { html } = await renderPage(disabling.body)
    expect(html).toContain('this is the last enabled provider')

    // With another enabled provider, it can go.
    await addThroughPage()
    expect(await post({ intent: 'provider-remove', providerId: String(provider.id) })).toMatchObject({ status: 302 })
  })

  test('break-glass accounts must be admins with a password; the list is saved lower-case and logged', async () => {
    await addThroughPage()
    const other = createUser(db(), { role: 'admin' })
    const moderator = createUser(db(), { role: 'moderator' })
    const noPassword = createUser(db(), { role: 'admin' })
    db().run(sql`update users set password_hash = '' where id = ${noPassword.id}`)

    const refused = async (breakGlass: string, message: string) =>
      expect(await post({ intent: 'sso-policy', require: 'everyone', breakGlass })).toMatchObject({
        status: 400,
        body: { fields: { breakGlass }, fieldErrors: { breakGlass: [message] } },
      })
    await refused('nobody-by-this-name', 'There is no account named “nobody-by-this-name”.')
    await refused(`${admin.username}, ${moderator.username}`, `“${moderator.username}” is not an admin.`)
    await refused(noPassword.username, `“${noPassword.username}” has no password, so it could not log in without single sign-on.`)
    await refused('bad name!', '“name!” is not a username.')
    await refused(Array.from({ length: 21 }, (_, i) => `admin${i}`).join(','), 'Name at most 20 accounts.')
    expect(getSsoPolicy(db())).toEqual({ require: 'off', breakGlass: [] })

    expect(
      await post({
        intent: 'sso-policy',
        require: 'everyone',
        breakGlass: `${admin.username.toUpperCase()},\n${other.username}\n${admin.username}`,
      }),
    ).toMatchObject({ status: 302 })
    expect(getSsoPolicy(db())).toEqual({ require: 'everyone', breakGlass: [admin.username, other.username] })
    const logged = db().select().from(moderationLog).where(eq(moderationLog.reason, 'ssoPolicy')).orderBy(desc(moderationLog.id)).get()!
    expect(logged).toMatchObject({
      action: 'settings.update',
      actorId: admin.id,
      before: { ssoPolicy: { require: 'off', breakGlass: [] } },
      after: { ssoPolicy: { require: 'everyone', breakGlass: [admin.username, other.username] } },
    })
    const { html } = await renderPage()
    expect(html).toMatch(/id="sso-require-everyone"[^>]*checked/)
  })
})

/**
 * Runs a script to its end. Asynchronous on purpose: a spawnSync per command would hold this
 * worker's event loop for the whole test, and vitest's own messages with it.
 */
function runScript(args: string[], env: Record<string, string>, input = '') {
  return new Promise<{ status: number | null; stdout: string; stderr: string; output: string }>((resolve, reject) => {
    const child = spawn(path.resolve('node_modules/.bin/tsx'), args, { env: { ...process.env, ...env }, timeout: 60_000 })
    let stdout = ''
    let stderr = ''
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk))
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk))
    child.on('error', reject)
    child.on('close', (status) => resolve({ status, stdout, stderr, output: `${stdout}${stderr}` }))
    child.stdin.end(input)
  })
}

describe('npm run sso', () => {
  /** A database of its own, so this run's providers and policy do not meet the other tests'. */
  function cliDatabase() {
    const file = path.join(TMP_DIR, `sso-cli-${process.pid}-${crypto.randomBytes(4).toString('hex')}.db`)
    fs.copyFileSync(TEMPLATE_DB, file)
    const cliDb = openDatabase(file)
    return {
      file,
      db: cliDb,
      run(args: string[], input = '') {
        return runScript(
          ['scripts/sso.ts', ...args],
          { DATABASE_URL: file, NODE_ENV: 'test', PUBLIC_URL: 'https://community.example.com' },
          input,
        )
      },
      settings(args: string[]) {
        return runScript(['scripts/settings.ts', ...args], { DATABASE_URL: file, NODE_ENV: 'test' })
      },
      close() {
        cliDb.$client.close()
        for (const suffix of ['', '-wal', '-shm']) fs.rmSync(file + suffix, { force: true })
      },
    }
  }

  test(
    'list, add, update, require, jwt and remove, checked as the page checks them, secrets never printed',
    { timeout: 180_000 },
    async () => {
      const cli = cliDatabase()
      try {
        expect(
          await cli.run([
            'add',
            '--slug',
            'okta',
            '--label',
            'Okta',
            '--issuer',
            'https://acme.okta.com',
            '--client-id',
            'id-1',
            '--client-secret',
            'x',
          ]),
        ).toMatchObject({
          status: 1,
          stderr: expect.stringContaining('There is no admin to log this change under.'),
        })
        const first = createUser(cli.db, { role: 'admin', username: unique('first') })
        const second = createUser(cli.db, { role: 'admin', username: unique('second') })
        const member = createUser(cli.db, { username: unique('member') })
        const segment = createSegment(cli.db, { name: 'Enterprise' })

        const clientSecret = `okta-client-secret-${crypto.randomBytes(8).toString('hex')}`
        const added = await cli.run(
          [
            'add',
            '--slug',
            'okta',
            '--label',
            'Okta',
            '--issuer',
            'https://acme.okta.com',
            '--client-id',
            'id-1',
            '--client-secret-stdin',
            '--segment',
            'Enterprise',
            '--role',
            'product',
            '--link-verified-email',
          ],
          `${clientSecret}\n`,
        )
        expect(added).toMatchObject({ status: 0, stdout: expect.stringContaining('https://community.example.com/sso/oidc/okta/callback') })
        const row = () => cli.db.select().from(oidcProviders).where(eq(oidcProviders.slug, 'okta')).get()!
        expect(row()).toMatchObject({
          label: 'Okta',
          clientSecret,
          role: 'product',
          segmentId: segment.id,
          linkVerifiedEmail: true,
          enabled: true,
        })

        const bad = await cli.run([
          'add',
          '--slug',
          'Bad_Slug',
          '--label',
          'Bad',
          '--issuer',
          'http://idp.example.com',
          '--client-id',
          'x',
          '--client-secret',
          'y',
          '--role',
          'owner',
        ])
        expect(bad.status).toBe(1)
        expect(bad.stderr).toContain('--slug: Use only letters a–z, digits and -.')
        expect(bad.stderr).toContain('--issuer: Use https:// (http:// only for 127.0.0.1, localhost or ::1).')
        expect(bad.stderr).toContain('--role: Choose a role.')
        expect(
          await cli.run([
            'add',
            '--slug',
            'okta',
            '--label',
            'Again',
            '--issuer',
            'https://acme.okta.com',
            '--client-id',
            'x',
            '--client-secret',
            'y',
          ]),
        ).toMatchObject({
          status: 1,
          stderr: expect.stringContaining('--slug: A provider with the short name "okta" exists.'),
        })
        expect(
          await cli.run([
            'add',
            '--slug',
            'local',
            '--label',
            'Local',
            '--issuer',
            'http://127.0.0.1:9400',
            '--client-id',
            'x',
            '--client-secret',
            'y',
            '--segment',
            'Nope',
          ]),
        ).toMatchObject({
          status: 1,
          stderr: expect.stringContaining('--segment: there is no segment named "Nope".'),
        })

        expect(
          await cli.run(['update', 'okta', '--label', 'Okta SSO', '--no-segment', '--disabled', '--as', second.username]),
        ).toMatchObject({ status: 0 })
        expect(row()).toMatchObject({ label: 'Okta SSO', clientSecret, segmentId: null, enabled: false, role: 'product' })
        expect(await cli.run(['update', 'okta', '--as', member.username])).toMatchObject({
          status: 1,
          stderr: expect.stringContaining('is not an admin'),
        })
        expect(await cli.run(['update', 'nope', '--label', 'x'])).toMatchObject({
          status: 1,
          stderr: expect.stringContaining('There is no provider "nope"'),
        })

        expect(await cli.run(['require', 'staff'])).toMatchObject({
          status: 1,
          stderr: expect.stringContaining('Add and enable an identity provider first'),
        })
        expect(await cli.run(['update', 'okta', '--enabled'])).toMatchObject({ status: 0 })
        expect(await cli.run(['require', 'everyone', '--break-glass', `${first.username},${member.username}`])).toMatchObject({
          status: 1,
          stderr: expect.stringContaining(`--break-glass: “${member.username}” is not an admin.`),
        })
        expect(await cli.run(['require', 'everyone', '--break-glass', first.username])).toMatchObject({ status: 0 })
        expect(getSetting(cli.db, 'ssoPolicy')).toEqual({ require: 'everyone', breakGlass: [first.username] })
        expect(await cli.run(['require', 'sometimes'])).toMatchObject({ status: 1 })
        expect(await cli.run(['update', 'okta', '--disabled'])).toMatchObject({
          status: 1,
          stderr: expect.stringContaining('last enabled provider'),
        })
        expect(await cli.run(['remove', 'okta'])).toMatchObject({ status: 1, stderr: expect.stringContaining('last enabled provider') })

        expect(await cli.run(['jwt', '--audience', 'acme-app'])).toMatchObject({ status: 1, stderr: expect.stringContaining('Give a key') })
        expect(await cli.run(['jwt', '--secret-stdin'], 'short\n')).toMatchObject({
          status: 1,
          stderr: expect.stringContaining('--secret-stdin: Use at least 32 characters.'),
        })
        const generated = await cli.run(['jwt', '--audience', 'acme-app', '--generate-secret'])
        expect(generated.status).toBe(0)
        const stored = getSetting(cli.db, 'jwtSso')
        expect(stored).toMatchObject({ enabled: true, audience: 'acme-app', jwksUrl: null })
        expect(generated.stdout).toContain(stored.secret!)
        const pasted = `pasted-shared-secret-${crypto.randomBytes(16).toString('hex')}`
        const fromStdin = await cli.run(['jwt', '--secret-stdin'], `${pasted}\n`)
        expect(fromStdin.status).toBe(0)
        expect(fromStdin.output).not.toContain(pasted)
        expect(getSetting(cli.db, 'jwtSso')).toMatchObject({ enabled: true, audience: 'acme-app', secret: pasted })
        expect(await cli.run(['jwt', '--generate-secret', '--jwks-url', 'https://app.example/jwks'])).toMatchObject({ status: 1 })
        expect(await cli.run(['jwt', '--jwks-url', 'https://app.example/jwks', '--disable'])).toMatchObject({ status: 0 })
        expect(getSetting(cli.db, 'jwtSso')).toEqual({
          enabled: false,
          audience: 'acme-app',
          secret: null,
          jwksUrl: 'https://app.example/jwks',
        })

        const listed = await cli.run(['list'])
        expect(listed.status).toBe(0)
        expect(listed.stdout).toContain('okta  "Okta SSO"  enabled')
        expect(listed.stdout).toContain('client secret:  set (never shown)')
        expect(listed.stdout).toContain('Single sign-on required: everyone; break-glass accounts: ' + first.username)
        for (const secret of [clientSecret, pasted, stored.secret!]) expect(listed.output).not.toContain(secret)

        // The settings script shows the JWT secret only as "(set)" and leaves these settings to npm run sso.
        await cli.run(['jwt', '--secret-stdin'], `${pasted}\n`)
        const shown = await cli.settings(['jwtSso'])
        expect(shown.stdout).toContain('"secret":"(set)"')
        expect(shown.stdout).not.toContain(pasted)
        const refusedSet = await cli.settings(['ssoPolicy', '{"require":"off","breakGlass":[]}'])
        expect(refusedSet.status).toBe(1)
        expect(refusedSet.stderr).toContain('npm run sso')
        expect(getSetting(cli.db, 'ssoPolicy').require).toBe('everyone')

        expect(await cli.run(['require', 'off'])).toMatchObject({ status: 0 })
        expect(await cli.run(['remove', 'okta'])).toMatchObject({ status: 0 })
        expect(cli.db.select().from(oidcProviders).all()).toEqual([])

        // Every change is logged under the acting admin, and no log row holds a secret.
        const log = cli.db
          .select({ actorId: moderationLog.actorId, action: moderationLog.action })
          .from(moderationLog)
          .orderBy(moderationLog.id)
          .all()
        expect(log[0]).toEqual({ actorId: first.id, action: 'identity_provider.create' })
        expect(log[1]).toEqual({ actorId: second.id, action: 'identity_provider.update' })
        expect(log.at(-1)).toEqual({ actorId: first.id, action: 'identity_provider.delete' })
        const text = JSON.stringify(cli.db.select().from(moderationLog).all())
        for (const secret of [clientSecret, pasted, stored.secret!]) expect(text).not.toContain(secret)
      } finally {
        cli.close()
      }
    },
  )

  test('unknown commands and options are refused with the usage', async () => {
    const cli = cliDatabase()
    try {
      const [none, unknown, wrongOption, bogus] = await Promise.all([
        cli.run([]),
        cli.run(['launch']),
        cli.run(['remove', 'okta', '--audience', 'x']),
        cli.run(['list', '--bogus']),
      ])
      expect(none).toMatchObject({ status: 1, stderr: expect.stringContaining('Usage: npm run sso') })
      expect(unknown).toMatchObject({ status: 1, stderr: expect.stringContaining('Usage: npm run sso') })
      expect(wrongOption).toMatchObject({ status: 1, stderr: expect.stringContaining('remove takes no --audience') })
      expect(bogus).toMatchObject({ status: 1, stderr: expect.stringContaining("Unknown option '--bogus'") })
      expect(setSetting(cli.db, 'email', { enabled: true }).ok).toBe(true) // the file is a working database
    } finally {
      cli.close()
    }
  })
})
