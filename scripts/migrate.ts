/** Applies the committed migrations to DATABASE_URL (the server also does this at start). */
import './load-env'
import { closeDatabases, databaseFile, getDb, migrateDatabase } from '~/lib/db.server'

const started = Date.now()
migrateDatabase(getDb())
closeDatabases()
console.log(`Migrated ${databaseFile()} in ${Date.now() - started} ms.`)
