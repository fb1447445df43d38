import { sql } from 'drizzle-orm'
import { describe, expect, test } from 'vitest'
import { isDatabaseEmpty, seedDemoCommunity } from '#db/seed/demo-community'
import { getDb } from '~/lib/db.server'
import { verifyPassword } from '~/lib/password.server'
import { findCounterMismatches } from '~/models/counters.server'
import { listProductIdeas } from '~/models/product.server'
import { findLoginAccount } from '~/models/users.server'

// This file's database starts empty (a fresh copy of the migrated template).
describe('the demo seed', () => {
  test('builds a consistent community once, with the demo logins', async () => {
    const db = getDb()
    expect(isDatabaseEmpty(db)).toBe(true)
    const summary = await seedDemoCommunity(db, { password: 'summit-demo-pass', now: new Date('2026-11-01T12:00:00Z') })
    expect(summary).toMatchObject({ users: expect.any(Number), ideas: 60 })
    expect(summary!.users).toBeGreaterThanOrEqual(30)
    expect(summary!.questions).toBeGreaterThanOrEqual(40)
    expect(summary!.acceptedAnswers).toBeGreaterThan(10)

    for (const [username, role] of [
      ['admin', 'admin'],
      ['pat', 'product'],
      ['mo', 'moderator'],
      ['casey', 'member'],
    ] as const) {
      const account = findLoginAccount(db, username)
      expect(account, username).not.toBeNull()
      expect(await verifyPassword(account!.passwordHash, 'summit-demo-pass')).toBe(true)
      expect(db.get<{ role: string }>(sql`select role from users where username = ${username}`)!.role).toBe(role)
    }

    const statuses = db.all<{ status: string }>(sql`select distinct status from ideas order by status`).map((r) => r.status)
    expect(statuses).toEqual(['declined', 'in_progress', 'open', 'planned', 'shipped', 'under_review'])

    // Every cached counter equals its recount, and every reputation equals 1 + its ledger.
    expect(findCounterMismatches(db)).toEqual([])

    // Badges came with the events that earned them, one notification each.
    const badges = db.all<{ badge: string }>(sql`select distinct badge from user_badges order by badge`).map((r) => r.badge)
    expect(badges).toEqual(
      expect.arrayContaining(['co_creator', 'first_answer', 'first_idea', 'first_question', 'idea_planned', 'supporter']),
    )
    const awarded = db.get<{ n: number }>(sql`select count(*) as n from user_badges`)!.n
    expect(db.get<{ n: number }>(sql`select count(*) as n from notifications where kind = 'badge'`)!.n).toBe(awarded)

    // Customer companies, with demo members in them, so the dashboard ranks ideas by company and revenue.
    expect(summary).toMatchObject({ companies: 6, companyMembers: 15 })
    const byRevenue = listProductIdeas(db, {
      sort: 'revenue',
      windowDays: 30,
      segmentId: null,
      status: null,
      categoryId: null,
      page: 1,
      withCompanies: true,
    })
    expect(byRevenue.items.length).toBeGreaterThan(10)
    expect(byRevenue.items[0]!.revenue).toBeGreaterThanOrEqual(24_000)

    // Seeding again is a no-op.
    expect(await seedDemoCommunity(db, { password: 'summit-demo-pass' })).toBeNull()
    expect(db.get<{ n: number }>(sql`select count(*) as n from ideas`)!.n).toBe(60)
  })
})
