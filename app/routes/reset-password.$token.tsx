/**
 * /reset-password/:token: the link from a reset e-mail (or handed over by an admin). Opening it
 * spends nothing; posting a new password (twice) does: every session of the member ends and they
 * log in with the new password (resetPassword in app/models/account-recovery.server.ts). A link
 * that is used, expired or unknown gets a page that says so, with the way to a new one.
 */
import { type ActionFunctionArgs, data, type LoaderFunctionArgs, type MetaFunction, redirect } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData, useNavigation } from '@remix-run/react'
import { GeneralErrorBoundary } from '~/components/error-boundary'
import { FormErrors, TextField } from '~/components/forms'
import { getDb } from '~/lib/db.server'
import { fieldFailure, parseForm, readForm } from '~/lib/forms.server'
import { PASSWORD_MIN_LENGTH } from '~/lib/password.server'
import { checkAccountToken, type TokenProblem, resetPassword } from '~/models/account-recovery.server'
import { AccountToken, ResetPasswordForm } from '~/schemas/account'

export const meta: MetaFunction = () => [{ title: 'Choose a new password · Summit' }, { name: 'robots', content: 'noindex' }]

/** Unknown links are 404; used and expired ones are gone (410). */
function problemPage(reason: TokenProblem) {
  return data({ state: reason, username: null, passwordMinLength: PASSWORD_MIN_LENGTH }, { status: reason === 'invalid' ? 404 : 410 })
}

function tokenOf(params: { token?: string }) {
  const parsed = AccountToken.safeParse(params.token)
  return parsed.success ? parsed.data : null
}

export async function loader({ params }: LoaderFunctionArgs) {
  const token = tokenOf(params)
  const check = token ? checkAccountToken(getDb(), 'reset-password', token) : ({ ok: false, reason: 'invalid' } as const)
  if (!check.ok) return problemPage(check.reason)
  return data({ state: 'ok' as TokenProblem | 'ok', username: check.username as string | null, passwordMinLength: PASSWORD_MIN_LENGTH })
}

export async function action({ request, params }: ActionFunctionArgs) {
  const form = await readForm(request)
  const token = tokenOf(params)
  if (!token) return problemPage('invalid')
  const parsed = parseForm(form, ResetPasswordForm)
  if (!parsed.ok) return data(parsed, { status: 400 })
  const result = await resetPassword(getDb(), { token, password: parsed.data.password })
  if (!result.ok)
    return 'field' in result ? data(fieldFailure(form, result.field, result.message), { status: 400 }) : problemPage(result.reason)
  return redirect('/login?done=password-reset')
}

const PROBLEMS: Record<TokenProblem, { title: string; text: string }> = {
  invalid: {
    title: 'This reset link does not work',
    text: 'It may be cut short or mistyped, or a newer link replaced it. Copy the whole link from the newest e-mail, or ask for a new one.',
  },
  used: {
    title: 'This reset link was already used',
    text: 'Each link works once. If you did not change your password yourself, ask for a new link now.',
  },
  expired: { title: 'This reset link has expired', text: 'Reset links work for 1 hour. Ask for a new one.' },
}

export default function ResetPasswordPage() {
  const page = useLoaderData<typeof loader>()
  const result = useActionData<typeof action>()
  const busy = useNavigation().state === 'submitting'
  const state = result && 'state' in result ? result.state : page.state
  if (state !== 'ok') {
    const problem = PROBLEMS[state]
    return (
      <section className="card auth-card" aria-labelledby="reset-title">
        <h1 id="reset-title">{problem.title}</h1>
        <p>{problem.text}</p>
        <p>
          <Link to="/forgot-password">Ask for a new reset link</Link> · <Link to="/login">Log in</Link>
        </p>
      </section>
    )
  }
  const failure = result && 'ok' in result ? result : null
  return (
    <section className="card auth-card" aria-labelledby="reset-title">
      <h1 id="reset-title">Choose a new password</h1>
      <p className="muted">
        For the account <strong>{page.username}</strong>. Choosing a new password logs this account out everywhere; you then log in with the
        new one.
      </p>
      <Form method="post" className="form" noValidate>
        <FormErrors result={failure} />
        <TextField
          name="password"
          label="New password"
          type="password"
          hint={`At least ${page.passwordMinLength} characters. A few unrelated words make a strong password.`}
          autoComplete="new-password"
          required
          minLength={page.passwordMinLength}
          maxLength={200}
          result={failure}
          // eslint-disable-next-line jsx-a11y/no-autofocus -- a page with one task: its first field is where everyone starts
          autoFocus
        />
        <TextField
          name="confirmPassword"
          label="Repeat the new password"
          type="password"
          autoComplete="new-password"
          required
          maxLength={200}
          result={failure}
        />
        <button type="submit" disabled={busy}>
          {busy ? 'Saving…' : 'Save the new password'}
        </button>
      </Form>
    </section>
  )
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />
}
