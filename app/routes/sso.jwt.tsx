/**
 * /sso/jwt: the company's own app logs its customers in with a signed, short-lived token, by a
 * link or redirect (GET ?token=…&redirectTo=…) or by a form on its own site (POST token, redirectTo).
 * The checks are in app/models/jwt-login.server.ts; the guide for developers is docs/sso.md.
 *
 * - Success: a new session cookie and a redirect to `redirectTo` (a path on this site). Redirecting
 *   at once keeps the token out of the address bar, the history and the next page's Referer.
 * - A refused token: 400 (403 when the feature is off) with a page that says why, never the token.
 *   Every answer is `Cache-Control: no-store` and `Referrer-Policy: no-referrer`, so the address
 *   with the token is not kept and not sent on from the error page.
 * - Cross-site POSTs are let through by server.js for exactly this path: the signed token is the
 *   request's only authority, as it is for the link.
 * - No per-address rate limit: a guess needs the secret or the app's private key, a good token
 *   logs in once, and a refusal costs one signature check and writes nothing, so a limit would add
 *   a write per attempt and protect nothing.
 */
import {
  type ActionFunctionArgs,
  type HeadersFunction,
  type LoaderFunctionArgs,
  type MetaFunction,
  redirect,
} from '@remix-run/node'
import { z } from 'zod'
import { GeneralErrorBoundary } from '~/components/error-boundary'
import { replaceSession, safeRedirectPath } from '~/lib/auth.server'
import { getDb } from '~/lib/db.server'
import { readForm } from '~/lib/forms.server'
import { httpError } from '~/lib/http.server'
import { JwtKeysUnavailableError, JwtLoginError, logInWithToken, MAX_TOKEN_BYTES } from '~/models/jwt-login.server'

const PRIVATE_ANSWER = { 'Cache-Control': 'no-store', 'Referrer-Policy': 'no-referrer' }
/** A form carrying a token over the limit still gets its clear message; anything much larger is a 413. */
const MAX_FORM_BYTES = 4 * MAX_TOKEN_BYTES
/** How long to wait before trying again when the app's keys could not be fetched. */
const KEYS_RETRY_AFTER_SECONDS = 30

const Input = z.object({
  token: z.string().min(1),
  redirectTo: z.string().optional(),
})

export const meta: MetaFunction = () => [{ title: 'Logging in · Summit' }, { name: 'robots', content: 'noindex' }]

export const headers: HeadersFunction = ({ errorHeaders }) => {
  const retryAfter = errorHeaders?.get('Retry-After')
  return retryAfter ? { ...PRIVATE_ANSWER, 'Retry-After': retryAfter } : PRIVATE_ANSWER
}

async function logIn(request: Request, fields: Record<string, unknown>) {
  const input = Input.safeParse(fields)
  if (!input.success) {
    httpError(400, 'This sign-in link is incomplete: it carries no token. Go back to the app and follow its link to the community again.', PRIVATE_ANSWER)
  }
  let userId: number
  try {
    ;({ userId } = await logInWithToken(getDb(), input.data.token))
  } catch (error) {
    if (error instanceof JwtLoginError) httpError(error.status, error.message, PRIVATE_ANSWER)
    if (error instanceof JwtKeysUnavailableError) {
      httpError(503, error.message, { ...PRIVATE_ANSWER, 'Retry-After': String(KEYS_RETRY_AFTER_SECONDS) })
    }
    throw error
  }
  const cookie = await replaceSession(userId, request)
  return redirect(safeRedirectPath(input.data.redirectTo), { headers: { ...PRIVATE_ANSWER, 'Set-Cookie': cookie.header } })
}

export async function loader({ request }: LoaderFunctionArgs) {
  // A link checker's HEAD must not use up a single-use token.
  if (request.method === 'HEAD') return null
  const url = new URL(request.url)
  return logIn(request, { token: url.searchParams.get('token') ?? undefined, redirectTo: url.searchParams.get('redirectTo') ?? undefined })
}

export async function action({ request }: ActionFunctionArgs) {
  // server.js takes a cross-site post here as one with no Origin (see isJwtLoginPost there).
  const form = await readForm(request, { maxBytes: MAX_FORM_BYTES, allowNoOrigin: true })
  const token = form.get('token')
  const redirectTo = form.get('redirectTo')
  return logIn(request, {
    token: typeof token === 'string' ? token : undefined,
    redirectTo: typeof redirectTo === 'string' ? redirectTo : undefined,
  })
}

/** Shown only to a HEAD request: every GET or POST is redirected or refused. */
export default function JwtLoginPage() {
  return (
    <section className="card auth-card" aria-labelledby="jwt-login-title">
      <h1 id="jwt-login-title">Logging in</h1>
      <p>Open this link in your browser to log in.</p>
    </section>
  )
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />
}
