/** Tags shared by questions and ideas. */
import { asc, eq, gt, inArray, sql } from 'drizzle-orm'
import { ideaTags, questionTags, tags } from '#db/schema'
import { type Db, type Tx } from '~/lib/db.server'

export const MAX_TAGS_PER_POST = 5

export function normalizeTagName(name: string) {
  return name
    .trim()
    .toLowerCase()
    .replace(/\s+/g, '-')
    .replace(/[^a-z0-9.+#-]/g, '')
    .slice(0, 35)
}

/** A tag by its name as typed in a URL or a form (normalized first), or null. */
export function findTagByName(db: Db, name: string) {
  const normalized = normalizeTagName(name)
  if (!normalized) return null
  return db.select({ id: tags.id, name: tags.name }).from(tags).where(eq(tags.name, normalized)).get() ?? null
}

/** Tags used by at least one idea, by name: the idea list's tag filter. */
export function listIdeaTags(db: Db, { limit = 200 }: { limit?: number } = {}) {
  return db
    .select({ id: tags.id, name: tags.name })
    .from(tags)
    .where(gt(tags.ideaCount, 0))
    .orderBy(asc(tags.name))
    .limit(limit)
    .all()
}

/** Ensures the tags exist (creating missing ones) and returns their ids, in the order given. */
export function ensureTags(tx: Tx, names: string[], createdById: number | null) {
  const unique = [...new Set(names.map(normalizeTagName).filter(Boolean))].slice(0, MAX_TAGS_PER_POST)
  if (unique.length === 0) return []
  tx.insert(tags)
    .values(unique.map((name) => ({ name, createdById })))
    .onConflictDoNothing()
    .run()
  const rows = tx.select({ id: tags.id, name: tags.name }).from(tags).where(inArray(tags.name, unique)).all()
  const byName = new Map(rows.map((r) => [r.name, r.id]))
  return unique.map((name) => byName.get(name)!)
}

/** Attaches tags to a new post and moves the tags' cached counts. */
export function tagPost(tx: Tx, post: { type: 'question' | 'idea'; id: number }, tagIds: number[]) {
  if (tagIds.length === 0) return
  if (post.type === 'question') {
    tx.insert(questionTags).values(tagIds.map((tagId) => ({ questionId: post.id, tagId }))).onConflictDoNothing().run()
    tx.update(tags).set({ questionCount: sql`${tags.questionCount} + 1` }).where(inArray(tags.id, tagIds)).run()
  } else {
    tx.insert(ideaTags).values(tagIds.map((tagId) => ({ ideaId: post.id, tagId }))).onConflictDoNothing().run()
    tx.update(tags).set({ ideaCount: sql`${tags.ideaCount} + 1` }).where(inArray(tags.id, tagIds)).run()
  }
}
