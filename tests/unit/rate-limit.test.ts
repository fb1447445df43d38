import { describe, expect, test } from 'vitest'
import { getDb } from '~/lib/db.server'
import { RateLimitedError } from '~/lib/errors'
import { assertUnderLimit, hitMemoryLimit, recordHits } from '~/lib/rate-limit.server'
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
