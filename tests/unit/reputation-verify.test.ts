/** `npm run reputation:verify` on the demo community: passes, catches a tampered total, and --fix repairs it. */
import { spawnSync } from 'node:child_process'
import path from 'node:path'
import { sql } from 'drizzle-orm'
import { describe, expect, test } from 'vitest'
import { seedDemoCommunity } from '#db/seed/demo-community'
import { databaseFile, getDb } from '~/lib/db.server'
import { findReputationMismatches } from '~/models/reputation.server'

/** The same command as the npm script, against this file's database. */
function verify(...args: string[]) {
  const result = spawnSync(path.resolve('node_modules/.bin/tsx'), ['scripts/recount.ts', '--only', 'reputation', ...args], {
    env: { ...process.env, DATABASE_URL: databaseFile(), NODE_ENV: 'test' },
    encoding: 'utf8',
    timeout: 60_000,
  })
  return { status: result.status, output: `${result.stdout}${result.stderr}` }
}

describe('reputation:verify', () => {
  test('passes on the seeded demo, exits 1 on a tampered total, and --fix puts it back', { timeout: 120_000 }, async () => {
    const db = getDb()
    await seedDemoCommunity(db, { password: 'summit-demo-pass', now: new Date('2026-11-01T12:00:00Z') })
    expect(findReputationMismatches(db)).toEqual([])
    const earned = db.get<{ n: number }>(sql`select count(*) as n from users where reputation > 1`)!.n
    expect(earned).toBeGreaterThan(10)
    expect(verify()).toMatchObject({ status: 0, output: expect.stringContaining('all 1 counters match') })

    const casey = db.get<{ id: number; reputation: number }>(sql`select id, reputation from users where username = 'casey'`)!
    db.run(sql`update users set reputation = reputation + 7 where id = ${casey.id}`)
    expect(findReputationMismatches(db)).toEqual([
      { counter: 'reputation', table: 'users', id: casey.id, cached: casey.reputation + 7, recounted: casey.reputation },
    ])
    const failed = verify()
    expect(failed.status).toBe(1)
    expect(failed.output).toContain('1 counter(s) differ')

    expect(verify('--fix')).toMatchObject({ status: 0, output: expect.stringContaining('Fixed 1 row(s).') })
    expect(db.get<{ reputation: number }>(sql`select reputation from users where id = ${casey.id}`)!.reputation).toBe(casey.reputation)
    expect(verify().status).toBe(0)
  })
})
