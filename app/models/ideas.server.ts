/** Ideas: creation, status workflow and the lists that show them. */
import { and, count, desc, eq, gte, inArray, isNull, ne, type SQL, sql } from 'drizzle-orm'
import { categories, comments, type IdeaStatus, ideas, ideaStatusChanges, ideaTags, ideaVotes, tags, users } from '#db/schema'
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


export const IDEA_SORTS = ['top', 'trending', 'new', 'active'] as const
export type IdeaSort = (typeof IDEA_SORTS)[number]
/** "Ideas I voted on" and "my ideas": filters for a logged-in viewer. */
export const IDEA_OWNER_FILTERS = ['voted', 'posted'] as const
type IdeaOwnerFilter = (typeof IDEA_OWNER_FILTERS)[number]

const SORT_COLUMNS = {
  top: ideas.voteCount,
  new: ideas.createdAt,
  active: ideas.lastActivityAt,
} as const

/*
 * Trending: the votes an idea received in the last TRENDING_WINDOW_DAYS, each weighted by its age,
 * halving every TRENDING_HALF_LIFE_DAYS (a vote now counts 1, three days ago 0.5, six days ago 0.25,
 * older than seven days 0). It is computed from idea_votes at query time through
 * idea_votes_time_idx (created_at, idea_id), so it can never go stale; the cost is one range scan
 * of the window's votes per page.
 *
 * Ages are measured from the start of the current hour, not from the exact request time: within an
 * hour the scores of a visit's pages agree, so the keyset cursor (score, id) pages without skipping
 * or repeating. Exponential decay keeps the order fixed as time passes; only new votes and votes
 * leaving the window move an idea. Scores are in thousandths of a vote, so cursors stay integers.
 * Only ideas with a vote in the window are listed.
 */
const TRENDING_WINDOW_DAYS = 7
const TRENDING_HALF_LIFE_DAYS = 3
const HOUR_MS = 3_600_000
const DAY_MS = 86_400_000

function trendingScores(db: Db, now: Date) {
  const anchor = Math.floor(now.getTime() / HOUR_MS) * HOUR_MS
  const halfLifeMs = sql.raw(`${TRENDING_HALF_LIFE_DAYS * DAY_MS}.0`)
  return db
    .select({
      ideaId: sql<number>`${ideaVotes.ideaId}`.as('idea_id'), // an expression: drizzle does not see a table in `from(sql)`
      score: sql<number>`cast(round(sum(pow(0.5, (${anchor} - ${ideaVotes.createdAt}) / ${halfLifeMs})) * 1000) as integer)`.as(
        'score',
      ),
    })
    // Without table statistics SQLite prefers walking idea_votes_idea_time_idx whole (it saves the
    // GROUP BY sort); over years of votes the range scan of one week is far cheaper, so it is named.
    .from(sql`${ideaVotes} indexed by idea_votes_time_idx`)
    .where(gte(ideaVotes.createdAt, new Date(anchor - TRENDING_WINDOW_DAYS * DAY_MS)))
    .groupBy(ideaVotes.ideaId)
    .as('trend')
}

const ideaRowColumns = {
  id: ideas.id,
  title: ideas.title,
  bodyMd: ideas.bodyMd,
  status: ideas.status,
  voteCount: ideas.voteCount,
  commentCount: ideas.commentCount,
  createdAt: ideas.createdAt,
  lastActivityAt: ideas.lastActivityAt,
  lockedAt: ideas.lockedAt,
  authorId: ideas.authorId,
  category: categories.name,
  authorName: users.displayName,
}

export type IdeaListInput = {
  sort: IdeaSort
  categoryId?: number | null
  status?: IdeaStatus | null
  tagId?: number | null
  /** Applied only with a viewerId. */
  mine?: IdeaOwnerFilter | null
  /** The logged-in viewer: each row then says whether they voted for it. */
  viewerId?: number | null
  cursor?: Cursor | null
  pageSize?: number
  now?: Date
}

/**
 * One page of ideas in the given order, optionally filtered by category, status, tag, and for a
 * logged-in viewer by "ideas I voted on" or "my ideas". Merged ideas are left out (they redirect to
 * their target). Keyset pagination on (sort value, id). Two queries whatever the page size: the
 * page, then the viewer's votes among its ids.
 */
export function listIdeas(db: Db, input: IdeaListInput) {
  const pageSize = input.pageSize ?? DEFAULT_PAGE_SIZE
  const viewerId = input.viewerId ?? null
  const conditions: (SQL | undefined)[] = [visibleIdea, ne(ideas.status, 'merged')]
  if (input.categoryId) conditions.push(eq(ideas.categoryId, input.categoryId))
  if (input.status) conditions.push(eq(ideas.status, input.status))
  if (input.tagId) {
    conditions.push(inArray(ideas.id, db.select({ id: ideaTags.ideaId }).from(ideaTags).where(eq(ideaTags.tagId, input.tagId))))
  }
  if (viewerId && input.mine === 'posted') conditions.push(eq(ideas.authorId, viewerId))
  if (viewerId && input.mine === 'voted') {
    conditions.push(inArray(ideas.id, db.select({ id: ideaVotes.ideaId }).from(ideaVotes).where(eq(ideaVotes.userId, viewerId))))
  }
  const { cursor } = input

  let rows
  if (input.sort === 'trending') {
    const trend = trendingScores(db, input.now ?? new Date())
    if (cursor) conditions.push(sql`(${trend.score}, ${ideas.id}) < (${cursor.sort}, ${cursor.id})`)
    rows = db
      .select({ ...ideaRowColumns, sortValue: trend.score })
      .from(trend)
      .innerJoin(ideas, eq(ideas.id, trend.ideaId))
      .innerJoin(users, eq(users.id, ideas.authorId))
      .leftJoin(categories, eq(categories.id, ideas.categoryId))
      .where(and(...conditions))
      .orderBy(desc(trend.score), desc(ideas.id))
      .limit(pageSize + 1)
      .all()
  } else {
    const column = SORT_COLUMNS[input.sort]
    if (cursor) conditions.push(sql`(${column}, ${ideas.id}) < (${cursor.sort}, ${cursor.id})`)
    rows = db
      .select({ ...ideaRowColumns, sortValue: sql<number>`${column}`.mapWith(Number) })
      .from(ideas)
      .innerJoin(users, eq(users.id, ideas.authorId))
      .leftJoin(categories, eq(categories.id, ideas.categoryId))
      .where(and(...conditions))
      .orderBy(desc(column), desc(ideas.id))
      .limit(pageSize + 1)
      .all()
  }
  const page = toPage(rows, pageSize, (row) => row.sortValue)
  const ids = page.items.map((row) => row.id)
  const voted =
    viewerId && ids.length
      ? new Set(
          db
            .select({ ideaId: ideaVotes.ideaId })
            .from(ideaVotes)
            .where(and(eq(ideaVotes.userId, viewerId), inArray(ideaVotes.ideaId, ids)))
            .all()
            .map((v) => v.ideaId),
        )
      : new Set<number>()
  return {
    items: page.items.map(({ bodyMd, lastActivityAt: _, sortValue: __, ...row }) => ({
      ...row,
      excerpt: excerpt(bodyMd, 180),
      viewerVoted: voted.has(row.id),
    })),
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
