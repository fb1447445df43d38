/**
 * Collects the SQL the benchmarked pages run and the query plan of each statement (used by
 * `npm run db:plans` on the large community and by a unit test on the template database).
 *
 * Each page's route loader (and the vote route's action) is called in-process, against a database
 * handle whose drizzle logger records every statement with its parameters; the statements are then
 * explained with EXPLAIN QUERY PLAN. A plan line that scans a big table is a problem, except an
 * index-only count over a covering index (noted, not flagged).
 */
import fs from 'node:fs'
import path from 'node:path'
import Database from 'better-sqlite3'
import { drizzle } from 'drizzle-orm/better-sqlite3'
import * as schema from '#db/schema'

/** Tables that stay small whatever the community's size: scanning them is fine. */
export const SMALL_TABLES: ReadonlySet<string> = new Set(['categories', 'segments', 'settings', 'tags', '__drizzle_migrations'])
/** The tables that grow with the community. */
export const BIG_TABLES: ReadonlySet<string> = new Set([
  'users',
  'sessions',
  'ideas',
  'idea_votes',
  'idea_status_changes',
  'idea_follows',
  'idea_tags',
  'questions',
  'question_tags',
  'question_views',
  'answers',
  'post_votes',
  'comments',
  'post_revisions',
  'reputation_events',
  'notifications',
  'flags',
  'moderation_log',
  'rate_limit_hits',
  'user_badges',
  'suggested_edits',
  'idea_notes',
  'email_outbox',
])

/** Partial indexes that hold only hidden or deleted posts (a few): scanning them is fine. */
export const SMALL_PARTIAL_INDEXES: ReadonlySet<string> = new Set(['ideas_removed_idx', 'questions_removed_idx'])

export type QueryPlan = { sql: string; params: unknown[]; plan: string[]; problems: string[]; notes: string[] }
export type PagePlan = { name: string; path: string; note?: string; queries: QueryPlan[] }

/**
 * Judges one EXPLAIN QUERY PLAN detail line of `sql` (whose whole plan is `plan`). A SCAN of a big
 * table is a problem, except:
 * - a walk of an index in the list's own order, stopped by the statement's LIMIT (no temporary
 *   B-tree sorts the rows): SQLite reports it as SCAN, but it reads only about LIMIT rows;
 * - an index-only count over a covering index (it reads the index, not the rows): noted;
 * - a scan of a partial index that holds only hidden or deleted posts (SMALL_PARTIAL_INDEXES).
 */
export function judgePlanLine(sql: string, detail: string, plan: string[]): { problem?: string; note?: string } {
  const scan = /^SCAN (\S+)(?: AS \S+)?(.*)$/.exec(detail)
  if (!scan) return {}
  const [, table = '', rest = ''] = scan
  if (!BIG_TABLES.has(table)) return {}
  const how = rest.trim()
  const index = /USING (?:COVERING )?INDEX (\S+)/.exec(how)?.[1]
  if (index && SMALL_PARTIAL_INDEXES.has(index)) return { note: `${table}: scan of ${index}, which holds only hidden or deleted rows` }
  if (/USING (COVERING )?INDEX/.test(how) && /\blimit\b/i.test(sql) && !plan.some((line) => /TEMP B-TREE FOR ORDER BY/.test(line))) {
    return { note: `${table}: index walk in list order, stopped by LIMIT (${how})` }
  }
  if (/USING COVERING INDEX/.test(how) && /^\s*select count\(/i.test(sql)) {
    return { note: `${table}: index-only count (${how})` }
  }
  return { problem: `full scan of ${table}${how ? ` (${how})` : ''}` }
}

type Captured = { sql: string; params: unknown[] }

/**
 * Calls the benchmarked pages' loaders on `file` and explains every statement they ran. The
 * database is opened through getDb(), so the app modules use the capturing handle.
 */
export async function collectPagePlans(file: string): Promise<PagePlan[]> {
  process.env.DATABASE_URL = file
  const { env, resetEnvCache } = await import('~/lib/env.server')
  const { databaseFile } = await import('~/lib/db.server')
  resetEnvCache() // env() reads the DATABASE_URL set above
  const captured: Captured[] = []
  let capturing = false
  const sqlite = new Database(file)
  sqlite.pragma('foreign_keys = ON')
  sqlite.pragma('busy_timeout = 5000')
  const db = drizzle({
    client: sqlite,
    schema,
    logger: { logQuery: (query, params) => void (capturing && captured.push({ sql: query, params })) },
  })
  const dbs = ((globalThis as unknown as { __summitDbs?: Map<string, unknown> }).__summitDbs ??= new Map())
  const key = databaseFile(env().DATABASE_URL)
  const previous = dbs.get(key)
  dbs.set(key, db)

  const one = <T>(query: string, ...params: unknown[]) => sqlite.prepare(query).get(...params) as T | undefined
  const visible = 'deleted_at is null and hidden_at is null'
  const idea = one<{ id: number }>(`select id from ideas where ${visible} and status != 'merged' order by comment_count desc limit 1`)
  const question = one<{ id: number }>(`select id from questions where ${visible} order by answer_count desc limit 1`)
  const topUser = one<{ id: number; username: string }>(
    'select id, username from users where deleted_at is null order by reputation desc, id limit 1',
  )

  const { startSession, SESSION_COOKIE_NAME } = await import('~/lib/auth.server')
  const voter = one<{ id: number }>(
    `select id from users where role = 'member' and deleted_at is null and suspended_until is null order by id desc limit 1`,
  )
  const voteIdea = voter
    ? one<{ id: number }>(
        `select i.id from ideas i where i.${visible.replace(' and ', ' and i.')} and i.status != 'merged' and i.locked_at is null
         and i.author_id != ? and not exists (select 1 from idea_votes v where v.idea_id = i.id and v.user_id = ?) order by i.id desc limit 1`,
        voter.id,
        voter.id,
      )
    : undefined

  const routesDir = path.resolve('app/routes')
  const profileRoute = fs.readdirSync(routesDir).find((name) => /^u\.\$[a-z]+(\.tsx?)?$/i.test(name))
  const load = async (route: string, exportName: 'loader' | 'action', request: Request, params: Record<string, string> = {}) => {
    const mod = (await import(route)) as Record<string, (args: unknown) => Promise<unknown>>
    try {
      await mod[exportName]!({ request, params, context: { cspNonce: 'plan', clientIp: '127.0.0.1' } })
    } catch (error) {
      if (!(error instanceof Response)) throw error // redirects and HTTP errors are thrown Responses
    }
  }
  const base = 'http://127.0.0.1'
  const pages: Array<{ name: string; path: string; note?: string; run?: () => Promise<void> }> = [
    { name: 'home', path: '/', run: () => load('~/routes/_index', 'loader', new Request(`${base}/`)) },
    {
      name: 'ideas top',
      path: '/ideas?sort=top',
      run: () => load('~/routes/ideas._index', 'loader', new Request(`${base}/ideas?sort=top`)),
    },
    {
      name: 'ideas trending',
      path: '/ideas?sort=trending',
      run: () => load('~/routes/ideas._index', 'loader', new Request(`${base}/ideas?sort=trending`)),
    },
    {
      name: 'idea page',
      path: `/ideas/${idea?.id}`,
      run: idea
        ? () => load('~/routes/ideas.$ideaId/route', 'loader', new Request(`${base}/ideas/${idea.id}`), { ideaId: String(idea.id) })
        : undefined,
    },
    {
      name: 'questions unanswered',
      path: '/questions?tab=unanswered',
      run: () => load('~/routes/questions._index', 'loader', new Request(`${base}/questions?tab=unanswered`)),
    },
    {
      name: 'question page',
      path: `/questions/${question?.id}`,
      run: question
        ? () =>
            load('~/routes/questions.$questionId/route', 'loader', new Request(`${base}/questions/${question.id}`), {
              questionId: String(question.id),
            })
        : undefined,
    },
    { name: 'roadmap', path: '/roadmap', run: () => load('~/routes/roadmap', 'loader', new Request(`${base}/roadmap`)) },
    {
      name: 'search common word',
      path: '/search?q=dashboard',
      run: () => load('~/routes/search', 'loader', new Request(`${base}/search?q=dashboard`)),
    },
    {
      name: 'search rare word',
      path: '/search?q=kerberos',
      run: () => load('~/routes/search', 'loader', new Request(`${base}/search?q=kerberos`)),
    },
    {
      name: 'top user profile',
      path: `/u/${topUser?.username}`,
      note: profileRoute ? undefined : 'no profile route in this build',
      run:
        profileRoute && topUser
          ? () =>
              load(`~/routes/${profileRoute.replace(/\.tsx?$/, '')}`, 'loader', new Request(`${base}/u/${topUser.username}`), {
                username: topUser.username,
              })
          : undefined,
    },
    {
      name: 'vote toggle (logged in)',
      path: `/ideas/${voteIdea?.id}/vote`,
      note: 'votes, then takes the vote back',
      run:
        voter && voteIdea
          ? async () => {
              capturing = false
              const cookie = await startSession(voter.id)
              capturing = true
              for (const voted of ['true', 'false']) {
                const request = new Request(`${base}/ideas/${voteIdea.id}/vote`, {
                  method: 'POST',
                  headers: {
                    Cookie: `${SESSION_COOKIE_NAME}=${cookie.value}`,
                    'Content-Type': 'application/x-www-form-urlencoded',
                    Origin: base,
                  },
                  body: new URLSearchParams({ voted }),
                })
                await load('~/routes/ideas.$ideaId.vote', 'action', request, { ideaId: String(voteIdea.id) })
              }
              capturing = false
              sqlite.prepare('delete from sessions where id = ?').run(cookie.value)
            }
          : undefined,
    },
  ]

  const results: PagePlan[] = []
  for (const page of pages) {
    captured.length = 0
    if (page.run) {
      capturing = true
      try {
        await page.run()
      } finally {
        capturing = false
      }
    }
    const seen = new Set<string>()
    const queries: QueryPlan[] = []
    for (const { sql, params } of captured) {
      if (seen.has(sql) || !/^\s*(select|with|update|delete|insert)/i.test(sql)) continue
      seen.add(sql)
      const bound = params.map((p) => (typeof p === 'boolean' ? Number(p) : p instanceof Date ? p.getTime() : p))
      const rows = sqlite.prepare(`explain query plan ${sql}`).all(...bound) as { detail: string }[]
      const plan = rows.map((r) => r.detail)
      const problems: string[] = []
      const notes: string[] = []
      for (const line of plan) {
        const verdict = judgePlanLine(sql, line, plan)
        if (verdict.problem) problems.push(verdict.problem)
        if (verdict.note) notes.push(verdict.note)
      }
      queries.push({ sql, params: bound, plan, problems, notes })
    }
    results.push({ name: page.name, path: page.path, note: page.note ?? (page.run ? undefined : 'nothing to show'), queries })
  }
  if (previous) dbs.set(key, previous)
  else dbs.delete(key)
  sqlite.close()
  return results
}
