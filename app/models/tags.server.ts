/** Tags shared by questions and ideas. */
import { inArray, sql } from 'drizzle-orm'
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

/** Tag names, normalized and without repeats, from what someone typed: "api, Billing  sso". */
export function parseTagNames(input: string) {
  return [...new Set(input.split(/[\s,]+/).map(normalizeTagName).filter(Boolean))]
}

/** The names among `names` that no tag has yet. */
export function findUnknownTags(db: Db, names: string[]) {
  if (names.length === 0) return []
  const known = new Set(db.select({ name: tags.name }).from(tags).where(inArray(tags.name, names)).all().map((t) => t.name))
  return names.filter((name) => !known.has(name))
}

/** Most tags shown on one page of the tag list. */
export const TAG_LIST_LIMIT = 100

/**
 * Tags with their question and idea counts, most used first, optionally only those whose name
 * starts with `prefix` (which uses the unique index on name). Bounded by `limit`.
 */
export function listTags(db: Db, { prefix = '', limit = TAG_LIST_LIMIT }: { prefix?: string; limit?: number } = {}) {
  const start = normalizeTagName(prefix)
  return db
    .select({ id: tags.id, name: tags.name, description: tags.description, questionCount: tags.questionCount, ideaCount: tags.ideaCount })
    .from(tags)
    // Every name starting with `start` sorts between it and `start` followed by the highest character.
    .where(start ? sql`${tags.name} >= ${start} and ${tags.name} < ${`${start}\u{10ffff}`}` : undefined)
    .orderBy(sql`${tags.questionCount} + ${tags.ideaCount} desc`, tags.name)
    .limit(Math.min(Math.max(1, limit), TAG_LIST_LIMIT))
    .all()
}
