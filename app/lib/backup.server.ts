/**
 * Online backups of the SQLite database with SQLite's backup API (better-sqlite3's db.backup()):
 * pages are copied while other connections, the running server included, keep reading and writing.
 * The copy is a snapshot of one committed state: when another connection writes between two steps,
 * SQLite restarts the copy, so a finished backup never mixes two states.
 *
 * Used by `npm run backup -- <path>` (scripts/backup.ts).
 */
import fs from 'node:fs'
import path from 'node:path'
import Database from 'better-sqlite3'

export type BackupOptions = {
  /** Replace an existing file at the destination. */
  force?: boolean
  /** Pages copied per step; between steps other connections get their turn. */
  pagesPerStep?: number
}

export type BackupSummary = {
  path: string
  bytes: number
  pages: number
  pageSize: number
  ms: number
  /** How many times SQLite restarted the copy because another connection wrote to the source. */
  restarts: number
  integrity: string
  counts: { users: number; ideas: number; ideaVotes: number; questions: number; answers: number; postVotes: number; comments: number }
}

export class BackupError extends Error {}

/**
 * Copies the database at `source` to `destination`: into `<destination>.partial` first, renamed
 * into place only once complete and checked, so a crash never leaves a half-written file under
 * the final name. Refuses to overwrite an existing destination unless `force`.
 */
export async function backupDatabase(source: string, destination: string, options: BackupOptions = {}): Promise<BackupSummary> {
  const started = performance.now()
  const target = path.resolve(destination)
  if (path.resolve(source) === target) throw new BackupError('The backup cannot be written over the database itself.')
  if (!fs.existsSync(source)) throw new BackupError(`There is no database at ${source}.`)
  if (fs.existsSync(target) && !options.force) throw new BackupError(`${destination} already exists (add --force to replace it).`)
  fs.mkdirSync(path.dirname(target), { recursive: true })
  const partial = `${target}.partial`
  fs.rmSync(partial, { force: true })
  // A backup holds every member's e-mail address and password hash: readable by its owner only.
  // SQLite fills the empty file it finds (and gives its journal the same mode).
  fs.writeFileSync(partial, '', { flag: 'wx', mode: 0o600 })

  const pagesPerStep = options.pagesPerStep ?? 1000
  let restarts = 0
  const db = new Database(source, { fileMustExist: true })
  try {
    db.pragma('busy_timeout = 5000')
    let lastRemaining = Infinity
    await db.backup(partial, {
      progress({ totalPages, remainingPages }) {
        // A write by another connection made SQLite start over (a step that copied pages always
        // lowers the remainder): copy the rest in one step (one read transaction, which in WAL mode
        // blocks no writer), so a site that writes between every two steps cannot starve it.
        if (remainingPages >= lastRemaining) {
          restarts += 1
          lastRemaining = remainingPages
          return totalPages
        }
        lastRemaining = remainingPages
        return restarts > 0 ? totalPages : pagesPerStep
      },
    })
  } catch (error) {
    fs.rmSync(partial, { force: true })
    throw error
  } finally {
    db.close()
  }

  let summary: Omit<BackupSummary, 'ms' | 'path' | 'restarts'>
  try {
    summary = { ...inspectDatabaseFile(partial), bytes: fs.statSync(partial).size }
  } catch (error) {
    fs.rmSync(partial, { force: true })
    throw error
  }
  if (summary.integrity !== 'ok') {
    fs.rmSync(partial, { force: true })
    throw new BackupError(`The copy failed its integrity check: ${summary.integrity}`)
  }
  for (const suffix of ['-wal', '-shm']) fs.rmSync(target + suffix, { force: true })
  fs.chmodSync(partial, 0o600)
  fs.renameSync(partial, target)
  return { path: target, ...summary, restarts, ms: Math.round(performance.now() - started) }
}

/** Opens a database file on its own connection and reports its integrity, size and row counts. */
export function inspectDatabaseFile(file: string) {
  const db = new Database(file, { fileMustExist: true })
  try {
    const integrity = (db.pragma('integrity_check') as Array<{ integrity_check: string }>).map((row) => row.integrity_check).join('; ')
    const pages = db.pragma('page_count', { simple: true }) as number
    const pageSize = db.pragma('page_size', { simple: true }) as number
    const count = (table: string) => (db.prepare(`select count(*) as n from ${table}`).get() as { n: number }).n
    const counts = {
      users: count('users'),
      ideas: count('ideas'),
      ideaVotes: count('idea_votes'),
      questions: count('questions'),
      answers: count('answers'),
      postVotes: count('post_votes'),
      comments: count('comments'),
    }
    return { integrity, pages, pageSize, counts }
  } finally {
    db.close() // the last connection to close folds its WAL back in: one self-contained file
  }
}
