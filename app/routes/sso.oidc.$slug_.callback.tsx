/**
 * GET /sso/oidc/:slug/callback: where the OpenID provider sends the browser back. Every check is
 * openid-client's (state, PKCE, the ID token's issuer, audience, expiry, nonce and signature);
 * then the member is found by the provider's (iss, sub), created, or connected (models/oidc-login).
 * The flow cookie is cleared on every outcome: a flow is used once.
 */
import { data, type LoaderFunctionArgs, redirect } from '@remix-run/node'
import { GeneralErrorBoundary } from '~/components/error-boundary'
import { flowCookie, readFlowCookie, replaceSession } from '~/lib/auth.server'
import { getDb } from '~/lib/db.server'
import { oidcCallbackUrl, OIDC_FLOW_COOKIE, OIDC_FLOW_PATH, ProviderSlug, ssoErrorHeaders } from '~/lib/sso-routes.server'
import { finishOidcLogin, OidcLoginError } from '~/models/oidc-login.server'
import { NotFoundError } from '~/lib/errors'

export const headers = ssoErrorHeaders

export async function loader({ request, params }: LoaderFunctionArgs) {
  const clearFlow = flowCookie(OIDC_FLOW_COOKIE, '', 0, OIDC_FLOW_PATH, request)
  const refuse = (message: string, status: number) =>
    data(message, {
      status,
      headers: [
        ['Set-Cookie', clearFlow],
        ['Cache-Control', 'no-store'],
        ['Referrer-Policy', 'no-referrer'],
      ],
    })
  const slug = ProviderSlug.safeParse(params.slug)
  if (!slug.success) throw refuse('There is no such identity provider.', 404)
  // The URL the provider redirected to, on the origin the flow registered (PUBLIC_URL behind a proxy).
  const callbackUrl = new URL(oidcCallbackUrl(request, slug.data))
  callbackUrl.search = new URL(request.url).search
  try {
    const result = await finishOidcLogin(getDb(), { slug: slug.data, flowKey: readFlowCookie(request, OIDC_FLOW_COOKIE), callbackUrl })
    const headers = new Headers([
      ['Set-Cookie', clearFlow],
      ['Cache-Control', 'no-store'],
    ])
    if (result.connected) {
      // Connected from the account's own settings: the session stays as it is.
      return redirect(`/settings/sign-in?${new URLSearchParams({ connected: result.providerLabel })}`, { headers })
    }
    headers.append('Set-Cookie', (await replaceSession(result.userId, request)).header)
    return redirect(result.redirectTo, { headers })
  } catch (error) {
    if (error instanceof OidcLoginError) throw refuse(error.message, error.status)
    if (error instanceof NotFoundError) throw refuse('There is no such identity provider.', 404)
    throw error
  }
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />
}
