/**
 * /settings/tokens: the member's personal access tokens for /api/v1. A new token is shown once, in
 * the answer to the form that made it; the list shows names, scopes, expiry and last use, and
 * revokes. Scopes are bounded by the member's role (only admins can give `admin`).
 */
import { type ActionFunctionArgs, data, type LoaderFunctionArgs, type MetaFunction, redirect } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData, useNavigation } from '@remix-run/react'
import { z } from 'zod'
import { GeneralErrorBoundary } from '~/components/error-boundary'
import { FormErrors, TextField } from '~/components/forms'
import { requireUser } from '~/lib/auth.server'
import { getDb } from '~/lib/db.server'
import { ConflictError } from '~/lib/errors'
import { fieldFailure, parseForm, readForm } from '~/lib/forms.server'
import { orHttpError } from '~/lib/http.server'
import { requirePermission } from '~/lib/permissions.server'
import { API_SCOPES, type ApiScope, createApiToken, listApiTokens, revokeApiToken, scopesAllowed } from '~/models/api-tokens.server'

export const meta: MetaFunction = () => [{ title: 'API tokens · Settings · Summit' }]

const SCOPE_LABELS: Record<ApiScope, string> = {
  read: 'read: list and read everything you can see on the site',
  write: 'write: post, edit, vote and comment as you',
  admin: 'admin: the admin resources (users, companies)',
}

const day = (d: Date | null) => (d ? d.toISOString().slice(0, 10) : null)

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requirePermission(request, 'create:api-token')
  const done = new URL(request.url).searchParams.get('done')
  return {
    tokens: listApiTokens(getDb(), user.id).map((t) => ({
      ...t,
      expiresAt: day(t.expiresAt),
      lastUsedAt: t.lastUsedAt?.toISOString().slice(0, 16).replace('T', ' ') ?? null,
      createdAt: day(t.createdAt),
      revokedAt: day(t.revokedAt),
    })),
    scopes: scopesAllowed(user.role),
    notice: done === 'revoked' ? 'The token was revoked. Requests with it now get 401.' : null,
  }
}

const Create = z.object({
  intent: z.literal('create'),
  name: z.string({ error: 'Name the token.' }).trim().min(1, 'Name the token.').max(60, 'Use at most 60 characters.'),
  scope: z
    .union([z.enum(API_SCOPES), z.array(z.enum(API_SCOPES))], { error: 'Choose at least one scope.' })
    .transform((v) => (Array.isArray(v) ? v : [v])),
  expires: z.enum(['never', '30', '90', '365'], { error: 'Choose when it expires.' }),
})
const Revoke = z.object({
  intent: z.literal('revoke'),
  tokenId: z
    .string()
    .regex(/^[1-9]\d{0,15}$/, 'Choose a token.')
    .transform(Number),
})

export async function action({ request }: ActionFunctionArgs) {
  const user = await requireUser(request)
  const form = await readForm(request)
  const intent = form.get('intent')
  if (intent === 'revoke') {
    const parsed = parseForm(form, Revoke)
    if (!parsed.ok) return data({ ...parsed, intent: 'revoke' }, { status: 400 })
    orHttpError(() => revokeApiToken(getDb(), user.id, parsed.data.tokenId))
    return redirect('/settings/tokens?done=revoked')
  }
  // Several checked boxes share a name: read them all.
  const fields = {
    intent: form.get('intent'),
    name: form.get('name'),
    expires: form.get('expires'),
    scope: form.getAll('scope').length ? form.getAll('scope') : undefined,
  }
  const parsed = Create.safeParse(fields)
  if (!parsed.success) {
    const fieldErrors: Record<string, string[]> = {}
    for (const issue of parsed.error.issues) (fieldErrors[String(issue.path[0] ?? 'name')] ??= []).push(issue.message)
    return data(
      { ok: false as const, intent: 'create', fields: { name: String(form.get('name') ?? '') }, fieldErrors, formErrors: [] },
      { status: 400 },
    )
  }
  const { name, scope, expires } = parsed.data
  const expiresAt = expires === 'never' ? null : new Date(Date.now() + Number(expires) * 86_400_000)
  try {
    const created = createApiToken(getDb(), { userId: user.id, role: user.role, name, scopes: scope, expiresAt })
    return { ok: true as const, intent: 'create', token: created.token, name }
  } catch (error) {
    if (error instanceof ConflictError) return data({ ...fieldFailure(form, 'scope', error.message), intent: 'create' }, { status: 409 })
    throw error
  }
}

export default function TokensPage() {
  const { tokens, scopes, notice } = useLoaderData<typeof loader>()
  const result = useActionData<typeof action>()
  const busy = useNavigation().state === 'submitting'
  const created = result && result.ok ? result : null
  const failure = result && !result.ok && result.intent === 'create' ? result : null
  const scopeError = failure?.fieldErrors?.scope?.[0]
  return (
    <div className="stack">
      <p>
        <Link to="/settings">← Settings</Link>
      </p>
      <h1>API tokens</h1>
      <p>
        A token lets a script or another tool use the <Link to="/api">Summit API</Link> as you: send it as{' '}
        <code>Authorization: Bearer smt_…</code>. It can never do more than you can on the site.
      </p>
      {notice ? (
        <p className="notice" role="status">
          {notice}
        </p>
      ) : null}
      {created ? (
        <div className="notice" role="status">
          <p>
            <strong>{`Your new token “${created.name}”.`}</strong> Copy it now: it is not shown again.
          </p>
          <p>
            <code className="token-value">{created.token}</code>
          </p>
        </div>
      ) : null}

      <section className="card" aria-labelledby="new-token-title">
        <h2 id="new-token-title">New token</h2>
        <Form method="post" className="form" noValidate>
          <FormErrors result={failure} />
          <input type="hidden" name="intent" value="create" />
          <TextField name="name" label="Name" hint="What it is for, such as “Jira sync”." maxLength={60} required result={failure} />
          <fieldset className="choice-group" aria-describedby={scopeError ? 'scope-error' : undefined}>
            <legend>Scopes</legend>
            {scopes.map((scope) => (
              <div className="choice" key={scope}>
                <input type="checkbox" id={`scope-${scope}`} name="scope" value={scope} defaultChecked={scope === 'read'} />
                <label htmlFor={`scope-${scope}`}>{SCOPE_LABELS[scope]}</label>
              </div>
            ))}
            {scopeError ? (
              <p id="scope-error" className="field-error">
                {scopeError}
              </p>
            ) : null}
          </fieldset>
          <div className="field">
            <label htmlFor="expires">Expires</label>
            <select id="expires" name="expires" defaultValue="90">
              <option value="30">in 30 days</option>
              <option value="90">in 90 days</option>
              <option value="365">in a year</option>
              <option value="never">never</option>
            </select>
          </div>
          <button type="submit" disabled={busy}>
            Create token
          </button>
        </Form>
      </section>

      <section className="card" aria-labelledby="tokens-title">
        <h2 id="tokens-title">Your tokens</h2>
        {tokens.length === 0 ? (
          <p className="muted">You have no tokens.</p>
        ) : (
          <table className="data-table">
            <caption className="visually-hidden">Your API tokens</caption>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Starts with</th>
                <th scope="col">Scopes</th>
                <th scope="col">Expires</th>
                <th scope="col">Last used</th>
                <th scope="col">State</th>
              </tr>
            </thead>
            <tbody>
              {tokens.map((t) => (
                <tr key={t.id}>
                  <th scope="row">{t.name}</th>
                  <td>
                    <code>{t.prefix}…</code>
                  </td>
                  <td>{t.scopes.join(', ')}</td>
                  <td>{t.expiresAt ?? 'never'}</td>
                  <td>{t.lastUsedAt ?? 'never'}</td>
                  <td>
                    {t.state === 'active' ? (
                      <Form method="post">
                        <input type="hidden" name="intent" value="revoke" />
                        <input type="hidden" name="tokenId" value={t.id} />
                        <button type="submit" className="button-secondary">{`Revoke ${t.name}`}</button>
                      </Form>
                    ) : t.state === 'revoked' ? (
                      `revoked ${t.revokedAt}`
                    ) : (
                      'expired'
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </div>
  )
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />
}
