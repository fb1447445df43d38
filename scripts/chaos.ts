/**
 * The kill test: Summit must never lose an acknowledged vote or post.
 *
 *   npm run chaos                                   # 5 rounds, 16 concurrent clients
 *   npm run chaos -- --rounds 2 --concurrency 8 --kill-after-ms 1500 --build
 *
 * It serves the production build (building it first when build/ is missing, or with --build) with
 * `node server.js` over a fresh temporary database (migrated and demo-seeded by the server's own
 * start-up), makes members with sessions, then in every round:
 *   1. runs a mixed load as those members: idea votes and unvotes, question and answer up/down
 *      votes and their removal, new answers, comments and ideas, each a real form POST;
 *   2. after a random delay, kills the server with SIGKILL in the middle of it;
 *   3. starts it again on the same database and checks that
 *      - every post that got its redirect exists (by id, with the unique marker in its body),
 *      - every vote whose last request got an answer is in the state that answer promised, and a
 *        vote whose last request was cut off by the kill is in the state before or after it,
 *      - every cached counter and every member's reputation equals its recount,
 *      - PRAGMA integrity_check is ok.
 * Finally it stops the server with SIGTERM under the same load and checks that it exits with 0,
 * the WAL folded back into the database file, and the same checks pass on that file alone.
 * Exits with 1 when any check fails.
 */
import './load-env'
import { type ChildProcess, spawn, spawnSync } from 'node:child_process'
import crypto from 'node:crypto'
import fs from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { parseArgs } from 'node:util'

const ROOT = path.resolve(import.meta.dirname, '..')

const { values } = parseArgs({
  options: {
    rounds: { type: 'string', default: '5' },
    concurrency: { type: 'string', default: '16' },
    'kill-after-ms': { type: 'string', default: '3000' },
    users: { type: 'string' },
    build: { type: 'boolean', default: false },
    keep: { type: 'boolean', default: false },
  },
})

function positiveInt(name: string, raw: string | undefined) {
  const n = Number(raw)
  if (!Number.isInteger(n) || n < 1) {
    console.error(`--${name} must be a positive whole number (got ${raw}).`)
    process.exit(2)
  }
  return n
}
const ROUNDS = positiveInt('rounds', values.rounds)
const CONCURRENCY = positiveInt('concurrency', values.concurrency)
const KILL_AFTER_MS = positiveInt('kill-after-ms', values['kill-after-ms'])
const USERS = positiveInt('users', values.users ?? String(CONCURRENCY * 2))

// ---------------------------------------------------------------------------------------------
// The database and the server
// ---------------------------------------------------------------------------------------------

const WORK_DIR = fs.mkdtempSync(path.join(os.tmpdir(), 'summit-chaos-'))
const DB_FILE = path.join(WORK_DIR, 'chaos.db')
const SERVER_LOG = path.join(WORK_DIR, 'server.log')
// The helpers below open this file; env() is read lazily, on the first getDb().
process.env.DATABASE_URL = DB_FILE

const { getDb, closeDatabases } = await import('~/lib/db.server')
const { startSession } = await import('~/lib/auth.server')
const { findCounterMismatches } = await import('~/models/counters.server')
const { createUser, createTestIdea, createTestQuestion, createTestAnswer } = await import('#tests/factories')

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`

function ensureBuild() {
  const built = ['build/server/index.js', 'server-build/index.js'].every((file) => fs.existsSync(path.join(ROOT, file)))
  if (!values.build && built) return
  console.log('Building (npm run build) …')
  const result = spawnSync(process.platform === 'win32' ? 'npm.cmd' : 'npm', ['run', 'build'], { cwd: ROOT, stdio: 'inherit' })
  if (result.status !== 0) {
    console.error('The build failed.')
    process.exit(1)
  }
}

function freePort() {
  return new Promise<number>((resolve, reject) => {
    const server = net.createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0))
    })
  })
}

const PORT = await freePort()
const ORIGIN = `http://127.0.0.1:${PORT}`

let server: ChildProcess | null = null
let serverExit: Promise<{ code: number | null; signal: NodeJS.Signals | null }> = Promise.resolve({ code: null, signal: null })

function startServer() {
  const log = fs.openSync(SERVER_LOG, 'a')
  const child = spawn(process.execPath, ['server.js'], {
    cwd: ROOT,
    stdio: ['ignore', log, log],
    env: {
      ...process.env,
      NODE_ENV: 'production',
      HOST: '127.0.0.1',
      PORT: String(PORT),
      DATABASE_URL: DB_FILE,
      SEED_DEMO: 'true',
      PUBLIC_URL: '',
      // Every simulated member sends its own address in X-Forwarded-For, as visitors arrive
      // behind a reverse proxy, so no per-IP limit counts them together.
      TRUST_PROXY: 'loopback',
    },
  })
  fs.closeSync(log)
  server = child
  serverExit = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })))
  return waitUntilHealthy(child)
}

async function waitUntilHealthy(child: ChildProcess) {
  const deadline = Date.now() + 60_000
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) break
    try {
      const response = await fetch(`${ORIGIN}/healthz`)
      if (response.ok) return
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100))
  }
  fail(`the server did not become healthy; its log:\n${tailOfLog()}`)
}

function tailOfLog() {
  try {
    return fs.readFileSync(SERVER_LOG, 'utf8').split('\n').slice(-40).join('\n')
  } catch {
    return '(no log)'
  }
}

async function killServer() {
  server?.kill('SIGKILL')
  const exit = await serverExit
  server = null
  return exit
}

/** SIGTERM; null when the server has not exited 15 s later. */
async function stopServer() {
  server?.kill('SIGTERM')
  const exit = await Promise.race([serverExit, new Promise<null>((r) => setTimeout(() => r(null), 15_000))])
  if (exit) server = null
  return exit
}

function fail(message: string): never {
  console.error(`\nFAILED: ${message}`)
  if (server) server.kill('SIGKILL')
  console.error(`Database and server log kept in ${WORK_DIR}`)
  process.exit(1)
}

// ---------------------------------------------------------------------------------------------
// The members, and what they act on
// ---------------------------------------------------------------------------------------------

type Member = { id: number; cookie: string; ip: string; ideasPosted: number }

async function setUp() {
  const db = getDb()
  const twoDaysAgo = new Date(Date.now() - 2 * 24 * 60 * 60_000)
  // Established members (older than a day, reputation enough to downvote), so the new-member
  // limits and the privilege thresholds do not refuse the load.
  const author = createUser(db, { reputation: 500, createdAt: twoDaysAgo })
  const ideas = Array.from({ length: 6 }, () => createTestIdea(db, { authorId: author.id }).id)
  const questions = Array.from({ length: 3 }, () => createTestQuestion(db, { authorId: author.id }).id)
  const answers: Array<{ id: number; questionId: number }> = []
  for (const questionId of questions) {
    for (let i = 0; i < 2; i++) answers.push({ id: createTestAnswer(db, { questionId, authorId: author.id }).id, questionId })
  }
  const categoryId = (db.$client.prepare('select id from categories order by position, id limit 1').get() as { id: number } | undefined)?.id
  const members: Member[] = []
  for (let i = 0; i < USERS; i++) {
    const user = createUser(db, { reputation: 500, createdAt: twoDaysAgo })
    const session = await startSession(user.id)
    members.push({
      id: user.id,
      cookie: `${session.name}=${session.value}`,
      ip: `10.77.${Math.floor(i / 250)}.${(i % 250) + 1}`,
      ideasPosted: 0,
    })
  }
  closeDatabases() // the server alone holds the database while it is killed
  return { members, ideas, questions, answers, categoryId: categoryId ?? null }
}

// ---------------------------------------------------------------------------------------------
// Tracking what was acknowledged
// ---------------------------------------------------------------------------------------------

/** The state of one member's vote on one target: idea votes are 0/1, post votes -1/0/1. */
type VoteTrack = {
  kind: 'idea' | 'question' | 'answer'
  userId: number
  targetId: number
  /** The state the last answered request left (or the state known at the start of the round). */
  known: number
  /** Set when the last request sent for this pair got no answer: the state it asked for. */
  unanswered: number | null
}
type PostTrack = { kind: 'idea' | 'answer' | 'comment'; id: number | null; marker: string; acknowledged: boolean }

const votes = new Map<string, VoteTrack>()
const voteKey = (kind: string, userId: number, targetId: number) => `${kind}:${userId}:${targetId}`
const posts: PostTrack[] = []

type RoundStats = { sent: number; acknowledged: number; refused: number; inFlightAtKill: number; byAction: Record<string, number> }

// ---------------------------------------------------------------------------------------------
// The load
// ---------------------------------------------------------------------------------------------

function describeActions(stats: RoundStats) {
  return Object.entries(stats.byAction)
    .map(([name, n]) => `${n} ${name}`)
    .join(', ')
}

const pick = <T>(list: readonly T[]) => list[Math.floor(Math.random() * list.length)]!

/**
 * One round of load, ended by `signal`: SIGKILL mid-load (the kill test), or SIGTERM (a clean stop
 * under load: the requests in progress must still be answered).
 */
async function runRound(round: number, setup: Awaited<ReturnType<typeof setUp>>, signal: 'SIGKILL' | 'SIGTERM', killAfterMs: number) {
  const stats: RoundStats = { sent: 0, acknowledged: 0, refused: 0, inFlightAtKill: 0, byAction: {} }
  let killed = false
  const inFlight = new Set<Promise<unknown>>()

  async function post(member: Member, pathname: string, fields: Record<string, string>) {
    return fetch(`${ORIGIN}${pathname}`, {
      method: 'POST',
      redirect: 'manual',
      headers: {
        Cookie: member.cookie,
        Origin: ORIGIN,
        'X-Forwarded-For': member.ip,
        Accept: 'text/html',
        'Content-Type': 'application/x-www-form-urlencoded',
      },
      body: new URLSearchParams(fields),
    })
  }

  /** One request: records it as sent, then as answered (success or refusal) or cut off by the kill. */
  async function act(member: Member) {
    const roll = Math.random()
    const marker = `chaos-${round}-${crypto.randomBytes(6).toString('hex')}`
    let action: string
    let send: () => Promise<Response>
    let onSuccess: (response: Response) => void = () => {}
    const onRefusal: () => void = () => {}
    let onCutOff: () => void = () => {}

    const trackVote = (kind: VoteTrack['kind'], targetId: number, wanted: number) => {
      const key = voteKey(kind, member.id, targetId)
      const track = votes.get(key) ?? { kind, userId: member.id, targetId, known: 0, unanswered: null }
      votes.set(key, track)
      onSuccess = () => {
        track.known = wanted
      }
      onCutOff = () => {
        track.unanswered = wanted
      }
    }
    const trackPost = (kind: PostTrack['kind'], idFrom: RegExp) => {
      const track: PostTrack = { kind, id: null, marker, acknowledged: false }
      posts.push(track)
      onSuccess = (response) => {
        const match = idFrom.exec(response.headers.get('Location') ?? '')
        if (!match) fail(`a ${kind} post answered ${response.status} without its id in Location: ${response.headers.get('Location')}`)
        track.id = Number(match[1])
        track.acknowledged = true
      }
    }

    if (roll < 0.4) {
      action = 'idea vote'
      const ideaId = pick(setup.ideas)
      const current = votes.get(voteKey('idea', member.id, ideaId))?.known ?? 0
      const wanted = Math.random() < 0.8 ? 1 - current : current // mostly flips, sometimes repeats
      trackVote('idea', ideaId, wanted)
      send = () => post(member, `/ideas/${ideaId}/vote`, { voted: wanted === 1 ? 'true' : 'false', redirectTo: `/ideas/${ideaId}` })
    } else if (roll < 0.7) {
      const onQuestion = Math.random() < 0.4
      const target = onQuestion ? { id: pick(setup.questions), questionId: 0 } : pick(setup.answers)
      const questionId = onQuestion ? target.id : target.questionId
      const kind = onQuestion ? 'question' : 'answer'
      action = `${kind} vote`
      const wanted = pick([1, 1, -1, 0] as const)
      trackVote(kind, target.id, wanted)
      send = () =>
        post(member, `/questions/${questionId}`, { intent: 'vote', target: kind, targetId: String(target.id), value: String(wanted) })
    } else if (roll < 0.82) {
      action = 'new answer'
      const questionId = pick(setup.questions)
      trackPost('answer', /#answer-(\d+)$/)
      send = () => post(member, `/questions/${questionId}`, { intent: 'answer', body: `An answer written under load, marker ${marker}.` })
    } else if (roll < 0.95) {
      action = 'new comment'
      trackPost('comment', /#comment-(\d+)$/)
      if (Math.random() < 0.5) {
        const ideaId = pick(setup.ideas)
        send = () => post(member, `/ideas/${ideaId}`, { intent: 'comment', body: `Comment ${marker}` })
      } else {
        const answer = pick(setup.answers)
        send = () =>
          post(member, `/questions/${answer.questionId}`, {
            intent: 'comment',
            target: 'answer',
            targetId: String(answer.id),
            body: `Comment ${marker}`,
          })
      }
    } else if (member.ideasPosted < 15) {
      // Established members may post 20 ideas a day; stay under it across every round.
      action = 'new idea'
      member.ideasPosted += 1
      trackPost('idea', /^\/ideas\/(\d+)$/)
      const fields: Record<string, string> = {
        intent: 'post',
        title: `Idea under load ${marker}`,
        body: `Posted while the server may be killed: ${marker}`,
      }
      if (setup.categoryId) fields.categoryId = String(setup.categoryId)
      send = () => post(member, '/ideas/new', fields)
    } else {
      return
    }

    stats.sent += 1
    stats.byAction[action] = (stats.byAction[action] ?? 0) + 1
    let response: Response
    try {
      response = await send()
      await response.arrayBuffer()
    } catch {
      // Cut off by the kill (or, on a clean stop, refused at connect before it reached the server).
      if (!killed) fail(`${action}: the request failed while the server was up`)
      stats.inFlightAtKill += 1
      onCutOff()
      return
    }
    if (response.status === 302 || response.status === 303) {
      stats.acknowledged += 1
      onSuccess(response)
    } else if (response.status === 429 || response.status === 409) {
      // A refusal is an answer too: nothing was written, the pair keeps its state.
      stats.refused += 1
      onRefusal()
    } else {
      fail(`${action}: unexpected answer ${response.status}\n${tailOfLog()}`)
    }
  }

  async function client(worker: number) {
    // Each member belongs to one client, so a member's requests never overlap: the order in
    // which they were sent is the order in which the server saw them.
    const mine = setup.members.filter((_, i) => i % CONCURRENCY === worker)
    if (mine.length === 0) return
    while (!killed) {
      const request = act(pick(mine))
      inFlight.add(request)
      await request
      inFlight.delete(request)
    }
  }

  const started = Date.now()
  const clients = Array.from({ length: CONCURRENCY }, (_, i) => client(i))
  const delay = Math.round(killAfterMs / 2 + Math.random() * (killAfterMs / 2))
  await new Promise((r) => setTimeout(r, delay))
  killed = true
  const pending = inFlight.size
  let exit: Awaited<typeof serverExit> | null
  if (signal === 'SIGKILL') exit = await killServer()
  else exit = await stopServer()
  await Promise.all(clients)
  return { stats, delay, pending, exit, loadMs: Date.now() - started }
}

// ---------------------------------------------------------------------------------------------
// The checks, on the restarted server's database
// ---------------------------------------------------------------------------------------------

function check() {
  const db = getDb()
  const sqlite = db.$client
  const problems: string[] = []
  let checked = 0

  const integrity = (sqlite.pragma('integrity_check') as Array<{ integrity_check: string }>).map((r) => r.integrity_check).join('; ')
  if (integrity !== 'ok') problems.push(`integrity_check: ${integrity}`)

  const ideaVote = sqlite.prepare('select count(*) as n from idea_votes where idea_id = ? and user_id = ?')
  const postVote = sqlite.prepare('select value from post_votes where target_type = ? and target_id = ? and user_id = ?')
  for (const track of votes.values()) {
    const actual =
      track.kind === 'idea'
        ? (ideaVote.get(track.targetId, track.userId) as { n: number }).n
        : ((postVote.get(track.kind, track.targetId, track.userId) as { value: number } | undefined)?.value ?? 0)
    const allowed = track.unanswered === null ? [track.known] : [track.known, track.unanswered]
    if (!allowed.includes(actual)) {
      problems.push(`${track.kind} ${track.targetId}, member ${track.userId}: vote is ${actual}, acknowledged ${allowed.join(' or ')}`)
    }
    checked += 1
    // What the database holds is now the known state for the next round.
    track.known = actual
    track.unanswered = null
  }

  const tables = { idea: 'ideas', answer: 'answers', comment: 'comments' } as const
  for (const track of posts) {
    if (!track.acknowledged) continue
    const row = sqlite.prepare(`select body_md as body from ${tables[track.kind]} where id = ?`).get(track.id) as
      { body: string } | undefined
    if (!row) problems.push(`acknowledged ${track.kind} ${track.id} (${track.marker}) is missing`)
    else if (!row.body.includes(track.marker)) problems.push(`${track.kind} ${track.id} does not hold ${track.marker}`)
    checked += 1
  }
  // Whatever was cut off may or may not exist, but never twice.
  for (const track of posts) {
    const n = (
      sqlite.prepare(`select count(*) as n from ${tables[track.kind]} where body_md like ?`).get(`%${track.marker}%`) as { n: number }
    ).n
    if (n > 1) problems.push(`${track.marker} was stored ${n} times`)
  }
  posts.length = 0 // acknowledged posts were checked; the next round brings its own

  const mismatches = findCounterMismatches(db)
  for (const m of mismatches.slice(0, 20)) problems.push(`${m.counter} of ${m.table} ${m.id}: cached ${m.cached}, recounted ${m.recounted}`)
  if (mismatches.length > 20) problems.push(`… and ${mismatches.length - 20} more counter mismatches`)

  closeDatabases()
  return { problems, checked, integrity }
}

// ---------------------------------------------------------------------------------------------

const startedAt = Date.now()
ensureBuild()
console.log(
  `Kill test: ${ROUNDS} round(s), ${CONCURRENCY} concurrent clients, ${USERS} members, SIGKILL after ${KILL_AFTER_MS / 2}–${KILL_AFTER_MS} ms`,
)
console.log(`Database: ${DB_FILE}`)
await startServer()
const setup = await setUp()

let totalAcknowledged = 0
for (let round = 1; round <= ROUNDS; round++) {
  const roundStarted = Date.now()
  const { stats, delay, pending } = await runRound(round, setup, 'SIGKILL', KILL_AFTER_MS)
  await startServer()
  const { problems, checked } = check()
  totalAcknowledged += stats.acknowledged
  console.log(
    `Round ${round}/${ROUNDS}: killed after ${delay} ms; ${stats.acknowledged} acknowledged, ${stats.refused} refused, ${stats.inFlightAtKill} in flight at kill (${pending} clients mid-request); ${checked} checks ${problems.length ? `FAILED (${problems.length})` : 'passed'}; ${seconds(Date.now() - roundStarted)}`,
  )
  console.log(`  sent: ${describeActions(stats)}`)
  if (problems.length) fail(problems.join('\n'))
  if (stats.acknowledged === 0) fail('no write was acknowledged before the kill: nothing was tested (raise --kill-after-ms)')
}

// A clean stop under load: SIGTERM lets the requests in progress finish, then checkpoints the WAL
// into the database file and closes it. The checks then run on the file alone, with no server.
{
  const { stats, pending, exit } = await runRound(ROUNDS + 1, setup, 'SIGTERM', 1000)
  if (!exit) fail('the server did not stop within 15 s of SIGTERM')
  if (exit.code !== 0) fail(`the server exited with ${exit.code ?? exit.signal} on SIGTERM\n${tailOfLog()}`)
  const walBytes = fs.existsSync(`${DB_FILE}-wal`) ? fs.statSync(`${DB_FILE}-wal`).size : 0
  if (walBytes > 0) fail(`after a clean stop the WAL still holds ${walBytes} bytes`)
  const { problems, checked } = check()
  totalAcknowledged += stats.acknowledged
  console.log(
    `Clean stop: SIGTERM with ${pending} clients mid-request; ${stats.acknowledged} acknowledged, ${stats.inFlightAtKill} not answered; exit code 0, WAL checkpointed; ${checked} checks ${problems.length ? `FAILED (${problems.length})` : 'passed'}`,
  )
  if (problems.length) fail(problems.join('\n'))
}

console.log(
  `All ${ROUNDS} kill rounds and the clean stop passed: ${totalAcknowledged} acknowledged writes kept. ${seconds(Date.now() - startedAt)}`,
)
if (values.keep) console.log(`Kept ${WORK_DIR}`)
else fs.rmSync(WORK_DIR, { recursive: true, force: true })
process.exit(0) // without waiting for the HTTP client's idle keep-alive sockets to time out
