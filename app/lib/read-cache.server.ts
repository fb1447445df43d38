/**
 * Results of read-only queries, kept until the database changes. A result is reused only while
 * `PRAGMA data_version` (which moves when another connection commits) and `total_changes()` (the
 * rows this connection has inserted, updated or deleted) are both unchanged: in that case the
 * database holds exactly what it held when the result was computed, so a cached answer is never
 * stale. Any write (a vote, a comment, a view) drops every cached result of that connection.
 *
 * For aggregates a page shows to everyone (counts, rankings) that would otherwise be recomputed on
 * every request. Never call it inside a transaction callback: a transaction's own uncommitted rows
 * would be cached as if committed.
 */
import type Database from 'better-sqlite3'
import { type Db } from './db.server'

/** Results kept at most per connection (search keys are as many as the words people type). */
const MAX_ENTRIES = 500

type Cache = { version: string; values: Map<string, unknown>; versionQuery: Database.Statement }
const caches = new WeakMap<Database.Database, Cache>()

function cacheFor(client: Database.Database) {
  let cache = caches.get(client)
  if (!cache) {
    // Both values in one statement: the pragma as a table-valued function.
    // Kept for the connection's life: its pluck() mode is set here and never changed.
    const versionQuery = client
      .prepare("select (select data_version from pragma_data_version()) || ':' || total_changes() as summit_version")
      .pluck()
    cache = { version: '', values: new Map(), versionQuery }
    caches.set(client, cache)
  }
  return cache
}

/** The database's version as this connection sees it: changes whenever any row may have changed. */
export function databaseVersion(db: Db) {
  return cacheFor(db.$client).versionQuery.get() as string
}

/** `compute()`, or its result from an earlier call under the same `key` if nothing was written since. */
export function memoUntilWrite<T>(db: Db, key: string, compute: () => T): T {
  const cache = cacheFor(db.$client)
  const version = cache.versionQuery.get() as string
  if (version !== cache.version) {
    cache.values.clear()
    cache.version = version
  }
  if (cache.values.has(key)) return cache.values.get(key) as T
  const value = compute()
  // Recheck: compute() itself must not have written (then the result is still fresh).
  if ((cache.versionQuery.get() as string) === version) {
    if (cache.values.size >= MAX_ENTRIES) cache.values.clear()
    cache.values.set(key, value)
  }
  return value
}
