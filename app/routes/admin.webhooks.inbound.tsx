/**
 * /admin/webhooks/inbound: inbound hooks, the addresses a tracker calls to move the ideas linked to
 * a work item (docs/integrations.md). Make one (its secret is in the action's answer only, shown
 * this once) or revoke one. A hook acts as the admin who made it. Admins only (`manage:webhooks`);
 * plain posts that work without JavaScript.
 */
import { type ActionFunctionArgs, data, type LoaderFunctionArgs, type MetaFunction, redirect } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData, useNavigation } from '@remix-run/react'
import { z } from 'zod'
import { GeneralErrorBoundary } from '~/components/error-boundary'
import { FormErrors, TextField } from '~/components/forms'
import { getDb } from '~/lib/db.server'
import { parseForm, readForm, siteOrigin } from '~/lib/forms.server'
import { orHttpError } from '~/lib/http.server'
import { requirePermission } from '~/lib/permissions.server'
import { createInboundHook, listInboundHooks, revokeInboundHook } from '~/models/inbound-hooks.server'

/** As inbound_hooks_name_length allows. */
const INBOUND_HOOK_NAME_MAX = 80

export const meta: MetaFunction = () => [{ title: 'Inbound hooks · Webhooks · Admin · Summit' }]

export async function loader({ request }: LoaderFunctionArgs) {
  await requirePermission(request, 'manage:webhooks')
  const url = new URL(request.url)
  return {
    hooks: listInboundHooks(getDb()),
    base: `${siteOrigin(request)}/api/v1/inbound/`,
    revoked: url.searchParams.get('done') === 'revoked',
  }
}

const Intent = z.discriminatedUnion('intent', [
  z.object({
    intent: z.literal('create'),
    name: z
      .string()
      .trim()
      .min(1, 'Name the hook, after the tracker that calls it.')
      .max(INBOUND_HOOK_NAME_MAX, `Keep the name under ${INBOUND_HOOK_NAME_MAX} characters.`),
  }),
  z.object({
    intent: z.literal('revoke'),
    hookId: z
      .string()
      .regex(/^[1-9]\d{0,15}$/, 'Choose a hook.')
      .transform(Number),
  }),
])

export async function action({ request }: ActionFunctionArgs) {
  const form = await readForm(request)
  const parsed = parseForm(form, Intent)
  if (!parsed.ok) return data({ ...parsed, intent: String(form.get('intent') ?? '') }, { status: 400 })
  const user = await requirePermission(request, 'manage:webhooks')
  const db = getDb()
  if (parsed.data.intent === 'revoke') {
    const { hookId } = parsed.data
    orHttpError(() => revokeInboundHook(db, { actorId: user.id, id: hookId }))
    return redirect('/admin/webhooks/inbound?done=revoked')
  }
  const { name } = parsed.data
  const created = createInboundHook(db, { actorId: user.id, name })
  return {
    ok: true as const,
    created: { id: created.id, name, secret: created.secret, url: `${siteOrigin(request)}/api/v1/inbound/${created.id}` },
  }
}

const STAMP = new Intl.DateTimeFormat('en', {
  year: 'numeric',
  month: 'short',
  day: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
  timeZone: 'UTC',
})
const stamp = (value: string | Date | null) => (value ? `${STAMP.format(new Date(value))} UTC` : 'never')

export default function AdminInboundHooks() {
  const { hooks, base, revoked } = useLoaderData<typeof loader>()
  const result = useActionData<typeof action>()
  const created = result && 'created' in result ? result.created : null
  const failure = result && !result.ok ? result : null
  const busy = useNavigation().state === 'submitting'
  return (
    <div className="admin-page">
      <header className="page-header">
        <h1>Inbound hooks</h1>
      </header>
      <p className="muted">
        <Link to="/admin/webhooks">Webhooks</Link> › Inbound. A tracker calls an inbound hook to move the ideas linked to a work item:
        closing the issue ships the idea and tells every voter. Calls are signed with the hook’s secret (Standard Webhooks) or send it as{' '}
        <code>Authorization: Bearer</code>, and act as the admin who made the hook. See docs/integrations.md for GitHub Actions and Jira
        Automation.
      </p>
      {revoked ? (
        <p className="notice" role="status">
          The hook is revoked: its calls are refused from now on.
        </p>
      ) : null}
      {created ? (
        <section className="card" aria-labelledby="inbound-secret-title" role="status">
          <h2 id="inbound-secret-title">Hook made</h2>
          <p>
            Calls to <code data-testid="inbound-url">{created.url}</code> move ideas as you. This is its secret. Copy it now: it is not
            shown again.
          </p>
          <p>
            <code className="secret" data-testid="inbound-secret">
              {created.secret}
            </code>
          </p>
        </section>
      ) : null}
      {hooks.length > 0 ? (
        <div className="table-scroll" role="region" aria-labelledby="inbound-caption" tabIndex={0}>
          <table className="admin-table">
            <caption id="inbound-caption">Inbound hooks</caption>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Address</th>
                <th scope="col">Acts as</th>
                <th scope="col">Last call</th>
                <th scope="col">State</th>
              </tr>
            </thead>
            <tbody>
              {hooks.map((hook) => (
                <tr key={hook.id}>
                  <td>{hook.name}</td>
                  <td>
                    <code>
                      {base}
                      {hook.id}
                    </code>
                  </td>
                  <td>{hook.createdByName ?? 'a removed account'}</td>
                  <td>{stamp(hook.lastUsedAt)}</td>
                  <td>
                    {hook.revokedAt ? (
                      `Revoked ${stamp(hook.revokedAt)}`
                    ) : (
                      <Form method="post" className="inline-form">
                        <input type="hidden" name="intent" value="revoke" />
                        <input type="hidden" name="hookId" value={hook.id} />
                        <button type="submit" className="button-danger" disabled={busy}>
                          Revoke<span className="visually-hidden"> {hook.name}</span>
                        </button>
                      </Form>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : (
        <p className="muted">No inbound hooks yet.</p>
      )}
      <section className="card" aria-labelledby="add-inbound-title">
        <h2 id="add-inbound-title">Make an inbound hook</h2>
        <Form method="post" className="form" noValidate key={created?.id ?? 'add'}>
          <input type="hidden" name="intent" value="create" />
          <FormErrors result={failure} id="add-inbound-error" />
          <TextField
            name="name"
            id="inbound-name"
            label="Name"
            hint="The tracker that calls it, such as GitHub issues or Jira APP."
            maxLength={INBOUND_HOOK_NAME_MAX}
            result={failure}
          />
          <button type="submit" disabled={busy}>
            Make the hook
          </button>
        </Form>
      </section>
    </div>
  )
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />
}
