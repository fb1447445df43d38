/**
 * "A refused request changed nothing", checked on the whole database: every row of every table
 * (sqlite_sequence and the search index's shadow tables included) before and after, so an action
 * that writes something (a row, a log line, a counter) and only then refuses is caught wherever it
 * wrote. Used by the authorization matrices (admin-product-authz, admin-moderation-authz).
 *
 * Take the snapshot after everything the test itself writes (the acting user, their session, the
 * rows the action is about) and just before the call.
 */
import { expect } from 'vitest'
import { type Db } from '~/lib/db.server'

export type DbSnapshot = Map<string, string[]>

/** Every row of every table, each as JSON, sorted, by table name. */
export function snapshotDb(db: Db): DbSnapshot {
  const client = db.$client
  const tables = client
    .prepare(`select name from sqlite_master where type = 'table' and name not like 'sqlite_stat%' order by name`)
    .pluck()
    .all() as string[]
  const snapshot: DbSnapshot = new Map()
  for (const table of tables) {
    const rows = client
      .prepare(`select * from "${table.replace(/"/g, '""')}"`)
      .raw()
      .all() as unknown[][]
    snapshot.set(
      table,
      rows
        .map((row) =>
          JSON.stringify(row, (_key, value) =>
            Buffer.isBuffer(value) ? value.toString('hex') : typeof value === 'bigint' ? String(value) : value,
          ),
        )
        .sort(),
    )
  }
  return snapshot
}

/** What differs between two snapshots, one line per table that changed (empty: nothing did). */
export function diffSnapshots(before: DbSnapshot, after: DbSnapshot): string[] {
  const lines: string[] = []
  for (const table of new Set([...before.keys(), ...after.keys()])) {
    const was = before.get(table) ?? []
    const now = after.get(table) ?? []
    const wasSet = new Set(was)
    const nowSet = new Set(now)
    const removed = was.filter((row) => !nowSet.has(row))
    const added = now.filter((row) => !wasSet.has(row))
    if (!before.has(table)) lines.push(`${table}: table created`)
    else if (!after.has(table)) lines.push(`${table}: table dropped`)
    else if (removed.length || added.length || was.length !== now.length) {
      lines.push(
        `${table}: ${[...removed.map((row) => `- ${row}`), ...added.map((row) => `+ ${row}`)].slice(0, 6).join('  ') || `${was.length} -> ${now.length} rows`}`,
      )
    }
  }
  return lines
}

/** Runs `call` and fails the test if the database is not exactly as it was before it. */
export async function expectNoWrites<T>(db: Db, call: () => Promise<T>, label = 'a refused request'): Promise<T> {
  const before = snapshotDb(db)
  const result = await call()
  expect(diffSnapshots(before, snapshotDb(db)), `${label} changed the database`).toEqual([])
  return result
}
