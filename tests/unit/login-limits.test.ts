/**
 * Password-guessing limits: log-in, changing the password and deleting the account. Each attempt is
 * counted before its password is hashed, so guesses sent all at once get no more than the limit judged.
 */
import fs from 'node:fs'
import path from 'node:path'
import { Worker } from 'node:worker_threads'
import { count, eq } from 'drizzle-orm'
import { build } from 'esbuild'
import { afterAll, beforeEach, describe, expect, test, vi } from 'vitest'
import { rateLimitHits } from '#db/schema'
import { databaseFile, getDb } from '~/lib/db.server'
import { RateLimitedError } from '~/lib/errors'
import { verifyAgainstDummy, verifyPassword } from '~/lib/password.server'
import { LOGIN_IP_LIMIT, LOGIN_LIMIT, recordHits } from '~/lib/rate-limit.server'
import { deleteAccount } from '~/models/account-data.server'
import { attemptLogin, verifyPasswordChange } from '~/models/users.server'
import { action as settingsAction } from '~/routes/settings'
import { createUser, unique } from '#tests/factories'
import { formRequest, settle } from '#tests/route-helpers'

// The real argon2 checks, watched: a "judged" attempt is one whose password was hashed.
vi.mock('~/lib/password.server', async (importOriginal) => {
  const actual = await importOriginal<typeof import('~/lib/password.server')>()
  return { ...actual, verifyPassword: vi.fn(actual.verifyPassword), verifyAgainstDummy: vi.fn(actual.verifyAgainstDummy) }
})
const hashesChecked = () => vi.mocked(verifyPassword).mock.calls.length + vi.mocked(verifyAgainstDummy).mock.calls.length
beforeEach(() => {
  vi.mocked(verifyPassword).mockClear()
  vi.mocked(verifyAgainstDummy).mockClear()
})

const db = () => getDb()
const ACCOUNT_LIMITED = /^Too many failed log-in attempts for this account\. Try again in \d+ minutes?\.$/
const NETWORK_LIMITED = /^Too many failed log-in attempts from your network\. Try again in \d+ (minutes?|seconds?)\.$/

/** Splits settled attempts into those that were answered and those refused with a 429. */
function tally<T>(results: PromiseSettledResult<T>[]) {
  const answered = results.filter((r): r is PromiseFulfilledResult<T> => r.status === 'fulfilled').map((r) => r.value)
  const refused = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected').map((r) => r.reason as unknown)
  return { answered, refused }
}

function expectAllRateLimited(refused: unknown[], message: RegExp | string) {
  for (const error of refused) {
    expect(error).toBeInstanceOf(RateLimitedError)
    expect((error as RateLimitedError).message).toMatch(message)
    expect((error as RateLimitedError).retryAfterSeconds).toBeGreaterThan(0)
  }
}

function hitsFor(key: string) {
  return db().select({ n: count() }).from(rateLimitHits).where(eq(rateLimitHits.key, key)).get()!.n
}

describe('log-in guesses sent all at once', () => {
  test('40 wrong passwords for one account at once: exactly 10 are judged, 30 refused with 429', async () => {
    const user = createUser(db())
    const ip = unique('203.0.113.')
    const results = await Promise.allSettled(
      Array.from({ length: 40 }, (_, i) => attemptLogin(db(), { identifier: user.username, password: `wrong-guess-${i}`, ip })),
    )
    const { answered, refused } = tally(results)
    expect(answered).toEqual(Array.from({ length: LOGIN_LIMIT.limit }, () => ({ ok: false })))
    expect(refused).toHaveLength(40 - LOGIN_LIMIT.limit)
    expectAllRateLimited(refused, ACCOUNT_LIMITED)
    expect(hashesChecked()).toBe(LOGIN_LIMIT.limit)
  })

  test('the username and the e-mail address (in any case) count against one counter', async () => {
    const user = createUser(db())
    const identifiers = [user.username, user.email, user.email.toUpperCase(), ` ${user.username.toUpperCase()} `]
    const results = await Promise.allSettled(
      Array.from({ length: 40 }, (_, i) =>
        attemptLogin(db(), { identifier: identifiers[i % identifiers.length]!, password: `wrong-guess-${i}`, ip: unique('203.0.113.') }),
      ),
    )
    const { answered, refused } = tally(results)
    expect(answered).toHaveLength(LOGIN_LIMIT.limit)
    expect(refused).toHaveLength(40 - LOGIN_LIMIT.limit)
    expectAllRateLimited(refused, ACCOUNT_LIMITED)
    expect(hashesChecked()).toBe(LOGIN_LIMIT.limit)
    // One after the other as well: the e-mail address gets no fresh tries once the username used them.
    await expect(attemptLogin(db(), { identifier: user.email, password: user.password, ip: unique('203.0.113.') })).rejects.toThrow(
      ACCOUNT_LIMITED,
    )
  })

  test('60 guesses from 60 addresses ending with the right password: the right one is refused once the account is over its limit', async () => {
    const user = createUser(db())
    const guesses = [...Array.from({ length: 59 }, (_, i) => `wrong-guess-${i}`), user.password]
    const results = await Promise.allSettled(
      guesses.map((password) => attemptLogin(db(), { identifier: user.username, password, ip: unique('198.18.0.') })),
    )
    const { answered, refused } = tally(results)
    expect(answered).toHaveLength(LOGIN_LIMIT.limit)
    expect(answered.every((r) => !r.ok)).toBe(true)
    expect(results.at(-1)!.status).toBe('rejected')
    expectAllRateLimited(refused, ACCOUNT_LIMITED)
    expect(hashesChecked()).toBe(LOGIN_LIMIT.limit)
  })

  test('an identifier that names no account has its own counter, costs a hash and answers as an account would', async () => {
    const ghost = unique('ghost')
    const results = await Promise.allSettled(
      Array.from({ length: 25 }, (_, i) =>
        attemptLogin(db(), { identifier: i % 2 ? ghost : ghost.toUpperCase(), password: `guess-${i}`, ip: unique('198.18.1.') }),
      ),
    )
    const { answered, refused } = tally(results)
    expect(answered).toEqual(Array.from({ length: LOGIN_LIMIT.limit }, () => ({ ok: false })))
    expectAllRateLimited(refused, ACCOUNT_LIMITED)
    expect(vi.mocked(verifyAgainstDummy).mock.calls).toHaveLength(LOGIN_LIMIT.limit)
    expect(vi.mocked(verifyPassword).mock.calls).toHaveLength(0)
  })

  test('a success forgets its own attempt and the account’s failures', async () => {
    const user = createUser(db())
    const ip = unique('192.0.2.')
    for (let i = 0; i < LOGIN_LIMIT.limit - 1; i++) {
      expect(await attemptLogin(db(), { identifier: user.username, password: `wrong-guess-${i}`, ip })).toEqual({ ok: false })
    }
    expect(await attemptLogin(db(), { identifier: user.email, password: user.password, ip })).toEqual({ ok: true, userId: user.id })
    expect(hitsFor(`login:account:${user.id}`)).toBe(0)
    expect(hitsFor(`login:ip:${ip}`)).toBe(LOGIN_LIMIT.limit - 1) // the failures stay; the success left no hit

    const results = await Promise.allSettled(
      Array.from({ length: 15 }, (_, i) =>
        attemptLogin(db(), { identifier: user.username, password: `again-${i}`, ip: unique('192.0.2.') }),
      ),
    )
    expect(tally(results).answered).toHaveLength(LOGIN_LIMIT.limit)
  })
})

describe('many people behind one address (an office, a shared NAT)', () => {
  test('the per-address rule has its own, larger limit', () => {
    expect(LOGIN_IP_LIMIT).toEqual({ limit: 100, windowMs: 15 * 60_000 })
    expect(LOGIN_LIMIT).toEqual({ limit: 10, windowMs: 15 * 60_000 })
  })

  test('ten failures for account A do not stop colleague B logging in from the same address', async () => {
    const a = createUser(db()),
      b = createUser(db())
    const office = unique('100.64.0.')
    for (let i = 0; i < 10; i++) {
      expect(await attemptLogin(db(), { identifier: a.username, password: `wrong-guess-${i}`, ip: office })).toEqual({ ok: false })
    }
    await expect(attemptLogin(db(), { identifier: a.username, password: a.password, ip: office })).rejects.toThrow(ACCOUNT_LIMITED)
    expect(await attemptLogin(db(), { identifier: b.username, password: b.password, ip: office })).toEqual({ ok: true, userId: b.id })
  })

  test('an address over its own limit is refused, even with the right password for an account under its limit', async () => {
    const colleague = createUser(db())
    const office = unique('100.64.1.')
    // Failed log-ins from the address, for other accounts, up to one short of its limit.
    recordHits(
      db(),
      Array.from({ length: LOGIN_IP_LIMIT.limit - 1 }, () => `login:ip:${office}`),
    )
    expect(await attemptLogin(db(), { identifier: colleague.username, password: colleague.password, ip: office })).toEqual({
      ok: true,
      userId: colleague.id,
    })
    expect(await attemptLogin(db(), { identifier: unique('ghost'), password: 'spray-guess-1', ip: office })).toEqual({ ok: false })
    await expect(attemptLogin(db(), { identifier: colleague.username, password: colleague.password, ip: office })).rejects.toThrow(
      NETWORK_LIMITED,
    )
    expect(hashesChecked()).toBe(2)
    // The account itself was never over: from another address it logs in.
    expect(
      await attemptLogin(db(), { identifier: colleague.username, password: colleague.password, ip: unique('100.64.2.') }),
    ).toMatchObject({ ok: true })
  })
})

describe('the current password, asked again in a logged-in session', () => {
  const change = (userId: number, currentPassword: string) =>
    verifyPasswordChange(db(), { userId, currentPassword, newPassword: 'a-brand-new-passphrase' })

  test('changing the password: the 11th wrong current password within 15 minutes is refused with 429', async () => {
    const user = createUser(db())
    for (let i = 0; i < LOGIN_LIMIT.limit; i++) {
      expect(await change(user.id, `wrong-guess-${i}`)).toEqual({
        ok: false,
        field: 'currentPassword',
        message: 'Your current password is not right.',
      })
    }
    await expect(change(user.id, user.password)).rejects.toThrow(/^Too many wrong passwords\. Try again in 15 minutes\.$/)
    expect(hashesChecked()).toBe(LOGIN_LIMIT.limit)
  })

  test('changing the password: 40 wrong guesses at once get 10 judged', async () => {
    const user = createUser(db())
    const results = await Promise.allSettled(Array.from({ length: 40 }, (_, i) => change(user.id, `wrong-guess-${i}`)))
    const { answered, refused } = tally(results)
    expect(answered).toHaveLength(LOGIN_LIMIT.limit)
    expect(refused).toHaveLength(40 - LOGIN_LIMIT.limit)
    expectAllRateLimited(refused, 'Too many wrong passwords. Try again in 15 minutes.')
    expect(hashesChecked()).toBe(LOGIN_LIMIT.limit)
  })

  test('the right current password forgets the earlier wrong ones', async () => {
    const user = createUser(db())
    for (let i = 0; i < LOGIN_LIMIT.limit - 1; i++) await change(user.id, `wrong-guess-${i}`)
    expect(await change(user.id, user.password)).toEqual({ ok: true })
    for (let i = 0; i < LOGIN_LIMIT.limit; i++) expect(await change(user.id, `wrong-again-${i}`)).toMatchObject({ ok: false })
    await expect(change(user.id, user.password)).rejects.toBeInstanceOf(RateLimitedError)
  })

  test('the settings page answers the 11th wrong current password with 429 and Retry-After, keeping the form', async () => {
    const user = createUser(db())
    const post = async (currentPassword: string) => {
      const request = await formRequest(
        '/settings',
        { intent: 'change-password', currentPassword, newPassword: 'another-fine-passphrase', confirmPassword: 'another-fine-passphrase' },
        { userId: user.id },
      )
      return settle(() => settingsAction({ request, params: {}, context: { clientIp: unique('10.3.0.') } }))
    }
    for (let i = 0; i < LOGIN_LIMIT.limit; i++) expect((await post(`wrong-guess-${i}`)).status).toBe(400)
    const refused = await post(user.password)
    expect(refused).toMatchObject({
      status: 429,
      body: {
        intent: 'change-password',
        formErrors: ['Too many wrong passwords. Try again in 15 minutes.'],
        fields: { intent: 'change-password' },
      },
    })
    expect(refused.headers.get('Retry-After')).toMatch(/^\d+$/)
    expect(JSON.stringify(refused.body)).not.toContain('passphrase') // typed passwords are never sent back
  })

  test('deleting the account: 40 wrong passwords at once get 10 judged, and the account stays', async () => {
    const user = createUser(db())
    const results = await Promise.allSettled(
      Array.from({ length: 40 }, (_, i) => deleteAccount(db(), { userId: user.id, password: `wrong-guess-${i}`, removePosts: false })),
    )
    const { answered, refused } = tally(results)
    expect(answered).toHaveLength(LOGIN_LIMIT.limit)
    expectAllRateLimited(refused, 'Too many wrong passwords. Try again in 15 minutes.')
    expect(hashesChecked()).toBe(LOGIN_LIMIT.limit)
    await expect(deleteAccount(db(), { userId: user.id, password: user.password, removePosts: false })).rejects.toBeInstanceOf(
      RateLimitedError,
    )
  })

  test('the two forms share one counter: a borrowed session gets 10 guesses in all, not 10 per form', async () => {
    const user = createUser(db())
    for (let i = 0; i < 5; i++) expect(await change(user.id, `wrong-guess-${i}`)).toMatchObject({ ok: false })
    for (let i = 0; i < 5; i++) {
      expect(await deleteAccount(db(), { userId: user.id, password: `wrong-guess-${i}`, removePosts: false })).toMatchObject({ ok: false })
    }
    await expect(change(user.id, user.password)).rejects.toBeInstanceOf(RateLimitedError)
    await expect(deleteAccount(db(), { userId: user.id, password: user.password, removePosts: false })).rejects.toBeInstanceOf(
      RateLimitedError,
    )
    // Log-in keeps its own counter: the guesses in settings do not lock the member out of logging in.
    expect(await attemptLogin(db(), { identifier: user.username, password: user.password, ip: unique('10.4.0.') })).toMatchObject({
      ok: true,
    })
  })
})

/**
 * Another server process on the same file: a worker thread with its own connection that sends its
 * guesses all at once when the test opens the gate for every worker together.
 */
const LOGIN_WORKER = `
import { parentPort, workerData } from 'node:worker_threads'
import { openDatabase } from '~/lib/db.server'
import { attemptLogin } from '~/models/users.server'
const { file, identifier, guesses, gate } = workerData
const db = openDatabase(file)
parentPort.postMessage({ ready: true })
Atomics.wait(new Int32Array(gate), 0, 0)
const results = await Promise.allSettled(guesses.map((password, i) => attemptLogin(db, { identifier, password, ip: '198.18.9.' + i })))
parentPort.postMessage({ done: true, results: results.map((r) => (r.status === 'fulfilled' ? 'judged' : r.reason?.name === 'RateLimitedError' ? 'refused' : String(r.reason))) })
db.$client.close()
`
// Inside the checkout, not in UNIT_TMP_DIR: the bundle imports better-sqlite3 and argon2 from node_modules.
const WORKER_BUNDLE = path.resolve('tests/.tmp', `unit-login-worker-${process.pid}.mjs`)
afterAll(() => fs.rmSync(WORKER_BUNDLE, { force: true }))

describe('several processes on one database file', () => {
  test('4 processes sending 10 wrong passwords each for one account at once: 10 judged in all', { timeout: 60_000 }, async () => {
    await build({
      stdin: { contents: LOGIN_WORKER, resolveDir: process.cwd(), loader: 'ts', sourcefile: 'login-worker.ts' },
      outfile: WORKER_BUNDLE,
      bundle: true,
      platform: 'node',
      format: 'esm',
      external: ['better-sqlite3', '@node-rs/argon2'],
      tsconfig: path.resolve('tsconfig.json'),
      // Some bundled CommonJS dependencies require() Node's own modules.
      banner: { js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);" },
      logLevel: 'error',
    })
    const user = createUser(db())
    const gate = new SharedArrayBuffer(4)
    const workers = Array.from({ length: 4 }, (_, w) => {
      const guesses = Array.from({ length: 10 }, (_, i) => `worker-${w}-guess-${i}`)
      return new Worker(WORKER_BUNDLE, { workerData: { file: databaseFile(), identifier: user.username, guesses, gate }, execArgv: [] })
    })
    try {
      const ready = workers.map(
        (worker) => new Promise<void>((resolve) => worker.on('message', (m: { ready?: true }) => m.ready && resolve())),
      )
      const reports = workers.map(
        (worker) =>
          new Promise<string[]>((resolve, reject) => {
            worker.on('message', (m: { done?: true; results?: string[] }) => m.done && resolve(m.results!))
            worker.on('error', reject)
            worker.on('exit', (code) => reject(new Error(`worker exited with ${code} before reporting`)))
          }),
      )
      await Promise.race([Promise.all(ready), Promise.all(reports)])
      Atomics.store(new Int32Array(gate), 0, 1)
      Atomics.notify(new Int32Array(gate), 0)
      const outcomes = (await Promise.all(reports)).flat()
      expect(outcomes.filter((o) => o === 'judged')).toHaveLength(LOGIN_LIMIT.limit)
      expect(outcomes.filter((o) => o === 'refused')).toHaveLength(40 - LOGIN_LIMIT.limit)
    } finally {
      await Promise.all(workers.map((worker) => worker.terminate()))
    }
  })
})
