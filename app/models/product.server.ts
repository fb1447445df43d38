/**
 * The product team's side of ideas: rankings for triage (votes, trend, segment, weighted score,
 * and by customer company: companies and revenue), bulk status changes and the CSV exports (the
 * internal notes are idea-notes.server.ts). Nothing here is ever shown to members: every caller
 * checks a staff permission first, and `view:companies` before asking for company figures.
 */
import { and, asc, count, eq, gt, inArray, isNull, ne, type SQL, sql } from 'drizzle-orm'
import { categories, ideaNotes, ideas, ideaVotes, segments, users } from '#db/schema'
import { type IdeaStatus } from '~/domain'
import { type Db, writeTransaction } from '~/lib/db.server'
import { type CsvCell } from '~/lib/csv.server'
import { NotFoundError } from '~/lib/errors'
import { PRODUCT_MAX_PAGES, type PRODUCT_SORTS, type TREND_WINDOWS } from '~/schemas/product-filter'
import { applyIdeaStatusChange, type SettableStatus } from './idea-status.server'

export type ProductSort = (typeof PRODUCT_SORTS)[number]
export type TrendWindow = (typeof TREND_WINDOWS)[number]
export const PRODUCT_PAGE_SIZE = 50
/*
 * Ranked pages are numbered, up to PRODUCT_MAX_PAGES (20) pages of 50 (the top 1,000 ideas). The trend, segment,
 * weighted, companies and revenue scores are aggregates with no index to seek into, so a keyset cursor would not spare
 * computing them; each page computes the ranking once and skips at most 950 sorted rows, which
 * costs next to nothing beside the aggregate. Triage never needs idea number 1,001.
 */
/** Most ideas one bulk change may move: one page. */
export const BULK_MAX_IDEAS = PRODUCT_PAGE_SIZE
const DAY_MS = 86_400_000

export type ProductRankingInput = {
  sort: ProductSort
  windowDays: TrendWindow
  segmentId: number | null
  status: IdeaStatus | null
  categoryId: number | null
  /**
   * Only votes from members of companies on this plan count, in the ranking and in every vote
   * figure of the page; only ideas with at least one such vote are listed. Needs `withCompanies`.
   */
  plan?: string | null
  /** Company figures (companies, revenue) and ranks: only for viewers with `view:companies`. */
  withCompanies?: boolean
  page: number
  now?: Date
}

const listed = (alias = 'i') => sql.raw(`${alias}.deleted_at is null and ${alias}.hidden_at is null and ${alias}.status != 'merged'`)

function ideaFilters({ status, categoryId }: Pick<ProductRankingInput, 'status' | 'categoryId'>) {
  const parts: SQL[] = [listed()]
  if (status) parts.push(sql`i.status = ${status}`)
  if (categoryId) parts.push(sql`i.category_id = ${categoryId}`)
  return sql.join(parts, sql` and `)
}

/**
 * The votes that count, as rows (idea_id, user_id, created_at, segment_id, company_id, revenue):
 * with a plan, those of members of companies on it, through companies_plan_idx, users_company_idx
 * and idea_votes_user_idx; for the company ranks without a plan, those of members of any company
 * (each company's members through users_company_idx). CROSS JOIN keeps that order.
 */
function companyVotes(plan: string | null) {
  return sql`select v.idea_id as idea_id, v.user_id as user_id, v.created_at as created_at, u.segment_id as segment_id,
      c.id as company_id, c.monthly_revenue as revenue
    from companies c
    cross join users u indexed by users_company_idx on u.company_id = c.id
    cross join idea_votes v indexed by idea_votes_user_idx on v.user_id = u.id
    ${plan == null ? sql`` : sql`where c.plan = ${plan}`}`
}

/**
 * Per idea, the distinct companies behind the votes and the sum of their monthly revenue, each
 * company once however many of its members voted: the votes are first grouped by (idea, company).
 */
function companyTotals(votes: SQL) {
  return sql`select idea_id, count(*) as companies, sum(revenue) as revenue
    from (select idea_id, company_id, max(revenue) as revenue from (${votes}) group by idea_id, company_id)
    group by idea_id`
}

/**
 * The ids of one page of ideas in the chosen ranking, best first (ties: newest idea first).
 * - votes: the cached vote_count, through ideas_top_idx / ideas_status_top_idx; no aggregate.
 * - trend: votes cast in the window, one range scan of idea_votes_time_idx.
 * - segment: votes from members of one segment, through users_segment_idx then idea_votes_user_idx;
 *   only ideas with at least one such vote are ranked.
 * - weighted: each vote counts its voter's segment weight, 1 without a segment, computed as
 *   vote_count + Σ (weight − 1) over the votes from segments whose weight is not 1. The votes are
 *   read in primary-key order (idea_id, user_id), a covering scan already grouped by idea, with
 *   one users lookup each (CROSS JOIN fixes that order: reaching the votes through
 *   idea_votes_user_idx instead costs a table lookup per vote plus a sort, about five times slower
 *   at 500,000 votes; see scripts/bench-product.ts).
 * - companies: distinct companies whose members voted; revenue: the sum of those companies'
 *   monthly revenue, each company once (companyTotals). Only ideas with a vote from a company's
 *   member are ranked.
 * With a plan, every rank counts only the votes of members of companies on that plan (companyVotes,
 * through companies_plan_idx): a few of all votes, so each is an aggregate over them alone.
 */
function rankIdeaIds(db: Db, input: ProductRankingInput) {
  const filters = ideaFilters(input)
  const offset = (input.page - 1) * PRODUCT_PAGE_SIZE
  const limit = PRODUCT_PAGE_SIZE + 1
  const now = input.now ?? new Date()
  const since = now.getTime() - input.windowDays * DAY_MS
  const ranked = (scores: SQL) => sql`select i.id as id, t.n as score from (${scores}) t
    join ideas i on i.id = t.idea_id
    where ${filters}
    order by t.n desc, i.id desc limit ${limit} offset ${offset}`
  const plan = input.plan ?? null
  let query: SQL
  if (plan != null) {
    const votes = companyVotes(plan)
    switch (input.sort) {
      case 'votes':
        query = ranked(sql`select idea_id, count(*) as n from (${votes}) group by idea_id`)
        break
      case 'trend':
        query = ranked(sql`select idea_id, count(*) as n from (${votes}) where created_at >= ${since} group by idea_id`)
        break
      case 'segment':
        query = ranked(sql`select idea_id, count(*) as n from (${votes}) where segment_id = ${input.segmentId ?? -1} group by idea_id`)
        break
      case 'weighted':
        query = ranked(sql`select p.idea_id as idea_id, sum(coalesce(s.weight, 1)) as n from (${votes}) p
          left join segments s on s.id = p.segment_id group by p.idea_id`)
        break
      case 'companies':
        query = ranked(sql`select idea_id, companies as n from (${companyTotals(votes)})`)
        break
      case 'revenue':
        query = ranked(sql`select idea_id, revenue as n from (${companyTotals(votes)})`)
        break
    }
  } else {
    switch (input.sort) {
      case 'votes':
        query = sql`select i.id as id, i.vote_count as score from ideas i where ${filters}
          order by i.vote_count desc, i.id desc limit ${limit} offset ${offset}`
        break
      case 'trend':
        query = ranked(sql`select idea_id, count(*) as n from idea_votes indexed by idea_votes_time_idx
          where created_at >= ${since} group by idea_id`)
        break
      case 'segment':
        query = ranked(sql`select v.idea_id as idea_id, count(*) as n from users u
          join idea_votes v indexed by idea_votes_user_idx on v.user_id = u.id
          where u.segment_id = ${input.segmentId ?? -1} group by v.idea_id`)
        break
      case 'weighted':
        query = sql`select i.id as id, i.vote_count + coalesce(t.extra, 0) as score
          from ideas i
          left join (select v.idea_id as idea_id, sum(s.weight - 1) as extra from idea_votes v
                     cross join users u on u.id = v.user_id
                     cross join segments s on s.id = u.segment_id
                     where s.weight != 1 group by v.idea_id) t on t.idea_id = i.id
          where ${filters}
          order by score desc, i.id desc limit ${limit} offset ${offset}`
        break
      case 'companies':
        query = ranked(sql`select idea_id, companies as n from (${companyTotals(companyVotes(null))})`)
        break
      case 'revenue':
        query = ranked(sql`select idea_id, revenue as n from (${companyTotals(companyVotes(null))})`)
        break
    }
  }
  const rows = db.all<{ id: number; score: number }>(query)
  return {
    ids: rows.slice(0, PRODUCT_PAGE_SIZE).map((r) => r.id),
    hasNext: rows.length > PRODUCT_PAGE_SIZE && input.page < PRODUCT_MAX_PAGES,
  }
}

/**
 * The votes of the given ideas (`v`, with the voter as `u` and any `join` of the caller), through
 * the primary key (idea_id, user_id): all of them, or only those of members of companies on `plan`.
 */
function votesOf(ids: number[], plan: string | null, join: SQL = sql``) {
  return plan == null
    ? sql`idea_votes v join users u on u.id = v.user_id ${join} where v.idea_id in ${ids}`
    : sql`idea_votes v join users u on u.id = v.user_id ${join} join companies c on c.id = u.company_id
        where v.idea_id in ${ids} and c.plan = ${plan}`
}

/** Votes from members of companies on the plan, per idea. */
function planVoteCounts(db: Db, ids: number[], plan: string) {
  if (!ids.length) return new Map<number, number>()
  const rows = db.all<{ ideaId: number; n: number }>(
    sql`select v.idea_id as ideaId, count(*) as n from ${votesOf(ids, plan)} group by v.idea_id`,
  )
  return new Map(rows.map((r) => [r.ideaId, r.n]))
}

/** Distinct companies behind each idea's votes and their monthly revenue, each company once. */
function companyFigures(db: Db, ids: number[], plan: string | null) {
  if (!ids.length) return new Map<number, { companies: number; revenue: number }>()
  const rows = db.all<{ ideaId: number; companies: number; revenue: number }>(sql`
    select idea_id as ideaId, count(*) as companies, sum(revenue) as revenue
    from (select v.idea_id as idea_id, c.id as company_id, max(c.monthly_revenue) as revenue
          from idea_votes v join users u on u.id = v.user_id join companies c on c.id = u.company_id
          where v.idea_id in ${ids} ${plan == null ? sql`` : sql`and c.plan = ${plan}`}
          group by v.idea_id, c.id)
    group by idea_id`)
  return new Map(rows.map((r) => [r.ideaId, { companies: r.companies, revenue: r.revenue }]))
}

/** Weighted scores of the given ideas (each vote: its voter's segment weight, else 1). */
function weightedScores(db: Db, ids: number[], plan: string | null) {
  if (!ids.length) return new Map<number, number>()
  const rows = db.all<{ ideaId: number; score: number }>(sql`
    select v.idea_id as ideaId, sum(coalesce(s.weight, 1)) as score
    from ${votesOf(ids, plan, sql`left join segments s on s.id = u.segment_id`)} group by v.idea_id`)
  return new Map(rows.map((r) => [r.ideaId, r.score]))
}

function segmentVoteCounts(db: Db, ids: number[], segmentId: number, plan: string | null) {
  if (!ids.length) return new Map<number, number>()
  const rows = db.all<{ ideaId: number; n: number }>(sql`
    select v.idea_id as ideaId, count(*) as n
    from ${votesOf(ids, plan)} and u.segment_id = ${segmentId} group by v.idea_id`)
  return new Map(rows.map((r) => [r.ideaId, r.n]))
}

function windowVoteCounts(db: Db, ids: number[], since: number, plan: string | null) {
  if (!ids.length) return new Map<number, number>()
  const rows = db.all<{ ideaId: number; n: number }>(
    plan == null
      ? sql`select idea_id as ideaId, count(*) as n from idea_votes indexed by idea_votes_idea_time_idx
          where idea_id in ${ids} and created_at >= ${since} group by idea_id`
      : sql`select v.idea_id as ideaId, count(*) as n from ${votesOf(ids, plan)} and v.created_at >= ${since} group by v.idea_id`,
  )
  return new Map(rows.map((r) => [r.ideaId, r.n]))
}

function noteCounts(db: Db, ids: number[]) {
  if (!ids.length) return new Map<number, number>()
  const rows = db
    .select({ ideaId: ideaNotes.ideaId, n: count() })
    .from(ideaNotes)
    .where(inArray(ideaNotes.ideaId, ids))
    .groupBy(ideaNotes.ideaId)
    .all()
  return new Map(rows.map((r) => [r.ideaId, r.n]))
}

const roundScore = (n: number) => Math.round(n * 100) / 100

/**
 * One page of the product dashboard: the ranking's ideas with votes, weighted score, votes in the
 * trend window, votes from the chosen segment, note count, status, age and last activity; with
 * `withCompanies`, the companies behind the votes and their revenue, and with a plan, the votes
 * from that plan's companies (the weighted, window and segment figures then count only those).
 * At most eight queries whatever the page size.
 */
export function listProductIdeas(db: Db, input: ProductRankingInput) {
  const now = input.now ?? new Date()
  const withCompanies = input.withCompanies ?? false
  // Company ranks and the plan filter read companies: without the permission, neither applies.
  const plan = withCompanies ? (input.plan ?? null) : null
  const sort = !withCompanies && (input.sort === 'companies' || input.sort === 'revenue') ? 'votes' : input.sort
  const { ids, hasNext } = rankIdeaIds(db, { ...input, sort, plan, now })
  const rows = ids.length
    ? db
        .select({
          id: ideas.id,
          title: ideas.title,
          status: ideas.status,
          voteCount: ideas.voteCount,
          createdAt: ideas.createdAt,
          lastActivityAt: ideas.lastActivityAt,
          category: categories.name,
        })
        .from(ideas)
        .leftJoin(categories, eq(categories.id, ideas.categoryId))
        .where(inArray(ideas.id, ids))
        .all()
    : []
  const byId = new Map(rows.map((r) => [r.id, r]))
  const weighted = weightedScores(db, ids, plan)
  const inWindow = windowVoteCounts(db, ids, now.getTime() - input.windowDays * DAY_MS, plan)
  const fromSegment = input.segmentId ? segmentVoteCounts(db, ids, input.segmentId, plan) : null
  const fromPlan = plan != null ? planVoteCounts(db, ids, plan) : null
  const byCompany = withCompanies ? companyFigures(db, ids, plan) : null
  const notes = noteCounts(db, ids)
  const items = ids.flatMap((id) => {
    const row = byId.get(id)
    if (!row) return []
    return [
      {
        ...row,
        weightedScore: roundScore(weighted.get(id) ?? 0),
        windowVotes: inWindow.get(id) ?? 0,
        segmentVotes: fromSegment ? (fromSegment.get(id) ?? 0) : null,
        planVotes: fromPlan ? (fromPlan.get(id) ?? 0) : null,
        companyCount: byCompany ? (byCompany.get(id)?.companies ?? 0) : null,
        revenue: byCompany ? (byCompany.get(id)?.revenue ?? 0) : null,
        noteCount: notes.get(id) ?? 0,
      },
    ]
  })
  return { items, sort, plan, page: input.page, hasNext, hasPrevious: input.page > 1 }
}

export function listSegments(db: Db) {
  return db
    .select({ id: segments.id, name: segments.name, weight: segments.weight })
    .from(segments)
    .orderBy(segments.position, segments.id)
    .all()
}

/**
 * Moves several ideas to one status with one official note, in one transaction. Each idea gets
 * exactly what a single change gives it (applyIdeaStatusChange): its own status-change row, the
 * author's bonus, and one notification per voter, author and follower for that idea. A member who
 * voted for two of the ideas gets two notifications: each names its idea, links to it and is
 * marked read on its own, as the notifications page expects one subject per row.
 * Ideas already at that status, merged or gone are skipped and reported, not an error: the list
 * the team ticked may be a little stale.
 */
export function bulkChangeIdeaStatus(
  db: Db,
  input: { ideaIds: number[]; actorId: number; toStatus: SettableStatus; noteMd?: string; now?: Date },
) {
  const now = input.now ?? new Date()
  const ideaIds = [...new Set(input.ideaIds)].slice(0, BULK_MAX_IDEAS)
  return writeTransaction(db, (tx) => {
    const found = ideaIds.length
      ? tx
          .select({ id: ideas.id, status: ideas.status })
          .from(ideas)
          .where(and(inArray(ideas.id, ideaIds), isNull(ideas.deletedAt)))
          .all()
      : []
    const statusOf = new Map(found.map((r) => [r.id, r.status]))
    const changed: { ideaId: number; notified: number }[] = []
    const skipped: number[] = []
    for (const ideaId of ideaIds) {
      const status = statusOf.get(ideaId)
      if (!status || status === 'merged' || status === input.toStatus) {
        skipped.push(ideaId)
        continue
      }
      const { notified } = applyIdeaStatusChange(tx, {
        ideaId,
        actorId: input.actorId,
        toStatus: input.toStatus,
        noteMd: input.noteMd,
        now,
      })
      changed.push({ ideaId, notified })
    }
    return { changed, skipped }
  })
}

// ---------------------------------------------------------------------------------------------
// CSV exports (staff only; never internal notes)
// ---------------------------------------------------------------------------------------------

const CSV_BATCH = 500

/**
 * The ideas export, as batches for a streamed CSV: every listed idea matching the status and
 * category filters, by id (a stable keyset, so a batch never repeats or skips a row while votes
 * come in), with its votes from each segment as columns, votes from members without a segment,
 * and the weighted score. One batch of CSV_BATCH ideas and their counts in memory at a time.
 */
export function ideasCsvExport(db: Db, input: { status: IdeaStatus | null; categoryId: number | null; origin: string }) {
  const segmentList = listSegments(db)
  const header = [
    'id',
    'title',
    'status',
    'category',
    'votes',
    'weighted score',
    ...segmentList.map((s) => `votes: ${s.name}`),
    'votes: no segment',
    'created at',
    'last activity at',
    'url',
  ]
  let afterId = 0
  let done = false
  const nextBatch = (): CsvCell[][] | null => {
    if (done) return null
    const conditions: (SQL | undefined)[] = [
      isNull(ideas.deletedAt),
      isNull(ideas.hiddenAt),
      ne(ideas.status, 'merged'),
      gt(ideas.id, afterId),
    ]
    if (input.status) conditions.push(eq(ideas.status, input.status))
    if (input.categoryId) conditions.push(eq(ideas.categoryId, input.categoryId))
    const rows = db
      .select({
        id: ideas.id,
        title: ideas.title,
        status: ideas.status,
        category: categories.name,
        voteCount: ideas.voteCount,
        createdAt: ideas.createdAt,
        lastActivityAt: ideas.lastActivityAt,
      })
      .from(ideas)
      .leftJoin(categories, eq(categories.id, ideas.categoryId))
      .where(and(...conditions))
      .orderBy(asc(ideas.id))
      .limit(CSV_BATCH)
      .all()
    if (rows.length < CSV_BATCH) done = true
    if (!rows.length) return null
    afterId = rows[rows.length - 1]!.id
    const ids = rows.map((r) => r.id)
    const counts = db.all<{ ideaId: number; segmentId: number | null; n: number }>(sql`
      select v.idea_id as ideaId, u.segment_id as segmentId, count(*) as n
      from idea_votes v join users u on u.id = v.user_id
      where v.idea_id in ${ids} group by v.idea_id, u.segment_id`)
    const perIdea = new Map<number, Map<number | null, number>>()
    for (const c of counts) {
      let m = perIdea.get(c.ideaId)
      if (!m) perIdea.set(c.ideaId, (m = new Map()))
      m.set(c.segmentId, c.n)
    }
    const weightOf = new Map(segmentList.map((s) => [s.id, s.weight]))
    return rows.map((row) => {
      const bySegment = perIdea.get(row.id) ?? new Map<number | null, number>()
      let weighted = 0
      for (const [segmentId, n] of bySegment) weighted += n * (segmentId == null ? 1 : (weightOf.get(segmentId) ?? 1))
      return [
        row.id,
        row.title,
        row.status,
        row.category ?? '',
        row.voteCount,
        roundScore(weighted),
        ...segmentList.map((s) => bySegment.get(s.id) ?? 0),
        bySegment.get(null) ?? 0,
        row.createdAt,
        row.lastActivityAt,
        `${input.origin}/ideas/${row.id}`,
      ]
    })
  }
  return { header, nextBatch }
}

/**
 * The voters of one idea, in the order they voted (idea_votes_idea_time_idx, keyset on
 * (created_at, user_id)): username, display name, segment, when. No e-mail addresses: the team
 * reaches voters through status changes and notifications, and an export file that leaves the
 * site should carry as little personal data as it can.
 */
export function votersCsvExport(db: Db, ideaId: number) {
  const idea = db
    .select({ id: ideas.id, title: ideas.title })
    .from(ideas)
    .where(and(eq(ideas.id, ideaId), isNull(ideas.deletedAt)))
    .get()
  if (!idea) throw new NotFoundError('idea')
  const header = ['username', 'display name', 'segment', 'voted at']
  let after: { at: number; userId: number } | null = null
  let done = false
  const nextBatch = (): CsvCell[][] | null => {
    if (done) return null
    const rows = db
      .select({
        userId: ideaVotes.userId,
        createdAt: ideaVotes.createdAt,
        username: users.username,
        displayName: users.displayName,
        segment: segments.name,
      })
      .from(ideaVotes)
      .innerJoin(users, eq(users.id, ideaVotes.userId))
      .leftJoin(segments, eq(segments.id, users.segmentId))
      .where(
        and(
          eq(ideaVotes.ideaId, idea.id),
          after ? sql`(${ideaVotes.createdAt}, ${ideaVotes.userId}) > (${after.at}, ${after.userId})` : undefined,
        ),
      )
      .orderBy(asc(ideaVotes.createdAt), asc(ideaVotes.userId))
      .limit(CSV_BATCH)
      .all()
    if (rows.length < CSV_BATCH) done = true
    if (!rows.length) return null
    const last = rows[rows.length - 1]!
    after = { at: last.createdAt.getTime(), userId: last.userId }
    return rows.map((r) => [r.username, r.displayName, r.segment ?? '', r.createdAt])
  }
  return { idea, header, nextBatch }
}
