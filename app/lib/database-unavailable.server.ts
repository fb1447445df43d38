/**
 * What a request gets when SQLite cannot do what it asks for right now: another process holds the
 * write lock (SQLITE_BUSY, SQLITE_LOCKED), the disk is full (SQLITE_FULL), or the storage failed
 * (SQLITE_IOERR_*, SQLITE_CANTOPEN, SQLITE_READONLY_*, SQLITE_NOMEM). None of these is the
 * request's fault nor a bug, and the same request may well work a moment later: so 503 with
 * Retry-After, and nothing was saved (the statement failed, its transaction was rolled back).
 *
 * The server's connection (getDb() in db.server.ts) turns those SqliteErrors into a
 * DatabaseUnavailableError wherever a statement runs. It is a Response, so thrown from any loader
 * or action Remix answers it as a 503 route error response (the ErrorBoundary shows its text) for a
 * document request and a data request alike, and a resource route sends it as it is; an Error
 * would become a sanitized 500. keepFormOnRateLimit() (forms.server.ts) turns it into a 503 that
 * shows the form again with what was typed.
 */
import Database from 'better-sqlite3'
import { humanDuration } from './http.server'

export type DatabaseTrouble = 'busy' | 'full' | 'io'

/** How long a client should wait before trying again: a lock is usually gone in a moment; a full disk needs someone. */
export const RETRY_AFTER_SECONDS: Record<DatabaseTrouble, number> = { busy: 2, full: 60, io: 60 }

const BUSY = /^SQLITE_(BUSY|LOCKED|PROTOCOL)(_|$)/
const FULL = /^SQLITE_FULL(_|$)/
const IO = /^SQLITE_(IOERR|CANTOPEN|READONLY_|NOMEM)/

/** What kind of unavailability a SqliteError (read by its `code`) means, or null for any other error. */
export function databaseTroubleOf(error: unknown): DatabaseTrouble | null {
  if (!(error instanceof Database.SqliteError)) return null
  const { code } = error
  if (BUSY.test(code)) return 'busy'
  if (FULL.test(code)) return 'full'
  if (IO.test(code)) return 'io'
  return null
}

function messageFor(trouble: DatabaseTrouble, retryAfterSeconds: number) {
  const wait = `Try again in ${humanDuration(retryAfterSeconds)}.`
  if (trouble === 'busy') return `The database is busy right now, so nothing was saved. ${wait}`
  if (trouble === 'full') return `The database is out of space, so nothing was saved. ${wait}`
  return `The database could not read or write its storage, so nothing was saved. ${wait}`
}

export class DatabaseUnavailableError extends Response {
  readonly name = 'DatabaseUnavailableError'
  readonly message: string
  readonly retryAfterSeconds: number

  constructor(
    readonly trouble: DatabaseTrouble,
    /** SQLite's extended result code, e.g. SQLITE_BUSY or SQLITE_IOERR_WRITE. */
    readonly code: string,
    readonly cause?: unknown,
  ) {
    const retryAfterSeconds = RETRY_AFTER_SECONDS[trouble]
    const message = messageFor(trouble, retryAfterSeconds)
    super(message, {
      status: 503,
      headers: { 'Content-Type': 'text/plain; charset=utf-8', 'Retry-After': String(retryAfterSeconds), 'Cache-Control': 'no-store' },
    })
    this.message = message
    this.retryAfterSeconds = retryAfterSeconds
  }

  /** How a script or a log line prints it (it is no Error, so it has no stack of its own). */
  [Symbol.for('nodejs.util.inspect.custom')]() {
    const cause = this.cause instanceof Error ? `\n  caused by ${this.cause.stack ?? this.cause.message}` : ''
    return `DatabaseUnavailableError (${this.code}): ${this.message}${cause}`
  }
}
