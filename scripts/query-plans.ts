/**
 * Prints the query plan of every SQL statement behind the benchmarked pages, on the large
 * community, and flags any full scan of a big table:
 *
 *   npm run db:plans                         # data/large.db
 *   npm run db:plans -- --db data/other.db --verbose
 *
 * The statements are the exact ones the pages run: each page's route loader (and the vote
 * route's action) is called in-process against a database handle whose logger records every query
 * with its parameters; each one is then explained with EXPLAIN QUERY PLAN. Exit code 1 when a plan
 * scans a big table.
 */
import './load-env'
import fs from 'node:fs'
import path from 'node:path'
import { parseArgs } from 'node:util'
import { collectPagePlans, type PagePlan } from './lib/page-plans'

const { values: args } = parseArgs({
  options: { db: { type: 'string', default: 'data/large.db' }, verbose: { type: 'boolean', default: false } },
})
const file = path.resolve(args.db!)
if (!fs.existsSync(file)) {
  console.error(`${path.relative(process.cwd(), file)} does not exist: build it with npm run seed:large`)
  process.exit(2)
}

const pages: PagePlan[] = await collectPagePlans(file)
let flagged = 0
for (const page of pages) {
  const bad = page.queries.filter((q) => q.problems.length > 0)
  flagged += bad.length
  console.log(
    `\n${bad.length ? '✗' : '✓'} ${page.name}  ${page.path}  (${page.queries.length} queries${page.note ? `; ${page.note}` : ''})`,
  )
  for (const q of page.queries) {
    if (!args.verbose && q.problems.length === 0 && q.notes.length === 0) continue
    console.log(`  ${q.sql.replace(/\s+/g, ' ').slice(0, args.verbose ? 2000 : 160)}`)
    for (const line of q.plan) console.log(`      ${line}`)
    for (const p of q.problems) console.log(`    ✗ ${p}`)
    for (const n of q.notes) console.log(`    · ${n}`)
  }
}
console.log(
  `\n${flagged ? `${flagged} statement(s) scan a big table.` : 'No statement scans a big table.'} Allowed: scans of small tables (${'categories, segments, settings, tags'}), ` +
    'of subquery results, index walks in list order stopped by LIMIT, index-only counts, and the partial indexes of hidden or deleted posts (noted with ·). Use --verbose for every plan.',
)
process.exit(flagged ? 1 : 0)
