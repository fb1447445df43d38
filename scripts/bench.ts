/**
 * Load test of the production server on the large community:
 *
 *   npm run bench                                  # data/large.db, 10 s per case, 20 connections
 *   npm run bench -- --duration 5 --only ideas     # a shorter run of the cases whose name matches
 *   npm run bench -- --db data/other.db --no-build
 *
 * It builds the app (unless --no-build), seeds the large community first if the database file is
 * missing (npm run seed:large), starts `node server.js` in production mode on 127.0.0.1, measures
 * the start-up (spawn to the first 200 from /healthz), then for each case warms the page for a
 * moment and runs autocannon for a fixed time with N connections. It prints requests/s, p50 and
 * p99 latency, errors (network errors, timeouts and every non-2xx answer), bytes per response
 * (as sent, gzip-compressed when the server compresses) and the server's peak resident memory, and
 * writes the same as JSON to bench/results/<timestamp>.json.
 *
 * Logged-in vote toggles: sessions are minted for a few thousand members straight in the bench
 * database (session rows keyed by the token's SHA-256, like a log-in writes), and every POST is a different member and
 * idea, alternating between a vote the member has not cast (voted=true) and one they have
 * (voted=false), so each request is a real change. The votes are spread over many members because
 * the server allows each member 60 votes a minute, and each member votes from an address of their
 * own (X-Forwarded-For, which the bench's server believes from loopback, as behind a proxy on the
 * same host) because it allows 120 a minute per address; no limit is lifted for the bench. A refused
 * vote is a 429 and counts as an error. Requests carry
 * the site's Origin, like the vote button's, so the CSRF check passes.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process'
import crypto from 'node:crypto'
import fs from 'node:fs'
import http from 'node:http'
import os from 'node:os'
import path from 'node:path'
import { parseArgs } from 'node:util'
import autocannon from 'autocannon'
import Database from 'better-sqlite3'

const { values: args } = parseArgs({
  options: {
    db: { type: 'string', default: 'data/large.db' },
    duration: { type: 'string', default: '10' },
    warmup: { type: 'string', default: '2' },
    connections: { type: 'string', default: '20' },
    port: { type: 'string', default: '3917' },
    only: { type: 'string' },
    'node-options': { type: 'string' },
    'no-build': { type: 'boolean', default: false },
    help: { type: 'boolean' },
  },
})
if (args.help) {
  console.log(
    'Usage: npm run bench -- [--db data/large.db] [--duration 10] [--warmup 2] [--connections 20] [--port 3917] [--only <name>] [--no-build]\n' +
      "                        [--node-options '--max-old-space-size=256']   (NODE_OPTIONS for the server, e.g. to cap its heap)",
  )
  process.exit(0)
}

const DB_FILE = path.resolve(args.db!)
const DURATION = Number(args.duration)
/** The heap cap `npm run serve` gives the server (package.json): V8 otherwise grows its heap lazily. */
const SERVE_HEAP_FLAG = '--max-old-space-size=160'
const WARMUP = Number(args.warmup)
const CONNECTIONS = Number(args.connections)
const PORT = Number(args.port)
const ORIGIN = `http://127.0.0.1:${PORT}`
const VOTE_PAIRS_PER_MEMBER = 3

/** The targets this bench checks (2-core machine, client and server on it). */
const TARGETS = { pageP99Ms: 50, pageRps: 300, voteRps: 500, rssMb: 200, startupMs: 2000 }

function run(command: string, commandArgs: string[], env: Record<string, string> = {}) {
  const result = spawnSync(command, commandArgs, { stdio: 'inherit', env: { ...process.env, ...env } })
  if (result.status !== 0) {
    console.error(`\`${command} ${commandArgs.join(' ')}\` failed (exit ${result.status})`)
    process.exit(1)
  }
}

// ---------------------------------------------------------------------------------------------
// Preparing: the database, the build, the pages and the sessions
// ---------------------------------------------------------------------------------------------

if (!fs.existsSync(DB_FILE)) {
  console.log(`${path.relative(process.cwd(), DB_FILE)} does not exist: building the large community first (npm run seed:large).`)
  run('npx', ['tsx', 'scripts/seed-large.ts', '--out', DB_FILE])
}
if (!args['no-build']) run('npm', ['run', 'build'])

type Pair = { ideaId: number; session: string; voted: boolean; ip: string }

function prepare() {
  const db = new Database(DB_FILE)
  db.pragma('busy_timeout = 5000')
  const one = <T>(sql: string, ...params: unknown[]) => db.prepare(sql).get(...params) as T | undefined
  const visible = 'deleted_at is null and hidden_at is null'
  // The idea with the fewest comments among those with at least 200, the question with the fewest
  // answers among those with at least 30 (the seed makes one of each); else the longest there is.
  const idea = one<{ id: number; n: number }>(
    `select id, comment_count as n from ideas where ${visible} and status != 'merged' order by comment_count >= 200 desc, (comment_count >= 200) * comment_count, comment_count desc limit 1`,
  )
  const question = one<{ id: number; n: number }>(
    `select id, answer_count as n from questions where ${visible} order by answer_count >= 30 desc, (answer_count >= 30) * answer_count, answer_count desc limit 1`,
  )
  const topUser = one<{ username: string; reputation: number }>(
    'select username, reputation from users where deleted_at is null order by reputation desc, id limit 1',
  )
  if (!idea || !question || !topUser) throw new Error(`${DB_FILE} holds no community: rebuild it with npm run seed:large`)

  // Members who vote: sessions minted straight into the database, as a log-in would write them.
  const members = db
    .prepare(
      `select id from users where role = 'member' and deleted_at is null and suspended_until is null
       and created_at < ? order by (id * 7919) % 10007 limit 3000`,
    )
    .all(Date.now() - 2 * 86_400_000) as { id: number }[]
  const expiresAt = Math.floor(Date.now() / 1000) + 30 * 86_400
  const insertSession = db.prepare('insert into sessions (id, user_id, expires_at) values (?, ?, ?)')
  const votableIdea = `i.${visible.replaceAll(' and ', ' and i.')} and i.status not in ('merged') and i.locked_at is null`
  const castVotes = db.prepare(
    `select v.idea_id as ideaId from idea_votes v join ideas i on i.id = v.idea_id
     where v.user_id = ? and i.author_id != v.user_id and ${votableIdea} limit ${VOTE_PAIRS_PER_MEMBER}`,
  )
  const maxIdea = one<{ n: number }>('select max(id) as n from ideas')!.n
  const notVoted = db.prepare(
    `select i.id as ideaId from ideas i where i.id >= ? and ${votableIdea}
     and not exists (select 1 from idea_votes v where v.idea_id = i.id and v.user_id = ?) limit 1`,
  )
  const toVote: Pair[] = []
  const toUnvote: Pair[] = []
  db.transaction(() => {
    for (const { id } of members) {
      // The cookie carries the token; the table keeps its SHA-256 (app/lib/auth.server.ts).
      const session = crypto.randomBytes(32).toString('base64url')
      insertSession.run(crypto.createHash('sha256').update(session).digest('hex'), id, expiresAt)
      // Each member votes from an address of their own, as members do: 120 votes a minute from one
      // address would otherwise refuse most of the load (the server is told by X-Forwarded-For,
      // which it believes from loopback only, as behind a proxy on the same host).
      const ip = `10.${(id >> 16) & 255}.${(id >> 8) & 255}.${id & 255}`
      for (const row of castVotes.all(id) as { ideaId: number }[]) toUnvote.push({ ideaId: row.ideaId, session, voted: false, ip })
      for (let k = 0; k < VOTE_PAIRS_PER_MEMBER; k++) {
        const start = 1 + Math.floor(Math.random() * maxIdea)
        const row = notVoted.get(start, id) as { ideaId: number } | undefined
        if (row && !toVote.some((p) => p.session === session && p.ideaId === row.ideaId)) toVote.push({ ideaId: row.ideaId, session, voted: true, ip })
      }
    }
  })()
  // Alternate: vote, unvote, vote, … each pair once.
  const pairs: Pair[] = []
  for (let k = 0; k < Math.max(toVote.length, toUnvote.length); k++) {
    if (toVote[k]) pairs.push(toVote[k]!)
    if (toUnvote[k]) pairs.push(toUnvote[k]!)
  }
  const counts = Object.fromEntries(
    ['users', 'ideas', 'idea_votes', 'questions', 'answers', 'post_votes', 'comments'].map((t) => [t, one<{ n: number }>(`select count(*) as n from ${t}`)!.n]),
  )
  db.close()
  return { idea, question, topUser, pairs, sessions: members.length, counts }
}

const setup = prepare()

type Case = { name: string; path: string; kind: 'page' | 'vote' }
const CASES: Case[] = ([
  { name: 'home', path: '/', kind: 'page' },
  { name: 'ideas top', path: '/ideas?sort=top', kind: 'page' },
  { name: 'ideas trending', path: '/ideas?sort=trending', kind: 'page' },
  { name: `idea page (${setup.idea.n} comments)`, path: `/ideas/${setup.idea.id}`, kind: 'page' },
  { name: 'questions unanswered', path: '/questions?tab=unanswered', kind: 'page' },
  { name: `question page (${setup.question.n} answers)`, path: `/questions/${setup.question.id}`, kind: 'page' },
  { name: 'roadmap', path: '/roadmap', kind: 'page' },
  { name: 'search common word', path: '/search?q=dashboard', kind: 'page' },
  { name: 'search rare word', path: '/search?q=kerberos', kind: 'page' },
  { name: 'top user profile', path: `/u/${encodeURIComponent(setup.topUser.username)}`, kind: 'page' },
  { name: 'vote toggle (POST)', path: '/ideas/:id/vote', kind: 'vote' },
] satisfies Case[]).filter((c) => !args.only || c.name.includes(args.only))

// ---------------------------------------------------------------------------------------------
// The server
// ---------------------------------------------------------------------------------------------

function rssKb(pid: number, field: 'VmRSS' | 'VmHWM') {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8')
    const match = new RegExp(`${field}:\\s+(\\d+) kB`).exec(status)
    return match ? Number(match[1]) : 0
  } catch {
    return 0
  }
}

/** CPU time (user + system) the process has used so far, in ms (from /proc; 0 where unavailable). */
function cpuMs(pid: number) {
  try {
    const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ')
    // After "pid (comm) ": utime and stime are fields 14 and 15 of the line, in clock ticks (100 Hz).
    return (Number(fields[11]) + Number(fields[12])) * 10
  } catch {
    return 0
  }
}

function get(pathname: string, headers: Record<string, string> = {}) {
  return new Promise<{ status: number; bytes: number; headers: http.IncomingHttpHeaders }>((resolve, reject) => {
    const req = http.get(`${ORIGIN}${pathname}`, { headers }, (res) => {
      let bytes = 0
      res.on('data', (chunk: Buffer) => (bytes += chunk.length))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, bytes, headers: res.headers }))
    })
    req.on('error', reject)
  })
}

async function startServer() {
  const logs: string[] = []
  const started = performance.now()
  // As `npm run serve` starts it (its heap capped at 160 MB), unless --node-options says otherwise.
  const child = spawn(process.execPath, args['node-options'] ? ['server.js'] : [SERVE_HEAP_FLAG, 'server.js'], {
    env: {
      ...process.env,
      NODE_ENV: 'production',
      DATABASE_URL: DB_FILE,
      PORT: String(PORT),
      HOST: '127.0.0.1',
      SEED_DEMO: 'false',
      TRUST_PROXY: 'loopback',
      ...(args['node-options'] ? { NODE_OPTIONS: args['node-options'] } : {}),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  child.stdout!.on('data', (d: Buffer) => logs.push(d.toString()))
  child.stderr!.on('data', (d: Buffer) => logs.push(d.toString()))
  const deadline = Date.now() + 60_000
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the server exited (${child.exitCode}):\n${logs.join('')}`)
    const ok = await get('/healthz').then(
      (r) => r.status === 200,
      () => false,
    )
    if (ok) return { child, startupMs: Math.round(performance.now() - started), logs }
    await new Promise((r) => setTimeout(r, 10))
  }
  child.kill('SIGTERM')
  throw new Error(`the server did not answer /healthz within 60 s:\n${logs.join('')}`)
}

// ---------------------------------------------------------------------------------------------
// Measuring
// ---------------------------------------------------------------------------------------------

type Row = {
  case: string
  path: string
  requestsPerSecond: number
  p50Ms: number
  p99Ms: number
  requests: number
  errors: number
  statusCodes: Record<string, number>
  bytesPerResponse: number
  uncompressedBytes: number
  peakRssMb: number
  /** Server CPU time per request: what a request costs whatever else loads the machine. */
  serverCpuMsPerRequest: number
  meetsTargets: boolean
}

const BROWSER_HEADERS = { 'Accept-Encoding': 'gzip', Accept: 'text/html,application/xhtml+xml', 'User-Agent': 'summit-bench' }

function cannon(c: Case, seconds: number, nextPair: () => Pair) {
  const requests =
    c.kind === 'vote'
      ? [
          {
            method: 'POST' as const,
            setupRequest: (req: autocannon.Request) => {
              const pair = nextPair()
              return {
                ...req,
                method: 'POST' as const,
                path: `/ideas/${pair.ideaId}/vote`,
                headers: {
                  'Content-Type': 'application/x-www-form-urlencoded',
                  Origin: ORIGIN,
                  Cookie: `summit_session=${pair.session}`,
                  'X-Forwarded-For': pair.ip,
                  Accept: '*/*',
                  'Accept-Encoding': 'gzip',
                  'User-Agent': 'summit-bench',
                },
                body: `voted=${pair.voted}&redirectTo=${encodeURIComponent(`/ideas/${pair.ideaId}`)}`,
              }
            },
          },
        ]
      : [{ method: 'GET' as const, path: c.path, headers: BROWSER_HEADERS }]
  return autocannon({ url: ORIGIN, connections: CONNECTIONS, duration: seconds, requests, timeout: 10 })
}

async function main() {
  console.log(
    `\nBench: ${path.relative(process.cwd(), DB_FILE)} (${Object.entries(setup.counts)
      .map(([t, n]) => `${n.toLocaleString('en-US')} ${t}`)
      .join(', ')}); ${CASES.length} cases × ${DURATION} s, ${CONNECTIONS} connections, ${os.cpus().length} CPUs, load ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  )
  const { child, startupMs, logs } = await startServer()
  const pid = child.pid!
  console.log(`Server options: ${args['node-options'] ? `NODE_OPTIONS=${args['node-options']}` : SERVE_HEAP_FLAG}`)
  console.log(`Server started in ${startupMs} ms (spawn to the first 200 from /healthz); RSS ${Math.round(rssKb(pid, 'VmRSS') / 1024)} MB.`)
  let pairIndex = 0
  let reusedPairs = 0
  const nextPair = () => {
    if (pairIndex >= setup.pairs.length) reusedPairs++
    return setup.pairs[pairIndex++ % setup.pairs.length]!
  }
  const rows: Row[] = []
  let peakRssMb = 0
  try {
    for (const c of CASES) {
      if (c.kind === 'page') {
        // Compressed size as a browser gets it, and the page itself.
        const first = await get(c.path, BROWSER_HEADERS)
        if (first.status >= 300) console.log(`  ${c.name}: ${c.path} answers ${first.status}, counted as errors`)
      }
      let peakRss = rssKb(pid, 'VmRSS')
      const sampler = setInterval(() => (peakRss = Math.max(peakRss, rssKb(pid, 'VmRSS'))), 100)
      if (WARMUP > 0) await cannon(c, WARMUP, nextPair)
      const cpuBefore = cpuMs(pid)
      const result = await cannon(c, DURATION, nextPair)
      const cpuUsed = cpuMs(pid) - cpuBefore
      clearInterval(sampler)
      peakRss = Math.max(peakRss, rssKb(pid, 'VmRSS'))
      const statusCodes: Record<string, number> = {}
      for (const [code, n] of Object.entries(result.statusCodeStats ?? {})) statusCodes[code] = (n as { count: number }).count
      const errors = result.errors + result.timeouts + result.non2xx
      const uncompressed = c.kind === 'page' ? (await get(c.path, { Accept: 'text/html' })).bytes : 0
      const row: Row = {
        case: c.name,
        path: c.path,
        requestsPerSecond: Math.round(result.requests.average),
        p50Ms: result.latency.p50,
        p99Ms: result.latency.p99,
        requests: result.requests.total,
        errors,
        statusCodes,
        bytesPerResponse: result.requests.total ? Math.round(result.throughput.total / result.requests.total) : 0,
        uncompressedBytes: uncompressed,
        peakRssMb: Math.round(peakRss / 1024),
        serverCpuMsPerRequest: result.requests.total ? Math.round((cpuUsed / result.requests.total) * 100) / 100 : 0,
        meetsTargets: false,
      }
      row.meetsTargets =
        c.kind === 'vote'
          ? row.requestsPerSecond >= TARGETS.voteRps && errors === 0
          : row.p99Ms < TARGETS.pageP99Ms && row.requestsPerSecond >= TARGETS.pageRps && errors === 0
      rows.push(row)
      console.log(
        `  ${c.name.padEnd(30)} ${String(row.requestsPerSecond).padStart(6)} req/s  p50 ${row.p50Ms} ms  p99 ${row.p99Ms} ms  server CPU ${row.serverCpuMsPerRequest} ms/req  errors ${errors}${
          errors ? ` (${JSON.stringify(statusCodes)})` : ''
        }`,
      )
    }
  } finally {
    peakRssMb = Math.round(rssKb(pid, 'VmHWM') / 1024)
    child.kill('SIGTERM')
  }
  if (reusedPairs) console.log(`Note: ${reusedPairs} vote requests reused a member/idea pair (a repeat changes nothing and still answers 200).`)

  console.log('')
  console.table(
    Object.fromEntries(
      rows.map((r) => [
        r.case,
        {
          'req/s': r.requestsPerSecond,
          'p50 ms': r.p50Ms,
          'p99 ms': r.p99Ms,
          errors: r.errors,
          'bytes/resp (gzip)': r.bytesPerResponse,
          'bytes (raw)': r.uncompressedBytes || '',
          'peak RSS MB': r.peakRssMb,
          'server CPU ms/req': r.serverCpuMsPerRequest,
          targets: r.meetsTargets ? 'met' : 'MISSED',
        },
      ]),
    ),
  )
  const startupOk = startupMs < TARGETS.startupMs
  const rssOk = peakRssMb < TARGETS.rssMb
  console.log(`Start-up ${startupMs} ms (target < ${TARGETS.startupMs}): ${startupOk ? 'met' : 'MISSED'}`)
  console.log(`Server peak RSS (VmHWM) ${peakRssMb} MB (target < ${TARGETS.rssMb}): ${rssOk ? 'met' : 'MISSED'}`)
  console.log(
    'Server CPU ms/req is the CPU time the server spent per answered request (user + system), a measure of cost that other load on the machine does not inflate much.',
  )
  console.log(
    `Targets: pages p99 < ${TARGETS.pageP99Ms} ms and >= ${TARGETS.pageRps} req/s, votes >= ${TARGETS.voteRps}/s, no errors. Client and server share this machine.`,
  )

  const report = {
    at: new Date().toISOString(),
    machine: { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model, memoryMb: Math.round(os.totalmem() / 1e6), node: process.version, loadAverage: os.loadavg() },
    database: { file: path.relative(process.cwd(), DB_FILE), ...setup.counts },
    options: { nodeOptions: args['node-options'] ?? null, durationSeconds: DURATION, warmupSeconds: WARMUP, connections: CONNECTIONS, voteSessions: setup.sessions, votePairs: setup.pairs.length, reusedPairs },
    targets: TARGETS,
    startupMs,
    peakRssMb,
    cases: rows,
  }
  const dir = path.resolve('bench/results')
  fs.mkdirSync(dir, { recursive: true })
  const file = path.join(dir, `${report.at.replace(/[:.]/g, '-')}.json`)
  fs.writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`)
  console.log(`Written to ${path.relative(process.cwd(), file)}`)
  if (process.env.BENCH_SERVER_LOG) console.log(logs.join(''))
}

main().catch((error) => {
  console.error(error)
  process.exit(1)
})
