import { eq } from 'drizzle-orm'
import { describe, expect, test } from 'vitest'
import { users } from '#db/schema'
import { getDb } from '~/lib/db.server'
import { LEADERBOARD_PAGE_SIZE, MAX_PERIOD_PAGES } from '~/lib/leaderboard'
import { containsPattern } from '~/lib/like.server'
import { decodeCursor } from '~/lib/pagination.server'
import {
  allTimeLeaderboardQuery,
  listLeaderboard,
  periodLeaderboardQuery,
  periodStart,
  periodTotalsQuery,
} from '~/models/leaderboard.server'
import { adjustReputation } from '~/models/reputation.server'
import { loader as membersLoader } from '~/routes/users._index'
import { awardTestBadge, createUser, unique } from '#tests/factories'
import { getRequest, settle } from '#tests/route-helpers'

const db = () => getDb()
const NOW = new Date('2026-06-17T12:00:00Z') // a Wednesday

function gain(userId: number, delta: number, at: string) {
  db().transaction((tx) => adjustReputation(tx, { userId, delta, actorId: null, now: new Date(at) }))
}

/** Three members sharing a unique name prefix (so the search isolates them from the file's other rows). */
function threeMembers() {
  const prefix = unique('lb')
  const alice = createUser(db(), { username: `${prefix}alice`, displayName: `${prefix} Alice` })
  const bob = createUser(db(), { username: `${prefix}bob`, displayName: `${prefix} Bob` })
  const carol = createUser(db(), { username: `${prefix}carol`, displayName: `${prefix} Carol` })
  gain(alice.id, 10, '2026-06-16T09:00:00Z') // this week
  gain(alice.id, 20, '2026-06-03T09:00:00Z') // this month
  gain(alice.id, 40, '2026-02-01T09:00:00Z') // this year
  gain(alice.id, 80, '2025-12-01T09:00:00Z') // last year
  gain(bob.id, 25, '2026-06-15T00:00:00Z') // the first instant of the week
  gain(bob.id, -5, '2026-06-16T10:00:00Z')
  gain(bob.id, 100, '2025-06-01T09:00:00Z')
  gain(carol.id, 5, '2026-05-31T23:59:59.999Z') // the last instant of May
  return { prefix, alice, bob, carol }
}

const table = (rows: Array<{ rank: number; username: string; gained: number; reputation: number }>, prefix: string) =>
  rows.map((r) => [r.rank, r.username.slice(prefix.length), r.gained, r.reputation])

describe('periods', () => {
  test('weeks start on Monday, months and years on their first day, in UTC', () => {
    expect(periodStart('week', NOW).toISOString()).toBe('2026-06-15T00:00:00.000Z')
    expect(periodStart('week', new Date('2026-06-21T23:59:00Z')).toISOString()).toBe('2026-06-15T00:00:00.000Z') // Sunday
    expect(periodStart('week', new Date('2026-06-15T00:00:00Z')).toISOString()).toBe('2026-06-15T00:00:00.000Z')
    expect(periodStart('month', NOW).toISOString()).toBe('2026-06-01T00:00:00.000Z')
    expect(periodStart('year', NOW).toISOString()).toBe('2026-01-01T00:00:00.000Z')
  })

  test('each period ranks by reputation gained in it, with exact sums; all time by total', () => {
    const { prefix, alice } = threeMembers()
    awardTestBadge(db(), { userId: alice.id, badge: 'co_creator' })
    awardTestBadge(db(), { userId: alice.id, badge: 'first_idea' })
    awardTestBadge(db(), { userId: alice.id, badge: 'first_answer' })
    const board = (period: 'week' | 'month' | 'year' | 'all') => listLeaderboard(db(), { period, q: prefix, now: NOW })
    expect(table(board('week').rows, prefix)).toEqual([
      [1, 'bob', 20, 121],
      [2, 'alice', 10, 151],
    ])
    expect(table(board('month').rows, prefix)).toEqual([
      [1, 'alice', 30, 151],
      [2, 'bob', 20, 121],
    ])
    expect(table(board('year').rows, prefix)).toEqual([
      [1, 'alice', 70, 151],
      [2, 'bob', 20, 121],
      [3, 'carol', 5, 6],
    ])
    expect(table(board('all').rows, prefix)).toEqual([
      [1, 'alice', 151, 151],
      [2, 'bob', 121, 121],
      [3, 'carol', 6, 6],
    ])
    expect(board('week').rows.find((r) => r.id === alice.id)?.badges).toEqual({ bronze: 2, silver: 0, gold: 1 })
    expect(board('week').rows[0]!.badges).toEqual({ bronze: 0, silver: 0, gold: 0 })
  })

  test('a member who lost more than they gained, or a deleted one, is not listed', () => {
    const { prefix, bob, carol } = threeMembers()
    gain(bob.id, -30, '2026-06-16T11:00:00Z')
    db().update(users).set({ deletedAt: new Date() }).where(eq(users.id, carol.id)).run()
    const names = (period: 'week' | 'all') =>
      listLeaderboard(db(), { period, q: prefix, now: NOW }).rows.map((r) => r.username.slice(prefix.length))
    expect(names('week')).toEqual(['alice'])
    expect(names('all')).toEqual(['alice', 'bob'])
  })
})

describe('the period totals kept by the process', () => {
  test('stay exact as events are appended, backdated or reversed, and restart with a new period', () => {
    const { prefix, alice, bob, carol } = threeMembers()
    const week = () => table(listLeaderboard(db(), { period: 'week', q: prefix, now: NOW }).rows, prefix)
    expect(week()).toEqual([
      [1, 'bob', 20, 121],
      [2, 'alice', 10, 151],
    ])
    gain(alice.id, 15, '2026-06-17T10:00:00Z')
    gain(carol.id, 50, '2026-06-14T23:59:59.999Z') // backdated into last week: not counted
    expect(week()).toEqual([
      [1, 'alice', 25, 166],
      [2, 'bob', 20, 121],
    ])
    gain(bob.id, -20, '2026-06-17T11:00:00Z')
    expect(week()).toEqual([[1, 'alice', 25, 166]])
    const nextWeek = listLeaderboard(db(), { period: 'week', q: prefix, now: new Date('2026-06-22T08:00:00Z') })
    expect(nextWeek.rows).toEqual([])
  })
})

describe('search', () => {
  test('matches username or display name, any case, anywhere in the name', () => {
    const { prefix } = threeMembers()
    expect(listLeaderboard(db(), { period: 'all', q: `${prefix}BO`, now: NOW }).rows.map((r) => r.username)).toEqual([`${prefix}bob`])
    expect(listLeaderboard(db(), { period: 'year', q: `${prefix} carol`.toUpperCase(), now: NOW }).rows.map((r) => r.username)).toEqual([
      `${prefix}carol`,
    ])
  })

  test('% and _ and \\ are taken literally', () => {
    const prefix = unique('esc')
    const percent = createUser(db(), { username: `${prefix}a`, displayName: `${prefix} 100% sure_thing`, reputation: 5 })
    const plain = createUser(db(), { username: `${prefix}b`, displayName: `${prefix} 1000 surexthing`, reputation: 5 })
    const slash = createUser(db(), { username: `${prefix}c`, displayName: `${prefix} back\\slash`, reputation: 5 })
    const found = (q: string) =>
      listLeaderboard(db(), { period: 'all', q, now: NOW })
        .rows.filter((r) => r.username.startsWith(prefix))
        .map((r) => r.id)
        .sort()
    expect(found('100%')).toEqual([percent.id])
    expect(found('e_t')).toEqual([percent.id])
    expect(found('rexth')).toEqual([plain.id])
    expect(found('k\\s')).toEqual([slash.id])
    expect(found(`${prefix} %`)).toEqual([])
    expect(containsPattern('a%b_c\\')).toBe('%a\\%b\\_c\\\\%')
  })
})

describe('paging', () => {
  test('all time pages by keyset with ranks that continue; periods page by number, capped', () => {
    const prefix = unique('pg')
    const made = Array.from({ length: LEADERBOARD_PAGE_SIZE + 5 }, (_, i) =>
      createUser(db(), { username: `${prefix}${i}`, reputation: 1000 + i }),
    )
    const first = listLeaderboard(db(), { period: 'all', q: prefix })
    expect(first.rows).toHaveLength(LEADERBOARD_PAGE_SIZE)
    expect(first.rows[0]).toMatchObject({ rank: 1, id: made.at(-1)!.id })
    const second = listLeaderboard(db(), { period: 'all', q: prefix, cursor: decodeCursor(first.nextCursor) })
    expect(second.rows.map((r) => r.rank)).toEqual([51, 52, 53, 54, 55])
    expect(second.rows.at(-1)!.id).toBe(made[0]!.id)
    expect(second.nextCursor).toBeNull()

    // The factory's adjustments are dated now: they count in this year's period too.
    const year1 = listLeaderboard(db(), { period: 'year', q: prefix })
    const year2 = listLeaderboard(db(), { period: 'year', q: prefix, page: year1.nextPage! })
    expect(year1.nextPage).toBe(2)
    expect(year2.rows.map((r) => r.rank)).toEqual([51, 52, 53, 54, 55])
    expect(year2.nextPage).toBeNull()
    expect(listLeaderboard(db(), { period: 'year', q: prefix, page: 999 }).rows).toEqual([]) // clamped to the last allowed page
  })
})

describe('query plans', () => {
  const plan = (query: { toSQL(): { sql: string; params: unknown[] } }) => {
    const { sql, params } = query.toSQL()
    return db()
      .$client.prepare(`explain query plan ${sql}`)
      .all(...params)
      .map((row) => (row as { detail: string }).detail)
      .join('\n')
  }

  test('period totals are a covering range scan of reputation_events_period_idx, then a rowid range for what was appended', () => {
    const since = periodStart('month', NOW).getTime()
    const build = plan(periodTotalsQuery(db(), { since, afterId: 0, upToId: 1000 }))
    expect(build).toMatch(/SEARCH reputation_events USING COVERING INDEX reputation_events_period_idx \(created_at>\?\)/)
    expect(build).not.toMatch(/SCAN reputation_events/)
    const topUp = plan(periodTotalsQuery(db(), { since, afterId: 900, upToId: 1000 }))
    expect(topUp).toMatch(/SEARCH reputation_events USING INTEGER PRIMARY KEY \(rowid>\? AND rowid<\?\)/)
    const page = plan(periodLeaderboardQuery(db(), { totalsJson: '{}', q: 'ab', page: 2 }))
    expect(page).toMatch(/SEARCH users USING INTEGER PRIMARY KEY \(rowid=\?\)/)
    expect(page).not.toMatch(/SCAN users/)
  })

  test('all time walks users_reputation_idx in order', () => {
    const detail = plan(allTimeLeaderboardQuery(db(), { cursor: { sort: 500, id: 10 } }))
    expect(detail).toMatch(/users_reputation_idx/)
    expect(detail).not.toMatch(/TEMP B-TREE/)
    expect(MAX_PERIOD_PAGES).toBe(20)
  })
})

describe('the members page', () => {
  test('an unknown period or page falls back to the defaults instead of failing', async () => {
    const request = await getRequest(`/users?period=decade&page=abc&q=${'x'.repeat(500)}&cursor=%%%`)
    const res = await settle(() => membersLoader({ request, params: {}, context: {} }))
    expect(res).toMatchObject({ status: 200, body: { period: 'week', page: 1 } })
    expect((res.body as { q: string }).q).toHaveLength(50)
  })

  test('finds a member by name in any period tab', async () => {
    const { prefix } = threeMembers()
    const request = await getRequest(`/users?period=all&q=${prefix}car`)
    const res = await settle(() => membersLoader({ request, params: {}, context: {} }))
    const body = res.body as { rows: Array<{ username: string }> }
    expect(body.rows.map((r) => r.username)).toEqual([`${prefix}carol`])
    expect(JSON.stringify(body)).not.toContain('@example.com')
  })
})
