import { type ActionFunctionArgs, data, type LoaderFunctionArgs, type MetaFunction, redirect } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData, useNavigation, useSearchParams } from '@remix-run/react'
import { GeneralErrorBoundary } from '~/components/error-boundary'
import { FormErrors, TextField } from '~/components/forms'
import { getUser, replaceSession, safeRedirectPath } from '~/lib/auth.server'
import { getDb } from '~/lib/db.server'
import { fieldFailure, keepFormOnRateLimit, parseForm, readForm } from '~/lib/forms.server'
import { PASSWORD_MIN_LENGTH } from '~/lib/password.server'
import { signUp } from '~/models/users.server'
import { loginOptions, passwordSignupOpen } from '~/models/identities.server'
import { SsoButtons } from '~/components/sso-buttons'

const SIGNUP_CLOSED = 'Accounts here are made by logging in with single sign-on. Use the log-in page.'
import { SignupForm } from '~/schemas/account'
import { retryAfterHeaders } from '~/lib/http.server'

/** A 429 or 503 keeps its Retry-After. */
export const headers = retryAfterHeaders

export const meta: MetaFunction = () => [{ title: 'Sign up · Summit' }]

export async function loader({ request }: LoaderFunctionArgs) {
  if (await getUser(request)) throw redirect('/')
  const { providers } = loginOptions(getDb())
  return { passwordMinLength: PASSWORD_MIN_LENGTH, open: passwordSignupOpen(getDb()), providers }
}

export async function action({ request, context }: ActionFunctionArgs) {
  // Everyone comes in through single sign-on: no account is made with a password.
  if (!passwordSignupOpen(getDb())) throw data(SIGNUP_CLOSED, { status: 403 })
  const form = await readForm(request)
  const parsed = parseForm(form, SignupForm)
  if (!parsed.ok) return data(parsed, { status: 400 })
  const { redirectTo, ...account } = parsed.data
  return keepFormOnRateLimit(form, async () => {
    const result = await signUp(getDb(), { ...account, ip: context.clientIp ?? 'unknown' })
    if (!result.ok) return data(fieldFailure(form, result.field, result.message), { status: 400 })
    const cookie = await replaceSession(result.userId, request)
    return redirect(safeRedirectPath(redirectTo), { headers: { 'Set-Cookie': cookie.header } })
  })
}

export default function SignupPage() {
  const result = useActionData<typeof action>()
  const { passwordMinLength, open, providers } = useLoaderData<typeof loader>()
  const [searchParams] = useSearchParams()
  const busy = useNavigation().state === 'submitting'
  const redirectTo = searchParams.get('redirectTo') ?? '/'
  if (!open) {
    return (
      <section className="card auth-card" aria-labelledby="signup-title">
        <h1 id="signup-title">Create your account</h1>
        <p>{SIGNUP_CLOSED}</p>
        <SsoButtons providers={providers} redirectTo={redirectTo} verb="Continue" />
      </section>
    )
  }
  return (
    <section className="card auth-card" aria-labelledby="signup-title">
      <h1 id="signup-title">Create your account</h1>
      <p className="muted">Vote on ideas, ask and answer questions, and hear back when the product team acts.</p>
      <Form method="post" className="form" noValidate>
        <FormErrors result={result} />
        <input type="hidden" name="redirectTo" value={redirectTo} />
        <TextField
          name="username"
          label="Username"
          hint="2–30 characters: lower-case letters, digits, - and _. Shown publicly."
          autoComplete="username"
          required
          minLength={2}
          maxLength={30}
          result={result}
          // eslint-disable-next-line jsx-a11y/no-autofocus -- a page with one task: its first field is where everyone starts
          autoFocus
        />
        <TextField name="displayName" label="Display name (optional)" autoComplete="name" maxLength={50} result={result} />
        <TextField
          name="email"
          label="E-mail"
          type="email"
          hint="Never shown publicly."
          autoComplete="email"
          required
          maxLength={254}
          result={result}
        />
        <TextField
          name="password"
          label="Password"
          type="password"
          hint={`At least ${passwordMinLength} characters. A few unrelated words make a strong password.`}
          autoComplete="new-password"
          required
          minLength={passwordMinLength}
          maxLength={200}
          result={result}
        />
        <button type="submit" disabled={busy}>
          {busy ? 'Creating your account…' : 'Sign up'}
        </button>
      </Form>
      <p className="muted">
        Already have an account? <Link to={`/login?${new URLSearchParams({ redirectTo })}`}>Log in</Link>
      </p>
    </section>
  )
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />
}
