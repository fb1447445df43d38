/**
 * E-mail: each member's preferences, the outbox rows written in the same transaction as the
 * notifications they announce, the daily digest, and unsubscribing. Delivery itself is the
 * worker's job (app/models/email-worker.server.ts); nothing here talks to a mail server.
 *
 * Nothing is queued while the site-wide `email` setting is off.
 *
 * Account e-mail (verification and password reset links, TRANSACTIONAL_KINDS) is queued with
 * enqueueTransactionalEmail(): it follows the site switch but not the member's choices, since it
 * answers something the member (or someone using their address) just asked for, and has no
 * unsubscribe link.
 */
import { and, eq, inArray, isNull, sql } from 'drizzle-orm'
import { z } from 'zod'
import { emailOutbox, users } from '#db/schema'
import { type Db, type Tx, writeTransaction } from '~/lib/db.server'
import { signUnsubscribeToken, type UnsubscribeScope } from '~/lib/email-token.server'
import { env } from '~/lib/env.server'
import { NotFoundError } from '~/lib/errors'
import { getEmailSetting, getSetting } from './settings.server'

/** E-mail kinds sent whatever the member's choices: they carry a link the member asked for. */
export const TRANSACTIONAL_KINDS = ['verify_email', 'password_reset'] as const
export type TransactionalKind = (typeof TRANSACTIONAL_KINDS)[number]

export function isTransactionalKind(kind: string): kind is TransactionalKind {
  return (TRANSACTIONAL_KINDS as readonly string[]).includes(kind)
}

/** A member's e-mail choices; each field falls back to its default alone, so one bad value never resets the rest. */
export const EmailPrefs = z.object({
  /** Ideas I voted on, follow or wrote change status, are merged or get an official response. */
  statusChanges: z.boolean().default(true).catch(true),
  /** Answers and comments on my posts, and my answer being accepted. */
  answers: z.boolean().default(true).catch(true),
  mentions: z.boolean().default(true).catch(true),
  badges: z.boolean().default(false).catch(false),
  /** 'daily': no e-mail per notification, one summary per UTC day instead. */
  digest: z.enum(['off', 'daily']).default('off').catch('off'),
})
export type EmailPrefs = z.infer<typeof EmailPrefs>
export type EmailPrefKind = Exclude<keyof EmailPrefs, 'digest'>
export const EMAIL_PREF_KINDS: EmailPrefKind[] = ['statusChanges', 'answers', 'mentions', 'badges']
export const DEFAULT_EMAIL_PREFS: EmailPrefs = EmailPrefs.parse({})

/**
 * Which preference covers each notification kind. A kind missing here is never e-mailed, so a new
 * kind stays in-app only until it is added.
 */
const PREF_FOR_KIND: Record<string, EmailPrefKind> = {
  idea_status: 'statusChanges',
  idea_merged: 'statusChanges',
  idea_response: 'statusChanges',
  question_converted: 'statusChanges',
  new_answer: 'answers',
  answer_accepted: 'answers',
  comment: 'answers',
  suggested_edit: 'answers',
  mention: 'mentions',
  badge: 'badges',
}
export const DIGEST_KIND = 'digest'

export function prefForKind(kind: string): EmailPrefKind | null {
  return Object.hasOwn(PREF_FOR_KIND, kind) ? PREF_FOR_KIND[kind]! : null
}

/** What an unsubscribe link in an e-mail of this kind stops: its preference, or (digest, unknown) everything. */
export function unsubscribeScopeFor(kind: string): UnsubscribeScope {
  return prefForKind(kind) ?? 'all'
}

/** Reads the stored JSON (text or already parsed); anything unreadable means the defaults. */
export function readEmailPrefs(raw: unknown): EmailPrefs {
  let value = raw
  if (typeof raw === 'string') {
    try {
      value = JSON.parse(raw)
    } catch {
      return DEFAULT_EMAIL_PREFS
    }
  }
  const parsed = EmailPrefs.safeParse(value)
  return parsed.success ? parsed.data : DEFAULT_EMAIL_PREFS
}

// The raw text, not drizzle's json column: its JSON.parse would throw on a malformed row.
const prefsText = sql<string>`${users.emailPrefs}`

export function getEmailPrefs(db: Db | Tx, userId: number): EmailPrefs {
  const row = db
    .select({ prefs: prefsText })
    .from(users)
    .where(and(eq(users.id, userId), isNull(users.deletedAt)))
    .get()
  if (!row) throw new NotFoundError('member')
  return readEmailPrefs(row.prefs)
}

export function setEmailPrefs(db: Db | Tx, userId: number, prefs: EmailPrefs) {
  const value = EmailPrefs.parse(prefs)
  const changed = db.update(users).set({ emailPrefs: value }).where(eq(users.id, userId)).run().changes
  if (changed === 0) throw new NotFoundError('member')
  return value
}

/** The one-click and confirmation-page action: turn one kind (or all e-mail, digest included) off. */
export function unsubscribe(db: Db, { userId, scope }: { userId: number; scope: UnsubscribeScope }) {
  return writeTransaction(db, (tx) => {
    const prefs = getEmailPrefs(tx, userId)
    const next: EmailPrefs =
      scope === 'all'
        ? { statusChanges: false, answers: false, mentions: false, badges: false, digest: 'off' }
        : { ...prefs, [scope]: false }
    return setEmailPrefs(tx, userId, next)
  })
}

/** The absolute base of links in e-mail: PUBLIC_URL, else this server on localhost. */
export function publicBaseUrl() {
  const { PUBLIC_URL, PORT } = env()
  return PUBLIC_URL ? new URL(PUBLIC_URL).origin : `http://localhost:${PORT}`
}

export function unsubscribeUrl(userId: number, kind: string) {
  return `${publicBaseUrl()}/unsubscribe?token=${signUnsubscribeToken(userId, unsubscribeScopeFor(kind))}`
}

export function siteNameOf(db: Db | Tx) {
  return getSetting(db, 'siteName') ?? env().SITE_NAME
}

/** Titles are user text: no line breaks may reach a header. */
const oneLine = (text: string) => text.replace(/[\r\n\t]+/g, ' ').trim()

function absolute(url: string) {
  return new URL(url, publicBaseUrl()).toString()
}

function footer(siteName: string, userId: number, kind: string, why: string) {
  return [
    '-- ',
    `${why} Change what ${siteName} e-mails you: ${absolute('/settings')}`,
    `Unsubscribe: ${unsubscribeUrl(userId, kind)}`,
  ].join('\n')
}

export type EmailNotification = { userId: number; kind: string; title: string; body?: string; url: string }
type Recipient = { id: number; email: string }

/** The outbox row for one notification: plain text, an absolute link, an unsubscribe link. */
export function composeNotificationEmail(siteName: string, recipient: Recipient, n: EmailNotification) {
  const lines = [oneLine(n.title), '']
  if (n.body?.trim()) lines.push(n.body.trim(), '')
  lines.push(`Open it: ${absolute(n.url)}`, '', footer(siteName, recipient.id, n.kind, 'You get this e-mail because of your settings.'))
  return {
    userId: recipient.id,
    toAddress: recipient.email,
    kind: n.kind,
    subject: `[${siteName}] ${oneLine(n.title)}`.slice(0, 250),
    bodyText: lines.join('\n'),
  }
}

// SQLite allows 32,766 bound values per statement; stay far below it.
const CHUNK = 500
function chunks<T>(items: T[], size = CHUNK) {
  const out: T[][] = []
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size))
  return out
}

/**
 * Queues an e-mail for each notification whose recipient wants that kind by e-mail now (not in a
 * daily digest). Called inside the transaction that writes the notifications, so both commit or
 * neither. One query for the recipients, one multi-row insert per 500 e-mails.
 */
export function enqueueEmails(tx: Tx, notifications: EmailNotification[]) {
  const wanted = notifications.filter((n) => prefForKind(n.kind) !== null)
  if (wanted.length === 0 || !getEmailSetting(tx).enabled) return 0
  const ids = [...new Set(wanted.map((n) => n.userId))]
  const recipients = new Map<number, Recipient & { prefs: EmailPrefs }>()
  for (const part of chunks(ids)) {
    const rows = tx
      .select({ id: users.id, email: users.email, prefs: prefsText })
      .from(users)
      .where(and(inArray(users.id, part), isNull(users.deletedAt)))
      .all()
    for (const row of rows) recipients.set(row.id, { id: row.id, email: row.email, prefs: readEmailPrefs(row.prefs) })
  }
  const siteName = siteNameOf(tx)
  const rows = wanted.flatMap((n) => {
    const recipient = recipients.get(n.userId)
    if (!recipient || recipient.prefs.digest !== 'off' || !recipient.prefs[prefForKind(n.kind)!]) return []
    return [composeNotificationEmail(siteName, recipient, n)]
  })
  for (const part of chunks(rows)) tx.insert(emailOutbox).values(part).run()
  return rows.length
}

/**
 * Queues one account e-mail (TRANSACTIONAL_KINDS) to the member's address, in the caller's
 * transaction, if site e-mail is on; the member's choices do not apply and there is no unsubscribe
 * footer. Returns whether it was queued.
 */
export function enqueueTransactionalEmail(
  tx: Db | Tx,
  message: { userId: number; toAddress: string; kind: TransactionalKind; subject: string; bodyText: string; now?: Date },
) {
  if (!getEmailSetting(tx).enabled) return false
  const now = message.now ?? new Date()
  tx.insert(emailOutbox)
    .values({
      userId: message.userId,
      toAddress: message.toAddress,
      kind: message.kind,
      subject: `[${siteNameOf(tx)}] ${oneLine(message.subject)}`.slice(0, 250),
      bodyText: message.bodyText,
      createdAt: now,
      nextAttemptAt: now,
    })
    .run()
  return true
}

const DAY_MS = 24 * 60 * 60 * 1000
/** At most this many notifications are listed in one digest; the rest are counted. */
export const DIGEST_MAX_ITEMS = 30

export function utcDayStart(now: Date) {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()))
}

/**
 * Queues one digest for each member on the daily digest who has not had one this UTC day, listing
 * their unread notifications of the last 24 hours (of the kinds they want). The outbox row itself
 * records that the day's digest was made, so a restart never sends a second one. Members with
 * nothing unread get no e-mail. Returns how many digests were queued.
 */
export function queueDailyDigests(db: Db, now = new Date()) {
  if (!getEmailSetting(db).enabled) return 0
  const dayStart = utcDayStart(now)
  return writeTransaction(db, (tx) => {
    // CASE, not AND: SQLite may evaluate json_extract first, and it throws on malformed JSON.
    const members = tx
      .select({ id: users.id, email: users.email, prefs: prefsText })
      .from(users)
      .where(
        and(
          isNull(users.deletedAt),
          sql`case when json_valid(${users.emailPrefs}) then json_extract(${users.emailPrefs}, '$.digest') end = 'daily'`,
          sql`not exists (select 1 from ${emailOutbox} where ${emailOutbox.userId} = ${users.id} and ${emailOutbox.kind} = ${DIGEST_KIND} and ${emailOutbox.createdAt} >= ${dayStart.getTime()})`,
        ),
      )
      .all()
      .map((m) => ({ ...m, prefs: readEmailPrefs(m.prefs) }))
      .filter((m) => m.prefs.digest === 'daily')
    if (members.length === 0) return 0
    const siteName = siteNameOf(tx)
    const rows = []
    for (const part of chunks(members)) {
      const items = tx.all<{ user_id: number; kind: string; title: string; url: string }>(sql`
        select user_id, kind, title, url from notifications
        where user_id in (${sql.join(
          part.map((m) => sql`${m.id}`),
          sql`, `,
        )})
          and read_at is null and created_at > ${now.getTime() - DAY_MS} and created_at <= ${now.getTime()}
        order by user_id, created_at desc, id desc`)
      const byUser = new Map<number, typeof items>()
      for (const item of items) byUser.set(item.user_id, [...(byUser.get(item.user_id) ?? []), item])
      for (const member of part) {
        const listed = (byUser.get(member.id) ?? []).filter((item) => {
          const pref = prefForKind(item.kind)
          return pref !== null && member.prefs[pref]
        })
        if (listed.length === 0) continue
        rows.push(composeDigest(siteName, member, listed, dayStart))
      }
    }
    for (const part of chunks(rows))
      tx.insert(emailOutbox)
        .values(part.map((row) => ({ ...row, createdAt: now, nextAttemptAt: now })))
        .run()
    return rows.length
  })
}

function composeDigest(siteName: string, member: Recipient, items: { title: string; url: string }[], day: Date) {
  const count = items.length
  const lines = [`Your unread notifications on ${siteName} from the last 24 hours:`, '']
  for (const item of items.slice(0, DIGEST_MAX_ITEMS)) lines.push(`* ${oneLine(item.title)}`, `  ${absolute(item.url)}`)
  if (count > DIGEST_MAX_ITEMS) lines.push('', `… and ${count - DIGEST_MAX_ITEMS} more: ${absolute('/notifications')}`)
  lines.push('', footer(siteName, member.id, DIGEST_KIND, 'You get this daily digest because of your settings.'))
  return {
    userId: member.id,
    toAddress: member.email,
    kind: DIGEST_KIND,
    subject: `[${siteName}] ${count} new notification${count === 1 ? '' : 's'} (${day.toISOString().slice(0, 10)})`,
    bodyText: lines.join('\n'),
  }
}
