import { type ActionFunctionArgs, data, type LoaderFunctionArgs, type MetaFunction, redirect } from '@remix-run/node'
import { Form, Link, type ShouldRevalidateFunction, useActionData, useLoaderData, useNavigation, useSearchParams } from '@remix-run/react'
import { useEffect, useRef } from 'react'
import { GeneralErrorBoundary } from '~/components/error-boundary'
import { FormErrors, TextField } from '~/components/forms'
import { getUser, replaceSession, safeRedirectPath } from '~/lib/auth.server'
import { getDb } from '~/lib/db.server'
import { fieldFailure, keepFormOnRateLimit, parseForm, readForm } from '~/lib/forms.server'
import { getSuspension } from '~/models/moderation.server'
import { attemptLogin } from '~/models/users.server'
import { loginOptions } from '~/models/identities.server'
import { SsoButtons } from '~/components/sso-buttons'
import { LoginForm } from '~/schemas/account'
import { retryAfterHeaders } from '~/lib/http.server'

/** A 429 or 503 keeps its Retry-After. */
export const headers = retryAfterHeaders

export const meta: MetaFunction = () => [{ title: 'Log in · Summit' }]

export async function loader({ request }: LoaderFunctionArgs) {
  const url = new URL(request.url)
  if (await getUser(request)) throw redirect(safeRedirectPath(url.searchParams.get('redirectTo')))
  return loginOptions(getDb())
}

export async function action({ request, context }: ActionFunctionArgs) {
  const form = await readForm(request)
  const parsed = parseForm(form, LoginForm)
  if (!parsed.ok) return data(parsed, { status: 400 })
  const { identifier, password, redirectTo } = parsed.data
  return keepFormOnRateLimit(form, async () => {
    const result = await attemptLogin(getDb(), { identifier, password, ip: context.clientIp ?? 'unknown' })
    // The right password, but single sign-on is required for this account: say so, log nobody in.
    if (!result.ok && result.refusal) return data(fieldFailure(form, 'identifier', result.refusal), { status: 403 })
    if (!result.ok) return data(fieldFailure(form, 'password', 'Wrong username, e-mail or password.'), { status: 400 })
    const cookie = await replaceSession(result.userId, request)
    // A suspended member may still log in and read, but first learns why they cannot take part.
    const suspension = getSuspension(getDb(), result.userId)
    if (suspension) {
      return data(
        { suspended: { until: suspension.until.toISOString(), reason: suspension.reason }, redirectTo: safeRedirectPath(redirectTo) },
        { headers: { 'Set-Cookie': cookie.header } },
      )
    }
    return redirect(safeRedirectPath(redirectTo), { headers: { 'Set-Cookie': cookie.header } })
  })
}

/** After a suspended member logs in, stay on the notice instead of following the loader's "already logged in" redirect. */
export const shouldRevalidate: ShouldRevalidateFunction = ({ actionResult, defaultShouldRevalidate }) =>
  actionResult && typeof actionResult === 'object' && 'suspended' in actionResult ? false : defaultShouldRevalidate

export default function LoginPage() {
  const result = useActionData<typeof action>()
  const { providers, passwordFor } = useLoaderData<typeof loader>()
  const [searchParams] = useSearchParams()
  const busy = useNavigation().state === 'submitting'
  const redirectTo = searchParams.get('redirectTo') ?? '/'
  const passwordReset = searchParams.get('done') === 'password-reset'
  const formRef = useRef<HTMLFormElement>(null)
  // After a failed attempt the password is cleared, as a page reload without JavaScript does.
  useEffect(() => {
    const password = formRef.current?.elements.namedItem('password')
    if (result && password instanceof HTMLInputElement) password.value = ''
  }, [result])
  if (result && 'suspended' in result) {
    return (
      <section className="card auth-card" aria-labelledby="login-title">
        <h1 id="login-title">Your account is suspended</h1>
        <p role="alert">
          Your account is suspended until {result.suspended.until.slice(0, 10)}. Reason: {result.suspended.reason}
        </p>
        <p>You are logged in and can read everything, but you cannot post, vote or flag until then.</p>
        <p>
          <Link to={result.redirectTo}>Continue</Link>
        </p>
      </section>
    )
  }
  const failure = result && 'suspended' in result ? null : result
  const passwordForm = (
    <Form ref={formRef} method="post" className="form" noValidate aria-describedby={failure?.formErrors?.length ? 'form-error' : undefined}>
      <FormErrors result={failure} />
      <input type="hidden" name="redirectTo" value={redirectTo} />
      <TextField
        name="identifier"
        label="Username or e-mail"
        autoComplete="username"
        required
        maxLength={254}
        result={failure}
        // eslint-disable-next-line jsx-a11y/no-autofocus -- a page with one task: its first field is where everyone starts
        autoFocus={providers.length === 0}
      />
      <TextField
        name="password"
        label="Password"
        type="password"
        autoComplete="current-password"
        required
        maxLength={200}
        result={failure}
      />
      <button type="submit" disabled={busy}>
        {busy ? 'Logging in…' : 'Log in'}
      </button>
      <p className="muted">
        <Link to="/forgot-password">Forgot your password?</Link>
      </p>
    </Form>
  )
  return (
    <section className="card auth-card" aria-labelledby="login-title">
      <h1 id="login-title">Log in</h1>
      {passwordReset && !failure ? (
        <p className="notice" role="status">
          Your password was changed and every session of your account was logged out. Log in with your new password.
        </p>
      ) : null}
      <SsoButtons providers={providers} redirectTo={redirectTo} />
      {providers.length > 0 && passwordFor !== 'break-glass' ? <p className="auth-divider">or with your password</p> : null}
      {passwordFor === 'break-glass' ? (
        <details open={Boolean(failure)}>
          <summary>Administrator log-in with a password</summary>
          {passwordForm}
        </details>
      ) : (
        passwordForm
      )}
      {passwordFor === 'everyone' || passwordFor === 'members' ? (
        <p className="muted">
          New here? <Link to={`/signup?${new URLSearchParams({ redirectTo })}`}>Create an account</Link>
        </p>
      ) : null}
    </section>
  )
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />
}
