/**
 * The members' leaderboard: reputation gained this week, month or year (calendar periods in UTC,
 * weeks starting on Monday), or the all-time total.
 *
 * Period rankings come from the per-member sums of the ledger since the period's start (see
 * periodTotalsJson: built once per process from reputation_events_period_idx (created_at,
 * user_id, delta), which covers the query, then topped up with the events appended since), joined
 * to users and sorted. Nothing orders those sums ahead of time, so a keyset cursor would save
 * nothing (each page sorts them anyway); pages use OFFSET, which is exact, and stop at
 * MAX_PERIOD_PAGES so a crawler cannot make the server sort deep pages without end.
 * All time reads users.reputation through users_reputation_idx with a keyset cursor.
 */
import { and, count, desc, inArray, isNull, type SQL, sql } from 'drizzle-orm'
import { reputationEvents, userBadges, users } from '#db/schema'
import { BADGE_LEVELS, type BadgeLevel, badgeById } from '~/lib/badges'
import { type Db } from '~/lib/db.server'
import { LEADERBOARD_PAGE_SIZE, type LeaderboardPeriod, MAX_PERIOD_PAGES, MAX_SEARCH_LENGTH } from '~/lib/leaderboard'
import { containsPattern } from '~/lib/like.server'
import { type Cursor, toPage } from '~/lib/pagination.server'

/** The first instant of the current week (Monday), month or year, in UTC. */
export function periodStart(period: Exclude<LeaderboardPeriod, 'all'>, now = new Date()) {
  const y = now.getUTCFullYear()
  const m = now.getUTCMonth()
  const d = now.getUTCDate()
  if (period === 'year') return new Date(Date.UTC(y, 0, 1))
  if (period === 'month') return new Date(Date.UTC(y, m, 1))
  const sinceMonday = (now.getUTCDay() + 6) % 7
  return new Date(Date.UTC(y, m, d - sinceMonday))
}

function nameMatches(q: string | null | undefined): SQL | undefined {
  const text = q?.trim().slice(0, MAX_SEARCH_LENGTH)
  if (!text) return undefined
  const pattern = containsPattern(text)
  // username is stored lower-case; LIKE is case-insensitive for ASCII, lower() covers the rest.
  return sql`(${users.username} like ${pattern} escape '\\' or lower(${users.displayName}) like ${pattern} escape '\\')`
}

export type LeaderboardRow = {
  rank: number
  id: number
  username: string
  displayName: string
  role: (typeof users.$inferSelect)['role']
  reputation: number
  /** Reputation gained in the period (equal to the total for all time). */
  gained: number
  badges: Record<BadgeLevel, number>
}

type LeaderboardInput = { period: LeaderboardPeriod; q?: string | null; page?: number; cursor?: Cursor | null; now?: Date }

/** One page of the leaderboard. `page` (1-based) serves the periods, `cursor` serves all time. */
export function listLeaderboard(db: Db, input: LeaderboardInput) {
  const result = input.period === 'all' ? allTime(db, input) : forPeriod(db, { ...input, period: input.period })
  const counts = badgeCounts(
    db,
    result.rows.map((r) => r.id),
  )
  const rows: LeaderboardRow[] = result.rows.map((r) => ({ ...r, badges: counts.get(r.id) ?? emptyCounts() }))
  return { rows, nextCursor: result.nextCursor, nextPage: result.nextPage }
}

/**
 * The period totals, per member: `sum(delta)` of the events since `since` whose id is in
 * (afterId, upToId]. A first build reads the range of reputation_events_period_idx, which covers
 * the query; a refresh reads only the events appended since, by rowid.
 */
export function periodTotalsQuery(db: Db, { since, afterId, upToId }: { since: number; afterId: number; upToId: number }) {
  const fresh = afterId === 0
  return (
    db
      .select({ userId: sql<number>`${reputationEvents.userId}`, gained: sql<number>`sum(${reputationEvents.delta})` })
      // Named on a first build: without statistics SQLite may walk reputation_events_member_idx whole to skip the GROUP BY sort.
      .from(fresh ? sql`${reputationEvents} indexed by reputation_events_period_idx` : reputationEvents)
      .where(
        and(
          sql`${reputationEvents.createdAt} >= ${since}`,
          fresh ? undefined : sql`${reputationEvents.id} > ${afterId}`,
          sql`${reputationEvents.id} <= ${upToId}`,
        ),
      )
      .groupBy(reputationEvents.userId)
  )
}

type PeriodTotals = { since: number; lastEventId: number; totals: Map<number, number>; json: string | null }
/** Per database handle and period. Memory: one number per member who earned in the period. */
const totalsCache = new WeakMap<Db, Map<string, PeriodTotals>>()

/**
 * Reputation gained per member since `since`, as JSON `{ "<user id>": gained }` (positive gains only).
 *
 * Summing a year of a busy ledger takes seconds (about 1.8 s for 900,000 events), so each process
 * keeps the totals of the current periods and adds only the events appended since its last look.
 * The ledger is append-only and its ids grow with every commit (SQLite has one writer), so
 * "events with id <= N" is a complete, fixed set: the totals are exact, never stale. A new period
 * (Monday, the 1st) starts a fresh sum.
 */
function periodTotalsJson(db: Db, period: Exclude<LeaderboardPeriod, 'all'>, now?: Date) {
  const since = periodStart(period, now).getTime()
  let byPeriod = totalsCache.get(db)
  if (!byPeriod) totalsCache.set(db, (byPeriod = new Map()))
  let entry = byPeriod.get(period)
  if (!entry || entry.since !== since) byPeriod.set(period, (entry = { since, lastEventId: 0, totals: new Map(), json: null }))
  const upToId =
    db
      .select({ id: sql<number | null>`max(${reputationEvents.id})` })
      .from(reputationEvents)
      .get()?.id ?? 0
  if (upToId !== entry.lastEventId) {
    for (const row of periodTotalsQuery(db, { since, afterId: entry.lastEventId, upToId }).all()) {
      entry.totals.set(row.userId, (entry.totals.get(row.userId) ?? 0) + row.gained)
    }
    entry.lastEventId = upToId
    entry.json = null
  }
  if (entry.json == null) {
    const gains: Record<number, number> = {}
    for (const [userId, gained] of entry.totals) if (gained > 0) gains[userId] = gained
    entry.json = JSON.stringify(gains)
  }
  return entry.json
}

/** One page of a period's ranking: the totals joined to the members, filtered by name, ordered by gain. */
export function periodLeaderboardQuery(db: Db, input: { totalsJson: string; q?: string | null; page: number }) {
  const gained = sql<number>`cast(g.value as integer)`
  return db
    .select({
      id: users.id,
      username: users.username,
      displayName: users.displayName,
      role: users.role,
      reputation: users.reputation,
      gained,
    })
    .from(sql`json_each(${input.totalsJson}) g`)
    .innerJoin(users, sql`${users.id} = cast(g.key as integer)`)
    .where(and(isNull(users.deletedAt), nameMatches(input.q)))
    .orderBy(desc(gained), users.id)
    .limit(LEADERBOARD_PAGE_SIZE + 1)
    .offset((input.page - 1) * LEADERBOARD_PAGE_SIZE)
}

function forPeriod(db: Db, input: LeaderboardInput & { period: Exclude<LeaderboardPeriod, 'all'> }) {
  const page = Math.min(Math.max(1, Math.trunc(input.page ?? 1)), MAX_PERIOD_PAGES)
  const totalsJson = periodTotalsJson(db, input.period, input.now)
  const rows = periodLeaderboardQuery(db, { totalsJson, q: input.q, page }).all()
  const hasMore = rows.length > LEADERBOARD_PAGE_SIZE && page < MAX_PERIOD_PAGES
  const firstRank = (page - 1) * LEADERBOARD_PAGE_SIZE + 1
  return {
    rows: rows.slice(0, LEADERBOARD_PAGE_SIZE).map((r, i) => ({ ...r, rank: firstRank + i })),
    nextPage: hasMore ? page + 1 : null,
    nextCursor: null,
  }
}

/** The query behind an all-time page (exported so a test can read its plan). */
export function allTimeLeaderboardQuery(db: Db, input: { q?: string | null; cursor?: Cursor | null }) {
  const cursor = input.cursor ?? null
  return db
    .select({
      id: users.id,
      username: users.username,
      displayName: users.displayName,
      role: users.role,
      reputation: users.reputation,
    })
    .from(users)
    .where(
      and(
        isNull(users.deletedAt),
        nameMatches(input.q),
        cursor ? sql`(${users.reputation}, ${users.id}) < (${cursor.sort}, ${cursor.id})` : undefined,
      ),
    )
    .orderBy(desc(users.reputation), desc(users.id))
    .limit(LEADERBOARD_PAGE_SIZE + 1)
}

function allTime(db: Db, input: LeaderboardInput) {
  const filter = and(isNull(users.deletedAt), nameMatches(input.q))
  const cursor = input.cursor ?? null
  const rows = allTimeLeaderboardQuery(db, { q: input.q, cursor }).all()
  // The rank of a later page's first row: one count through the same index.
  const before = cursor
    ? (db
        .select({ n: count() })
        .from(users)
        .where(and(filter, sql`(${users.reputation}, ${users.id}) >= (${cursor.sort}, ${cursor.id})`))
        .get()?.n ?? 0)
    : 0
  const page = toPage(rows, LEADERBOARD_PAGE_SIZE, (r) => r.reputation)
  return {
    rows: page.items.map((r, i) => ({ ...r, gained: r.reputation, rank: before + i + 1 })),
    nextCursor: page.nextCursor,
    nextPage: null,
  }
}

const emptyCounts = (): Record<BadgeLevel, number> => Object.fromEntries(BADGE_LEVELS.map((l) => [l, 0])) as Record<BadgeLevel, number>

/** Badges held per member of the page, by level: one query for the whole page. */
function badgeCounts(db: Db, userIds: number[]) {
  const counts = new Map<number, Record<BadgeLevel, number>>()
  if (userIds.length === 0) return counts
  const rows = db
    .select({ userId: userBadges.userId, badge: userBadges.badge })
    .from(userBadges)
    .where(inArray(userBadges.userId, userIds))
    .all()
  for (const row of rows) {
    const level = badgeById(row.badge)?.level
    if (!level) continue
    const c = counts.get(row.userId) ?? emptyCounts()
    c[level] += 1
    counts.set(row.userId, c)
  }
  return counts
}
