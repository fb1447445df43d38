/**
 * Product dashboard timings on a synthetic community: `npx tsx scripts/bench-product.ts`.
 * Builds a temporary database with 50,000 ideas, 500,000 votes spread over two years from 20,000
 * members (70% of them in one of 5 weighted segments, 40% in one of 2,000 customer companies on 4
 * plans), then times each ranking of /admin/ideas (first and last page, by company and revenue,
 * with a plan filter), an idea page's company panel, the dashboard figures and the CSV exports,
 * and prints the median of 5 runs in milliseconds. `--ideas N --votes N --users N` change the size. The database is deleted
 * unless `--keep` is given (then its path is printed, to try queries by hand).
 */
import './load-env'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { migrateDatabase, openDatabase } from '~/lib/db.server'
import { getDashboard } from '~/models/analytics.server'
import { listIdeaCompanies } from '~/models/companies.server'
import { ideasCsvExport, listProductIdeas, type ProductRankingInput, votersCsvExport } from '~/models/product.server'

const arg = (name: string, fallback: number) => Number(process.argv[process.argv.indexOf(`--${name}`) + 1]) || fallback
const IDEAS = arg('ideas', 50_000)
const VOTES = arg('votes', 500_000)
const USERS = arg('users', 20_000)
const COMPANIES = Math.max(1, Math.round(USERS / 10))
const PLANS = ['Starter', 'Team', 'Business', 'Enterprise']
const RUNS = 5
const DAY = 86_400_000

/** A small seeded generator (mulberry32), so runs compare. */
function random(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'summit-bench-')), 'bench.db')
const db = openDatabase(file)
migrateDatabase(db)
const sqlite = db.$client
const rand = random(42)
const now = Date.now()

console.log(`Building ${IDEAS} ideas, ${VOTES} votes, ${USERS} members in ${file} …`)
const built = performance.now()
sqlite.transaction(() => {
  const weights = [1, 2, 3, 5, 0.5]
  weights.forEach((w, i) => sqlite.prepare('insert into segments (name, weight, position) values (?, ?, ?)').run(`Segment ${i + 1}`, w, i))
  for (let i = 0; i < 10; i++)
    sqlite.prepare('insert into categories (slug, name, position) values (?, ?, ?)').run(`cat-${i}`, `Category ${i}`, i)
  const company = sqlite.prepare('insert into companies (name, external_id, plan, monthly_revenue) values (?, ?, ?, ?)')
  for (let i = 1; i <= COMPANIES; i++) {
    // Most customers on the small plans; revenue grows steeply with the plan.
    const plan = Math.floor(rand() ** 2 * PLANS.length)
    company.run(`Company ${i}`, `ext-${i}`, PLANS[plan], Math.round((plan + 1) ** 3 * 100 * (0.5 + rand())))
  }
  const user = sqlite.prepare(
    'insert into users (username, email, password_hash, display_name, segment_id, company_id, created_at) values (?, ?, ?, ?, ?, ?, ?)',
  )
  for (let i = 1; i <= USERS; i++) {
    const segment = rand() < 0.7 ? 1 + Math.floor(rand() * weights.length) : null
    const companyId = rand() < 0.4 ? 1 + Math.floor(rand() * COMPANIES) : null
    user.run(`u${i}`, `u${i}@example.com`, 'x', `User ${i}`, segment, companyId, now - 800 * DAY)
  }
  const statuses = ['open', 'open', 'open', 'open', 'under_review', 'planned', 'in_progress', 'shipped', 'declined']
  const idea = sqlite.prepare(
    'insert into ideas (author_id, category_id, title, body_md, body_html, status, created_at, last_activity_at, status_changed_at, updated_at) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
  )
  for (let i = 1; i <= IDEAS; i++) {
    const at = now - Math.floor(rand() * 730 * DAY)
    idea.run(
      1 + Math.floor(rand() * USERS),
      1 + Math.floor(rand() * 10),
      `Idea number ${i} for the bench`,
      'Body',
      '<p>Body</p>',
      statuses[Math.floor(rand() * statuses.length)],
      at,
      at,
      at,
      at,
    )
  }
  const vote = sqlite.prepare('insert or ignore into idea_votes (idea_id, user_id, created_at) values (?, ?, ?)')
  let cast = 0
  while (cast < VOTES) {
    // Skewed: a few ideas gather most votes, as on real sites.
    const ideaId = 1 + Math.floor(IDEAS * rand() ** 3)
    cast += vote.run(ideaId, 1 + Math.floor(rand() * USERS), now - Math.floor(rand() * 730 * DAY)).changes
  }
  sqlite.exec('update ideas set vote_count = (select count(*) from idea_votes v where v.idea_id = ideas.id)')
})()
console.log(`Built in ${Math.round(performance.now() - built)} ms.\n`)

function time(label: string, fn: () => unknown) {
  fn() // warm the page cache
  const runs: number[] = []
  for (let i = 0; i < RUNS; i++) {
    const start = performance.now()
    fn()
    runs.push(performance.now() - start)
  }
  runs.sort((a, b) => a - b)
  console.log(`${label.padEnd(52)} ${runs[Math.floor(RUNS / 2)]!.toFixed(1).padStart(8)} ms`)
}

const base: ProductRankingInput = {
  sort: 'votes',
  windowDays: 30,
  segmentId: null,
  status: null,
  categoryId: null,
  page: 1,
  withCompanies: true,
}
for (const [label, input] of [
  ['votes, page 1', {}],
  ['votes, page 20', { page: 20 }],
  ['votes, status open, page 1', { status: 'open' }],
  ['trend 7 days', { sort: 'trend', windowDays: 7 }],
  ['trend 30 days', { sort: 'trend', windowDays: 30 }],
  ['trend 90 days, page 20', { sort: 'trend', windowDays: 90, page: 20 }],
  ['segment 4, page 1', { sort: 'segment', segmentId: 4 }],
  ['segment 4, page 20, category 3', { sort: 'segment', segmentId: 4, page: 20, categoryId: 3 }],
  ['weighted, page 1', { sort: 'weighted' }],
  ['weighted, page 20, status planned', { sort: 'weighted', page: 20, status: 'planned' }],
  ['votes, page 1, without company figures', { withCompanies: false }],
  ['companies, page 1', { sort: 'companies' }],
  ['companies, page 20', { sort: 'companies', page: 20 }],
  ['revenue, page 1', { sort: 'revenue' }],
  ['revenue, page 1, plan Enterprise', { sort: 'revenue', plan: 'Enterprise' }],
  ['revenue, page 1, plan Starter', { sort: 'revenue', plan: 'Starter' }],
  ['votes, page 1, plan Enterprise', { plan: 'Enterprise' }],
  ['weighted, page 1, plan Business', { sort: 'weighted', plan: 'Business' }],
] as const) {
  time(`/admin/ideas ${label}`, () => listProductIdeas(db, { ...base, ...(input as Partial<ProductRankingInput>) }))
}
time('/admin dashboard (weeks, funnel, answers)', () => getDashboard(db))
const drain = (next: () => unknown[] | null) => {
  let rows = 0
  for (let batch = next(); batch; batch = next()) rows += batch.length
  return rows
}
time(`ideas CSV, all ${IDEAS} ideas`, () => drain(ideasCsvExport(db, { status: null, categoryId: null, origin: 'http://x' }).nextBatch))
const top = sqlite.prepare('select id, vote_count as n from ideas order by vote_count desc limit 1').get() as { id: number; n: number }
time(`voters CSV of the top idea (${top.n} voters)`, () => drain(votersCsvExport(db, top.id).nextBatch))
time(`companies panel of the top idea (${top.n} voters)`, () => listIdeaCompanies(db, top.id))

db.$client.close()
if (process.argv.includes('--keep')) console.log(`\nKept ${file}`)
else fs.rmSync(path.dirname(file), { recursive: true, force: true })
