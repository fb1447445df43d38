/**
 * Cached counters and their recounts. Every counter (votes, comments, answers, scores, tag counts,
 * the unanswered flag, reputation) is moved in the same transaction as the rows it counts; this
 * module recomputes each one from its rows, to check that promise (`npm run recount`) and to repair
 * a database after a bulk import (`--fix`).
 */
import { sql } from 'drizzle-orm'
import { type Db, writeTransaction } from '~/lib/db.server'

type CounterCheck = {
  /** What is counted, as shown in reports. */
  name: string
  table: string
  column: string
  /** The recount, as a correlated subquery over `t` (the row being checked). */
  recount: string
}

/** Every cached counter. The subqueries are constant SQL (no user input). */
export const COUNTERS: readonly CounterCheck[] = [
  { name: 'idea votes', table: 'ideas', column: 'vote_count', recount: 'select count(*) from idea_votes v where v.idea_id = t.id' },
  {
    name: 'idea comments',
    table: 'ideas',
    column: 'comment_count',
    recount:
      "select count(*) from comments c where c.target_type = 'idea' and c.target_id = t.id and c.hidden_at is null and c.deleted_at is null",
  },
  {
    name: 'question answers',
    table: 'questions',
    column: 'answer_count',
    recount: 'select count(*) from answers a where a.question_id = t.id and a.hidden_at is null and a.deleted_at is null',
  },
  {
    name: 'question comments',
    table: 'questions',
    column: 'comment_count',
    recount:
      "select count(*) from comments c where c.target_type = 'question' and c.target_id = t.id and c.hidden_at is null and c.deleted_at is null",
  },
  {
    name: 'question score',
    table: 'questions',
    column: 'score',
    recount: "select coalesce(sum(p.value), 0) from post_votes p where p.target_type = 'question' and p.target_id = t.id",
  },
  {
    name: 'unanswered flag',
    table: 'questions',
    column: 'is_unanswered',
    recount:
      'select t.accepted_answer_id is null and not exists (select 1 from answers a where a.question_id = t.id and a.score > 0 and a.deleted_at is null and a.hidden_at is null)',
  },
  {
    name: 'answer score',
    table: 'answers',
    column: 'score',
    recount: "select coalesce(sum(p.value), 0) from post_votes p where p.target_type = 'answer' and p.target_id = t.id",
  },
  {
    name: 'answer comments',
    table: 'answers',
    column: 'comment_count',
    recount:
      "select count(*) from comments c where c.target_type = 'answer' and c.target_id = t.id and c.hidden_at is null and c.deleted_at is null",
  },
  { name: 'tag questions', table: 'tags', column: 'question_count', recount: 'select count(*) from question_tags q where q.tag_id = t.id' },
  { name: 'tag ideas', table: 'tags', column: 'idea_count', recount: 'select count(*) from idea_tags i where i.tag_id = t.id' },
  {
    name: 'reputation',
    table: 'users',
    column: 'reputation',
    recount: 'select 1 + coalesce(sum(e.delta), 0) from reputation_events e where e.user_id = t.id',
  },
]

export type CounterMismatch = { counter: string; table: string; id: number; cached: number; recounted: number }

/** Every row whose cached counter differs from its recount. */
export function findCounterMismatches(db: Db, counters: readonly CounterCheck[] = COUNTERS): CounterMismatch[] {
  return counters.flatMap((c) =>
    db
      .all<{ id: number; cached: number; recounted: number }>(
        sql.raw(`select t.id as id, t.${c.column} as cached, (${c.recount}) as recounted from ${c.table} t where cached is not recounted`),
      )
      .map((row) => ({ counter: c.name, table: c.table, ...row })),
  )
}

/** Rewrites every mismatched counter from its rows, in one transaction. Returns how many rows changed. */
export function fixCounters(db: Db, counters: readonly CounterCheck[] = COUNTERS) {
  return writeTransaction(db, (tx) => {
    let changed = 0
    for (const c of counters) {
      changed += tx.run(sql.raw(`update ${c.table} as t set ${c.column} = (${c.recount}) where ${c.column} is not (${c.recount})`)).changes
    }
    return changed
  })
}
