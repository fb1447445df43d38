/** Ideas: creation, status workflow and the lists that show them. */
import { and, count, desc, eq, inArray, isNull, ne, type SQL, sql } from 'drizzle-orm'
import { categories, comments, type IdeaStatus, ideas, ideaStatusChanges, ideaTags, tags, users } from '#db/schema'
import { type Db, type Tx } from '~/lib/db.server'
import { ConflictError, NotFoundError } from '~/lib/errors'
import { IDEA_STATUS_LABELS } from '~/lib/labels'
import { excerpt, renderMarkdown } from '~/lib/markdown.server'
import { type Cursor, DEFAULT_PAGE_SIZE, toPage } from '~/lib/pagination.server'
import { notifyIdeaStakeholders } from './notifications.server'
import { recordReputation } from './reputation.server'
import { ensureTags, tagPost } from './tags.server'
import { applyIdeaVote, laterOf } from './votes.server'

export type NewIdea = {
  authorId: number
  categoryId: number | null
  title: string
  bodyMd: string
  tagNames?: string[]
  now?: Date
}

/** Posts an idea; its author's automatic vote comes with it (and earns nothing). */
export function createIdea(db: Db, input: NewIdea) {
  const now = input.now ?? new Date()
  const bodyHtml = renderMarkdown(input.bodyMd)
  return db.transaction(
    (tx) => {
      const idea = tx
        .insert(ideas)
        .values({
          authorId: input.authorId,
          categoryId: input.categoryId,
          title: input.title.trim(),
          bodyMd: input.bodyMd,
          bodyHtml,
          createdAt: now,
          updatedAt: now,
          lastActivityAt: now,
          statusChangedAt: now,
        })
        .returning({ id: ideas.id })
        .get()
      tagPost(tx, { type: 'idea', id: idea.id }, ensureTags(tx, input.tagNames ?? [], input.authorId))
      applyIdeaVote(tx, { ideaId: idea.id, userId: input.authorId, voted: true, now })
      return idea
    },
    { behavior: 'immediate' },
  )
}

/** Statuses an idea can be moved to by the product team (merging has its own action). */
export const SETTABLE_STATUSES = ['open', 'under_review', 'planned', 'in_progress', 'shipped', 'declined'] as const
export type SettableStatus = (typeof SETTABLE_STATUSES)[number]

/**
 * Moves an idea to a new status with an official note: records the change, pays the author's
 * planned/shipped bonus the first time, and notifies every voter, the author and every follower.
 */
export function changeIdeaStatus(
  db: Db,
  input: { ideaId: number; actorId: number; toStatus: SettableStatus; noteMd?: string; now?: Date },
) {
  const now = input.now ?? new Date()
  const noteMd = input.noteMd?.trim() ?? ''
  const noteHtml = noteMd ? renderMarkdown(noteMd) : ''
  return db.transaction(
    (tx) => {
      const idea = tx
        .select({ id: ideas.id, title: ideas.title, status: ideas.status, authorId: ideas.authorId })
        .from(ideas)
        .where(and(eq(ideas.id, input.ideaId), isNull(ideas.deletedAt)))
        .get()
      if (!idea) throw new NotFoundError('idea')
      if (idea.status === 'merged') throw new ConflictError('This idea was merged into another one.')
      if (idea.status === input.toStatus) throw new ConflictError(`This idea is already ${IDEA_STATUS_LABELS[idea.status].toLowerCase()}.`)
      const change = tx
        .insert(ideaStatusChanges)
        .values({ ideaId: idea.id, fromStatus: idea.status, toStatus: input.toStatus, actorId: input.actorId, noteMd, noteHtml, createdAt: now })
        .returning({ id: ideaStatusChanges.id })
        .get()
      tx.update(ideas)
        .set({ status: input.toStatus, statusChangedAt: now, lastActivityAt: laterOf(ideas.lastActivityAt, now), updatedAt: now })
        .where(eq(ideas.id, idea.id))
        .run()
      const bonus = input.toStatus === 'planned' ? 'idea_planned' : input.toStatus === 'shipped' ? 'idea_shipped' : null
      if (bonus && !hasEverReached(tx, idea.id, input.toStatus, change.id)) {
        recordReputation(tx, { userId: idea.authorId, reason: bonus, source: { type: 'idea', id: idea.id }, actorId: input.actorId, now })
      }
      const notified = notifyIdeaStakeholders(tx, idea.id, {
        kind: 'idea_status',
        subjectType: 'idea',
        subjectId: idea.id,
        actorId: input.actorId,
        title: `“${idea.title}” is now ${IDEA_STATUS_LABELS[input.toStatus].toLowerCase()}`,
        body: noteMd ? excerpt(noteMd, 280) : '',
        url: `/ideas/${idea.id}`,
        now,
      })
      return { changeId: change.id, notified }
    },
    { behavior: 'immediate' },
  )
}


function hasEverReached(tx: Tx, ideaId: number, status: IdeaStatus, exceptChangeId: number) {
  return !!tx
    .select({ id: ideaStatusChanges.id })
    .from(ideaStatusChanges)
    .where(and(eq(ideaStatusChanges.ideaId, ideaId), eq(ideaStatusChanges.toStatus, status), ne(ideaStatusChanges.id, exceptChangeId)))
    .get()
}

const visibleIdea = and(isNull(ideas.deletedAt), isNull(ideas.hiddenAt))

/** The most-voted ideas still open to votes (merged ones excluded), for the home page. */
export function listTopIdeas(db: Db, { limit = 10 }: { limit?: number } = {}) {
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
      categorySlug: categories.slug,
      authorName: users.displayName,
    })
    .from(ideas)
    .innerJoin(users, eq(users.id, ideas.authorId))
    .leftJoin(categories, eq(categories.id, ideas.categoryId))
    .where(and(visibleIdea, ne(ideas.status, 'merged')))
    .orderBy(desc(ideas.voteCount), desc(ideas.id))
    .limit(limit)
    .all()
  return rows.map(({ bodyMd, ...row }) => ({ ...row, excerpt: excerpt(bodyMd, 160) }))
}

export function countVisibleIdeas(db: Db) {
  return db.select({ n: count() }).from(ideas).where(and(visibleIdea, ne(ideas.status, 'merged'))).get()?.n ?? 0
}

export function listCategories(db: Db) {
  return db
    .select({ id: categories.id, slug: categories.slug, name: categories.name, description: categories.description })
    .from(categories)
    .orderBy(categories.position, categories.id)
    .all()
}


export const IDEA_SORTS = ['top', 'new', 'active'] as const
export type IdeaSort = (typeof IDEA_SORTS)[number]

const SORT_COLUMNS = {
  top: ideas.voteCount,
  new: ideas.createdAt,
  active: ideas.lastActivityAt,
} as const

const ideaRowColumns = {
  id: ideas.id,
  title: ideas.title,
  bodyMd: ideas.bodyMd,
  status: ideas.status,
  voteCount: ideas.voteCount,
  commentCount: ideas.commentCount,
  createdAt: ideas.createdAt,
  lastActivityAt: ideas.lastActivityAt,
  category: categories.name,
  authorName: users.displayName,
}

/**
 * One page of ideas in the given order, optionally in one category and/or status. Merged ideas
 * are left out (they redirect to their target). Keyset pagination on (sort value, id).
 */
export function listIdeas(
  db: Db,
  input: { sort: IdeaSort; categoryId?: number | null; status?: IdeaStatus | null; cursor?: Cursor | null; pageSize?: number },
) {
  const pageSize = input.pageSize ?? DEFAULT_PAGE_SIZE
  const column = SORT_COLUMNS[input.sort]
  const conditions: (SQL | undefined)[] = [visibleIdea, ne(ideas.status, 'merged')]
  if (input.categoryId) conditions.push(eq(ideas.categoryId, input.categoryId))
  if (input.status) conditions.push(eq(ideas.status, input.status))
  if (input.cursor) conditions.push(sql`(${column}, ${ideas.id}) < (${input.cursor.sort}, ${input.cursor.id})`)
  const rows = db
    .select(ideaRowColumns)
    .from(ideas)
    .innerJoin(users, eq(users.id, ideas.authorId))
    .leftJoin(categories, eq(categories.id, ideas.categoryId))
    .where(and(...conditions))
    .orderBy(desc(column), desc(ideas.id))
    .limit(pageSize + 1)
    .all()
  const page = toPage(rows, pageSize, (row) =>
    input.sort === 'top' ? row.voteCount : input.sort === 'new' ? row.createdAt.getTime() : row.lastActivityAt.getTime(),
  )
  return {
    items: page.items.map(({ bodyMd, lastActivityAt: _, ...row }) => ({ ...row, excerpt: excerpt(bodyMd, 180) })),
    nextCursor: page.nextCursor,
  }
}

export function findCategoryBySlug(db: Db, slug: string) {
  return db.select({ id: categories.id, name: categories.name, slug: categories.slug }).from(categories).where(eq(categories.slug, slug)).get() ?? null
}

/** Most comments shown on one idea page (oldest first). */
export const IDEA_COMMENTS_LIMIT = 200

/**
 * Everything the idea page shows: the idea, its timeline of status changes with official notes,
 * its tags and its comments. A merged idea answers with the id to redirect to.
 */
export function getIdeaPage(db: Db, { ideaId }: { ideaId: number }) {
  const idea = db
    .select({
      id: ideas.id,
      title: ideas.title,
      bodyHtml: ideas.bodyHtml,
      status: ideas.status,
      voteCount: ideas.voteCount,
      commentCount: ideas.commentCount,
      mergedIntoId: ideas.mergedIntoId,
      fromQuestionId: ideas.fromQuestionId,
      createdAt: ideas.createdAt,
      lockedAt: ideas.lockedAt,
      category: categories.name,
      categorySlug: categories.slug,
      authorId: ideas.authorId,
      authorName: users.displayName,
      authorUsername: users.username,
      authorRole: users.role,
    })
    .from(ideas)
    .innerJoin(users, eq(users.id, ideas.authorId))
    .leftJoin(categories, eq(categories.id, ideas.categoryId))
    .where(and(eq(ideas.id, ideaId), visibleIdea))
    .get()
  if (!idea) throw new NotFoundError('idea')
  if (idea.status === 'merged' && idea.mergedIntoId) return { redirectTo: idea.mergedIntoId } as const
  const timeline = db
    .select({
      id: ideaStatusChanges.id,
      fromStatus: ideaStatusChanges.fromStatus,
      toStatus: ideaStatusChanges.toStatus,
      noteHtml: ideaStatusChanges.noteHtml,
      createdAt: ideaStatusChanges.createdAt,
      actorName: users.displayName,
    })
    .from(ideaStatusChanges)
    .innerJoin(users, eq(users.id, ideaStatusChanges.actorId))
    .where(eq(ideaStatusChanges.ideaId, ideaId))
    .orderBy(ideaStatusChanges.createdAt, ideaStatusChanges.id)
    .all()
  const ideaTagRows = db
    .select({ name: tags.name })
    .from(ideaTags)
    .innerJoin(tags, eq(tags.id, ideaTags.tagId))
    .where(eq(ideaTags.ideaId, ideaId))
    .orderBy(tags.name)
    .all()
  const commentRows = db
    .select({
      id: comments.id,
      bodyHtml: comments.bodyHtml,
      isOfficial: comments.isOfficial,
      createdAt: comments.createdAt,
      authorName: users.displayName,
      authorRole: users.role,
    })
    .from(comments)
    .innerJoin(users, eq(users.id, comments.authorId))
    .where(and(eq(comments.targetType, 'idea'), eq(comments.targetId, ideaId), isNull(comments.deletedAt), isNull(comments.hiddenAt)))
    .orderBy(comments.createdAt, comments.id)
    .limit(IDEA_COMMENTS_LIMIT)
    .all()
  return { idea, timeline, tags: ideaTagRows.map((t) => t.name), comments: commentRows } as const
}

export const ROADMAP_COLUMNS = ['under_review', 'planned', 'in_progress', 'shipped'] as const
/** Shipped ideas stay on the roadmap this long; the changelog keeps them for good. */
export const ROADMAP_SHIPPED_DAYS = 90
const ROADMAP_CARDS_PER_COLUMN = 50

/**
 * The public roadmap: ideas under review, planned, in progress and recently shipped, by votes,
 * with each card's latest official note. Three queries, whatever the number of cards.
 */
export function getRoadmap(db: Db, { categoryId, now = new Date() }: { categoryId?: number | null; now?: Date } = {}) {
  const shippedSince = new Date(now.getTime() - ROADMAP_SHIPPED_DAYS * 86_400_000)
  const columns = ROADMAP_COLUMNS.map((status) => {
    const conditions: (SQL | undefined)[] = [visibleIdea, eq(ideas.status, status)]
    if (categoryId) conditions.push(eq(ideas.categoryId, categoryId))
    if (status === 'shipped') conditions.push(sql`${ideas.statusChangedAt} >= ${shippedSince.getTime()}`)
    const cards = db
      .select({ id: ideas.id, title: ideas.title, voteCount: ideas.voteCount, category: categories.name, statusChangedAt: ideas.statusChangedAt })
      .from(ideas)
      .leftJoin(categories, eq(categories.id, ideas.categoryId))
      .where(and(...conditions))
      .orderBy(desc(ideas.voteCount), desc(ideas.id))
      .limit(ROADMAP_CARDS_PER_COLUMN)
      .all()
    return { status, cards }
  })
  const ids = columns.flatMap((c) => c.cards.map((card) => card.id))
  const notes = ids.length
    ? db
        .select({ ideaId: ideaStatusChanges.ideaId, noteMd: ideaStatusChanges.noteMd })
        .from(ideaStatusChanges)
        .where(
          and(
            inArray(ideaStatusChanges.ideaId, ids),
            sql`${ideaStatusChanges.id} = (select max(s.id) from idea_status_changes s where s.idea_id = ${ideaStatusChanges.ideaId} and s.note_md != '')`,
          ),
        )
        .all()
    : []
  const noteByIdea = new Map(notes.map((n) => [n.ideaId, excerpt(n.noteMd, 140)]))
  return columns.map((column) => ({
    ...column,
    cards: column.cards.map((card) => ({ ...card, latestNote: noteByIdea.get(card.id) ?? null })),
  }))
}
