/**
 * Reads or changes a site setting from the command line (or on /admin/settings):
 *
 *   npm run settings:set -- voteBudget '{"enabled":true,"votesPerMember":10}'
 *   npm run settings:set -- voteBudget          prints the current value
 *
 * The value is JSON and must fit the setting's schema (app/models/settings.server.ts).
 * The single sign-on settings (ssoPolicy, jwtSso) are printed here, with the JWT secret as
 * "(set)", but changed only with `npm run sso`, which checks them as the admin page does and logs
 * the change.
 */
import './load-env'
import { closeDatabases, databaseFile, getDb, migrateDatabase } from '~/lib/db.server'
import { getSetting, isSettingKey, SETTING_KEYS, setSetting } from '~/models/settings.server'

const USAGE = `Usage: npm run settings:set -- KEY ['JSON value']
Keys: ${SETTING_KEYS.join(', ')}. Without a value, prints the current one.`

/** Set through `npm run sso` only: it refuses a lock-out, checks the break-glass admins and logs the change. */
const SSO_KEYS: readonly string[] = ['ssoPolicy', 'jwtSso']

/** A setting as printed: never the JWT secret itself. */
function printable(key: string, value: unknown) {
  if (key === 'jwtSso' && value && typeof value === 'object' && 'secret' in value)
    return { ...value, secret: value.secret ? '(set)' : null }
  return value
}

function fail(message: string): never {
  console.error(message)
  process.exit(1)
}

const [key, json, ...rest] = process.argv.slice(2)
if (!key || rest.length > 0) fail(USAGE)
if (!isSettingKey(key)) fail(`Unknown setting "${key}".\n${USAGE}`)
if (json !== undefined && SSO_KEYS.includes(key)) {
  fail(`${key} is changed with npm run sso, which checks it as /admin/settings does and logs the change:
  npm run sso -- require off|staff|everyone [--break-glass alice,bob]
  npm run sso -- jwt [--audience AUD] [--secret-stdin | --generate-secret | --jwks-url URL] [--disable]`)
}

const db = getDb()
migrateDatabase(db)
if (json === undefined) {
  console.log(JSON.stringify(printable(key, getSetting(db, key))))
} else {
  let value: unknown
  try {
    value = JSON.parse(json)
  } catch {
    fail(`The value is not valid JSON: ${json}`)
  }
  const result = setSetting(db, key, value)
  if (!result.ok) fail(`Not saved:\n  ${result.issues.join('\n  ')}`)
  console.log(`${key} = ${JSON.stringify(printable(key, result.value))} (in ${databaseFile()})`)
}
closeDatabases()
