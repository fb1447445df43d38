/**
 * A worker thread for the concurrency tests in votes.test.ts: it opens its own connection to the
 * test database, as another server process would, and calls the real setIdeaVote.
 *
 * The test bundles this file with esbuild first (path aliases resolved, packages left external):
 * compiling TypeScript in each of 50 threads would take far longer than the votes themselves.
 *
 * workerData: { file, ideaId, steps: [{ userId, voted }], gate: SharedArrayBuffer }. The worker
 * loads everything, reports ready, then blocks on the gate, so that every worker starts at once.
 */
import { parentPort, workerData } from 'node:worker_threads'
import { openDatabase } from '~/lib/db.server'
import { setIdeaVote } from '~/models/votes.server'

type Input = { file: string; ideaId: number; steps: Array<{ userId: number; voted: boolean }>; gate: SharedArrayBuffer }
const { file, ideaId, steps, gate } = workerData as Input
const port = parentPort!
const db = openDatabase(file)

port.postMessage({ ready: true })
Atomics.wait(new Int32Array(gate), 0, 0) // until the test opens the gate for every worker together

try {
  const results = steps.map(({ userId, voted }) => setIdeaVote(db, { ideaId, userId, voted }))
  port.postMessage({ done: true, results })
} catch (error) {
  port.postMessage({ done: true, error: error instanceof Error ? (error.stack ?? error.message) : String(error) })
} finally {
  db.$client.close()
}
