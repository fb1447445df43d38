/**
 * Cross-site refusal: every state-changing request must come from the site's own pages, by the same
 * rule readForm() applies again in the app (app/lib/same-origin.ts). Others get 403 here, before
 * Remix sees them: Remix's own origin check answers them with a bare 500.
 *
 * The exceptions carry a signed token as their authority: a mail client's one-click unsubscribe
 * (RFC 8058), which carries neither Origin nor Referer, the company's app posting a customer's login
 * token to /sso/jwt, and /api/v1 (bearer tokens only; its writes reach Remix without cookies).
 */
import { type Request, type RequestHandler } from 'express'
import { comesFromOrigin } from '../app/lib/same-origin'
import { refuse } from './refuse'

/** The site's own origin: PUBLIC_URL when set, else the origin the request was addressed to. */
export function siteOrigin(req: Request, publicUrl: URL | null) {
  return publicUrl ? publicUrl.origin : `${req.protocol}://${req.get('host')}`
}

/**
 * RFC 8058 one-click unsubscribe: mail providers POST `List-Unsubscribe=One-Click` to the link in an
 * e-mail's header from their own servers, with neither Origin nor Referer. Exactly that request is
 * let through: the signed token in its URL is its only authority (the route checks it; it acts on
 * no session), so a forged cross-site form gains nothing a plain GET of the link would not.
 */
function isOneClickUnsubscribe(req: Request) {
  return req.method === 'POST' && req.path === '/unsubscribe' && !req.get('origin') && !req.get('referer')
}

/**
 * The company's own app logs its customers in by posting a signed JWT from a form on its own site,
 * so the browser sends that site's Origin. Exactly a POST to /sso/jwt is let through: the token in
 * its body is its only authority (signed with the admin's secret or the app's key, for this site's
 * audience, valid for minutes and used once), so a forged cross-site form gains nothing a link to
 * /sso/jwt?token=… would not (docs/sso.md: logging in from another site). Its Origin and Referer are
 * removed, or Remix's own origin check would answer it with a bare 500; the route reads it as a
 * form from nowhere.
 */
function isJwtLoginPost(req: Request) {
  return req.method === 'POST' && req.path === '/sso/jwt'
}

/**
 * /api/v1 authenticates by bearer token only, never by the session cookie, so a request from another
 * site carries nothing of a member's: API writes skip the Origin check. The path is the one Remix
 * routes by (WHATWG-normalised, so `/api/v1/%2e%2e/settings` is /api/settings, not the API), and
 * the request's cookies, Origin and Referer are removed, so no route could ever act on it with a
 * browser's session.
 */
export function isApiPath(req: Request) {
  let pathname
  try {
    pathname = new URL(req.originalUrl, 'http://summit.invalid').pathname
  } catch {
    return false
  }
  return pathname === '/api/v1' || pathname.startsWith('/api/v1/')
}

export function originCheck({ publicUrl }: { publicUrl: URL | null }): RequestHandler {
  return (req, res, next) => {
    if (req.method === 'GET' || req.method === 'HEAD' || req.method === 'OPTIONS') return next()
    if (isOneClickUnsubscribe(req)) return next()
    if (isApiPath(req)) {
      delete req.headers.cookie
      delete req.headers.origin
      delete req.headers.referer
      return next()
    }
    if (isJwtLoginPost(req)) {
      delete req.headers.origin
      delete req.headers.referer
      return next()
    }
    if (comesFromOrigin(req.get('origin'), req.get('referer'), siteOrigin(req, publicUrl))) return next()
    refuse(res, 403, 'This form was sent from another site, so it was refused. Go back to the page you came from and try again.')
  }
}
