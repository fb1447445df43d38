/**
 * What the visitor page cache (server/page-cache.ts) needs from the app's own database connection,
 * handed to it through the server build (app/entry.server.tsx).
 *
 * pageCacheVersion() changes whenever any row may have changed (another connection committed, or
 * this process wrote), so a page kept under one token is exactly the page a fresh render would give
 * while the token holds (see read-cache.server.ts).
 */
import { getDb } from './db.server'
import { databaseVersion } from './read-cache.server'

export function pageCacheVersion() {
  return databaseVersion(getDb())
}
