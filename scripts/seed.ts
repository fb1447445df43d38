/**
 * Seeds the Northwind Analytics demo community into an empty database: `npm run db:seed`.
 * Every demo account (admin, pat, mo, casey, …) uses SEED_PASSWORD, or 'summit-demo-pass'.
 * A database that already has users is left alone.
 */
import './load-env'
import { seedDemoCommunity } from '#db/seed/demo-community'
import { databaseFile, migrateDatabase, openDatabase } from '~/lib/db.server'

const file = databaseFile()
const db = openDatabase(file)
try {
  migrateDatabase(db)
  const started = performance.now()
  const summary = await seedDemoCommunity(db, { password: process.env.SEED_PASSWORD ?? 'summit-demo-pass' })
  if (summary) {
    console.log(`Seeded ${file} in ${Math.round(performance.now() - started)} ms:`)
    console.table(summary)
  } else {
    console.log(`${file}: database not empty; nothing seeded`)
  }
} finally {
  db.$client.close()
}
