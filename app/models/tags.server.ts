/** Tags shared by questions and ideas. */
import { and, asc, eq, gt, inArray, sql } from 'drizzle-orm'
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

/** The normalized, de-duplicated names a list of typed tags stands for, as ensureTags() keeps them. */
export function normalizeTagNames(names: string[]) {
  return [...new Set(names.map(normalizeTagName).filter(Boolean))].slice(0, MAX_TAGS_PER_POST)
}

/**
 * Sets a post's tags to exactly `tagIds`: links only the tags added, unlinks only the tags removed,
 * and moves each one's cached count by one, so the counts stay equal to the links.
 */
export function retagPost(tx: Tx, post: { type: 'question' | 'idea'; id: number }, tagIds: number[]) {
  const current =
    post.type === 'question'
      ? tx.select({ tagId: questionTags.tagId }).from(questionTags).where(eq(questionTags.questionId, post.id)).all()
      : tx.select({ tagId: ideaTags.tagId }).from(ideaTags).where(eq(ideaTags.ideaId, post.id)).all()
  const had = new Set(current.map((row) => row.tagId))
  const wanted = new Set(tagIds)
  const removed = [...had].filter((id) => !wanted.has(id))
  const added = [...wanted].filter((id) => !had.has(id))
  if (removed.length) {
    if (post.type === 'question') {
      tx.delete(questionTags).where(and(eq(questionTags.questionId, post.id), inArray(questionTags.tagId, removed))).run()
      tx.update(tags).set({ questionCount: sql`${tags.questionCount} - 1` }).where(inArray(tags.id, removed)).run()
    } else {
      tx.delete(ideaTags).where(and(eq(ideaTags.ideaId, post.id), inArray(ideaTags.tagId, removed))).run()
      tx.update(tags).set({ ideaCount: sql`${tags.ideaCount} - 1` }).where(inArray(tags.id, removed)).run()
    }
  }
  tagPost(tx, post, added)
  return { added: added.length, removed: removed.length }
}
