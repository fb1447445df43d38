/**
 * /settings/sign-in: how the member logs in. The identity providers connected to the account (from
 * an OpenID provider or the company's app), a link to connect each other provider the site offers,
 * disconnecting one (never the last way in), and a first password for an account made through
 * single sign-on.
 */
import { type ActionFunctionArgs, data, type LoaderFunctionArgs, type MetaFunction, redirect } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData, useNavigation } from '@remix-run/react'
import { z } from 'zod'
import { GeneralErrorBoundary } from '~/components/error-boundary'
import { FormErrors, type FormResult, TextField } from '~/components/forms'
import { changePassword, requireUser } from '~/lib/auth.server'
import { getDb } from '~/lib/db.server'
import { fieldFailure, parseForm, readForm } from '~/lib/forms.server'
import { orHttpError } from '~/lib/http.server'
import { PASSWORD_MIN_LENGTH } from '~/lib/password.server'
import { disconnectIdentity, listIdentities, loginOptions } from '~/models/identities.server'
import { accountHasPassword, checkFirstPassword } from '~/models/users.server'
import { NewPassword } from '~/schemas/account'

export const meta: MetaFunction = () => [{ title: 'Sign-in methods · Settings · Summit' }]

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request)
  const db = getDb()
  const url = new URL(request.url)
  const identities = listIdentities(db, user.id)
  const { providers } = loginOptions(db)
  const connected = url.searchParams.get('connected')
  const done = url.searchParams.get('done')
  return {
    identities: identities.map((i) => ({
      id: i.id,
      label: i.label,
      email: i.email,
      since: i.createdAt.toISOString().slice(0, 10),
      lastLogin: i.lastLoginAt?.toISOString().slice(0, 10) ?? null,
    })),
    // The providers this account is not connected to yet.
    connectable: providers.filter((p) => !identities.some((i) => i.slug === p.slug)),
    hasPassword: accountHasPassword(db, user.id),
    passwordMinLength: PASSWORD_MIN_LENGTH,
    notice: connected
      ? `${connected.slice(0, 60)} is now connected to your account.`
      : done === 'password'
        ? 'Your password was set. You can now log in with it too.'
        : done === 'disconnected'
          ? 'The connection was removed.'
          : null,
  }
}

const Intent = z.discriminatedUnion('intent', [
  z.object({
    intent: z.literal('disconnect'),
    identityId: z
      .string()
      .regex(/^[1-9]\d{0,15}$/, 'Choose a connection.')
      .transform(Number),
  }),
  z
    .object({
      intent: z.literal('set-password'),
      newPassword: NewPassword,
      confirmPassword: z.string({ error: 'Repeat the password.' }).max(200),
    })
    .refine((v) => v.newPassword === v.confirmPassword, { path: ['confirmPassword'], message: 'The two passwords differ.' }),
])

export async function action({ request }: ActionFunctionArgs) {
  const user = await requireUser(request)
  const form = await readForm(request)
  const parsed = parseForm(form, Intent)
  if (!parsed.ok) return data({ ...parsed, intent: String(form.get('intent') ?? '') }, { status: 400 })
  const db = getDb()
  const input = parsed.data
  if (input.intent === 'disconnect') {
    orHttpError(() => disconnectIdentity(db, user.id, input.identityId))
    return redirect('/settings/sign-in?done=disconnected')
  }
  const verdict = orHttpError(() => checkFirstPassword(db, user.id, input.newPassword))
  if (!verdict.ok) return data({ ...fieldFailure(form, 'newPassword', verdict.message), intent: 'set-password' }, { status: 400 })
  // Like a password change: every other session ends.
  const cookie = await changePassword(user.id, input.newPassword, request)
  return redirect('/settings/sign-in?done=password', { headers: { 'Set-Cookie': cookie } })
}

export default function SignInMethodsPage() {
  const { identities, connectable, hasPassword, passwordMinLength, notice } = useLoaderData<typeof loader>()
  const result = useActionData<typeof action>()
  const navigation = useNavigation()
  const busyIntent = navigation.state === 'submitting' ? navigation.formData?.get('intent') : null
  const passwordResult = (result?.intent === 'set-password' ? result : undefined) as FormResult
  const lastWayIn = identities.length === 1 && !hasPassword
  return (
    <div className="stack">
      <p>
        <Link to="/settings">← Settings</Link>
      </p>
      <h1>Sign-in methods</h1>
      {notice ? (
        <p className="notice" role="status">
          {notice}
        </p>
      ) : null}

      <section className="card" aria-labelledby="connected-title">
        <h2 id="connected-title">Connected accounts</h2>
        {identities.length === 0 ? (
          <p className="muted">No identity provider is connected. You log in with your password.</p>
        ) : (
          <ul className="plain-list">
            {identities.map((identity) => (
              <li key={identity.id}>
                <strong>{identity.label}</strong>
                {identity.email ? <> as {identity.email}</> : null} <span className="muted">· connected {identity.since}</span>
                {identity.lastLogin ? <span className="muted"> · last log-in {identity.lastLogin}</span> : null}
                {lastWayIn ? (
                  <p className="muted">This is your only way in. Set a password below before you disconnect it.</p>
                ) : (
                  <Form method="post" className="inline-form">
                    <input type="hidden" name="intent" value="disconnect" />
                    <input type="hidden" name="identityId" value={identity.id} />
                    <button type="submit" className="button-secondary" disabled={busyIntent === 'disconnect'}>
                      Disconnect {identity.label}
                    </button>
                  </Form>
                )}
              </li>
            ))}
          </ul>
        )}
        {connectable.length > 0 ? (
          <>
            <h3>Connect another</h3>
            <p className="muted">After you connect one, it logs you into this account. You will be sent to the provider to log in there.</p>
            <ul className="sso-buttons">
              {connectable.map((p) => (
                <li key={p.slug}>
                  <a className="button button-secondary sso-button" href={`/sso/oidc/${encodeURIComponent(p.slug)}?connect=1`}>
                    Connect {p.label}
                  </a>
                </li>
              ))}
            </ul>
          </>
        ) : null}
      </section>

      <section className="card" aria-labelledby="password-title">
        <h2 id="password-title">Password</h2>
        {hasPassword ? (
          <p>
            You can also log in with your password. <Link to="/settings">Change it on the settings page.</Link>
          </p>
        ) : (
          <Form method="post" className="form" noValidate>
            <p className="muted">
              Your account was made through single sign-on and has no password. Set one to log in without your provider.
            </p>
            <FormErrors result={passwordResult} />
            <input type="hidden" name="intent" value="set-password" />
            <TextField
              name="newPassword"
              label="New password"
              hint={`At least ${passwordMinLength} characters.`}
              type="password"
              autoComplete="new-password"
              maxLength={200}
              required
              result={passwordResult}
            />
            <TextField
              name="confirmPassword"
              label="Repeat the password"
              type="password"
              autoComplete="new-password"
              maxLength={200}
              required
              result={passwordResult}
            />
            <button type="submit" disabled={busyIntent === 'set-password'}>
              Set password
            </button>
          </Form>
        )}
      </section>
    </div>
  )
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />
}
