/**
 * `npm run backup` while the server serves and members keep voting: the copy passes its integrity
 * check, its counters equal their recount, and a second server started on a copy of it serves the
 * site.
 */
import { execFile } from 'node:child_process'
import fs from 'node:fs'
import { promisify } from 'node:util'
import { startSession } from '~/lib/auth.server'
import { inspectDatabaseFile } from '~/lib/backup.server'
import { getDb, openDatabase } from '~/lib/db.server'
import { VOTE_LIMIT, VOTES_PER_IP_PER_MINUTE } from '~/lib/rate-limit.server'
import { findCounterMismatches } from '~/models/counters.server'
import { createTestIdea } from '#tests/factories'
import { expect, makeUser, test } from './fixtures'
import { type OwnServer, removeDatabaseFiles, startOwnServer, tmpDatabaseFile } from './own-server'

const run = promisify(execFile)

/**
 * The load's pacing. Every vote request counts against its member's per-minute limit (60 for
 * accounts older than a day, 20 for younger ones) and its address's (120), for as long as the
 * backup takes on a busy machine. So the load comes from VOTERS members, each older than a day and
 * with an address of its own, taking turns, one request at a time with a pause of PAUSE_MS after
 * each: a member sends at most one request every VOTERS × PAUSE_MS, half its limit or less,
 * however long the run.
 */
const VOTERS = 10
const PAUSE_MS = 200
const PER_MEMBER_PER_MINUTE = 60_000 / (VOTERS * PAUSE_MS)
if (PER_MEMBER_PER_MINUTE > VOTE_LIMIT.limit / 2 || PER_MEMBER_PER_MINUTE > VOTES_PER_IP_PER_MINUTE.limit / 2) {
  throw new Error('backup.spec: the load would come near the vote limits')
}

/** This test's client address with its last part moved by `i`: one address per member. */
function neighbourAddress(clientIp: string, i: number) {
  const parts = clientIp.split('.')
  parts[3] = String(1 + ((Number(parts[3]) + i) % 254))
  return parts.join('.')
}

test('a backup taken while members vote is consistent and serves the site when restored', async ({ baseURL, clientIp }) => {
  test.setTimeout(60_000)
  const author = makeUser()
  const ideas = Array.from({ length: 3 }, () => createTestIdea(getDb(), { authorId: author.id }))
  const twoDaysAgo = new Date(Date.now() - 2 * 24 * 60 * 60_000)
  const voters = await Promise.all(
    Array.from({ length: VOTERS }, async (_, i) => {
      const member = makeUser({ reputation: 20, createdAt: twoDaysAgo })
      const session = await startSession(member.id)
      return {
        cookie: `${session.name}=${session.value}`,
        address: neighbourAddress(clientIp, i),
        idea: ideas[i % ideas.length]!,
        voted: false,
      }
    }),
  )
  const backupFile = tmpDatabaseFile('backup')
  const restoredFile = backupFile.replace(/\.db$/, '-restored.db')

  // The load: the members take turns, each voting and unvoting its idea, until the backup is done.
  let voting = true
  let acknowledged = 0
  const refusals: string[] = []
  const load = (async () => {
    for (let i = 0; voting; i++) {
      const voter = voters[i % voters.length]!
      const response = await fetch(`${baseURL}/ideas/${voter.idea.id}/vote`, {
        method: 'POST',
        redirect: 'manual',
        headers: {
          Cookie: voter.cookie,
          Origin: baseURL!,
          'X-Forwarded-For': voter.address,
          Accept: 'text/html',
          'Content-Type': 'application/x-www-form-urlencoded',
        },
        body: new URLSearchParams({ voted: String(!voter.voted) }),
      })
      if (response.status === 302) {
        voter.voted = !voter.voted
        acknowledged += 1
      } else {
        refusals.push(`${response.status} ${await response.text()}`)
        return
      }
      await new Promise((resolve) => setTimeout(resolve, PAUSE_MS))
    }
  })()

  let restored: OwnServer | undefined
  try {
    await expect.poll(() => acknowledged, { timeout: 10_000 }).toBeGreaterThan(2)
    const { stdout } = await run(process.execPath, ['--import', 'tsx', 'scripts/backup.ts', backupFile], {
      env: { ...process.env, DATABASE_URL: process.env.E2E_DATABASE_URL },
    })
    const duringBackup = acknowledged
    await expect.poll(() => refusals.length > 0 || acknowledged > duringBackup, { timeout: 10_000 }).toBe(true) // the site kept answering
    voting = false
    await load
    expect(refusals, 'every vote of the load was acknowledged').toEqual([])

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
    restored = await startOwnServer(restoredFile)
    const { origin } = restored
    const home = await fetch(origin)
    expect(home.status).toBe(200)
    expect(await home.text()).toContain('Summit')
    const ideaPage = await fetch(`${origin}/ideas/${ideas[0]!.id}`)
    expect(ideaPage.status).toBe(200)
    expect(await ideaPage.text()).toContain(ideas[0]!.title)
  } finally {
    voting = false
    await load.catch(() => {})
    await restored?.stop()
    for (const file of [backupFile, restoredFile]) removeDatabaseFiles(file)
  }
})
