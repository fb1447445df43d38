import { describe, expect, test, vi } from 'vitest'
import { changePassword, countSessions, endSession, getUser, requireUser, safeRedirectPath, startSession } from '~/lib/auth.server'
import { getDb } from '~/lib/db.server'
import { requirePermission, requireRole } from '~/lib/permissions.server'
import { createUser } from '#tests/factories'

function requestWithCookie(value: string | null, url = 'http://localhost:3000/') {
  return new Request(url, { headers: value ? { Cookie: `summit_session=${value}` } : {} })
}

describe('session lifecycle', () => {
  test('a started session identifies its user, with no private fields (only whether the address is verified)', async () => {
    const user = createUser(getDb(), { role: 'product' })
    const cookie = await startSession(user.id)
    const viewer = await getUser(requestWithCookie(cookie.value))
    expect(viewer).toEqual({
      id: user.id,
      username: user.username,
      displayName: user.username,
      role: 'product',
      reputation: 1,
      suspendedUntil: null,
      suspensionReason: null,
      createdAt: expect.any(Date),
      emailVerified: true,
    })
  })

  test('a session is read with its user in one statement, and the user as they are now', async () => {
    const db = getDb()
    const user = createUser(db, { role: 'member' })
    const cookie = await startSession(user.id)
    const prepare = vi.spyOn(db.$client, 'prepare')
    try {
      expect((await getUser(requestWithCookie(cookie.value)))?.role).toBe('member')
      db.$client
        .prepare('update users set role = ?, suspended_until = ?, suspension_reason = ? where id = ?')
        .run('moderator', Date.now() + 60_000, 'spam', user.id)
      prepare.mockClear()
      const viewer = await getUser(requestWithCookie(cookie.value))
      expect(viewer).toMatchObject({ role: 'moderator', suspensionReason: 'spam', suspendedUntil: expect.any(Date) })
      expect(prepare).not.toHaveBeenCalled() // prepared once per connection, before
    } finally {
      prepare.mockRestore()
    }
  })

  test('the cookie is HttpOnly, SameSite=Lax, lasts 30 days, and is not Secure on plain http', async () => {
    const user = createUser(getDb())
    const { header } = await startSession(user.id, new Request('http://localhost:3000/login'))
    expect(header).toMatch(/^summit_session=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Lax; Max-Age=2592000; Expires=/)
    expect(header).not.toContain('Secure')
  })

  test('the cookie is Secure when the request came over https', async () => {
    const user = createUser(getDb())
    const { header } = await startSession(user.id, new Request('https://community.example.com/login'))
    expect(header).toMatch(/; Secure$/)
  })

  test('an unknown or forged session id is nobody, and the cookie is cleared', async () => {
    expect(await getUser(requestWithCookie('forged-session-id'))).toBeNull()
    expect(await getUser(requestWithCookie(null))).toBeNull()
  })

  test('logging out ends only that session', async () => {
    const user = createUser(getDb())
    const a = await startSession(user.id)
    const b = await startSession(user.id)
    const cleared = await endSession(requestWithCookie(a.value))
    expect(cleared).toContain('Max-Age=0')
    expect(await getUser(requestWithCookie(a.value))).toBeNull()
    expect(await getUser(requestWithCookie(b.value))).toMatchObject({ id: user.id })
  })

  test('changing the password ends every other session and starts a fresh one', async () => {
    const db = getDb()
    const user = createUser(db)
    const other = createUser(db)
    const laptop = await startSession(user.id)
    const phone = await startSession(user.id)
    const othersSession = await startSession(other.id)
    expect(countSessions(db, user.id)).toBe(2)

    const header = await changePassword(user.id, 'a-brand-new-passphrase', requestWithCookie(laptop.value))
    const fresh = header.match(/^summit_session=([^;]+)/)![1]!

    expect(await getUser(requestWithCookie(laptop.value))).toBeNull()
    expect(await getUser(requestWithCookie(phone.value))).toBeNull()
    expect(await getUser(requestWithCookie(fresh))).toMatchObject({ id: user.id })
    expect(countSessions(db, user.id)).toBe(1)
    // Nobody else is logged out.
    expect(await getUser(requestWithCookie(othersSession.value))).toMatchObject({ id: other.id })
  })

  test('requireUser sends a visitor to log in and back to where they were', async () => {
    const thrown = await requireUser(requestWithCookie(null, 'http://localhost:3000/settings?tab=x')).catch((e: unknown) => e)
    expect(thrown).toBeInstanceOf(Response)
    expect((thrown as Response).headers.get('Location')).toBe('/login?redirectTo=%2Fsettings%3Ftab%3Dx')
  })
})

describe('safeRedirectPath', () => {
  test.each([
    ['/ideas/12', '/ideas/12'],
    ['/settings?x=1#y', '/settings?x=1#y'],
    ['//evil.example', '/'],
    ['/\\evil.example', '/'],
    ['https://evil.example', '/'],
    ['javascript:alert(1)', '/'],
    ['', '/'],
    [null, '/'],
  ])('%j → %j', (input, expected) => {
    expect(safeRedirectPath(input)).toBe(expected)
  })
})

describe('requireRole and requirePermission', () => {
  const pageRequest = async (userId: number | null) => {
    const cookie = userId ? (await startSession(userId)).value : null
    return requestWithCookie(cookie, 'http://localhost:3000/admin/flags')
  }
  const outcome = async (fn: () => Promise<unknown>) => {
    try {
      await fn()
      return 'ok'
    } catch (thrown) {
      if (!(thrown instanceof Response)) throw thrown
      return thrown.status === 302 ? `redirect ${thrown.headers.get('Location')}` : thrown.status
    }
  }

  test.each([
    [null, 'redirect /login?redirectTo=%2Fadmin%2Fflags', 'redirect /login?redirectTo=%2Fadmin%2Fflags'],
    ['member', 403, 403],
    ['moderator', 'ok', 'ok'],
    ['product', 'ok', 'ok'],
    ['admin', 'ok', 'ok'],
  ] as const)('%s: requireRole(moderator) → %s, requirePermission(review:flag) → %s', async (role, wantRole, wantPermission) => {
    const userId = role ? createUser(getDb(), { role }).id : null
    expect(await outcome(async () => requireRole(await pageRequest(userId), 'moderator'))).toBe(wantRole)
    expect(await outcome(async () => requirePermission(await pageRequest(userId), 'review:flag'))).toBe(wantPermission)
  })

  test('a suspended moderator is refused with 403', async () => {
    const mod = createUser(getDb(), {
      role: 'moderator',
      suspendedUntil: new Date(Date.now() + 86_400_000),
      suspensionReason: 'Cooling off.',
    })
    expect(await outcome(async () => requireRole(await pageRequest(mod.id), 'moderator'))).toBe(403)
    expect(await outcome(async () => requirePermission(await pageRequest(mod.id), 'review:flag'))).toBe(403)
  })
})
