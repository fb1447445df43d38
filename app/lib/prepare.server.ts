/**
 * Start-up work run by the server (server/index.ts) before it listens: apply committed migrations, seed the demo
 * community into an empty database (unless SEED_DEMO=false), and drop expired sessions.
 */
import { isDatabaseEmpty, seedDemoCommunity } from '#db/seed'
import { deleteExpiredSessions } from './auth.server'
import { databaseFile, getDb, migrateDatabase, withScriptPatience } from './db.server'
import { env } from './env.server'

export async function prepareDatabase() {
  const started = Date.now()
  const db = getDb()
  let seeded = 'no'
  await withScriptPatience(db, async () => {
    migrateDatabase(db)
    const wantsSeed = env().SEED_DEMO ?? true
    if (wantsSeed && isDatabaseEmpty(db)) {
      const summary = await seedDemoCommunity(db, { password: env().SEED_PASSWORD })
      seeded = summary ? JSON.stringify(summary) : 'no'
    }
    await deleteExpiredSessions()
  })
  return `Database ${databaseFile()} ready in ${Date.now() - started} ms (demo seed: ${seeded})`
}
