/**
 * The OpenID Connect providers an admin connected (/admin/settings or `npm run sso`). The client
 * secret is write-only: only getProviderForLogin() reads it, for the token request; every list and
 * form gets `hasSecret` instead.
 */
import { asc, eq } from 'drizzle-orm'
import { moderationLog, oidcProviders, segments } from '#db/schema'
import { type Db } from '~/lib/db.server'
import { ConflictError, NotFoundError } from '~/lib/errors'
import { type Role } from '~/lib/permissions'

export type ProviderInput = {
  slug: string
  label: string
  issuer: string
  clientId: string
  /** Empty or undefined on an update: keep the stored secret. */
  clientSecret?: string
  role: Role
  segmentId: number | null
  linkVerifiedEmail: boolean
  enabled: boolean
}

const PUBLIC_COLUMNS = {
  id: oidcProviders.id,
  slug: oidcProviders.slug,
  label: oidcProviders.label,
  issuer: oidcProviders.issuer,
  clientId: oidcProviders.clientId,
  role: oidcProviders.role,
  segmentId: oidcProviders.segmentId,
  segment: segments.name,
  linkVerifiedEmail: oidcProviders.linkVerifiedEmail,
  enabled: oidcProviders.enabled,
  updatedAt: oidcProviders.updatedAt,
}

/** Every provider, for the admin: no secrets. */
export function listProviders(db: Db) {
  return db
    .select(PUBLIC_COLUMNS)
    .from(oidcProviders)
    .leftJoin(segments, eq(segments.id, oidcProviders.segmentId))
    .orderBy(asc(oidcProviders.id))
    .all()
    .map((p) => ({ ...p, hasSecret: true }))
}

/** The buttons of the log-in page: enabled providers, label and slug only. */
export function listLoginProviders(db: Db) {
  return db
    .select({ slug: oidcProviders.slug, label: oidcProviders.label })
    .from(oidcProviders)
    .where(eq(oidcProviders.enabled, true))
    .orderBy(asc(oidcProviders.id))
    .all()
}

/** An enabled provider with its secret, for the log-in flow only; null when unknown or disabled. */
export function getProviderForLogin(db: Db, slug: string) {
  return db.select().from(oidcProviders).where(eq(oidcProviders.slug, slug)).get() ?? null
}

/** A provider by id, without its secret (the admin's edit form). */
export function getProvider(db: Db, id: number) {
  const row = db
    .select(PUBLIC_COLUMNS)
    .from(oidcProviders)
    .leftJoin(segments, eq(segments.id, oidcProviders.segmentId))
    .where(eq(oidcProviders.id, id))
    .get()
  if (!row) throw new NotFoundError('identity provider')
  return { ...row, hasSecret: true }
}

/** Without the secret: what the moderation log keeps of a provider. */
function logged(input: Omit<ProviderInput, 'clientSecret'> & { clientSecret?: string }) {
  const { clientSecret: _secret, ...rest } = input
  return rest
}

export function addProvider(db: Db, input: ProviderInput & { actorId: number; now?: Date }) {
  const now = input.now ?? new Date()
  if (!input.clientSecret) throw new ConflictError('Enter the client secret.')
  return db.transaction(
    (tx) => {
      if (tx.select({ id: oidcProviders.id }).from(oidcProviders).where(eq(oidcProviders.slug, input.slug)).get()) {
        throw new ConflictError(`A provider with the short name "${input.slug}" exists.`)
      }
      const { actorId: _a, now: _n, ...values } = input
      const id = tx
        .insert(oidcProviders)
        .values({ ...values, clientSecret: input.clientSecret!, createdAt: now, updatedAt: now })
        .returning({ id: oidcProviders.id })
        .get().id
      tx.insert(moderationLog)
        .values({ actorId: input.actorId, action: 'add-identity-provider', targetType: 'oidc_provider', targetId: id, after: logged(values), createdAt: now })
        .run()
      return id
    },
    { behavior: 'immediate' },
  )
}

/** Updates a provider; an empty secret keeps the stored one. */
export function updateProvider(db: Db, id: number, input: ProviderInput & { actorId: number; now?: Date }) {
  const now = input.now ?? new Date()
  db.transaction(
    (tx) => {
      const before = tx.select().from(oidcProviders).where(eq(oidcProviders.id, id)).get()
      if (!before) throw new NotFoundError('identity provider')
      const clash = tx.select({ id: oidcProviders.id }).from(oidcProviders).where(eq(oidcProviders.slug, input.slug)).get()
      if (clash && clash.id !== id) throw new ConflictError(`A provider with the short name "${input.slug}" exists.`)
      const { actorId: _a, now: _n, clientSecret, ...values } = input
      tx.update(oidcProviders)
        .set({ ...values, ...(clientSecret ? { clientSecret } : {}), updatedAt: now })
        .where(eq(oidcProviders.id, id))
        .run()
      const { clientSecret: _old, createdAt: _c, updatedAt: _u, id: _id, ...was } = before
      tx.insert(moderationLog)
        .values({
          actorId: input.actorId,
          action: 'update-identity-provider',
          targetType: 'oidc_provider',
          targetId: id,
          before: was,
          after: { ...values, secretChanged: Boolean(clientSecret) },
          createdAt: now,
        })
        .run()
    },
    { behavior: 'immediate' },
  )
}

/** Removes a provider. Its members keep their accounts; their identities stay (found again if it comes back). */
export function removeProvider(db: Db, id: number, actorId: number, now = new Date()) {
  db.transaction(
    (tx) => {
      const before = tx.select().from(oidcProviders).where(eq(oidcProviders.id, id)).get()
      if (!before) throw new NotFoundError('identity provider')
      tx.delete(oidcProviders).where(eq(oidcProviders.id, id)).run()
      const { clientSecret: _old, ...was } = before
      tx.insert(moderationLog)
        .values({ actorId, action: 'remove-identity-provider', targetType: 'oidc_provider', targetId: id, before: was, createdAt: now })
        .run()
    },
    { behavior: 'immediate' },
  )
}
