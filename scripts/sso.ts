/**
 * Single sign-on from the command line, with the checks of /admin/settings (the same schemas, in
 * app/schemas/sso.ts) and every change in the moderation log under an admin: --as USERNAME, else
 * the first admin.
 *
 *   npm run sso -- list
 *   npm run sso -- add --slug okta --label "Okta" --issuer https://acme.okta.com --client-id ID
 *                      (--client-secret-stdin | --client-secret SECRET) [--role member] [--segment NAME]
 *                      [--link-verified-email] [--disabled]
 *   npm run sso -- update okta [the options of add] [--enabled] [--no-link-verified-email] [--no-segment]
 *   npm run sso -- remove okta
 *   npm run sso -- require off|staff|everyone [--break-glass alice,bob]
 *   npm run sso -- jwt [--audience AUD] [--secret-stdin | --generate-secret | --jwks-url URL] [--disable]
 *
 * Secrets are never printed, except a secret made by --generate-secret, once. Prefer the -stdin
 * options: a secret on the command line stays in the shell's history and the process list.
 */
import { parseArgs } from 'node:util'
import './load-env'
import { type z } from 'zod'
import { closeDatabases, databaseFile, type Db, getDb, migrateDatabase } from '~/lib/db.server'
import { publicOrigin } from '~/lib/env.server'
import { findProviderBySlug, addProvider, ProviderRefusedError, removeProvider, updateProvider } from '~/models/oidc-providers.server'
import { getJwtSsoSettings, getSsoPolicy } from '~/models/settings.server'
import { findActingAdmin, getSsoSettings, newJwtSecret, updateJwtSso, updateSsoPolicy } from '~/models/site-admin.server'
import { findSegmentByName } from '~/models/users.server'
import { JwtSsoForm, NewProviderForm, ProviderUpdateForm, SSO_REQUIRE, SsoPolicyForm } from '~/schemas/sso'

const USAGE = `Usage: npm run sso -- COMMAND [options]
  list
  add --slug SLUG --label LABEL --issuer URL --client-id ID (--client-secret-stdin | --client-secret SECRET)
      [--role member|moderator|product|admin] [--segment NAME] [--link-verified-email] [--disabled]
  update SLUG [the options of add] [--enabled] [--no-link-verified-email] [--no-segment]
  remove SLUG
  require off|staff|everyone [--break-glass alice,bob]
  jwt [--audience AUD] [--secret-stdin | --generate-secret | --jwks-url URL] [--disable]
Changes are logged under --as USERNAME (an admin), else the first admin.`

/** Which command-line option each form field comes from, for messages. */
const OPTION_OF: Record<string, string> = {
  slug: '--slug',
  label: '--label',
  issuer: '--issuer',
  clientId: '--client-id',
  clientSecret: '--client-secret',
  role: '--role',
  segmentId: '--segment',
  require: 'require',
  breakGlass: '--break-glass',
  audience: '--audience',
  keyType: 'the key',
  secret: '--secret-stdin',
  jwksUrl: '--jwks-url',
}

const PROVIDER_OPTIONS = [
  'slug',
  'label',
  'issuer',
  'client-id',
  'client-secret',
  'client-secret-stdin',
  'role',
  'segment',
  'link-verified-email',
  'disabled',
]
const ALLOWED: Record<string, string[]> = {
  list: [],
  add: PROVIDER_OPTIONS,
  update: [...PROVIDER_OPTIONS, 'enabled', 'no-link-verified-email', 'no-segment'],
  remove: [],
  require: ['break-glass'],
  jwt: ['audience', 'secret-stdin', 'generate-secret', 'jwks-url', 'disable'],
}

class UsageError extends Error {}

function fail(message: string): never {
  throw new UsageError(message)
}

function failIssues(error: z.ZodError): never {
  const lines = error.issues.map((issue) => {
    const field = typeof issue.path[0] === 'string' ? issue.path[0] : ''
    return `${OPTION_OF[field] ?? field}: ${issue.message}`
  })
  fail(lines.join('\n'))
}

async function readStdin(what: string) {
  if (process.stdin.isTTY) process.stderr.write(`Paste the ${what}, then press Enter and Ctrl-D:\n`)
  const chunks: Buffer[] = []
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks).toString('utf8').trim()
}

function actingAdmin(db: Db, username: string | undefined) {
  const admin = findActingAdmin(db, username)
  if (admin) return admin
  if (username) fail(`--as: "${username}" is not an admin.`)
  fail('There is no admin to log this change under. Create one first: npm run user:create -- --role admin --username NAME --email ADDRESS')
}

const callbackUrl = (path: string) => {
  const origin = publicOrigin()
  return origin ? `${origin}${path}` : `<the site's address>${path} (set PUBLIC_URL to print it whole)`
}

function printList(db: Db) {
  const { providers, policy, jwt } = getSsoSettings(db)
  console.log(`Single sign-on in ${databaseFile()}`)
  if (providers.length === 0) console.log('OpenID providers: none.')
  else console.log('OpenID providers:')
  for (const p of providers) {
    console.log(`  ${p.slug}  "${p.label}"  ${p.enabled ? 'enabled' : 'disabled'}`)
    console.log(`    issuer:         ${p.issuer}`)
    console.log(`    client id:      ${p.clientId}`)
    console.log(`    client secret:  ${p.hasSecret ? 'set (never shown)' : 'not set'}`)
    console.log(`    least role:     ${p.role}`)
    console.log(`    segment:        ${p.segment ?? 'none'}`)
    console.log(`    link verified e-mail: ${p.linkVerifiedEmail ? 'yes' : 'no'}`)
    console.log(`    callback URL:   ${callbackUrl(p.callbackPath)}`)
    console.log(`    members:        ${p.memberCount}`)
  }
  console.log(`Single sign-on required: ${policy.require}; break-glass accounts: ${policy.breakGlass.join(', ') || 'none'}`)
  const keys = jwt.jwksUrl ? `JWKS at ${jwt.jwksUrl}` : jwt.hasSecret ? 'shared secret (HS256), set' : 'none'
  console.log(`Signed-JWT log-in: ${jwt.enabled ? 'on' : 'off'}; audience "${jwt.audience}"; keys: ${keys}`)
}

type Values = Record<string, string | boolean | undefined>

async function clientSecretOption(values: Values) {
  if (values['client-secret-stdin'] && values['client-secret'] !== undefined)
    fail('Give --client-secret-stdin or --client-secret, not both.')
  if (values['client-secret-stdin']) return readStdin('client secret')
  return typeof values['client-secret'] === 'string' ? values['client-secret'] : undefined
}

function segmentOption(db: Db, values: Values, current: string) {
  if (values['no-segment'] && values.segment !== undefined) fail('Give --segment or --no-segment, not both.')
  if (values['no-segment']) return ''
  if (typeof values.segment !== 'string') return current
  if (values.segment === '') return ''
  const segment = findSegmentByName(db, values.segment)
  if (!segment) fail(`--segment: there is no segment named "${values.segment}".`)
  return String(segment.id)
}

function flag(values: Values, on: string, off: string, current: boolean) {
  if (values[on] && values[off]) fail(`Give --${on} or --${off}, not both.`)
  return values[on] ? true : values[off] ? false : current
}

const checkbox = (on: boolean) => (on ? 'on' : undefined)
const str = (value: string | boolean | undefined) => (typeof value === 'string' ? value : undefined)

/** Runs a provider change; a refusal (a short name in use, the last provider a policy needs) is the script's message. */
function providerChange(work: () => void) {
  try {
    work()
  } catch (error) {
    if (error instanceof ProviderRefusedError) fail(error.field ? `${OPTION_OF[error.field]}: ${error.message}` : error.message)
    throw error
  }
}

async function addCommand(db: Db, values: Values) {
  const fields = {
    slug: str(values.slug),
    label: str(values.label),
    issuer: str(values.issuer),
    clientId: str(values['client-id']),
    clientSecret: await clientSecretOption(values),
    role: str(values.role),
    segmentId: segmentOption(db, values, ''),
    linkVerifiedEmail: checkbox(Boolean(values['link-verified-email'])),
    enabled: checkbox(!values.disabled),
  }
  const parsed = NewProviderForm.safeParse(fields)
  if (!parsed.success) failIssues(parsed.error)
  const actor = actingAdmin(db, str(values.as))
  providerChange(() => addProvider(db, { ...parsed.data, actorId: actor.id }))
  console.log(
    `Added "${parsed.data.label}" (${parsed.data.slug}), ${parsed.data.enabled ? 'enabled' : 'disabled'}, logged under ${actor.username}.`,
  )
  console.log(`Register this callback URL at the provider: ${callbackUrl(`/sso/oidc/${parsed.data.slug}/callback`)}`)
}

async function updateCommand(db: Db, slug: string, values: Values) {
  const current = findProviderBySlug(db, slug.trim().toLowerCase()) ?? fail(`There is no provider "${slug}". See: npm run sso -- list`)
  const fields = {
    slug: str(values.slug) ?? current.slug,
    label: str(values.label) ?? current.label,
    issuer: str(values.issuer) ?? current.issuer,
    clientId: str(values['client-id']) ?? current.clientId,
    clientSecret: await clientSecretOption(values),
    role: str(values.role) ?? current.role,
    segmentId: segmentOption(db, values, current.segmentId == null ? '' : String(current.segmentId)),
    linkVerifiedEmail: checkbox(flag(values, 'link-verified-email', 'no-link-verified-email', current.linkVerifiedEmail)),
    enabled: checkbox(flag(values, 'enabled', 'disabled', current.enabled)),
  }
  const parsed = ProviderUpdateForm.safeParse(fields)
  if (!parsed.success) failIssues(parsed.error)
  const actor = actingAdmin(db, str(values.as))
  providerChange(() => updateProvider(db, current.id, { ...parsed.data, actorId: actor.id }))
  const secret = parsed.data.clientSecret ? 'a new client secret' : 'the client secret kept'
  console.log(
    `Saved "${parsed.data.label}" (${parsed.data.slug}), ${parsed.data.enabled ? 'enabled' : 'disabled'}, ${secret}, logged under ${actor.username}.`,
  )
}

function removeCommand(db: Db, slug: string, values: Values) {
  const current = findProviderBySlug(db, slug.trim().toLowerCase()) ?? fail(`There is no provider "${slug}". See: npm run sso -- list`)
  const actor = actingAdmin(db, str(values.as))
  providerChange(() => removeProvider(db, current.id, actor.id))
  console.log(`Removed "${current.label}" (${current.slug}), logged under ${actor.username}.`)
}

function requireCommand(db: Db, mode: string, values: Values) {
  const breakGlass = str(values['break-glass']) ?? getSsoPolicy(db).breakGlass.join(',')
  const parsed = SsoPolicyForm.safeParse({ require: mode, breakGlass })
  if (!parsed.success) failIssues(parsed.error)
  const actor = actingAdmin(db, str(values.as))
  const result = updateSsoPolicy(db, { actorId: actor.id, ...parsed.data })
  if (!result.ok) fail(`${OPTION_OF[result.field] ?? result.field}: ${result.message}`)
  const glass = parsed.data.breakGlass.join(', ') || 'none'
  console.log(`Single sign-on required: ${parsed.data.require}; break-glass accounts: ${glass}; logged under ${actor.username}.`)
}

async function jwtCommand(db: Db, values: Values) {
  const keyOptions = ['secret-stdin', 'generate-secret', 'jwks-url'].filter((name) => values[name] !== undefined && values[name] !== false)
  if (keyOptions.length > 1) fail('Give one of --secret-stdin, --generate-secret and --jwks-url.')
  const current = getJwtSsoSettings(db)
  const generated = values['generate-secret'] ? newJwtSecret() : null
  const secret = generated ?? (values['secret-stdin'] ? await readStdin('shared secret') : null)
  const jwksUrl = str(values['jwks-url']) ?? null
  const keyType = jwksUrl !== null ? 'jwks' : secret !== null ? 'secret' : current.jwksUrl ? 'jwks' : 'secret'
  const parsed = JwtSsoForm.safeParse({
    enabled: checkbox(!values.disable),
    audience: str(values.audience) ?? current.audience,
    keyType,
    secret: secret ?? '',
    jwksUrl: jwksUrl ?? (keyType === 'jwks' ? (current.jwksUrl ?? '') : ''),
  })
  if (!parsed.success) failIssues(parsed.error)
  const actor = actingAdmin(db, str(values.as))
  const result = updateJwtSso(db, { ...parsed.data, actorId: actor.id, generated: generated !== null })
  if (!result.ok) {
    fail(
      result.field === 'secret'
        ? 'Give a key: --secret-stdin, --generate-secret or --jwks-url.'
        : `${OPTION_OF[result.field] ?? result.field}: ${result.message}`,
    )
  }
  const keys = parsed.data.keyType === 'jwks' ? `JWKS at ${parsed.data.jwksUrl}` : 'shared secret (HS256)'
  console.log(
    `Signed-JWT log-in: ${parsed.data.enabled ? 'on' : 'off'}; audience "${parsed.data.audience}"; keys: ${keys}; logged under ${actor.username}.`,
  )
  if (generated) {
    console.log('The new shared secret (shown this once; copy it into your app now):')
    console.log(generated)
  }
}

async function main() {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      as: { type: 'string' },
      slug: { type: 'string' },
      label: { type: 'string' },
      issuer: { type: 'string' },
      'client-id': { type: 'string' },
      'client-secret': { type: 'string' },
      'client-secret-stdin': { type: 'boolean' },
      role: { type: 'string' },
      segment: { type: 'string' },
      'no-segment': { type: 'boolean' },
      'link-verified-email': { type: 'boolean' },
      'no-link-verified-email': { type: 'boolean' },
      enabled: { type: 'boolean' },
      disabled: { type: 'boolean' },
      'break-glass': { type: 'string' },
      audience: { type: 'string' },
      'secret-stdin': { type: 'boolean' },
      'generate-secret': { type: 'boolean' },
      'jwks-url': { type: 'string' },
      disable: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  })
  const [command, argument, ...extra] = positionals
  if (values.help) return console.log(USAGE)
  if (!command || !Object.hasOwn(ALLOWED, command)) fail(USAGE)
  const unknown = Object.keys(values).filter((name) => name !== 'as' && !ALLOWED[command]!.includes(name))
  if (unknown.length) fail(`${command} takes no ${unknown.map((name) => `--${name}`).join(', ')}.\n${USAGE}`)
  const needsArgument = ['update', 'remove', 'require'].includes(command)
  if (extra.length || (needsArgument ? !argument : argument !== undefined)) fail(USAGE)

  const db = getDb()
  migrateDatabase(db)
  switch (command) {
    case 'list':
      return printList(db)
    case 'add':
      return addCommand(db, values)
    case 'update':
      return updateCommand(db, argument!, values)
    case 'remove':
      return removeCommand(db, argument!, values)
    case 'require':
      if (!(SSO_REQUIRE as readonly string[]).includes(argument!)) fail(`require takes off, staff or everyone.\n${USAGE}`)
      return requireCommand(db, argument!, values)
    case 'jwt':
      return jwtCommand(db, values)
  }
}

try {
  await main()
} catch (error) {
  if (error instanceof UsageError || (error instanceof TypeError && 'code' in error && String(error.code).startsWith('ERR_PARSE_ARGS'))) {
    console.error(error.message)
    process.exitCode = 1
  } else {
    throw error
  }
} finally {
  closeDatabases()
}
