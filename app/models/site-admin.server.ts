/**
 * What admins change on /admin/settings: the stored settings (site name, vote budget,
 * pre-moderation, e-mail), the categories and the segments. Every change is one transaction that
 * also writes its moderation_log entry with the state before and after.
 */
import { asc, eq, sql } from 'drizzle-orm'
import { categories, segments } from '#db/schema'
import { type Db, type Tx } from '~/lib/db.server'
import { NotFoundError } from '~/lib/errors'
import { logModeration } from './moderation.server'
import { getSetting, setSetting } from './settings.server'

export type FieldResult = { ok: true } | { ok: false; field: string; message: string }

type StoredSettings = {
  siteName: string | null
  voteBudget: { enabled: boolean; votesPerMember: number }
  premoderation: { enabled: boolean; firstPosts: number }
  email: { enabled: boolean }
}
export type AdminSettingKey = keyof StoredSettings

/** Stores one setting and logs it as 'settings.update' (target: the setting, before and after). */
export function updateSiteSetting<K extends AdminSettingKey>(db: Db, input: { actorId: number; key: K; value: StoredSettings[K]; now?: Date }) {
  const now = input.now ?? new Date()
  return db.transaction(
    (tx) => {
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
    },
    { behavior: 'immediate' },
  )
}

export function getSiteSettings(db: Db) {
  return {
    siteName: getSetting(db, 'siteName'),
    voteBudget: getSetting(db, 'voteBudget'),
    premoderation: getSetting(db, 'premoderation'),
    email: getSetting(db, 'email'),
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
  (tx.select({ max: sql<number | null>`max(${table.position})` }).from(table).get()?.max ?? -1) + 1

export function addCategory(db: Db, input: { actorId: number; name: string; description: string; now?: Date }): FieldResult {
  const now = input.now ?? new Date()
  const slug = slugify(input.name)
  if (!slug) return { ok: false, field: 'name', message: 'Use at least one letter or digit in the name.' }
  return db.transaction(
    (tx) => {
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
    },
    { behavior: 'immediate' },
  )
}

/** Renames or re-describes a category; its slug (and so every link to it) stays. */
export function updateCategory(db: Db, input: { actorId: number; categoryId: number; name: string; description: string; now?: Date }): FieldResult {
  const now = input.now ?? new Date()
  return db.transaction(
    (tx) => {
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
    },
    { behavior: 'immediate' },
  )
}

export function addSegment(db: Db, input: { actorId: number; name: string; weight: number; now?: Date }): FieldResult {
  const now = input.now ?? new Date()
  return db.transaction(
    (tx) => {
      if (tx.select({ id: segments.id }).from(segments).where(sql`lower(${segments.name}) = lower(${input.name})`).get()) {
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
    },
    { behavior: 'immediate' },
  )
}

export function updateSegment(db: Db, input: { actorId: number; segmentId: number; name: string; weight: number; now?: Date }): FieldResult {
  const now = input.now ?? new Date()
  return db.transaction(
    (tx) => {
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
    },
    { behavior: 'immediate' },
  )
}

/**
 * Moves a category or segment one place up or down. Positions are rewritten as 0..n-1 in the
 * current order first (rows added by hand may share a position), then the two neighbours swap.
 * At the top (or bottom) already: nothing changes and nothing is logged.
 */
export function moveListItem(db: Db, input: { actorId: number; kind: 'category' | 'segment'; id: number; direction: 'up' | 'down'; now?: Date }) {
  const now = input.now ?? new Date()
  const table = input.kind === 'category' ? categories : segments
  return db.transaction(
    (tx) => {
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
    },
    { behavior: 'immediate' },
  )
}
