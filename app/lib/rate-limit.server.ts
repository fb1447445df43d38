/**
 * Rate limits.
 *
 * Where each counter lives:
 * - Login and signup attempts are kept in SQLite (`rate_limit_hits`), one row per counted attempt,
 *   so a restart or a deploy does not reset them and every process sees the same counts.
 * - Per-minute posting and voting windows (added with those features) may use a per-process map:
 *   fine for one node, and that module must say so.
 * - Daily question limits (questions asked per member per day) are kept in SQLite as well, under
 *   the key `ask:user:<id>`.
 *
 * Windows slide: a limit of 10 per 15 minutes refuses the 11th attempt until the oldest of the
 * last ten is 15 minutes old.
 */
import { and, asc, count, eq, gt, lt } from 'drizzle-orm'
import { rateLimitHits } from '#db/schema'
import { type Db } from './db.server'
import { RateLimitedError } from './errors'
import { humanDuration } from './http.server'

export type LimitRule = { limit: number; windowMs: number }

const MINUTE = 60_000
const numberFromEnv = (name: string, fallback: number) => {
  const value = Number(process.env[name])
  return Number.isInteger(value) && value > 0 ? value : fallback
}

/** Failed logins: per account and per IP address. */
export const LOGIN_LIMIT: LimitRule = { limit: numberFromEnv('LOGIN_ATTEMPTS_PER_15_MIN', 10), windowMs: 15 * MINUTE }
/** Sign-ups: per IP address. */
export const SIGNUP_LIMIT: LimitRule = { limit: numberFromEnv('SIGNUPS_PER_IP_PER_HOUR', 10), windowMs: 60 * MINUTE }

/** Rows older than this are never needed by any rule and are pruned. */
const LONGEST_WINDOW_MS = 24 * 60 * MINUTE

function windowState(db: Db, key: string, rule: LimitRule, now: Date) {
  const since = new Date(now.getTime() - rule.windowMs)
  const inWindow = and(eq(rateLimitHits.key, key), gt(rateLimitHits.at, since))
  const used = db.select({ n: count() }).from(rateLimitHits).where(inWindow).get()?.n ?? 0
  if (used < rule.limit) return { allowed: true as const, used }
  // The oldest hit that still counts: once it leaves the window, one attempt frees up.
  const oldest = db
    .select({ at: rateLimitHits.at })
    .from(rateLimitHits)
    .where(inWindow)
    .orderBy(asc(rateLimitHits.at))
    .limit(1)
    .offset(used - rule.limit)
    .get()
  const retryAfterMs = oldest ? oldest.at.getTime() + rule.windowMs - now.getTime() : rule.windowMs
  return { allowed: false as const, used, retryAfterSeconds: Math.max(1, Math.ceil(retryAfterMs / 1000)) }
}

/** Throws RateLimitedError when any key is over its limit; counts nothing. */
export function assertUnderLimit(db: Db, checks: Array<{ key: string; rule: LimitRule; message: string }>, now = new Date()) {
  for (const { key, rule, message } of checks) {
    const state = windowState(db, key, rule, now)
    if (!state.allowed) {
      throw new RateLimitedError(`${message} Try again in ${humanDuration(state.retryAfterSeconds)}.`, state.retryAfterSeconds)
    }
  }
}

/** Counts one attempt against each key, and prunes hits too old to matter. */
export function recordHits(db: Db, keys: string[], now = new Date()) {
  db.transaction(
    (tx) => {
      for (const key of keys) tx.insert(rateLimitHits).values({ key, at: now }).run()
      tx.delete(rateLimitHits).where(lt(rateLimitHits.at, new Date(now.getTime() - LONGEST_WINDOW_MS))).run()
    },
    { behavior: 'immediate' },
  )
}

/** Forgets the hits of a key (a successful login clears its account's failures). */
export function clearHits(db: Db, key: string) {
  db.delete(rateLimitHits).where(eq(rateLimitHits.key, key)).run()
}

/** "New member" for posting limits (DESIGN.md): an account less than a day old, or below 15 reputation. */
export const NEW_MEMBER_MAX_AGE_MS = 24 * 60 * MINUTE
export const NEW_MEMBER_MAX_REPUTATION = 14

/** Questions a new member may ask per day (durable, per account). */
export const NEW_MEMBER_QUESTIONS_PER_DAY: LimitRule = { limit: 3, windowMs: 24 * 60 * MINUTE }
/** Questions any other member may ask per day (durable, per account). */
export const QUESTIONS_PER_DAY: LimitRule = { limit: 20, windowMs: 24 * 60 * MINUTE }

export function isNewMember(member: { createdAt: Date; reputation: number }, now = new Date()) {
  return now.getTime() - member.createdAt.getTime() < NEW_MEMBER_MAX_AGE_MS || member.reputation <= NEW_MEMBER_MAX_REPUTATION
}
