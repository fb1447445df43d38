/** Results reused until the next write, and the pages that use them (counts, the first trending page). */
import { eq } from 'drizzle-orm'
import { describe, expect, test } from 'vitest'
import { ideas, questions } from '#db/schema'
import { databaseFile, getDb, openDatabase } from '~/lib/db.server'
import { memoUntilWrite } from '~/lib/read-cache.server'
import { countVisibleIdeas, listIdeas } from '~/models/idea-lists.server'
import { countVisibleQuestions } from '~/models/questions.server'
import { MARK_END, MARK_START, SEARCH_PAGE_SIZE, search } from '~/models/search.server'
import { setIdeaVote } from '~/models/votes.server'
import { createCategory, createTestIdea, createTestQuestion, createUser } from '#tests/factories'

const DAY = 86_400_000
const NOW = new Date('2026-03-10T12:30:00Z')
const ago = (ms: number) => new Date(NOW.getTime() - ms)

describe('memoUntilWrite', () => {
  test('reuses a result until this connection writes', () => {
    const db = getDb()
    let computed = 0
    const read = () => memoUntilWrite(db, 'test', () => ++computed)
    expect(read()).toBe(1)
    expect(read()).toBe(1)
    createUser(db)
    expect(read()).toBe(2)
    expect(read()).toBe(2)
  })

  test('and until another connection commits', () => {
    const db = getDb()
    let computed = 0
    const read = () => memoUntilWrite(db, 'test other', () => ++computed)
    expect(read()).toBe(1)
    const other = openDatabase(databaseFile())
    try {
      createUser(other)
    } finally {
      other.$client.close()
    }
    expect(read()).toBe(2)
  })
})

test('the visible counts leave out hidden, deleted and merged posts, and follow every change at once', () => {
  const db = getDb()
  const author = createUser(db)
  const before = { ideas: countVisibleIdeas(db), questions: countVisibleQuestions(db) }
  // Posted long ago, so their authors' votes stay out of the trending test below.
  const idea = () => createTestIdea(db, { authorId: author.id, now: ago(60 * DAY) })
  const [a, b, c] = [0, 1, 2].map(idea)
  const [q, r] = [0, 1].map(() => createTestQuestion(db, { authorId: author.id }))
  expect(countVisibleIdeas(db)).toBe(before.ideas + 3)
  expect(countVisibleQuestions(db)).toBe(before.questions + 2)
  db.update(ideas).set({ hiddenAt: new Date() }).where(eq(ideas.id, a!.id)).run()
  db.update(ideas).set({ deletedAt: new Date() }).where(eq(ideas.id, b!.id)).run()
  db.update(ideas).set({ status: 'merged', mergedIntoId: c!.id }).where(eq(ideas.id, idea().id)).run()
  db.update(questions).set({ deletedAt: new Date() }).where(eq(questions.id, q!.id)).run()
  expect(countVisibleIdeas(db)).toBe(before.ideas + 1)
  expect(countVisibleQuestions(db)).toBe(before.questions + 1)
  expect(r).toBeDefined()
})

test('the first trending page is the filtered query’s ranking, and a new vote moves it at once', () => {
  const db = getDb()
  const category = createCategory(db)
  const author = createUser(db)
  const old = () => createTestIdea(db, { authorId: author.id, categoryId: category.id, now: ago(60 * DAY) })
  const made = Array.from({ length: 9 }, (_, i) => {
    const idea = old()
    for (let v = 0; v <= i % 4; v++)
      setIdeaVote(db, { ideaId: idea.id, userId: createUser(db).id, voted: true, now: ago((i + 1) * 0.4 * DAY) })
    return idea.id
  })
  db.update(ideas).set({ hiddenAt: new Date() }).where(eq(ideas.id, made[3]!)).run()
  // Every listed idea is open, so the status filter (which takes the one-query path) changes nothing.
  const ids = (input: { status?: 'open'; pageSize?: number }) => listIdeas(db, { sort: 'trending', now: NOW, ...input })
  const first = ids({ pageSize: 4 })
  const filtered = ids({ pageSize: 4, status: 'open' })
  expect(first.items.map((i) => i.id)).toEqual(filtered.items.map((i) => i.id))
  expect(first.nextCursor).toEqual(filtered.nextCursor)
  expect(first.items.map((i) => i.id)).not.toContain(made[3])
  expect(ids({ pageSize: 50 }).items.map((i) => i.id)).toEqual(ids({ pageSize: 50, status: 'open' }).items.map((i) => i.id))

  const last = first.items.at(-1)!.id
  const bottom = made.find((id) => id !== made[3] && !first.items.some((i) => i.id === id))!
  for (let v = 0; v < 6; v++) setIdeaVote(db, { ideaId: bottom, userId: createUser(db).id, voted: true, now: ago(0.1 * DAY) })
  const after = ids({ pageSize: 4 }).items.map((i) => i.id)
  expect(after[0]).toBe(bottom)
  expect(after).not.toContain(last)
})

describe('search of a common word', () => {
  test('ranks each index first, and falls back to the full query when hidden posts fill the top', () => {
    const db = getDb()
    const author = createUser(db)
    const old = (title: string) => createTestIdea(db, { authorId: author.id, title, bodyMd: 'Plain body.', now: ago(60 * DAY) })
    // The best matches (the word twice in a short title) are all hidden: more than the shortcut reads.
    const hidden = Array.from({ length: 140 }, () => old('Zebra zebra'))
    for (const idea of hidden) db.update(ideas).set({ hiddenAt: new Date() }).where(eq(ideas.id, idea.id)).run()
    const shown = Array.from({ length: 5 }, (_, i) => old(`A zebra crossing for reports number ${i}`))
    const hits = search(db, { q: 'zebra' }).hits
    expect(hits.map((h) => h.id).sort((a, b) => a - b)).toEqual(shown.map((i) => i.id))
    expect(hits[0]!.title).toContain(`${MARK_START}zebra${MARK_END}`)
  })

  test('gives the same page as the filtered query, and a new post shows at once', () => {
    const db = getDb()
    const author = createUser(db)
    for (let i = 0; i < 30; i++)
      createTestIdea(db, { authorId: author.id, title: `Quokka mode ${'for dashboards '.repeat(i % 5)}${i}`, now: ago(60 * DAY) })
    const first = search(db, { q: 'quokka' })
    expect(first.hits).toHaveLength(SEARCH_PAGE_SIZE)
    expect(first.hasMore).toBe(true)
    // The status filter takes the one-query path; every idea here is open.
    expect(search(db, { q: 'quokka', status: 'idea:open' }).hits.map((h) => h.id)).toEqual(first.hits.map((h) => h.id))
    const fresh = createTestIdea(db, { authorId: author.id, title: 'Quokka', now: ago(DAY) })
    expect(search(db, { q: 'quokka' }).hits[0]!.id).toBe(fresh.id)
  })
})
