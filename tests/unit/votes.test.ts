/** Idea votes: the vote budget, hidden ideas, and exact counters under concurrent writers. */
import fs from 'node:fs'
import path from 'node:path'
import { Worker } from 'node:worker_threads'
import { count, eq, sql } from 'drizzle-orm'
import { build } from 'esbuild'
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest'
import { ideas, ideaVotes, reputationEvents, users } from '#db/schema'
import { databaseFile, getDb } from '~/lib/db.server'
import { ConflictError, NotFoundError, RateLimitedError } from '~/lib/errors'
import { hitVoteLimit, NEW_ACCOUNT_VOTE_LIMIT, VOTE_LIMIT } from '~/lib/rate-limit.server'
import { changeIdeaStatus } from '~/models/idea-status.server'
import { setSetting } from '~/models/settings.server'
import { getVoteBudgetState, ideaVoteBlock, setIdeaVote } from '~/models/votes.server'
import { createTestIdea, createUser } from '#tests/factories'
import { TMP_DIR } from '#tests/setup/paths'

const db = () => getDb()
const voteCountOf = (ideaId: number) => db().select({ v: ideas.voteCount }).from(ideas).where(eq(ideas.id, ideaId)).get()!.v
const rowCountOf = (ideaId: number) => db().select({ n: count() }).from(ideaVotes).where(eq(ideaVotes.ideaId, ideaId)).get()!.n
const reputationOf = (userId: number) => db().select({ r: users.reputation }).from(users).where(eq(users.id, userId)).get()!.r
const ledgerSumOf = (userId: number) =>
  db()
    .select({ s: sql<number>`coalesce(sum(${reputationEvents.delta}), 0)` })
    .from(reputationEvents)
    .where(eq(reputationEvents.userId, userId))
    .get()!.s

function withBudget(votesPerMember: number) {
  setSetting(db(), 'voteBudget', { enabled: true, votesPerMember })
}

describe('the vote budget', () => {
  afterEach(() => {
    setSetting(db(), 'voteBudget', { enabled: false, votesPerMember: 10 })
  })

  test('a new vote over the budget is a conflict that says what to do; a replay or an unvote never is', () => {
    const member = createUser(db())
    const author = createUser(db())
    const [a, b, c] = [0, 1, 2].map(() => createTestIdea(db(), { authorId: author.id }))
    withBudget(2)
    setIdeaVote(db(), { ideaId: a!.id, userId: member.id, voted: true })
    setIdeaVote(db(), { ideaId: b!.id, userId: member.id, voted: true })
    expect(getVoteBudgetState(db(), member.id)).toEqual({ votesPerMember: 2, used: 2, left: 0 })

    const refused = () => setIdeaVote(db(), { ideaId: c!.id, userId: member.id, voted: true })
    expect(refused).toThrow(ConflictError)
    expect(refused).toThrow(
      'You have used all 2 of your votes. Votes come back when ideas ship or are declined; you can also take back a vote.',
    )
    expect(voteCountOf(c!.id)).toBe(1) // the refused vote was rolled back with everything else
    expect(rowCountOf(c!.id)).toBe(1)

    // A replayed vote on an idea already voted for is harmless at the limit.
    expect(setIdeaVote(db(), { ideaId: b!.id, userId: member.id, voted: true })).toEqual({ voted: true, voteCount: 2 })
    // Taking one back frees it for another idea.
    setIdeaVote(db(), { ideaId: b!.id, userId: member.id, voted: false })
    expect(setIdeaVote(db(), { ideaId: c!.id, userId: member.id, voted: true })).toEqual({ voted: true, voteCount: 2 })
  })

  test('votes on shipped or declined ideas come back, and votes on one’s own ideas are free', () => {
    const member = createUser(db())
    const pat = createUser(db(), { role: 'product' })
    const author = createUser(db())
    const [a, b, c] = [0, 1, 2].map(() => createTestIdea(db(), { authorId: author.id }))
    withBudget(1)
    setIdeaVote(db(), { ideaId: a!.id, userId: member.id, voted: true })
    expect(() => setIdeaVote(db(), { ideaId: b!.id, userId: member.id, voted: true })).toThrow(ConflictError)
    // Posting ideas of one's own is not limited by the budget.
    const own = createTestIdea(db(), { authorId: member.id })
    setIdeaVote(db(), { ideaId: own.id, userId: member.id, voted: false })
    setIdeaVote(db(), { ideaId: own.id, userId: member.id, voted: true })
    expect(getVoteBudgetState(db(), member.id)).toMatchObject({ used: 1, left: 0 })

    changeIdeaStatus(db(), { ideaId: a!.id, actorId: pat.id, toStatus: 'shipped' })
    expect(getVoteBudgetState(db(), member.id)).toMatchObject({ used: 0, left: 1 })
    setIdeaVote(db(), { ideaId: b!.id, userId: member.id, voted: true })
    changeIdeaStatus(db(), { ideaId: c!.id, actorId: pat.id, toStatus: 'declined' })
    // A vote on a decided idea does not use the budget, so it is allowed when none is left.
    expect(setIdeaVote(db(), { ideaId: c!.id, userId: member.id, voted: true })).toMatchObject({ voted: true })
  })

  test('off by default: no limit and no budget state', () => {
    const member = createUser(db())
    const author = createUser(db())
    for (let i = 0; i < 12; i++) {
      setIdeaVote(db(), { ideaId: createTestIdea(db(), { authorId: author.id }).id, userId: member.id, voted: true })
    }
    expect(getVoteBudgetState(db(), member.id)).toBeNull()
  })

  test('the vote button’s reason: locked ideas, and an exhausted budget only for new votes that would count', () => {
    const viewer = { id: 7 }
    const spent = { votesPerMember: 3, used: 3, left: 0 }
    const open = { authorId: 1, status: 'open' as const, lockedAt: null, viewerVoted: false }
    expect(ideaVoteBlock(open, viewer, spent)).toMatch(/^You have used all 3 of your votes/)
    expect(ideaVoteBlock({ ...open, viewerVoted: true }, viewer, spent)).toBeNull()
    expect(ideaVoteBlock({ ...open, authorId: 7 }, viewer, spent)).toBeNull()
    expect(ideaVoteBlock({ ...open, status: 'shipped' }, viewer, spent)).toBeNull()
    expect(ideaVoteBlock(open, viewer, { ...spent, used: 2, left: 1 })).toBeNull()
    expect(ideaVoteBlock(open, viewer, null)).toBeNull()
    expect(ideaVoteBlock({ ...open, lockedAt: new Date() }, null, null)).toBe('This idea is locked; votes are closed.')
  })
})

describe('the vote rate limit (in memory, per process)', () => {
  const refusal = (fn: () => void) => {
    try {
      fn()
    } catch (error) {
      return error as RateLimitedError
    }
    return null
  }

  test('60 votes a minute, sliding: the 61st waits until the oldest is a minute old', () => {
    const t0 = new Date('2026-06-01T10:00:00Z')
    const member = { id: 900_001, createdAt: new Date('2025-01-01T00:00:00Z') }
    for (let i = 0; i < VOTE_LIMIT.limit; i++) hitVoteLimit(member, new Date(t0.getTime() + i * 500))
    const error = refusal(() => hitVoteLimit(member, new Date(t0.getTime() + 40_000)))
    expect(error).toBeInstanceOf(RateLimitedError)
    expect(error!.retryAfterSeconds).toBe(20)
    expect(error!.message).toBe('You are voting very fast: at most 60 votes a minute. Try again in 20 seconds.')
    expect(refusal(() => hitVoteLimit(member, new Date(t0.getTime() + 60_001)))).toBeNull()
    // Another member is not affected.
    expect(refusal(() => hitVoteLimit({ ...member, id: 900_002 }, new Date(t0.getTime() + 40_000)))).toBeNull()
  })

  test('accounts younger than a day get 20 a minute', () => {
    const now = new Date('2026-06-01T10:00:00Z')
    const member = { id: 900_003, createdAt: new Date(now.getTime() - 3_600_000) }
    for (let i = 0; i < NEW_ACCOUNT_VOTE_LIMIT.limit; i++) hitVoteLimit(member, now)
    expect(refusal(() => hitVoteLimit(member, now))?.message).toMatch(/^You are voting very fast: at most 20 votes a minute\./)
  })
})

test('hidden and deleted ideas take no votes: they answer as missing', () => {
  const idea = createTestIdea(db(), { authorId: createUser(db()).id })
  const voter = createUser(db())
  db().update(ideas).set({ hiddenAt: new Date() }).where(eq(ideas.id, idea.id)).run()
  expect(() => setIdeaVote(db(), { ideaId: idea.id, userId: voter.id, voted: true })).toThrow(NotFoundError)
  db().update(ideas).set({ hiddenAt: null, deletedAt: new Date() }).where(eq(ideas.id, idea.id)).run()
  expect(() => setIdeaVote(db(), { ideaId: idea.id, userId: voter.id, voted: true })).toThrow(NotFoundError)
})

// ---------------------------------------------------------------------------------------------
// Concurrency: several connections to one file, as several server processes would have
// ---------------------------------------------------------------------------------------------

type Step = { userId: number; voted: boolean }
type WorkerReport = { ready?: true; done?: true; results?: unknown[]; error?: string }

// The worker, compiled once into one plain module (aliases resolved, only the native driver left
// outside): loading it costs each thread a few tens of milliseconds instead of a TypeScript compile.
// esbuild comes with vite and @remix-run/dev.
const WORKER_BUNDLE = path.join(TMP_DIR, `unit-vote-worker-${process.pid}.mjs`)
beforeAll(async () => {
  await build({
    entryPoints: [path.resolve('tests/unit/helpers/vote-worker.ts')],
    outfile: WORKER_BUNDLE,
    bundle: true,
    platform: 'node',
    format: 'esm',
    external: ['better-sqlite3'],
    tsconfig: path.resolve('tsconfig.json'),
    logLevel: 'error',
  })
})
const started = new Set<Worker>()
afterAll(async () => {
  await Promise.all([...started].map((worker) => worker.terminate())) // after a timeout, too
  fs.rmSync(WORKER_BUNDLE, { force: true })
})

/** Starting 50 threads is the slow part, and a busy machine (or a parallel test file) slows it further. */
const WORKERS_TIMEOUT_MS = 60_000

/** Starts one worker per list of steps, lets them all go at once, and resolves with their results. */
async function voteInWorkers(ideaId: number, stepsPerWorker: Step[][]) {
  const gate = new SharedArrayBuffer(4)
  const flag = new Int32Array(gate)
  const workers = stepsPerWorker.map(
    // execArgv: [] keeps vitest's own flags out of the threads.
    (steps) => new Worker(WORKER_BUNDLE, { workerData: { file: databaseFile(), ideaId, steps, gate }, execArgv: [] }),
  )
  for (const worker of workers) started.add(worker)
  const reports = workers.map(
    (worker) =>
      new Promise<WorkerReport>((resolve, reject) => {
        worker.on('message', (report: WorkerReport) => report.done && resolve(report))
        worker.on('error', reject)
        worker.on('exit', (code) => code !== 0 && reject(new Error(`worker exited with ${code}`)))
      }),
  )
  await Promise.all(
    workers.map((worker) => new Promise<void>((resolve) => worker.on('message', (r: WorkerReport) => r.ready && resolve()))),
  )
  Atomics.store(flag, 0, 1)
  Atomics.notify(flag, 0)
  const done = await Promise.all(reports)
  await Promise.all(workers.map((worker) => worker.terminate()))
  for (const worker of workers) started.delete(worker)
  for (const report of done) expect(report.error).toBeUndefined()
  return done
}

/** A small seeded generator, so a failing random sequence can be replayed. */
function seeded(seed: number) {
  let state = seed >>> 0
  return () => {
    state = (state * 1_664_525 + 1_013_904_223) >>> 0
    return state / 2 ** 32
  }
}

describe('concurrent votes', () => {
  test(
    '50 members voting at once on one idea: every vote counts once, and the ledger agrees',
    async () => {
      const author = createUser(db())
      const idea = createTestIdea(db(), { authorId: author.id })
      const voters = Array.from({ length: 50 }, () => createUser(db()))
      const reports = await voteInWorkers(
        idea.id,
        voters.map((voter) => [{ userId: voter.id, voted: true }]),
      )
      expect(reports.flatMap((r) => r.results)).toHaveLength(50)
      expect(voteCountOf(idea.id)).toBe(50 + 1) // and the author's automatic vote
      expect(rowCountOf(idea.id)).toBe(51)
      expect(reputationOf(author.id)).toBe(1 + ledgerSumOf(author.id))
      expect(reputationOf(author.id)).toBe(1 + 50 * 2)
    },
    WORKERS_TIMEOUT_MS,
  )

  test(
    'random vote and unvote sequences from parallel connections leave vote_count equal to count(*)',
    async () => {
      const author = createUser(db())
      const idea = createTestIdea(db(), { authorId: author.id })
      const random = seeded(20_260_501)
      const voters = Array.from({ length: 24 }, () => createUser(db()))
      // Eight workers, three members each, 15 requests per member in a random order of wanted states.
      const stepsPerWorker = Array.from({ length: 8 }, (_, w) =>
        Array.from({ length: 45 }, (_, i) => ({ userId: voters[w * 3 + (i % 3)]!.id, voted: random() < 0.5 })),
      )
      await voteInWorkers(idea.id, stepsPerWorker)
      const lastWanted = new Map<number, boolean>()
      for (const steps of stepsPerWorker) for (const step of steps) lastWanted.set(step.userId, step.voted)
      const expected = [...lastWanted.values()].filter(Boolean).length + 1
      expect(rowCountOf(idea.id)).toBe(expected)
      expect(voteCountOf(idea.id)).toBe(expected)
      expect(reputationOf(author.id)).toBe(1 + ledgerSumOf(author.id))
      expect(reputationOf(author.id)).toBe(1 + 2 * (expected - 1))
    },
    WORKERS_TIMEOUT_MS,
  )
})
