/** The idea list: trending, filters, the viewer's votes, and the queries behind a page. */
import { eq, sql } from 'drizzle-orm'
import { describe, expect, test } from 'vitest'
import { ideas, ideaVotes } from '#db/schema'
import { type Db, forgetPreparedQueries, getDb } from '~/lib/db.server'
import { decodeCursor } from '~/lib/pagination.server'
import { type IdeaListInput, listIdeas } from '~/models/idea-lists.server'
import { setSetting } from '~/models/settings.server'
import { findTagByName } from '~/models/tags.server'
import { setIdeaVote } from '~/models/votes.server'
import { loader } from '~/routes/ideas._index'
import { createCategory, createTestIdea, createUser, unique } from '#tests/factories'
import { getRequest, settle } from '#tests/route-helpers'

const DAY = 86_400_000
const NOW = new Date('2026-03-10T12:30:00Z')
const ago = (ms: number) => new Date(NOW.getTime() - ms)

/** Every statement better-sqlite3 runs while `fn` runs, with its parameters. */
function recordStatements<T>(db: Db, fn: () => T) {
  const client = db.$client
  const prepare = client.prepare
  const log: Array<{ sql: string; params: unknown[] }> = []
  client.prepare = function (this: typeof client, source: string) {
    const statement = prepare.call(this, source)
    const proxy: typeof statement = new Proxy(statement, {
      get(target, key, receiver) {
        const value = Reflect.get(target, key, receiver)
        if (typeof value !== 'function') return value
        if (key === 'all' || key === 'get' || key === 'run' || key === 'iterate') {
          return (...params: unknown[]) => {
            log.push({ sql: source, params })
            return value.apply(target, params)
          }
        }
        // raw(), pluck() and friends return the statement itself: keep returning the proxy.
        return (...args: unknown[]) => {
          const result = value.apply(target, args)
          return result === target ? proxy : result
        }
      },
    })
    return proxy
  } as typeof client.prepare
  // Queries prepared once per connection are prepared again while recording, and again after it.
  forgetPreparedQueries(db)
  try {
    return { result: fn(), log }
  } finally {
    client.prepare = prepare
    forgetPreparedQueries(db)
  }
}

function planOf(db: Db, statement: { sql: string; params: unknown[] }) {
  return (db.$client.prepare(`explain query plan ${statement.sql}`).all(...statement.params) as Array<{ detail: string }>)
    .map((row) => row.detail)
    .join('\n')
}

/** An idea posted long ago (so its author's automatic vote is outside any trending window). */
function oldIdea(db: Db, input: { authorId: number; categoryId?: number; tagNames?: string[] }) {
  return createTestIdea(db, { ...input, now: ago(60 * DAY) })
}

function voteAt(db: Db, ideaId: number, when: Date) {
  setIdeaVote(db, { ideaId, userId: createUser(db).id, voted: true, now: when })
}

describe('trending', () => {
  test('ranks by votes of the last 7 days, each halving every 3 days; older votes count for nothing', () => {
    const db = getDb()
    const category = createCategory(db)
    const author = createUser(db)
    const [a, b, c, d] = [0, 1, 2, 3].map(() => oldIdea(db, { authorId: author.id, categoryId: category.id }))
    for (let i = 0; i < 3; i++) voteAt(db, a!.id, ago(6.5 * DAY)) // 3 × 0.22 = 0.67
    voteAt(db, b!.id, ago(0.5 * DAY)) // 0.89
    for (let i = 0; i < 2; i++) voteAt(db, c!.id, ago(2 * DAY)) // 2 × 0.63 = 1.26
    for (let i = 0; i < 5; i++) voteAt(db, d!.id, ago(8 * DAY)) // outside the window
    const page = listIdeas(db, { sort: 'trending', categoryId: category.id, now: NOW })
    expect(page.items.map((i) => i.id)).toEqual([c!.id, b!.id, a!.id])

    // The top list still ranks by all votes.
    const top = listIdeas(db, { sort: 'top', categoryId: category.id, now: NOW })
    expect(top.items.map((i) => i.id)).toEqual([d!.id, a!.id, c!.id, b!.id])
  })

  test('keyset pages cover every trending idea once, in order, and a bad cursor means the first page', () => {
    const db = getDb()
    const category = createCategory(db)
    const author = createUser(db)
    const created = Array.from({ length: 7 }, (_, i) => {
      const idea = oldIdea(db, { authorId: author.id, categoryId: category.id })
      for (let v = 0; v <= i % 3; v++) voteAt(db, idea.id, ago((i + 1) * 0.3 * DAY))
      return idea.id
    })
    const seen: number[] = []
    let cursor: string | null = null
    do {
      const page = listIdeas(db, { sort: 'trending', categoryId: category.id, cursor: decodeCursor(cursor), pageSize: 3, now: NOW })
      seen.push(...page.items.map((i) => i.id))
      cursor = page.nextCursor
    } while (cursor)
    expect([...seen].sort()).toEqual([...created].sort())
    expect(new Set(seen).size).toBe(seen.length)
    const firstPage = listIdeas(db, { sort: 'trending', categoryId: category.id, pageSize: 3, now: NOW }).items
    const badCursor = decodeCursor('garbage')
    expect(listIdeas(db, { sort: 'trending', categoryId: category.id, cursor: badCursor, pageSize: 3, now: NOW }).items).toEqual(firstPage)
    expect(seen.slice(0, 3)).toEqual(firstPage.map((i) => i.id))
  })
})

describe('filters and the viewer’s votes', () => {
  test('tag, "ideas I voted on" and "my ideas", each combinable with the category; viewerVoted on every row', () => {
    const db = getDb()
    const category = createCategory(db)
    const viewer = createUser(db)
    const other = createUser(db)
    const tag = unique('tag-')
    const tagged = oldIdea(db, { authorId: other.id, categoryId: category.id, tagNames: [tag] })
    const votedOn = oldIdea(db, { authorId: other.id, categoryId: category.id })
    const mine = oldIdea(db, { authorId: viewer.id, categoryId: category.id })
    const untouched = oldIdea(db, { authorId: other.id, categoryId: category.id })
    setIdeaVote(db, { ideaId: votedOn.id, userId: viewer.id, voted: true })
    const ids = (input: Omit<IdeaListInput, 'categoryId'>) => listIdeas(db, { ...input, categoryId: category.id }).items.map((i) => i.id)

    const tagId = findTagByName(db, tag.toUpperCase())!.id
    expect(ids({ sort: 'new', tagId })).toEqual([tagged.id])
    expect(ids({ sort: 'new', mine: 'voted', viewerId: viewer.id })).toEqual([mine.id, votedOn.id]) // own ideas carry an automatic vote
    expect(ids({ sort: 'new', mine: 'posted', viewerId: viewer.id })).toEqual([mine.id])
    expect(ids({ sort: 'new', mine: 'posted' })).toHaveLength(4) // no viewer: the filter does not apply
    expect(ids({ sort: 'trending', mine: 'voted', viewerId: viewer.id })).toEqual([votedOn.id]) // the only recent vote

    const rows = listIdeas(db, { sort: 'new', categoryId: category.id, viewerId: viewer.id }).items
    expect(rows.map((r) => [r.id, r.viewerVoted])).toEqual([
      [untouched.id, false],
      [mine.id, true],
      [votedOn.id, true],
      [tagged.id, false],
    ])
    expect(listIdeas(db, { sort: 'new', categoryId: category.id }).items.every((r) => r.viewerVoted === false)).toBe(true)
  })

  test('a page costs two statements however many rows it has: the page and the viewer’s votes among its ids', () => {
    const db = getDb()
    const category = createCategory(db)
    const viewer = createUser(db)
    const author = createUser(db)
    for (let i = 0; i < 25; i++) {
      const idea = oldIdea(db, { authorId: author.id, categoryId: category.id })
      if (i % 2) setIdeaVote(db, { ideaId: idea.id, userId: viewer.id, voted: true })
    }
    for (const sort of ['top', 'trending', 'new', 'active'] as const) {
      const small = recordStatements(db, () => listIdeas(db, { sort, categoryId: category.id, viewerId: viewer.id, pageSize: 2 }))
      const full = recordStatements(db, () => listIdeas(db, { sort, categoryId: category.id, viewerId: viewer.id, pageSize: 20 }))
      expect(full.result.items.length).toBeGreaterThan(small.result.items.length)
      expect(small.log).toHaveLength(2)
      expect(full.log).toHaveLength(2)
    }
  })
})

describe('query plans of the list (the statements listIdeas really runs)', () => {
  const cases: Array<[string, IdeaListInput, string]> = [
    ['top', { sort: 'top' }, 'ideas_top_idx'],
    ['new', { sort: 'new' }, 'ideas_new_idx'],
    ['recently active', { sort: 'active' }, 'ideas_active_idx'],
    ['top in a category', { sort: 'top', categoryId: 1 }, 'ideas_category_top_idx'],
    ['top with a status', { sort: 'top', status: 'planned' }, 'ideas_status_top_idx'],
    ['top, next page', { sort: 'top', cursor: { sort: 5, id: 100 } }, 'ideas_top_idx'],
  ]
  test.each(cases)('%s walks its index in order, without a sort step', (_name, input, index) => {
    const db = getDb()
    const { log } = recordStatements(db, () => listIdeas(db, input))
    const plan = planOf(db, log[0]!)
    expect(plan).toContain(index)
    expect(plan).not.toContain('USE TEMP B-TREE FOR ORDER BY')
  })

  test('trending ranges over the recent votes only, through idea_votes_time_idx, and joins ideas by key', () => {
    const db = getDb()
    const { log } = recordStatements(db, () => listIdeas(db, { sort: 'trending', cursor: { sort: 900, id: 10 } }))
    const plan = planOf(db, log[0]!)
    expect(plan).toMatch(/SEARCH idea_votes USING COVERING INDEX idea_votes_time_idx \(created_at>\?\)/)
    expect(plan).toMatch(/SEARCH ideas USING INTEGER PRIMARY KEY/)
  })

  test('"ideas I voted on", "my ideas" and the viewer’s votes use the vote and author indexes', () => {
    const db = getDb()
    const viewer = createUser(db)
    setIdeaVote(db, { ideaId: createTestIdea(db, { authorId: createUser(db).id }).id, userId: viewer.id, voted: true })
    const voted = recordStatements(db, () => listIdeas(db, { sort: 'top', mine: 'voted', viewerId: viewer.id })).log
    expect(planOf(db, voted[0]!)).toContain('idea_votes_user_idx')
    const byKey = /SEARCH idea_votes USING (COVERING )?INDEX sqlite_autoindex_idea_votes_1 \(idea_id=\? AND user_id=\?\)/
    expect(planOf(db, voted[1]!)).toMatch(byKey)
    const posted = recordStatements(db, () => listIdeas(db, { sort: 'new', mine: 'posted', viewerId: viewer.id })).log
    expect(planOf(db, posted[0]!)).toMatch(/ideas_author_idx|ideas_new_idx/)
  })
})

test('hidden and merged ideas stay out of every list', () => {
  const db = getDb()
  const category = createCategory(db)
  const author = createUser(db)
  const shown = createTestIdea(db, { authorId: author.id, categoryId: category.id })
  const hidden = createTestIdea(db, { authorId: author.id, categoryId: category.id })
  const merged = createTestIdea(db, { authorId: author.id, categoryId: category.id })
  db.update(ideas).set({ hiddenAt: new Date() }).where(eq(ideas.id, hidden.id)).run()
  db.update(ideas).set({ status: 'merged', mergedIntoId: shown.id }).where(eq(ideas.id, merged.id)).run()
  for (const sort of ['top', 'trending', 'new', 'active'] as const) {
    expect(listIdeas(db, { sort, categoryId: category.id }).items.map((i) => i.id)).toEqual([shown.id])
  }
  expect(
    db
      .select({ n: sql<number>`count(*)` })
      .from(ideaVotes)
      .where(eq(ideaVotes.ideaId, hidden.id))
      .get()!.n,
  ).toBe(1)
})

describe('the /ideas loader', () => {
  const load = async (search: string, userId?: number) =>
    settle(async () => loader({ request: await getRequest(`/ideas${search}`, { userId }), params: {}, context: {} }))

  test('never fails on its query string: unknown values fall back, and "mine" means nothing to a visitor', async () => {
    const res = await load('?sort=bogus&category=nope&status=merged&tag=%00%22&mine=voted&cursor=!!!')
    expect(res.status).toBe(200)
    expect(res.body).toMatchObject({
      sort: 'top',
      category: '',
      status: '',
      tag: '',
      mine: '',
      budget: null,
      vote: { ok: false, status: 401 },
    })
    const long = await load(`?sort=${'x'.repeat(5000)}&tag=${'y'.repeat(5000)}&mine[]=1`)
    expect(long.status).toBe(200)
  })

  test('a member sees their votes, what is left of the budget, and which rows the budget blocks', async () => {
    const db = getDb()
    const category = createCategory(db)
    const member = createUser(db)
    const author = createUser(db)
    const [a, b] = [0, 1].map(() => createTestIdea(db, { authorId: author.id, categoryId: category.id }))
    const own = createTestIdea(db, { authorId: member.id, categoryId: category.id })
    setIdeaVote(db, { ideaId: a!.id, userId: member.id, voted: true })
    try {
      setSetting(db, 'voteBudget', { enabled: true, votesPerMember: 1 })
      const res = await load(`?sort=new&category=${category.slug}`, member.id)
      const body = res.body as Awaited<ReturnType<typeof loader>>
      expect(body.budget).toBe(
        'You have used all 1 of your votes. Votes come back when ideas ship or are declined; you can also take back a vote.',
      )
      expect(body.items.map((i) => [i.id, i.viewerVoted, i.voteBlock === null])).toEqual([
        [own.id, true, true],
        [b!.id, false, false],
        [a!.id, true, true],
      ])
      expect(body.items[0]).not.toHaveProperty('authorId')
      setSetting(db, 'voteBudget', { enabled: true, votesPerMember: 3 })
      expect((await load(`?category=${category.slug}`, member.id)).body).toMatchObject({ budget: '2 of 3 votes left' })
    } finally {
      setSetting(db, 'voteBudget', { enabled: false, votesPerMember: 10 })
    }
  })
})
