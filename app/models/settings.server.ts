/**
 * Site settings set by admins, one JSON value per key in the `settings` table. Every key has a zod
 * schema and a default: a value that is missing, is not JSON or fails its schema reads as the
 * default, so a hand-edited row can never break a page. Writes are validated with the same schema.
 */
import { eq, sql } from 'drizzle-orm'
import { z } from 'zod'
import { settings } from '#db/schema'
import { type Db, prepared, type Tx } from '~/lib/db.server'
import { memoUntilWrite } from '~/lib/read-cache.server'

/** The optional vote budget: when enabled, a member has this many open idea votes at a time. */
const VoteBudgetSetting = z.object({
  enabled: z.boolean(),
  votesPerMember: z.number().int().min(1).max(1000),
})
type VoteBudgetSetting = z.infer<typeof VoteBudgetSetting>

/** The community's name, shown in the header, titles and feeds (SITE_NAME is the default). */
const SiteNameSetting = z.string().trim().min(1).max(60)
/** Hold the first posts of new members for review before anyone else sees them. */
const PremoderationSetting = z.object({
  enabled: z.boolean(),
  /** How many of a new member's first posts (ideas, questions, answers) wait for review. */
  firstPosts: z.number().int().min(1).max(20),
})
/** Site-wide e-mail switch; members choose what they get in their own settings. */
const EmailSetting = z.object({ enabled: z.boolean() })
/**
 * Members who signed up with a password and have not followed their verification link yet: whether
 * their ideas, questions and answers wait for review (the pre-moderation queue) until they do. It
 * applies only while site e-mail is on, since without it no link can reach them.
 */
const EmailVerificationSetting = z.object({ holdUnverifiedPosts: z.boolean() })

/**
 * Single sign-on policy. `require`: 'off' (passwords and SSO both work), 'staff' (moderators and up
 * must use an identity provider), 'everyone' (nobody logs in or signs up with a password). The
 * break-glass usernames (admins) keep their password log-in in every mode, for when the provider is down.
 */
const SsoPolicySetting = z.object({
  require: z.enum(['off', 'staff', 'everyone']),
  breakGlass: z.array(z.string().trim().toLowerCase().min(2).max(30)).max(20),
})
export type SsoPolicy = z.infer<typeof SsoPolicySetting>
/**
 * Identifying customers from the company's own app with a signed JWT (/sso/jwt). HS256 with the
 * shared secret, or RS256/ES256/EdDSA with the keys at jwksUrl. The secret is write-only: pages show
 * whether one is set, never the value.
 */
const JwtSsoSetting = z.object({
  enabled: z.boolean(),
  secret: z.string().min(32).max(512).nullable(),
  jwksUrl: z
    .url({ protocol: /^https?$/ })
    .max(500)
    .nullable(),
  /** The `aud` every token must carry. */
  audience: z.string().trim().min(1).max(200),
})
export type JwtSsoSettings = z.infer<typeof JwtSsoSetting>

/**
 * Webhook delivery: whether endpoints may be private addresses (loopback, RFC 1918, link-local …).
 * Off by default (SSRF defence); on-premises installs with an internal receiver, and tests, turn it on.
 */
const WebhookSetting = z.object({ allowPrivateTargets: z.boolean() })

type SettingValues = {
  voteBudget: VoteBudgetSetting
  siteName: z.infer<typeof SiteNameSetting> | null
  premoderation: z.infer<typeof PremoderationSetting>
  email: z.infer<typeof EmailSetting>
  emailVerification: z.infer<typeof EmailVerificationSetting>
  ssoPolicy: SsoPolicy
  jwtSso: JwtSsoSettings
  webhooks: z.infer<typeof WebhookSetting>
}
type SettingKey = keyof SettingValues
type SettingValue<K extends SettingKey> = SettingValues[K]

const SETTINGS: { [K in SettingKey]: { schema: z.ZodType<SettingValues[K]>; defaultValue: SettingValues[K] } } = {
  voteBudget: { schema: VoteBudgetSetting, defaultValue: { enabled: false, votesPerMember: 10 } },
  // null: use the SITE_NAME environment variable.
  siteName: { schema: SiteNameSetting.nullable(), defaultValue: null },
  premoderation: { schema: PremoderationSetting, defaultValue: { enabled: false, firstPosts: 1 } },
  email: { schema: EmailSetting, defaultValue: { enabled: false } },
  emailVerification: { schema: EmailVerificationSetting, defaultValue: { holdUnverifiedPosts: true } },
  ssoPolicy: { schema: SsoPolicySetting, defaultValue: { require: 'off', breakGlass: [] } },
  jwtSso: { schema: JwtSsoSetting, defaultValue: { enabled: false, secret: null, jwksUrl: null, audience: 'summit' } },
  webhooks: { schema: WebhookSetting, defaultValue: { allowPrivateTargets: false } },
}
export const SETTING_KEYS = Object.keys(SETTINGS) as SettingKey[]

export function isSettingKey(key: string): key is SettingKey {
  return Object.hasOwn(SETTINGS, key)
}

/**
 * Reads a setting (inside a caller's transaction too); anything invalid reads as the default.
 * Outside a transaction the value is kept until the next write (every member page reads the site
 * name, lists the vote budget), and handed out frozen, since callers share it.
 */
export function getSetting<K extends SettingKey>(db: Db | Tx, key: K): SettingValue<K> {
  const client = (db as Partial<Db>).$client
  if (client && !client.inTransaction) return memoUntilWrite(db as Db, `setting:${key}`, () => deepFreeze(readSetting(db, key)))
  return readSetting(db, key)
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    for (const inner of Object.values(value)) deepFreeze(inner)
    Object.freeze(value)
  }
  return value
}

const settingQuery = (db: Db | Tx) =>
  db
    .select({ text: sql<string>`${settings.value}` })
    .from(settings)
    .where(eq(settings.key, sql.placeholder('key')))
    .prepare()

function readSetting<K extends SettingKey>(db: Db | Tx, key: K): SettingValue<K> {
  const { schema, defaultValue } = SETTINGS[key]
  // The raw text, not the json column: drizzle's JSON.parse would throw on a malformed row.
  const row = prepared(db, settingQuery).get({ key })
  if (!row) return defaultValue
  let value: unknown
  try {
    value = JSON.parse(row.text)
  } catch {
    return defaultValue
  }
  const parsed = schema.safeParse(value)
  return parsed.success ? parsed.data : defaultValue
}

/**
 * Validates and stores a setting. Returns the stored value, or the schema's issues when the value
 * does not fit (the caller shows them; nothing is written).
 */
export function setSetting<K extends SettingKey>(db: Db | Tx, key: K, value: unknown, now = new Date()) {
  const parsed = SETTINGS[key].schema.safeParse(value)
  if (!parsed.success) {
    return { ok: false as const, issues: parsed.error.issues.map((i) => `${i.path.join('.') || key}: ${i.message}`) }
  }
  // A null value (siteName: use SITE_NAME) is stored as the JSON text 'null'; the column is NOT NULL.
  const stored = parsed.data === null ? sql`'null'` : parsed.data
  db.insert(settings)
    .values({ key, value: stored, updatedAt: now })
    .onConflictDoUpdate({ target: settings.key, set: { value: stored, updatedAt: now } })
    .run()
  return { ok: true as const, value: parsed.data }
}

export const getVoteBudget = (db: Db | Tx) => getSetting(db, 'voteBudget')
export const getPremoderation = (db: Db | Tx) => getSetting(db, 'premoderation')
export const getEmailSetting = (db: Db | Tx) => getSetting(db, 'email')
export const getEmailVerificationSetting = (db: Db | Tx) => getSetting(db, 'emailVerification')
export const getSsoPolicy = (db: Db | Tx) => getSetting(db, 'ssoPolicy')
export const getJwtSsoSettings = (db: Db | Tx) => getSetting(db, 'jwtSso')
export const getWebhookSetting = (db: Db | Tx) => getSetting(db, 'webhooks')

/** Keeps a break-glass entry of the SSO policy on its account when the account is renamed (in the caller's transaction). */
export function renameBreakGlass(tx: Db | Tx, from: string, to: string) {
  const policy = getSetting(tx, 'ssoPolicy')
  if (!policy.breakGlass.includes(from)) return
  setSetting(tx, 'ssoPolicy', { ...policy, breakGlass: policy.breakGlass.map((name) => (name === from ? to : name)) })
}
