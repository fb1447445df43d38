/** Tags shared by questions and ideas. */
import { and, asc, desc, eq, gt, inArray, isNull, lt, ne, sql } from 'drizzle-orm'
import { categories, ideas, ideaTags, questions, questionTags, tags, users } from '#db/schema'
import { memoUntilWrite } from '~/lib/read-cache.server'
import { type Db, type Tx } from '~/lib/db.server'
import { excerpt } from '~/lib/markdown.server'
import { type Cursor, DEFAULT_PAGE_SIZE, toPage } from '~/lib/pagination.server'

export const MAX_TAGS_PER_POST = 5

export function normalizeTagName(name: string) {
  return name
    .trim()
    .toLowerCase()
    .replace(/\s+/g, '-')
    .replace(/[^a-z0-9.+#-]/g, '')
    .slice(0, 35)
}

/** Tags used by at least one idea, by name: the idea list's tag filter. */
export function listIdeaTags(db: Db, { limit = 200 }: { limit?: number } = {}) {
  // Kept until the next write: the idea list's tag filter asks on every request.
  return memoUntilWrite(db, `idea tags ${limit}`, () =>
    db.select({ id: tags.id, name: tags.name }).from(tags).where(gt(tags.ideaCount, 0)).orderBy(asc(tags.name)).limit(limit).all(),
  )
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
    tx.insert(questionTags)
      .values(tagIds.map((tagId) => ({ questionId: post.id, tagId })))
      .onConflictDoNothing()
      .run()
    tx.update(tags)
      .set({ questionCount: sql`${tags.questionCount} + 1` })
      .where(inArray(tags.id, tagIds))
      .run()
  } else {
    tx.insert(ideaTags)
      .values(tagIds.map((tagId) => ({ ideaId: post.id, tagId })))
      .onConflictDoNothing()
      .run()
    tx.update(tags)
      .set({ ideaCount: sql`${tags.ideaCount} + 1` })
      .where(inArray(tags.id, tagIds))
      .run()
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
      tx.delete(questionTags)
        .where(and(eq(questionTags.questionId, post.id), inArray(questionTags.tagId, removed)))
        .run()
      tx.update(tags)
        .set({ questionCount: sql`${tags.questionCount} - 1` })
        .where(inArray(tags.id, removed))
        .run()
    } else {
      tx.delete(ideaTags)
        .where(and(eq(ideaTags.ideaId, post.id), inArray(ideaTags.tagId, removed)))
        .run()
      tx.update(tags)
        .set({ ideaCount: sql`${tags.ideaCount} - 1` })
        .where(inArray(tags.id, removed))
        .run()
    }
  }
  tagPost(tx, post, added)
  return { added: added.length, removed: removed.length }
}

/** Tag names, normalized and without repeats, from what someone typed: "api, Billing  sso". */
export function parseTagNames(input: string) {
  return [
    ...new Set(
      input
        .split(/[\s,]+/)
        .map(normalizeTagName)
        .filter(Boolean),
    ),
  ]
}

/** The names among `names` that no tag has yet. */
export function findUnknownTags(db: Db | Tx, names: string[]) {
  if (names.length === 0) return []
  const known = new Set(
    db
      .select({ name: tags.name })
      .from(tags)
      .where(inArray(tags.name, names))
      .all()
      .map((t) => t.name),
  )
  return names.filter((name) => !known.has(name))
}

/**
 * When the member may not create tags (`tagRefusal`: the reason check('create:tag') gave), a tag
 * that does not exist yet is refused with that reason; null means they may create tags.
 */
export function refuseNewTags(db: Db | Tx, tagNames: string[], tagRefusal: string | null | undefined) {
  if (!tagRefusal) return null
  const unknown = findUnknownTags(db, normalizeTagNames(tagNames))
  if (!unknown.length) return null
  return `No tag named ${unknown.map((n) => `“${n}”`).join(', ')} exists yet. ${tagRefusal} Use existing tags, or leave the new ones out.`
}

/** Most tags shown on one page of the tag list. */
export const TAG_LIST_LIMIT = 100

/**
 * Tags with their question and idea counts, most used first, optionally only those whose name
 * starts with `prefix` (which uses the unique index on name). Bounded by `limit`.
 */
export function listTags(db: Db, { prefix = '', limit = TAG_LIST_LIMIT }: { prefix?: string; limit?: number } = {}) {
  const start = normalizeTagName(prefix)
  return (
    db
      .select({ id: tags.id, name: tags.name, description: tags.description, questionCount: tags.questionCount, ideaCount: tags.ideaCount })
      .from(tags)
      // Every name starting with `start` sorts between it and `start` followed by the highest character.
      .where(start ? sql`${tags.name} >= ${start} and ${tags.name} < ${`${start}\u{10ffff}`}` : undefined)
      .orderBy(sql`${tags.questionCount} + ${tags.ideaCount} desc`, tags.name)
      .limit(Math.min(Math.max(1, limit), TAG_LIST_LIMIT))
      .all()
  )
}

/** A tag by its (normalized) name, or null. */
export function findTagByName(db: Db, name: string) {
  const normalized = normalizeTagName(name)
  if (!normalized) return null
  return (
    db
      .select({ id: tags.id, name: tags.name, description: tags.description, questionCount: tags.questionCount, ideaCount: tags.ideaCount })
      .from(tags)
      .where(eq(tags.name, normalized))
      .get() ?? null
  )
}

/**
 * One page of the visible questions with a tag, newest first. Keyset pagination on the question id
 * (ids grow with creation), which walks the index question_tags(tag_id, question_id).
 */
export function listTaggedQuestions(
  db: Db,
  { tagId, cursor, pageSize = DEFAULT_PAGE_SIZE }: { tagId: number; cursor?: Cursor | null; pageSize?: number },
) {
  const rows = db
    .select({
      id: questions.id,
      title: questions.title,
      bodyMd: questions.bodyMd,
      score: questions.score,
      answerCount: questions.answerCount,
      viewCount: questions.viewCount,
      acceptedAnswerId: questions.acceptedAnswerId,
      status: questions.status,
      createdAt: questions.createdAt,
      authorName: users.displayName,
      authorUsername: users.username,
    })
    .from(questionTags)
    .innerJoin(questions, eq(questions.id, questionTags.questionId))
    .innerJoin(users, eq(users.id, questions.authorId))
    .where(
      and(
        eq(questionTags.tagId, tagId),
        isNull(questions.deletedAt),
        isNull(questions.hiddenAt),
        cursor ? lt(questionTags.questionId, cursor.id) : undefined,
      ),
    )
    .orderBy(desc(questionTags.questionId))
    .limit(pageSize + 1)
    .all()
  const page = toPage(rows, pageSize, (row) => row.id)
  return {
    items: page.items.map(({ bodyMd, acceptedAnswerId, ...row }) => ({
      ...row,
      hasAcceptedAnswer: acceptedAnswerId != null,
      excerpt: excerpt(bodyMd, 180),
    })),
    nextCursor: page.nextCursor,
  }
}

/** One page of the visible (not merged) ideas with a tag, newest first; keyset on the idea id. */
export function listTaggedIdeas(
  db: Db,
  { tagId, cursor, pageSize = DEFAULT_PAGE_SIZE }: { tagId: number; cursor?: Cursor | null; pageSize?: number },
) {
  const rows = db
    .select({
      id: ideas.id,
      title: ideas.title,
      bodyMd: ideas.bodyMd,
      status: ideas.status,
      voteCount: ideas.voteCount,
      commentCount: ideas.commentCount,
      createdAt: ideas.createdAt,
      category: categories.name,
      authorName: users.displayName,
      authorUsername: users.username,
    })
    .from(ideaTags)
    .innerJoin(ideas, eq(ideas.id, ideaTags.ideaId))
    .innerJoin(users, eq(users.id, ideas.authorId))
    .leftJoin(categories, eq(categories.id, ideas.categoryId))
    .where(
      and(
        eq(ideaTags.tagId, tagId),
        isNull(ideas.deletedAt),
        isNull(ideas.hiddenAt),
        ne(ideas.status, 'merged'),
        cursor ? lt(ideaTags.ideaId, cursor.id) : undefined,
      ),
    )
    .orderBy(desc(ideaTags.ideaId))
    .limit(pageSize + 1)
    .all()
  const page = toPage(rows, pageSize, (row) => row.id)
  return { items: page.items.map(({ bodyMd, ...row }) => ({ ...row, excerpt: excerpt(bodyMd, 180) })), nextCursor: page.nextCursor }
}
