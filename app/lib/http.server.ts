import { DomainError, RateLimitedError } from './errors'

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
    return `${hours} hours`
  }
  if (seconds >= 90) {
    const minutes = Math.ceil(seconds / 60)
    return `${minutes} minute${minutes === 1 ? '' : 's'}`
  }
  const s = Math.max(1, Math.ceil(seconds))
  return `${s} second${s === 1 ? '' : 's'}`
}
