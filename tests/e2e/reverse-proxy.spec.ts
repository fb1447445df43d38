/**
 * Summit behind a real nginx, configured with the snippet docs/operations.md recommends ("Behind a
 * reverse proxy"): the spec reads that block from the docs, so the documented configuration is the
 * tested one. Each group starts its own `node server.js` (production build, a database of its own,
 * PUBLIC_URL = nginx's origin, TRUST_PROXY=1) and its own nginx on free ports, with every nginx
 * file in a folder under tests/.tmp, then drives Chromium through nginx.
 *
 * The second group leaves out `proxy_set_header Host $host;`, as a proxy configured without it
 * would: Summit then sees `Host: 127.0.0.1:<its port>` and must rely on PUBLIC_URL.
 *
 * Skipped, with the reason, only when no nginx binary can be found (tests/e2e/nginx.ts).
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process'
import crypto from 'node:crypto'
import fs from 'node:fs'
import net from 'node:net'
import path from 'node:path'
import { expect, type Page, test } from '@playwright/test'
import Database from 'better-sqlite3'
import { findNginx, MISSING_NGINX_MESSAGE, nginxConfig } from './nginx'
import { freePort } from './own-server'
import { header, rawRequest } from './raw-http'

const NGINX = findNginx()
const TMP_DIR = path.resolve('tests/.tmp')
const DIR_PREFIX = 'proxy-'
const DEMO = { username: 'casey', password: 'summit-demo-pass' }
/** A second loopback address for the client, so "the address nginx saw" differs from nginx's own. */
const CLIENT_ADDRESS = '127.0.0.5'

/** Whether this machine lets a socket use 127.0.0.5 as its source address (Linux: all of 127/8). */
function canBind(address: string): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer()
    server.once('error', () => resolve(false))
    server.listen(0, address, () => server.close(() => resolve(true)))
  })
}

/** nginx's version as [major, minor, patch] (`nginx -v` prints "nginx version: nginx/1.22.1" on stderr). */
function nginxVersion(binary: string): number[] {
  const result = spawnSync(binary, ['-v'], { encoding: 'utf8' })
  const match = /nginx\/(\d+)\.(\d+)\.(\d+)/.exec(`${result.stdout ?? ''}${result.stderr ?? ''}`)
  return match ? match.slice(1).map(Number) : [0, 0, 0]
}

/** A child's output, kept for failure messages. */
function capture(child: ChildProcess) {
  let text = ''
  const keep = (chunk: Buffer) => {
    text = (text + chunk.toString('utf8')).slice(-20_000)
  }
  child.stdout?.on('data', keep)
  child.stderr?.on('data', keep)
  return () => text
}

/** Polls GET /healthz on a port until it answers 200; fails early when the process has exited. */
async function waitForHealth(port: number, child: ChildProcess, what: string, output: () => string, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`${what} exited (${child.exitCode ?? child.signalCode}) before /healthz answered:\n${output()}`)
    }
    const result = await rawRequest(`GET /healthz HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: close\r\n\r\n`, {
      port,
      timeoutMs: 2_000,
    })
    if (result.responses[0]?.status === 200) return
    if (Date.now() > deadline) throw new Error(`${what} did not answer /healthz with 200 within ${timeoutMs / 1000} s:\n${output()}`)
    await new Promise((resolve) => setTimeout(resolve, 200))
  }
}

/** Stops a child by its own pid: SIGTERM, then SIGKILL after 5 s. */
async function stop(child: ChildProcess | undefined) {
  if (!child || child.exitCode !== null || child.signalCode !== null) return
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  child.kill('SIGTERM')
  const timer = setTimeout(() => child.kill('SIGKILL'), 5_000)
  await exited
  clearTimeout(timer)
}

type Stack = {
  /** nginx's origin, which is also PUBLIC_URL. */
  origin: string
  nginxPort: number
  summitPort: number
  dir: string
  database: string
  nginxLog: () => string
  summitLog: () => string
  stop: (keepFiles: boolean) => Promise<void>
}

/** Starts `node server.js` and an nginx in front of it; every file in a folder of its own under tests/.tmp. */
async function startStack(name: string, { forwardHost }: { forwardHost: boolean }): Promise<Stack> {
  fs.mkdirSync(TMP_DIR, { recursive: true })
  for (const entry of fs.readdirSync(TMP_DIR)) {
    const old = path.join(TMP_DIR, entry)
    if (entry.startsWith(DIR_PREFIX) && Date.now() - fs.statSync(old).mtimeMs > 60 * 60_000)
      fs.rmSync(old, { recursive: true, force: true })
  }
  const dir = path.join(TMP_DIR, `${DIR_PREFIX}${name}-${Date.now()}-${process.pid}`)
  fs.mkdirSync(dir, { recursive: true })
  // nginx's workers drop root for "nobody", and must reach their temporary folders in here.
  fs.chmodSync(dir, 0o755)
  const [summitPort, nginxPort] = [await freePort(), await freePort()]
  const origin = `http://127.0.0.1:${nginxPort}`
  const database = path.join(dir, 'summit.db')

  const summit = spawn(process.execPath, ['server.js'], {
    env: {
      ...process.env,
      NODE_ENV: 'production',
      HOST: '127.0.0.1',
      PORT: String(summitPort),
      DATABASE_URL: database,
      SEED_DEMO: 'true',
      PUBLIC_URL: origin,
      TRUST_PROXY: '1',
      LOGIN_ATTEMPTS_PER_15_MIN: '10',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const summitLog = capture(summit)
  let nginx: ChildProcess | undefined
  let nginxLog = () => ''
  const stopAll = async (keepFiles: boolean) => {
    await Promise.all([stop(nginx), stop(summit)])
    if (!keepFiles) fs.rmSync(dir, { recursive: true, force: true })
  }
  try {
    await waitForHealth(summitPort, summit, 'node server.js', summitLog)

    const conf = path.join(dir, 'nginx.conf')
    fs.writeFileSync(conf, nginxConfig({ prefix: dir, listenPort: nginxPort, upstreamPort: summitPort, forwardHost }))
    const [major = 0, minor = 0, patch = 0] = nginxVersion(NGINX!)
    // -e (1.19.5 and later) keeps even the first messages, before the configuration is read, out of /var/log.
    const errorLogFlag = major * 1e6 + minor * 1e3 + patch >= 1_019_005 ? ['-e', path.join(dir, 'error.log')] : []
    nginx = spawn(NGINX!, ['-p', `${dir}/`, ...errorLogFlag, '-c', conf, '-g', `daemon off; pid ${path.join(dir, 'nginx.pid')};`], {
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    const nginxOutput = capture(nginx)
    nginxLog = () => {
      const errorLog = path.join(dir, 'error.log')
      return `${nginxOutput()}${fs.existsSync(errorLog) ? fs.readFileSync(errorLog, 'utf8').slice(-10_000) : ''}`
    }
    await waitForHealth(nginxPort, nginx, 'nginx', nginxLog)
  } catch (error) {
    await stopAll(true)
    throw error
  }
  return { origin, nginxPort, summitPort, dir, database, nginxLog, summitLog: summitLog, stop: stopAll }
}

/** Reads the spawned server's database (read-only, a connection of its own). */
function query<T>(database: string, sql: string, ...params: unknown[]): T[] {
  const db = new Database(database, { readonly: true, fileMustExist: true })
  try {
    return db.prepare(sql).all(...params) as T[]
  } finally {
    db.close()
  }
}

/** Failed log-ins counted against a client address (rate_limit_hits keys `login:ip:<ip>`). */
function loginHits(database: string, ip: string) {
  return query<{ n: number }>(database, 'select count(*) as n from rate_limit_hits where key = ?', `login:ip:${ip}`)[0]!.n
}

function caseyId(database: string) {
  return query<{ id: number }>(database, 'select id from users where username = ?', DEMO.username)[0]!.id
}

/** An open idea by someone else that casey has not voted for. */
function ideaToVoteFor(database: string) {
  const rows = query<{ id: number }>(
    database,
    `select i.id from ideas i
      where i.status = 'open' and i.deleted_at is null and i.hidden_at is null and i.locked_at is null
        and i.merged_into_id is null and i.author_id != ?
        and not exists (select 1 from idea_votes v where v.idea_id = i.id and v.user_id = ?)
      order by i.id limit 1`,
    caseyId(database),
    caseyId(database),
  )
  expect(rows.length, 'the demo community has an open idea casey has not voted for').toBe(1)
  return rows[0]!.id
}

async function logInThroughTheForm(page: Page, origin: string) {
  await page.goto(`${origin}/login`)
  const form = page.getByRole('main')
  await form.getByLabel('Username or e-mail').fill(DEMO.username)
  await form.getByLabel('Password').fill(DEMO.password)
  const [response] = await Promise.all([
    page.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname.startsWith('/login')),
    form.getByRole('button', { name: 'Log in' }).click(),
  ])
  expect(
    response.status(),
    `the log-in POST through nginx answered ${response.status()}: ${await response.text().catch(() => '')}`,
  ).toBeLessThan(400)
  await expect(page).toHaveURL(`${origin}/`)
  const banner = page.getByRole('banner')
  await expect(banner.getByText(/^Account menu for /)).toBeVisible()
  await expect(banner.getByRole('link', { name: 'Log in' })).toHaveCount(0)
}

/** Votes for an idea on its page and checks the vote reached the database. */
async function voteThroughTheForm(page: Page, stack: Stack) {
  const ideaId = ideaToVoteFor(stack.database)
  await page.goto(`${stack.origin}/ideas/${ideaId}`)
  await page
    .getByRole('button', { name: /^Vote for this idea/ })
    .first()
    .click()
  await expect(page.getByRole('button', { name: /^Remove your vote/ }).first()).toHaveAttribute('aria-pressed', 'true')
  await expect
    .poll(() => query(stack.database, 'select 1 from idea_votes where idea_id = ? and user_id = ?', ideaId, caseyId(stack.database)).length)
    .toBe(1)
  return ideaId
}

/** The share box's permanent link on an idea page. */
async function expectPermanentLink(page: Page, origin: string, ideaId: number) {
  await expect(page.getByRole('link', { name: 'Permanent link' })).toHaveAttribute('href', `${origin}/ideas/${ideaId}`)
}

function loginRequest(origin: string, fields: Record<string, string>, headers: Record<string, string> = {}) {
  const body = new URLSearchParams(fields).toString()
  const lines = [
    'POST /login HTTP/1.1',
    `Host: ${new URL(origin).host}`,
    `Origin: ${origin}`,
    'Content-Type: application/x-www-form-urlencoded',
    ...Object.entries(headers).map(([key, value]) => `${key}: ${value}`),
    `Content-Length: ${Buffer.byteLength(body)}`,
    'Connection: close',
  ]
  return `${lines.join('\r\n')}\r\n\r\n${body}`
}

/**
 * Starts nginx and Summit once for the describe block that calls it, attaches both logs to a failed
 * test, and stops them after the block. `started` receives the running stack.
 */
function stackForThisGroup(name: string, options: Parameters<typeof startStack>[1], started: (stack: Stack) => void) {
  let stack: Stack | undefined
  let failed = false
  test.beforeAll(async () => {
    test.setTimeout(120_000)
    stack = await startStack(name, options)
    started(stack)
  })
  test.afterEach(async ({}, testInfo) => {
    if (testInfo.status !== testInfo.expectedStatus) {
      failed = true
      await testInfo.attach('nginx.log', { body: stack?.nginxLog() ?? '', contentType: 'text/plain' })
      await testInfo.attach('summit.log', { body: stack?.summitLog() ?? '', contentType: 'text/plain' })
    }
  })
  test.afterAll(async () => {
    await stack?.stop(failed)
  })
}

test.describe('Summit behind nginx, configured as docs/operations.md recommends', () => {
  test.describe.configure({ mode: 'default' })
  test.skip(!NGINX, MISSING_NGINX_MESSAGE)

  let stack!: Stack
  stackForThisGroup('documented', { forwardHost: true }, (started) => (stack = started))

  test('log in through the form, vote and ask a question through nginx; the session and the permanent link work', async ({
    page,
    context,
  }) => {
    test.setTimeout(60_000)
    // A client-written X-Forwarded-For on every request the browser makes: nginx must replace it.
    await context.setExtraHTTPHeaders({ 'X-Forwarded-For': '6.6.6.6' })

    // A wrong password first: it counts against the address nginx saw (the browser's, 127.0.0.1).
    const before = loginHits(stack.database, '127.0.0.1')
    await page.goto(`${stack.origin}/login`)
    await page.getByRole('main').getByLabel('Username or e-mail').fill(DEMO.username)
    await page.getByRole('main').getByLabel('Password').fill('not-the-password')
    await page.getByRole('main').getByRole('button', { name: 'Log in' }).click()
    await expect(page.getByText('Wrong username, e-mail or password.')).toBeVisible()
    expect(loginHits(stack.database, '127.0.0.1') - before, 'failed log-ins counted against 127.0.0.1').toBe(1)
    expect(loginHits(stack.database, '6.6.6.6'), 'failed log-ins counted against the forged address').toBe(0)

    await logInThroughTheForm(page, stack.origin)

    const [session] = (await context.cookies(stack.origin)).filter((cookie) => cookie.name === 'summit_session')
    expect(session, 'the log-in set the session cookie for the public origin').toBeTruthy()
    expect(session!.httpOnly).toBe(true)
    expect(session!.secure).toBe(false) // PUBLIC_URL is http here; https makes it Secure

    const ideaId = await voteThroughTheForm(page, stack)
    await expectPermanentLink(page, stack.origin, ideaId)

    const title = `Does the export keep working behind a proxy? ${crypto.randomBytes(3).toString('hex')}`
    await page.goto(`${stack.origin}/questions/ask`)
    await page.getByLabel('Title').fill(title)
    await page.getByLabel('Your question').fill('We run the community behind nginx and want to be sure every export still completes.')
    await page.getByLabel('Tags').fill('export') // a tag the demo community has (new ones need reputation)
    await page.getByRole('button', { name: 'Post your question' }).click()
    await expect(page.getByRole('heading', { level: 1, name: title })).toBeVisible()
    const asked = query<{ author_id: number }>(stack.database, 'select author_id from questions where title = ?', title)
    expect(asked).toEqual([{ author_id: caseyId(stack.database) }])

    // Still logged in on a fresh page load (the cookie, not the client-side state, carries the session).
    await page.goto(`${stack.origin}/settings`)
    await expect(page).toHaveURL(`${stack.origin}/settings`)

    // Nothing the server counted names the forged address.
    expect(query(stack.database, "select key from rate_limit_hits where key like '%6.6.6.6%'")).toEqual([])
  })

  test('a client-written X-Forwarded-For is not the address the log-in limit counts: the address nginx saw is', async () => {
    // The client connects from a second loopback address where the machine allows it, so the
    // address nginx saw (and writes into X-Forwarded-For) differs from nginx's own, 127.0.0.1.
    const client = (await canBind(CLIENT_ADDRESS)) ? CLIENT_ADDRESS : '127.0.0.1'
    const identifier = `nobody-${crypto.randomBytes(4).toString('hex')}`
    const before = { client: loginHits(stack.database, client), nginx: loginHits(stack.database, '127.0.0.1') }
    for (let attempt = 1; attempt <= 10; attempt++) {
      const result = await rawRequest(
        loginRequest(stack.origin, { identifier, password: 'not-the-password' }, { 'X-Forwarded-For': '6.6.6.6' }),
        {
          port: stack.nginxPort,
          localAddress: client,
        },
      )
      expect(result.responses[0]?.status, `wrong log-in ${attempt} through nginx`).toBe(400)
    }
    expect(loginHits(stack.database, '6.6.6.6'), 'hits counted against the forged address').toBe(0)
    expect(loginHits(stack.database, client) - before.client, `hits counted against ${client}, the address nginx saw`).toBe(10)
    if (client !== '127.0.0.1') {
      // Not against nginx's own address either: the other visitors behind the proxy are unaffected.
      expect(loginHits(stack.database, '127.0.0.1') - before.nginx, 'hits counted against nginx itself').toBe(0)
      const other = await rawRequest(loginRequest(stack.origin, { identifier: DEMO.username, password: DEMO.password }), {
        port: stack.nginxPort,
      })
      expect(other.responses[0]?.status, 'another client logs in meanwhile').toBe(302)
    }
  })

  test('a forged Host or X-Forwarded-Host through nginx does not move the permanent link off PUBLIC_URL', async () => {
    const ideaId = ideaToVoteFor(stack.database)
    const target = `/ideas/${ideaId}?via=${crypto.randomBytes(4).toString('hex')}`
    const forgeries = [
      `Host: evil.example`,
      `Host: 127.0.0.1:${stack.nginxPort}\r\nX-Forwarded-Host: evil.example`,
      `Host: evil.example:${stack.nginxPort}`,
    ]
    for (const forged of [...forgeries, `Host: 127.0.0.1:${stack.nginxPort}`]) {
      const result = await rawRequest(`GET ${target} HTTP/1.1\r\n${forged}\r\nConnection: close\r\n\r\n`, { port: stack.nginxPort })
      const response = result.responses[0]
      expect(response?.status, `GET ${target} with ${JSON.stringify(forged)}`).toBe(200)
      const body = response!.body.toString('utf8')
      expect(body, `with ${JSON.stringify(forged)}`).toContain(`href="${stack.origin}/ideas/${ideaId}"`)
      expect(body, `with ${JSON.stringify(forged)}`).not.toContain('evil.example')
    }
  })

  test("form bodies: 300 KB gets Summit's own 413 through nginx, 400 KB stops at nginx's client_max_body_size", async () => {
    for (const [size, answeredBy] of [
      [300 * 1024, 'Summit'],
      [400 * 1024, 'nginx'],
    ] as const) {
      const result = await rawRequest(loginRequest(stack.origin, { identifier: 'x', password: 'a'.repeat(size) }), {
        port: stack.nginxPort,
      })
      const response = result.responses[0]
      expect(response?.status, `a ${size / 1024} KB form`).toBe(413)
      const fromNginx = (header(response!, 'server') ?? '').startsWith('nginx') && response!.body.toString('utf8').includes('<center>nginx')
      expect(fromNginx ? 'nginx' : 'Summit', `who answered the ${size / 1024} KB form`).toBe(answeredBy)
    }
  })
})

test.describe('Summit behind nginx without `proxy_set_header Host` (nginx sends its upstream address)', () => {
  test.describe.configure({ mode: 'default' })
  test.skip(!NGINX, MISSING_NGINX_MESSAGE)

  let stack!: Stack
  stackForThisGroup('default-host', { forwardHost: false }, (started) => (stack = started))

  test('with PUBLIC_URL set, the log-in form and a vote still work, and links use PUBLIC_URL', async ({ page }) => {
    test.setTimeout(60_000)
    expect(fs.readFileSync(path.join(stack.dir, 'nginx.conf'), 'utf8')).not.toMatch(/proxy_set_header\s+Host\b/)
    await logInThroughTheForm(page, stack.origin)
    const ideaId = await voteThroughTheForm(page, stack)
    await expectPermanentLink(page, stack.origin, ideaId)
  })
})
