/**
 * Internal notes stay internal: a member never meets one on the idea page, in search, in the
 * changelog page or feed, in a notification, or in an export, while the team sees them.
 */
import { count, eq, sql } from 'drizzle-orm'
import { describe, expect, test } from 'vitest'
import { ideaNotes, notifications } from '#db/schema'
import { getDb } from '~/lib/db.server'
import { changeIdeaStatus } from '~/models/idea-status.server'
import { addIdeaNote, listIdeaNotes } from '~/models/idea-notes.server'
import { ideasCsvExport, votersCsvExport } from '~/models/product.server'
import { setIdeaVote } from '~/models/votes.server'
import { loader as changelogFeed } from '~/routes/changelog[.]atom'
import { loader as changelogPage } from '~/routes/changelog'
import { action as ideaAction, loader as ideaLoader } from '~/routes/ideas.$ideaId/route'
import { loader as searchLoader } from '~/routes/search'
import { createTestIdea, createUser } from '#tests/factories'
import { formRequest, getRequest, settle } from '#tests/route-helpers'

const db = () => getDb()

/** A word no other row holds, so a search or a file containing it can only have it from the note. */
const secretWord = () => `zebrafinch${Math.random().toString(36).slice(2, 8)}`

function shippedIdeaWithNote() {
  const author = createUser(db())
  const product = createUser(db(), { role: 'product' })
  const voter = createUser(db())
  const idea = createTestIdea(db(), { authorId: author.id, title: 'Export dashboards as PDF files' })
  setIdeaVote(db(), { ideaId: idea.id, userId: voter.id, voted: true })
  const secret = secretWord()
  const notificationsBefore = db().select({ n: count() }).from(notifications).get()!.n
  addIdeaNote(db(), { ideaId: idea.id, authorId: product.id, bodyMd: `Acme renewal depends on this: ${secret} **confidential**` })
  const notificationsAfterNote = db().select({ n: count() }).from(notifications).get()!.n
  changeIdeaStatus(db(), { ideaId: idea.id, actorId: product.id, toStatus: 'shipped', noteMd: 'Shipped for everyone.' })
  return { author, product, voter, idea, secret, notificationsBefore, notificationsAfterNote }
}

const text = (body: unknown) => (typeof body === 'string' ? body : JSON.stringify(body))

describe('internal notes', () => {
  test('the team writes and reads them; the Markdown is stored sanitized', async () => {
    const { idea, product } = shippedIdeaWithNote()
    const request = await formRequest(
      `/ideas/${idea.id}`,
      { intent: 'internal-note', body: 'Check with <script>alert(1)</script> sales' },
      { userId: product.id },
    )
    const res = await settle(() => ideaAction({ request, params: { ideaId: String(idea.id) }, context: {} }))
    expect(res.status).toBe(302)
    const notes = listIdeaNotes(db(), idea.id)
    expect(notes.total).toBe(2)
    expect(notes.items.at(-1)!.bodyHtml).not.toContain('<script')
    expect(notes.items[0]!.bodyHtml).toContain('<strong>confidential</strong>')
  })

  test('a short note is refused with 400 and the text kept', async () => {
    const { idea, product } = shippedIdeaWithNote()
    const request = await formRequest(`/ideas/${idea.id}`, { intent: 'internal-note', body: 'x' }, { userId: product.id })
    const res = await settle(() => ideaAction({ request, params: { ideaId: String(idea.id) }, context: {} }))
    expect(res).toMatchObject({
      status: 400,
      body: { intent: 'internal-note', fields: { body: 'x' }, fieldErrors: { body: ['Write at least 2 characters.'] } },
    })
  })

  test('never on the idea page for members, moderators or visitors', async () => {
    const { idea, secret, voter, product } = shippedIdeaWithNote()
    for (const userId of [undefined, voter.id, createUser(db(), { role: 'moderator' }).id]) {
      const res = await settle(async () =>
        ideaLoader({ request: await getRequest(`/ideas/${idea.id}`, { userId }), params: { ideaId: String(idea.id) }, context: {} }),
      )
      expect(res.status).toBe(200)
      expect(text(res.body)).not.toContain(secret)
    }
    const staffView = await settle(async () =>
      ideaLoader({
        request: await getRequest(`/ideas/${idea.id}`, { userId: product.id }),
        params: { ideaId: String(idea.id) },
        context: {},
      }),
    )
    expect(text(staffView.body)).toContain(secret)
  })

  test('never in search: idea_notes has no full-text index', async () => {
    const { secret, voter } = shippedIdeaWithNote()
    const res = await settle(async () =>
      searchLoader({ request: await getRequest(`/search?q=${secret}`, { userId: voter.id }), params: {}, context: {} }),
    )
    expect(res.status).toBe(200)
    expect(res.body).toMatchObject({ q: secret, hits: [] }) // the query is echoed; nothing is found
    const indexedTables = db().all<{ sql: string }>(sql`select sql from sqlite_master where sql like '%fts5%' or type = 'trigger'`)
    for (const row of indexedTables) expect(row.sql).not.toMatch(/idea_notes/)
  })

  test('never in the changelog page or its Atom feed', async () => {
    const { secret, voter } = shippedIdeaWithNote()
    const feed = await settle(async () => changelogFeed({ request: await getRequest('/changelog.atom'), params: {}, context: {} }))
    expect(feed.status).toBe(200)
    expect(text(feed.body)).toContain('Shipped for everyone.')
    expect(text(feed.body)).not.toContain(secret)
    const page = await settle(async () =>
      changelogPage({ request: await getRequest('/changelog', { userId: voter.id }), params: {}, context: {} }),
    )
    expect(page.status).toBe(200)
    expect(text(page.body)).not.toContain(secret)
  })

  test('never in a notification: writing a note notifies nobody', () => {
    const { secret, notificationsBefore, notificationsAfterNote, voter } = shippedIdeaWithNote()
    expect(notificationsAfterNote).toBe(notificationsBefore)
    const mine = db()
      .select({ title: notifications.title, body: notifications.body })
      .from(notifications)
      .where(eq(notifications.userId, voter.id))
      .all()
    expect(mine).toHaveLength(1) // the status change
    expect(text(mine)).not.toContain(secret)
  })

  test('never in the CSV exports', () => {
    const { idea, secret } = shippedIdeaWithNote()
    const drain = (next: () => unknown[] | null) => {
      const rows: unknown[] = []
      for (let batch = next(); batch; batch = next()) rows.push(...batch)
      return text(rows)
    }
    expect(drain(ideasCsvExport(db(), { status: 'shipped', categoryId: null, origin: 'http://localhost' }).nextBatch)).not.toContain(secret)
    const voters = votersCsvExport(db(), idea.id)
    expect(voters.header).toEqual(['username', 'display name', 'segment', 'voted at'])
    expect(drain(voters.nextBatch)).not.toContain(secret)
    expect(db().select({ n: count() }).from(ideaNotes).where(eq(ideaNotes.ideaId, idea.id)).get()!.n).toBe(1)
  })
})
