/** Ideas: creation, status workflow and the lists that show them. */
import { and, count, desc, eq, gte, inArray, isNotNull, isNull, ne, or, type SQL, sql } from 'drizzle-orm'
import {
  categories,
  ideaFollows,
  ideas,
  ideaStatusChanges,
  ideaTags,
  ideaVotes,
  postRevisions,
  tags,
  users,
} from '#db/schema'
import { type IdeaSort, type IdeaStatus } from '~/domain'
import { type Db, inJsonList, jsonList, prepared, type Tx, writeTransaction } from '~/lib/db.server'
import { ConflictError, DomainError, ForbiddenError, NotFoundError } from '~/lib/errors'
import { holdsForPremoderation } from './moderation.server'
import { IDEA_STATUS_LABELS } from '~/lib/labels'
import { excerpt, renderMarkdown } from '~/lib/markdown.server'
import { type Cursor, DEFAULT_PAGE_SIZE, toPage } from '~/lib/pagination.server'
import { assertUnderLimit, IDEA_POSTS_PER_DAY, IDEA_POSTS_PER_DAY_NEW_MEMBER, isNewMember, recordHits } from '~/lib/rate-limit.server'
import { awardBadge, checkPopularIdeaBadge } from './badges.server'
import { memoUntilWrite } from '~/lib/read-cache.server'
import { listIdeaComments } from './comments.server'
import { logModeration } from './moderation-log.server'
import { notifyMentions, renderWithMentions } from './mentions.server'
import { notifyIdeaStakeholders } from './notifications.server'
import { hasEarned, recordReputation, reverseReputation } from './reputation.server'
import { similarIdeas } from './search.server'
import { ensureTags, findUnknownTags, normalizeTagNames, retagPost, tagPost } from './tags.server'
import { applyIdeaVote, laterOf } from './votes.server'
import { queueIdeaEvent, queueIdeaMerged } from './webhook-events.server'

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
  const bodyHtml = renderWithMentions(db, input.bodyMd)
  return writeTransaction(db, (tx) => {
    const held = holdsForPremoderation(tx, input.authorId, now)
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
    awardBadge(tx, input.authorId, 'first_idea', { type: 'idea', id: idea.id }, now)
    // Held for review after the author's vote, which needs a visible idea.
    if (held) {
      tx.update(ideas).set({ hiddenAt: now, hiddenReason: 'premoderation' }).where(eq(ideas.id, idea.id)).run()
    } else {
      notifyMentions(tx, {
        source: input.bodyMd,
        actorId: input.authorId,
        subjectType: 'idea',
        subjectId: idea.id,
        postTitle: input.title.trim(),
        url: `/ideas/${idea.id}`,
        now,
      })
      queueIdeaEvent(tx, 'idea.created', idea.id, {}, now)
    }
    return idea
  })
}

export type PostIdeaResult = { ok: true; ideaId: number } | { ok: false; field: 'categoryId' | 'tags'; message: string }

/**
 * When the member may not create tags (`tagRefusal`: the reason check('create:tag') gave), a tag
 * that does not exist yet is refused with that reason; null means they may create tags.
 */
function refuseNewTags(db: Db | Tx, tagNames: string[], tagRefusal: string | null | undefined) {
  if (!tagRefusal) return null
  const unknown = findUnknownTags(db, normalizeTagNames(tagNames))
  if (!unknown.length) return null
  return `No tag named ${unknown.map((n) => `“${n}”`).join(', ')} exists yet. ${tagRefusal} Use existing tags, or leave the new ones out.`
}

/**
 * A member posts an idea from the form: the category must be one of the site's (and is required
 * once categories exist), and members post at most 3 ideas a day while new, 20 a day after that
 * (throws RateLimitedError). Tags are normalized and created as needed, unless `tagRefusal` says
 * the member may not create tags (then an unknown tag is a field error).
 */
export function postIdea(
  db: Db,
  input: { authorId: number; title: string; bodyMd: string; categoryId: number | null; tagNames: string[]; tagRefusal?: string | null; now?: Date },
): PostIdeaResult {
  const now = input.now ?? new Date()
  const category = checkCategory(db, input.categoryId)
  if (!category.ok) return category
  const tagsRefused = refuseNewTags(db, input.tagNames, input.tagRefusal)
  if (tagsRefused) return { ok: false, field: 'tags', message: tagsRefused }
  const author = db.select({ createdAt: users.createdAt, reputation: users.reputation }).from(users).where(eq(users.id, input.authorId)).get()
  if (!author) throw new NotFoundError('account')
  const key = `idea:user:${input.authorId}`
  const rule = isNewMember(author, now) ? IDEA_POSTS_PER_DAY_NEW_MEMBER : IDEA_POSTS_PER_DAY
  const message = `You can post ${rule.limit} ideas a day${rule === IDEA_POSTS_PER_DAY_NEW_MEMBER ? ' while your account is new' : ''}.`
  assertUnderLimit(db, [{ key, rule, message }], now)
  const idea = createIdea(db, { authorId: input.authorId, categoryId: input.categoryId, title: input.title, bodyMd: input.bodyMd, tagNames: input.tagNames, now })
  recordHits(db, [key], now)
  return { ok: true, ideaId: idea.id }
}

function checkCategory(db: Db, categoryId: number | null): { ok: true } | { ok: false; field: 'categoryId'; message: string } {
  if (categoryId != null) {
    const found = db.select({ id: categories.id }).from(categories).where(eq(categories.id, categoryId)).get()
    return found ? { ok: true } : { ok: false, field: 'categoryId', message: 'Choose a category from the list.' }
  }
  const any = db.select({ id: categories.id }).from(categories).limit(1).get()
  return any ? { ok: false, field: 'categoryId', message: 'Choose a category.' } : { ok: true }
}

/** What the Preview button shows: the body as it will look, and ideas that may already say the same. */
export function previewIdea(db: Db, { title, bodyMd }: { title: string; bodyMd: string }) {
  return { previewHtml: bodyMd.trim() ? renderWithMentions(db, bodyMd) : '', similar: similarIdeas(db, title) }
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
  return writeTransaction(db, (tx) => applyIdeaStatusChange(tx, input))
}

/**
 * changeIdeaStatus's work inside a caller's transaction, so a bulk change of several ideas is one
 * transaction whose every idea gets exactly what a single change gives it.
 */
export function applyIdeaStatusChange(
  tx: Tx,
  input: { ideaId: number; actorId: number; toStatus: SettableStatus; noteMd?: string; now?: Date },
) {
  const now = input.now ?? new Date()
  const noteMd = input.noteMd?.trim() ?? ''
  const noteHtml = noteMd ? renderMarkdown(noteMd) : ''
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
  payStatusBonuses(tx, { idea, toStatus: input.toStatus, actorId: input.actorId, now })
  queueIdeaEvent(tx, 'idea.status_changed', idea.id, { fromStatus: idea.status, toStatus: input.toStatus, note: noteMd }, now)
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
}


/**
 * The bonuses of reaching planned or shipped (see REPUTATION): each paid once per idea and person,
 * checked on the ledger, so leaving the status and coming back pays nothing twice. Shipping also
 * pays the author of a question turned into the idea, or into an idea merged into it, when that is
 * someone else; each co-creator gets the Co-creator badge.
 */
function payStatusBonuses(
  tx: Tx,
  { idea, toStatus, actorId, now }: { idea: { id: number; authorId: number }; toStatus: SettableStatus; actorId: number; now: Date },
) {
  const source = { type: 'idea', id: idea.id } as const
  if (toStatus === 'planned') {
    if (!hasEarned(tx, { userId: idea.authorId, reason: 'idea_planned', source })) {
      recordReputation(tx, { userId: idea.authorId, reason: 'idea_planned', source, actorId, now })
    }
    awardBadge(tx, idea.authorId, 'idea_planned', source, now)
  }
  if (toStatus === 'shipped') {
    // The askers of questions turned into this idea or into an idea merged into it.
    const askers = tx.all<{ authorId: number }>(sql`
      select q.author_id as authorId from ideas i join questions q on q.id = i.from_question_id
      where i.id = ${idea.id} or i.merged_into_id = ${idea.id}
      order by q.id`)
    const coCreators = new Set([idea.authorId, ...askers.map((a) => a.authorId)])
    for (const userId of coCreators) {
      if (!hasEarned(tx, { userId, reason: 'idea_shipped', source })) {
        recordReputation(tx, { userId, reason: 'idea_shipped', source, actorId, now })
      }
      awardBadge(tx, userId, 'co_creator', source, now)
    }
  }
}

const visibleIdea = and(isNull(ideas.deletedAt), isNull(ideas.hiddenAt))

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

/** The categories in the site's order; kept until the next write (every list page asks). */
export function listCategories(db: Db) {
  return memoUntilWrite(db, 'categories', () =>
    db
      .select({ id: categories.id, slug: categories.slug, name: categories.name, description: categories.description })
      .from(categories)
      .orderBy(categories.position, categories.id)
      .all(),
  )
}


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

/** Whether the member has a row in idea_votes or idea_follows for the idea (its vote, its follow). */
const hasVoteQuery = (db: Db | Tx) =>
  db
    .select({ one: sql`1` })
    .from(ideaVotes)
    .where(and(eq(ideaVotes.ideaId, sql.placeholder('ideaId')), eq(ideaVotes.userId, sql.placeholder('userId'))))
    .prepare()
const followsQuery = (db: Db | Tx) =>
  db
    .select({ one: sql`1` })
    .from(ideaFollows)
    .where(and(eq(ideaFollows.ideaId, sql.placeholder('ideaId')), eq(ideaFollows.userId, sql.placeholder('userId'))))
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

export function findCategoryBySlug(db: Db, slug: string) {
  return db.select({ id: categories.id, name: categories.name, slug: categories.slug }).from(categories).where(eq(categories.slug, slug)).get() ?? null
}

/** Ideas merged into one idea, listed on its page (newest merges first). */
const MERGED_FROM_SHOWN = 50

/**
 * Everything the idea page shows: the idea, its timeline of status changes with official notes,
 * its tags, its discussion (see listIdeaComments), the ideas merged into it, its followers, and
 * what the viewer has done (voted, followed). A merged idea answers with the id to redirect to,
 * unless `showMerged` asks for the idea itself (its comments stay readable).
 *
 * What is the same for every viewer is read once and kept until the next write (read-cache), as a
 * staff member sees it; each request then reads only the viewer's own rows (their vote, their
 * follow) and leaves out what the viewer may not see: a hidden idea or comment is shown to its
 * author (marked) and to staff only. A page of comments can therefore show fewer than the page
 * size to others when some of its comments are hidden; the link to older comments is the same.
 */
export function getIdeaPage(
  db: Db,
  {
    ideaId,
    viewerId = null,
    commentsBefore = null,
    showMerged = false,
    staffView = false,
  }: { ideaId: number; viewerId?: number | null; commentsBefore?: Cursor | null; showMerged?: boolean; staffView?: boolean },
) {
  const before = commentsBefore ? `${commentsBefore.sort}:${commentsBefore.id}` : ''
  const shared = memoUntilWrite(db, `idea page ${ideaId} ${before}`, () => readIdeaPage(db, ideaId, commentsBefore))
  const { idea } = shared
  if (!idea || (idea.hiddenAt && !staffView && idea.authorId !== viewerId)) throw new NotFoundError('idea')
  if (idea.status === 'merged' && idea.mergedIntoId && !showMerged) return { redirectTo: idea.mergedIntoId } as const
  const seen = <T extends { hiddenAt: Date | null; authorId: number }>(post: T) => staffView || !post.hiddenAt || post.authorId === viewerId
  const official = shared.official && seen(shared.official) ? shared.official : shared.publicOfficial
  const mine = { ideaId, userId: viewerId }
  const viewer = viewerId ? { voted: !!prepared(db, hasVoteQuery).get(mine), follows: !!prepared(db, followsQuery).get(mine) } : null
  return {
    idea: { ...idea, followerCount: shared.followerCount, authorEditRefusal: shared.authorEditRefusal },
    timeline: shared.timeline,
    tags: shared.tags,
    officialResponse: official,
    comments: staffView ? shared.comments : shared.comments.filter(seen),
    olderCommentsCursor: shared.olderCommentsCursor,
    mergedInto: shared.mergedInto,
    mergedFrom: shared.mergedFrom,
    viewer,
  } as const
}

/** The idea page as staff see it, for getIdeaPage to keep; `idea` is null when there is none. */
function readIdeaPage(db: Db, ideaId: number, commentsBefore: Cursor | null) {
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
      categoryId: ideas.categoryId,
      category: categories.name,
      categorySlug: categories.slug,
      authorId: ideas.authorId,
      authorName: users.displayName,
      authorUsername: users.username,
      authorRole: users.role,
      hiddenAt: ideas.hiddenAt,
      hiddenReason: ideas.hiddenReason,
    })
    .from(ideas)
    .innerJoin(users, eq(users.id, ideas.authorId))
    .leftJoin(categories, eq(categories.id, ideas.categoryId))
    .where(and(eq(ideas.id, ideaId), isNull(ideas.deletedAt)))
    .get()
  if (!idea) return { idea: null } as const
  const mergedInto = idea.mergedIntoId
    ? (db.select({ id: ideas.id, title: ideas.title }).from(ideas).where(and(eq(ideas.id, idea.mergedIntoId), visibleIdea)).get() ?? null)
    : null
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
  const discussion = listIdeaComments(db, { ideaId, before: commentsBefore, staffView: true })
  // The response others see when the newest official one is hidden: the newest that is not.
  const publicOfficial = discussion.official?.hiddenAt ? listIdeaComments(db, { ideaId, pageSize: 0 }).official : discussion.official
  const mergedFrom = db
    .select({ id: ideas.id, title: ideas.title })
    .from(ideas)
    .where(and(eq(ideas.mergedIntoId, ideaId), eq(ideas.status, 'merged'), visibleIdea))
    .orderBy(desc(ideas.statusChangedAt), desc(ideas.id))
    .limit(MERGED_FROM_SHOWN)
    .all()
  const followerCount = db.select({ n: count() }).from(ideaFollows).where(eq(ideaFollows.ideaId, ideaId)).get()?.n ?? 0
  return {
    idea,
    authorEditRefusal: ideaAuthorEditRefusal({ ...idea, othersVoted: othersVoted(db, idea) }),
    followerCount,
    timeline,
    tags: ideaTagRows.map((t) => t.name),
    official: discussion.official,
    publicOfficial,
    comments: discussion.items,
    olderCommentsCursor: discussion.olderCursor,
    mergedInto,
    mergedFrom,
  }
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

// ---------------------------------------------------------------------------------------------
// The idea page's actions: following, editing, merging
// ---------------------------------------------------------------------------------------------

/** The author of a visible idea, for the route's permission check. */
export function getIdeaOwner(db: Db, ideaId: number) {
  const idea = db.select({ authorId: ideas.authorId }).from(ideas).where(and(eq(ideas.id, ideaId), visibleIdea)).get()
  if (!idea) throw new NotFoundError('idea')
  return idea
}

function othersVoted(db: Db | Tx, idea: { id: number; authorId: number }) {
  return !!db
    .select({ one: sql`1` })
    .from(ideaVotes)
    .where(and(eq(ideaVotes.ideaId, idea.id), ne(ideaVotes.userId, idea.authorId)))
    .limit(1)
    .get()
}

/**
 * Why the author may not edit their own idea's title, category and tags now (null: they may).
 * Once someone else has voted, the title is what they voted for, and once the team has picked the
 * idea up it is the team's record: from then on only staff (moderators and up) edit it.
 */
function ideaAuthorEditRefusal(idea: { status: IdeaStatus; lockedAt: Date | null; othersVoted: boolean }) {
  if (idea.status === 'merged') return 'This idea was merged into another one.'
  if (idea.lockedAt) return 'This idea is locked.'
  if (idea.status !== 'open') return 'The product team has picked this idea up, so only the team can edit it now.'
  if (idea.othersVoted) return 'Others have voted for this idea as it is, so only the team can edit it now.'
  return null
}

/**
 * Edits an idea's title, category and tags. The previous title and body go into post_revisions;
 * tag counts move with the tags; a staff edit of someone else's idea is logged with before and
 * after. `asStaff` (decided by the route's permission check) lifts the author's edit rules
 * (ideaAuthorEditRefusal). Nothing changed: nothing written.
 */
export function editIdea(
  db: Db,
  input: {
    ideaId: number
    editorId: number
    asStaff: boolean
    title: string
    categoryId: number | null
    tagNames: string[]
    /** Why the editor may not create tags (check('create:tag')), or null when they may. */
    tagRefusal?: string | null
    /** Why staff edited someone else's idea: kept in the revision and the moderation log. */
    reason?: string
    now?: Date
  },
) {
  const { ideaId, editorId, asStaff, categoryId } = input
  const now = input.now ?? new Date()
  const title = input.title.trim()
  const tagNames = normalizeTagNames(input.tagNames)
  return writeTransaction(db, (tx) => {
    const idea = tx
      .select({
        id: ideas.id,
        authorId: ideas.authorId,
        title: ideas.title,
        bodyMd: ideas.bodyMd,
        categoryId: ideas.categoryId,
        status: ideas.status,
        lockedAt: ideas.lockedAt,
      })
      .from(ideas)
      .where(and(eq(ideas.id, ideaId), visibleIdea))
      .get()
    if (!idea) throw new NotFoundError('idea')
    if (idea.status === 'merged') throw new ConflictError('This idea was merged into another one.')
    if (!asStaff) {
      if (idea.authorId !== editorId) throw new ForbiddenError('You can only edit your own ideas.')
      const refusal = ideaAuthorEditRefusal({ ...idea, othersVoted: othersVoted(tx, idea) })
      if (refusal) throw new ConflictError(refusal)
    }
    if (categoryId !== null && !tx.select({ id: categories.id }).from(categories).where(eq(categories.id, categoryId)).get()) {
      throw new DomainError('Choose a category from the list.', 400)
    }
    const tagsRefused = refuseNewTags(tx, tagNames, input.tagRefusal)
    if (tagsRefused) throw new DomainError(tagsRefused, 400)
    const tagsBefore = tx
      .select({ name: tags.name })
      .from(ideaTags)
      .innerJoin(tags, eq(tags.id, ideaTags.tagId))
      .where(eq(ideaTags.ideaId, ideaId))
      .orderBy(tags.name)
      .all()
      .map((t) => t.name)
    const tagsAfter = [...tagNames].sort()
    const changed = [
      title !== idea.title ? 'title' : null,
      categoryId !== idea.categoryId ? 'category' : null,
      tagsAfter.join(' ') !== tagsBefore.join(' ') ? 'tags' : null,
    ].filter((field): field is string => field !== null)
    if (changed.length === 0) return { changed }
    tx.insert(postRevisions)
      .values({
        targetType: 'idea',
        targetId: ideaId,
        editorId,
        title: idea.title,
        bodyMd: idea.bodyMd,
        reason: [`Changed the ${changed.join(', ')}.`, input.reason?.trim()].filter(Boolean).join(' '),
        createdAt: now,
      })
      .run()
    tx.update(ideas).set({ title, categoryId, updatedAt: now }).where(eq(ideas.id, ideaId)).run()
    if (changed.includes('tags')) retagPost(tx, { type: 'idea', id: ideaId }, ensureTags(tx, tagNames, editorId))
    if (idea.authorId !== editorId) {
      logModeration(tx, {
        actorId: editorId,
        action: 'edit_idea',
        target: { type: 'idea', id: ideaId },
        reason: input.reason?.trim() ?? '',
        before: { title: idea.title, categoryId: idea.categoryId, tags: tagsBefore },
        after: { title, categoryId, tags: tagsAfter },
        now,
      })
    }
    return { changed }
  })
}

/**
 * Replaces an idea's title and text (an approved suggested edit, inside the caller's transaction):
 * the version it replaces goes into post_revisions, the FTS triggers follow the update. Merged or
 * locked ideas are not edited, and unless `asStaff`, the title obeys the author's edit rules
 * (ideaAuthorEditRefusal): once others voted for it, only the team changes it.
 */
export function applyIdeaTextEdit(
  tx: Tx,
  input: { ideaId: number; editorId: number; asStaff: boolean; title: string; bodyMd: string; bodyHtml: string; reason?: string; now: Date },
) {
  const { now } = input
  const title = input.title.trim()
  const idea = tx
    .select({ id: ideas.id, authorId: ideas.authorId, title: ideas.title, bodyMd: ideas.bodyMd, status: ideas.status, lockedAt: ideas.lockedAt })
    .from(ideas)
    .where(and(eq(ideas.id, input.ideaId), visibleIdea))
    .get()
  if (!idea) throw new NotFoundError('idea')
  if (idea.status === 'merged') throw new ConflictError('This idea was merged into another one.')
  if (idea.lockedAt) throw new ConflictError('This idea is locked.')
  if (!input.asStaff && title !== idea.title) {
    const refusal = ideaAuthorEditRefusal({ ...idea, othersVoted: othersVoted(tx, idea) })
    if (refusal) throw new ConflictError(`${refusal} (The title cannot change; a suggestion that keeps it can be approved.)`)
  }
  if (idea.title === title && idea.bodyMd === input.bodyMd) return { changed: false }
  tx.insert(postRevisions)
    .values({ targetType: 'idea', targetId: input.ideaId, editorId: input.editorId, title: idea.title, bodyMd: idea.bodyMd, reason: input.reason?.trim() ?? '', createdAt: now })
    .run()
  tx.update(ideas).set({ title, bodyMd: input.bodyMd, bodyHtml: input.bodyHtml, updatedAt: now }).where(eq(ideas.id, input.ideaId)).run()
  notifyMentions(tx, {
    source: input.bodyMd,
    previousSource: idea.bodyMd,
    actorId: input.editorId,
    subjectType: 'idea',
    subjectId: input.ideaId,
    postTitle: title,
    url: `/ideas/${input.ideaId}`,
    now,
  })
  return { changed: true }
}

/**
 * Puts one member's follow of an idea into the requested state (the request names it, so a replay
 * is harmless). Followers hear about status changes like voters do.
 */
export function setIdeaFollow(
  db: Db,
  { ideaId, userId, following, now = new Date() }: { ideaId: number; userId: number; following: boolean; now?: Date },
) {
  return writeTransaction(db, (tx) => {
    const idea = tx.select({ status: ideas.status }).from(ideas).where(and(eq(ideas.id, ideaId), visibleIdea)).get()
    if (!idea) throw new NotFoundError('idea')
    if (following && idea.status === 'merged') throw new ConflictError('This idea was merged into another one; follow that one instead.')
    if (following) tx.insert(ideaFollows).values({ ideaId, userId, createdAt: now }).onConflictDoNothing().run()
    else tx.delete(ideaFollows).where(and(eq(ideaFollows.ideaId, ideaId), eq(ideaFollows.userId, userId))).run()
    const followerCount = tx.select({ n: count() }).from(ideaFollows).where(eq(ideaFollows.ideaId, ideaId)).get()?.n ?? 0
    return { following, followerCount }
  })
}

/**
 * Merges an idea into another one, in one transaction:
 * - the merged idea's author, voters and followers are notified (once each, never the actor);
 * - its voters become the target's voters without double votes, and both vote counts are
 *   recomputed from the rows; its author's `idea_upvoted` events are reversed, and each vote that
 *   is new on the target pays the target's author (a voter who had voted for both pays nothing new);
 * - its followers follow the target;
 * - it becomes `merged` with `merged_into_id`, a timeline entry (with the note) and a log entry.
 * Refused with 409: merging into itself, into a merged idea (which also rules out cycles), or an
 * idea already merged.
 */
export function mergeIdea(db: Db, input: { ideaId: number; targetId: number; actorId: number; noteMd?: string; now?: Date }) {
  const { ideaId, targetId, actorId } = input
  const now = input.now ?? new Date()
  const noteMd = input.noteMd?.trim() ?? ''
  const noteHtml = noteMd ? renderMarkdown(noteMd) : ''
  return writeTransaction(db, (tx) => {
    const ideaColumns = {
      id: ideas.id,
      title: ideas.title,
      status: ideas.status,
      authorId: ideas.authorId,
      voteCount: ideas.voteCount,
      mergedIntoId: ideas.mergedIntoId,
    }
    const source = tx.select(ideaColumns).from(ideas).where(and(eq(ideas.id, ideaId), visibleIdea)).get()
    if (!source) throw new NotFoundError('idea')
    if (source.status === 'merged') throw new ConflictError('This idea was already merged into another one.')
    if (targetId === ideaId) throw new ConflictError('An idea cannot be merged into itself.')
    const target = tx.select(ideaColumns).from(ideas).where(and(eq(ideas.id, targetId), visibleIdea)).get()
    if (!target) throw new DomainError(`There is no idea #${targetId} to merge into.`, 404)
    if (target.status === 'merged') {
      throw new ConflictError(
        target.mergedIntoId === source.id
          ? `That would make a cycle: “${target.title}” was merged into this idea.`
          : `“${target.title}” was itself merged into another idea; merge into that one instead.`,
      )
    }

    // Before anything moves, so the merged idea's own voters and followers are the ones told.
    const notified = notifyIdeaStakeholders(tx, source.id, {
      kind: 'idea_merged',
      subjectType: 'idea',
      subjectId: source.id,
      actorId,
      title: `“${source.title}” was merged into “${target.title}”`,
      body: noteMd ? excerpt(noteMd, 280) : 'Its votes and followers moved with it.',
      url: `/ideas/${target.id}?merged=${source.id}`,
      now,
    })

    const voters = tx.select({ userId: ideaVotes.userId }).from(ideaVotes).where(eq(ideaVotes.ideaId, source.id)).all()
    // A WHERE clause is required here: it tells SQLite's parser that ON CONFLICT is the upsert's.
    const moved = tx.all<{ userId: number }>(sql`
      insert into idea_votes (idea_id, user_id, created_at)
      select ${target.id}, user_id, created_at from idea_votes where idea_id = ${source.id}
      on conflict do nothing
      returning user_id as userId`)
    tx.delete(ideaVotes).where(eq(ideaVotes.ideaId, source.id)).run()
    for (const { userId } of voters) {
      if (userId !== source.authorId) {
        reverseReputation(tx, { reason: 'idea_upvoted', source: { type: 'idea', id: source.id }, actorId: userId, now })
      }
    }
    for (const { userId } of moved) {
      if (userId !== target.authorId) {
        recordReputation(tx, { userId: target.authorId, reason: 'idea_upvoted', source: { type: 'idea', id: target.id }, actorId: userId, now })
      }
    }

    tx.run(sql`
      insert into idea_follows (idea_id, user_id, created_at)
      select ${target.id}, user_id, created_at from idea_follows where idea_id = ${source.id}
      on conflict do nothing`)
    tx.delete(ideaFollows).where(eq(ideaFollows.ideaId, source.id)).run()

    tx.update(ideas)
      .set({ status: 'merged', mergedIntoId: target.id, voteCount: 0, statusChangedAt: now, updatedAt: now })
      .where(eq(ideas.id, source.id))
      .run()
    // Recomputed from the rows (not moved by a delta): the union is what counts.
    const merged = tx
      .update(ideas)
      .set({
        voteCount: sql`(select count(*) from idea_votes where idea_id = ${target.id})`,
        lastActivityAt: laterOf(ideas.lastActivityAt, now),
      })
      .where(eq(ideas.id, target.id))
      .returning({ voteCount: ideas.voteCount })
      .get()!
    checkPopularIdeaBadge(tx, { id: target.id, authorId: target.authorId, voteCount: merged.voteCount }, now)
    tx.insert(ideaStatusChanges)
      .values({ ideaId: source.id, fromStatus: source.status, toStatus: 'merged', actorId, noteMd, noteHtml, createdAt: now })
      .run()
    logModeration(tx, {
      actorId,
      action: 'merge_idea',
      target: { type: 'idea', id: source.id },
      reason: noteMd,
      before: { status: source.status, voteCount: source.voteCount },
      after: { status: 'merged', mergedIntoId: target.id, votesMoved: moved.length },
      now,
    })
    queueIdeaMerged(tx, { ideaId: source.id, targetId: target.id, now })
    return { targetId: target.id, votesMoved: moved.length, notified }
  })
}

export const CHANGELOG_PAGE_SIZE = 20

/**
 * Shipped ideas, the most recently shipped first, with the official note of the change that
 * shipped each one. Keyset pages on (status_changed_at, id) through ideas_status_changed_idx; the
 * notes come in one more query for the whole page.
 */
export function listChangelog(db: Db, { cursor, pageSize = CHANGELOG_PAGE_SIZE }: { cursor?: Cursor | null; pageSize?: number } = {}) {
  const conditions: (SQL | undefined)[] = [eq(ideas.status, 'shipped'), visibleIdea]
  if (cursor) conditions.push(sql`(${ideas.statusChangedAt}, ${ideas.id}) < (${cursor.sort}, ${cursor.id})`)
  const rows = db
    .select({
      id: ideas.id,
      title: ideas.title,
      bodyMd: ideas.bodyMd,
      voteCount: ideas.voteCount,
      shippedAt: ideas.statusChangedAt,
      category: categories.name,
      categorySlug: categories.slug,
    })
    .from(ideas)
    .leftJoin(categories, eq(categories.id, ideas.categoryId))
    .where(and(...conditions))
    .orderBy(desc(ideas.statusChangedAt), desc(ideas.id))
    .limit(pageSize + 1)
    .all()
  const page = toPage(rows, pageSize, (row) => row.shippedAt.getTime())
  const ids = page.items.map((row) => row.id)
  const notes = ids.length
    ? db
        .select({ ideaId: ideaStatusChanges.ideaId, noteHtml: ideaStatusChanges.noteHtml })
        .from(ideaStatusChanges)
        .where(
          and(
            inArray(ideaStatusChanges.ideaId, ids),
            sql`${ideaStatusChanges.id} = (select max(s.id) from idea_status_changes s where s.idea_id = ${ideaStatusChanges.ideaId} and s.to_status = 'shipped')`,
          ),
        )
        .all()
    : []
  const noteByIdea = new Map(notes.map((n) => [n.ideaId, n.noteHtml]))
  return {
    items: page.items.map(({ bodyMd, ...row }) => ({ ...row, excerpt: excerpt(bodyMd, 200), noteHtml: noteByIdea.get(row.id) ?? '' })),
    nextCursor: page.nextCursor,
  }
}
