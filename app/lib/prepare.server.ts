/**
 * Start-up work run by the server (server/index.ts) before it listens: apply committed migrations, seed the demo
 * community into an empty database (unless SEED_DEMO=false), and drop expired sessions.
 * The seed itself (db/seed/demo-community.ts) writes through the models, so it is handed in by
 * app/entry.server.tsx rather than imported here.
 */
import { deleteExpiredSessions } from './auth.server'
import { type Db, databaseFile, getDb, migrateDatabase, withScriptPatience } from './db.server'
import { env } from './env.server'

/** Seeds the demo community when the database is empty; returns what it created, or null when it left the database alone. */
export type SeedDemo = (db: Db, options: { password: string }) => Promise<object | null>

export async function prepareDatabase(seedDemo: SeedDemo) {
  const started = Date.now()
  const db = getDb()
  let seeded = 'no'
  await withScriptPatience(db, async () => {
    migrateDatabase(db)
    const wantsSeed = env().SEED_DEMO ?? true
    if (wantsSeed) {
      const summary = await seedDemo(db, { password: env().SEED_PASSWORD })
      seeded = summary ? JSON.stringify(summary) : 'no'
    }
    await deleteExpiredSessions()
  })
  return `Database ${databaseFile()} ready in ${Date.now() - started} ms (demo seed: ${seeded})`
}
