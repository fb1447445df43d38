/**
 * Delivers the e-mail outbox. The server (server/index.ts) starts it after the database is ready;
 * every tick it checks the site's `email` setting (one primary-key read), so turning e-mail on or
 * off in the admin settings applies within one interval, without a restart. Ticks never overlap,
 * and an error is logged, never thrown: the next tick tries again.
 *
 * A failed message is retried after 1 min, 5 min, 30 min, 2 h and 12 h; after the 6th failed
 * attempt it is given up (logged), and parked so the due index never returns it again.
 *
 * A model, like the webhook worker (webhook-worker.server.ts): it reads and writes the outbox, the
 * settings and the digests. Talking to a mail server is app/lib/mailer.server.ts's job.
 */
import { and, asc, eq, inArray, isNull, lte } from 'drizzle-orm'
import { emailOutbox } from '#db/schema'
import { DatabaseUnavailableError } from '~/lib/database-unavailable.server'
import { type Db, getDb, writeTransaction } from '~/lib/db.server'
import { env } from '~/lib/env.server'
import { createMailTransport, type MailMessage, type MailTransport } from '~/lib/mailer.server'
import { isTransactionalKind, publicBaseUrl, queueDailyDigests, siteNameOf, unsubscribeUrl } from './email.server'
import { getEmailSetting } from './settings.server'

const MINUTE_MS = 60_000
/** Wait before attempt n + 1 after n failed attempts (index n - 1). */
export const RETRY_DELAYS_MS = [1, 5, 30, 120, 720].map((minutes) => minutes * MINUTE_MS)
export const MAX_ATTEMPTS = RETRY_DELAYS_MS.length + 1
/** A row being sent is pushed this far ahead first, so a crash mid-send retries it later instead of never. */
const CLAIM_MS = 10 * MINUTE_MS
/** next_attempt_at of a given-up message: never due again (attempts and last_error say why). */
export const GAVE_UP_AT = new Date(Date.UTC(9999, 11, 31))
const BATCH_SIZE = 25
export const WORKER_INTERVAL_MS = 15_000

type OutboxRow = {
  id: number
  userId: number | null
  toAddress: string
  subject: string
  bodyText: string
  kind: string
  attempts: number
  createdAt: Date
}

function fromAddress(siteName: string) {
  const configured = env().MAIL_FROM
  if (configured) return configured
  const host = new URL(publicBaseUrl()).hostname
  return `${siteName.replace(/["\\<>\r\n]/g, '')} <no-reply@${host}>`
}

export function toMailMessage(row: OutboxRow, from: string): MailMessage {
  const headers: Record<string, string> = { 'Auto-Submitted': 'auto-generated' }
  // Account e-mail (a verification or reset link the member asked for) has nothing to unsubscribe from.
  if (row.userId != null && !isTransactionalKind(row.kind)) {
    // RFC 8058: mail clients offer a one-click button that POSTs List-Unsubscribe=One-Click here.
    headers['List-Unsubscribe'] = `<${unsubscribeUrl(row.userId, row.kind)}>`
    headers['List-Unsubscribe-Post'] = 'List-Unsubscribe=One-Click'
  }
  return {
    from,
    to: row.toAddress,
    subject: row.subject,
    text: row.bodyText,
    headers,
    // The same on every retry (a client can drop a duplicate), unique across databases by the time.
    messageId: `<outbox-${row.id}.${row.createdAt.getTime().toString(36)}@${new URL(publicBaseUrl()).hostname}>`,
  }
}

/**
 * What an account e-mail's row keeps once it is sent or given up: its body held a single-use link
 * (verification or password reset), which the database should not keep a working copy of.
 */
export const SENT_LINK_REMOVED =
  '(This e-mail carried a single-use account link; it was removed from the outbox once the e-mail was sent or given up.)'

export type DeliveryReport = { sent: number; retried: number; gaveUp: number }

/**
 * Sends the messages that are due (email_outbox_due_idx), at most BATCH_SIZE per call. Each row is
 * claimed first, in one immediate transaction, then sent, then marked sent or rescheduled.
 */
export async function deliverDueEmails(db: Db, transport: MailTransport, now = new Date()): Promise<DeliveryReport> {
  const due = writeTransaction(db, (tx) => {
    const rows = tx
      .select({
        id: emailOutbox.id,
        userId: emailOutbox.userId,
        toAddress: emailOutbox.toAddress,
        subject: emailOutbox.subject,
        bodyText: emailOutbox.bodyText,
        kind: emailOutbox.kind,
        attempts: emailOutbox.attempts,
        createdAt: emailOutbox.createdAt,
      })
      .from(emailOutbox)
      .where(and(isNull(emailOutbox.sentAt), lte(emailOutbox.nextAttemptAt, now)))
      .orderBy(asc(emailOutbox.nextAttemptAt), asc(emailOutbox.id))
      .limit(BATCH_SIZE)
      .all()
    if (rows.length > 0) {
      tx.update(emailOutbox)
        .set({ nextAttemptAt: new Date(now.getTime() + CLAIM_MS) })
        .where(
          inArray(
            emailOutbox.id,
            rows.map((r) => r.id),
          ),
        )
        .run()
    }
    return rows
  })
  const report: DeliveryReport = { sent: 0, retried: 0, gaveUp: 0 }
  if (due.length === 0) return report
  const from = fromAddress(siteNameOf(db))
  for (const row of due) {
    try {
      await transport.send(toMailMessage(row, from))
      db.update(emailOutbox)
        .set({ sentAt: now, lastError: null, ...(isTransactionalKind(row.kind) ? { bodyText: SENT_LINK_REMOVED } : {}) })
        .where(eq(emailOutbox.id, row.id))
        .run()
      report.sent += 1
    } catch (error) {
      const attempts = row.attempts + 1
      const lastError = (error instanceof Error ? error.message : String(error)).slice(0, 1000)
      const gaveUp = attempts >= MAX_ATTEMPTS
      const nextAttemptAt = gaveUp ? GAVE_UP_AT : new Date(now.getTime() + RETRY_DELAYS_MS[attempts - 1]!)
      db.update(emailOutbox)
        .set({ attempts, lastError, nextAttemptAt, ...(gaveUp && isTransactionalKind(row.kind) ? { bodyText: SENT_LINK_REMOVED } : {}) })
        .where(eq(emailOutbox.id, row.id))
        .run()
      if (gaveUp) {
        report.gaveUp += 1
        console.warn(`E-mail ${row.id} to ${row.toAddress} given up after ${attempts} attempts: ${lastError}`)
      } else {
        report.retried += 1
      }
    }
  }
  return report
}

/** What a running worker remembers between ticks: the UTC day whose digests it has queued. */
export type WorkerState = { digestDay: string | null }

/**
 * One tick: nothing while site e-mail is off; else queue the day's digests (the first tick of each
 * UTC day: the scan of members is skipped after that), then deliver what is due.
 */
export async function runEmailWorkerTick(db: Db, transport: MailTransport, state: WorkerState, now = new Date()) {
  if (!getEmailSetting(db).enabled) return null
  const day = now.toISOString().slice(0, 10)
  let digests = 0
  if (state.digestDay !== day) {
    digests = queueDailyDigests(db, now)
    state.digestDay = day
  }
  return { digests, ...(await deliverDueEmails(db, transport, now)) }
}

/**
 * Starts the interval (unref'd: it never keeps the process alive). Rejects at once when the
 * configured transport cannot be created (SMTP_URL without nodemailer). Returns a stop function.
 */
export async function startEmailWorker({ intervalMs = WORKER_INTERVAL_MS } = {}) {
  const transport = await createMailTransport()
  let running = false
  const state: WorkerState = { digestDay: null }
  const timer = setInterval(() => {
    if (running) return
    running = true
    runEmailWorkerTick(getDb(), transport, state)
      // A locked or full database is logged by the connection itself, once a minute; the next tick retries.
      .catch((error: unknown) => {
        if (!(error instanceof DatabaseUnavailableError)) console.error('E-mail worker tick failed:', error)
      })
      .finally(() => {
        running = false
      })
  }, intervalMs)
  timer.unref()
  console.log(
    `E-mail worker started (${transport.name} transport, every ${intervalMs / 1000} s; sends only while e-mail is on in the site settings)`,
  )
  return () => clearInterval(timer)
}
