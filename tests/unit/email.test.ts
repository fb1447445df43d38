import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { and, eq, inArray, isNull, sql } from 'drizzle-orm'
import { beforeEach, describe, expect, test, vi } from 'vitest'
import { emailOutbox, notifications, users } from '#db/schema'
import { getDb, type Tx } from '~/lib/db.server'
import { signUnsubscribeToken, verifyUnsubscribeToken } from '~/lib/email-token.server'
import { deliverDueEmails, GAVE_UP_AT, MAX_ATTEMPTS, runEmailWorkerTick, type WorkerState } from '~/models/email-worker.server'
import {
  createLogTransport,
  createSmtpTransport,
  MISSING_NODEMAILER,
  type MailMessage,
  type MailTransport,
  toEml,
} from '~/lib/mailer.server'
import {
  DEFAULT_EMAIL_PREFS,
  type EmailPrefs,
  getEmailPrefs,
  queueDailyDigests,
  readEmailPrefs,
  setEmailPrefs,
} from '~/models/email.server'
import { changeIdeaStatus } from '~/models/idea-status.server'
import { notifyIdeaStakeholders, notifyUser } from '~/models/notifications.server'
import { setSetting } from '~/models/settings.server'
import { setIdeaVote } from '~/models/votes.server'
import { action as settingsAction, loader as settingsLoader } from '~/routes/settings'
import { action as unsubscribeAction, loader as unsubscribeLoader } from '~/routes/unsubscribe'
import { createTestIdea, createTestQuestion, createUser } from '#tests/factories'
import { formRequest, getRequest, settle, TEST_ORIGIN } from '#tests/route-helpers'

const db = () => getDb()
const MINUTE = 60_000

function setSiteEmail(enabled: boolean) {
  expect(setSetting(db(), 'email', { enabled }).ok).toBe(true)
}

function memberWith(prefs: Partial<EmailPrefs> = {}) {
  const user = createUser(db())
  setEmailPrefs(db(), user.id, { ...DEFAULT_EMAIL_PREFS, ...prefs })
  return user
}

function outboxOf(userIds: number[]) {
  return db().select().from(emailOutbox).where(inArray(emailOutbox.userId, userIds)).orderBy(emailOutbox.id).all()
}

/** The worker takes every due row of the file's database: earlier tests' rows are marked sent first. */
function drainOutbox() {
  db().update(emailOutbox).set({ sentAt: new Date() }).where(isNull(emailOutbox.sentAt)).run()
}

function fakeTransport(fail: (message: MailMessage) => string | null = () => null) {
  const sent: MailMessage[] = []
  const transport: MailTransport = {
    name: 'log',
    async send(message) {
      const reason = fail(message)
      if (reason) throw new Error(reason)
      sent.push(message)
    },
  }
  return { transport, sent }
}

beforeEach(() => setSiteEmail(true))

describe('e-mail preferences', () => {
  test('an empty, broken or partly wrong value reads as the defaults, field by field', () => {
    expect(DEFAULT_EMAIL_PREFS).toEqual({ statusChanges: true, answers: true, mentions: true, badges: false, digest: 'off' })
    expect(readEmailPrefs('{}')).toEqual(DEFAULT_EMAIL_PREFS)
    expect(readEmailPrefs('{not json')).toEqual(DEFAULT_EMAIL_PREFS)
    expect(readEmailPrefs('[1,2]')).toEqual(DEFAULT_EMAIL_PREFS)
    expect(readEmailPrefs('null')).toEqual(DEFAULT_EMAIL_PREFS)
    expect(readEmailPrefs('{"answers":false,"digest":"weekly","badges":"yes"}')).toEqual({ ...DEFAULT_EMAIL_PREFS, answers: false })
    expect(readEmailPrefs({ digest: 'daily', mentions: false })).toEqual({ ...DEFAULT_EMAIL_PREFS, digest: 'daily', mentions: false })
  })

  test('a hand-broken row in the database still reads, and a save replaces it', () => {
    const user = createUser(db())
    db().run(sql`update users set email_prefs = '{oops' where id = ${user.id}`)
    expect(getEmailPrefs(db(), user.id)).toEqual(DEFAULT_EMAIL_PREFS)
    setEmailPrefs(db(), user.id, { ...DEFAULT_EMAIL_PREFS, badges: true })
    expect(getEmailPrefs(db(), user.id).badges).toBe(true)
  })
})

describe('queueing e-mail with notifications', () => {
  function ideaWithVoters() {
    const staff = createUser(db(), { role: 'product' })
    const author = memberWith()
    const wantsIt = memberWith()
    const optedOut = memberWith({ statusChanges: false })
    const digest = memberWith({ digest: 'daily' })
    const idea = createTestIdea(db(), { authorId: author.id, title: 'Dark mode for the dashboard' })
    for (const voter of [wantsIt, optedOut, digest, staff]) setIdeaVote(db(), { ideaId: idea.id, userId: voter.id, voted: true })
    return { staff, author, wantsIt, optedOut, digest, idea, everyone: [staff, author, wantsIt, optedOut, digest].map((u) => u.id) }
  }

  test('a status change e-mails only the stakeholders whose preferences allow it, with links that work', () => {
    const { staff, author, wantsIt, idea, everyone } = ideaWithVoters()
    const result = changeIdeaStatus(db(), { ideaId: idea.id, actorId: staff.id, toStatus: 'planned', noteMd: 'Coming in **May**.' })
    expect(result.notified).toBe(4)
    const rows = outboxOf(everyone)
    expect(rows.map((r) => r.userId).sort()).toEqual([author.id, wantsIt.id].sort())
    const row = rows.find((r) => r.userId === wantsIt.id)!
    expect(row).toMatchObject({ toAddress: wantsIt.email, kind: 'idea_status', attempts: 0, sentAt: null, lastError: null })
    expect(row.subject).toBe('[Summit] “Dark mode for the dashboard” is now planned')
    expect(row.bodyText).toContain('Coming in May')
    expect(row.bodyText).toContain(`Open it: http://localhost:3000/ideas/${idea.id}`)
    const token = /\/unsubscribe\?token=(\S+)/.exec(row.bodyText)![1]!
    expect(verifyUnsubscribeToken(token)).toEqual({ ok: true, userId: wantsIt.id, scope: 'statusChanges' })
  })

  test('nothing is queued while site e-mail is off', () => {
    setSiteEmail(false)
    const { staff, idea, everyone } = ideaWithVoters()
    expect(changeIdeaStatus(db(), { ideaId: idea.id, actorId: staff.id, toStatus: 'under_review' }).notified).toBe(4)
    expect(outboxOf(everyone)).toEqual([])
  })

  test('the e-mail is part of the transaction: a rollback leaves neither notification nor e-mail', () => {
    const { staff, idea, everyone } = ideaWithVoters()
    expect(() =>
      db().transaction((tx: Tx) => {
        notifyIdeaStakeholders(tx, idea.id, {
          kind: 'idea_status',
          subjectType: 'idea',
          subjectId: idea.id,
          actorId: staff.id,
          title: 'Moved',
          url: `/ideas/${idea.id}`,
        })
        expect(outboxOf(everyone)).toHaveLength(2) // written inside the transaction
        throw new Error('the change failed')
      }),
    ).toThrow('the change failed')
    expect(outboxOf(everyone)).toEqual([])
    // (Creating the idea earned its author a badge, with its own notification: only this change's count.)
    expect(
      db()
        .select()
        .from(notifications)
        .where(and(inArray(notifications.userId, everyone), eq(notifications.kind, 'idea_status')))
        .all(),
    ).toEqual([])
  })

  test('single notifications map their kind to a preference; unknown kinds are never e-mailed', () => {
    const answersOff = memberWith({ answers: false })
    const defaults = memberWith()
    const question = createTestQuestion(db(), { authorId: defaults.id })
    const notice = { subjectType: 'question', subjectId: question.id, actorId: null, title: 'New answer', url: `/questions/${question.id}` }
    db().transaction((tx: Tx) => {
      for (const user of [answersOff, defaults]) notifyUser(tx, user.id, { ...notice, kind: 'new_answer' })
      notifyUser(tx, defaults.id, { ...notice, kind: 'something_new' })
      notifyUser(tx, defaults.id, { ...notice, kind: 'badge' }) // badges are off by default
    })
    expect(outboxOf([answersOff.id, defaults.id]).map((r) => [r.userId, r.kind])).toEqual([[defaults.id, 'new_answer']])
  })

  test('a title cannot add header lines', () => {
    const user = memberWith()
    db().transaction((tx: Tx) =>
      notifyUser(tx, user.id, {
        kind: 'comment',
        subjectType: 'idea',
        subjectId: 1,
        actorId: null,
        title: 'Hi\r\nBcc: evil@example.com',
        url: '/ideas/1',
      }),
    )
    expect(outboxOf([user.id])[0]!.subject).toBe('[Summit] Hi Bcc: evil@example.com')
  })
})

describe('the delivery worker', () => {
  function queueOne(user = memberWith()) {
    db().transaction((tx: Tx) =>
      notifyUser(tx, user.id, {
        kind: 'comment',
        subjectType: 'idea',
        subjectId: 1,
        actorId: null,
        title: 'A new comment',
        url: '/ideas/1#c',
      }),
    )
    return { user, row: outboxOf([user.id])[0]! }
  }

  test('sends due messages with unsubscribe headers and marks them sent', async () => {
    drainOutbox()
    const { user, row } = queueOne()
    const { transport, sent } = fakeTransport()
    const now = new Date(Date.now() + 1000)
    expect(await deliverDueEmails(db(), transport, now)).toEqual({ sent: 1, retried: 0, gaveUp: 0 })
    expect(sent).toHaveLength(1)
    expect(sent[0]).toMatchObject({ to: user.email, subject: row.subject, text: row.bodyText, from: 'Summit <no-reply@localhost>' })
    const unsubscribe = `<http://localhost:3000/unsubscribe?token=${signUnsubscribeToken(user.id, 'answers')}>`
    expect(sent[0]!.headers).toMatchObject({ 'List-Unsubscribe': unsubscribe, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' })
    expect(sent[0]!.messageId).toMatch(new RegExp(`^<outbox-${row.id}\\.[0-9a-z]+@localhost>$`))
    expect(outboxOf([user.id])[0]).toMatchObject({ sentAt: now, attempts: 0 })
    expect(await deliverDueEmails(db(), transport, new Date(now.getTime() + 60 * MINUTE))).toEqual({ sent: 0, retried: 0, gaveUp: 0 })
  })

  test('retries after 1 min, 5 min, 30 min, 2 h and 12 h, then gives up and logs it', async () => {
    drainOutbox()
    const { user } = queueOne()
    const { transport } = fakeTransport(() => 'connection refused')
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {})
    let now = new Date(Date.now() + 1000)
    const waits: number[] = []
    for (let attempt = 1; attempt < MAX_ATTEMPTS; attempt++) {
      expect(await deliverDueEmails(db(), transport, now)).toEqual({ sent: 0, retried: 1, gaveUp: 0 })
      const row = outboxOf([user.id])[0]!
      expect(row).toMatchObject({ attempts: attempt, lastError: 'connection refused', sentAt: null })
      waits.push((row.nextAttemptAt.getTime() - now.getTime()) / MINUTE)
      // Not due a millisecond early.
      expect(await deliverDueEmails(db(), transport, new Date(row.nextAttemptAt.getTime() - 1))).toEqual({ sent: 0, retried: 0, gaveUp: 0 })
      now = row.nextAttemptAt
    }
    expect(waits).toEqual([1, 5, 30, 120, 720])
    expect(await deliverDueEmails(db(), transport, now)).toEqual({ sent: 0, retried: 0, gaveUp: 1 })
    expect(outboxOf([user.id])[0]).toMatchObject({ attempts: 6, nextAttemptAt: GAVE_UP_AT, sentAt: null })
    expect(warn).toHaveBeenCalledWith(expect.stringContaining('given up after 6 attempts: connection refused'))
    expect(await deliverDueEmails(db(), transport, new Date(Date.UTC(3000, 0, 1)))).toEqual({ sent: 0, retried: 0, gaveUp: 0 })
  })

  test('a failure of one message does not stop the others', async () => {
    drainOutbox()
    const bad = queueOne()
    const good = queueOne()
    const { transport, sent } = fakeTransport((m) => (m.to === bad.user.email ? 'mailbox unavailable' : null))
    expect(await deliverDueEmails(db(), transport, new Date(Date.now() + 1000))).toEqual({ sent: 1, retried: 1, gaveUp: 0 })
    expect(sent.map((m) => m.to)).toEqual([good.user.email])
  })

  test('the due query reads the partial index', () => {
    const plan = db().all<{ detail: string }>(
      sql`explain query plan select id from email_outbox where sent_at is null and next_attempt_at <= ${Date.now()} order by next_attempt_at, id limit 25`,
    )
    expect(plan.map((p) => p.detail).join(' ')).toContain('email_outbox_due_idx')
  })

  test('a tick does nothing while site e-mail is off, and picks the setting up at once', async () => {
    drainOutbox()
    const { user } = queueOne()
    setSiteEmail(false)
    const { transport, sent } = fakeTransport()
    const now = new Date(Date.now() + 1000)
    const state: WorkerState = { digestDay: now.toISOString().slice(0, 10) } // today's digests: done
    expect(await runEmailWorkerTick(db(), transport, state, now)).toBeNull()
    expect(sent).toEqual([])
    setSiteEmail(true)
    expect(await runEmailWorkerTick(db(), transport, state, now)).toEqual({ digests: 0, sent: 1, retried: 0, gaveUp: 0 })
    expect(sent[0]!.to).toBe(user.email)
  })
})

describe('the daily digest', () => {
  test('lists the unread notifications of the last 24 hours, once per member per UTC day', () => {
    const member = memberWith({ digest: 'daily', badges: false })
    const now = new Date('2031-03-10T06:00:00Z')
    const at = (iso: string) => new Date(iso)
    db().transaction((tx: Tx) => {
      const base = { subjectType: 'idea', subjectId: 1, actorId: null, url: '/ideas/1' }
      notifyUser(tx, member.id, { ...base, kind: 'idea_status', title: 'Older than a day', now: at('2031-03-09T05:00:00Z') })
      notifyUser(tx, member.id, { ...base, kind: 'idea_status', title: 'Planned yesterday', now: at('2031-03-09T18:00:00Z') })
      notifyUser(tx, member.id, { ...base, kind: 'comment', title: 'A comment tonight', now: at('2031-03-10T01:00:00Z') })
      notifyUser(tx, member.id, { ...base, kind: 'badge', title: 'A badge (not wanted)', now: at('2031-03-10T02:00:00Z') })
      notifyUser(tx, member.id, { ...base, kind: 'comment', title: 'Already read', now: at('2031-03-10T03:00:00Z') })
    })
    db()
      .update(notifications)
      .set({ readAt: now })
      .where(and(eq(notifications.userId, member.id), eq(notifications.title, 'Already read')))
      .run()
    expect(outboxOf([member.id])).toEqual([]) // digest members get no e-mail per notification

    expect(queueDailyDigests(db(), now)).toBeGreaterThanOrEqual(1)
    const [digest] = outboxOf([member.id])
    expect(digest).toMatchObject({ kind: 'digest', subject: '[Summit] 2 new notifications (2031-03-10)', toAddress: member.email })
    expect(digest!.bodyText).toContain('* A comment tonight\n  http://localhost:3000/ideas/1')
    expect(digest!.bodyText.indexOf('A comment tonight')).toBeLessThan(digest!.bodyText.indexOf('Planned yesterday'))
    for (const absent of ['Older than a day', 'A badge', 'Already read']) expect(digest!.bodyText).not.toContain(absent)
    const token = /\/unsubscribe\?token=(\S+)/.exec(digest!.bodyText)![1]!
    expect(verifyUnsubscribeToken(token)).toMatchObject({ userId: member.id, scope: 'all' })

    // Later the same UTC day, even from a restarted process: nothing new.
    queueDailyDigests(db(), new Date('2031-03-10T23:59:00Z'))
    expect(outboxOf([member.id])).toHaveLength(1)
    // The next day, with nothing unread in its last 24 hours: no e-mail.
    queueDailyDigests(db(), new Date('2031-03-11T06:00:00Z'))
    expect(outboxOf([member.id])).toHaveLength(1)
  })

  test('a worker scans for digests on its first tick of each UTC day only', async () => {
    drainOutbox()
    const member = memberWith({ digest: 'daily' })
    const state: WorkerState = { digestDay: null }
    const { transport } = fakeTransport()
    const notice = { kind: 'comment', subjectType: 'idea', subjectId: 1, actorId: null, title: 'Comment', url: '/ideas/1' }
    db().transaction((tx: Tx) => notifyUser(tx, member.id, { ...notice, now: new Date('2032-01-01T23:00:00Z') }))
    expect(await runEmailWorkerTick(db(), transport, state, new Date('2032-01-02T00:00:10Z'))).toMatchObject({ sent: 1 })
    expect(state.digestDay).toBe('2032-01-02')
    db().transaction((tx: Tx) => notifyUser(tx, member.id, { ...notice, now: new Date('2032-01-02T01:00:00Z') }))
    expect(await runEmailWorkerTick(db(), transport, state, new Date('2032-01-02T01:00:10Z'))).toMatchObject({ digests: 0 })
    expect(outboxOf([member.id])).toHaveLength(1)
  })

  test('nothing is queued while site e-mail is off', () => {
    setSiteEmail(false)
    const member = memberWith({ digest: 'daily' })
    db().transaction((tx: Tx) =>
      notifyUser(tx, member.id, {
        kind: 'comment',
        subjectType: 'idea',
        subjectId: 1,
        actorId: null,
        title: 'x',
        url: '/ideas/1',
        now: new Date('2033-01-01T10:00:00Z'),
      }),
    )
    expect(queueDailyDigests(db(), new Date('2033-01-01T12:00:00Z'))).toBe(0)
    expect(outboxOf([member.id])).toEqual([])
  })
})

describe('unsubscribe tokens', () => {
  test('verify what they sign, and tell cut-off tokens from forged ones', () => {
    const token = signUnsubscribeToken(42, 'answers')
    expect(verifyUnsubscribeToken(token)).toEqual({ ok: true, userId: 42, scope: 'answers' })
    const [, , sig] = token.split('.')
    expect(verifyUnsubscribeToken(`43.answers.${sig}`)).toEqual({ ok: false, reason: 'forged' })
    expect(verifyUnsubscribeToken(`42.all.${sig}`)).toEqual({ ok: false, reason: 'forged' })
    const flipped = sig!.startsWith('A') ? `B${sig!.slice(1)}` : `A${sig!.slice(1)}`
    expect(verifyUnsubscribeToken(`42.answers.${flipped}`)).toEqual({ ok: false, reason: 'forged' })
    for (const bad of ['', 'abc', token.slice(0, -1), `42.everything.${sig}`, `0.answers.${sig}`, `${token}x`]) {
      expect(verifyUnsubscribeToken(bad)).toEqual({ ok: false, reason: 'malformed' })
    }
  })
})

describe('the unsubscribe page', () => {
  const url = (token: string, extra = '') => `/unsubscribe?token=${encodeURIComponent(token)}${extra}`

  test('GET shows what the link stops, without logging in', async () => {
    const user = memberWith()
    const res = await settle(async () =>
      unsubscribeLoader({ request: await getRequest(url(signUnsubscribeToken(user.id, 'statusChanges'))), params: {}, context: {} }),
    )
    expect(res).toMatchObject({ status: 200, body: { scope: 'statusChanges', doneLabel: null } })
    expect((res.body as { label: string }).label).toContain('change status')
  })

  test('a missing or cut-off token is a 400, a forged one a 403, a deleted account a 404', async () => {
    const user = memberWith()
    const token = signUnsubscribeToken(user.id, 'answers')
    const get = async (path: string) => settle(async () => unsubscribeLoader({ request: await getRequest(path), params: {}, context: {} }))
    expect((await get('/unsubscribe')).status).toBe(400)
    expect((await get(url(token.slice(0, 20)))).status).toBe(400)
    expect(await get(url(token.replace(`${user.id}.`, `${user.id + 1}.`)))).toMatchObject({
      status: 403,
      body: expect.stringContaining('not valid'),
    })
    const post = await formRequest(url(token.replace('.answers.', '.all.')), { intent: 'unsubscribe', scope: 'all' })
    expect((await settle(() => unsubscribeAction({ request: post, params: {}, context: {} }))).status).toBe(403)
    db().update(users).set({ deletedAt: new Date() }).where(eq(users.id, user.id)).run()
    expect((await get(url(token))).status).toBe(404)
  })

  test('the confirmation form turns that kind off, or everything', async () => {
    const user = memberWith({ digest: 'daily' })
    const token = signUnsubscribeToken(user.id, 'answers')
    const send = async (fields: Record<string, string>) =>
      settle(async () => unsubscribeAction({ request: await formRequest(url(token), fields), params: {}, context: {} }))
    expect(await send({ intent: 'unsubscribe', scope: 'this' })).toMatchObject({ status: 302, location: url(token, '&done=this') })
    expect(getEmailPrefs(db(), user.id)).toEqual({ ...DEFAULT_EMAIL_PREFS, answers: false, digest: 'daily' })
    const done = await settle(async () =>
      unsubscribeLoader({ request: await getRequest(url(token, '&done=this')), params: {}, context: {} }),
    )
    expect((done.body as { doneLabel: string }).doneLabel).toContain('answers and comments')
    expect((await send({ intent: 'unsubscribe', scope: 'everything' })).status).toBe(400)
    expect(await send({ intent: 'unsubscribe', scope: 'all' })).toMatchObject({ status: 302, location: url(token, '&done=all') })
    expect(getEmailPrefs(db(), user.id)).toEqual({ statusChanges: false, answers: false, mentions: false, badges: false, digest: 'off' })
  })

  test('RFC 8058 one-click: a POST without Origin or Referer unsubscribes; other origin-less posts do not', async () => {
    const user = memberWith()
    const token = signUnsubscribeToken(user.id, 'statusChanges')
    const oneClick = await formRequest(url(token), { 'List-Unsubscribe': 'One-Click' }, { origin: null })
    expect(await settle(() => unsubscribeAction({ request: oneClick, params: {}, context: {} }))).toMatchObject({
      status: 200,
      body: { ok: true },
    })
    expect(getEmailPrefs(db(), user.id)).toEqual({ ...DEFAULT_EMAIL_PREFS, statusChanges: false })
    // A foreign Origin is still refused, whatever the body.
    const crossSite = await formRequest(url(token), { 'List-Unsubscribe': 'One-Click' }, { origin: 'https://evil.example' })
    expect((await settle(() => unsubscribeAction({ request: crossSite, params: {}, context: {} }))).status).toBe(403)
    expect(TEST_ORIGIN).not.toBe('https://evil.example')
  })
})

describe('e-mail choices in /settings', () => {
  test('saves the boxes and the digest choice; an unticked box means off', async () => {
    const user = createUser(db())
    const request = await formRequest(
      '/settings',
      { intent: 'email-prefs', answers: 'on', badges: 'on', digest: 'daily' },
      { userId: user.id },
    )
    expect(await settle(() => settingsAction({ request, params: {}, context: {} }))).toMatchObject({
      status: 302,
      location: '/settings?done=email',
    })
    expect(getEmailPrefs(db(), user.id)).toEqual({ statusChanges: false, answers: true, mentions: false, badges: true, digest: 'daily' })
    const page = await settle(async () =>
      settingsLoader({ request: await getRequest('/settings?done=email', { userId: user.id }), params: {}, context: {} }),
    )
    expect(page.body).toMatchObject({
      notice: 'Your e-mail choices were saved.',
      email: { siteSendsEmail: true, prefs: { digest: 'daily', badges: true } },
    })
  })

  test('a bad value is a 400 and changes nothing', async () => {
    const user = createUser(db())
    const request = await formRequest('/settings', { intent: 'email-prefs', answers: 'yes please', digest: 'hourly' }, { userId: user.id })
    const res = await settle(() => settingsAction({ request, params: {}, context: {} }))
    expect(res).toMatchObject({
      status: 400,
      body: { intent: 'email-prefs', fieldErrors: { digest: ['Choose how often you get e-mail.'] } },
    })
    expect(getEmailPrefs(db(), user.id)).toEqual(DEFAULT_EMAIL_PREFS)
  })

  test('says when the site sends no e-mail', async () => {
    setSiteEmail(false)
    const user = createUser(db())
    const page = await settle(async () =>
      settingsLoader({ request: await getRequest('/settings', { userId: user.id }), params: {}, context: {} }),
    )
    expect(page.body).toMatchObject({ email: { siteSendsEmail: false, prefs: DEFAULT_EMAIL_PREFS } })
  })
})

describe('mail transports', () => {
  const message: MailMessage = {
    from: 'Summit <no-reply@localhost>',
    to: 'ana@example.com',
    subject: '[Summit] “Dark mode” is now planned',
    text: 'Line one\nLine two',
    headers: {
      'List-Unsubscribe': '<http://localhost:3000/unsubscribe?token=1.all.x>',
      'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
    },
    messageId: '<outbox-1@localhost>',
  }

  test('the log transport writes an .eml file with the unsubscribe headers and logs one line', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'summit-mail-test-'))
    const log = vi.spyOn(console, 'log').mockImplementation(() => {})
    await createLogTransport(dir).send(message)
    const [file] = fs.readdirSync(dir)
    expect(file).toMatch(/\.eml$/)
    const eml = fs.readFileSync(path.join(dir, file!), 'utf8')
    expect(eml).toContain('To: ana@example.com\r\n')
    expect(eml).toContain(`Subject: =?UTF-8?B?${Buffer.from(message.subject).toString('base64')}?=\r\n`)
    expect(eml).toContain('List-Unsubscribe: <http://localhost:3000/unsubscribe?token=1.all.x>\r\n')
    expect(eml).toContain('List-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n')
    expect(eml).toMatch(/\r\n\r\nLine one\r\nLine two\r\n$/)
    expect(log).toHaveBeenCalledTimes(1)
    expect(log.mock.calls[0]![0]).toContain('ana@example.com')
    fs.rmSync(dir, { recursive: true, force: true })
  })

  test('header values never break lines', () => {
    expect(toEml({ ...message, subject: 'a\r\nBcc: x@y.z' })).toContain('Subject: a Bcc: x@y.z\r\n')
  })

  test('SMTP without nodemailer fails with a message that says what to do', async () => {
    await expect(createSmtpTransport('smtp://localhost:25', () => Promise.reject(new Error('Cannot find package')))).rejects.toThrow(
      MISSING_NODEMAILER,
    )
    const calls: Record<string, unknown>[] = []
    const fake = { createTransport: () => ({ sendMail: async (options: Record<string, unknown>) => void calls.push(options) }) }
    const smtp = await createSmtpTransport('smtp://localhost:25', async () => ({ default: fake }))
    await smtp.send(message)
    expect(calls[0]).toMatchObject({ to: 'ana@example.com', headers: message.headers, messageId: message.messageId })
  })
})
