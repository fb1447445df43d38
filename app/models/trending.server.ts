/** Trending ideas: each idea's score from the votes of the last days, recent votes weighing more. */
import { gte, sql } from 'drizzle-orm'
import { ideaVotes } from '#db/schema'
import { type Db } from '~/lib/db.server'

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
export const HOUR_MS = 3_600_000
const DAY_MS = 86_400_000

export function trendingScores(db: Db, now: Date) {
  const anchor = Math.floor(now.getTime() / HOUR_MS) * HOUR_MS
  const halfLifeMs = sql.raw(`${TRENDING_HALF_LIFE_DAYS * DAY_MS}.0`)
  return (
    db
      .select({
        ideaId: sql<number>`${ideaVotes.ideaId}`.as('idea_id'), // an expression: drizzle does not see a table in `from(sql)`
        score: sql<number>`cast(round(sum(pow(0.5, (${anchor} - ${ideaVotes.createdAt}) / ${halfLifeMs})) * 1000) as integer)`.as('score'),
      })
      // Without table statistics SQLite prefers walking idea_votes_idea_time_idx whole (it saves the
      // GROUP BY sort); over years of votes the range scan of one week is far cheaper, so it is named.
      .from(sql`${ideaVotes} indexed by idea_votes_time_idx`)
      .where(gte(ideaVotes.createdAt, new Date(anchor - TRENDING_WINDOW_DAYS * DAY_MS)))
      .groupBy(ideaVotes.ideaId)
      .as('trend')
  )
}
