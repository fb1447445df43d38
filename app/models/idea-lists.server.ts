/**
 * The lists of ideas: one page in an order (top, new, recently active, trending), filtered by
 * category, status, tag and the viewer's own ("voted", "posted"), and the count of visible ideas.
 */
import { and, count, desc, eq, inArray, isNotNull, ne, or, type SQL, sql } from 'drizzle-orm'
import { categories, ideas, ideaTags, ideaVotes, users } from '#db/schema'
import { type IdeaSort, type IdeaStatus } from '~/domain'
import { type Db, inJsonList, jsonList, prepared, type Tx } from '~/lib/db.server'
import { excerpt } from '~/lib/markdown.server'
import { type Cursor, DEFAULT_PAGE_SIZE, toPage } from '~/lib/pagination.server'
import { memoUntilWrite } from '~/lib/read-cache.server'
import { visibleIdea } from './ideas.server'
import { HOUR_MS, trendingScores } from './trending.server'

/**
 * Visible ideas that are not merged: all ideas (counted from an index alone), minus the hidden or
 * deleted ones (ideas_removed_idx), minus the visible merged ones (by status); never a read of every
 * row. Reused until the next write (see read-cache).
 */
export function countVisibleIdeas(db: Db) {
  return memoUntilWrite(db, 'visible ideas', () => {
    const n = (where?: SQL) => db.select({ n: count() }).from(ideas).where(where).get()?.n ?? 0
    return n() - n(or(isNotNull(ideas.deletedAt), isNotNull(ideas.hiddenAt))) - n(and(eq(ideas.status, 'merged'), visibleIdea))
  })
}

/** "Ideas I voted on" and "my ideas": filters for a logged-in viewer. */
export const IDEA_OWNER_FILTERS = ['voted', 'posted'] as const
type IdeaOwnerFilter = (typeof IDEA_OWNER_FILTERS)[number]

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
  lockedAt: ideas.lockedAt,
  authorId: ideas.authorId,
  category: categories.name,
  authorName: users.displayName,
  authorUsername: users.username,
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
 * their target). Keyset pagination on (sort value, id). The page is the same for everyone unless it
 * is "mine", so it is kept until the next write (memoUntilWrite) and only the viewer's votes among
 * its ids are read for each request: one query, two when the page is not kept.
 */
export function listIdeas(db: Db, input: IdeaListInput) {
  const viewerId = input.viewerId ?? null
  const personal = !!(viewerId && input.mine)
  const now = input.now ?? new Date()
  const shared = { ...input, viewerId: null, mine: null, now }
  const page = personal
    ? ideaPage(db, input, now)
    : memoUntilWrite(
        db,
        `ideas ${JSON.stringify([input.sort, input.categoryId ?? null, input.status ?? null, input.tagId ?? null, input.cursor ?? null, input.pageSize ?? DEFAULT_PAGE_SIZE, input.sort === 'trending' ? Math.floor(now.getTime() / HOUR_MS) : 0])}`,
        () => ideaPage(db, shared, now),
      )
  const ids = page.items.map((row) => row.id)
  const voted =
    viewerId && ids.length
      ? new Set(
          prepared(db, votesAmongQuery)
            .all({ userId: viewerId, ids: jsonList(ids) })
            .map((v) => v.ideaId),
        )
      : new Set<number>()
  return { items: page.items.map((row) => ({ ...row, viewerVoted: voted.has(row.id) })), nextCursor: page.nextCursor }
}

/** Which of the ideas (a jsonList) the member voted for. */
const votesAmongQuery = (db: Db | Tx) =>
  db
    .select({ ideaId: ideaVotes.ideaId })
    .from(ideaVotes)
    .where(and(eq(ideaVotes.userId, sql.placeholder('userId')), inJsonList(ideaVotes.ideaId, 'ids')))
    .prepare()

/** The rows of one page of listIdeas, without the viewer's votes. */
function ideaPage(db: Db, input: IdeaListInput, now: Date) {
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
  const unfiltered = !cursor && !input.categoryId && !input.status && !input.tagId && !(viewerId && input.mine)
  if (input.sort === 'trending' && unfiltered) {
    rows = firstTrendingPage(db, now, pageSize)
  } else if (input.sort === 'trending') {
    const trend = trendingScores(db, now)
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
  return {
    items: page.items.map(({ bodyMd, lastActivityAt: _, sortValue: __, ...row }) => ({ ...row, excerpt: excerpt(bodyMd, 180) })),
    nextCursor: page.nextCursor,
  }
}

/**
 * The first page of trending without filters, the list everyone lands on: the window's scores are
 * ranked once and the ranking is reused until the next write (read-cache: never stale), then the
 * page's ideas are read by key, a chunk of the ranking at a time, until the page (plus one row, for
 * the cursor) is full of visible ideas. The same rows, in the same order, as the query below.
 */
function firstTrendingPage(db: Db, now: Date, pageSize: number) {
  const anchor = Math.floor(now.getTime() / HOUR_MS) * HOUR_MS
  const ranked = memoUntilWrite(db, `trending ${anchor}`, () => {
    const trend = trendingScores(db, now)
    return db.select({ ideaId: trend.ideaId, score: trend.score }).from(trend).orderBy(desc(trend.score), desc(trend.ideaId)).all()
  })
  const chunkSize = (pageSize + 1) * 2
  const rows: Array<ReturnType<typeof pageRows>[number] & { sortValue: number }> = []
  function pageRows(ids: number[]) {
    return db
      .select(ideaRowColumns)
      .from(ideas)
      .innerJoin(users, eq(users.id, ideas.authorId))
      .leftJoin(categories, eq(categories.id, ideas.categoryId))
      .where(and(visibleIdea, ne(ideas.status, 'merged'), inArray(ideas.id, ids)))
      .all()
  }
  for (let start = 0; start < ranked.length && rows.length <= pageSize; start += chunkSize) {
    const chunk = ranked.slice(start, start + chunkSize)
    const found = new Map(pageRows(chunk.map((c) => c.ideaId)).map((row) => [row.id, row]))
    for (const { ideaId, score } of chunk) {
      const row = found.get(ideaId)
      if (row && rows.length <= pageSize) rows.push({ ...row, sortValue: score })
    }
  }
  return rows
}
