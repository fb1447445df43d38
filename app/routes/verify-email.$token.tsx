/**
 * /verify-email/:token: the link from a verification e-mail. Opening it changes nothing (mail
 * scanners open links too); the button posts, spends the link and marks the address verified
 * (verifyEmail in app/models/account-recovery.server.ts). No log-in is needed: the link is the proof.
 */
import { type ActionFunctionArgs, data, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData, useNavigation } from '@remix-run/react'
import { GeneralErrorBoundary } from '~/components/error-boundary'
import { getDb } from '~/lib/db.server'
import { readForm } from '~/lib/forms.server'
import { checkAccountToken, type TokenProblem, verifyEmail } from '~/models/account-recovery.server'
import { AccountToken } from '~/schemas/account'

export const meta: MetaFunction = () => [{ title: 'Confirm your e-mail address · Summit' }, { name: 'robots', content: 'noindex' }]

type State = TokenProblem | 'ok' | 'verified'

/** Unknown links are 404; used and expired ones are gone (410). */
function statusOf(state: State) {
  return state === 'invalid' ? 404 : state === 'used' || state === 'expired' ? 410 : 200
}

function tokenOf(params: { token?: string }) {
  const parsed = AccountToken.safeParse(params.token)
  return parsed.success ? parsed.data : null
}

export async function loader({ params }: LoaderFunctionArgs) {
  const token = tokenOf(params)
  const check = token ? checkAccountToken(getDb(), 'verify-email', token) : ({ ok: false, reason: 'invalid' } as const)
  const state: State = check.ok ? 'ok' : check.reason
  return data({ state }, { status: statusOf(state) })
}

export async function action({ request, params }: ActionFunctionArgs) {
  await readForm(request)
  const token = tokenOf(params)
  const result = token ? verifyEmail(getDb(), { token }) : ({ ok: false, reason: 'invalid' } as const)
  const state: State = result.ok ? 'verified' : result.reason
  return data({ state }, { status: statusOf(state) })
}

const PAGES: Record<Exclude<State, 'ok'>, { title: string; text: string }> = {
  verified: { title: 'Your e-mail address is verified', text: 'Thank you: the address of your account is confirmed.' },
  invalid: {
    title: 'This verification link does not work',
    text: 'It may be cut short or mistyped, or a newer link replaced it. Use the link in the newest e-mail, or send a new one from your settings.',
  },
  used: {
    title: 'This verification link was already used',
    text: 'Each link works once. If your settings still say your address is not verified, send a new link from there.',
  },
  expired: {
    title: 'This verification link has expired',
    text: 'Verification links work for 48 hours. Send a new one from your settings.',
  },
}

export default function VerifyEmailPage() {
  const page = useLoaderData<typeof loader>()
  const result = useActionData<typeof action>()
  const busy = useNavigation().state === 'submitting'
  const state = result?.state ?? page.state
  if (state === 'ok') {
    return (
      <section className="card auth-card" aria-labelledby="verify-title">
        <h1 id="verify-title">Confirm your e-mail address</h1>
        <p>Press the button to confirm that this address is yours.</p>
        <Form method="post" className="form">
          <button type="submit" disabled={busy}>
            {busy ? 'Confirming…' : 'Confirm my e-mail address'}
          </button>
        </Form>
      </section>
    )
  }
  const shown = PAGES[state]
  return (
    <section className="card auth-card" aria-labelledby="verify-title">
      <h1 id="verify-title">{shown.title}</h1>
      <p role={state === 'verified' ? 'status' : undefined}>{shown.text}</p>
      <p>{state === 'verified' ? <Link to="/">Go to the home page</Link> : <Link to="/settings">Open your settings</Link>}</p>
    </section>
  )
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />
}
