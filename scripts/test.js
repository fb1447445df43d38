/**
 * `npm test`: lint (ESLint, with the layering as import rules), the formatting check (Prettier),
 * typecheck, unit tests, production
 * build, then the end-to-end tests in Chromium.
 * Stops at the first failing step with its exit code. Extra arguments go to `playwright test`
 * (`npm test -- tests/e2e/auth.spec.ts --headed`).
 *
 * The browser is looked up the same way playwright.config.ts does (tests/e2e/browser.ts). When
 * there is none, it tries `playwright install chromium`, then (as root) Debian's chromium package.
 * nginx, which the reverse-proxy test runs in front of the server, is looked up the way that test
 * does (tests/e2e/nginx.ts: NGINX_PATH, /usr/sbin/nginx, PATH); when there is none it installs
 * Debian's nginx package as root, and otherwise stops and says how to get it.
 */
import { spawnSync } from 'node:child_process'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { tsImport } from 'tsx/esm/api'

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const NPX = process.platform === 'win32' ? 'npx.cmd' : 'npx'
const NPM = process.platform === 'win32' ? 'npm.cmd' : 'npm'
const startedAt = Date.now()
const playwrightArgs = process.argv.slice(2)

const seconds = (ms) => `${(ms / 1000).toFixed(1)} s`

function heading(text) {
  console.log(`\n=== ${text}`)
}

/** Runs a command with inherited stdio; returns its exit code (1 when it could not start or was killed). */
function run(command, args, options = {}) {
  const result = spawnSync(command, args, { cwd: ROOT, stdio: 'inherit', ...options })
  if (result.error) console.error(`${command} ${args.join(' ')}: ${result.error.message}`)
  if (result.status !== null) return result.status
  return 1
}

function step(title, command, args) {
  heading(title)
  const started = Date.now()
  const code = run(command, args)
  if (code !== 0) {
    console.error(`\n${title} failed (exit code ${code}) after ${seconds(Date.now() - started)}.`)
    console.error(`Total: ${seconds(Date.now() - startedAt)}`)
    process.exit(code)
  }
  console.log(`${title}: ok in ${seconds(Date.now() - started)}`)
}

async function ensureBrowser() {
  heading('Chromium for the end-to-end tests')
  const { findChromium, MISSING_BROWSER_MESSAGE } = await tsImport('../tests/e2e/browser.ts', import.meta.url)
  const describe = (choice) => choice.executablePath ?? "Playwright's own Chromium"

  let found = findChromium()
  if (found) return console.log(`Using ${describe(found)}`)

  console.log('No Chromium found. Trying: npx playwright install chromium (at most 120 s)')
  // The CLI itself, not npx, so that the time limit stops the process doing the download.
  run(process.execPath, [path.join(ROOT, 'node_modules/@playwright/test/cli.js'), 'install', 'chromium'], {
    timeout: 120_000,
    killSignal: 'SIGKILL',
  })
  found = findChromium()
  if (found) return console.log(`Using ${describe(found)}`)

  if (process.getuid?.() === 0) {
    console.log('Trying: apt-get update && apt-get install -y chromium')
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' }
    if (run('apt-get', ['update'], { env }) === 0) run('apt-get', ['install', '-y', 'chromium'], { env })
    found = findChromium()
    if (found) return console.log(`Using ${describe(found)}`)
  }

  console.error(`\n${MISSING_BROWSER_MESSAGE}`)
  console.error(`Total: ${seconds(Date.now() - startedAt)}`)
  process.exit(1)
}

async function ensureNginx() {
  heading('nginx for the reverse-proxy end-to-end test')
  const { findNginx, MISSING_NGINX_MESSAGE } = await tsImport('../tests/e2e/nginx.ts', import.meta.url)

  let found = findNginx()
  if (found) return console.log(`Using ${found}`)

  if (process.getuid?.() === 0) {
    console.log('No nginx found. Trying: apt-get update && apt-get install -y nginx')
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' }
    if (run('apt-get', ['update'], { env }) === 0) run('apt-get', ['install', '-y', 'nginx'], { env })
    found = findNginx()
    if (found) return console.log(`Using ${found}`)
  }

  console.error(`\n${MISSING_NGINX_MESSAGE}`)
  console.error(`Total: ${seconds(Date.now() - startedAt)}`)
  process.exit(1)
}

step('Lint (eslint)', NPM, ['run', 'lint', '--', '--max-warnings=0'])
step('Format (prettier --check)', NPM, ['run', 'format:check'])
step('Typecheck (tsc --noEmit)', NPX, ['tsc', '--noEmit'])
step('Unit tests (vitest run)', NPX, ['vitest', 'run'])
step('Build (npm run build: the app, then the server)', NPM, ['run', 'build'])
await ensureBrowser()
await ensureNginx()
step('End-to-end tests (playwright test)', NPX, ['playwright', 'test', ...playwrightArgs])
console.log(`\nAll steps passed. Total: ${seconds(Date.now() - startedAt)}`)
