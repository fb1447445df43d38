/**
 * The only module that opens the database. One connection per process and per file, kept on
 * globalThis so Vite's dev reloads reuse it. better-sqlite3 is synchronous: a transaction callback
 * must never await.
 *
 * The server's connection (getDb()) stays calm when the database is not: better-sqlite3 waits for
 * another connection's write lock synchronously, blocking every request, so it waits briefly
 * (SERVER_BUSY_TIMEOUT_MS), and every statement it runs turns a busy, full or failing database
 * into a DatabaseUnavailableError, answered as 503 with Retry-After
 * (database-unavailable.server.ts). checkDatabase() tells /healthz what it knows.
 */
import fs from 'node:fs'
import path from 'node:path'
import Database from 'better-sqlite3'
import { type BetterSQLite3Database, drizzle } from 'drizzle-orm/better-sqlite3'
import { sql, type SQLWrapper } from 'drizzle-orm'
import { migrate } from 'drizzle-orm/better-sqlite3/migrator'
import * as schema from '#db/schema'
import { DatabaseUnavailableError, databaseTroubleOf, RETRY_AFTER_SECONDS } from './database-unavailable.server'
import { env } from './env.server'

export type Db = BetterSQLite3Database<typeof schema> & { $client: Database.Database }
/** The handle inside db.transaction(): helpers that must join a caller's transaction take this. */
export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0]

/**
 * A write transaction: BEGIN IMMEDIATE, so it takes the write lock before its first read and two
 * writers never both read, then fail to upgrade (SQLITE_BUSY mid-transaction). Every transaction that
 * writes goes through here; `fn` must not await (better-sqlite3 is synchronous).
 */
export function writeTransaction<T>(db: Db, fn: (tx: Tx) => T): T {
  return db.transaction(fn, { behavior: 'immediate' })
}

export const MIGRATIONS_DIR = path.resolve(process.cwd(), 'db/migrations')

/**
 * How long the server's connection waits for another connection's write lock. Its own writes never
 * wait on each other (one connection, one statement at a time); the lock is held by another process
 * (a script, a backup's restart, a second server), usually for milliseconds. While it waits, the
 * whole server stands still, so past this it answers 503 instead.
 */
export const SERVER_BUSY_TIMEOUT_MS = 200
/** Scripts, workers and tests' extra connections wait longer: they hold up nobody. */
const SCRIPT_BUSY_TIMEOUT_MS = 5000
/**
 * After a wait in vain, the server's statements try the lock once without waiting, until one gets
 * it or this long has passed: during a long lock each request fails at once instead of stalling the
 * server for SERVER_BUSY_TIMEOUT_MS.
 */
export const BUSY_BACKOFF_MS = 1000
/** How long /healthz waits for the write lock before it reports the database locked. */
const HEALTH_LOCK_WAIT_MS = 50
/** A full disk or an I/O error is reported by /healthz until a write succeeds, or for this long. */
const STORAGE_TROUBLE_REPORTED_MS = 10 * 60_000

export function openDatabase(file: string, { busyTimeoutMs = SCRIPT_BUSY_TIMEOUT_MS } = {}): Db {
  if (file !== ':memory:' && !file.startsWith('file:') && !fs.existsSync(file)) {
    // A new database holds every e-mail address and password hash: its folder and the file are its
    // owner's alone (SQLite gives the -wal and -shm files the database file's mode).
    fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true, mode: 0o700 })
    fs.closeSync(fs.openSync(file, 'a', 0o600))
  }
  const sqlite = new Database(file)
  sqlite.pragma('journal_mode = WAL') // stored in the file, but cheap to repeat
  sqlite.pragma('foreign_keys = ON') // these three are per connection: set them every time one opens
  sqlite.pragma(`busy_timeout = ${busyTimeoutMs}`)
  // NORMAL in WAL mode: a commit is in the WAL file (the OS's cache) before the answer is sent, so a
  // killed process loses nothing; FULL also fsyncs every commit, against power loss (docs/operations.md).
  sqlite.pragma(`synchronous = ${env().DATABASE_SYNCHRONOUS === 'full' ? 'FULL' : 'NORMAL'}`)
  return drizzle({ client: sqlite, schema }) as Db
}

/**
 * Runs `work` with the connection waiting as long as a script's would for another process's lock:
 * start-up (migrations, the demo seed) is no request, and a short wait there would stop the server.
 */
export async function withScriptPatience<T>(db: Db, work: () => Promise<T>): Promise<T> {
  const wait = db.$client.pragma('busy_timeout', { simple: true }) as number
  db.$client.pragma(`busy_timeout = ${SCRIPT_BUSY_TIMEOUT_MS}`)
  try {
    return await work()
  } finally {
    db.$client.pragma(`busy_timeout = ${wait}`)
  }
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
    db = openDatabase(file, { busyTimeoutMs: SERVER_BUSY_TIMEOUT_MS })
    guardConnection(db.$client, SERVER_BUSY_TIMEOUT_MS)
    cacheStatements(db.$client)
    globalForDb.__summitDbs.set(file, db)
  }
  return db
}

const preparedByConnection = new WeakMap<Database.Database, Map<(db: Db | Tx) => unknown, unknown>>()

/**
 * A drizzle query built and `.prepare()`d once per connection, for the queries every member request
 * runs (its unread count, its votes on a page): drizzle then neither builds the SQL nor maps the
 * query object again, only fills in the placeholders. `build` is a module-level function returning
 * the prepared query; it is the key, so each query is built once per connection.
 */
export function prepared<P>(db: Db | Tx, build: (db: Db | Tx) => P): P {
  const client = connectionOf(db)
  let queries = preparedByConnection.get(client) as Map<(db: Db | Tx) => unknown, unknown> | undefined
  if (!queries) {
    queries = new Map()
    preparedByConnection.set(client, queries)
  }
  let query = queries.get(build) as P | undefined
  if (query === undefined) {
    query = build(db)
    queries.set(build, query)
  }
  return query
}

/**
 * The SQLite connection under a database handle or a transaction's (drizzle keeps it as the
 * session's client). A query prepared on the connection runs inside whatever transaction the
 * connection is in, so the queries of a write transaction are prepared once too.
 */
export function connectionOf(db: Db | Tx): Database.Database {
  return '$client' in db ? db.$client : (db as unknown as { session: { client: Database.Database } }).session.client
}

/** Drops the connection's prepared queries, so the next use prepares them again (for tests that watch prepare). */
export function forgetPreparedQueries(db: Db) {
  preparedByConnection.delete(connectionOf(db))
}

/**
 * `column in (the values of a JSON array bound as one parameter)`: a list of any length in a query
 * that is prepared once (an `in (?, ?, …)` list is a new query shape for every length). SQLite's
 * json_each; the list's values are passed as `jsonList(values)` under the placeholder `name`.
 */
export function inJsonList(column: SQLWrapper, name: string) {
  return sql`${column} in (select value from json_each(${sql.placeholder(name)}))`
}

export const jsonList = (values: readonly (number | string)[]) => JSON.stringify(values)

/** Compiled statements kept per connection: the distinct query shapes of the app are a few hundred. */
export const STATEMENT_CACHE_SIZE = 500

/**
 * Keeps the server connection's compiled statements by their SQL text, most recently used last, so
 * that drizzle, which prepares its statement again on every query, compiles each query shape once
 * instead of on every request (a quarter of the database path's CPU on a member's idea page).
 *
 * A statement is handed out again only when it is idle, with its result modes reset: raw(),
 * pluck() and expand() stick to a statement, and drizzle sets raw() only when it wants it. Safe
 * because statements run synchronously: the one who prepares it runs it before anyone else can
 * prepare the same text. A statement still being iterated is not shared (a fresh one is compiled).
 */
export function cacheStatements(sqlite: Database.Database, size = STATEMENT_CACHE_SIZE) {
  const prepare = sqlite.prepare.bind(sqlite)
  const kept = new Map<string, Database.Statement>()
  sqlite.prepare = ((source: string) => {
    const statement = kept.get(source)
    if (statement && !statement.busy) {
      kept.delete(source)
      kept.set(source, statement)
      if (statement.reader) statement.raw(false).pluck(false).expand(false)
      return statement
    }
    const fresh = prepare(source)
    if (!statement) {
      kept.set(source, fresh)
      if (kept.size > size) kept.delete(kept.keys().next().value!)
    }
    return fresh
  }) as typeof sqlite.prepare
}

/** What the server's connection has seen of the database's health; read by checkDatabase(). */
type ConnectionHealth = {
  busyTimeoutMs: number
  /** Until then statements try the lock without waiting (0: they wait busyTimeoutMs). */
  backoffUntil: number
  /** A full disk or an I/O error since the last successful write. */
  storageTrouble: { trouble: 'full' | 'io'; code: string; at: number } | null
  /** A statement of the open transaction changed rows: its commit is a successful write. */
  wroteInTransaction: boolean
  /** When each kind of trouble was last logged (at most once a minute each). */
  loggedAt: Record<string, number>
  /** checkDatabase()'s lock test, on the connection's own (untranslated) methods. */
  probeWriteLock: () => boolean
}

const healthOf = new WeakMap<Database.Database, ConnectionHealth>()
const LOG_EVERY_MS = 60_000

/**
 * Makes every statement the connection runs (drizzle's, prepared ones, transactions, pragmas)
 * throw a DatabaseUnavailableError instead of a busy, full or I/O SqliteError, and keeps the
 * connection's ConnectionHealth. Per connection, not on better-sqlite3's prototypes, so scripts'
 * own connections keep the plain errors.
 */
function guardConnection(sqlite: Database.Database, busyTimeoutMs: number) {
  const pragma = sqlite.pragma.bind(sqlite)
  const exec = sqlite.exec.bind(sqlite)
  const setWait = (ms: number) => pragma(`busy_timeout = ${ms}`)
  const probe = probeWriteLock(sqlite, exec, pragma)
  const health: ConnectionHealth = {
    busyTimeoutMs,
    backoffUntil: 0,
    storageTrouble: null,
    wroteInTransaction: false,
    loggedAt: {},
    probeWriteLock: () => {
      const free = probe()
      if (free) stopBackoff() // the lock is gone: writes may wait for it again
      return free
    },
  }
  healthOf.set(sqlite, health)

  const beforeStatement = () => {
    if (health.backoffUntil !== 0 && Date.now() >= health.backoffUntil) stopBackoff()
  }
  const stopBackoff = () => {
    if (health.backoffUntil === 0) return
    health.backoffUntil = 0
    setWait(health.busyTimeoutMs)
  }
  /** Rows were changed and committed: the lock was had and the disk took them. */
  const wrote = () => {
    health.storageTrouble = null
    stopBackoff()
  }
  const translate = (error: unknown) => {
    const trouble = databaseTroubleOf(error)
    if (!trouble) return error
    const { code } = error as InstanceType<typeof Database.SqliteError>
    if (trouble === 'busy') {
      if (health.backoffUntil === 0) setWait(0)
      health.backoffUntil = Date.now() + BUSY_BACKOFF_MS
    } else {
      health.storageTrouble = { trouble, code, at: Date.now() }
    }
    const unavailable = new DatabaseUnavailableError(trouble, code, error)
    logOnceAMinute(health, unavailable)
    return unavailable
  }
  const guard = <A extends unknown[], R>(run: (...args: A) => R, after?: (result: R) => void) =>
    function guarded(this: unknown, ...args: A): R {
      beforeStatement()
      let result: R
      try {
        result = run.apply(this, args)
      } catch (error) {
        throw translate(error)
      }
      after?.(result)
      return result
    }

  const prepare = sqlite.prepare.bind(sqlite)
  sqlite.prepare = ((source: string) => {
    const statement = prepare(source)
    // Own properties: raw(), pluck() and expand() return the statement itself, so they keep them.
    statement.run = guard(statement.run.bind(statement), (result) => {
      if (result.changes === 0) return
      if (sqlite.inTransaction) health.wroteInTransaction = true
      else wrote()
    })
    statement.get = guard(statement.get.bind(statement)) as typeof statement.get
    statement.all = guard(statement.all.bind(statement)) as typeof statement.all
    statement.iterate = guard(statement.iterate.bind(statement)) as typeof statement.iterate
    return statement
  }) as typeof sqlite.prepare
  sqlite.exec = guard(exec)
  sqlite.pragma = guard(pragma) as typeof sqlite.pragma

  // better-sqlite3 runs BEGIN, COMMIT and ROLLBACK with statements of its own: a busy BEGIN
  // IMMEDIATE or a full disk at COMMIT throws from the transaction function, not from a statement.
  const transaction = sqlite.transaction.bind(sqlite)
  sqlite.transaction = ((fn: (...args: never[]) => unknown) => {
    const native = transaction(fn)
    const variant = (run: (...args: never[]) => unknown, takesLock: boolean) =>
      function guardedTransaction(this: unknown, ...args: never[]) {
        const outermost = !sqlite.inTransaction
        beforeStatement()
        let result: unknown
        try {
          result = run.apply(this, args)
        } catch (error) {
          if (outermost) health.wroteInTransaction = false
          throw translate(error)
        }
        if (outermost) {
          if (health.wroteInTransaction) wrote()
          else if (takesLock) stopBackoff()
          health.wroteInTransaction = false
        }
        return result
      }
    return Object.assign(variant(native, false), {
      default: variant(native.default, false),
      deferred: variant(native.deferred, false),
      immediate: variant(native.immediate, true),
      exclusive: variant(native.exclusive, true),
      database: sqlite,
    })
  }) as unknown as typeof sqlite.transaction
}

function logOnceAMinute(health: ConnectionHealth, error: DatabaseUnavailableError) {
  const now = Date.now()
  if (now - (health.loggedAt[error.trouble] ?? -Infinity) < LOG_EVERY_MS) return
  health.loggedAt[error.trouble] = now
  const cause = error.cause instanceof Error ? error.cause.message : error.code
  const line = `Database unavailable (${error.code}: ${cause}): answering 503 with Retry-After: ${error.retryAfterSeconds} (logged at most once a minute)`
  // A lock held by another process passes; a full disk or failing storage needs someone.
  if (error.trouble === 'busy') console.warn(line)
  else console.error(line)
}

/** Closes every connection this process opened (tests and scripts call it before exiting). */
export function closeDatabases() {
  for (const db of globalForDb.__summitDbs?.values() ?? []) db.$client.close()
  globalForDb.__summitDbs?.clear()
}

export type DatabaseHealth =
  | { database: 'ok'; migrations: number }
  | { database: 'locked'; migrations: number; retryAfterSeconds: number }
  | { database: 'full' | 'io-error'; migrations: number; code: string; since: Date; retryAfterSeconds: number }

/**
 * For /healthz, answered at once: the connection answers and the schema is migrated (else it
 * throws), and whether a write could be made now. 'locked': another connection holds the write
 * lock for longer than HEALTH_LOCK_WAIT_MS (our own connection never keeps a transaction open
 * between ticks, so the lock is someone else's). 'full' / 'io-error': a write failed so within
 * STORAGE_TROUBLE_REPORTED_MS and none has succeeded since.
 */
export function checkDatabase(db: Db): DatabaseHealth {
  const sqlite = db.$client
  const row = sqlite.prepare('select count(*) as n from __drizzle_migrations').get() as { n: number }
  const migrations = row.n
  const health = healthOf.get(sqlite)
  if (!sqlite.inTransaction && !(health?.probeWriteLock ?? probeWriteLock(sqlite))()) {
    return { database: 'locked', migrations, retryAfterSeconds: RETRY_AFTER_SECONDS.busy }
  }
  const storage = health?.storageTrouble
  if (storage && Date.now() - storage.at < STORAGE_TROUBLE_REPORTED_MS) {
    const database = storage.trouble === 'full' ? 'full' : 'io-error'
    return {
      database,
      migrations,
      code: storage.code,
      since: new Date(storage.at),
      retryAfterSeconds: RETRY_AFTER_SECONDS[storage.trouble],
    }
  }
  return { database: 'ok', migrations }
}

/**
 * True when the write lock can be had within HEALTH_LOCK_WAIT_MS: BEGIN IMMEDIATE, then ROLLBACK
 * (nothing is written). Run with the connection's plain methods, so a busy answer is no error.
 */
function probeWriteLock(sqlite: Database.Database, exec = sqlite.exec.bind(sqlite), pragma = sqlite.pragma.bind(sqlite)) {
  return () => {
    const wait = pragma('busy_timeout', { simple: true }) as number
    pragma(`busy_timeout = ${HEALTH_LOCK_WAIT_MS}`)
    try {
      exec('BEGIN IMMEDIATE')
      exec('ROLLBACK')
      return true
    } catch (error) {
      if (databaseTroubleOf(error) === 'busy') return false
      throw error
    } finally {
      pragma(`busy_timeout = ${wait}`)
    }
  }
}

/**
 * For a clean shutdown (server/index.ts on SIGTERM/SIGINT): folds the WAL back into the database file,
 * then closes every connection, so the file alone is complete and the next start replays nothing.
 */
export function checkpointAndCloseDatabases() {
  for (const db of globalForDb.__summitDbs?.values() ?? []) {
    if (!db.$client.open || db.$client.memory) continue
    // No request waits on a stopping server: a script's lock may take its time to end.
    db.$client.pragma(`busy_timeout = ${SCRIPT_BUSY_TIMEOUT_MS}`)
    db.$client.pragma('wal_checkpoint(TRUNCATE)')
  }
  closeDatabases()
}
