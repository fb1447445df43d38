/**
 * The kill test, short: two rounds of `npm run chaos` (load, SIGKILL mid-load, restart, check that
 * every acknowledged vote and post is there and every counter equals its recount), then a clean
 * SIGTERM stop under load that must exit with 0, checkpoint the WAL and lose nothing. It serves the build on a database of its own, so it
 * runs beside the other tests; `npm run chaos` runs the full five rounds.
 */
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { expect, test } from './fixtures'

const run = promisify(execFile)

test('acknowledged writes survive SIGKILL mid-load, and counters equal their recount', async () => {
  test.setTimeout(90_000)
  const { stdout } = await run(
    process.execPath,
    ['--import', 'tsx', 'scripts/chaos.ts', '--rounds', '2', '--concurrency', '8', '--kill-after-ms', '1200'],
    { timeout: 80_000, maxBuffer: 10_000_000 },
  ).catch((error: { stdout?: string; stderr?: string; message: string }) => {
    throw new Error(`npm run chaos failed:\n${error.stdout ?? ''}\n${error.stderr ?? error.message}`)
  })
  expect(stdout).toMatch(/Round 1\/2: killed after \d+ ms; [1-9]\d* acknowledged.*checks passed/)
  expect(stdout).toMatch(/Round 2\/2: killed after \d+ ms; [1-9]\d* acknowledged.*checks passed/)
  expect(stdout).toMatch(/Clean stop: SIGTERM .*exit code 0, WAL checkpointed; \d+ checks passed/)
  expect(stdout).toContain('All 2 kill rounds and the clean stop passed')
})
