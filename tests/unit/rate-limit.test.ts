import { count, eq } from 'drizzle-orm'
import { describe, expect, test } from 'vitest'
import { rateLimitHits } from '#db/schema'
import { getDb } from '~/lib/db.server'
import { RateLimitedError } from '~/lib/errors'
import { assertUnderLimit, forgetAttempt, hitMemoryLimit, recordHits, takeAttempt } from '~/lib/rate-limit.server'
import { unique } from '#tests/factories'

const rule = { limit: 3, windowMs: 60_000 }

describe('durable sliding-window rate limits', () => {
  test('refuses the attempt after the limit until the oldest hit leaves the window', () => {
    const db = getDb()
    const key = unique('test:')
    const t0 = new Date('2026-01-01T10:00:00Z')
    const at = (ms: number) => new Date(t0.getTime() + ms)
    const check = (now: Date) => assertUnderLimit(db, [{ key, rule, message: 'Too many.' }], now)

    for (const ms of [0, 10_000, 20_000]) {
      check(at(ms))
      recordHits(db, [key], at(ms))
    }
    const error = (() => {
      try {
        check(at(30_000))
      } catch (e) {
        return e
      }
    })()
    expect(error).toBeInstanceOf(RateLimitedError)
    expect((error as RateLimitedError).retryAfterSeconds).toBe(30) // the hit at 0 s leaves the window at 60 s
    expect((error as RateLimitedError).message).toBe('Too many. Try again in 30 seconds.')

    expect(() => check(at(60_001))).not.toThrow()
  })

  test('keys are independent', () => {
    const db = getDb()
    const a = unique('test:a')
    const b = unique('test:b')
    const now = new Date()
    recordHits(db, [a, a, a], now)
    expect(() => assertUnderLimit(db, [{ key: a, rule, message: 'x' }], now)).toThrow(RateLimitedError)
    expect(() => assertUnderLimit(db, [{ key: b, rule, message: 'x' }], now)).not.toThrow()
  })
})

describe('takeAttempt: check and count in one step', () => {
  const hits = (key: string) => getDb().select({ n: count() }).from(rateLimitHits).where(eq(rateLimitHits.key, key)).get()!.n

  test('counts one hit on every key while all are under their limits, then refuses without counting', () => {
    const db = getDb()
    const account = unique('test:account'),
      address = unique('test:ip')
    const checks = [
      { key: account, rule, message: 'Account busy.' },
      { key: address, rule: { limit: 5, windowMs: 60_000 }, message: 'Address busy.' },
    ]
    const now = new Date('2026-01-01T10:00:00Z')
    for (let i = 0; i < 3; i++) expect(takeAttempt(db, checks, now).hitIds).toHaveLength(2)
    expect(() => takeAttempt(db, checks, now)).toThrow('Account busy. Try again in 60 seconds.')
    expect([hits(account), hits(address)]).toEqual([3, 3])
    // Over the address's limit only: refused, and the other key is not counted either.
    recordHits(db, [address, address], now)
    expect(() => takeAttempt(db, [{ key: unique('test:other'), rule, message: 'x' }, checks[1]!], now)).toThrow('Address busy.')
    expect(hits(address)).toBe(5)
  })

  test('forgetAttempt takes back exactly the hits of that attempt', () => {
    const db = getDb()
    const key = unique('test:forget')
    const now = new Date()
    const first = takeAttempt(db, [{ key, rule, message: 'x' }], now)
    takeAttempt(db, [{ key, rule, message: 'x' }], now)
    forgetAttempt(db, first)
    expect(hits(key)).toBe(1)
    forgetAttempt(db, first)
    expect(hits(key)).toBe(1)
  })
})

describe('per-process sliding windows', () => {
  test('hitMemoryLimit refuses the attempt after the limit with the seconds until a slot frees', () => {
    const key = unique('memory:')
    const rule = { limit: 3, windowMs: 60_000 }
    const t0 = new Date('2026-01-01T10:00:00Z').getTime()
    for (const ms of [0, 5_000, 10_000]) hitMemoryLimit(key, rule, 'Too many previews.', new Date(t0 + ms))
    let refusal: unknown
    try {
      hitMemoryLimit(key, rule, 'Too many previews.', new Date(t0 + 20_000))
    } catch (error) {
      refusal = error
    }
    expect(refusal).toBeInstanceOf(RateLimitedError)
    expect((refusal as RateLimitedError).retryAfterSeconds).toBe(40)
    expect((refusal as RateLimitedError).message).toBe('Too many previews. Try again in 40 seconds.')
    expect(() => hitMemoryLimit(key, rule, 'Too many previews.', new Date(t0 + 60_001))).not.toThrow()
  })
})
