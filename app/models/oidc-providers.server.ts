/**
 * The OpenID Connect providers an admin connected (/admin/settings or `npm run sso`). The client
 * secret is write-only: only getProviderForLogin() reads it, for the token request; every list and
 * form gets `hasSecret` instead.
 *
 * While the single sign-on policy requires a provider, the last enabled one can be neither disabled
 * nor removed (see assertPolicyStillServed).
 */
import { and, asc, eq, ne, sql } from 'drizzle-orm'
import { moderationLog, oidcProviders, segments } from '#db/schema'
import { type Role } from '~/domain'
import { type Db, type Tx, writeTransaction } from '~/lib/db.server'
import { ConflictError, NotFoundError } from '~/lib/errors'
import { getSsoPolicy } from './settings.server'

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

/**
 * A refusal that belongs to one field of the provider form (a short name in use, a segment that is
 * gone) or, with `field: null`, to the form as a whole (the last provider a policy needs). Still a
 * ConflictError (409) for callers that do not show forms.
 */
export class ProviderRefusedError extends ConflictError {
  constructor(
    readonly field: 'slug' | 'segmentId' | null,
    message: string,
  ) {
    super(message)
  }
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

/** A provider by its short name, without its secret (the command line); null when unknown. */
export function findProviderBySlug(db: Db, slug: string) {
  const row = db
    .select(PUBLIC_COLUMNS)
    .from(oidcProviders)
    .leftJoin(segments, eq(segments.id, oidcProviders.segmentId))
    .where(eq(oidcProviders.slug, slug))
    .get()
  return row ? { ...row, hasSecret: true } : null
}

function assertSlugFree(tx: Tx, slug: string, exceptId: number | null) {
  const clash = tx
    .select({ id: oidcProviders.id })
    .from(oidcProviders)
    .where(and(eq(oidcProviders.slug, slug), exceptId == null ? undefined : ne(oidcProviders.id, exceptId)))
    .get()
  if (clash) throw new ProviderRefusedError('slug', `A provider with the short name "${slug}" exists.`)
}

/** A provider row naming a segment that is gone would fail its foreign key: say so instead. */
function assertSegmentExists(tx: Tx, segmentId: number | null) {
  if (segmentId == null) return
  if (!tx.select({ id: segments.id }).from(segments).where(eq(segments.id, segmentId)).get()) {
    throw new ProviderRefusedError('segmentId', 'This segment does not exist any more. Choose another.')
  }
}

/**
 * While the policy requires single sign-on, the last enabled provider cannot go: the log-in page
 * would refuse passwords and offer no button, and only break-glass accounts could log in.
 * Call after the change, inside its transaction.
 */
function assertPolicyStillServed(tx: Tx) {
  const { require } = getSsoPolicy(tx)
  if (require === 'off') return
  if (countEnabledProviders(tx) === 0) {
    const who = require === 'everyone' ? 'everyone' : 'staff'
    throw new ProviderRefusedError(
      null,
      `Single sign-on is required for ${who}, and this is the last enabled provider: without it nobody could log in. Turn the requirement off first.`,
    )
  }
}

/** Without the secret: what the moderation log keeps of a provider. */
function logged(input: Omit<ProviderInput, 'clientSecret'> & { clientSecret?: string }) {
  const { clientSecret: _secret, ...rest } = input
  return rest
}

export function addProvider(db: Db, input: ProviderInput & { actorId: number; now?: Date }) {
  const now = input.now ?? new Date()
  if (!input.clientSecret) throw new ConflictError('Enter the client secret.')
  return writeTransaction(db, (tx) => {
    assertSlugFree(tx, input.slug, null)
    assertSegmentExists(tx, input.segmentId)
    const { actorId: _a, now: _n, ...values } = input
    const id = tx
      .insert(oidcProviders)
      .values({ ...values, clientSecret: input.clientSecret!, createdAt: now, updatedAt: now })
      .returning({ id: oidcProviders.id })
      .get().id
    tx.insert(moderationLog)
      .values({
        actorId: input.actorId,
        action: 'identity_provider.create',
        targetType: 'oidc_provider',
        targetId: id,
        after: logged(values),
        createdAt: now,
      })
      .run()
    return id
  })
}

/** Updates a provider; an empty secret keeps the stored one. */
export function updateProvider(db: Db, id: number, input: ProviderInput & { actorId: number; now?: Date }) {
  const now = input.now ?? new Date()
  writeTransaction(db, (tx) => {
    const before = tx.select().from(oidcProviders).where(eq(oidcProviders.id, id)).get()
    if (!before) throw new NotFoundError('identity provider')
    assertSlugFree(tx, input.slug, id)
    assertSegmentExists(tx, input.segmentId)
    const { actorId: _a, now: _n, clientSecret, ...values } = input
    tx.update(oidcProviders)
      .set({ ...values, ...(clientSecret ? { clientSecret } : {}), updatedAt: now })
      .where(eq(oidcProviders.id, id))
      .run()
    assertPolicyStillServed(tx)
    const { clientSecret: _old, createdAt: _c, updatedAt: _u, id: _id, ...was } = before
    tx.insert(moderationLog)
      .values({
        actorId: input.actorId,
        action: 'identity_provider.update',
        targetType: 'oidc_provider',
        targetId: id,
        before: was,
        after: { ...values, secretChanged: Boolean(clientSecret) },
        createdAt: now,
      })
      .run()
  })
}

/** Removes a provider. Its members keep their accounts; their identities stay (found again if it comes back). */
export function removeProvider(db: Db, id: number, actorId: number, now = new Date()) {
  writeTransaction(db, (tx) => {
    const before = tx.select().from(oidcProviders).where(eq(oidcProviders.id, id)).get()
    if (!before) throw new NotFoundError('identity provider')
    tx.delete(oidcProviders).where(eq(oidcProviders.id, id)).run()
    assertPolicyStillServed(tx)
    const { clientSecret: _old, ...was } = before
    tx.insert(moderationLog)
      .values({ actorId, action: 'identity_provider.delete', targetType: 'oidc_provider', targetId: id, before: was, createdAt: now })
      .run()
  })
}

/** Turns a provider's log-in button on or off; everything else stays. Nothing is logged when it is already so. */
export function setProviderEnabled(db: Db, id: number, enabled: boolean, actorId: number, now = new Date()) {
  writeTransaction(db, (tx) => {
    const before = tx
      .select({ enabled: oidcProviders.enabled, slug: oidcProviders.slug })
      .from(oidcProviders)
      .where(eq(oidcProviders.id, id))
      .get()
    if (!before) throw new NotFoundError('identity provider')
    if (before.enabled === enabled) return
    tx.update(oidcProviders).set({ enabled, updatedAt: now }).where(eq(oidcProviders.id, id)).run()
    assertPolicyStillServed(tx)
    tx.insert(moderationLog)
      .values({
        actorId,
        action: 'identity_provider.update',
        targetType: 'oidc_provider',
        targetId: id,
        before: { slug: before.slug, enabled: before.enabled },
        after: { slug: before.slug, enabled },
        createdAt: now,
      })
      .run()
  })
}

/** How many enabled providers there are: a policy that requires single sign-on needs one. */
export function countEnabledProviders(db: Db | Tx) {
  return db
    .select({ n: sql<number>`count(*)` })
    .from(oidcProviders)
    .where(eq(oidcProviders.enabled, true))
    .get()!.n
}
