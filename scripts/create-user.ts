/**
 * Creates an account from the command line, typically a staff account:
 *
 *   npm run user:create -- --role admin --username alice --email alice@example.com
 *
 * The password is read from --password, else from the SUMMIT_PASSWORD environment variable, else
 * asked for on the terminal (without echo). It must pass the same rules as the signup form.
 */
import { parseArgs } from 'node:util'
import './load-env'
import { closeDatabases, databaseFile, getDb, migrateDatabase } from '~/lib/db.server'
import { hashPassword, passwordProblem } from '~/lib/password.server'
import { AccountTakenError, createAccount, findSegmentByName } from '~/models/users.server'
import { DisplayName, Email, RoleSchema, Username } from '~/schemas/account'

const USAGE = `Usage: npm run user:create -- --username NAME --email ADDRESS [--role member|moderator|product|admin]
                           [--display-name "Full Name"] [--segment NAME] [--password PASSWORD]
The password may also come from SUMMIT_PASSWORD, or is asked for.`

function fail(message: string): never {
  console.error(message)
  process.exit(1)
}

async function askHidden(prompt: string) {
  if (!process.stdin.isTTY) fail('No password given: pass --password or set SUMMIT_PASSWORD.')
  process.stdout.write(prompt)
  process.stdin.setRawMode(true)
  process.stdin.resume()
  let value = ''
  return new Promise<string>((resolve) => {
    process.stdin.on('data', (chunk: Buffer) => {
      for (const char of chunk.toString('utf8')) {
        if (char === '\r' || char === '\n') {
          process.stdin.setRawMode(false)
          process.stdin.pause()
          process.stdout.write('\n')
          resolve(value)
          return
        }
        if (char === '\u0003') process.exit(130)
        if (char === '\u007f') value = value.slice(0, -1)
        else value += char
      }
    })
  })
}

async function main() {
  const { values } = parseArgs({
    options: {
      username: { type: 'string' },
      email: { type: 'string' },
      role: { type: 'string', default: 'member' },
      'display-name': { type: 'string' },
      segment: { type: 'string' },
      password: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  })
  if (values.help) {
    console.log(USAGE)
    return
  }
  const username = Username.safeParse(values.username ?? '')
  const email = Email.safeParse(values.email ?? '')
  const role = RoleSchema.safeParse(values.role)
  const displayName = DisplayName.safeParse(values['display-name'] ?? '')
  if (!username.success) fail(`--username: ${username.error.issues[0]?.message}\n${USAGE}`)
  if (!email.success) fail(`--email: ${email.error.issues[0]?.message}\n${USAGE}`)
  if (!role.success) fail(`--role must be one of member, moderator, product, admin.\n${USAGE}`)
  if (!displayName.success) fail(`--display-name: ${displayName.error.issues[0]?.message}`)

  const password = values.password ?? process.env.SUMMIT_PASSWORD ?? (await askHidden('Password: '))
  const problem = passwordProblem(password, { username: username.data, email: email.data })
  if (problem) fail(`Password refused: ${problem}`)

  const db = getDb()
  migrateDatabase(db)
  let segmentId: number | null = null
  if (values.segment) {
    segmentId = findSegmentByName(db, values.segment)?.id ?? fail(`No segment named "${values.segment}".`)
  }
  try {
    const account = createAccount(db, {
      username: username.data,
      email: email.data,
      passwordHash: await hashPassword(password),
      displayName: displayName.data,
      role: role.data,
      segmentId,
    })
    console.log(`Created ${account.role} "${account.username}" (id ${account.id}) in ${databaseFile()}.`)
  } catch (error) {
    if (error instanceof AccountTakenError) fail(error.message)
    throw error
  } finally {
    closeDatabases()
  }
}

await main()
