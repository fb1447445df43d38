/**
 * Runs once per vitest run: migrates an empty template database, checkpoints its WAL and closes
 * it, so the single file is complete and each test file can copy it instead of migrating again.
 */
import fs from 'node:fs'
import { migrateDatabase, openDatabase } from '~/lib/db.server'
import { TEMPLATE_DB, TMP_DIR } from './paths'

export default function setup() {
  fs.mkdirSync(TMP_DIR, { recursive: true })
  for (const file of fs.readdirSync(TMP_DIR)) {
    if (file.startsWith('unit-') || file.startsWith('template.db')) fs.rmSync(`${TMP_DIR}/${file}`, { force: true })
  }
  const db = openDatabase(TEMPLATE_DB)
  migrateDatabase(db)
  db.$client.pragma('wal_checkpoint(TRUNCATE)')
  db.$client.pragma('journal_mode = DELETE')
  db.$client.close()
}
