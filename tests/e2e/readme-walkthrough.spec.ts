/**
 * The README's "Try the API and webhooks", followed as written: its shell blocks are read from
 * README.md and run with bash (only the address, the copied token and secret, and the idea's id are
 * filled in), against a server started as `npm start` starts one (migrated, demo community seeded).
 * The browser steps use the labels the README names. So the README cannot drift from what works.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process'
import fs from 'node:fs'
import { promisify } from 'node:util'
import { expect, expectAccessible, submitLogin, test } from './fixtures'
import { freePort, type OwnServer, removeDatabaseFiles, startOwnServer, tmpDatabaseFile } from './own-server'

const run = promisify(execFile)

/** The shell blocks of the README's walkthrough, in order. */
function walkthroughBlocks() {
  const readme = fs.readFileSync('README.md', 'utf8')
  const start = readme.indexOf('### Try the API and webhooks')
  const end = readme.indexOf('\n## ', start)
  expect(start, 'README has the walkthrough').toBeGreaterThan(0)
  const section = readme.slice(start, end)
  return [...section.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) =>
    m[1]!
      .split('\n')
      .map((line) => line.replace(/^ {3}/, ''))
      .join('\n'),
  )
}

test('from the README alone: a token, the top ideas, a new idea, and a signed webhook when its status changes', async ({ page }) => {
  test.setTimeout(120_000)
  const blocks = walkthroughBlocks()
  expect(blocks).toHaveLength(4)
  const [readAndPost, allowPrivate, receiverCommand, moveIdea] = blocks as [string, string, string, string]
  expect(readAndPost).toContain('http://localhost:3000')
  expect(receiverCommand).toContain('npm run webhook:receive')

  const file = tmpDatabaseFile('readme')
  let server: OwnServer | null = null
  let receiver: ChildProcess | null = null
  let received = ''
  try {
    server = await startOwnServer(file, { SEED_DEMO: 'true' })
    const origin = server.origin
    const shellEnv: NodeJS.ProcessEnv = { ...process.env, DATABASE_URL: file, NODE_ENV: 'production' }
    const bash = async (script: string) =>
      (await run('bash', ['-euo', 'pipefail', '-c', script], { env: shellEnv, timeout: 60_000 })).stdout
    // Each curl's answer on a line of its own, and a failed request fails the step.
    const withCurl = (script: string) =>
      `curl() { command curl -sS --fail-with-body "$@"; echo; }\n${script.replaceAll('http://localhost:3000', origin)}`

    // 1. Log in as admin, make a token with read and write, copy it.
    await page.goto(`${origin}/login`)
    expect((await submitLogin(page, 'admin', 'summit-demo-pass')).status()).toBeLessThan(400)
    await page.goto(`${origin}/settings/tokens`)
    await page.getByLabel('Name').fill('README walkthrough')
    await page.getByRole('checkbox', { name: /^write:/ }).check()
    await expect(page.getByRole('checkbox', { name: /^read:/ })).toBeChecked()
    await page.getByRole('button', { name: 'Create token' }).click()
    const token = (await page.locator('.token-value').textContent())!.trim()
    expect(token).toMatch(/^smt_/)

    // 2. The top ideas without a token, the categories, and a new idea with the token.
    const answers = (await bash(withCurl(readAndPost.replace("'smt_…'", `'${token}'`))))
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as Record<string, unknown>)
    expect(answers).toHaveLength(3)
    expect((answers[0] as { data: unknown[] }).data).toHaveLength(5)
    expect((answers[1] as { data: { id: number }[] }).data.map((c) => c.id)).toContain(1)
    const idea = answers[2] as { id: number; title: string; status: string }
    expect(idea).toMatchObject({ title: 'Export the roadmap as a PDF', status: 'open' })

    // 3. Allow private targets, add the endpoint on /admin/webhooks, copy its secret.
    await bash(allowPrivate)
    const port = await freePort()
    const receiverUrl = `http://127.0.0.1:${port}/`
    await page.goto(`${origin}/admin/webhooks`)
    await page.getByLabel('URL', { exact: true }).fill(receiverUrl)
    await expect(page.getByRole('checkbox', { name: /An idea changes status/ })).toBeChecked()
    await page.getByRole('button', { name: 'Add the endpoint' }).click()
    const secret = (await page.getByTestId('webhook-secret').textContent())!.trim()
    expect(secret).toMatch(/^whsec_/)
    await expectAccessible(page)

    // 4. The receiver that comes with Summit (on a free port here rather than 4000).
    expect(receiverCommand).toContain('127.0.0.1:4000')
    receiver = spawn('bash', ['-c', `${receiverCommand.replace("'whsec_…'", `'${secret}'`).replace(/#.*$/m, '')}`], {
      env: { ...shellEnv, WEBHOOK_RECEIVER_PORT: String(port) },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    })
    receiver.stdout!.on('data', (chunk: Buffer) => (received += chunk.toString()))
    receiver.stderr!.on('data', (chunk: Buffer) => (received += chunk.toString()))
    await expect.poll(() => received, { timeout: 30_000 }).toContain(`Listening on ${receiverUrl}`)

    // 5. Move the idea with the same token; the receiver verifies and prints the change.
    const moved = JSON.parse(
      (
        await bash(
          withCurl(`export SUMMIT=http://localhost:3000 SUMMIT_TOKEN='${token}'\n${moveIdea.replace('IDEA_ID=…', `IDEA_ID=${idea.id}`)}`),
        )
      ).trim(),
    ) as {
      status: string
    }
    expect(moved.status).toBe('planned')
    await expect
      .poll(() => received, { timeout: 30_000 })
      .toMatch(new RegExp(`verified idea\\.status_changed msg_\\S+: idea #${idea.id} “Export the roadmap as a PDF” open → planned`))
    expect(received).not.toContain('refused')
  } finally {
    if (receiver?.pid) {
      try {
        process.kill(-receiver.pid, 'SIGTERM')
      } catch {
        // already gone
      }
    }
    await server?.stop()
    removeDatabaseFiles(file)
  }
})
