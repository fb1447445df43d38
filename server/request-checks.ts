/**
 * Requests refused before anything else sees them, and where a request was addressed.
 *
 * - `OPTIONS *` is answered; an absolute-form target (`GET http://host/`, for proxies) is a 400.
 * - Methods Summit does not answer (TRACE, TRACK, WebDAV, made-up ones) are a 405; /api/v1 also
 *   has PUT, PATCH and DELETE (a vote is PUT and DELETE).
 * - Remix's old data requests (`?_data=`) are a 400: pages load their data through single fetch
 *   (.data URLs).
 * - With PUBLIC_URL set, every request is addressed there: the Host a proxy forwards (or does not:
 *   nginx sends its upstream's by default) and X-Forwarded-Host are ignored, and the scheme is
 *   PUBLIC_URL's. Without it, the Host header, which must be well-formed; X-Forwarded-Host is never
 *   believed (a proxy in front should forward Host itself). Everything after this (the cross-site
 *   check, Remix's request URL and its own origin check) sees the same host.
 */
import { type RequestHandler } from 'express'
import { isApiPath } from './origin-check'
import { refuse } from './refuse'

/** A Host header's value: a DNS name or an IPv4 or bracketed IPv6 address, with an optional port. */
const HOST_PATTERN =
  /^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*\.?|\[[0-9a-f:.]+\])(?::(\d{1,5}))?$/i

export function isValidHost(value: string | undefined) {
  const match = HOST_PATTERN.exec(value ?? '')
  return match !== null && (match[1] === undefined || Number(match[1]) <= 65535)
}

/** Methods Summit answers; anything else is a 405. */
const METHODS = new Set(['GET', 'HEAD', 'POST', 'OPTIONS'])
const API_METHODS = new Set([...METHODS, 'PUT', 'PATCH', 'DELETE'])

export const ALLOWED_METHODS = 'GET, HEAD, POST, OPTIONS'

export function requestChecks({ publicUrl }: { publicUrl: URL | null }): RequestHandler {
  const publicProtocol = publicUrl?.protocol.slice(0, -1)
  return (req, res, next) => {
    if (req.url === '*' && req.method === 'OPTIONS') {
      res.set({ Allow: ALLOWED_METHODS, 'Cache-Control': 'no-store' })
      return res.status(204).end()
    }
    if (!req.url.startsWith('/')) {
      return refuse(res, 400, 'This server only answers requests for its own paths.')
    }
    if (!METHODS.has(req.method) && !(API_METHODS.has(req.method) && isApiPath(req))) {
      res.set('Allow', ALLOWED_METHODS)
      return refuse(res, 405, 'This server does not answer that method.')
    }
    if (/_data|%5f/i.test(req.url) && new URL(req.url, 'http://summit.invalid').searchParams.has('_data')) {
      return refuse(res, 400, 'This address asks for data in a form this site does not serve.')
    }
    delete req.headers['x-forwarded-host']
    if (publicUrl) {
      req.headers.host = publicUrl.host
      Object.defineProperty(req, 'protocol', { value: publicProtocol, configurable: true, enumerable: true })
      return next()
    }
    if (!isValidHost(req.headers.host)) {
      return refuse(res, 400, 'The request named no valid host.')
    }
    next()
  }
}
