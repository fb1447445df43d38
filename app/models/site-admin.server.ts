/**
 * What admins change on /admin/settings: the stored settings (site name, vote budget,
 * pre-moderation, e-mail, holding unverified members' posts), the categories, the segments, and the single sign-on policy and signed-JWT
 * log-in (the OpenID providers themselves are in oidc-providers.server.ts). Every change is one
 * transaction that also writes its moderation_log entry with the state before and after; secrets
 * appear there only as "(set)".
 */
import crypto from 'node:crypto'
import { and, asc, desc, eq, inArray, isNull, sql } from 'drizzle-orm'
import { categories, moderationLog, segments, settings, users } from '#db/schema'
import { type Db, type Tx, writeTransaction } from '~/lib/db.server'
import { NotFoundError } from '~/lib/errors'
import { type JwtKeyType, oidcCallbackPath, type SsoRequire } from '~/schemas/sso'
import { countIdentitiesByProvider } from './identities.server'
import { logModeration } from './moderation-log.server'
import { countEnabledProviders, listProviders } from './oidc-providers.server'
import { getSetting, type JwtSsoSettings, setSetting } from './settings.server'

export type FieldResult = { ok: true } | { ok: false; field: string; message: string }

type StoredSettings = {
  siteName: string | null
  voteBudget: { enabled: boolean; votesPerMember: number }
  premoderation: { enabled: boolean; firstPosts: number }
  email: { enabled: boolean }
  emailVerification: { holdUnverifiedPosts: boolean }
}
export type AdminSettingKey = keyof StoredSettings

/** Stores one setting and logs it as 'settings.update' (target: the setting, before and after). */
export function updateSiteSetting<K extends AdminSettingKey>(
  db: Db,
  input: { actorId: number; key: K; value: StoredSettings[K]; now?: Date },
) {
  const now = input.now ?? new Date()
  return writeTransaction(db, (tx) => {
    const before = getSetting(tx, input.key)
    const result = setSetting(tx, input.key, input.value, now)
    if (!result.ok) throw new Error(`Invalid ${input.key}: ${result.issues.join('; ')}`) // the route validated it already
    logModeration(tx, {
      actorId: input.actorId,
      action: 'settings.update',
      target: { type: 'setting', id: 0 },
      reason: input.key,
      before: { [input.key]: before },
      after: { [input.key]: result.value },
      now,
    })
    return result.value
  })
}

export function getSiteSettings(db: Db) {
  return {
    siteName: getSetting(db, 'siteName'),
    voteBudget: getSetting(db, 'voteBudget'),
    premoderation: getSetting(db, 'premoderation'),
    email: getSetting(db, 'email'),
    emailVerification: getSetting(db, 'emailVerification'),
    categories: db
      .select({ id: categories.id, slug: categories.slug, name: categories.name, description: categories.description })
      .from(categories)
      .orderBy(asc(categories.position), asc(categories.id))
      .all(),
    segments: db
      .select({ id: segments.id, name: segments.name, weight: segments.weight })
      .from(segments)
      .orderBy(asc(segments.position), asc(segments.id))
      .all(),
  }
}

/** A URL slug from a name: "Mobile apps" → "mobile-apps". */
export function slugify(name: string) {
  return name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40)
}

const nextPosition = (tx: Tx, table: typeof categories | typeof segments) =>
  (tx
    .select({ max: sql<number | null>`max(${table.position})` })
    .from(table)
    .get()?.max ?? -1) + 1

export function addCategory(db: Db, input: { actorId: number; name: string; description: string; now?: Date }): FieldResult {
  const now = input.now ?? new Date()
  const slug = slugify(input.name)
  if (!slug) return { ok: false, field: 'name', message: 'Use at least one letter or digit in the name.' }
  return writeTransaction(db, (tx) => {
    if (tx.select({ id: categories.id }).from(categories).where(eq(categories.slug, slug)).get()) {
      return { ok: false as const, field: 'name', message: 'A category with this name already exists.' }
    }
    const row = tx
      .insert(categories)
      .values({ name: input.name, slug, description: input.description, position: nextPosition(tx, categories), createdAt: now })
      .returning()
      .get()
    logModeration(tx, {
      actorId: input.actorId,
      action: 'category.create',
      target: { type: 'category', id: row.id },
      after: { name: row.name, slug: row.slug, description: row.description },
      now,
    })
    return { ok: true as const }
  })
}

/** Renames or re-describes a category; its slug (and so every link to it) stays. */
export function updateCategory(
  db: Db,
  input: { actorId: number; categoryId: number; name: string; description: string; now?: Date },
): FieldResult {
  const now = input.now ?? new Date()
  return writeTransaction(db, (tx) => {
    const before = tx.select().from(categories).where(eq(categories.id, input.categoryId)).get()
    if (!before) throw new NotFoundError('category')
    tx.update(categories).set({ name: input.name, description: input.description }).where(eq(categories.id, before.id)).run()
    logModeration(tx, {
      actorId: input.actorId,
      action: 'category.update',
      target: { type: 'category', id: before.id },
      before: { name: before.name, description: before.description },
      after: { name: input.name, description: input.description },
      now,
    })
    return { ok: true as const }
  })
}

export function addSegment(db: Db, input: { actorId: number; name: string; weight: number; now?: Date }): FieldResult {
  const now = input.now ?? new Date()
  return writeTransaction(db, (tx) => {
    if (
      tx
        .select({ id: segments.id })
        .from(segments)
        .where(sql`lower(${segments.name}) = lower(${input.name})`)
        .get()
    ) {
      return { ok: false as const, field: 'name', message: 'A segment with this name already exists.' }
    }
    const row = tx
      .insert(segments)
      .values({ name: input.name, weight: input.weight, position: nextPosition(tx, segments), createdAt: now })
      .returning()
      .get()
    logModeration(tx, {
      actorId: input.actorId,
      action: 'segment.create',
      target: { type: 'segment', id: row.id },
      after: { name: row.name, weight: row.weight },
      now,
    })
    return { ok: true as const }
  })
}

export function updateSegment(
  db: Db,
  input: { actorId: number; segmentId: number; name: string; weight: number; now?: Date },
): FieldResult {
  const now = input.now ?? new Date()
  return writeTransaction(db, (tx) => {
    const before = tx.select().from(segments).where(eq(segments.id, input.segmentId)).get()
    if (!before) throw new NotFoundError('segment')
    const clash = tx
      .select({ id: segments.id })
      .from(segments)
      .where(sql`lower(${segments.name}) = lower(${input.name}) and ${segments.id} != ${before.id}`)
      .get()
    if (clash) return { ok: false as const, field: 'name', message: 'A segment with this name already exists.' }
    tx.update(segments).set({ name: input.name, weight: input.weight }).where(eq(segments.id, before.id)).run()
    logModeration(tx, {
      actorId: input.actorId,
      action: 'segment.update',
      target: { type: 'segment', id: before.id },
      before: { name: before.name, weight: before.weight },
      after: { name: input.name, weight: input.weight },
      now,
    })
    return { ok: true as const }
  })
}

/**
 * Moves a category or segment one place up or down. Positions are rewritten as 0..n-1 in the
 * current order first (rows added by hand may share a position), then the two neighbours swap.
 * At the top (or bottom) already: nothing changes and nothing is logged.
 */
export function moveListItem(
  db: Db,
  input: { actorId: number; kind: 'category' | 'segment'; id: number; direction: 'up' | 'down'; now?: Date },
) {
  const now = input.now ?? new Date()
  const table = input.kind === 'category' ? categories : segments
  return writeTransaction(db, (tx) => {
    const order = tx.select({ id: table.id, position: table.position }).from(table).orderBy(asc(table.position), asc(table.id)).all()
    const index = order.findIndex((row) => row.id === input.id)
    if (index < 0) throw new NotFoundError(input.kind)
    const swapWith = input.direction === 'up' ? index - 1 : index + 1
    if (swapWith < 0 || swapWith >= order.length) return { moved: false }
    const ids = order.map((row) => row.id)
    ;[ids[index], ids[swapWith]] = [ids[swapWith]!, ids[index]!]
    ids.forEach((id, position) => {
      if (order.find((row) => row.id === id)!.position !== position) tx.update(table).set({ position }).where(eq(table.id, id)).run()
    })
    logModeration(tx, {
      actorId: input.actorId,
      action: `${input.kind}.move`,
      target: { type: input.kind, id: input.id },
      before: { position: index },
      after: { position: swapWith },
      now,
    })
    return { moved: true }
  })
}

// ---------------------------------------------------------------------------------------------
// Single sign-on: the policy and the signed-JWT log-in
// ---------------------------------------------------------------------------------------------

/** What the moderation log and every page keep of the JWT settings: whether a secret is set, never the secret. */
function redactJwt(value: JwtSsoSettings) {
  return { enabled: value.enabled, audience: value.audience, jwksUrl: value.jwksUrl, secret: value.secret ? '(set)' : null }
}

/**
 * When the stored JWT secret was saved: the last logged change of it, else (a secret written some
 * other way) when the setting was last written.
 */
function jwtSecretSavedAt(db: Db) {
  const logged = db
    .select({ at: moderationLog.createdAt })
    .from(moderationLog)
    .where(
      and(
        eq(moderationLog.action, 'settings.update'),
        eq(moderationLog.reason, 'jwtSso'),
        sql`json_extract(${moderationLog.after}, '$.jwtSso.secretChanged') = 1`,
      ),
    )
    .orderBy(desc(moderationLog.id))
    .limit(1)
    .get()
  if (logged) return logged.at
  return db.select({ at: settings.updatedAt }).from(settings).where(eq(settings.key, 'jwtSso')).get()?.at ?? null
}

/** The single sign-on part of /admin/settings. No client secret and no JWT secret: only whether they are set. */
export function getSsoSettings(db: Db) {
  const members = new Map(countIdentitiesByProvider(db).map((row) => [row.providerId, row.n]))
  const jwt = getSetting(db, 'jwtSso')
  return {
    providers: listProviders(db).map((provider) => ({
      ...provider,
      callbackPath: oidcCallbackPath(provider.slug),
      memberCount: members.get(provider.id) ?? 0,
    })),
    policy: getSetting(db, 'ssoPolicy'),
    jwt: {
      enabled: jwt.enabled,
      audience: jwt.audience,
      jwksUrl: jwt.jwksUrl,
      keyType: (jwt.jwksUrl ? 'jwks' : 'secret') as JwtKeyType,
      hasSecret: jwt.secret !== null,
      secretSavedAt: jwt.secret !== null ? jwtSecretSavedAt(db) : null,
    },
  }
}

/**
 * Sets who must log in through an identity provider. Refused (with the field to show it on): any
 * requirement while no provider is enabled, and a break-glass name that is not an admin who has a
 * password, since that account could not get in when the provider is down.
 */
export function updateSsoPolicy(db: Db, input: { actorId: number; require: SsoRequire; breakGlass: string[]; now?: Date }): FieldResult {
  const now = input.now ?? new Date()
  return writeTransaction(db, (tx) => {
    if (input.require !== 'off' && countEnabledProviders(tx) === 0) {
      return {
        ok: false as const,
        field: 'require',
        message: 'Add and enable an identity provider first: with none, nobody could log in.',
      }
    }
    const found = input.breakGlass.length
      ? tx
          .select({ username: users.username, role: users.role, passwordHash: users.passwordHash })
          .from(users)
          .where(and(inArray(users.username, input.breakGlass), isNull(users.deletedAt)))
          .all()
      : []
    const problems = input.breakGlass.flatMap((name) => {
      const account = found.find((row) => row.username === name)
      if (!account) return [`There is no account named “${name}”.`]
      if (account.role !== 'admin') return [`“${name}” is not an admin.`]
      if (account.passwordHash === '') return [`“${name}” has no password, so it could not log in without single sign-on.`]
      return []
    })
    if (problems.length) return { ok: false as const, field: 'breakGlass', message: problems.join(' ') }
    const before = getSetting(tx, 'ssoPolicy')
    const result = setSetting(tx, 'ssoPolicy', { require: input.require, breakGlass: input.breakGlass }, now)
    if (!result.ok) throw new Error(`Invalid ssoPolicy: ${result.issues.join('; ')}`) // the schema in ~/schemas/sso checked it
    logModeration(tx, {
      actorId: input.actorId,
      action: 'settings.update',
      target: { type: 'setting', id: 0 },
      reason: 'ssoPolicy',
      before: { ssoPolicy: before },
      after: { ssoPolicy: result.value },
      now,
    })
    return { ok: true as const }
  })
}

/** A new HS256 shared secret: 256 random bits, 43 characters. */
export function newJwtSecret() {
  return crypto.randomBytes(32).toString('base64url')
}

function storeJwtSso(tx: Tx, input: { actorId: number; value: JwtSsoSettings; generated?: boolean; now: Date }) {
  const before = getSetting(tx, 'jwtSso')
  const result = setSetting(tx, 'jwtSso', input.value, input.now)
  if (!result.ok) throw new Error(`Invalid jwtSso: ${result.issues.map((issue) => issue.replace(/:.*/, '')).join('; ')}`) // never the value
  const secretChanged = result.value.secret !== before.secret
  logModeration(tx, {
    actorId: input.actorId,
    action: 'settings.update',
    target: { type: 'setting', id: 0 },
    reason: 'jwtSso',
    before: { jwtSso: redactJwt(before) },
    after: { jwtSso: { ...redactJwt(result.value), secretChanged, ...(input.generated ? { generated: true } : {}) } },
    now: input.now,
  })
}

export type JwtSsoInput = {
  actorId: number
  enabled: boolean
  audience: string
  keyType: JwtKeyType
  /** A new shared secret; null keeps the stored one (keyType 'secret'). */
  secret: string | null
  jwksUrl: string | null
  /** The new secret was made by newJwtSecret() (noted in the log). */
  generated?: boolean
  now?: Date
}

/**
 * Saves the signed-JWT log-in. The two kinds of keys exclude each other: a shared secret clears the
 * JWKS URL and a JWKS URL clears the secret, so a token can only ever be checked one way.
 * Turning it on needs a key.
 */
export function updateJwtSso(db: Db, input: JwtSsoInput): FieldResult {
  const now = input.now ?? new Date()
  return writeTransaction(db, (tx) => {
    const current = getSetting(tx, 'jwtSso')
    const secret = input.keyType === 'secret' ? (input.secret ?? current.secret) : null
    const jwksUrl = input.keyType === 'jwks' ? input.jwksUrl : null
    if (input.enabled && input.keyType === 'secret' && !secret) {
      return { ok: false as const, field: 'secret', message: 'Enter a shared secret of at least 32 characters, or generate one.' }
    }
    if (input.enabled && input.keyType === 'jwks' && !jwksUrl)
      return { ok: false as const, field: 'jwksUrl', message: 'Enter the JWKS URL.' }
    storeJwtSso(tx, {
      actorId: input.actorId,
      value: { enabled: input.enabled, audience: input.audience, secret, jwksUrl },
      generated: input.generated,
      now,
    })
    return { ok: true as const }
  })
}

/**
 * Replaces the shared secret with a new random one (and so switches to HS256, clearing any JWKS
 * URL); whether the log-in is on and its audience stay. Returns the secret, which is shown once.
 */
export function generateJwtSecret(db: Db, input: { actorId: number; now?: Date }) {
  const now = input.now ?? new Date()
  const secret = newJwtSecret()
  writeTransaction(db, (tx) => {
    const current = getSetting(tx, 'jwtSso')
    storeJwtSso(tx, { actorId: input.actorId, value: { ...current, secret, jwksUrl: null }, generated: true, now })
  })
  return secret
}

/**
 * The admin a command-line change is logged under: the named one, else the first admin. Null when
 * there is none (or the name is not an admin).
 */
export function findActingAdmin(db: Db, username?: string | null) {
  return (
    db
      .select({ id: users.id, username: users.username })
      .from(users)
      .where(
        and(eq(users.role, 'admin'), isNull(users.deletedAt), username ? eq(users.username, username.trim().toLowerCase()) : undefined),
      )
      .orderBy(asc(users.id))
      .limit(1)
      .get() ?? null
  )
}

/**
 * A segment row as it is given, with no moderation log entry: how the demo seed
 * (db/seed/demo-community.ts) and the test factories (tests/factories.ts) set segments up.
 */
export function insertSegment(db: Db, input: { name: string; weight: number; position: number; createdAt?: Date }) {
  return db
    .insert(segments)
    .values({ name: input.name, weight: input.weight, position: input.position, createdAt: input.createdAt })
    .returning({ id: segments.id, name: segments.name })
    .get()
}

/** A category row as it is given, with no moderation log entry: the segments' twin (insertSegment). */
export function insertCategory(db: Db, input: { name: string; slug: string; description: string; position: number; createdAt?: Date }) {
  return db
    .insert(categories)
    .values({ name: input.name, slug: input.slug, description: input.description, position: input.position, createdAt: input.createdAt })
    .returning({ id: categories.id, slug: categories.slug, name: categories.name })
    .get()
}
