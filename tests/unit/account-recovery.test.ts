/**
 * E-mail verification and password reset (app/models/account-recovery.server.ts) on a real SQLite
 * file: single use, expiry, only hashes stored, the same answer for unknown addresses, the limits,
 * every session ended by a reset, and unverified members' posts held per the setting.
 */
import { and, desc, eq, isNull, sql } from 'drizzle-orm'
import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import { accountTokens, emailOutbox, ideas, moderationLog, users } from '#db/schema'
import { countSessions, startSession } from '~/lib/auth.server'
import { getDb } from '~/lib/db.server'
import { RateLimitedError } from '~/lib/errors'
import { verifyPassword } from '~/lib/password.server'
import { PASSWORD_RESET_IP_LIMIT, PASSWORD_RESET_LIMIT, recordHits, VERIFICATION_EMAIL_LIMIT } from '~/lib/rate-limit.server'
import type { MailMessage, MailTransport } from '~/lib/mailer.server'
import {
  accountTokenHash,
  checkAccountToken,
  issuePasswordResetLink,
  requestPasswordReset,
  resendEmailVerification,
  resetPassword,
  RESET_PASSWORD_TTL_MS,
  verifyEmail,
  VERIFY_EMAIL_TTL_MS,
} from '~/models/account-recovery.server'
import { deliverDueEmails, SENT_LINK_REMOVED } from '~/models/email-worker.server'
import { setSetting } from '~/models/settings.server'
import { attemptLogin, signUp } from '~/models/users.server'
import { action as forgotAction } from '~/routes/forgot-password'
import { action as resetAction, loader as resetLoader } from '~/routes/reset-password.$token'
import { action as adminUserAction, loader as adminUserLoader } from '~/routes/admin.users.$userId'
import { action as settingsAction } from '~/routes/settings'
import { action as verifyAction, loader as verifyLoader } from '~/routes/verify-email.$token'
import { createTestIdea, createUser, unique } from '#tests/factories'
import { formRequest, getRequest, settle } from '#tests/route-helpers'

const db = () => getDb()
const NEW_PASSWORD = 'saffron-kettle-harbour-19'
const MINUTE = 60_000

beforeEach(() => {
  setSetting(db(), 'email', { enabled: true })
  setSetting(db(), 'emailVerification', { holdUnverifiedPosts: true })
})
afterEach(() => {
  setSetting(db(), 'email', { enabled: false })
})

/** The outbox rows of one member, newest first. */
function outboxFor(userId: number) {
  return db().select().from(emailOutbox).where(eq(emailOutbox.userId, userId)).orderBy(desc(emailOutbox.id)).all()
}

/** The token in the newest e-mail of this kind to the member. */
function tokenFromEmail(userId: number, kind: 'verify_email' | 'password_reset') {
  const row = outboxFor(userId).find((r) => r.kind === kind)
  if (!row) throw new Error(`no ${kind} e-mail for member ${userId}`)
  const path = kind === 'verify_email' ? 'verify-email' : 'reset-password'
  const match = new RegExp(`/${path}/([A-Za-z0-9_.-]+)`).exec(row.bodyText)
  if (!match) throw new Error(`no link in ${row.bodyText}`)
  return match[1]!
}

async function signUpMember(now = new Date()) {
  const username = unique('new')
  const result = await signUp(db(), {
    username,
    email: `${username}@example.com`,
    password: 'quiet-violet-pebble-42',
    ip: unique('198.51.100.'),
    now,
  })
  if (!result.ok) throw new Error(result.message)
  return { id: result.userId, username, email: `${username}@example.com` }
}

/** Every text value in every table of the database, to look for a raw token. */
function wholeDatabaseText() {
  const tables = db().all<{ name: string }>(sql`select name from sqlite_master where type = 'table' and name not like 'sqlite_%'`)
  return tables
    .map(({ name }) =>
      JSON.stringify(
        db()
          .$client.prepare(`select * from "${name.replaceAll('"', '""')}"`)
          .all(),
      ),
    )
    .join('\n')
}

function fakeTransport() {
  const sent: MailMessage[] = []
  const transport: MailTransport = { name: 'log', send: async (message) => void sent.push(message) }
  return { transport, sent }
}

describe('e-mail verification', () => {
  test('a password sign-up starts unverified and gets one link by e-mail; accounts made otherwise count as verified', async () => {
    const member = await signUpMember()
    expect(db().select({ at: users.emailVerifiedAt }).from(users).where(eq(users.id, member.id)).get()!.at).toBeNull()
    const [mail] = outboxFor(member.id)
    expect(mail).toMatchObject({ kind: 'verify_email', toAddress: member.email, sentAt: null })
    expect(mail!.subject).toMatch(/Confirm your e-mail address$/)
    expect(mail!.bodyText).toContain('http://localhost:3000/verify-email/')

    const made = createUser(db())
    expect(db().select({ at: users.emailVerifiedAt }).from(users).where(eq(users.id, made.id)).get()!.at).not.toBeNull()
  })

  test('the link verifies once; a second use, a forged or a reset token do not', async () => {
    const member = await signUpMember()
    const token = tokenFromEmail(member.id, 'verify_email')
    const forged = `${token.slice(0, -2)}${token.endsWith('AA') ? 'BB' : 'AA'}`
    expect(verifyEmail(db(), { token: forged })).toEqual({ ok: false, reason: 'invalid' })
    expect(checkAccountToken(db(), 'reset-password', token)).toEqual({ ok: false, reason: 'invalid' })
    expect(verifyEmail(db(), { token })).toEqual({ ok: true, userId: member.id })
    expect(db().select({ at: users.emailVerifiedAt }).from(users).where(eq(users.id, member.id)).get()!.at).not.toBeNull()
    expect(verifyEmail(db(), { token })).toEqual({ ok: false, reason: 'used' })
  })

  test('the link expires after 48 hours', async () => {
    const now = new Date()
    const member = await signUpMember(now)
    const token = tokenFromEmail(member.id, 'verify_email')
    expect(checkAccountToken(db(), 'verify-email', token, new Date(now.getTime() + VERIFY_EMAIL_TTL_MS - MINUTE)).ok).toBe(true)
    expect(verifyEmail(db(), { token, now: new Date(now.getTime() + VERIFY_EMAIL_TTL_MS) })).toEqual({ ok: false, reason: 'expired' })
  })

  test('"send the link again" replaces the older link and is limited per member', async () => {
    const member = await signUpMember()
    const first = tokenFromEmail(member.id, 'verify_email')
    expect(resendEmailVerification(db(), { userId: member.id })).toBe('sent')
    const second = tokenFromEmail(member.id, 'verify_email')
    expect(second).not.toBe(first)
    expect(checkAccountToken(db(), 'verify-email', first)).toEqual({ ok: false, reason: 'invalid' })
    // The sign-up's e-mail counts too: VERIFICATION_EMAIL_LIMIT in all per hour.
    for (let i = 2; i < VERIFICATION_EMAIL_LIMIT.limit; i++) expect(resendEmailVerification(db(), { userId: member.id })).toBe('sent')
    expect(() => resendEmailVerification(db(), { userId: member.id })).toThrow(RateLimitedError)
    expect(outboxFor(member.id)).toHaveLength(VERIFICATION_EMAIL_LIMIT.limit)
  })

  test('a verified member, or a site without e-mail, gets no link', async () => {
    const verified = createUser(db())
    expect(resendEmailVerification(db(), { userId: verified.id })).toBe('already-verified')
    const member = await signUpMember()
    setSetting(db(), 'email', { enabled: false })
    expect(resendEmailVerification(db(), { userId: member.id })).toBe('email-off')
    expect(outboxFor(member.id)).toHaveLength(1)
  })

  test('the settings page sends the link again, and answers 429 over the limit', async () => {
    const member = await signUpMember()
    recordHits(
      db(),
      Array.from({ length: VERIFICATION_EMAIL_LIMIT.limit - 2 }, () => `verify:user:${member.id}`),
    )
    const send = async () =>
      settle(async () =>
        settingsAction({
          request: await formRequest('/settings', { intent: 'resend-verification' }, { userId: member.id }),
          params: {},
          context: {},
        }),
      )
    expect(await send()).toMatchObject({ status: 302, location: '/settings?done=verification-sent#account-title' })
    const refused = await send()
    expect(refused).toMatchObject({ status: 429, body: { intent: 'resend-verification' } })
    expect(refused.headers.get('Retry-After')).toMatch(/^\d+$/)
    expect((refused.body as { formErrors: string[] }).formErrors[0]).toMatch(
      /^You asked for several verification links already\. Try again in/,
    )
  })

  test('the verification page changes nothing when opened; its button verifies once', async () => {
    const member = await signUpMember()
    const token = tokenFromEmail(member.id, 'verify_email')
    const path = `/verify-email/${token}`
    const params = { token }
    expect(await settle(async () => verifyLoader({ request: await getRequest(path), params, context: {} }))).toMatchObject({
      status: 200,
      body: { state: 'ok' },
    })
    expect(db().select({ at: users.emailVerifiedAt }).from(users).where(eq(users.id, member.id)).get()!.at).toBeNull()
    expect(await settle(async () => verifyAction({ request: await formRequest(path, {}), params, context: {} }))).toMatchObject({
      status: 200,
      body: { state: 'verified' },
    })
    expect(await settle(async () => verifyAction({ request: await formRequest(path, {}), params, context: {} }))).toMatchObject({
      status: 410,
      body: { state: 'used' },
    })
    expect(
      await settle(async () =>
        verifyAction({ request: await formRequest(path, {}, { origin: 'https://evil.example' }), params, context: {} }),
      ),
    ).toMatchObject({ status: 403 })
  })
})

describe('unverified members’ posts', () => {
  const heldReason = (ideaId: number) => db().select({ r: ideas.hiddenReason }).from(ideas).where(eq(ideas.id, ideaId)).get()!.r

  test('wait for review while the setting is on and e-mail is on; not once verified', async () => {
    const member = await signUpMember()
    expect(heldReason(createTestIdea(db(), { authorId: member.id }).id)).toBe('premoderation')
    expect(heldReason(createTestIdea(db(), { authorId: member.id }).id)).toBe('premoderation')
    verifyEmail(db(), { token: tokenFromEmail(member.id, 'verify_email') })
    expect(heldReason(createTestIdea(db(), { authorId: member.id }).id)).toBeNull()
  })

  test('are published at once with the setting off, or without site e-mail', async () => {
    const member = await signUpMember()
    setSetting(db(), 'emailVerification', { holdUnverifiedPosts: false })
    expect(heldReason(createTestIdea(db(), { authorId: member.id }).id)).toBeNull()
    setSetting(db(), 'emailVerification', { holdUnverifiedPosts: true })
    setSetting(db(), 'email', { enabled: false })
    expect(heldReason(createTestIdea(db(), { authorId: member.id }).id)).toBeNull()
  })
})

describe('password reset', () => {
  test('an unknown address gets the same answer and nothing is queued or stored', async () => {
    const before = db()
      .select({ n: sql<number>`count(*)` })
      .from(emailOutbox)
      .get()!.n
    const tokensBefore = db()
      .select({ n: sql<number>`count(*)` })
      .from(accountTokens)
      .get()!.n
    expect(requestPasswordReset(db(), { email: `${unique('nobody')}@example.com`, ip: unique('192.0.2.') })).toBeUndefined()
    expect(
      db()
        .select({ n: sql<number>`count(*)` })
        .from(emailOutbox)
        .get()!.n,
    ).toBe(before)
    expect(
      db()
        .select({ n: sql<number>`count(*)` })
        .from(accountTokens)
        .get()!.n,
    ).toBe(tokensBefore)

    const member = createUser(db())
    expect(requestPasswordReset(db(), { email: member.email.toUpperCase(), ip: unique('192.0.2.') })).toBeUndefined()
    expect(outboxFor(member.id)[0]).toMatchObject({ kind: 'password_reset', toAddress: member.email })
  })

  test('the forgot-password page answers the same redirect for a known and an unknown address', async () => {
    const member = createUser(db())
    const post = async (email: string) =>
      settle(async () =>
        forgotAction({ request: await formRequest('/forgot-password', { email }), params: {}, context: { clientIp: unique('192.0.2.') } }),
      )
    const known = await post(member.email)
    const unknown = await post(`${unique('nobody')}@example.com`)
    expect(known).toMatchObject({ status: 302, location: '/forgot-password?sent=1' })
    expect(unknown).toMatchObject({ status: 302, location: '/forgot-password?sent=1' })
    expect(await post('not an address')).toMatchObject({
      status: 400,
      body: { fields: { email: 'not an address' }, fieldErrors: { email: ['Enter an e-mail address.'] } },
    })
  })

  test('only the token’s SHA-256 is stored, and the sent e-mail loses its link', async () => {
    const member = createUser(db())
    requestPasswordReset(db(), { email: member.email, ip: unique('192.0.2.') })
    const token = tokenFromEmail(member.id, 'password_reset')
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}\.[A-Za-z0-9_-]{43}$/)
    const row = db()
      .select()
      .from(accountTokens)
      .where(and(eq(accountTokens.userId, member.id), isNull(accountTokens.usedAt)))
      .get()!
    expect(row).toMatchObject({ purpose: 'reset-password', tokenHash: accountTokenHash(token) })
    expect(row.tokenHash).toMatch(/^[0-9a-f]{64}$/)

    // Until it is sent, the e-mail in the outbox is the only place the link is.
    db()
      .update(emailOutbox)
      .set({ sentAt: new Date() })
      .where(and(isNull(emailOutbox.sentAt), sql`${emailOutbox.userId} is not ${member.id}`))
      .run()
    const { transport, sent } = fakeTransport()
    await deliverDueEmails(db(), transport)
    expect(sent.find((m) => m.to === member.email)!.text).toContain(`/reset-password/${token}`)
    expect(sent.find((m) => m.to === member.email)!.headers['List-Unsubscribe']).toBeUndefined()
    expect(outboxFor(member.id)[0]!.bodyText).toBe(SENT_LINK_REMOVED)
    expect(wholeDatabaseText()).not.toContain(token)
    expect(wholeDatabaseText()).not.toContain(token.split('.')[0]!)
  })

  test('a reset sets the password, ends every session and works once', async () => {
    const member = createUser(db())
    await startSession(member.id)
    await startSession(member.id)
    expect(countSessions(db(), member.id)).toBe(2)
    requestPasswordReset(db(), { email: member.email, ip: unique('192.0.2.') })
    const token = tokenFromEmail(member.id, 'password_reset')

    expect(await resetPassword(db(), { token, password: NEW_PASSWORD })).toEqual({ ok: true, userId: member.id })
    expect(countSessions(db(), member.id)).toBe(0)
    const hash = db().select({ h: users.passwordHash }).from(users).where(eq(users.id, member.id)).get()!.h
    expect(await verifyPassword(hash, NEW_PASSWORD)).toBe(true)
    expect(await verifyPassword(hash, member.password)).toBe(false)
    expect(await resetPassword(db(), { token, password: 'another-fine-password-7' })).toEqual({ ok: false, reason: 'used' })
    expect(await attemptLogin(db(), { identifier: member.username, password: NEW_PASSWORD, ip: unique('192.0.2.') })).toEqual({
      ok: true,
      userId: member.id,
    })
  })

  test('two posts of one link at once: one wins', async () => {
    const member = createUser(db())
    const { path } = issuePasswordResetLink(db(), { actorId: createUser(db(), { role: 'admin' }).id, userId: member.id })
    const token = path.split('/').pop()!
    const results = await Promise.all([
      resetPassword(db(), { token, password: NEW_PASSWORD }),
      resetPassword(db(), { token, password: 'another-fine-password-7' }),
    ])
    expect(results.filter((r) => r.ok)).toHaveLength(1)
    expect(results.filter((r) => !r.ok)).toEqual([{ ok: false, reason: 'used' }])
  })

  test('the link expires after 1 hour', async () => {
    const now = new Date()
    const member = createUser(db())
    requestPasswordReset(db(), { email: member.email, ip: unique('192.0.2.'), now })
    const token = tokenFromEmail(member.id, 'password_reset')
    expect(checkAccountToken(db(), 'reset-password', token, new Date(now.getTime() + RESET_PASSWORD_TTL_MS - MINUTE)).ok).toBe(true)
    expect(await resetPassword(db(), { token, password: NEW_PASSWORD, now: new Date(now.getTime() + RESET_PASSWORD_TTL_MS) })).toEqual({
      ok: false,
      reason: 'expired',
    })
  })

  test('asking again makes the older unused link stop working', async () => {
    const member = createUser(db())
    requestPasswordReset(db(), { email: member.email, ip: unique('192.0.2.') })
    const older = tokenFromEmail(member.id, 'password_reset')
    requestPasswordReset(db(), { email: member.email, ip: unique('192.0.2.') })
    const newer = tokenFromEmail(member.id, 'password_reset')
    expect(await resetPassword(db(), { token: older, password: NEW_PASSWORD })).toEqual({ ok: false, reason: 'invalid' })
    expect(await resetPassword(db(), { token: newer, password: NEW_PASSWORD })).toMatchObject({ ok: true })
  })

  test('a weak password is refused by the sign-up rules and the link stays usable', async () => {
    const member = createUser(db())
    requestPasswordReset(db(), { email: member.email, ip: unique('192.0.2.') })
    const token = tokenFromEmail(member.id, 'password_reset')
    expect(await resetPassword(db(), { token, password: 'short' })).toMatchObject({ ok: false, field: 'password' })
    expect(await resetPassword(db(), { token, password: `${member.username}-is-my-password` })).toEqual({
      ok: false,
      field: 'password',
      message: 'Your password must not contain your username.',
    })
    expect(checkAccountToken(db(), 'reset-password', token).ok).toBe(true)
  })

  test('requests are limited per address, known or not, and per IP address', () => {
    const member = createUser(db())
    for (const email of [member.email, `${unique('nobody')}@example.com`]) {
      for (let i = 0; i < PASSWORD_RESET_LIMIT.limit; i++) requestPasswordReset(db(), { email, ip: unique('192.0.2.') })
      expect(() => requestPasswordReset(db(), { email, ip: unique('192.0.2.') })).toThrow(
        /^Several reset links were asked for this address already\./,
      )
    }
    const ip = unique('192.0.2.')
    for (let i = 0; i < PASSWORD_RESET_IP_LIMIT.limit; i++) requestPasswordReset(db(), { email: `${unique('any')}@example.com`, ip })
    expect(() => requestPasswordReset(db(), { email: `${unique('any')}@example.com`, ip })).toThrow(
      /^Too many password resets were asked from your network\./,
    )
  })

  test('nothing is queued while site e-mail is off, but an admin’s link works and is logged', async () => {
    setSetting(db(), 'email', { enabled: false })
    const member = createUser(db())
    const admin = createUser(db(), { role: 'admin' })
    requestPasswordReset(db(), { email: member.email, ip: unique('192.0.2.') })
    expect(outboxFor(member.id)).toHaveLength(0)
    const { path } = issuePasswordResetLink(db(), { actorId: admin.id, userId: member.id })
    expect(wholeDatabaseText()).not.toContain(path.split('/').pop()!)
    const log = db()
      .select()
      .from(moderationLog)
      .where(and(eq(moderationLog.action, 'issue_password_reset'), eq(moderationLog.targetId, member.id)))
      .all()
    expect(log).toHaveLength(1)
    expect(log[0]).toMatchObject({ actorId: admin.id, targetType: 'user' })
    expect(await resetPassword(db(), { token: path.split('/').pop()!, password: NEW_PASSWORD })).toMatchObject({ ok: true })
  })

  test('the reset page: 400 with the fields kept, 410 for a used link, then the log-in page', async () => {
    const member = createUser(db())
    const { path } = issuePasswordResetLink(db(), { actorId: createUser(db(), { role: 'admin' }).id, userId: member.id })
    const token = path.split('/').pop()!
    const params = { token }
    expect(await settle(async () => resetLoader({ request: await getRequest(path), params, context: {} }))).toMatchObject({
      status: 200,
      body: { state: 'ok', username: member.username },
    })
    const differ = await settle(async () =>
      resetAction({
        request: await formRequest(path, { password: NEW_PASSWORD, confirmPassword: 'something-else-entirely' }),
        params,
        context: {},
      }),
    )
    expect(differ).toMatchObject({ status: 400, body: { fieldErrors: { confirmPassword: ['The two passwords differ.'] } } })
    const done = await settle(async () =>
      resetAction({ request: await formRequest(path, { password: NEW_PASSWORD, confirmPassword: NEW_PASSWORD }), params, context: {} }),
    )
    expect(done).toMatchObject({ status: 302, location: '/login?done=password-reset' })
    expect(await settle(async () => resetLoader({ request: await getRequest(path), params, context: {} }))).toMatchObject({
      status: 410,
      body: { state: 'used' },
    })
    expect(
      await settle(async () =>
        resetLoader({ request: await getRequest('/reset-password/nonsense'), params: { token: 'nonsense' }, context: {} }),
      ),
    ).toMatchObject({
      status: 404,
      body: { state: 'invalid' },
    })
  })

  test('only admins make a reset link on /admin/users/:id, shown once in the answer', async () => {
    const member = createUser(db())
    const moderator = createUser(db(), { role: 'moderator' })
    const admin = createUser(db(), { role: 'admin' })
    const path = `/admin/users/${member.id}`
    const params = { userId: String(member.id) }
    const post = async (userId: number) =>
      settle(async () =>
        adminUserAction({ request: await formRequest(path, { intent: 'issue-reset-link' }, { userId }), params, context: {} }),
      )
    const tokensOf = () => db().select().from(accountTokens).where(eq(accountTokens.userId, member.id)).all()
    expect((await post(moderator.id)).status).toBe(403)
    expect(tokensOf()).toHaveLength(0)
    const issued = await post(admin.id)
    expect(issued).toMatchObject({ status: 200, body: { intent: 'issue-reset-link' } })
    const link = (issued.body as { resetLink: string }).resetLink
    expect(link).toMatch(/^http:\/\/localhost:3000\/reset-password\/[A-Za-z0-9_-]{43}\.[A-Za-z0-9_-]{43}$/)
    expect(tokensOf()).toHaveLength(1)
    const page = await settle(async () => adminUserLoader({ request: await getRequest(path, { userId: admin.id }), params, context: {} }))
    expect(page.status).toBe(200)
    expect(JSON.stringify(page.body)).not.toContain(link.split('/').pop()!)
    expect(page.body).toMatchObject({ mayIssueResetLink: true })
  })
})
