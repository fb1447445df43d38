import { describe, expect, test } from 'vitest'
import { getUser } from '~/lib/auth.server'
import { getDb } from '~/lib/db.server'
import { LOGIN_IP_LIMIT, recordHits } from '~/lib/rate-limit.server'
import { action as loginAction } from '~/routes/login'
import { action as logoutAction } from '~/routes/logout'
import { action as settingsAction } from '~/routes/settings'
import { action as signupAction } from '~/routes/signup'
import { createUser, unique } from '#tests/factories'
import { formRequest, settle } from '#tests/route-helpers'

const args = (request: Request, clientIp = unique('10.0.0.')) => ({ request, params: {}, context: { clientIp } })

function sessionFrom(setCookie: string | null) {
  const value = setCookie?.match(/^summit_session=([^;]+)/)?.[1]
  return new Request('http://localhost:3000/', { headers: value ? { Cookie: `summit_session=${value}` } : {} })
}

describe('signup', () => {
  test('creates a member, logs them in and goes where they were going', async () => {
    const username = unique('new')
    const request = await formRequest('/signup', {
      username: username.toUpperCase(),
      email: `${username}@Example.COM`,
      password: 'a-long-enough-passphrase',
      redirectTo: '/ideas',
    })
    const res = await settle(() => signupAction(args(request)))
    expect(res.status).toBe(302)
    expect(res.location).toBe('/ideas')
    const viewer = await getUser(sessionFrom(res.headers.get('Set-Cookie')))
    expect(viewer).toMatchObject({ username, role: 'member', reputation: 1 })
  })

  test('bad input is a 400 with a message per field, keeping what was typed but never the password', async () => {
    const request = await formRequest('/signup', { username: 'x!', email: 'not-an-email', password: 'short' })
    const tooShort = await formRequest('/signup', { username: 'x', email: 'x@example.com', password: 'a-long-enough-passphrase' })
    expect(await settle(() => signupAction(args(tooShort)))).toMatchObject({
      status: 400,
      body: { fieldErrors: { username: ['Use at least 2 characters.'] } },
    })
    const res = await settle(() => signupAction(args(request)))
    expect(res).toMatchObject({
      status: 400,
      body: {
        fields: { username: 'x!', email: 'not-an-email' },
        fieldErrors: {
          username: ['Use only letters, digits, - and _.'],
          email: ['Enter an e-mail address.'],
          password: ['Use at least 10 characters.'],
        },
      },
    })
    expect((res.body as { fields: Record<string, string> }).fields).not.toHaveProperty('password')
  })

  test('a common password is refused with a clear message', async () => {
    const username = unique('pw')
    const request = await formRequest('/signup', { username, email: `${username}@example.com`, password: 'password123' })
    const res = await settle(() => signupAction(args(request)))
    expect(res).toMatchObject({
      status: 400,
      body: { fieldErrors: { password: ['This password is too common. Pick something less guessable.'] } },
    })
  })

  test('a taken username or e-mail is a 400 on that field', async () => {
    const existing = createUser(getDb())
    const byName = await formRequest('/signup', {
      username: existing.username,
      email: `${unique('x')}@example.com`,
      password: 'a-long-enough-passphrase',
    })
    expect(await settle(() => signupAction(args(byName)))).toMatchObject({
      status: 400,
      body: { fieldErrors: { username: ['This username is taken.'] } },
    })
    const byEmail = await formRequest('/signup', {
      username: unique('y'),
      email: existing.email.toUpperCase(),
      password: 'a-long-enough-passphrase',
    })
    expect(await settle(() => signupAction(args(byEmail)))).toMatchObject({
      status: 400,
      body: { fieldErrors: { email: ['An account with this e-mail exists. Log in instead.'] } },
    })
  })

  test('an 11th sign-up from one address within the hour is a 429', async () => {
    const ip = unique('192.0.2.')
    for (let i = 0; i < 10; i++) {
      const name = unique('burst')
      const request = await formRequest('/signup', { username: name, email: `${name}@example.com`, password: 'a-long-enough-passphrase' })
      expect((await settle(() => signupAction(args(request, ip)))).status).toBe(302)
    }
    const name = unique('burst')
    const request = await formRequest('/signup', { username: name, email: `${name}@example.com`, password: 'a-long-enough-passphrase' })
    const res = await settle(() => signupAction(args(request, ip)))
    expect(res.status).toBe(429)
    expect(res.headers.get('Retry-After')).toMatch(/^\d+$/)
    expect(res.body).toMatchObject({
      formErrors: [expect.stringMatching(/^Too many sign-ups from your network\. Try again in/)],
      fields: { username: name },
    })
  })

  test('a cross-site POST is refused with 403 before anything happens', async () => {
    const name = unique('csrf')
    const request = await formRequest(
      '/signup',
      { username: name, email: `${name}@example.com`, password: 'a-long-enough-passphrase' },
      { origin: 'https://evil.example' },
    )
    expect((await settle(() => signupAction(args(request)))).status).toBe(403)
    const noOrigin = await formRequest(
      '/signup',
      { username: name, email: `${name}@example.com`, password: 'a-long-enough-passphrase' },
      { origin: null },
    )
    expect((await settle(() => signupAction(args(noOrigin)))).status).toBe(403)
  })

  test('a Referer from our own site is accepted when Origin is missing', async () => {
    const name = unique('ref')
    const request = await formRequest(
      '/signup',
      { username: name, email: `${name}@example.com`, password: 'a-long-enough-passphrase' },
      { origin: null, headers: { Referer: 'http://localhost:3000/signup' } },
    )
    expect((await settle(() => signupAction(args(request)))).status).toBe(302)
  })

  test('an oversized body is a 413', async () => {
    const request = await formRequest('/signup', { username: 'x'.repeat(300_000), email: 'a@example.com', password: 'x' })
    expect((await settle(() => signupAction(args(request)))).status).toBe(413)
  })
})

describe('login', () => {
  test('by username or e-mail, in any case; redirectTo is kept on our own site', async () => {
    const user = createUser(getDb())
    for (const identifier of [user.username, user.email.toUpperCase()]) {
      const request = await formRequest('/login', { identifier, password: user.password, redirectTo: '//evil.example' })
      const res = await settle(() => loginAction(args(request)))
      expect(res.status).toBe(302)
      expect(res.location).toBe('/')
      expect(await getUser(sessionFrom(res.headers.get('Set-Cookie')))).toMatchObject({ id: user.id })
    }
  })

  test('a wrong password is a 400 that keeps the username and never says which part was wrong', async () => {
    const user = createUser(getDb())
    const request = await formRequest('/login', { identifier: user.username, password: 'wrong-password!' })
    const res = await settle(() => loginAction(args(request)))
    expect(res).toMatchObject({
      status: 400,
      body: { fields: { identifier: user.username }, fieldErrors: { password: ['Wrong username, e-mail or password.'] } },
    })
    const unknown = await formRequest('/login', { identifier: unique('nobody'), password: 'wrong-password!' })
    expect(await settle(() => loginAction(args(unknown)))).toMatchObject({
      status: 400,
      body: { fieldErrors: { password: ['Wrong username, e-mail or password.'] } },
    })
  })

  test('the 11th failed attempt on one account is refused with 429, even from another address and with the right password', async () => {
    const user = createUser(getDb())
    for (let i = 0; i < 10; i++) {
      const request = await formRequest('/login', { identifier: user.username, password: `wrong-${i}-password` })
      expect((await settle(() => loginAction(args(request)))).status).toBe(400)
    }
    const request = await formRequest('/login', { identifier: user.username, password: user.password })
    const res = await settle(() => loginAction(args(request)))
    expect(res.status).toBe(429)
    expect(res.body).toMatchObject({
      formErrors: [expect.stringMatching(/^Too many failed log-in attempts for this account\. Try again in \d+ minutes?\.$/)],
      fields: { identifier: user.username },
    })
  })

  test('failures from one address are limited across accounts, at the per-address limit', async () => {
    const ip = unique('198.51.100.')
    recordHits(
      getDb(),
      Array.from({ length: LOGIN_IP_LIMIT.limit - 1 }, () => `login:ip:${ip}`),
    )
    const ghost = await formRequest('/login', { identifier: unique('ghost'), password: 'wrong-password!' })
    expect((await settle(() => loginAction(args(ghost, ip)))).status).toBe(400)
    const user = createUser(getDb())
    const res = await settle(async () =>
      loginAction(args(await formRequest('/login', { identifier: user.username, password: user.password }), ip)),
    )
    expect(res.status).toBe(429)
    expect(res.body).toMatchObject({ formErrors: [expect.stringMatching(/^Too many failed log-in attempts from your network\./)] })
  })

  test('a successful login clears the account’s earlier failures', async () => {
    const user = createUser(getDb())
    for (let i = 0; i < 9; i++) {
      await settle(async () => loginAction(args(await formRequest('/login', { identifier: user.username, password: 'nope-nope-nope' }))))
    }
    await settle(async () => loginAction(args(await formRequest('/login', { identifier: user.username, password: user.password }))))
    for (let i = 0; i < 9; i++) {
      const res = await settle(async () =>
        loginAction(args(await formRequest('/login', { identifier: user.username, password: 'nope-nope-nope' }))),
      )
      expect(res.status).toBe(400)
    }
  })
})

describe('settings and logout', () => {
  test('changing the password needs the current one, ends other sessions and keeps this browser logged in', async () => {
    const user = createUser(getDb())
    const wrong = await formRequest(
      '/settings',
      {
        intent: 'change-password',
        currentPassword: 'not-my-password',
        newPassword: 'another-fine-passphrase',
        confirmPassword: 'another-fine-passphrase',
      },
      { userId: user.id },
    )
    expect(await settle(() => settingsAction(args(wrong)))).toMatchObject({
      status: 400,
      body: { intent: 'change-password', fieldErrors: { currentPassword: ['Your current password is not right.'] } },
    })

    const mismatch = await formRequest(
      '/settings',
      { intent: 'change-password', currentPassword: user.password, newPassword: 'another-fine-passphrase', confirmPassword: 'different' },
      { userId: user.id },
    )
    expect(await settle(() => settingsAction(args(mismatch)))).toMatchObject({
      status: 400,
      body: { fieldErrors: { confirmPassword: ['The two passwords differ.'] } },
    })

    const otherBrowser = await formRequest('/settings', {}, { userId: user.id })
    const ok = await formRequest(
      '/settings',
      {
        intent: 'change-password',
        currentPassword: user.password,
        newPassword: 'another-fine-passphrase',
        confirmPassword: 'another-fine-passphrase',
      },
      { userId: user.id },
    )
    const res = await settle(() => settingsAction(args(ok)))
    expect(res).toMatchObject({ status: 302, location: '/settings?done=password' })
    expect(await getUser(sessionFrom(res.headers.get('Set-Cookie')))).toMatchObject({ id: user.id })
    expect(await getUser(new Request('http://localhost:3000/', { headers: { Cookie: otherBrowser.headers.get('Cookie')! } }))).toBeNull()

    const login = await formRequest('/login', { identifier: user.username, password: 'another-fine-passphrase' })
    expect((await settle(() => loginAction(args(login)))).status).toBe(302)
  })

  test('settings needs a session', async () => {
    const request = await formRequest('/settings', { intent: 'profile', displayName: 'X' })
    expect(await settle(() => settingsAction(args(request)))).toMatchObject({ status: 302, location: '/login?redirectTo=%2Fsettings' })
  })

  test('an unknown intent is a 400, not a 500', async () => {
    const user = createUser(getDb())
    const request = await formRequest('/settings', { intent: 'delete-everything' }, { userId: user.id })
    expect((await settle(() => settingsAction(args(request)))).status).toBe(400)
  })

  test('logout ends the session and clears the cookie', async () => {
    const user = createUser(getDb())
    const request = await formRequest('/logout', {}, { userId: user.id })
    const cookie = request.headers.get('Cookie')!
    const res = await settle(() => logoutAction(args(request)))
    expect(res).toMatchObject({ status: 302, location: '/' })
    expect(res.headers.get('Set-Cookie')).toContain('Max-Age=0')
    expect(await getUser(new Request('http://localhost:3000/', { headers: { Cookie: cookie } }))).toBeNull()
  })
})
