import { eq } from 'drizzle-orm'
import { describe, expect, test } from 'vitest'
import { ideas } from '#db/schema'
import { getDb } from '~/lib/db.server'
import { similarIdeas } from '~/models/search.server'
import { loader as similarLoader } from '~/routes/resources.similar-ideas'
import { createTestIdea, createUser, unique } from '#tests/factories'
import { getRequest, settle } from '#tests/route-helpers'

const db = () => getDb()

describe('similarIdeas', () => {
  test('finds an existing idea from a differently worded title, with its votes and status', () => {
    const word = unique('kestrel')
    const idea = createTestIdea(db(), {
      authorId: createUser(db()).id,
      title: `Export ${word} invoices to spreadsheets`,
      bodyMd: 'Finance needs them every month.',
    })
    // Different words around the one that matters, a plural and a half-typed last word.
    expect(similarIdeas(db(), `Please let us download the ${word} invoice as a spreadsh`)).toEqual([
      { id: idea.id, title: `Export ${word} invoices to spreadsheets`, status: 'open', voteCount: 1 },
    ])
    // Words of the body count too, less than the title's.
    const bodyOnly = createTestIdea(db(), {
      authorId: createUser(db()).id,
      title: `Monthly report ${unique('x')} please`,
      bodyMd: `It should include ${word} totals.`,
    })
    expect(similarIdeas(db(), `${word} invoices`).map((i) => i.id)).toEqual([idea.id, bodyOnly.id])
  })

  test('ranks the idea sharing the most words first', () => {
    const a = unique('heron')
    const b = unique('egret')
    const author = createUser(db()).id
    const one = createTestIdea(db(), { authorId: author, title: `Dark theme for the ${a} dashboard` })
    const both = createTestIdea(db(), { authorId: author, title: `The ${a} dashboard should show ${b} charts` })
    expect(similarIdeas(db(), `${a} ${b}`).map((i) => i.id)).toEqual([both.id, one.id])
  })

  test('common words alone find nothing', () => {
    expect(similarIdeas(db(), 'Please add an option to the')).toEqual([])
    expect(similarIdeas(db(), 'a I')).toEqual([])
  })

  test('leaves out hidden, deleted and merged ideas', () => {
    const word = unique('ibis')
    const author = createUser(db()).id
    const visible = createTestIdea(db(), { authorId: author, title: `Bulk ${word} editing for tickets` })
    const hidden = createTestIdea(db(), { authorId: author, title: `Bulk ${word} editing for users` })
    const deleted = createTestIdea(db(), { authorId: author, title: `Bulk ${word} editing for tags` })
    const merged = createTestIdea(db(), { authorId: author, title: `Bulk ${word} editing for teams` })
    db().update(ideas).set({ hiddenAt: new Date() }).where(eq(ideas.id, hidden.id)).run()
    db().update(ideas).set({ deletedAt: new Date() }).where(eq(ideas.id, deleted.id)).run()
    db().update(ideas).set({ status: 'merged', mergedIntoId: visible.id }).where(eq(ideas.id, merged.id)).run()
    expect(similarIdeas(db(), `bulk ${word} editing`).map((i) => i.id)).toEqual([visible.id])
  })

  test('returns at most five', () => {
    const word = unique('plover')
    const author = createUser(db()).id
    for (let i = 0; i < 8; i++) createTestIdea(db(), { authorId: author, title: `Idea ${i} about ${word} alerts` })
    expect(similarIdeas(db(), `${word} alerts`)).toHaveLength(5)
    expect(similarIdeas(db(), `${word} alerts`, 50)).toHaveLength(5)
    expect(similarIdeas(db(), `${word} alerts`, 2)).toHaveLength(2)
  })

  const nasty = [
    '"',
    '""',
    "'",
    '*',
    'OR',
    'OR OR OR',
    'AND OR NOT NEAR',
    'NEAR(',
    'NEAR(dark mode, 2)',
    '(((',
    'title:secret',
    '^start',
    '-x',
    'x'.repeat(5000),
    'word '.repeat(1000),
    '🙂🚀',
    '\u0000\u0002\u0003',
    '<script>alert(1)</script>',
    "'; drop table ideas; --",
  ]
  test.each(nasty.map((q) => [q.length > 40 ? `${q.slice(0, 20)}… (${q.length} chars)` : q, q]))('never raises on %j', (_label, q) => {
    expect(() => similarIdeas(db(), q)).not.toThrow()
  })
})

describe('/resources/similar-ideas', () => {
  const load = async (q: string) =>
    settle(async () =>
      similarLoader({ request: await getRequest(`/resources/similar-ideas?${new URLSearchParams({ q })}`), params: {}, context: {} }),
    )

  test('answers JSON with the similar ideas', async () => {
    const word = unique('avocet')
    const idea = createTestIdea(db(), { authorId: createUser(db()).id, title: `Single sign-on with ${word} accounts` })
    const res = await load(`${word} login`)
    expect(res.status).toBe(200)
    expect(res.headers.get('Content-Type')).toMatch(/^application\/json/)
    expect(res.body).toEqual({ ideas: [{ id: idea.id, title: idea.title, status: 'open', voteCount: 1 }] })
  })

  test('short or hostile queries give an empty list, never an error', async () => {
    for (const q of ['', 'ab', '  a  ', '"NEAR(', 'x'.repeat(3000)]) {
      const res = await load(q)
      expect(res.status).toBe(200)
      expect(res.body).toMatchObject({ ideas: expect.any(Array) })
    }
    expect((await load('ab')).body).toEqual({ ideas: [] })
    const repeated = await settle(async () =>
      similarLoader({ request: await getRequest('/resources/similar-ideas?q=a&q=b&q'), params: {}, context: {} }),
    )
    expect(repeated.status).toBe(200)
  })
})
