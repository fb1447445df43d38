/**
 * The only module that opens the database. One connection per process and per file, kept on
 * globalThis so Vite's dev reloads reuse it. better-sqlite3 is synchronous: a transaction callback
 * must never await.
 */
import fs from 'node:fs'
import path from 'node:path'
import Database from 'better-sqlite3'
import { type BetterSQLite3Database, drizzle } from 'drizzle-orm/better-sqlite3'
import { migrate } from 'drizzle-orm/better-sqlite3/migrator'
import * as schema from '#db/schema'
import { env } from './env.server'

export type Db = BetterSQLite3Database<typeof schema> & { $client: Database.Database }
/** The handle inside db.transaction(): helpers that must join a caller's transaction take this. */
export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0]

export const MIGRATIONS_DIR = path.resolve(process.cwd(), 'db/migrations')

export function openDatabase(file: string): Db {
  if (file !== ':memory:') fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true })
  const sqlite = new Database(file)
  sqlite.pragma('journal_mode = WAL') // stored in the file, but cheap to repeat
  sqlite.pragma('foreign_keys = ON') // these three are per connection: set them every time one opens
  sqlite.pragma('busy_timeout = 5000')
  // NORMAL in WAL mode: a commit is in the WAL file (the OS's cache) before the answer is sent, so a
  // killed process loses nothing; FULL also fsyncs every commit, against power loss (docs/operations.md).
  sqlite.pragma(`synchronous = ${env().DATABASE_SYNCHRONOUS === 'full' ? 'FULL' : 'NORMAL'}`)
  return drizzle({ client: sqlite, schema }) as Db
}

/** Applies every committed migration in db/migrations that the file has not seen yet. */
export function migrateDatabase(db: Db) {
  migrate(db, { migrationsFolder: MIGRATIONS_DIR })
}

/** Turns DATABASE_URL (a path, or file:path) into a file path. */
export function databaseFile(url = env().DATABASE_URL) {
  return url.replace(/^file:/, '')
}

const globalForDb = globalThis as unknown as { __summitDbs?: Map<string, Db> }

export function getDb(): Db {
  const file = databaseFile()
  globalForDb.__summitDbs ??= new Map()
  let db = globalForDb.__summitDbs.get(file)
  if (!db) {
    db = openDatabase(file)
    globalForDb.__summitDbs.set(file, db)
  }
  return db
}

/** Closes every connection this process opened (tests and scripts call it before exiting). */
export function closeDatabases() {
  for (const db of globalForDb.__summitDbs?.values() ?? []) db.$client.close()
  globalForDb.__summitDbs?.clear()
}

/** A cheap liveness check for /healthz: the connection answers and the schema is migrated. */
export function checkDatabase(db: Db) {
  const row = db.$client.prepare('select count(*) as n from __drizzle_migrations').get() as { n: number }
  return { migrations: row.n }
}

/**
 * For a clean shutdown (server.js on SIGTERM/SIGINT): folds the WAL back into the database file,
 * then closes every connection, so the file alone is complete and the next start replays nothing.
 */
export function checkpointAndCloseDatabases() {
  for (const db of globalForDb.__summitDbs?.values() ?? []) {
    if (db.$client.open && !db.$client.memory) db.$client.pragma('wal_checkpoint(TRUNCATE)')
  }
  closeDatabases()
}
