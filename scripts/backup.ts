/**
 * An online backup of the database at DATABASE_URL, safe while the server is running.
 *
 *   npm run backup -- backups/summit-2026-11-23.db           # refuses to replace an existing file
 *   npm run backup -- backups/summit.db --force
 *
 * Copies with SQLite's backup API into `<path>.partial`, checks the copy (PRAGMA integrity_check),
 * then renames it into place. Prints the size, the page count, the time taken and a few row counts.
 * Restoring is described in docs/operations.md.
 */
import './load-env'
import { parseArgs } from 'node:util'
import { BackupError, backupDatabase } from '~/lib/backup.server'
import { databaseFile } from '~/lib/db.server'

const { values, positionals } = parseArgs({ allowPositionals: true, options: { force: { type: 'boolean' } } })
const destination = positionals[0]
if (!destination || positionals.length > 1) {
  console.error('Usage: npm run backup -- <path/to/backup.db> [--force]')
  process.exit(2)
}

const source = databaseFile()
try {
  const summary = await backupDatabase(source, destination, { force: values.force })
  const mb = (summary.bytes / 1024 / 1024).toFixed(2)
  const c = summary.counts
  console.log(`Backed up ${source} to ${summary.path}`)
  console.log(`  integrity: ${summary.integrity}`)
  console.log(`  size: ${mb} MB (${summary.pages} pages of ${summary.pageSize} bytes)`)
  console.log(`  time: ${summary.ms} ms${summary.restarts ? ` (restarted ${summary.restarts}× by concurrent writes)` : ''}`)
  console.log(
    `  rows: ${c.users} users, ${c.ideas} ideas, ${c.ideaVotes} idea votes, ${c.questions} questions, ${c.answers} answers, ${c.postVotes} post votes, ${c.comments} comments`,
  )
} catch (error) {
  if (!(error instanceof BackupError)) throw error
  console.error(error.message)
  process.exit(1)
}
