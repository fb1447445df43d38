/**
 * Recounts every cached counter from its rows and reports any difference (exit code 1).
 *
 *   npm run recount              # check
 *   npm run recount -- --fix     # rewrite the differing counters
 *   npm run reputation:verify    # the same, for reputation alone (1 + the sum of the ledger)
 */
import './load-env'
import { parseArgs } from 'node:util'
import { closeDatabases, databaseFile, getDb, migrateDatabase } from '~/lib/db.server'
import { COUNTERS, findCounterMismatches, fixCounters } from '~/models/counters.server'

const { values } = parseArgs({ options: { fix: { type: 'boolean' }, only: { type: 'string' } } })
const counters = values.only ? COUNTERS.filter((c) => c.name === values.only) : COUNTERS
if (counters.length === 0) {
  console.error(`Unknown counter "${values.only}". Known: ${COUNTERS.map((c) => c.name).join(', ')}`)
  process.exit(2)
}

const db = getDb()
migrateDatabase(db)
const started = performance.now()
const mismatches = findCounterMismatches(db, counters)
const ms = Math.round(performance.now() - started)
if (mismatches.length === 0) {
  console.log(`${databaseFile()}: all ${counters.length} counters match their rows (${ms} ms).`)
} else {
  console.log(`${databaseFile()}: ${mismatches.length} counter(s) differ from their rows:`)
  console.table(mismatches.slice(0, 50))
  if (mismatches.length > 50) console.log(`… and ${mismatches.length - 50} more`)
  if (values.fix) console.log(`Fixed ${fixCounters(db, counters)} row(s).`)
}
closeDatabases()
process.exit(mismatches.length > 0 && !values.fix ? 1 : 0)
