/**
 * Builds a large, realistic community in its own database file, for benchmarks and query plans:
 *
 *   npm run seed:large                          # data/large.db: 20,000 users, 50,000 ideas, …
 *   npm run seed:large -- --scale 0.1           # a tenth of everything
 *   npm run seed:large -- --users 5000 --ideas 8000 --out data/mid.db
 *
 * Rows are written with bulk prepared statements in large transactions (not through the model
 * functions, which do one transaction per action), into `<out>.building`; only a finished,
 * checked file is renamed over `<out>`, so an interrupted run never leaves a half-built database
 * where the server would open it. A rerun starts over.
 *
 * The content comes from a seeded PRNG (--seed): the same options give the same community. Times
 * are spread over the two years before the run, with more activity recently, so "trending" has
 * recent votes. Popularity is skewed (power laws): a few ideas collect thousands of votes and most
 * a handful; a few members do most of the posting and voting.
 *
 * Every cached counter (votes, comments, answers, scores, tag counts, the unanswered flag) and
 * every member's reputation is computed from the rows with the same SQL as `npm run recount`, so
 * `npm run recount` and `npm run reputation:verify` pass on the result. The reputation ledger obeys
 * the daily vote cap: vote events are replayed in time order and each capped event records only
 * what is left of its author's cap for that UTC day, as recordReputation does. Full-text indexes are
 * filled by the migrations' triggers. Badges, notifications, follows and flags are left empty.
 */
import './load-env'
import fs from 'node:fs'
import path from 'node:path'
import { parseArgs } from 'node:util'
import { findCounterMismatches, fixCounters } from '~/models/counters.server'
import { DAILY_VOTE_REPUTATION_CAP, REPUTATION } from '~/models/reputation.server'
import { migrateDatabase, openDatabase } from '~/lib/db.server'
import { renderMarkdown } from '~/lib/markdown.server'
import { hashPassword } from '~/lib/password.server'

const { values: args } = parseArgs({
  options: {
    scale: { type: 'string' },
    users: { type: 'string' },
    ideas: { type: 'string' },
    'idea-votes': { type: 'string' },
    questions: { type: 'string' },
    answers: { type: 'string' },
    'post-votes': { type: 'string' },
    comments: { type: 'string' },
    out: { type: 'string' },
    seed: { type: 'string' },
    help: { type: 'boolean' },
  },
})

if (args.help) {
  console.log(`Usage: npm run seed:large -- [--scale 1] [--users N] [--ideas N] [--idea-votes N] [--questions N]
       [--answers N] [--post-votes N] [--comments N] [--out data/large.db] [--seed 42]`)
  process.exit(0)
}

function numberArg(name: string, value: string | undefined, fallback: number) {
  if (value === undefined) return fallback
  const n = Number(value)
  if (!Number.isFinite(n) || n <= 0) {
    console.error(`--${name} must be a positive number (got "${value}")`)
    process.exit(2)
  }
  return n
}

const scale = numberArg('scale', args.scale, 1)
const scaled = (name: string, value: string | undefined, base: number) => Math.max(1, Math.round(numberArg(name, value, base * scale)))
const SIZE = {
  users: Math.max(50, scaled('users', args.users, 20_000)),
  ideas: Math.max(20, scaled('ideas', args.ideas, 50_000)),
  ideaVotes: scaled('idea-votes', args['idea-votes'], 500_000),
  questions: Math.max(10, scaled('questions', args.questions, 30_000)),
  answers: Math.max(40, scaled('answers', args.answers, 100_000)),
  postVotes: scaled('post-votes', args['post-votes'], 300_000),
  comments: Math.max(250, scaled('comments', args.comments, 100_000)),
}
const OUT = path.resolve(args.out ?? 'data/large.db')
const BUILDING = `${OUT}.building`
const SEED = numberArg('seed', args.seed, 42)

/** Comments on the benchmark's idea page, and answers on its question page. */
const BENCH_IDEA_COMMENTS = 220
const BENCH_QUESTION_ANSWERS = 35

const DAY = 86_400_000
const SPAN = 730 * DAY
const NOW = Math.floor(Date.now() / 60_000) * 60_000
const START = NOW - SPAN

// ---------------------------------------------------------------------------------------------
// Randomness
// ---------------------------------------------------------------------------------------------

/** mulberry32: small, fast and deterministic. */
function prng(seed: number) {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}
const rand = prng(SEED)
const int = (n: number) => Math.floor(rand() * n)
const pick = <T>(list: readonly T[]): T => list[int(list.length)]!
const chance = (p: number) => rand() < p

/** Fisher–Yates: a random permutation of 0..n-1. */
function permutation(n: number) {
  const p = new Int32Array(n)
  for (let i = 0; i < n; i++) p[i] = i
  for (let i = n - 1; i > 0; i--) {
    const j = int(i + 1)
    const t = p[i]!
    p[i] = p[j]!
    p[j] = t
  }
  return p
}

/** Samples indexes 0..n-1 in proportion to their weights (optionally only among the first `limit`). */
class WeightedSampler {
  private readonly cumulative: Float64Array
  constructor(weights: ArrayLike<number>) {
    this.cumulative = new Float64Array(weights.length)
    let sum = 0
    for (let i = 0; i < weights.length; i++) {
      sum += weights[i]!
      this.cumulative[i] = sum
    }
  }
  sample(limit = this.cumulative.length) {
    const c = this.cumulative
    const target = rand() * c[limit - 1]!
    let lo = 0
    let hi = limit - 1
    while (lo < hi) {
      const mid = (lo + hi) >>> 1
      if (c[mid]! > target) hi = mid
      else lo = mid + 1
    }
    return lo
  }
}

/** Power-law weights over a random ranking: weight = 1 / rank^s. */
function zipfWeights(n: number, s: number, ranks: Int32Array = permutation(n)) {
  const w = new Float64Array(n)
  for (let i = 0; i < n; i++) w[i] = 1 / Math.pow(ranks[i]! + 1, s)
  return w
}

/** A time between `from` and NOW, denser towards NOW when bias > 1 and towards `from` when < 1. */
function timeBetween(from: number, bias: number) {
  return Math.round(from + (NOW - from) * Math.pow(rand(), 1 / bias))
}

/** Sorted random times over the span, denser recently (growth of the community). */
function sortedTimes(n: number, from = START) {
  const times = new Float64Array(n)
  for (let i = 0; i < n; i++) times[i] = timeBetween(from, 1.6)
  return times.sort()
}

/** The number of entries of a sorted array that are <= t. */
function countUpTo(sorted: Float64Array, t: number) {
  let lo = 0
  let hi = sorted.length
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if (sorted[mid]! <= t) lo = mid + 1
    else hi = mid
  }
  return lo
}

// ---------------------------------------------------------------------------------------------
// Text: plain sentences, so the stored HTML is exactly what renderMarkdown makes of them
// ---------------------------------------------------------------------------------------------

const FIRST = [
  'ada',
  'ben',
  'chloe',
  'dev',
  'emma',
  'felix',
  'grace',
  'hugo',
  'isla',
  'jonas',
  'kai',
  'lena',
  'mateo',
  'nora',
  'omar',
  'priya',
  'quinn',
  'rosa',
  'sam',
  'tara',
  'umar',
  'vera',
  'wei',
  'xena',
  'yusuf',
  'zoe',
  'aiko',
  'bruno',
  'carla',
  'dmitri',
  'elif',
  'farah',
  'goran',
  'hana',
  'ivan',
  'jade',
  'kofi',
  'lucia',
  'milo',
  'nadia',
]
const LAST = [
  'adams',
  'becker',
  'chen',
  'diaz',
  'evans',
  'fischer',
  'garcia',
  'haddad',
  'ito',
  'jensen',
  'kowalski',
  'larsen',
  'moreau',
  'nakamura',
  'okafor',
  'patel',
  'quiroga',
  'rossi',
  'silva',
  'tanaka',
  'usman',
  'varga',
  'wagner',
  'xu',
  'yilmaz',
  'zhang',
  'novak',
  'horvat',
  'berg',
  'costa',
]
const cap = (s: string) => s.charAt(0).toUpperCase() + s.slice(1)

const VERBS = [
  'Add',
  'Allow',
  'Support',
  'Improve',
  'Export',
  'Schedule',
  'Share',
  'Filter',
  'Show',
  'Sync',
  'Customize',
  'Bulk edit',
  'Import',
  'Duplicate',
  'Archive',
  'Search',
  'Pin',
  'Lock',
  'Comment on',
  'Version',
]
const OBJECTS = [
  'dashboards',
  'reports',
  'charts',
  'alerts',
  'data sources',
  'saved queries',
  'the query editor',
  'team workspaces',
  'user roles',
  'API tokens',
  'CSV exports',
  'scheduled emails',
  'filters',
  'annotations',
  'funnels',
  'cohorts',
  'retention charts',
  'KPI widgets',
  'the mobile app',
  'embedded dashboards',
  'webhooks',
  'audit logs',
  'SSO login',
  'Slack notifications',
  'the data catalog',
  'pivot tables',
  'heatmaps',
  'forecasts',
  'goals',
  'segments',
]
const QUALIFIERS = [
  '',
  '',
  '',
  ' to PDF',
  ' by team',
  ' in dark mode',
  ' with version history',
  ' per workspace',
  ' from Snowflake',
  ' on mobile',
  ' for enterprise accounts',
  ' with custom colors',
  ' in bulk',
  ' through the API',
  ' without a page reload',
  ' across projects',
  ' from BigQuery',
  ' for guests',
  ' with keyboard shortcuts',
  ' in the sidebar',
]
const PAINS = [
  'it takes far too many clicks',
  'we lose our changes when the tab closes',
  'the numbers never match the warehouse',
  'our managers keep asking for it',
  'we copy everything into spreadsheets instead',
  'it is slow on large accounts',
  'new people on the team get lost',
  'we have to ask an admin every time',
]
const WISHES = [
  'remember the last settings',
  'work the same way on every page',
  'update in real time',
  'respect the workspace permissions',
  'keep a history we can roll back',
  'let us choose the time zone',
  'send a summary every Monday',
  'show who changed what',
]
const TEAMS = ['finance', 'marketing', 'sales', 'support', 'operations', 'product', 'data', 'security']
/** Words that appear in a few dozen posts only: the benchmark's rare search term is the first. */
const RARE = ['kerberos', 'zstandard', 'heliotrope', 'quokka', 'tessellation', 'mnemonic']
const TASKS = [
  'share a dashboard with a client',
  'connect a Postgres replica',
  'schedule a weekly report',
  'reset my API token',
  'filter a chart by region',
  'export a table to CSV',
  'add a teammate to a workspace',
  'change the default time zone',
  'embed a chart in our wiki',
  'set up an alert on revenue',
  'rename a data source',
  'restore a deleted report',
]
const PROBLEMS = [
  'show an empty chart',
  'time out after a minute',
  'ignore my filters',
  'show yesterday as today',
  'log me out every hour',
  'refuse to save',
  'count every row twice',
  'load so slowly',
]

function ideaTitle() {
  return `${pick(VERBS)} ${pick(OBJECTS)}${pick(QUALIFIERS)}`
}
function sentence() {
  switch (int(6)) {
    case 0:
      return `We use ${pick(OBJECTS)} every day and ${pick(PAINS)}.`
    case 1:
      return `It would save our ${pick(TEAMS)} team a few hours every week.`
    case 2:
      return `Ideally ${pick(OBJECTS)} would ${pick(WISHES)}.`
    case 3:
      return `Right now ${pick(PAINS)}, so we export ${pick(OBJECTS)} by hand.`
    case 4:
      return `Our ${pick(TEAMS)} team would love this for ${pick(OBJECTS)} as well.`
    default:
      return `Please make ${pick(OBJECTS)} ${pick(WISHES)}.`
  }
}
function rareSentence() {
  return chance(0.001) ? ` Our setup relies on ${pick(RARE)} for this.` : ''
}
function paragraphs(count: number) {
  const ps: string[] = []
  for (let p = 0; p < count; p++) ps.push(`${sentence()} ${sentence()}${rareSentence()}`)
  return ps
}
function questionTitle() {
  switch (int(3)) {
    case 0:
      return `How do I ${pick(TASKS)}?`
    case 1:
      return `Why do ${pick(OBJECTS)} ${pick(PROBLEMS)}?`
    default:
      return `Is it possible to ${pick(TASKS)}${pick(QUALIFIERS)}?`
  }
}
function questionBody() {
  return [`I am trying to ${pick(TASKS)} but ${pick(OBJECTS)} ${pick(PROBLEMS)}.${rareSentence()}`, sentence()]
}
function answerBody() {
  return [
    `You can ${pick(TASKS)} from the settings of ${pick(OBJECTS)}.${rareSentence()}`,
    chance(0.5) ? `If ${pick(OBJECTS)} ${pick(PROBLEMS)}, clear the filters and try again.` : sentence(),
  ]
}
const COMMENTS = [
  'Any update on this?',
  'We need this too.',
  'This would help our {team} team a lot.',
  'Same problem here with {object}.',
  'Thanks, that worked for me.',
  'Is there a workaround for {object} until then?',
  'Following, our {team} team asked for this yesterday.',
  'Could this also cover {object}?',
  'Great idea, upvoted.',
  'This is the main reason we still export {object} to spreadsheets.',
]
function commentBody() {
  return [pick(COMMENTS).replace('{team}', pick(TEAMS)).replace('{object}', pick(OBJECTS))]
}

const escapeHtml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
const toMd = (ps: string[]) => ps.join('\n\n')
const toHtml = (ps: string[]) => ps.map((p) => `<p>${escapeHtml(p)}</p>`).join('\n')

/** The shortcut above must give exactly what the app stores: checked on a sample before writing. */
function checkHtmlShortcut() {
  for (let i = 0; i < 300; i++) {
    const ps = [paragraphs(1 + (i % 3)), questionBody(), answerBody(), commentBody()][i % 4]!
    const expected = renderMarkdown(toMd(ps))
    if (toHtml(ps) !== expected) throw new Error(`Generated HTML differs from renderMarkdown:\n${toHtml(ps)}\n${expected}`)
  }
}

// ---------------------------------------------------------------------------------------------
// Progress, on stderr: a bar with counts, rate and time left
// ---------------------------------------------------------------------------------------------

class Progress {
  private done = 0
  private phaseDone = 0
  private phase = ''
  private phaseTotal = 0
  private lastDraw = 0
  private lastLine = 0
  private readonly started = performance.now()
  private readonly tty = process.stderr.isTTY === true
  constructor(private readonly total: number) {}
  start(phase: string, total: number) {
    this.phase = phase
    this.phaseTotal = total
    this.phaseDone = 0
    this.draw(true)
  }
  tick(n = 1) {
    this.done += n
    this.phaseDone += n
    this.draw(false)
  }
  finish() {
    this.draw(true)
    if (this.tty) process.stderr.write('\n')
  }
  elapsedSeconds() {
    return (performance.now() - this.started) / 1000
  }
  private draw(force: boolean) {
    const now = performance.now()
    if (!force && now - this.lastDraw < (this.tty ? 100 : 5000)) return
    this.lastDraw = now
    const fraction = Math.min(1, this.done / this.total)
    const elapsed = (now - this.started) / 1000
    const eta = fraction > 0.01 ? (elapsed * (1 - fraction)) / fraction : NaN
    const width = 24
    const filled = Math.round(fraction * width)
    const bar = `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}]`
    const fmt = (n: number) => Math.round(n).toLocaleString('en-US')
    const clock = (s: number) => (Number.isFinite(s) ? `${Math.floor(s / 60)}:${String(Math.round(s % 60)).padStart(2, '0')}` : '?')
    const rate = elapsed > 0 ? this.done / elapsed : 0
    const line = `${bar} ${String(Math.round(fraction * 100)).padStart(3)}%  ${this.phase} ${fmt(this.phaseDone)}/${fmt(this.phaseTotal)}  ${fmt(rate)} rows/s  elapsed ${clock(elapsed)}  left ~${clock(eta)}`
    if (this.tty) process.stderr.write(`\r\x1b[2K${line}`)
    else if (force || now - this.lastLine >= 5000) {
      this.lastLine = now
      process.stderr.write(`${line}\n`)
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Building
// ---------------------------------------------------------------------------------------------

function removeDatabaseFiles(file: string) {
  for (const suffix of ['', '-wal', '-shm', '-journal']) fs.rmSync(`${file}${suffix}`, { force: true })
}

let interrupted = false
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    interrupted = true
    process.stderr.write(`\n${signal}: stopping; ${path.basename(BUILDING)} is removed, ${path.basename(OUT)} is untouched.\n`)
    try {
      removeDatabaseFiles(BUILDING)
    } finally {
      process.exit(130)
    }
  })
}

/** Columnar reputation ledger, replayed in time order before it is written. */
const REASONS = [
  'question_upvoted',
  'answer_upvoted',
  'idea_upvoted',
  'post_downvoted',
  'downvote_cast',
  'answer_accepted',
  'accepted_an_answer',
  'idea_planned',
  'idea_shipped',
] as const
type Reason = (typeof REASONS)[number]
const CAPPED = new Set<Reason>(['question_upvoted', 'answer_upvoted', 'idea_upvoted'])
const SOURCE_TYPES = ['idea', 'question', 'answer'] as const
class Ledger {
  user: number[] = []
  reason: number[] = []
  sourceType: number[] = []
  sourceId: number[] = []
  actor: number[] = []
  at: number[] = []
  add(userId: number, reason: Reason, sourceType: (typeof SOURCE_TYPES)[number], sourceId: number, actorId: number, at: number) {
    this.user.push(userId)
    this.reason.push(REASONS.indexOf(reason))
    this.sourceType.push(SOURCE_TYPES.indexOf(sourceType))
    this.sourceId.push(sourceId)
    this.actor.push(actorId)
    this.at.push(at)
  }
  get length() {
    return this.user.length
  }
}

async function main() {
  checkHtmlShortcut()
  const passwordHash = await hashPassword(process.env.SEED_PASSWORD ?? 'summit-demo-pass')

  removeDatabaseFiles(BUILDING)
  const db = openDatabase(BUILDING)
  migrateDatabase(db)
  const sqlite = db.$client
  sqlite.pragma('foreign_keys = OFF')
  sqlite.pragma('synchronous = OFF')
  sqlite.pragma('cache_size = -262144') // 256 MiB while building
  sqlite.pragma('temp_store = MEMORY')

  // Secondary indexes are dropped while rows go in and rebuilt once at the end (much faster).
  const BULK_TABLES = [
    'users',
    'ideas',
    'idea_votes',
    'idea_status_changes',
    'questions',
    'answers',
    'post_votes',
    'comments',
    'reputation_events',
    'question_tags',
    'idea_tags',
  ]
  const droppedIndexes = sqlite
    .prepare(
      `select name, sql from sqlite_master where type = 'index' and sql is not null and tbl_name in (${BULK_TABLES.map(() => '?').join(', ')})`,
    )
    .all(...BULK_TABLES) as { name: string; sql: string }[]
  for (const index of droppedIndexes) sqlite.exec(`drop index "${index.name}"`)

  const estimatedLedger = SIZE.ideaVotes + SIZE.postVotes * 1.1 + SIZE.questions * 0.5
  const rowTotal =
    SIZE.users + SIZE.ideas + SIZE.ideaVotes + SIZE.questions + SIZE.answers + SIZE.postVotes + SIZE.comments + estimatedLedger
  // Rebuilding the indexes and the counters: counted as a share of the rows, for the estimate.
  const finishingUnits = Math.round(rowTotal * 0.15)
  const progress = new Progress(rowTotal + 2 * finishingUnits)
  const BATCH = 20_000
  /** Runs `insert` for every i in 0..n-1 in transactions of BATCH rows, ticking the bar. */
  /** Lets a pending Ctrl-C run its handler between two transactions. */
  const yieldToSignals = () => new Promise<void>((resolve) => setImmediate(resolve))
  async function bulk(n: number, insert: (i: number) => void) {
    const run = sqlite.transaction((from: number, to: number) => {
      for (let i = from; i < to; i++) insert(i)
    })
    for (let from = 0; from < n; from += BATCH) {
      const to = Math.min(n, from + BATCH)
      run(from, to)
      progress.tick(to - from)
      await yieldToSignals()
    }
  }
  const ledger = new Ledger()

  // --- Segments, categories, tags ------------------------------------------------------------
  sqlite.exec(
    `insert into segments (name, weight, position, created_at) values ('Free', 1, 0, ${START}), ('Pro', 2, 1, ${START}), ('Enterprise', 5, 2, ${START})`,
  )
  const CATEGORY_NAMES = [
    'Dashboards',
    'Reports',
    'Data sources',
    'Alerts',
    'Collaboration',
    'Administration',
    'Mobile',
    'API and integrations',
  ]
  const insertCategory = sqlite.prepare('insert into categories (slug, name, description, position, created_at) values (?, ?, ?, ?, ?)')
  CATEGORY_NAMES.forEach((name, i) =>
    insertCategory.run(name.toLowerCase().replace(/[^a-z]+/g, '-'), name, `Ideas about ${name.toLowerCase()}.`, i, START),
  )
  const categoryWeights = new WeightedSampler(zipfWeights(CATEGORY_NAMES.length, 0.8, Int32Array.from(CATEGORY_NAMES.keys())))
  const TAG_NAMES = [
    ...OBJECTS.map((o) => o.replace(/^the /, '').replace(/ /g, '-').toLowerCase()),
    'performance',
    'permissions',
    'billing',
    'onboarding',
    'accessibility',
    'localization',
    'sso',
    'csv',
    'pdf',
    'snowflake',
    'bigquery',
    'postgres',
    'slack',
    'teams',
    'jira',
    'salesforce',
    'hubspot',
    'excel',
    'python',
    'sql',
    'timezones',
    'caching',
    'sharing',
    'branding',
    'exports',
    'imports',
    'scheduling',
    'notifications',
    'security',
    'compliance',
  ]
  const insertTag = sqlite.prepare('insert into tags (name, description, created_at) values (?, ?, ?)')
  for (const name of TAG_NAMES) insertTag.run(name, '', START)
  const tagSampler = new WeightedSampler(zipfWeights(TAG_NAMES.length, 1.0))
  function sampleTags(max: number) {
    const set = new Set<number>()
    const n = int(max + 1)
    while (set.size < n) set.add(tagSampler.sample() + 1)
    return [...set]
  }

  // --- Users ---------------------------------------------------------------------------------
  const U = SIZE.users
  progress.start('users', U)
  const userCreated = sortedTimes(U)
  const STAFF = { admin: 0, product: [1, 2, 3, 4], moderators: [5, 6] } // indexes; ids are index + 1
  for (let i = 0; i <= 6; i++) userCreated[i] = START
  userCreated.sort()
  const userRanks = permutation(U)
  const authoring = new WeightedSampler(zipfWeights(U, 0.8, userRanks))
  const voting = new WeightedSampler(zipfWeights(U, 0.6, userRanks))
  const insertUser = sqlite.prepare(
    // Every member has confirmed their address (email_verified_at = created_at), as in a real community.
    'insert into users (id, username, email, password_hash, display_name, role, segment_id, created_at, last_seen_at, email_verified_at) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
  )
  await bulk(U, (i) => {
    const first = pick(FIRST)
    const last = pick(LAST)
    const username = `${first}_${last}${i + 1}`.slice(0, 30)
    const role = i === STAFF.admin ? 'admin' : STAFF.product.includes(i) ? 'product' : STAFF.moderators.includes(i) ? 'moderator' : 'member'
    const segment = role === 'member' ? 1 + int(3) : null
    insertUser.run(
      i + 1,
      username,
      `${username}@example.com`,
      passwordHash,
      `${cap(first)} ${cap(last)}`,
      role,
      segment,
      userCreated[i],
      timeBetween(userCreated[i]!, 3),
      userCreated[i],
    )
  })
  /** A member (1-based id) who already existed at time t, chosen by activity. */
  const authorAt = (t: number) => authoring.sample(Math.max(1, countUpTo(userCreated, t))) + 1
  const productUser = () => pick(STAFF.product) + 1

  // --- Ideas ---------------------------------------------------------------------------------
  const I = SIZE.ideas
  progress.start('ideas', I)
  const ideaCreated = sortedTimes(I, START + 7 * DAY)
  const ideaAuthor = new Int32Array(I)
  const ideaRanks = permutation(I) // 0 = the most popular idea
  const ideaStatus: string[] = new Array(I)
  const ideaStatusAt = new Float64Array(I)
  const ideaMergedInto = new Int32Array(I)
  const TOP_SHARE = 0.05
  const statusPick = (top: boolean) => {
    const r = rand() * 100
    const table: [string, number][] = top
      ? [
          ['open', 40],
          ['under_review', 15],
          ['planned', 15],
          ['in_progress', 10],
          ['shipped', 15],
          ['declined', 5],
        ]
      : [
          ['open', 88],
          ['under_review', 4],
          ['planned', 2],
          ['in_progress', 1],
          ['shipped', 2],
          ['declined', 3],
        ]
    let acc = 0
    for (const [status, weight] of table) {
      acc += weight
      if (r < acc) return status
    }
    return 'open'
  }
  const STATUS_PATHS: Record<string, string[]> = {
    open: [],
    under_review: ['under_review'],
    planned: ['under_review', 'planned'],
    in_progress: ['planned', 'in_progress'],
    shipped: ['planned', 'in_progress', 'shipped'],
    declined: ['under_review', 'declined'],
  }
  const NOTES: Record<string, string> = {
    under_review: 'Thanks for all the votes. The team is looking into this now.',
    planned: 'This is on our plan for the coming quarter.',
    in_progress: 'We started building this. Expect a beta soon.',
    shipped: 'This is live for every workspace. Thank you for the feedback.',
    declined: 'We decided not to build this for now. Here is why: it does not fit the product direction.',
    merged: 'Merged into a broader idea that covers the same need.',
  }
  const insertIdea = sqlite.prepare(
    `insert into ideas (id, author_id, category_id, title, body_md, body_html, status, merged_into_id, created_at, updated_at, last_activity_at, status_changed_at, hidden_at, hidden_reason, deleted_at)
     values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  )
  const insertStatusChange = sqlite.prepare(
    'insert into idea_status_changes (idea_id, from_status, to_status, actor_id, note_md, note_html, created_at) values (?, ?, ?, ?, ?, ?, ?)',
  )
  const insertIdeaTag = sqlite.prepare('insert or ignore into idea_tags (idea_id, tag_id) values (?, ?)')
  const ideaHidden = new Uint8Array(I)
  await bulk(I, (i) => {
    const id = i + 1
    const created = ideaCreated[i]!
    const author = authorAt(created)
    ideaAuthor[i] = author
    const isTop = ideaRanks[i]! < I * TOP_SHARE
    // A few unpopular, older ideas were merged into an earlier one.
    let status = ideaRanks[i]! > I * 0.5 && i > 10 && chance(0.006) ? 'merged' : statusPick(isTop)
    let mergedInto = 0
    if (status === 'merged') {
      mergedInto = 1 + int(i)
      if (ideaStatus[mergedInto - 1] === 'merged') status = 'open'
      else ideaMergedInto[i] = mergedInto
    }
    ideaStatus[i] = status
    const path = status === 'merged' ? ['merged'] : STATUS_PATHS[status]!
    let at = created
    let from = 'open'
    for (const to of path) {
      at = Math.round(at + (NOW - at) * rand() * 0.6)
      const note = to === 'in_progress' && chance(0.5) ? '' : NOTES[to]!
      insertStatusChange.run(id, from, to, productUser(), note, note ? toHtml([note]) : '', at)
      if (to === 'planned') ledger.add(author, 'idea_planned', 'idea', id, productUser(), at)
      if (to === 'shipped') ledger.add(author, 'idea_shipped', 'idea', id, productUser(), at)
      from = to
    }
    ideaStatusAt[i] = at
    const hidden = !isTop && status !== 'merged' && chance(0.002)
    const deleted = !isTop && !hidden && status !== 'merged' && chance(0.003)
    if (hidden || deleted) ideaHidden[i] = 1
    const ps = paragraphs(1 + int(3))
    insertIdea.run(
      id,
      author,
      1 + categoryWeights.sample(),
      ideaTitle(),
      toMd(ps),
      toHtml(ps),
      status,
      mergedInto || null,
      created,
      created,
      created,
      at,
      hidden ? timeBetween(created, 1) : null,
      hidden ? 'moderator' : null,
      deleted ? timeBetween(created, 1) : null,
    )
    for (const tagId of sampleTags(3)) insertIdeaTag.run(id, tagId)
  })

  // --- Idea votes: the author's own vote, then a power law of voters per idea ---------------
  const authorVotes = ideaStatus.filter((s) => s !== 'merged').length
  const othersTarget = Math.max(0, SIZE.ideaVotes - authorVotes)
  const voteCap = Math.floor(U * 0.3)
  const counts = new Int32Array(I)
  {
    const raw = new Float64Array(I)
    let sum = 0
    for (let i = 0; i < I; i++) {
      if (ideaStatus[i] === 'merged') continue
      raw[i] = Math.pow(ideaRanks[i]! + 1, -0.75)
      sum += raw[i]!
    }
    let total = 0
    for (let i = 0; i < I; i++) {
      counts[i] = Math.min(voteCap, Math.floor((raw[i]! / sum) * othersTarget))
      total += counts[i]!
    }
    const order = permutation(I)
    for (let k = 0; total < othersTarget; k = (k + 1) % I) {
      const i = order[k]!
      if (ideaStatus[i] !== 'merged' && counts[i]! < voteCap) {
        counts[i]!++
        total++
      }
    }
  }
  const totalIdeaVotes = authorVotes + counts.reduce((a, b) => a + b, 0)
  progress.start('idea votes', totalIdeaVotes)
  const insertIdeaVote = sqlite.prepare('insert into idea_votes (idea_id, user_id, created_at) values (?, ?, ?)')
  {
    const run = sqlite.transaction((from: number, to: number) => {
      for (let i = from; i < to; i++) {
        if (ideaStatus[i] === 'merged') continue
        const id = i + 1
        const author = ideaAuthor[i]!
        const created = ideaCreated[i]!
        insertIdeaVote.run(id, author, created)
        const voters = new Set<number>([author])
        const want = counts[i]!
        for (let tries = 0; voters.size <= want && tries < want * 20 + 100; tries++) {
          const user = voting.sample() + 1
          if (voters.has(user)) continue
          voters.add(user)
          const at = timeBetween(Math.max(created, userCreated[user - 1]!), 1.2)
          insertIdeaVote.run(id, user, at)
          ledger.add(author, 'idea_upvoted', 'idea', id, user, at)
        }
        progress.tick(voters.size)
      }
    })
    for (let from = 0; from < I; from += 2000) {
      run(from, Math.min(I, from + 2000))
      await yieldToSignals()
    }
  }

  // --- Questions -----------------------------------------------------------------------------
  const Q = SIZE.questions
  progress.start('questions', Q)
  const questionCreated = sortedTimes(Q, START + 7 * DAY)
  const questionAuthor = new Int32Array(Q)
  const questionRanks = permutation(Q)
  const insertQuestion = sqlite.prepare(
    `insert into questions (id, author_id, title, body_md, body_html, view_count, status, close_reason, created_at, updated_at, last_activity_at, hidden_at, hidden_reason, deleted_at)
     values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  )
  const insertQuestionTag = sqlite.prepare('insert or ignore into question_tags (question_id, tag_id) values (?, ?)')
  await bulk(Q, (i) => {
    const created = questionCreated[i]!
    const author = authorAt(created)
    questionAuthor[i] = author
    const closed = chance(0.02)
    const hidden = questionRanks[i]! > 10 && chance(0.002)
    const deleted = questionRanks[i]! > 10 && !hidden && chance(0.003)
    const ps = questionBody()
    const views = Math.round(20 + 5000 * Math.pow(questionRanks[i]! + 1, -0.6) * (0.5 + rand()))
    insertQuestion.run(
      i + 1,
      author,
      questionTitle(),
      toMd(ps),
      toHtml(ps),
      views,
      closed ? 'closed' : 'open',
      closed ? pick(['off_topic', 'resolved']) : null,
      created,
      created,
      created,
      hidden ? timeBetween(created, 1) : null,
      hidden ? 'moderator' : null,
      deleted ? timeBetween(created, 1) : null,
    )
    const tags = sampleTags(3)
    if (tags.length === 0) tags.push(tagSampler.sample() + 1)
    for (const tagId of tags) insertQuestionTag.run(i + 1, tagId)
  })

  // --- Answers: many questions have none, a few have dozens ---------------------------------
  const A = SIZE.answers
  const answersPer = new Int32Array(Q)
  {
    const raw = new Float64Array(Q)
    let sum = 0
    for (let q = 0; q < Q; q++) sum += raw[q] = Math.pow(questionRanks[q]! + 1, -0.3)
    let total = 0
    const benchQuestion = questionRanks.indexOf(0)
    for (let q = 0; q < Q; q++) {
      const mean = (raw[q]! / sum) * A * 1.15
      answersPer[q] = q === benchQuestion ? BENCH_QUESTION_ANSWERS : Math.min(60, Math.floor(-Math.log(1 - rand()) * mean))
      total += answersPer[q]!
    }
    const order = permutation(Q)
    for (let k = 0; total !== A; k = (k + 1) % Q) {
      const q = order[k]!
      if (q === benchQuestion) continue
      if (total < A && answersPer[q]! < 60 && answersPer[q]! > 0) {
        answersPer[q]!++
        total++
      } else if (total > A && answersPer[q]! > 1) {
        answersPer[q]!--
        total--
      }
    }
  }
  progress.start('answers', A)
  const answerQuestion = new Int32Array(A)
  const answerAuthor = new Int32Array(A)
  const answerCreated = new Float64Array(A)
  const answerAccepted = new Uint8Array(A)
  const insertAnswer = sqlite.prepare(
    'insert into answers (id, question_id, author_id, body_md, body_html, is_accepted, created_at, updated_at) values (?, ?, ?, ?, ?, ?, ?, ?)',
  )
  const acceptAnswer = sqlite.prepare('update questions set accepted_answer_id = ? where id = ?')
  {
    // Answers are generated question by question, then written in time order (ids follow time).
    const rows: { q: number; author: number; at: number; accepted: boolean }[] = []
    for (let q = 0; q < Q; q++) {
      const n = answersPer[q]!
      if (n === 0) continue
      const acceptedIndex = chance(0.35) ? int(Math.min(n, 3)) : -1
      for (let k = 0; k < n; k++) {
        const at = Math.round(questionCreated[q]! + (NOW - questionCreated[q]!) * Math.pow(rand(), 3))
        let author = authorAt(at)
        if (author === questionAuthor[q]) author = authorAt(at)
        const accepted = k === acceptedIndex && author !== questionAuthor[q]
        rows.push({ q, author, at, accepted })
      }
    }
    rows.sort((a, b) => a.at - b.at)
    await bulk(rows.length, (i) => {
      const row = rows[i]!
      const id = i + 1
      answerQuestion[i] = row.q + 1
      answerAuthor[i] = row.author
      answerCreated[i] = row.at
      answerAccepted[i] = row.accepted ? 1 : 0
      const ps = answerBody()
      insertAnswer.run(id, row.q + 1, row.author, toMd(ps), toHtml(ps), row.accepted ? 1 : 0, row.at, row.at)
      if (row.accepted) {
        acceptAnswer.run(id, row.q + 1)
        const at = Math.min(NOW, row.at + int(3 * DAY))
        ledger.add(row.author, 'answer_accepted', 'answer', id, questionAuthor[row.q]!, at)
        ledger.add(questionAuthor[row.q]!, 'accepted_an_answer', 'answer', id, questionAuthor[row.q]!, at)
      }
    })
  }

  // --- Post votes on questions and answers ----------------------------------------------------
  const PV = SIZE.postVotes
  progress.start('post votes', PV)
  {
    const weights = new Float64Array(Q + A)
    for (let q = 0; q < Q; q++) weights[q] = Math.pow(questionRanks[q]! + 1, -0.8) * 0.55
    for (let a = 0; a < A; a++) {
      const q = answerQuestion[a]! - 1
      weights[Q + a] = Math.pow(questionRanks[q]! + 1, -0.8) * (0.2 + rand()) * (answerAccepted[a] ? 3 : 1)
    }
    const posts = new WeightedSampler(weights)
    const seen = new Set<number>()
    const insertPostVote = sqlite.prepare(
      'insert into post_votes (target_type, target_id, user_id, value, created_at) values (?, ?, ?, ?, ?)',
    )
    let written = 0
    const run = sqlite.transaction((n: number) => {
      for (let k = 0; k < n;) {
        const p = posts.sample()
        const isQuestion = p < Q
        const index = isQuestion ? p : p - Q
        const postId = index + 1
        const author = isQuestion ? questionAuthor[index]! : answerAuthor[index]!
        const user = voting.sample() + 1
        const key = (isQuestion ? 0 : 1e13) + postId * 1_000_003 + user
        if (user === author || seen.has(key)) continue
        seen.add(key)
        const created = isQuestion ? questionCreated[index]! : answerCreated[index]!
        const at = timeBetween(Math.max(created, userCreated[user - 1]!), 0.7)
        const value = chance(isQuestion ? 0.06 : 0.09) ? -1 : 1
        const type = isQuestion ? 'question' : 'answer'
        insertPostVote.run(type, postId, user, value, at)
        if (value === 1) ledger.add(author, isQuestion ? 'question_upvoted' : 'answer_upvoted', type, postId, user, at)
        else {
          ledger.add(author, 'post_downvoted', type, postId, user, at)
          if (!isQuestion) ledger.add(user, 'downvote_cast', type, postId, user, at)
        }
        k++
      }
    })
    while (written < PV) {
      const n = Math.min(BATCH, PV - written)
      run(n)
      written += n
      progress.tick(n)
      await yieldToSignals()
    }
  }

  // --- Comments: ideas, questions and answers; the benchmark idea gets a long discussion ----
  const C = SIZE.comments
  progress.start('comments', C)
  {
    const benchIdea = ideaRanks.indexOf(0)
    const ideaWeights = new Float64Array(I)
    for (let i = 0; i < I; i++) ideaWeights[i] = ideaStatus[i] === 'merged' || i === benchIdea ? 0 : Math.pow(ideaRanks[i]! + 1, -0.7)
    const ideaSampler = new WeightedSampler(ideaWeights)
    const questionSampler = new WeightedSampler(zipfWeights(Q, 0.7, questionRanks))
    const answerSampler = new WeightedSampler(
      Float64Array.from({ length: A }, (_, a) => Math.pow(questionRanks[answerQuestion[a]! - 1]! + 1, -0.7)),
    )
    const rows: { type: 'idea' | 'question' | 'answer'; target: number; author: number; at: number }[] = []
    const add = (type: 'idea' | 'question' | 'answer', target: number, from: number) => {
      const at = timeBetween(from, 1.5)
      rows.push({ type, target, author: authorAt(at), at })
    }
    for (let k = 0; k < BENCH_IDEA_COMMENTS; k++) add('idea', benchIdea + 1, ideaCreated[benchIdea]!)
    while (rows.length < C) {
      const r = rand()
      if (r < 0.55) {
        const i = ideaSampler.sample()
        add('idea', i + 1, ideaCreated[i]!)
      } else if (r < 0.75) {
        const q = questionSampler.sample()
        add('question', q + 1, questionCreated[q]!)
      } else {
        const a = answerSampler.sample()
        add('answer', a + 1, answerCreated[a]!)
      }
    }
    rows.sort((a, b) => a.at - b.at)
    const insertComment = sqlite.prepare(
      'insert into comments (id, target_type, target_id, parent_id, author_id, body_md, body_html, created_at, updated_at) values (?, ?, ?, ?, ?, ?, ?, ?, ?)',
    )
    const topLevel = new Map<string, number[]>()
    await bulk(rows.length, (i) => {
      const row = rows[i]!
      const key = `${row.type}:${row.target}`
      const earlier = topLevel.get(key)
      const parent = earlier && chance(0.2) ? pick(earlier) : null
      if (!parent) {
        if (earlier) earlier.push(i + 1)
        else topLevel.set(key, [i + 1])
      }
      const ps = commentBody()
      insertComment.run(i + 1, row.type, row.target, parent, row.author, toMd(ps), toHtml(ps), row.at, row.at)
    })
  }

  // --- The reputation ledger, in time order, obeying the daily vote cap -----------------------
  const L = ledger.length
  progress.start('reputation ledger', L)
  {
    const order = Uint32Array.from({ length: L }, (_, k) => k).sort((x, y) => ledger.at[x]! - ledger.at[y]! || x - y)
    const earned = new Map<number, { day: number; total: number }>()
    const insertEvent = sqlite.prepare(
      'insert into reputation_events (user_id, delta, reason, source_type, source_id, actor_id, is_capped, created_at) values (?, ?, ?, ?, ?, ?, ?, ?)',
    )
    await bulk(L, (k) => {
      const e = order[k]!
      const reason = REASONS[ledger.reason[e]!]!
      const userId = ledger.user[e]!
      const at = ledger.at[e]!
      const isCapped = CAPPED.has(reason)
      let delta: number = REPUTATION[reason]
      if (isCapped) {
        const day = Math.floor(at / DAY)
        let today = earned.get(userId)
        if (!today || today.day !== day) earned.set(userId, (today = { day, total: 0 }))
        delta = Math.max(0, Math.min(delta, DAILY_VOTE_REPUTATION_CAP - today.total))
        today.total += delta
      }
      insertEvent.run(userId, delta, reason, SOURCE_TYPES[ledger.sourceType[e]!], ledger.sourceId[e], ledger.actor[e], isCapped ? 1 : 0, at)
    })
  }

  // --- Indexes, cached counters, activity times ---------------------------------------------
  progress.start('indexes', droppedIndexes.length)
  const indexUnits = Math.floor(finishingUnits / Math.max(1, droppedIndexes.length))
  for (const index of droppedIndexes) {
    sqlite.exec(index.sql)
    progress.tick(indexUnits)
    await yieldToSignals()
  }
  progress.start('counters', finishingUnits)
  // Twice: the unanswered flag reads answer scores, which come later in the list.
  fixCounters(db)
  await yieldToSignals()
  fixCounters(db)
  await yieldToSignals()
  progress.tick(Math.floor(finishingUnits / 2))
  sqlite.exec(`
    update ideas set last_activity_at = max(created_at, status_changed_at,
      coalesce((select max(v.created_at) from idea_votes v where v.idea_id = ideas.id), 0),
      coalesce((select max(c.created_at) from comments c where c.target_type = 'idea' and c.target_id = ideas.id), 0));
    update questions set last_activity_at = max(created_at,
      coalesce((select max(a.created_at) from answers a where a.question_id = questions.id), 0),
      coalesce((select max(c.created_at) from comments c where c.target_type = 'question' and c.target_id = questions.id), 0));
  `)
  progress.tick(finishingUnits - Math.floor(finishingUnits / 2))
  progress.finish()

  // --- Checks, then the atomic swap -----------------------------------------------------------
  const mismatches = findCounterMismatches(db)
  if (mismatches.length) throw new Error(`counters differ from their rows: ${JSON.stringify(mismatches.slice(0, 5))}`)
  const fkProblems = sqlite.prepare('pragma foreign_key_check').all()
  if (fkProblems.length) throw new Error(`foreign key check failed: ${JSON.stringify(fkProblems.slice(0, 5))}`)
  const overCap = sqlite
    .prepare(
      `select user_id, created_at / ${DAY} as day, sum(delta) as total from reputation_events where is_capped = 1 group by 1, 2 having total > ${DAILY_VOTE_REPUTATION_CAP} limit 1`,
    )
    .get()
  if (overCap) throw new Error(`daily reputation cap exceeded: ${JSON.stringify(overCap)}`)
  const counts2 = Object.fromEntries(
    [
      'users',
      'ideas',
      'idea_votes',
      'questions',
      'answers',
      'post_votes',
      'comments',
      'reputation_events',
      'idea_status_changes',
      'ideas_fts',
      'questions_fts',
      'answers_fts',
    ].map((table) => [table, (sqlite.prepare(`select count(*) as n from ${table}`).get() as { n: number }).n]),
  )
  sqlite.pragma('foreign_keys = ON')
  sqlite.pragma('synchronous = NORMAL')
  sqlite.pragma('wal_checkpoint(TRUNCATE)')
  sqlite.close()
  if (interrupted) return
  // A stale -wal of the previous file must not be replayed onto the new one: removed first.
  for (const suffix of ['-wal', '-shm', '-journal']) fs.rmSync(`${OUT}${suffix}`, { force: true })
  fs.renameSync(BUILDING, OUT)
  removeDatabaseFiles(BUILDING)
  const bench = {
    idea: ideaRanks.indexOf(0) + 1,
    question: questionRanks.indexOf(0) + 1,
  }
  console.log(
    `Built ${path.relative(process.cwd(), OUT)} in ${progress.elapsedSeconds().toFixed(1)} s (seed ${SEED}, ${(fs.statSync(OUT).size / 1e6).toFixed(0)} MB):`,
  )
  console.table(counts2)
  console.log(
    `Long discussion: /ideas/${bench.idea} (${BENCH_IDEA_COMMENTS} comments); many answers: /questions/${bench.question} (${BENCH_QUESTION_ANSWERS} answers).`,
  )
  console.log(
    `Every account's password: ${process.env.SEED_PASSWORD ? '$SEED_PASSWORD' : 'summit-demo-pass'}. Check it: DATABASE_URL=${path.relative(process.cwd(), OUT)} npm run recount`,
  )
}

main().catch((error) => {
  process.stderr.write('\n')
  console.error(error)
  removeDatabaseFiles(BUILDING)
  process.exit(1)
})
