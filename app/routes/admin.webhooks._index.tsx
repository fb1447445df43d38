/**
 * /admin/webhooks: the endpoints Summit sends events to, and a form to add one. The new
 * endpoint's secret is in the action's answer only, shown this once; loaders never carry a secret.
 * Endpoints Summit disabled after failing for 3 days are named in a notice at the top; the Inbound
 * section leads to the inbound hooks (admin.webhooks.inbound.tsx). Admins only
 * (`manage:webhooks`); every form is a plain post that works without JavaScript.
 */
import { type ActionFunctionArgs, data, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData, useNavigation } from '@remix-run/react'
import { GeneralErrorBoundary } from '~/components/error-boundary'
import { FormErrors } from '~/components/forms'
import { WebhookEndpointFields } from '~/components/webhook-endpoint-fields'
import { getDb } from '~/lib/db.server'
import { fieldFailure, parseForm, readForm } from '~/lib/forms.server'
import { requirePermission } from '~/lib/permissions.server'
import { getWebhookSetting } from '~/models/settings.server'
import { createWebhookEndpoint, listWebhookEndpoints, webhookUrlProblem } from '~/models/webhooks.server'
import { WebhookEndpointForm } from '~/schemas/webhook'

export const meta: MetaFunction = () => [{ title: 'Webhooks · Admin · Summit' }]

export async function loader({ request }: LoaderFunctionArgs) {
  await requirePermission(request, 'manage:webhooks')
  const db = getDb()
  return { endpoints: listWebhookEndpoints(db), allowPrivateTargets: getWebhookSetting(db).allowPrivateTargets }
}

export async function action({ request }: ActionFunctionArgs) {
  const form = await readForm(request)
  form.set(
    'eventList',
    form
      .getAll('events')
      .filter((v) => typeof v === 'string')
      .join(','),
  )
  form.delete('events')
  const parsed = parseForm(form, WebhookEndpointForm)
  if (!parsed.ok) return data(parsed, { status: 400 })
  const user = await requirePermission(request, 'manage:webhooks')
  const db = getDb()
  const { url, description, kind, eventList } = parsed.data
  const problem = webhookUrlProblem(db, url)
  if (problem) return data(fieldFailure(form, 'url', problem), { status: 400 })
  const created = createWebhookEndpoint(db, { actorId: user.id, input: { url, description, kind, events: eventList } })
  return { ok: true as const, created: { id: created.id, url, secret: created.secret } }
}

export default function AdminWebhooks() {
  const { endpoints, allowPrivateTargets } = useLoaderData<typeof loader>()
  const result = useActionData<typeof action>()
  const created = result?.ok ? result.created : null
  const failure = result && !result.ok ? result : null
  const busy = useNavigation().state === 'submitting'
  const autoDisabled = endpoints.filter((e) => !e.enabled && e.disabledReason)
  return (
    <div className="admin-page">
      <header className="page-header">
        <h1>Webhooks</h1>
      </header>
      <p className="muted">
        Summit POSTs a signed JSON message (Standard Webhooks) to each endpoint when the events it chose happen. Failed deliveries are
        retried for 3 days; an endpoint failing all that time is disabled.{' '}
        {allowPrivateTargets ? 'Private and local addresses are allowed as targets.' : null}
      </p>
      {autoDisabled.length > 0 ? (
        <div className="notice notice-warning" role="status">
          <p>
            <strong>
              {autoDisabled.length === 1 ? 'An endpoint was' : `${autoDisabled.length} endpoints were`} disabled because every delivery
              failed for 3 days:
            </strong>
          </p>
          <ul>
            {autoDisabled.map((e) => (
              <li key={e.id}>
                <Link to={`/admin/webhooks/${e.id}`}>{e.url}</Link>: {e.disabledReason}
              </li>
            ))}
          </ul>
        </div>
      ) : null}
      {created ? (
        <section className="card" aria-labelledby="secret-title" role="status">
          <h2 id="secret-title">Endpoint added</h2>
          <p>
            This is the signing secret of <Link to={`/admin/webhooks/${created.id}`}>{created.url}</Link>. Copy it now: it is not shown
            again (you can rotate it later).
          </p>
          <p>
            <code className="secret" data-testid="webhook-secret">
              {created.secret}
            </code>
          </p>
        </section>
      ) : null}
      {endpoints.length > 0 ? (
        <div className="table-scroll" role="region" aria-labelledby="endpoints-caption" tabIndex={0}>
          <table className="admin-table">
            <caption id="endpoints-caption">Endpoints</caption>
            <thead>
              <tr>
                <th scope="col">URL</th>
                <th scope="col">Kind</th>
                <th scope="col">Events</th>
                <th scope="col">State</th>
                <th scope="col">Waiting</th>
              </tr>
            </thead>
            <tbody>
              {endpoints.map((e) => (
                <tr key={e.id}>
                  <td>
                    <Link to={`/admin/webhooks/${e.id}`}>{e.url}</Link>
                    {e.description ? <div className="muted">{e.description}</div> : null}
                  </td>
                  <td>{e.kind === 'slack' ? 'Slack' : 'Standard'}</td>
                  <td>{e.events.join(', ')}</td>
                  <td>{e.enabled ? (e.failingSince ? 'Failing' : 'Enabled') : 'Disabled'}</td>
                  <td>{e.pending}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : (
        <p className="muted">No endpoints yet.</p>
      )}
      <section className="card" aria-labelledby="add-endpoint-title" id="add">
        <h2 id="add-endpoint-title">Add an endpoint</h2>
        <Form method="post" className="form" noValidate key={created?.id ?? 'add'}>
          <FormErrors result={failure} id="add-endpoint-error" />
          <WebhookEndpointFields result={failure} idPrefix="new" />
          <button type="submit" disabled={busy}>
            Add the endpoint
          </button>
        </Form>
      </section>
      <section className="card" aria-labelledby="inbound-title" id="inbound">
        <h2 id="inbound-title">Inbound</h2>
        <p>
          Your tracker can call Summit too: an inbound hook moves the ideas linked to a work item, so closing the issue ships the idea and
          tells every voter. <Link to="/admin/webhooks/inbound">Manage inbound hooks</Link>
        </p>
      </section>
    </div>
  )
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />
}
