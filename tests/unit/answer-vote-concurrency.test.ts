/** 20 members voting on one answer at once, each from its own connection: ledger, cache and score stay equal. */
import fs from 'node:fs'
import path from 'node:path'
import { Worker } from 'node:worker_threads'
import { eq, sql } from 'drizzle-orm'
import { build } from 'esbuild'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { answers, users } from '#db/schema'
import { databaseFile, getDb } from '~/lib/db.server'
import { findCounterMismatches } from '~/models/counters.server'
import { type PostVoteValue } from '~/models/votes.server'
import { createTestAnswer, createTestQuestion, createUser } from '#tests/factories'
import { TMP_DIR } from '#tests/setup/paths'

const db = () => getDb()
type Step = { targetType: 'answer'; targetId: number; userId: number; value: PostVoteValue }
type WorkerReport = { ready?: true; done?: true; results?: unknown[]; error?: string }

const WORKER_BUNDLE = path.join(TMP_DIR, `unit-post-vote-worker-${process.pid}.mjs`)
beforeAll(async () => {
  await build({
    entryPoints: [path.resolve('tests/unit/helpers/post-vote-worker.ts')],
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
  await Promise.all([...started].map((worker) => worker.terminate()))
  fs.rmSync(WORKER_BUNDLE, { force: true })
})

/** One worker per list of steps, all released together. */
async function voteInWorkers(stepsPerWorker: Step[][]) {
  const gate = new SharedArrayBuffer(4)
  const workers = stepsPerWorker.map(
    (steps) => new Worker(WORKER_BUNDLE, { workerData: { file: databaseFile(), steps, gate }, execArgv: [] }),
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
  Atomics.store(new Int32Array(gate), 0, 1)
  Atomics.notify(new Int32Array(gate), 0)
  const done = await Promise.all(reports)
  await Promise.all(workers.map((worker) => worker.terminate()))
  for (const worker of workers) started.delete(worker)
  for (const report of done) expect(report.error).toBeUndefined()
  return done
}

const ledgerSum = (userId: number) =>
  db().get<{ s: number }>(sql`select coalesce(sum(delta), 0) as s from reputation_events where user_id = ${userId}`)!.s
const reputationOf = (userId: number) => db().select({ r: users.reputation }).from(users).where(eq(users.id, userId)).get()!.r

describe('20 concurrent voters on one answer', () => {
  test('the score equals the sum of the votes, and every reputation equals 1 + its ledger', { timeout: 60_000 }, async () => {
    const author = createUser(db())
    const question = createTestQuestion(db(), { authorId: createUser(db()).id })
    const answer = createTestAnswer(db(), { questionId: question.id, authorId: author.id })
    const voters = Array.from({ length: 20 }, () => createUser(db()))
    // 14 end up upvoting and 6 downvoting; each changes its mind on the way, so reversals race too.
    const finalValue = (i: number): PostVoteValue => (i < 14 ? 1 : -1)
    const steps = voters.map((voter, i): Step[] => {
      const vote = (value: PostVoteValue) => ({ targetType: 'answer' as const, targetId: answer.id, userId: voter.id, value })
      return i < 14 ? [vote(1), vote(-1), vote(0), vote(1)] : [vote(-1), vote(1), vote(-1)]
    })
    await voteInWorkers(steps)

    const score = db().select({ score: answers.score }).from(answers).where(eq(answers.id, answer.id)).get()!.score
    const votesSum = db().get<{ s: number }>(
      sql`select coalesce(sum(value), 0) as s from post_votes where target_type = 'answer' and target_id = ${answer.id}`,
    )!.s
    expect(score).toBe(14 - 6)
    expect(votesSum).toBe(score)
    // 14 upvotes at +10 (200 a day is never passed: at most 20 up at once) and 6 downvotes at -2.
    expect(reputationOf(author.id)).toBe(1 + 140 - 12)
    expect(reputationOf(author.id)).toBe(1 + ledgerSum(author.id))
    voters.forEach((voter, i) => {
      expect(reputationOf(voter.id)).toBe(finalValue(i) === -1 ? 0 : 1) // a downvote on an answer costs 1
      expect(reputationOf(voter.id)).toBe(1 + ledgerSum(voter.id))
    })
    expect(findCounterMismatches(db())).toEqual([])
  })
})
