/**
 * The token server.js keys its visitor page cache on: it changes whenever any row may have changed
 * (another connection committed, or this process wrote), so a page kept under one token is exactly
 * the page a fresh render would give while the token holds. See read-cache.server.ts.
 */
import { getDb } from './db.server'
import { databaseVersion } from './read-cache.server'

export function pageCacheVersion() {
  return databaseVersion(getDb())
}
