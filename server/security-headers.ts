/**
 * Security headers on every answer, and the per-request nonce (res.locals.cspNonce) that the app
 * hands to every inline script it renders. In production the Content-Security-Policy allows no
 * inline script without that nonce, and an https site gets Strict-Transport-Security.
 */
import crypto from 'node:crypto'
import { type RequestHandler } from 'express'
import { siteOrigin } from './origin-check'

const FIXED_HEADERS = {
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'strict-origin-when-cross-origin',
  'Permissions-Policy': 'camera=(), microphone=(), geolocation=(), interest-cohort=()',
  'Cross-Origin-Opener-Policy': 'same-origin',
}

export function contentSecurityPolicy(nonce: string) {
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}'`,
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ')
}

export function securityHeaders({ production, publicUrl }: { production: boolean; publicUrl: URL | null }): RequestHandler {
  return (req, res, next) => {
    const nonce = crypto.randomBytes(16).toString('base64')
    res.locals.cspNonce = nonce
    res.set(FIXED_HEADERS)
    if (production) {
      res.set('Content-Security-Policy', contentSecurityPolicy(nonce))
      if (siteOrigin(req, publicUrl).startsWith('https:')) res.set('Strict-Transport-Security', 'max-age=31536000; includeSubDomains')
    }
    next()
  }
}
