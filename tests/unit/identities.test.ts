/**
 * The rules of outside identities, below any protocol: usernames and names made from claims,
 * finding a member by (issuer, subject) only, the e-mail rules, and never losing the last way in.
 */
import { eq } from 'drizzle-orm'
import { describe, expect, test } from 'vitest'
import { userIdentities, users } from '#db/schema'
import { getDb } from '~/lib/db.server'
import {
  cleanDisplayName,
  disconnectIdentity,
  type ExternalIdentity,
  IdentityRefusedError,
  type IdentityPolicy,
  listIdentities,
  signInWithIdentity,
  usernameFromClaim,
} from '~/models/identities.server'
import { createUser, unique } from '#tests/factories'

const db = () => getDb()
const POLICY: IdentityPolicy = { label: 'Corp', role: 'member', segmentId: null, linkVerifiedEmail: false }

function identity(overrides: Partial<ExternalIdentity> = {}): ExternalIdentity {
  const subject = unique('sub')
  return {
    issuer: 'https://idp.example',
    subject,
    providerId: null,
    email: `${subject}@corp.example`,
    emailVerified: true,
    name: 'Pat Example',
    preferredUsername: null,
    ...overrides,
  }
}

describe('names from claims', () => {
  test.each([
    ['Ada.Lovelace', 'ada-lovelace'],
    ['José Ñúñez', 'jose-nunez'],
    ['  __x__  ', null],
    ['a', null],
    ['deleted-42', null],
    ['Zoë_Smith', 'zoe_smith'],
    ['名前', null],
    ['a-very-long-username-that-goes-on-and-on', 'a-very-long-username-tha'],
    [null, null],
  ])('usernameFromClaim(%j) is %j', (claim, expected) => {
    expect(usernameFromClaim(claim)).toBe(expected)
  })

  test('display names lose control and format characters and angle brackets, collapse spaces and stop at 50 characters', () => {
    expect(cleanDisplayName('  Pat\u0000 \u202eExample\n\tSmith ')).toBe('Pat Example Smith')
    expect(cleanDisplayName('x'.repeat(80))).toHaveLength(50)
    // The profile form allows no angle brackets in a name; a claim gets the same rule.
    expect(cleanDisplayName('<script>alert(1)</script>')).toBe('scriptalert(1)/script')
    expect(cleanDisplayName(null)).toBe('')
  })

  test('a member without a usable claim is called "member", then member-2 …', () => {
    const first = signInWithIdentity(
      db(),
      identity({ email: `${unique('x')}@corp.example`, name: '名前', preferredUsername: '名前' }),
      POLICY,
    )
    const row = db().select({ username: users.username }).from(users).where(eq(users.id, first.userId)).get()!
    // The e-mail's local part is the second candidate; only when nothing is usable does "member" come.
    expect(row.username).toMatch(/^x[a-z0-9]+$/)
    const none = signInWithIdentity(db(), identity({ email: '名前@corp.example', name: null }), POLICY)
    const second = signInWithIdentity(db(), identity({ email: '名@corp.example', name: null }), POLICY)
    const names = [none.userId, second.userId].map(
      (id) => db().select({ username: users.username }).from(users).where(eq(users.id, id)).get()!.username,
    )
    expect(names[0]).toMatch(/^member(-\d+)?$/)
    expect(names[1]).toMatch(/^member-\d+$/)
    expect(names[0]).not.toBe(names[1])
  })
})

describe('finding and creating members', () => {
  test('the same (issuer, subject) is the same member; the same subject at another issuer is not', () => {
    const id = identity()
    const first = signInWithIdentity(db(), id, POLICY)
    expect(first.created).toBe(true)
    expect(signInWithIdentity(db(), { ...id, email: `${unique('new')}@corp.example` }, POLICY)).toEqual({
      userId: first.userId,
      created: false,
      linked: false,
    })
    expect(() => signInWithIdentity(db(), { ...id, issuer: 'https://other.example' }, POLICY)).toThrow(IdentityRefusedError)
  })

  test('no e-mail claim: a clear 400, nothing created', () => {
    const before = db().select().from(users).all().length
    try {
      signInWithIdentity(db(), identity({ email: null }), POLICY)
      expect.unreachable()
    } catch (error) {
      expect(error).toBeInstanceOf(IdentityRefusedError)
      expect((error as IdentityRefusedError).status).toBe(400)
    }
    expect(db().select().from(users).all()).toHaveLength(before)
  })

  test('an e-mail claim never joins an account unless verified and allowed; e-mails compare case-insensitively', () => {
    const owner = createUser(db(), { email: `${unique('owner')}@example.com` })
    const shouting = owner.email.toUpperCase()
    expect(() => signInWithIdentity(db(), identity({ email: shouting, emailVerified: true }), POLICY)).toThrow(/already exists/)
    expect(() =>
      signInWithIdentity(db(), identity({ email: shouting, emailVerified: false }), { ...POLICY, linkVerifiedEmail: true }),
    ).toThrow(/already exists/)
    expect(db().select().from(userIdentities).where(eq(userIdentities.userId, owner.id)).all()).toEqual([])
    const joined = signInWithIdentity(db(), identity({ email: shouting, emailVerified: true }), { ...POLICY, linkVerifiedEmail: true })
    expect(joined).toEqual({ userId: owner.id, created: false, linked: true })
  })

  test('the last way into an account without a password cannot be disconnected', () => {
    const { userId } = signInWithIdentity(db(), identity(), POLICY)
    const [only] = listIdentities(db(), userId)
    expect(() => disconnectIdentity(db(), userId, only!.id)).toThrow(/only way into your account/)
    signInWithIdentity(db(), identity(), POLICY, { linkUserId: userId })
    expect(listIdentities(db(), userId)).toHaveLength(2)
    disconnectIdentity(db(), userId, only!.id)
    expect(listIdentities(db(), userId)).toHaveLength(1)
    // Someone else's connection is not yours to remove.
    const other = signInWithIdentity(db(), identity(), POLICY)
    const [theirs] = listIdentities(db(), other.userId)
    expect(() => disconnectIdentity(db(), userId, theirs!.id)).toThrow(/not on your account/)
  })
})

describe('deleting an account made through single sign-on', () => {
  test('its export lists its identities; it has no password, so typing its username confirms; its identities go, so the next log-in starts afresh', async () => {
    const { action } = await import('~/routes/settings_.account')
    const { formRequest, settle } = await import('#tests/route-helpers')
    const id = identity()
    const { userId } = signInWithIdentity(db(), id, POLICY)
    const username = db().select({ username: users.username }).from(users).where(eq(users.id, userId)).get()!.username
    const { exportAccountData } = await import('~/models/account-data.server')
    expect(exportAccountData(db(), userId).identities).toEqual([
      { issuer: id.issuer, subject: id.subject, email: id.email, connectedAt: expect.any(Date), lastLoginAt: expect.any(Date) },
    ])
    const wrong = await settle(async () =>
      action({
        request: await formRequest('/settings/account', { posts: 'keep', confirm: 'on', confirmUsername: 'someone-else' }, { userId }),
        params: {},
        context: {},
      }),
    )
    expect(wrong).toMatchObject({
      status: 400,
      body: { fieldErrors: { confirmUsername: [`Type your username, ${username}, to confirm.`] } },
    })
    const done = await settle(async () =>
      action({
        request: await formRequest(
          '/settings/account',
          { posts: 'keep', confirm: 'on', confirmUsername: username.toUpperCase() },
          { userId },
        ),
        params: {},
        context: {},
      }),
    )
    expect(done).toMatchObject({ status: 302, location: '/settings/account?deleted=1' })
    expect(listIdentities(db(), userId)).toEqual([])
    const again = signInWithIdentity(db(), id, POLICY)
    expect(again.created).toBe(true)
    expect(again.userId).not.toBe(userId)
  })
})
