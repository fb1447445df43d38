/**
 * The HTTP side of /api/v1, shared by every API route: JSON answers, RFC 9457 problem details for
 * every refusal, request bodies read with limits and checked by the same zod schemas the OpenAPI
 * document is made from, bearer tokens, and rate limits with RateLimit headers.
 *
 * The API authenticates only by `Authorization: Bearer <token>`, never by the session cookie, so a
 * cross-site request cannot act with a member's browser session (server/origin-check.ts lets
 * /api/v1 writes through its Origin check for that reason).
 */
import { createHash } from 'node:crypto'
import { z } from 'zod'
import { DomainError, RateLimitedError } from './errors'
import { readBody } from './http.server'
import { type Actor, check, type Permission } from './permissions'

export const API_PREFIX = '/api/v1'
export const TOKEN_PREFIX = 'smt_'

const JSON_HEADERS = { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store' }

/** A JSON answer. */
export function apiJson(body: unknown, init: { status?: number; headers?: HeadersInit } = {}) {
  const headers = new Headers(JSON_HEADERS)
  new Headers(init.headers).forEach((value, key) => headers.set(key, value))
  return new Response(JSON.stringify(body), { status: init.status ?? 200, headers })
}

const TITLES: Record<number, string> = {
  400: 'Bad request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not found',
  405: 'Method not allowed',
  409: 'Conflict',
  413: 'Payload too large',
  415: 'Unsupported media type',
  422: 'Unprocessable content',
  429: 'Too many requests',
  500: 'Internal server error',
  503: 'Service unavailable',
}

/** Field errors: JSON pointer-ish paths ("title", "tags.2") to messages. */
export type FieldErrors = Record<string, string[]>

/** An RFC 9457 problem: `application/problem+json`, thrown by the API routes as a Response. */
export function problem(status: number, detail: string, extra: { errors?: FieldErrors; headers?: HeadersInit } = {}) {
  const headers = new Headers({ 'Content-Type': 'application/problem+json; charset=utf-8', 'Cache-Control': 'no-store' })
  new Headers(extra.headers).forEach((value, key) => headers.set(key, value))
  const body = {
    type: `about:blank`,
    title: TITLES[status] ?? 'Error',
    status,
    detail,
    ...(extra.errors && Object.keys(extra.errors).length ? { errors: extra.errors } : {}),
  }
  return new Response(JSON.stringify(body), { status, headers })
}

/** zod issues as field errors keyed by their path ("" for the body as a whole). */
export function fieldErrorsOf(error: z.ZodError): FieldErrors {
  const errors: FieldErrors = {}
  for (const issue of error.issues) {
    const key = issue.path.map(String).join('.') || '(body)'
    ;(errors[key] ??= []).push(issue.message)
  }
  return errors
}

/**
 * Runs an API handler: a thrown DomainError or RateLimitedError becomes its problem; a thrown
 * Response is the answer. A body the handler did not read (a refusal before it, or a method that
 * takes none) is read and dropped first, up to DRAIN_LIMIT_BYTES: answering while the client is
 * still sending would reset its connection instead of giving it the answer.
 */
export async function apiHandler(request: Request, fn: () => Promise<Response> | Response): Promise<Response> {
  let answer: Response
  try {
    answer = await fn()
  } catch (error) {
    if (error instanceof Response) answer = error
    else if (error instanceof RateLimitedError) {
      answer = problem(429, error.message, { headers: { 'Retry-After': String(error.retryAfterSeconds) } })
    } else if (error instanceof DomainError) answer = problem(error.status, error.message)
    else throw error
  }
  await dropUnreadBody(request)
  return answer
}

async function dropUnreadBody(request: Request) {
  if (!request.body || request.bodyUsed || request.body.locked) return
  try {
    await readBody(request, { keepBytes: 0, readBytes: DRAIN_LIMIT_BYTES })
  } catch {
    // The client went away: nothing to answer.
  }
}

/** The largest JSON body the API reads, and how deep it may nest. */
export const MAX_BODY_BYTES = 64 * 1024
const MAX_DEPTH = 20
/** How much of an oversized body is read (and dropped) to answer 413 cleanly; more cuts the connection. */
const DRAIN_LIMIT_BYTES = 1024 * 1024

function depthOf(value: unknown, depth = 0): number {
  if (depth > MAX_DEPTH) return depth
  if (Array.isArray(value)) return value.reduce<number>((max, item) => Math.max(max, depthOf(item, depth + 1)), depth + 1)
  if (value && typeof value === 'object')
    return Object.values(value).reduce<number>((max, item) => Math.max(max, depthOf(item, depth + 1)), depth + 1)
  return depth
}

/**
 * The request's JSON body, checked by `schema`: 415 unless it is JSON, 413 over MAX_BODY_BYTES, 400
 * for JSON that does not parse or nests deeper than 20, 422 with field errors when the schema says no.
 */
export async function readJsonBody<T extends z.ZodType>(request: Request, schema: T): Promise<z.infer<T>> {
  const type = request.headers.get('Content-Type') ?? ''
  if (!/^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i.test(type)) {
    throw problem(415, 'Send the body as JSON, with Content-Type: application/json.')
  }
  // Past the limit the rest is read and dropped, so the client gets the 413 rather than a reset
  // connection; past DRAIN_LIMIT_BYTES the connection is cut.
  const { bytes, overflow } = await readBody(request, { keepBytes: MAX_BODY_BYTES, readBytes: DRAIN_LIMIT_BYTES })
  if (overflow) throw problem(413, `The body may be at most ${MAX_BODY_BYTES} bytes.`)
  let value: unknown
  try {
    value = JSON.parse(Buffer.from(bytes).toString('utf8'))
  } catch {
    throw problem(400, 'The body is not valid JSON.')
  }
  if (depthOf(value) > MAX_DEPTH) throw problem(400, `The body nests deeper than ${MAX_DEPTH} levels.`)
  const parsed = schema.safeParse(value)
  if (!parsed.success) throw problem(422, 'Some fields are not valid.', { errors: fieldErrorsOf(parsed.error) })
  return parsed.data
}

/** Query parameters checked by `schema`: 400 with field errors. */
export function readQuery<T extends z.ZodType>(request: Request, schema: T): z.infer<T> {
  const parsed = schema.safeParse(Object.fromEntries(new URL(request.url).searchParams))
  if (!parsed.success) throw problem(400, 'Some query parameters are not valid.', { errors: fieldErrorsOf(parsed.error) })
  return parsed.data
}

/** A path parameter that must be a positive id: 404 otherwise (a malformed id names nothing). */
export function idParam(value: string | undefined, what: string) {
  if (!value || !/^[1-9]\d{0,15}$/.test(value)) throw problem(404, `There is no such ${what}.`)
  return Number(value)
}

/**
 * The site's policy for an API action, as the site's own routes ask it: a 401 or 403 problem with
 * the policy's reason unless `actor` may do `permission` (on `resource`, for rules on authorship).
 */
export function assertApiCan(actor: Actor | null, permission: Permission, resource?: { authorId: number | null }) {
  const decision = check(actor, permission, resource)
  if (!decision.ok) throw problem(decision.status, decision.reason)
}

/** 405 with Allow for a method a route does not have. */
export function methodNotAllowed(allow: string[]) {
  return problem(405, `Use ${allow.join(' or ')}.`, { headers: { Allow: allow.join(', ') } })
}

const TOKEN_PATTERN = new RegExp(`^${TOKEN_PREFIX}[A-Za-z0-9_-]{43}$`)

/** The bearer token a request presents: null without one, 'malformed' for anything that is not ours. */
export function bearerToken(request: Request): string | null | 'malformed' {
  const header = request.headers.get('Authorization')
  if (!header) return null
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header)
  if (!match) return 'malformed'
  return TOKEN_PATTERN.test(match[1]!) ? match[1]! : 'malformed'
}

/** What the database keeps of a token: its SHA-256 (hex). */
export function tokenHash(token: string) {
  return createHash('sha256').update(token).digest('hex')
}

// ---------------------------------------------------------------------------------------------
// Rate limits: fixed one-minute windows in this process, per token and per address.
// ---------------------------------------------------------------------------------------------

export type ApiLimit = { key: string; limit: number }
const WINDOW_MS = 60_000
const windows = new Map<string, { start: number; used: number }>()

function windowOf(key: string, now: number) {
  let entry = windows.get(key)
  if (!entry || now - entry.start >= WINDOW_MS) {
    entry = { start: now, used: 0 }
    windows.set(key, entry)
    if (windows.size > 50_000) {
      for (const [k, e] of windows) if (now - e.start >= WINDOW_MS) windows.delete(k)
    }
  }
  return entry
}

/**
 * Counts one request against each limit. Over any: a 429 problem with Retry-After. Otherwise the
 * RateLimit and RateLimit-Policy headers (IETF httpapi draft) of the tightest limit, to send back.
 */
export function takeApiRequest(limits: ApiLimit[], now = Date.now()): Record<string, string> {
  let tightest: { limit: number; remaining: number; reset: number } | null = null
  for (const { key, limit } of limits) {
    const entry = windowOf(key, now)
    const reset = Math.max(1, Math.ceil((entry.start + WINDOW_MS - now) / 1000))
    if (entry.used >= limit) {
      throw problem(429, `Too many requests: at most ${limit} a minute. Try again in ${reset} seconds.`, {
        headers: { 'Retry-After': String(reset), 'RateLimit-Policy': `"minute";q=${limit};w=60`, RateLimit: `"minute";r=0;t=${reset}` },
      })
    }
    const remaining = limit - entry.used - 1
    if (!tightest || remaining < tightest.remaining) tightest = { limit, remaining, reset }
  }
  for (const { key } of limits) windowOf(key, now).used++
  return tightest
    ? { 'RateLimit-Policy': `"minute";q=${tightest.limit};w=60`, RateLimit: `"minute";r=${tightest.remaining};t=${tightest.reset}` }
    : {}
}

/** Forgets every window (tests). */
export function resetApiRateLimits() {
  windows.clear()
}
