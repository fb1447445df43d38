/**
 * /forgot-password: asks for a password reset link by e-mail address. The answer is the same
 * whether or not an account has the address (requestPasswordReset in
 * app/models/account-recovery.server.ts); too many requests for one address or from one network
 * are a 429 that keeps the form.
 */
import { type ActionFunctionArgs, data, type LoaderFunctionArgs, type MetaFunction, redirect } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData, useNavigation } from '@remix-run/react'
import { GeneralErrorBoundary } from '~/components/error-boundary'
import { FormErrors, TextField } from '~/components/forms'
import { getDb } from '~/lib/db.server'
import { keepFormOnRateLimit, parseForm, readForm } from '~/lib/forms.server'
import { retryAfterHeaders } from '~/lib/http.server'
import { requestPasswordReset } from '~/models/account-recovery.server'
import { getEmailSetting } from '~/models/settings.server'
import { ForgotPasswordForm } from '~/schemas/account'

/** A 429 or 503 keeps its Retry-After. */
export const headers = retryAfterHeaders

export const meta: MetaFunction = () => [{ title: 'Forgot your password? · Summit' }, { name: 'robots', content: 'noindex' }]

export async function loader({ request }: LoaderFunctionArgs) {
  return {
    emailOn: getEmailSetting(getDb()).enabled,
    sent: new URL(request.url).searchParams.get('sent') === '1',
  }
}

export async function action({ request, context }: ActionFunctionArgs) {
  const form = await readForm(request)
  const parsed = parseForm(form, ForgotPasswordForm)
  if (!parsed.ok) return data(parsed, { status: 400 })
  return keepFormOnRateLimit(form, async () => {
    requestPasswordReset(getDb(), { email: parsed.data.email, ip: context.clientIp ?? 'unknown' })
    // The same answer whether or not the address has an account.
    return redirect('/forgot-password?sent=1')
  })
}

export default function ForgotPasswordPage() {
  const { emailOn, sent } = useLoaderData<typeof loader>()
  const result = useActionData<typeof action>()
  const busy = useNavigation().state === 'submitting'
  return (
    <section className="card auth-card" aria-labelledby="forgot-title">
      <h1 id="forgot-title">Forgot your password?</h1>
      {sent ? (
        <p className="notice" role="status">
          If an account has this address, we sent it a link to choose a new password. The link works once, within 1 hour. Check your spam
          folder if nothing arrives.
        </p>
      ) : null}
      {emailOn ? (
        <>
          <p className="muted">Enter the e-mail address of your account, and we will send you a link to choose a new password.</p>
          <Form method="post" className="form" noValidate>
            <FormErrors result={result} />
            <TextField
              name="email"
              label="E-mail"
              type="email"
              autoComplete="email"
              required
              maxLength={254}
              result={result}
              // eslint-disable-next-line jsx-a11y/no-autofocus -- a page with one task: its first field is where everyone starts
              autoFocus={!sent}
            />
            <button type="submit" disabled={busy}>
              {busy ? 'Sending…' : 'Send me a reset link'}
            </button>
          </Form>
        </>
      ) : (
        <p className="notice notice-warning">
          This site does not send e-mail at the moment, so no reset link can reach you. Ask an administrator of the site for a reset link.
        </p>
      )}
      <p className="muted">
        Remembered it? <Link to="/login">Log in</Link>
      </p>
    </section>
  )
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />
}
