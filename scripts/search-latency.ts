/**
 * Search latency: `npm run bench:search`. Runs 100 queries through search() and prints p50, p95
 * and max in milliseconds.
 *
 * It uses DATABASE_URL when that database has content (read only: nothing is migrated or written).
 * When it is missing or empty, it seeds the demo community into a temporary database, measures
 * there and deletes it. Queries are 1 to 3 words drawn from the posts themselves, half from the
 * most common words and half from words that occur once or twice, with a fixed random seed so
 * runs compare. `--queries N` changes the count.
 */
import './load-env'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { createRandom, isDatabaseEmpty, seedDemoCommunity } from '#db/seed/demo-community'
import { databaseFile, type Db, migrateDatabase, openDatabase } from '~/lib/db.server'
import { search } from '~/models/search.server'

const QUERY_COUNT = Number(process.argv[process.argv.indexOf('--queries') + 1]) || 100
const WARM_UP_QUERIES = 10
const COMMON_WORDS = 40
const BENCH_SEED = 7

function hasContent(file: string) {
  if (!fs.existsSync(file)) return false
  const db = openDatabase(file)
  try {
    return !isDatabaseEmpty(db)
  } catch {
    return false // not migrated: no users table
  } finally {
    db.$client.close()
  }
}

async function openBenchDatabase(): Promise<{ db: Db; label: string; cleanup: () => void }> {
  const file = databaseFile()
  if (hasContent(file)) {
    const db = openDatabase(file)
    return { db, label: file, cleanup: () => db.$client.close() }
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'summit-bench-'))
  const db = openDatabase(path.join(dir, 'bench.db'))
  migrateDatabase(db)
  await seedDemoCommunity(db, { password: 'bench-password-not-used' })
  return {
    db,
    label: `a temporary database with the demo community (${file} is ${fs.existsSync(file) ? 'empty' : 'missing'})`,
    cleanup: () => {
      db.$client.close()
      fs.rmSync(dir, { recursive: true, force: true })
    },
  }
}

/** Word frequencies over the visible posts' titles and bodies. */
function wordFrequencies(db: Db) {
  const rows = db.$client
    .prepare(
      `select title || ' ' || body_md as text from ideas where deleted_at is null and hidden_at is null
       union all select title || ' ' || body_md from questions where deleted_at is null and hidden_at is null
       union all select body_md from answers where deleted_at is null and hidden_at is null`,
    )
    .all() as Array<{ text: string }>
  const counts = new Map<string, number>()
  for (const { text } of rows) {
    for (const word of text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []) {
      if (word.length >= 3) counts.set(word, (counts.get(word) ?? 0) + 1)
    }
  }
  return { counts, posts: rows.length }
}

function buildQueries(counts: Map<string, number>, n: number) {
  const byFrequency = [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
  const common = byFrequency.slice(0, COMMON_WORDS).map(([word]) => word)
  const rare = byFrequency.filter(([, count]) => count <= 2).map(([word]) => word)
  if (common.length === 0) throw new Error('No words to search for: the database has no posts.')
  const rng = createRandom(BENCH_SEED)
  return Array.from({ length: n }, () =>
    Array.from({ length: rng.int(1, 3) }, () => (rare.length && rng.chance(0.5) ? rng.pick(rare) : rng.pick(common))).join(' '),
  )
}

/** Nearest-rank percentile of sorted values. */
function percentile(sorted: number[], p: number) {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))]!
}

const { db, label, cleanup } = await openBenchDatabase()
try {
  const { counts, posts } = wordFrequencies(db)
  const queries = buildQueries(counts, QUERY_COUNT)
  for (const q of queries.slice(0, WARM_UP_QUERIES)) search(db, { q })
  const timings: number[] = []
  let hits = 0
  for (const q of queries) {
    const started = performance.now()
    hits += search(db, { q }).hits.length
    timings.push(performance.now() - started)
  }
  const sorted = [...timings].sort((a, b) => a - b)
  const ms = (value: number) => `${value.toFixed(2)} ms`
  console.log(`Search latency over ${label}`)
  console.log(
    `${posts} visible posts, ${counts.size} distinct words; ${queries.length} queries of 1-3 words (e.g. ${queries
      .slice(0, 3)
      .map((q) => `“${q}”`)
      .join(', ')})`,
  )
  console.log(
    `p50 ${ms(percentile(sorted, 0.5))}   p95 ${ms(percentile(sorted, 0.95))}   max ${ms(sorted.at(-1)!)}   (mean ${ms(timings.reduce((a, b) => a + b, 0) / timings.length)}, ${(hits / queries.length).toFixed(1)} hits per query on page 1)`,
  )
} finally {
  cleanup()
}
