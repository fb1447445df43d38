/**
 * `npm run backup` while the server serves and a member keeps voting: the copy passes its
 * integrity check, its counters equal their recount, and a second server started on a copy of it
 * serves the site.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process'
import fs from 'node:fs'
import net from 'node:net'
import path from 'node:path'
import { promisify } from 'node:util'
import { startSession } from '~/lib/auth.server'
import { inspectDatabaseFile } from '~/lib/backup.server'
import { getDb, openDatabase } from '~/lib/db.server'
import { findCounterMismatches } from '~/models/counters.server'
import { createTestIdea } from '#tests/factories'
import { expect, makeUser, test } from './fixtures'

const run = promisify(execFile)

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

async function waitForHealth(origin: string, child: ChildProcess) {
  const deadline = Date.now() + 20_000
  while (Date.now() < deadline && child.exitCode === null) {
    try {
      if ((await fetch(`${origin}/healthz`)).ok) return
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  throw new Error('the server on the restored backup did not become healthy')
}

test('a backup taken while members vote is consistent and serves the site when restored', async ({ baseURL, clientIp }) => {
  test.setTimeout(60_000)
  const voter = makeUser({ reputation: 20, createdAt: new Date(Date.now() - 2 * 24 * 60 * 60_000) })
  const author = makeUser()
  const ideas = Array.from({ length: 3 }, () => createTestIdea(getDb(), { authorId: author.id }))
  const session = await startSession(voter.id)
  // Files named like the run's own database, so the config's clean-up sweeps up any a crash leaves.
  const stem = path.resolve('tests/.tmp', `e2e-backup-${Date.now()}-${process.pid}`)
  const backupFile = `${stem}.db`
  const restoredFile = `${stem}-restored.db`

  // The load: vote and unvote in turn until the backup is done (at most 60 a minute per member).
  let voting = true
  let acknowledged = 0
  const load = (async () => {
    for (let i = 0; voting; i++) {
      const idea = ideas[i % ideas.length]!
      const response = await fetch(`${baseURL}/ideas/${idea.id}/vote`, {
        method: 'POST',
        redirect: 'manual',
        headers: {
          Cookie: `${session.name}=${session.value}`,
          Origin: baseURL!,
          'X-Forwarded-For': clientIp,
          Accept: 'text/html',
          'Content-Type': 'application/x-www-form-urlencoded',
        },
        body: new URLSearchParams({ voted: String(Math.floor(i / ideas.length) % 2 === 0) }),
      })
      expect(response.status).toBe(302)
      acknowledged += 1
      await new Promise((resolve) => setTimeout(resolve, 150))
    }
  })()

  let restored: ChildProcess | undefined
  try {
    await expect.poll(() => acknowledged).toBeGreaterThan(2)
    const { stdout } = await run(process.execPath, ['--import', 'tsx', 'scripts/backup.ts', backupFile], {
      env: { ...process.env, DATABASE_URL: process.env.E2E_DATABASE_URL },
    })
    const duringBackup = acknowledged
    await expect.poll(() => acknowledged).toBeGreaterThan(duringBackup) // the site kept answering
    voting = false
    await load

    expect(stdout).toContain('integrity: ok')
    expect(stdout).toMatch(/size: [\d.]+ MB \(\d+ pages of \d+ bytes\)/)
    expect(stdout).toMatch(/rows: \d+ users, \d+ ideas, \d+ idea votes/)
    expect(inspectDatabaseFile(backupFile).integrity).toBe('ok')
    const backup = openDatabase(backupFile)
    try {
      expect(findCounterMismatches(backup)).toEqual([])
    } finally {
      backup.$client.close()
    }

    // Restore: the copy is a complete database on its own.
    fs.copyFileSync(backupFile, restoredFile)
    const port = await freePort()
    const origin = `http://127.0.0.1:${port}`
    restored = spawn(process.execPath, ['server.js'], {
      stdio: 'ignore',
      env: { ...process.env, NODE_ENV: 'production', HOST: '127.0.0.1', PORT: String(port), DATABASE_URL: restoredFile, SEED_DEMO: 'false', PUBLIC_URL: '' },
    })
    await waitForHealth(origin, restored)
    const home = await fetch(origin)
    expect(home.status).toBe(200)
    expect(await home.text()).toContain('Summit')
    const ideaPage = await fetch(`${origin}/ideas/${ideas[0]!.id}`)
    expect(ideaPage.status).toBe(200)
    expect(await ideaPage.text()).toContain(ideas[0]!.title)
  } finally {
    voting = false
    await load.catch(() => {})
    if (restored && restored.exitCode === null) {
      const exited = new Promise((resolve) => restored!.once('exit', resolve))
      restored.kill('SIGTERM')
      await exited
    }
    for (const file of [backupFile, restoredFile]) {
      for (const suffix of ['', '-wal', '-shm', '.partial']) fs.rmSync(file + suffix, { force: true })
    }
  }
})
