/** What the OpenID log-in routes share: the flow cookie, the callback URL, the slug's shape. */
import { type HeadersFunction } from '@remix-run/node'
import { z } from 'zod'
import { siteOrigin } from './forms.server'

export const OIDC_FLOW_COOKIE = 'summit_sso_flow'
/** The flow cookie goes only to the log-in routes. */
export const OIDC_FLOW_PATH = '/sso/oidc'

/** A provider's short name in URLs: a-z, 0-9 and -, 2 to 30 characters. */
export const ProviderSlug = z.string().regex(/^[a-z0-9](?:[a-z0-9-]{0,28}[a-z0-9])$/)

/** The redirect URI registered at the provider: <origin>/sso/oidc/<slug>/callback. */
export function oidcCallbackUrl(request: Request, slug: string) {
  return `${siteOrigin(request)}${OIDC_FLOW_PATH}/${slug}/callback`
}

/**
 * Whether a navigation came from one of Summit's own pages: Sec-Fetch-Site says so in every current
 * browser; without it, the Referer's origin must be the site's. Neither: not trusted.
 */
export function isSameSiteNavigation(request: Request) {
  const site = request.headers.get('Sec-Fetch-Site')
  if (site) return site === 'same-origin'
  const referer = request.headers.get('Referer')
  if (!referer) return false
  try {
    return new URL(referer).origin === siteOrigin(request)
  } catch {
    return false
  }
}

/** The refusal pages keep their Set-Cookie, Cache-Control and Referrer-Policy. */
export const ssoErrorHeaders: HeadersFunction = ({ errorHeaders, loaderHeaders }) => errorHeaders ?? loaderHeaders
