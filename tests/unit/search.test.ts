import { eq } from 'drizzle-orm'
import { describe, expect, test } from 'vitest'
import { answers, ideas } from '#db/schema'
import { getDb } from '~/lib/db.server'
import { prefixTerm, search, toFtsQuery } from '~/models/search.server'
import { loader as searchLoader } from '~/routes/search'
import { createTestAnswer, createTestIdea, createTestQuestion, createUser, unique } from '#tests/factories'
import { getRequest, settle } from '#tests/route-helpers'

describe('toFtsQuery', () => {
  test('keeps words only, quoted, the last as a prefix', () => {
    expect(toFtsQuery('dark mode')).toBe('"dark" AND ("mode"* OR "mod"*)')
    expect(toFtsQuery('  "NEAR(a b)" -x * OR')).toBe('"NEAR" AND "a" AND "b" AND "x" AND "OR"*')
    expect(toFtsQuery('🙂 *** ()')).toBeNull()
    expect(toFtsQuery('élan naïve')).toBe('"élan" AND ("naïve"* OR "naïv"*)')
    expect(toFtsQuery('a '.repeat(50))?.split(' AND ')).toHaveLength(12)
  })

  test('a half-typed last word is also asked for in a form the stemmer leaves alone', () => {
    expect(prefixTerm('analy')).toBe('("analy"* OR "anal"*)')
    expect(prefixTerm('dashboards')).toBe('("dashboards"* OR "dashboard"*)')
    expect(prefixTerm('export')).toBe('"export"*')
    expect(prefixTerm('you')).toBe('"you"*')
  })
})

describe('search', () => {
  const nasty = [
    '"',
    '""',
    "'",
    '*',
    '-',
    'NEAR(',
    'NEAR(dark mode, 2)',
    '(((',
    ')))',
    'AND OR NOT',
    'title:secret',
    '^start',
    'x'.repeat(5000),
    'word '.repeat(1000),
    '🙂🚀',
    '\u0000\u0002\u0003',
    '<script>alert(1)</script>',
    "'; drop table ideas; --",
  ]
  test.each(nasty.map((q) => [q.length > 40 ? `${q.slice(0, 20)}… (${q.length} chars)` : q, q]))('never raises on %j', (_label, q) => {
    expect(() => search(getDb(), { q })).not.toThrow()
    expect(() => search(getDb(), { q, type: 'answer', page: 999 })).not.toThrow()
  })

  test('finds an answer by a word in its body, linking to its question, with the word highlighted', () => {
    const db = getDb()
    const word = unique('zebracorn')
    const asker = createUser(db)
    const question = createTestQuestion(db, { authorId: asker.id })
    const answer = createTestAnswer(db, { questionId: question.id, authorId: createUser(db).id, bodyMd: `Restart the ${word} service.` })
    const { hits } = search(db, { q: word })
    expect(hits).toEqual([
      expect.objectContaining({
        type: 'answer',
        id: answer.id,
        url: `/questions/${question.id}#answer-${answer.id}`,
        title: question.title,
      }),
    ])
    expect(hits[0]!.snippet).toContain(`\u0002${word}\u0003`)
  })

  test('the index follows edits and never shows hidden or deleted posts', () => {
    const db = getDb()
    const before = unique('quokka')
    const after = unique('wombat')
    const idea = createTestIdea(db, { authorId: createUser(db).id, title: `Support ${before} exports in reports` })
    expect(search(db, { q: before }).hits.map((h) => h.id)).toEqual([idea.id])

    db.update(ideas)
      .set({ title: `Support ${after} exports in reports` })
      .where(eq(ideas.id, idea.id))
      .run()
    expect(search(db, { q: before }).hits).toEqual([])
    expect(search(db, { q: after }).hits.map((h) => h.id)).toEqual([idea.id])

    db.update(ideas).set({ hiddenAt: new Date() }).where(eq(ideas.id, idea.id)).run()
    expect(search(db, { q: after }).hits).toEqual([])
    db.update(ideas).set({ hiddenAt: null, deletedAt: new Date() }).where(eq(ideas.id, idea.id)).run()
    expect(search(db, { q: after }).hits).toEqual([])
  })

  test('a staff search also finds hidden posts, marked; deleted ones never', () => {
    const db = getDb()
    const word = unique('narwhal')
    const author = createUser(db)
    const hidden = createTestIdea(db, { authorId: author.id, title: `Spammy ${word} offer` })
    const question = createTestQuestion(db, { authorId: author.id, title: `Where is the ${word} switch?` })
    const answer = createTestAnswer(db, { questionId: question.id, authorId: author.id, bodyMd: `Buy ${word} pills here.` })
    db.update(ideas).set({ hiddenAt: new Date(), hiddenReason: 'flags' }).where(eq(ideas.id, hidden.id)).run()
    db.update(answers).set({ deletedAt: new Date() }).where(eq(answers.id, answer.id)).run()
    expect(search(db, { q: word }).hits.map((h) => [h.type, h.hidden])).toEqual([['question', false]])
    const staff = search(db, { q: word, includeHidden: true }).hits
    expect(staff.map((h) => [h.type, h.id, h.hidden]).sort()).toEqual(
      [
        ['idea', hidden.id, true],
        ['question', question.id, false],
      ].sort(),
    )
    // The one-query path (with a filter) agrees.
    expect(search(db, { q: word, includeHidden: true, type: 'idea', status: 'idea:open' }).hits.map((h) => [h.id, h.hidden])).toEqual([
      [hidden.id, true],
    ])
  })

  test('the search page finds hidden posts for moderators only', async () => {
    const db = getDb()
    const word = unique('okapi')
    const idea = createTestIdea(db, { authorId: createUser(db).id, title: `Hidden ${word} idea` })
    db.update(ideas).set({ hiddenAt: new Date(), hiddenReason: 'moderator' }).where(eq(ideas.id, idea.id)).run()
    const hitsFor = async (userId?: number) => {
      const res = await settle(async () =>
        searchLoader({ request: await getRequest(`/search?q=${word}`, { userId }), params: {}, context: {} }),
      )
      return (res.body as { hits: Array<{ id: number; hidden: boolean }> }).hits.map((h) => [h.id, h.hidden])
    }
    expect(await hitsFor()).toEqual([])
    expect(await hitsFor(createUser(db, { reputation: 5000 }).id)).toEqual([])
    expect(await hitsFor(createUser(db, { role: 'moderator' }).id)).toEqual([[idea.id, true]])
  })

  test('a deleted answer disappears from search', () => {
    const db = getDb()
    const word = unique('axolotl')
    const question = createTestQuestion(db, { authorId: createUser(db).id })
    const answer = createTestAnswer(db, { questionId: question.id, authorId: createUser(db).id, bodyMd: `Use the ${word} setting.` })
    db.update(answers).set({ deletedAt: new Date() }).where(eq(answers.id, answer.id)).run()
    expect(search(db, { q: word }).hits).toEqual([])
  })

  test('filters by type and finds prefixes of the last word', () => {
    const db = getDb()
    const word = unique('pangolin')
    const author = createUser(db)
    createTestIdea(db, { authorId: author.id, title: `Track ${word} metrics on dashboards` })
    createTestQuestion(db, { authorId: author.id, title: `Where are ${word} metrics shown?` })
    expect(
      search(db, { q: word })
        .hits.map((h) => h.type)
        .sort(),
    ).toEqual(['idea', 'question'])
    expect(search(db, { q: word, type: 'question' }).hits.map((h) => h.type)).toEqual(['question'])
    expect(search(db, { q: word.slice(0, -2) }).hits).toHaveLength(2)
  })

  // The porter stemmer rewrites query terms, prefixes included: "analy" became "anali" and found
  // nothing, and so did a fragment such as "pangolin6uy" of a word "pangolin6uy01".
  test.each(['analy', 'analyti', 'dashboa', 'Quarterl', 'summaries', 'sharing', 'exporte'])(
    'the fragment %j finds the words it begins',
    (fragment) => {
      const db = getDb()
      const marker = unique('ocelot')
      const idea = createTestIdea(db, {
        authorId: createUser(db).id,
        title: `${marker} quarterly analytics dashboards with summaries, sharing exported files`,
      })
      expect(search(db, { q: `${marker} ${fragment}` }).hits.map((h) => h.id)).toEqual([idea.id])
    },
  )

  test.each(['pangolin6uy', 'pangolin13yed'])('the fragment %j, which the stemmer rewrites, still finds its word', (fragment) => {
    const db = getDb()
    const word = `${fragment}01${unique('x')}`
    const idea = createTestIdea(db, { authorId: createUser(db).id, title: `Track ${word} metrics` })
    expect(search(db, { q: fragment }).hits.map((h) => h.id)).toContain(idea.id)
  })
})
