import { createHash } from 'node:crypto'
import { type HeadersFunction } from '@remix-run/node'
import { DomainError, RateLimitedError } from './errors'
import { matchesETag } from './etag'

/** Throws a plain-text HTTP error that the nearest ErrorBoundary renders in the site's style. */
export function httpError(status: number, message: string, headers?: HeadersInit): never {
  throw new Response(message, { status, headers: { 'Content-Type': 'text/plain; charset=utf-8', ...headers } })
}

export function notFound(what = 'page'): never {
  return httpError(404, `This ${what} does not exist, or it was removed.`)
}

/** Runs a model call and turns a DomainError into the matching HTTP answer; anything else is a bug (500). */
export function orHttpError<T>(fn: () => T): T {
  try {
    return fn()
  } catch (error) {
    if (error instanceof RateLimitedError) {
      httpError(429, error.message, { 'Retry-After': String(error.retryAfterSeconds) })
    }
    if (error instanceof DomainError) httpError(error.status, error.message)
    throw error
  }
}

/** Formats seconds as "5 hours", "3 minutes" or "40 seconds" for rate-limit messages. */
export function humanDuration(seconds: number) {
  if (seconds >= 90 * 60) {
    const hours = Math.ceil(seconds / 3600)
    return `${hours} hour${hours === 1 ? '' : 's'}`
  }
  if (seconds >= 90) {
    const minutes = Math.ceil(seconds / 60)
    return `${minutes} minute${minutes === 1 ? '' : 's'}`
  }
  const s = Math.max(1, Math.ceil(seconds))
  return `${s} second${s === 1 ? '' : 's'}`
}

/** A strong ETag for a response body: the same bytes give the same tag on every process. */
export function etagFor(body: string) {
  return `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`
}

/** True when the request's If-None-Match already names this ETag (weak or strong, or `*`). */
export function isNotModified(request: Request, etag: string) {
  return matchesETag(request.headers.get('If-None-Match'), etag)
}

/**
 * A route's `headers` export for pages whose action or loader can answer 429 or 503: passes on its
 * Retry-After, for page and single-fetch (.data) answers alike. Without a `headers` export Remix
 * passes on only the cookies of what an action or loader returned or threw.
 */
export const retryAfterHeaders: HeadersFunction = ({ actionHeaders, loaderHeaders, errorHeaders }) => {
  const retryAfter = errorHeaders?.get('Retry-After') ?? actionHeaders.get('Retry-After') ?? loaderHeaders.get('Retry-After')
  return retryAfter ? { 'Retry-After': retryAfter } : new Headers()
}

/**
 * Reads a request's body, keeping at most `keepBytes`. Past that it goes on reading and dropping, up
 * to `readBytes` in all (so the client gets the answer rather than a reset connection), then cancels
 * the stream. `overflow`: the body was larger than `keepBytes` (its `bytes` are then incomplete).
 */
export async function readBody(request: Request, { keepBytes, readBytes = keepBytes }: { keepBytes: number; readBytes?: number }) {
  const chunks: Uint8Array[] = []
  let size = 0
  if (request.body) {
    const reader = request.body.getReader()
    for (;;) {
      const { done, value } = await reader.read()
      if (done) break
      size += value.byteLength
      if (size > readBytes) {
        await reader.cancel()
        break
      }
      if (size <= keepBytes) chunks.push(value)
    }
  }
  const bytes = new Uint8Array(Math.min(size, keepBytes))
  let offset = 0
  for (const chunk of chunks) {
    bytes.set(chunk, offset)
    offset += chunk.byteLength
  }
  return { bytes, overflow: size > keepBytes }
}
