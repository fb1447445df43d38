/**
 * Webhook endpoints: the ones admins register on /admin/webhooks (added, edited, secret rotated,
 * enabled, disabled, deleted; each logged in the moderation log, never with the secret), their
 * delivery log, "send again" and the test message. Events are queued by webhook-events.server.ts,
 * inside the transactions of the changes they announce, and sent by webhook-worker.server.ts.
 */
import crypto from 'node:crypto'
import net from 'node:net'
import { and, desc, eq, inArray, isNull, lt, sql } from 'drizzle-orm'
import { webhookDeliveries, webhookEndpoints } from '#db/schema'
import { WEBHOOK_EVENTS, type WebhookEvent } from '~/domain'
import { type Db, type Tx, writeTransaction } from '~/lib/db.server'
import { NotFoundError } from '~/lib/errors'
import { type Cursor, toPage } from '~/lib/pagination.server'
import { isPrivateAddress } from '~/lib/webhook-delivery.server'
import { publicBaseUrl } from './email.server'
import { logModeration } from './moderation-log.server'
import { getWebhookSetting } from './settings.server'
import { newMessageId, SLACK_EVENTS, slackEscape, slackMessage, type WebhookKind } from './webhook-events.server'

/** The type of the "send test event" button's message (not an event members cause). */
export const TEST_EVENT = 'webhook.test'
export const DELIVERY_PAGE_SIZE = 20

export function generateWebhookSecret() {
  return `whsec_${crypto.randomBytes(24).toString('base64')}`
}

export function parseEvents(text: string): WebhookEvent[] {
  return text.split(',').filter((e): e is WebhookEvent => (WEBHOOK_EVENTS as readonly string[]).includes(e))
}

// ---------------------------------------------------------------------------------------------
// Endpoints
// ---------------------------------------------------------------------------------------------

const endpointColumns = {
  id: webhookEndpoints.id,
  url: webhookEndpoints.url,
  description: webhookEndpoints.description,
  kind: webhookEndpoints.kind,
  events: webhookEndpoints.events,
  enabled: webhookEndpoints.enabled,
  disabledReason: webhookEndpoints.disabledReason,
  failingSince: webhookEndpoints.failingSince,
  createdAt: webhookEndpoints.createdAt,
}

/** Every endpoint (never its secret), with when it last delivered and how many messages wait. */
export function listWebhookEndpoints(db: Db) {
  const rows = db.select(endpointColumns).from(webhookEndpoints).orderBy(desc(webhookEndpoints.id)).all()
  const ids = rows.map((r) => r.id)
  const pending = ids.length
    ? db
        .select({ endpointId: webhookDeliveries.endpointId, n: sql<number>`count(*)` })
        .from(webhookDeliveries)
        .where(and(inArray(webhookDeliveries.endpointId, ids), isNull(webhookDeliveries.deliveredAt), isNull(webhookDeliveries.failedAt)))
        .groupBy(webhookDeliveries.endpointId)
        .all()
    : []
  const pendingOf = new Map(pending.map((p) => [p.endpointId, p.n]))
  return rows.map((r) => ({ ...r, events: parseEvents(r.events), pending: pendingOf.get(r.id) ?? 0 }))
}

export function getWebhookEndpoint(db: Db | Tx, id: number) {
  const row = db.select(endpointColumns).from(webhookEndpoints).where(eq(webhookEndpoints.id, id)).get()
  if (!row) throw new NotFoundError('webhook endpoint')
  return { ...row, events: parseEvents(row.events) }
}

/**
 * Why a URL can never receive webhooks while private targets are off, when that shows without a
 * DNS lookup (an IP literal in a private range, or localhost), so the form says so at once; host
 * names are checked on every delivery.
 */
export function webhookUrlProblem(db: Db, url: string) {
  if (getWebhookSetting(db).allowPrivateTargets) return null
  const host = new URL(url).hostname.replace(/^\[|\]$/g, '').toLowerCase()
  if (host === 'localhost' || host.endsWith('.localhost') || (net.isIP(host) !== 0 && isPrivateAddress(host))) {
    return 'This is a private or local address. Webhooks go to public addresses only, unless private targets are allowed in the settings.'
  }
  return null
}

export type EndpointInput = { url: string; description: string; kind: WebhookKind; events: WebhookEvent[] }

/** Slack endpoints keep only the events a Slack message is written for. */
function eventsFor(kind: WebhookKind, events: WebhookEvent[]) {
  const allowed = kind === 'slack' ? events.filter((e) => (SLACK_EVENTS as readonly string[]).includes(e)) : events
  return [...new Set(allowed)].join(',')
}

/** Adds an endpoint; returns its secret, which is shown this once. */
export function createWebhookEndpoint(db: Db, { actorId, input, now = new Date() }: { actorId: number; input: EndpointInput; now?: Date }) {
  const secret = generateWebhookSecret()
  return writeTransaction(db, (tx) => {
    const { id } = tx
      .insert(webhookEndpoints)
      .values({ ...input, events: eventsFor(input.kind, input.events), secret, createdBy: actorId, createdAt: now, updatedAt: now })
      .returning({ id: webhookEndpoints.id })
      .get()
    logModeration(tx, { actorId, action: 'webhook.create', target: { type: 'webhook_endpoint', id }, after: { ...input }, now })
    return { id, secret }
  })
}

export function updateWebhookEndpoint(
  db: Db,
  { actorId, id, input, now = new Date() }: { actorId: number; id: number; input: EndpointInput; now?: Date },
) {
  return writeTransaction(db, (tx) => {
    const before = getWebhookEndpoint(tx, id)
    tx.update(webhookEndpoints)
      .set({ ...input, events: eventsFor(input.kind, input.events), updatedAt: now })
      .where(eq(webhookEndpoints.id, id))
      .run()
    logModeration(tx, {
      actorId,
      action: 'webhook.update',
      target: { type: 'webhook_endpoint', id },
      before: { url: before.url, description: before.description, kind: before.kind, events: before.events },
      after: { ...input },
      now,
    })
  })
}

/** A new secret, shown once; messages not yet sent are signed with it. */
export function rotateWebhookSecret(db: Db, { actorId, id, now = new Date() }: { actorId: number; id: number; now?: Date }) {
  const secret = generateWebhookSecret()
  return writeTransaction(db, (tx) => {
    getWebhookEndpoint(tx, id)
    tx.update(webhookEndpoints).set({ secret, updatedAt: now }).where(eq(webhookEndpoints.id, id)).run()
    logModeration(tx, { actorId, action: 'webhook.rotate_secret', target: { type: 'webhook_endpoint', id }, now })
    return { secret }
  })
}

/** Turns an endpoint on (forgetting why Summit turned it off, and its run of failures) or off. */
export function setWebhookEndpointEnabled(
  db: Db,
  { actorId, id, enabled, now = new Date() }: { actorId: number; id: number; enabled: boolean; now?: Date },
) {
  return writeTransaction(db, (tx) => {
    const before = getWebhookEndpoint(tx, id)
    tx.update(webhookEndpoints)
      .set(enabled ? { enabled, disabledReason: null, failingSince: null, updatedAt: now } : { enabled, updatedAt: now })
      .where(eq(webhookEndpoints.id, id))
      .run()
    logModeration(tx, {
      actorId,
      action: enabled ? 'webhook.enable' : 'webhook.disable',
      target: { type: 'webhook_endpoint', id },
      before: { enabled: before.enabled, disabledReason: before.disabledReason },
      after: { enabled },
      now,
    })
  })
}

/** Removes an endpoint with its delivery log. */
export function deleteWebhookEndpoint(db: Db, { actorId, id, now = new Date() }: { actorId: number; id: number; now?: Date }) {
  return writeTransaction(db, (tx) => {
    const before = getWebhookEndpoint(tx, id)
    tx.delete(webhookEndpoints).where(eq(webhookEndpoints.id, id)).run()
    logModeration(tx, {
      actorId,
      action: 'webhook.delete',
      target: { type: 'webhook_endpoint', id },
      before: { url: before.url, description: before.description, kind: before.kind, events: before.events },
      now,
    })
  })
}

// ---------------------------------------------------------------------------------------------
// The delivery log
// ---------------------------------------------------------------------------------------------

/** One endpoint's deliveries, newest first, in keyset pages on id (webhook_deliveries_endpoint_idx). */
export function listWebhookDeliveries(
  db: Db,
  { endpointId, cursor, pageSize = DELIVERY_PAGE_SIZE }: { endpointId: number; cursor?: Cursor | null; pageSize?: number },
) {
  const rows = db
    .select({
      id: webhookDeliveries.id,
      messageId: webhookDeliveries.messageId,
      eventType: webhookDeliveries.eventType,
      attempts: webhookDeliveries.attempts,
      nextAttemptAt: webhookDeliveries.nextAttemptAt,
      deliveredAt: webhookDeliveries.deliveredAt,
      failedAt: webhookDeliveries.failedAt,
      lastStatus: webhookDeliveries.lastStatus,
      lastError: webhookDeliveries.lastError,
      lastResponse: webhookDeliveries.lastResponse,
      lastDurationMs: webhookDeliveries.lastDurationMs,
      createdAt: webhookDeliveries.createdAt,
    })
    .from(webhookDeliveries)
    .where(and(eq(webhookDeliveries.endpointId, endpointId), cursor ? lt(webhookDeliveries.id, cursor.id) : undefined))
    .orderBy(desc(webhookDeliveries.id))
    .limit(pageSize + 1)
    .all()
  return toPage(rows, pageSize, (r) => r.id)
}

/** "Send again": the same message (same webhook-id, so a receiver can tell) is queued to go now. */
export function redeliverWebhook(
  db: Db,
  { actorId, endpointId, deliveryId, now = new Date() }: { actorId: number; endpointId: number; deliveryId: number; now?: Date },
) {
  return writeTransaction(db, (tx) => {
    const changed = tx
      .update(webhookDeliveries)
      .set({ deliveredAt: null, failedAt: null, attempts: 0, nextAttemptAt: now })
      .where(and(eq(webhookDeliveries.id, deliveryId), eq(webhookDeliveries.endpointId, endpointId)))
      .run().changes
    if (changed === 0) throw new NotFoundError('delivery')
    logModeration(tx, {
      actorId,
      action: 'webhook.redeliver',
      target: { type: 'webhook_endpoint', id: endpointId },
      after: { deliveryId },
      now,
    })
  })
}

/** Queues a test message to one endpoint (sent even while it is disabled, so an admin can check a fix). */
export function sendTestWebhook(db: Db, { actorId, endpointId, now = new Date() }: { actorId: number; endpointId: number; now?: Date }) {
  return writeTransaction(db, (tx) => {
    const endpoint = getWebhookEndpoint(tx, endpointId)
    const text = `Test message from ${publicBaseUrl()}: this endpoint receives Summit's webhooks.`
    const payload =
      endpoint.kind === 'slack'
        ? slackMessage(text, [{ type: 'section', text: { type: 'mrkdwn', text: slackEscape(text) } }])
        : { type: TEST_EVENT, timestamp: now.toISOString(), data: { message: text } }
    tx.insert(webhookDeliveries)
      .values({
        endpointId,
        messageId: newMessageId(),
        eventType: TEST_EVENT,
        payload: JSON.stringify(payload),
        nextAttemptAt: now,
        createdAt: now,
      })
      .run()
    logModeration(tx, { actorId, action: 'webhook.test', target: { type: 'webhook_endpoint', id: endpointId }, now })
  })
}
