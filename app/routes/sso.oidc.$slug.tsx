/**
 * GET /sso/oidc/:slug: starts a log-in through the OpenID provider `slug` and redirects to it.
 * `?redirectTo=/path` is where to land afterwards. `?connect=1` (from /settings/account) connects
 * the provider to the logged-in account instead; that binds the provider's account to this one, so
 * it is only started from Summit's own pages (Sec-Fetch-Site or Referer), never from another site's
 * link, which could connect an account of the attacker's choosing.
 *
 * A plain link, not a form: the site's Content-Security-Policy allows forms to post only to itself,
 * and browsers apply that to the redirect a form's answer makes.
 */
import { data, type LoaderFunctionArgs, redirect } from '@remix-run/node'
import { GeneralErrorBoundary } from '~/components/error-boundary'
import { flowCookie, newFlowToken, requireUser, safeRedirectPath } from '~/lib/auth.server'
import { getDb } from '~/lib/db.server'
import { NotFoundError } from '~/lib/errors'
import {
  isSameSiteNavigation,
  oidcCallbackUrl,
  OIDC_FLOW_COOKIE,
  OIDC_FLOW_PATH,
  ProviderSlug,
  ssoErrorHeaders,
} from '~/lib/sso-routes.server'
import { FLOW_TTL_MS, OidcLoginError, startOidcLogin } from '~/models/oidc-login.server'

export const headers = ssoErrorHeaders

export async function loader({ request, params }: LoaderFunctionArgs) {
  const slug = ProviderSlug.safeParse(params.slug)
  if (!slug.success) throw data('There is no such identity provider.', { status: 404, headers: { 'Cache-Control': 'no-store' } })
  const url = new URL(request.url)
  const connect = url.searchParams.get('connect') === '1'
  let linkUserId: number | null = null
  if (connect) {
    linkUserId = (await requireUser(request)).id
    if (!isSameSiteNavigation(request)) {
      throw data('Connect an identity provider from your account settings.', { status: 403, headers: { 'Cache-Control': 'no-store' } })
    }
  }
  const flowKey = newFlowToken()
  try {
    const target = await startOidcLogin(getDb(), {
      slug: slug.data,
      flowKey,
      redirectUri: oidcCallbackUrl(request, slug.data),
      redirectTo: safeRedirectPath(url.searchParams.get('redirectTo'), connect ? '/settings/sign-in' : '/'),
      linkUserId,
    })
    return redirect(target.href, {
      headers: {
        'Set-Cookie': flowCookie(OIDC_FLOW_COOKIE, flowKey, FLOW_TTL_MS / 1000, OIDC_FLOW_PATH, request),
        'Cache-Control': 'no-store',
      },
    })
  } catch (error) {
    if (error instanceof OidcLoginError) throw data(error.message, { status: error.status, headers: { 'Cache-Control': 'no-store' } })
    if (error instanceof NotFoundError)
      throw data('There is no such identity provider.', { status: 404, headers: { 'Cache-Control': 'no-store' } })
    throw error
  }
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />
}
