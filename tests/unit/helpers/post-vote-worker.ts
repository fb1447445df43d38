/**
 * A worker thread for answer-vote-concurrency.test.ts: like vote-worker.ts, it opens its own
 * connection to the test database, as another server process would, and calls the real
 * setPostVote for each step once the test opens the gate for every worker together.
 *
 * workerData: { file, steps: [{ targetType, targetId, userId, value }], gate: SharedArrayBuffer }.
 */
import { parentPort, workerData } from 'node:worker_threads'
import { openDatabase } from '~/lib/db.server'
import { type PostVoteValue, setPostVote } from '~/models/votes.server'

type Step = { targetType: 'question' | 'answer'; targetId: number; userId: number; value: PostVoteValue }
type Input = { file: string; steps: Step[]; gate: SharedArrayBuffer }
const { file, steps, gate } = workerData as Input
const port = parentPort!
const db = openDatabase(file)

port.postMessage({ ready: true })
Atomics.wait(new Int32Array(gate), 0, 0)

try {
  const results = steps.map((step) => setPostVote(db, step))
  port.postMessage({ done: true, results })
} catch (error) {
  port.postMessage({ done: true, error: error instanceof Error ? (error.stack ?? error.message) : String(error) })
} finally {
  db.$client.close()
}
