/**
 * Rate limits.
 *
 * Where each counter lives:
 * - Login and signup attempts are kept in SQLite (`rate_limit_hits`), one row per counted attempt,
 *   so a restart or a deploy does not reset them and every process sees the same counts. Keys:
 *   `login:account:<id>` (or `login:identifier:<what was typed>` when it names no account),
 *   `login:ip:<ip>`, `password-check:user:<id>` and `signup:ip:<ip>`.
 * - Per-minute voting windows are kept in a per-process map (the last section of this module):
 *   fine for one node, but they reset on restart and do not add up across processes. Run more
 *   than one node and they must move to SQLite (or a shared store) like the durable ones.
 * - Daily idea and question limits are kept in SQLite as well (keys `idea:user:<id>`, `ask:user:<id>`),
 *   and so are the daily answer, comment and flag limits per member (`answer:user:<id>`,
 *   `comment:user:<id>`, `flag:user:<id>`) and the hourly windows per IP address (`post:ip:<ip>`
 *   for every idea, question, answer and comment; `flag:ip:<ip>`): see limitPosting().
 * - Votes per IP address per minute sit beside the per-member vote window, in memory.
 * - Password reset requests and verification e-mails are kept in SQLite too: `reset:address:<e-mail
 *   as typed, lower-case>`, `reset:ip:<ip>` and `verify:user:<id>` (app/models/account-recovery.server.ts).
 *
 * Windows slide: a limit of 10 per 15 minutes refuses the 11th attempt until the oldest of the
 * last ten is 15 minutes old.
 *
 * Password guesses (log-in, and the password asked again to change it or delete the account) are
 * counted *before* the slow hash, by takeAttempt(): one immediate transaction checks every key and
 * counts the attempt, so guesses sent all at once, from one process or several on the same file,
 * get at most the limit judged and the rest a 429.
 */
import { and, asc, count, eq, gt, inArray, lt } from 'drizzle-orm'
import { rateLimitHits } from '#db/schema'
import { type Db, type Tx, writeTransaction } from './db.server'
import { RateLimitedError } from './errors'
import { humanDuration } from './http.server'

export type LimitRule = { limit: number; windowMs: number }

const MINUTE = 60_000
const numberFromEnv = (name: string, fallback: number) => {
  const value = Number(process.env[name])
  return Number.isInteger(value) && value > 0 ? value : fallback
}

/** Failed log-ins per account; also wrong passwords asked again in a session (passwordCheckLimit). */
export const LOGIN_LIMIT: LimitRule = { limit: numberFromEnv('LOGIN_ATTEMPTS_PER_15_MIN', 10), windowMs: 15 * MINUTE }
/**
 * Failed log-ins per IP address, whatever account they name. Much larger than the per-account rule:
 * an office or a carrier's NAT puts many members behind one address, and their typos add up there.
 * It stops one address from trying a few passwords on each of many accounts (each under its own limit).
 */
export const LOGIN_IP_LIMIT: LimitRule = { limit: numberFromEnv('LOGIN_ATTEMPTS_PER_IP_PER_15_MIN', 100), windowMs: 15 * MINUTE }
/** Sign-ups: per IP address. */
export const SIGNUP_LIMIT: LimitRule = { limit: numberFromEnv('SIGNUPS_PER_IP_PER_HOUR', 10), windowMs: 60 * MINUTE }

/**
 * Password reset requests: per address typed (whether or not an account has it, so the limit
 * tells nothing) and per IP address. Each request that passes may send an e-mail.
 */
export const PASSWORD_RESET_LIMIT: LimitRule = { limit: numberFromEnv('PASSWORD_RESETS_PER_ADDRESS_PER_HOUR', 3), windowMs: 60 * MINUTE }
export const PASSWORD_RESET_IP_LIMIT: LimitRule = { limit: numberFromEnv('PASSWORD_RESETS_PER_IP_PER_HOUR', 10), windowMs: 60 * MINUTE }
/** Verification e-mails per member ("send the link again"); the one sent at sign-up counts too. */
export const VERIFICATION_EMAIL_LIMIT: LimitRule = { limit: 3, windowMs: 60 * MINUTE }

/** Rows older than this are never needed by any rule and are pruned. */
const LONGEST_WINDOW_MS = 24 * 60 * MINUTE

function windowState(db: Db | Tx, key: string, rule: LimitRule, now: Date) {
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

export type LimitCheck = { key: string; rule: LimitRule; message: string }

/** Throws RateLimitedError when any key is over its limit; counts nothing. */
export function assertUnderLimit(db: Db | Tx, checks: LimitCheck[], now = new Date()) {
  for (const { key, rule, message } of checks) {
    const state = windowState(db, key, rule, now)
    if (!state.allowed) {
      throw new RateLimitedError(`${message} Try again in ${humanDuration(state.retryAfterSeconds)}.`, state.retryAfterSeconds)
    }
  }
}

/** The hits one attempt counted, so that forgetAttempt() can take back exactly those. */
export type CountedAttempt = { hitIds: number[] }

/**
 * Counts one attempt against every key if all are under their limits; otherwise throws
 * RateLimitedError and counts nothing. Check and count are one immediate transaction (the write
 * lock is taken before the counts are read), so attempts racing each other, in this process or in
 * another one on the same file, cannot all see room for themselves. Call it before the slow work
 * it guards, not after: an attempt still being hashed must already count.
 */
export function takeAttempt(db: Db, checks: LimitCheck[], now = new Date()): CountedAttempt {
  return writeTransaction(db, (tx) => {
    assertUnderLimit(tx, checks, now)
    const hitIds = checks.map(({ key }) => tx.insert(rateLimitHits).values({ key, at: now }).returning({ id: rateLimitHits.id }).get().id)
    tx.delete(rateLimitHits)
      .where(lt(rateLimitHits.at, new Date(now.getTime() - LONGEST_WINDOW_MS)))
      .run()
    return { hitIds }
  })
}

/** Takes back the hits of one attempt that turned out not to count (the right password). */
export function forgetAttempt(db: Db, attempt: CountedAttempt) {
  if (attempt.hitIds.length > 0) db.delete(rateLimitHits).where(inArray(rateLimitHits.id, attempt.hitIds)).run()
}

/**
 * The password asked again in a logged-in session, to change it or to delete the account: one
 * counter per member for both forms, limited like failed log-ins, so a borrowed session gets ten
 * guesses in all. Log-in keeps its own counter, so a stranger's failed log-ins never stop the
 * member from changing a password they fear is known.
 */
export function passwordCheckLimit(userId: number): LimitCheck {
  return { key: `password-check:user:${userId}`, rule: LOGIN_LIMIT, message: 'Too many wrong passwords.' }
}

/** Counts one attempt against each key, and prunes hits too old to matter. */
export function recordHits(db: Db, keys: string[], now = new Date()) {
  writeTransaction(db, (tx) => {
    for (const key of keys) tx.insert(rateLimitHits).values({ key, at: now }).run()
    tx.delete(rateLimitHits)
      .where(lt(rateLimitHits.at, new Date(now.getTime() - LONGEST_WINDOW_MS)))
      .run()
  })
}

/** Forgets the hits of a key (a successful login clears its account's failures). */
export function clearHits(db: Db, key: string) {
  db.delete(rateLimitHits).where(eq(rateLimitHits.key, key)).run()
}

// ---------------------------------------------------------------------------------------------
// Posting ideas (durable, SQLite) and the live Markdown preview (in memory)
// ---------------------------------------------------------------------------------------------

/** DESIGN (Moderation): members younger than a day or under 15 reputation get lower limits. */
export const NEW_MEMBER_AGE_MS = 24 * 60 * MINUTE
export const NEW_MEMBER_REPUTATION = 15

export function isNewMember(member: { createdAt: Date; reputation: number }, now = new Date()) {
  return member.reputation < NEW_MEMBER_REPUTATION || now.getTime() - member.createdAt.getTime() < NEW_MEMBER_AGE_MS
}

/** Ideas posted per member per day, kept in SQLite (`rate_limit_hits`) like the login limits. */
export const IDEA_POSTS_PER_DAY_NEW_MEMBER: LimitRule = { limit: 3, windowMs: 24 * 60 * MINUTE }
export const IDEA_POSTS_PER_DAY: LimitRule = { limit: 20, windowMs: 24 * 60 * MINUTE }

/** Questions asked per member per day, likewise durable. */
export const NEW_MEMBER_QUESTIONS_PER_DAY: LimitRule = { limit: 3, windowMs: 24 * 60 * MINUTE }
export const QUESTIONS_PER_DAY: LimitRule = { limit: 20, windowMs: 24 * 60 * MINUTE }

/**
 * The live Markdown preview, per member. Kept in a per-process map: it resets on restart and does
 * not add up across processes, which is fine for one node and for a request that writes nothing.
 */
export const MARKDOWN_PREVIEW_LIMIT: LimitRule = { limit: 60, windowMs: MINUTE }

/** Counts one attempt against `key` in this process, or throws RateLimitedError when over the rule. */
export function hitMemoryLimit(key: string, rule: LimitRule, message: string, now = new Date()) {
  const result = previewWindows.hit(key, rule, now.getTime())
  if (!result.allowed) {
    throw new RateLimitedError(`${message} Try again in ${humanDuration(result.retryAfterSeconds)}.`, result.retryAfterSeconds)
  }
}

// ---------------------------------------------------------------------------------------------
// Per-process windows (idea votes)
//
// Kept in memory, in this process only: fine for one node. A restart or deploy forgets them, and
// with several processes each counts on its own. Cheap enough to run on every vote.
// ---------------------------------------------------------------------------------------------

/** Idea votes per member per minute. */
export const VOTE_LIMIT: LimitRule = { limit: 60, windowMs: MINUTE }
/** Accounts younger than NEW_ACCOUNT_AGE_MS vote more slowly: fresh sign-ups are how vote rings start. */
export const NEW_ACCOUNT_VOTE_LIMIT: LimitRule = { limit: 20, windowMs: MINUTE }
const NEW_ACCOUNT_AGE_MS = 24 * 60 * MINUTE

/** Sliding windows of hit times per key; old hits are dropped as keys are used, idle keys now and then. */
class MemoryWindows {
  private hits = new Map<string, number[]>()
  private writes = 0

  constructor(private readonly longestWindowMs: number) {}

  /** Counts one hit, or refuses it with the seconds until a slot frees up (counting nothing). */
  hit(key: string, rule: LimitRule, nowMs: number): { allowed: true } | { allowed: false; retryAfterSeconds: number } {
    const since = nowMs - rule.windowMs
    const times = (this.hits.get(key) ?? []).filter((t) => t > since)
    if (times.length >= rule.limit) {
      this.hits.set(key, times)
      const freesAt = times[times.length - rule.limit]! + rule.windowMs
      return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((freesAt - nowMs) / 1000)) }
    }
    times.push(nowMs)
    this.hits.set(key, times)
    if (++this.writes % 1000 === 0) this.sweep(nowMs)
    return { allowed: true }
  }

  private sweep(nowMs: number) {
    for (const [key, times] of this.hits) {
      if ((times.at(-1) ?? 0) <= nowMs - this.longestWindowMs) this.hits.delete(key)
    }
  }
}

const voteWindows = new MemoryWindows(MINUTE)
const previewWindows = new MemoryWindows(MARKDOWN_PREVIEW_LIMIT.windowMs)

/** The vote limit that applies to an account of this age. */
function voteLimitFor(account: { createdAt: Date }, now = new Date()) {
  return now.getTime() - account.createdAt.getTime() < NEW_ACCOUNT_AGE_MS ? NEW_ACCOUNT_VOTE_LIMIT : VOTE_LIMIT
}

/** Counts one vote request of the member; throws RateLimitedError (429) when they are over their limit. */
export function hitVoteLimit(member: { id: number; createdAt: Date }, now = new Date()) {
  const rule = voteLimitFor(member, now)
  const result = voteWindows.hit(`vote:${member.id}`, rule, now.getTime())
  if (!result.allowed) {
    throw new RateLimitedError(
      `You are voting very fast: at most ${rule.limit} votes a minute. Try again in ${humanDuration(result.retryAfterSeconds)}.`,
      result.retryAfterSeconds,
    )
  }
}

// ---------------------------------------------------------------------------------------------
// Answers, comments and flags per member, and every post per IP address (durable, SQLite)
//
// Ideas and questions count per member in their own model functions (postIdea, askQuestion);
// limitPosting() adds the per-IP window for them and both windows for answers, comments and flags.
// ---------------------------------------------------------------------------------------------

const DAY_MS = 24 * 60 * MINUTE

export const ANSWERS_PER_DAY_NEW_MEMBER: LimitRule = { limit: 10, windowMs: DAY_MS }
export const ANSWERS_PER_DAY: LimitRule = { limit: 100, windowMs: DAY_MS }
export const COMMENTS_PER_DAY_NEW_MEMBER: LimitRule = { limit: 10, windowMs: DAY_MS }
export const COMMENTS_PER_DAY: LimitRule = { limit: 200, windowMs: DAY_MS }
export const FLAGS_PER_DAY_NEW_MEMBER: LimitRule = { limit: 5, windowMs: DAY_MS }
export const FLAGS_PER_DAY: LimitRule = { limit: 30, windowMs: DAY_MS }
/** Every idea, question, answer and comment from one address: generous, against scripted floods. */
export const POSTS_PER_IP_PER_HOUR: LimitRule = { limit: numberFromEnv('POSTS_PER_IP_PER_HOUR', 60), windowMs: 60 * MINUTE }
export const FLAGS_PER_IP_PER_HOUR: LimitRule = { limit: numberFromEnv('FLAGS_PER_IP_PER_HOUR', 30), windowMs: 60 * MINUTE }

export type PostingKind = 'idea' | 'question' | 'answer' | 'comment' | 'flag'

const MEMBER_RULES = {
  answer: { fresh: ANSWERS_PER_DAY_NEW_MEMBER, settled: ANSWERS_PER_DAY, verb: 'post', noun: 'answers' },
  comment: { fresh: COMMENTS_PER_DAY_NEW_MEMBER, settled: COMMENTS_PER_DAY, verb: 'post', noun: 'comments' },
  flag: { fresh: FLAGS_PER_DAY_NEW_MEMBER, settled: FLAGS_PER_DAY, verb: 'send', noun: 'flags' },
} as const

/** The windows a post of `kind` counts against: the member's daily one (answers, comments, flags) and the address's. */
export function postingChecks(
  kind: PostingKind,
  member: { id: number; createdAt: Date; reputation: number },
  ip: string,
  now = new Date(),
) {
  const checks: Array<{ key: string; rule: LimitRule; message: string }> = []
  if (kind === 'answer' || kind === 'comment' || kind === 'flag') {
    const rules = MEMBER_RULES[kind]
    const isNew = isNewMember(member, now)
    const rule = isNew ? rules.fresh : rules.settled
    checks.push({
      key: `${kind}:user:${member.id}`,
      rule,
      message: `You can ${rules.verb} ${rule.limit} ${rules.noun} a day${isNew ? ' while your account is new' : ''}.`,
    })
  }
  checks.push(
    kind === 'flag'
      ? {
          key: `flag:ip:${ip}`,
          rule: FLAGS_PER_IP_PER_HOUR,
          message: `At most ${FLAGS_PER_IP_PER_HOUR.limit} flags an hour come from one address.`,
        }
      : {
          key: `post:ip:${ip}`,
          rule: POSTS_PER_IP_PER_HOUR,
          message: `At most ${POSTS_PER_IP_PER_HOUR.limit} posts an hour come from one address.`,
        },
  )
  return checks
}

/**
 * Runs `work` (a post of `kind`) if the member and their address are under their limits, then
 * counts it. A refusal throws RateLimitedError (429) and counts nothing; so does a failed post.
 */
export function limitPosting<T>(
  db: Db,
  input: { kind: PostingKind; member: { id: number; createdAt: Date; reputation: number }; ip: string | undefined },
  work: () => T,
  now = new Date(),
): T {
  const checks = postingChecks(input.kind, input.member, input.ip ?? 'unknown', now)
  assertUnderLimit(db, checks, now)
  const result = work()
  recordHits(
    db,
    checks.map((c) => c.key),
    now,
  )
  return result
}

/** Votes from one address per minute (in memory, like the per-member vote window). */
export const VOTES_PER_IP_PER_MINUTE: LimitRule = { limit: 120, windowMs: MINUTE }

export function hitVoteIpLimit(ip: string | undefined, now = new Date()) {
  const result = voteWindows.hit(`vote:ip:${ip ?? 'unknown'}`, VOTES_PER_IP_PER_MINUTE, now.getTime())
  if (!result.allowed) {
    throw new RateLimitedError(
      `Too many votes come from your address: at most ${VOTES_PER_IP_PER_MINUTE.limit} a minute. Try again in ${humanDuration(result.retryAfterSeconds)}.`,
      result.retryAfterSeconds,
    )
  }
}
