/**
 * /sso/jwt: the company's own app logs its customers in with a signed, short-lived token, by a
 * link or redirect (GET ?token=…&redirectTo=…) or by a form on its own site (POST token, redirectTo).
 * The checks are in app/models/jwt-login.server.ts; the guide for developers is docs/sso.md.
 *
 * - Success: a new session cookie and a redirect to `redirectTo` (a path on this site). Redirecting
 *   at once keeps the token out of the address bar, the history and the next page's Referer.
 * - A refused token: a page that says why, 400 (403 when the feature is off, 502 when the app's
 *   keys cannot be fetched), never showing the token. A refused link is first redirected to
 *   /sso/jwt?refused=<reason>, so that page's address holds no token either. Every answer is
 *   `Cache-Control: no-store` and `Referrer-Policy: no-referrer`.
 * - Cross-site POSTs are let through by server/origin-check.ts for exactly this path: the signed token is the
 *   request's only authority, as it is for the link.
 * - No per-address rate limit: a guess needs the secret or the app's private key, a good token
 *   logs in once, and a refusal costs one signature check and writes nothing, so a limit would add
 *   a write per attempt and protect nothing.
 */
import { type ActionFunctionArgs, type HeadersFunction, type LoaderFunctionArgs, type MetaFunction, redirect } from '@remix-run/node'
import { z } from 'zod'
import { GeneralErrorBoundary } from '~/components/error-boundary'
import { replaceSession, safeRedirectPath } from '~/lib/auth.server'
import { getDb } from '~/lib/db.server'
import { readForm } from '~/lib/forms.server'
import { httpError } from '~/lib/http.server'
import {
  JWT_CLAIM_NAMES,
  JWT_REFUSALS,
  JwtKeysUnavailableError,
  JwtLoginError,
  logInWithToken,
  MAX_TOKEN_BYTES,
} from '~/models/jwt-login.server'

const PRIVATE_ANSWER = { 'Cache-Control': 'no-store', 'Referrer-Policy': 'no-referrer' }
/** A form carrying a token over the limit still gets its clear message; anything much larger is a 413. */
const MAX_FORM_BYTES = 4 * MAX_TOKEN_BYTES
const KEYS_UNAVAILABLE = 'keys-unavailable'
const KEYS_UNAVAILABLE_MESSAGE =
  "The signing keys of your company's app could not be fetched, so this sign-in link could not be checked. Go back to the app and try again in a moment."
const NO_TOKEN_MESSAGE =
  'This sign-in link is incomplete: it carries no token. Go back to the app and follow its link to the community again.'

const Query = z.object({
  token: z.string().min(1).optional().catch(undefined),
  redirectTo: z.string().optional().catch(undefined),
  /** Set by the redirect that takes a refused token out of the address (see loader). */
  refused: z
    .enum([...JWT_REFUSALS, KEYS_UNAVAILABLE])
    .optional()
    .catch(undefined),
  claim: z.enum(JWT_CLAIM_NAMES).optional().catch(undefined),
})
const Posted = z.object({ token: z.string().min(1, NO_TOKEN_MESSAGE), redirectTo: z.string().optional() })

export const meta: MetaFunction = () => [{ title: 'Logging in · Summit' }, { name: 'robots', content: 'noindex' }]

export const headers: HeadersFunction = () => PRIVATE_ANSWER

type Refusal = { reason: (typeof JWT_REFUSALS)[number] | typeof KEYS_UNAVAILABLE; claim?: (typeof JWT_CLAIM_NAMES)[number] }

/** Logs the token's customer in, or says why not; any other error is a bug and propagates. */
async function logIn(request: Request, token: string, redirectTo: string | undefined): Promise<Response | Refusal> {
  let userId: number
  try {
    ;({ userId } = await logInWithToken(getDb(), token))
  } catch (error) {
    if (error instanceof JwtLoginError) return { reason: error.reason, claim: error.claim }
    // The app's key server failed, not the visitor: 502, and no "try again" that would re-send a spent link.
    if (error instanceof JwtKeysUnavailableError) return { reason: KEYS_UNAVAILABLE }
    throw error
  }
  const cookie = await replaceSession(userId, request)
  return redirect(safeRedirectPath(redirectTo), { headers: { ...PRIVATE_ANSWER, 'Set-Cookie': cookie.header } })
}

function refusalPage({ reason, claim }: Refusal): never {
  if (reason === KEYS_UNAVAILABLE) httpError(502, KEYS_UNAVAILABLE_MESSAGE, PRIVATE_ANSWER)
  const refusal = new JwtLoginError(reason, claim)
  httpError(refusal.status, refusal.message, PRIVATE_ANSWER)
}

export async function loader({ request }: LoaderFunctionArgs) {
  // A link checker's HEAD must not use up a single-use token.
  if (request.method === 'HEAD') return null
  const query = Query.parse(Object.fromEntries(new URL(request.url).searchParams))
  if (query.token) {
    const result = await logIn(request, query.token, query.redirectTo)
    if (result instanceof Response) return result
    // The page that says why is shown at an address without the token, so the token stays in
    // neither the address bar, the history, nor the links the page makes from its own address.
    const refused = new URLSearchParams({ refused: result.reason, ...(result.claim ? { claim: result.claim } : {}) })
    return redirect(`/sso/jwt?${refused}`, { headers: PRIVATE_ANSWER })
  }
  if (query.refused) refusalPage({ reason: query.refused, claim: query.claim })
  httpError(400, NO_TOKEN_MESSAGE, PRIVATE_ANSWER)
}

export async function action({ request }: ActionFunctionArgs) {
  // server/origin-check.ts takes a cross-site post here as one with no Origin (see isJwtLoginPost there).
  const form = await readForm(request, { maxBytes: MAX_FORM_BYTES, allowNoOrigin: true })
  const input = Posted.safeParse({ token: form.get('token') ?? undefined, redirectTo: form.get('redirectTo') ?? undefined })
  if (!input.success) httpError(400, NO_TOKEN_MESSAGE, PRIVATE_ANSWER)
  // A posted token is in no address: the page that says why is the answer itself.
  const result = await logIn(request, input.data.token, input.data.redirectTo)
  if (result instanceof Response) return result
  refusalPage(result)
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
