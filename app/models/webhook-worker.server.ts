/**
 * Sends the webhook outbox. server.js starts it after the database is ready. Each tick claims the
 * due deliveries of enabled endpoints in one short immediate transaction (pushing them CLAIM_MS
 * ahead and counting the attempt), sends them outside any transaction, then records each outcome.
 * A process killed mid-send leaves its claimed rows in the table (marked SENDING); the next start
 * sends them again at once (releaseInterruptedDeliveries), and otherwise they come due after
 * CLAIM_MS: delivery is at least once, and the unchanged webhook-id lets a receiver drop the duplicate.
 *
 * A failed delivery is retried after about 30 s, 2 min, 10 min, 1 h, 6 h and then every 12 h (each
 * wait ±20 % at random, so endpoints that failed together do not all come back together), for up to
 * 3 days. An endpoint that has failed without a single success for 3 days is disabled: its waiting
 * messages are given up, and every admin gets a notification.
 */
import { and, asc, eq, isNull, lte, or } from 'drizzle-orm'
import { users, webhookDeliveries, webhookEndpoints } from '#db/schema'
import { DatabaseUnavailableError } from '~/lib/database-unavailable.server'
import { type Db, getDb, type Tx, writeTransaction } from '~/lib/db.server'
import { postWebhook, signedHeaders, type WebhookRequest, type WebhookResponse } from '~/lib/webhook-delivery.server'
import { logModeration } from './moderation-log.server'
import { notifyUser } from './notifications.server'
import { TEST_EVENT } from './webhooks.server'
import { getWebhookSetting } from './settings.server'

const MINUTE_MS = 60_000
const HOUR_MS = 60 * MINUTE_MS
const DAY_MS = 24 * HOUR_MS
/** Wait before attempt n + 1 after n failed attempts (index n - 1); the last one repeats. */
export const RETRY_DELAYS_MS = [30_000, 2 * MINUTE_MS, 10 * MINUTE_MS, HOUR_MS, 6 * HOUR_MS, 12 * HOUR_MS]
const JITTER = 0.2
/** A message still failing this long after it was queued is given up. */
export const MESSAGE_GIVE_UP_MS = 3 * DAY_MS
/** An endpoint failing (no success at all) for this long is disabled. */
export const ENDPOINT_DISABLE_MS = 3 * DAY_MS
/** A claimed row is pushed this far ahead, so a crash mid-send retries it then (well past the 10 s timeout). */
export const CLAIM_MS = 2 * MINUTE_MS
/** last_error of a claimed row until its outcome is recorded: what a crash mid-send leaves behind. */
export const SENDING = 'Sending…'
const BATCH_SIZE = 20
export const WORKER_INTERVAL_MS = 5_000

export function retryDelayMs(failedAttempts: number, random = Math.random) {
  const base = RETRY_DELAYS_MS[Math.min(failedAttempts, RETRY_DELAYS_MS.length) - 1]!
  return Math.round(base * (1 - JITTER + 2 * JITTER * random()))
}

type Send = (request: WebhookRequest) => Promise<WebhookResponse>

export type WebhookReport = { delivered: number; retried: number; gaveUp: number; disabled: number }

type Claimed = {
  id: number
  endpointId: number
  messageId: string
  payload: string
  attempts: number
  createdAt: Date
  url: string
  kind: 'standard' | 'slack'
  secret: string
}

function claimDue(db: Db, now: Date): Claimed[] {
  return writeTransaction(db, (tx) => {
    const rows = tx
      .select({
        id: webhookDeliveries.id,
        endpointId: webhookDeliveries.endpointId,
        messageId: webhookDeliveries.messageId,
        eventType: webhookDeliveries.eventType,
        payload: webhookDeliveries.payload,
        attempts: webhookDeliveries.attempts,
        createdAt: webhookDeliveries.createdAt,
        url: webhookEndpoints.url,
        kind: webhookEndpoints.kind,
        secret: webhookEndpoints.secret,
      })
      .from(webhookDeliveries)
      .innerJoin(webhookEndpoints, eq(webhookEndpoints.id, webhookDeliveries.endpointId))
      .where(
        and(
          isNull(webhookDeliveries.deliveredAt),
          isNull(webhookDeliveries.failedAt),
          lte(webhookDeliveries.nextAttemptAt, now),
          // A disabled endpoint's messages wait until it is enabled again; a test message goes anyway.
          or(eq(webhookEndpoints.enabled, true), eq(webhookDeliveries.eventType, TEST_EVENT)),
        ),
      )
      .orderBy(asc(webhookDeliveries.nextAttemptAt), asc(webhookDeliveries.id))
      .limit(BATCH_SIZE)
      .all()
    if (rows.length === 0) return []
    for (const row of rows) {
      tx.update(webhookDeliveries)
        .set({ nextAttemptAt: new Date(now.getTime() + CLAIM_MS), attempts: row.attempts + 1, lastError: SENDING })
        .where(eq(webhookDeliveries.id, row.id))
        .run()
    }
    return rows.map((r) => ({ ...r, attempts: r.attempts + 1 }))
  })
}

/**
 * One pass: claims what is due and sends it, at most BATCH_SIZE messages at once. `now` is the
 * clock for every decision; `send` and `random` (the jitter) can be replaced in tests.
 */
export async function deliverDueWebhooks(
  db: Db,
  { now = new Date(), send = postWebhook as Send, random = Math.random } = {},
): Promise<WebhookReport> {
  const report: WebhookReport = { delivered: 0, retried: 0, gaveUp: 0, disabled: 0 }
  const due = claimDue(db, now)
  if (due.length === 0) return report
  const { allowPrivateTargets } = getWebhookSetting(db)
  const results = await Promise.all(
    due.map(async (row) => {
      // Signed at send time: the timestamp is this attempt's, and a rotated secret applies at once.
      const headers = row.kind === 'slack' ? {} : signedHeaders(row.secret, row.messageId, new Date(), row.payload)
      const response = await send({ url: row.url, body: row.payload, headers, allowPrivateTargets })
      return { row, response }
    }),
  )
  for (const { row, response } of results) recordOutcome(db, row, response, now, random, report)
  return report
}

function recordOutcome(db: Db, row: Claimed, response: WebhookResponse, now: Date, random: () => number, report: WebhookReport) {
  const outcome = {
    lastStatus: response.status,
    lastError: response.error?.slice(0, 500) ?? null,
    lastResponse: response.responseExcerpt,
    lastDurationMs: response.durationMs,
  }
  writeTransaction(db, (tx) => {
    if (response.ok) {
      tx.update(webhookDeliveries)
        .set({ ...outcome, deliveredAt: now })
        .where(eq(webhookDeliveries.id, row.id))
        .run()
      tx.update(webhookEndpoints).set({ failingSince: null }).where(eq(webhookEndpoints.id, row.endpointId)).run()
      report.delivered += 1
      return
    }
    const gaveUp = now.getTime() - row.createdAt.getTime() >= MESSAGE_GIVE_UP_MS
    tx.update(webhookDeliveries)
      .set({
        ...outcome,
        ...(gaveUp ? { failedAt: now } : { nextAttemptAt: new Date(now.getTime() + retryDelayMs(row.attempts, random)) }),
      })
      .where(and(eq(webhookDeliveries.id, row.id), isNull(webhookDeliveries.deliveredAt)))
      .run()
    if (gaveUp) report.gaveUp += 1
    else report.retried += 1
    const endpoint = tx
      .select({
        enabled: webhookEndpoints.enabled,
        failingSince: webhookEndpoints.failingSince,
        url: webhookEndpoints.url,
        createdBy: webhookEndpoints.createdBy,
      })
      .from(webhookEndpoints)
      .where(eq(webhookEndpoints.id, row.endpointId))
      .get()
    if (!endpoint) return
    if (!endpoint.failingSince) {
      tx.update(webhookEndpoints).set({ failingSince: now }).where(eq(webhookEndpoints.id, row.endpointId)).run()
      return
    }
    if (endpoint.enabled && now.getTime() - endpoint.failingSince.getTime() >= ENDPOINT_DISABLE_MS) {
      disableFailingEndpoint(
        tx,
        { id: row.endpointId, url: endpoint.url, failingSince: endpoint.failingSince, createdBy: endpoint.createdBy },
        now,
      )
      report.disabled += 1
    }
  })
}

function disableFailingEndpoint(tx: Tx, endpoint: { id: number; url: string; failingSince: Date; createdBy: number | null }, now: Date) {
  const reason = `Disabled automatically on ${now.toISOString().slice(0, 10)}: every delivery has failed since ${endpoint.failingSince.toISOString().slice(0, 16).replace('T', ' ')} UTC.`
  tx.update(webhookEndpoints)
    .set({ enabled: false, disabledReason: reason, updatedAt: now })
    .where(eq(webhookEndpoints.id, endpoint.id))
    .run()
  tx.update(webhookDeliveries)
    .set({ failedAt: now })
    .where(and(eq(webhookDeliveries.endpointId, endpoint.id), isNull(webhookDeliveries.deliveredAt), isNull(webhookDeliveries.failedAt)))
    .run()
  const admins = tx
    .select({ id: users.id })
    .from(users)
    .where(and(eq(users.role, 'admin'), isNull(users.deletedAt)))
    .all()
  for (const admin of admins) {
    notifyUser(tx, admin.id, {
      kind: 'webhook_disabled',
      subjectType: 'webhook_endpoint',
      subjectId: endpoint.id,
      actorId: null,
      title: `A webhook endpoint was disabled after failing for 3 days: ${endpoint.url}`,
      url: '/admin/webhooks',
      now,
    })
  }
  // The log names an actor; the admin who added the endpoint stands for it when there is one.
  const actorId = endpoint.createdBy ?? admins[0]?.id
  if (actorId != null) {
    logModeration(tx, { actorId, action: 'webhook.auto_disable', target: { type: 'webhook_endpoint', id: endpoint.id }, reason, now })
  }
}

/**
 * Messages a stopped process was sending when it died (killed, or the machine lost power) are due
 * at once instead of after CLAIM_MS. Run when the worker starts, before anything is claimed: one
 * server process sends webhooks, so no claim can be in progress then.
 */
export function releaseInterruptedDeliveries(db: Db, now = new Date()) {
  return db
    .update(webhookDeliveries)
    .set({ nextAttemptAt: now })
    .where(and(eq(webhookDeliveries.lastError, SENDING), isNull(webhookDeliveries.deliveredAt), isNull(webhookDeliveries.failedAt)))
    .run().changes
}

/** Starts the interval (unref'd: it never keeps the process alive). Returns a stop function that waits for a tick in progress. */
export function startWebhookWorker({ intervalMs = WORKER_INTERVAL_MS } = {}) {
  let running: Promise<unknown> | null = null
  let stopped = false
  const tick = () => {
    if (running || stopped) return
    running = deliverDueWebhooks(getDb())
      .catch((error: unknown) => {
        if (!(error instanceof DatabaseUnavailableError)) console.error('Webhook worker tick failed:', error)
      })
      .finally(() => {
        running = null
      })
  }
  const released = releaseInterruptedDeliveries(getDb())
  if (released > 0) console.log(`Webhook worker: ${released} message(s) interrupted by the last stop are sent again`)
  const timer = setInterval(tick, intervalMs)
  timer.unref()
  setImmediate(tick)
  console.log(`Webhook worker started (every ${intervalMs / 1000} s)`)
  return async () => {
    stopped = true
    clearInterval(timer)
    await running
  }
}
