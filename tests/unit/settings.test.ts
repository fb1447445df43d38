import { sql } from 'drizzle-orm'
import { describe, expect, test } from 'vitest'
import { getDb } from '~/lib/db.server'
import { getVoteBudget, setSetting } from '~/models/settings.server'

describe('settings', () => {
  test('the vote budget defaults to off, is validated on write, and reads back what was stored', () => {
    const db = getDb()
    expect(getVoteBudget(db)).toEqual({ enabled: false, votesPerMember: 10 })
    expect(setSetting(db, 'voteBudget', { enabled: true, votesPerMember: 0 })).toMatchObject({ ok: false })
    expect(setSetting(db, 'voteBudget', { enabled: 'yes' })).toMatchObject({ ok: false })
    expect(getVoteBudget(db)).toEqual({ enabled: false, votesPerMember: 10 })
    expect(setSetting(db, 'voteBudget', { enabled: true, votesPerMember: 3 })).toEqual({
      ok: true,
      value: { enabled: true, votesPerMember: 3 },
    })
    expect(getVoteBudget(db)).toEqual({ enabled: true, votesPerMember: 3 })
    setSetting(db, 'voteBudget', { enabled: false, votesPerMember: 3 })
    expect(getVoteBudget(db)).toEqual({ enabled: false, votesPerMember: 3 })
  })

  test('a hand-edited value that is not JSON or does not fit reads as the default', () => {
    const db = getDb()
    for (const text of ['{not json', '"on"', '{"enabled":true,"votesPerMember":-5}']) {
      db.run(sql`insert into settings (key, value) values ('voteBudget', ${text}) on conflict(key) do update set value = excluded.value`)
      expect(getVoteBudget(db)).toEqual({ enabled: false, votesPerMember: 10 })
    }
    setSetting(db, 'voteBudget', { enabled: false, votesPerMember: 10 })
  })

  test('a value kept between requests is shared frozen, and a transaction reads its own write', () => {
    const db = getDb()
    const kept = getVoteBudget(db)
    expect(getVoteBudget(db)).toBe(kept) // nothing written since: the same object
    expect(Object.isFrozen(kept)).toBe(true)
    expect(() => {
      ;(kept as { enabled: boolean }).enabled = true
    }).toThrow(TypeError)
    expect(() =>
      db.transaction(
        (tx) => {
          setSetting(tx, 'voteBudget', { enabled: true, votesPerMember: 7 })
          expect(getVoteBudget(tx)).toEqual({ enabled: true, votesPerMember: 7 })
          expect(getVoteBudget(db)).toEqual({ enabled: true, votesPerMember: 7 }) // the connection inside its transaction
          tx.rollback()
        },
        { behavior: 'immediate' },
      ),
    ).toThrow('Rollback')
    expect(getVoteBudget(db)).toEqual(kept)
  })
})
