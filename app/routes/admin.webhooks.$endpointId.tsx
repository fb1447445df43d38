/**
 * /admin/webhooks/:endpointId: one endpoint. Edit it (the secret is never shown here), rotate its
 * secret (the new one is shown once, in the action's answer), enable or disable it, send a test
 * event, delete it (after ticking a confirmation), and its delivery log, newest first in keyset
 * pages, with "Send again" on each message. Admins only (`manage:webhooks`); plain posts throughout.
 */
import { type ActionFunctionArgs, data, type LoaderFunctionArgs, type MetaFunction, redirect } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData } from '@remix-run/react'
import { z } from 'zod'
import { GeneralErrorBoundary } from '~/components/error-boundary'
import { FormErrors } from '~/components/forms'
import { Pager } from '~/components/pager'
import { WebhookEndpointFields } from '~/components/webhook-endpoint-fields'
import { getDb } from '~/lib/db.server'
import { fieldFailure, parseForm, readForm } from '~/lib/forms.server'
import { notFound, orHttpError } from '~/lib/http.server'
import { decodeCursor } from '~/lib/pagination.server'
import { requirePermission } from '~/lib/permissions.server'
import {
  deleteWebhookEndpoint,
  getWebhookEndpoint,
  listWebhookDeliveries,
  redeliverWebhook,
  rotateWebhookSecret,
  sendTestWebhook,
  setWebhookEndpointEnabled,
  updateWebhookEndpoint,
  webhookUrlProblem,
} from '~/models/webhooks.server'
import { WebhookEndpointForm } from '~/schemas/webhook'

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data?.endpoint.url ?? 'Webhook'} · Webhooks · Admin · Summit` }]

const DONE_MESSAGES: Record<string, string> = {
  updated: 'Saved.',
  enabled: 'The endpoint is enabled.',
  disabled: 'The endpoint is disabled; events are not queued for it until it is enabled again.',
  test: 'A test event is queued; it shows in the log below within a few seconds.',
  redeliver: 'The message is queued to be sent again.',
}

const Id = z
  .string()
  .regex(/^[1-9]\d{0,15}$/)
  .transform(Number)

function endpointIdOf(params: LoaderFunctionArgs['params']) {
  const parsed = Id.safeParse(params.endpointId)
  return parsed.success ? parsed.data : notFound('webhook endpoint')
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  const endpointId = endpointIdOf(params)
  await requirePermission(request, 'manage:webhooks')
  const db = getDb()
  const endpoint = orHttpError(() => getWebhookEndpoint(db, endpointId))
  const url = new URL(request.url)
  const cursor = decodeCursor(url.searchParams.get('cursor'))
  const done = url.searchParams.get('done') ?? ''
  return {
    endpoint,
    deliveries: listWebhookDeliveries(db, { endpointId, cursor }),
    doneMessage: Object.hasOwn(DONE_MESSAGES, done) ? DONE_MESSAGES[done]! : null,
  }
}

const Intent = z.discriminatedUnion('intent', [
  z.object({ intent: z.literal('update') }),
  z.object({ intent: z.literal('rotate') }),
  z.object({ intent: z.literal('enable') }),
  z.object({ intent: z.literal('disable') }),
  z.object({ intent: z.literal('test') }),
  z.object({ intent: z.literal('delete'), confirm: z.literal('on', 'Tick the box to confirm.').optional() }),
  z.object({ intent: z.literal('redeliver'), deliveryId: Id }),
])

export async function action({ request, params }: ActionFunctionArgs) {
  const endpointId = endpointIdOf(params)
  const form = await readForm(request)
  const parsed = parseForm(form, Intent)
  if (!parsed.ok) return data({ ...parsed, intent: String(form.get('intent') ?? '') }, { status: 400 })
  const db = getDb()
  const { intent } = parsed.data
  let fields = null
  if (intent === 'update') {
    form.set(
      'eventList',
      form
        .getAll('events')
        .filter((v) => typeof v === 'string')
        .join(','),
    )
    form.delete('events')
    const endpointForm = parseForm(form, WebhookEndpointForm)
    if (!endpointForm.ok) return data({ ...endpointForm, intent }, { status: 400 })
    fields = endpointForm.data
  }
  if (parsed.data.intent === 'delete' && !parsed.data.confirm) {
    return data({ ...fieldFailure(form, 'confirm', 'Tick the box to confirm.'), intent }, { status: 400 })
  }
  const user = await requirePermission(request, 'manage:webhooks')
  const actorId = user.id
  const here = `/admin/webhooks/${endpointId}`
  switch (parsed.data.intent) {
    case 'update': {
      const { url, description, kind, eventList } = fields!
      const problem = webhookUrlProblem(db, url)
      if (problem) return data({ ...fieldFailure(form, 'url', problem), intent }, { status: 400 })
      orHttpError(() => updateWebhookEndpoint(db, { actorId, id: endpointId, input: { url, description, kind, events: eventList } }))
      return redirect(`${here}?done=updated`)
    }
    case 'rotate': {
      const { secret } = orHttpError(() => rotateWebhookSecret(db, { actorId, id: endpointId }))
      return { ok: true as const, intent, secret }
    }
    case 'enable':
    case 'disable':
      orHttpError(() => setWebhookEndpointEnabled(db, { actorId, id: endpointId, enabled: intent === 'enable' }))
      return redirect(`${here}?done=${intent}d`)
    case 'test':
      orHttpError(() => sendTestWebhook(db, { actorId, endpointId }))
      return redirect(`${here}?done=test`)
    case 'redeliver':
      orHttpError(() =>
        redeliverWebhook(db, { actorId, endpointId, deliveryId: parsed.data.intent === 'redeliver' ? parsed.data.deliveryId : 0 }),
      )
      return redirect(`${here}?done=redeliver`)
    case 'delete':
      orHttpError(() => deleteWebhookEndpoint(db, { actorId, id: endpointId }))
      return redirect('/admin/webhooks')
  }
}

function formatTime(value: Date | string | null) {
  return value ? new Date(value).toISOString().slice(0, 19).replace('T', ' ') + ' UTC' : ''
}

export default function AdminWebhook() {
  const { endpoint, deliveries, doneMessage } = useLoaderData<typeof loader>()
  const result = useActionData<typeof action>()
  const failure = result && 'fieldErrors' in result ? result : null
  const rotated = result && 'secret' in result ? result.secret : null
  return (
    <div className="admin-page">
      <header className="page-header">
        <p>
          <Link to="/admin/webhooks">All webhooks</Link>
        </p>
        <h1>Webhook endpoint</h1>
        <p className="muted">{endpoint.url}</p>
      </header>
      {doneMessage && !result ? (
        <p className="notice" role="status">
          {doneMessage}
        </p>
      ) : null}
      {!endpoint.enabled ? (
        <p className="notice notice-warning" role="status">
          This endpoint is disabled.{endpoint.disabledReason ? ` ${endpoint.disabledReason}` : ''}
        </p>
      ) : null}
      {rotated ? (
        <section className="card" aria-labelledby="rotated-title" role="status">
          <h2 id="rotated-title">New signing secret</h2>
          <p>Copy it now: it is not shown again. Messages not yet sent are signed with it.</p>
          <p>
            <code className="secret" data-testid="webhook-secret">
              {rotated}
            </code>
          </p>
        </section>
      ) : null}

      <section className="card" aria-labelledby="edit-title">
        <h2 id="edit-title">Settings</h2>
        <Form method="post" className="form" noValidate>
          <input type="hidden" name="intent" value="update" />
          <FormErrors result={failure?.intent === 'update' ? failure : null} id="edit-error" />
          <WebhookEndpointFields result={failure?.intent === 'update' ? failure : null} idPrefix="edit" initial={endpoint} />
          <button type="submit">Save</button>
        </Form>
      </section>

      <section className="card" aria-labelledby="actions-title">
        <h2 id="actions-title">Actions</h2>
        <div className="form-actions">
          <Form method="post">
            <input type="hidden" name="intent" value="test" />
            <button type="submit">Send a test event</button>
          </Form>
          <Form method="post">
            <input type="hidden" name="intent" value={endpoint.enabled ? 'disable' : 'enable'} />
            <button type="submit">{endpoint.enabled ? 'Disable' : 'Enable'}</button>
          </Form>
          <Form method="post">
            <input type="hidden" name="intent" value="rotate" />
            <button type="submit">Rotate the secret</button>
          </Form>
        </div>
        <Form method="post" className="form">
          <input type="hidden" name="intent" value="delete" />
          <div className="choice">
            <input
              type="checkbox"
              id="confirm-delete"
              name="confirm"
              aria-invalid={failure?.fieldErrors?.confirm ? true : undefined}
              aria-describedby={failure?.fieldErrors?.confirm ? 'confirm-delete-error' : undefined}
            />
            <label htmlFor="confirm-delete">Delete this endpoint and its delivery log</label>
          </div>
          {failure?.fieldErrors?.confirm ? (
            <p id="confirm-delete-error" className="field-error">
              {failure.fieldErrors.confirm[0]}
            </p>
          ) : null}
          <button type="submit" className="button-danger">
            Delete the endpoint
          </button>
        </Form>
      </section>

      <section aria-labelledby="log-title">
        <h2 id="log-title">Delivery log</h2>
        {deliveries.items.length > 0 ? (
          <div className="table-scroll" role="region" aria-labelledby="log-caption" tabIndex={0}>
            <table className="admin-table">
              <caption id="log-caption">Deliveries, newest first</caption>
              <thead>
                <tr>
                  <th scope="col">Event</th>
                  <th scope="col">Queued</th>
                  <th scope="col">Result</th>
                  <th scope="col">Attempts</th>
                  <th scope="col">Duration</th>
                  <th scope="col">Response</th>
                  <th scope="col">
                    <span className="visually-hidden">Send again</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {deliveries.items.map((d) => (
                  <tr key={d.id}>
                    <td>
                      <code>{d.eventType}</code>
                      <div className="muted">{d.messageId}</div>
                    </td>
                    <td>{formatTime(d.createdAt)}</td>
                    <td>
                      {d.deliveredAt
                        ? `Delivered ${formatTime(d.deliveredAt)}`
                        : d.failedAt
                          ? `Given up ${formatTime(d.failedAt)}`
                          : d.attempts > 0
                            ? `Retrying at ${formatTime(d.nextAttemptAt)}`
                            : 'Waiting'}
                      {d.lastStatus != null ? ` (HTTP ${d.lastStatus})` : ''}
                      {d.lastError ? <div className="muted">{d.lastError}</div> : null}
                    </td>
                    <td>{d.attempts}</td>
                    <td>{d.lastDurationMs != null ? `${d.lastDurationMs} ms` : ''}</td>
                    <td>{d.lastResponse ? <code className="excerpt">{d.lastResponse}</code> : null}</td>
                    <td>
                      {d.deliveredAt || d.failedAt ? (
                        <Form method="post">
                          <input type="hidden" name="intent" value="redeliver" />
                          <input type="hidden" name="deliveryId" value={d.id} />
                          <button type="submit" aria-label={`Send again: ${d.eventType} ${d.messageId}`}>
                            Send again
                          </button>
                        </Form>
                      ) : null}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ) : (
          <p className="muted">Nothing sent yet.</p>
        )}
        <Pager nextCursor={deliveries.nextCursor} label="Delivery log" />
      </section>
    </div>
  )
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary messages={{ 404: 'This webhook endpoint does not exist, or it was deleted.' }} />
}
