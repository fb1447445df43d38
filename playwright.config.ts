/**
 * End-to-end tests: the built app (`npm run build` first; `npm test` does it) served by server.js on
 * a free port over a fresh temporary database seeded with the demo community.
 *
 * This file is evaluated again in every worker. The runner picks the port and the database file
 * once and keeps them in process.env, which the workers inherit, so the fixtures in the workers
 * open the same database file as the server.
 */
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { defineConfig, devices } from '@playwright/test'
import { findChromium, MISSING_BROWSER_MESSAGE } from './tests/e2e/browser'

const TMP_DIR = path.resolve('tests/.tmp')

if (process.env.E2E_DATABASE_URL === undefined) {
  // First evaluation, in the runner: drop databases that earlier runs left behind (kept for an
  // hour so a failed run can be inspected).
  fs.mkdirSync(TMP_DIR, { recursive: true })
  for (const name of fs.readdirSync(TMP_DIR)) {
    const file = path.join(TMP_DIR, name)
    if (name.startsWith('e2e-') && Date.now() - fs.statSync(file).mtimeMs > 60 * 60_000) fs.rmSync(file, { force: true })
  }
}

process.env.E2E_PORT ??= execFileSync(process.execPath, [
  '-e',
  "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})",
])
  .toString()
  .trim()
process.env.E2E_DATABASE_URL ??= path.join(TMP_DIR, `e2e-${Date.now()}-${process.pid}.db`)
// The fixtures (createUser, startSession) call getDb(), which opens DATABASE_URL.
process.env.DATABASE_URL = process.env.E2E_DATABASE_URL

const PORT = process.env.E2E_PORT
// 127.0.0.1 everywhere: the server's Origin check compares against the Host the browser used.
const BASE_URL = `http://127.0.0.1:${PORT}`

const browser = findChromium()
if (!browser) throw new Error(MISSING_BROWSER_MESSAGE)

export default defineConfig({
  testDir: 'tests/e2e',
  // Every test makes its own users and has its own client address, so tests run in any order.
  fullyParallel: true,
  workers: Math.min(2, os.availableParallelism()),
  retries: 0, // never: a retry would hide the race or timing bug that made a test fail once
  forbidOnly: Boolean(process.env.CI),
  timeout: 30_000,
  expect: { timeout: 5_000 },
  reporter: [['list'], ['html', { open: 'never', outputFolder: 'playwright-report' }]],
  use: {
    baseURL: BASE_URL,
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
  },
  projects: [
    {
      name: 'chromium',
      use: {
        ...devices['Desktop Chrome'],
        launchOptions: { executablePath: browser.executablePath, args: browser.args },
      },
    },
  ],
  webServer: {
    command: 'node server.js',
    url: `${BASE_URL}/healthz`,
    reuseExistingServer: false,
    timeout: 60_000,
    stdout: 'pipe',
    stderr: 'pipe',
    gracefulShutdown: { signal: 'SIGTERM', timeout: 5_000 },
    env: {
      NODE_ENV: 'production',
      HOST: '127.0.0.1',
      PORT,
      DATABASE_URL: process.env.E2E_DATABASE_URL,
      SEED_DEMO: 'true',
      // The origin is the one the browser uses; never a PUBLIC_URL from the developer's shell.
      PUBLIC_URL: '',
      // Each test sends its own client address in X-Forwarded-For (see fixtures.ts), as a reverse
      // proxy on the same host would, so the per-IP limits of one test never reach another.
      TRUST_PROXY: 'loopback',
      // The limits the rate-limit tests count against: the defaults, pinned.
      LOGIN_ATTEMPTS_PER_15_MIN: '10',
      LOGIN_ATTEMPTS_PER_IP_PER_15_MIN: '100',
      SIGNUPS_PER_IP_PER_HOUR: '10',
    },
  },
})
