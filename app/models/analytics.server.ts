/**
 * The admin dashboard's figures: new ideas, questions and idea votes per week, the status funnel,
 * the median time to a first answer and who gives first answers (customers or staff). Every query
 * is bounded by a time range that an index starts with, so the cost follows the window, not the
 * size of the site.
 */
import { sql } from 'drizzle-orm'
import { type IdeaStatus } from '~/domain'
import { type Db } from '~/lib/db.server'

const DAY_MS = 86_400_000
const WEEK_MS = 7 * DAY_MS
export const DASHBOARD_WEEKS = 12
export const ANSWER_WINDOW_DAYS = 90

/** Monday 00:00 UTC of the week holding `now` (1970-01-01 was a Thursday, three days after a Monday). */
export function weekStart(now: Date) {
  const day = Math.floor(now.getTime() / DAY_MS)
  const weekday = (day + 3) % 7
  return (day - weekday) * DAY_MS
}

type Bucket = { week: number; n: number }

/** Counts per week: buckets[0] is the oldest week, the last is the current week (so far). */
export function weeklyActivity(db: Db, now = new Date()) {
  const start = weekStart(now) - (DASHBOARD_WEEKS - 1) * WEEK_MS
  const weeks = Array.from({ length: DASHBOARD_WEEKS }, (_, i) => new Date(start + i * WEEK_MS))
  // better-sqlite3 binds JS numbers as REAL, hence the cast back to a whole week number.
  const fill = (rows: Bucket[]) => {
    const counts = new Array<number>(DASHBOARD_WEEKS).fill(0)
    for (const row of rows) if (row.week >= 0 && row.week < DASHBOARD_WEEKS) counts[row.week] = row.n
    return counts
  }
  // The conditions repeat the partial indexes' WHERE clauses (ideas_new_idx, questions_new_idx) so
  // SQLite may use them; votes go through idea_votes_time_idx (created_at, idea_id).
  const ideas = db.all<Bucket>(sql`
    select cast((created_at - ${start}) / ${WEEK_MS} as integer) as week, count(*) as n
    from ideas
    where deleted_at is null and hidden_at is null and created_at >= ${start}
    group by week`)
  const questions = db.all<Bucket>(sql`
    select cast((created_at - ${start}) / ${WEEK_MS} as integer) as week, count(*) as n
    from questions
    where deleted_at is null and hidden_at is null and created_at >= ${start}
    group by week`)
  const votes = db.all<Bucket>(sql`
    select cast((created_at - ${start}) / ${WEEK_MS} as integer) as week, count(*) as n
    from idea_votes indexed by idea_votes_time_idx
    where created_at >= ${start}
    group by week`)
  return { weeks, ideas: fill(ideas), questions: fill(questions), votes: fill(votes) }
}

export const FUNNEL_STAGES = [
  { key: 'open', label: 'Open or under review', statuses: ['open', 'under_review'] },
  { key: 'planned', label: 'Planned or in progress', statuses: ['planned', 'in_progress'] },
  { key: 'shipped', label: 'Shipped', statuses: ['shipped'] },
  { key: 'declined', label: 'Declined', statuses: ['declined'] },
] as const satisfies readonly { key: string; label: string; statuses: readonly IdeaStatus[] }[]

/** How many visible ideas sit at each stage now (merged ideas live on in their target). */
export function statusFunnel(db: Db) {
  const rows = db.all<{ status: IdeaStatus; n: number }>(sql`
    select status, count(*) as n from ideas
    where deleted_at is null and hidden_at is null and status != 'merged'
    group by status`)
  const byStatus = new Map(rows.map((r) => [r.status, r.n]))
  return FUNNEL_STAGES.map((stage) => ({
    key: stage.key,
    label: stage.label,
    count: stage.statuses.reduce((sum, status) => sum + (byStatus.get(status) ?? 0), 0),
  }))
}

/**
 * For questions asked in the last ANSWER_WINDOW_DAYS: the median time to their first answer (of
 * those answered), and whether that first answer came from a customer (member) or from staff.
 * Questions walk questions_new_idx from the window's start; each one's first answer is one probe
 * of answers_question_order_idx.
 */
export function answerStats(db: Db, now = new Date()) {
  const since = now.getTime() - ANSWER_WINDOW_DAYS * DAY_MS
  const firstAnswers = sql`
    select q.id as question_id, q.created_at as asked_at,
      (select a.id from answers a
        where a.question_id = q.id and a.deleted_at is null and a.hidden_at is null
        order by a.created_at, a.id limit 1) as answer_id
    from questions q
    where q.deleted_at is null and q.hidden_at is null and q.created_at >= ${since}`
  const rows = db.all<{ role: string | null; n: number }>(sql`
    select u.role as role, count(*) as n
    from (${firstAnswers}) f
    left join answers a on a.id = f.answer_id
    left join users u on u.id = a.author_id
    group by u.role`)
  let asked = 0
  let byCustomers = 0
  let byStaff = 0
  for (const row of rows) {
    asked += row.n
    if (row.role === 'member') byCustomers += row.n
    else if (row.role) byStaff += row.n
  }
  const answered = byCustomers + byStaff
  // The median of the answered questions' delays: the middle one, or the mean of the middle two.
  const middle = answered
    ? db.all<{ delay: number }>(sql`
        select a.created_at - f.asked_at as delay
        from (${firstAnswers}) f join answers a on a.id = f.answer_id
        order by delay
        limit ${answered % 2 === 0 ? 2 : 1} offset ${Math.floor((answered - 1) / 2)}`)
    : []
  const medianMs = middle.length ? middle.reduce((sum, r) => sum + r.delay, 0) / middle.length : null
  return { windowDays: ANSWER_WINDOW_DAYS, asked, answered, unanswered: asked - answered, byCustomers, byStaff, medianMs }
}

export function getDashboard(db: Db, now = new Date()) {
  return { activity: weeklyActivity(db, now), funnel: statusFunnel(db), answers: answerStats(db, now) }
}
