/**
 * Reads or changes a site setting from the command line (the admin settings page comes later):
 *
 *   npm run settings:set -- voteBudget '{"enabled":true,"votesPerMember":10}'
 *   npm run settings:set -- voteBudget          prints the current value
 *
 * The value is JSON and must fit the setting's schema (app/models/settings.server.ts).
 */
import './load-env'
import { closeDatabases, databaseFile, getDb, migrateDatabase } from '~/lib/db.server'
import { getSetting, isSettingKey, SETTING_KEYS, setSetting } from '~/models/settings.server'

const USAGE = `Usage: npm run settings:set -- KEY ['JSON value']
Keys: ${SETTING_KEYS.join(', ')}. Without a value, prints the current one.`

function fail(message: string): never {
  console.error(message)
  process.exit(1)
}

const [key, json, ...rest] = process.argv.slice(2)
if (!key || rest.length > 0) fail(USAGE)
if (!isSettingKey(key)) fail(`Unknown setting "${key}".\n${USAGE}`)

const db = getDb()
migrateDatabase(db)
if (json === undefined) {
  console.log(JSON.stringify(getSetting(db, key)))
} else {
  let value: unknown
  try {
    value = JSON.parse(json)
  } catch {
    fail(`The value is not valid JSON: ${json}`)
  }
  const result = setSetting(db, key, value)
  if (!result.ok) fail(`Not saved:\n  ${result.issues.join('\n  ')}`)
  console.log(`${key} = ${JSON.stringify(result.value)} (in ${databaseFile()})`)
}
closeDatabases()
