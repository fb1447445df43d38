/**
 * A busy, full or failing database: real route actions answer 503 with Retry-After at once, write
 * nothing and keep the typed form; /healthz says which. The lock is a second real connection on
 * the same file holding BEGIN IMMEDIATE (as a script or another server would); the full disk is
 * `PRAGMA max_page_count` on the server's own connection.
 */
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { inspect } from 'node:util'
import Database from 'better-sqlite3'
import { and, count, eq } from 'drizzle-orm'
import { afterAll, afterEach, beforeAll, describe, expect, test, vi } from 'vitest'
import { ideas, ideaVotes, questions } from '#db/schema'
import { DatabaseUnavailableError } from '~/lib/database-unavailable.server'
import { BUSY_BACKOFF_MS, closeDatabases, databaseFile, getDb, SERVER_BUSY_TIMEOUT_MS } from '~/lib/db.server'
import { resetEnvCache } from '~/lib/env.server'
import { loader as healthz } from '~/routes/healthz'
import { action as newIdeaAction } from '~/routes/ideas.new'
import { action as voteAction } from '~/routes/ideas.$ideaId.vote'
import { loader as questionLoader } from '~/routes/questions.$questionId/route'
import { createCategory, createTestIdea, createTestQuestion, createUser, unique } from '#tests/factories'
import { formRequest, settle } from '#tests/route-helpers'
import { TMP_DIR } from '#tests/setup/paths'

const db = () => getDb()
const DAY = 86_400_000
const DOCUMENT = { Accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8' }
const FETCH = { Accept: '*/*' }
const category = createCategory(db(), { name: unique('Storage ') })

/** Another connection on the same file takes the write lock and keeps it until released. */
function holdWriteLock() {
  const other = new Database(databaseFile())
  other.exec('BEGIN IMMEDIATE')
  return {
    release() {
      other.exec('ROLLBACK')
      other.close()
    },
  }
}

let lock: ReturnType<typeof holdWriteLock> | null = null

const votesOf = (ideaId: number, userId: number) =>
  db()
    .select({ n: count() })
    .from(ideaVotes)
    .where(and(eq(ideaVotes.ideaId, ideaId), eq(ideaVotes.userId, userId)))
    .get()!.n
const ideasTitled = (title: string) => db().select({ n: count() }).from(ideas).where(eq(ideas.title, title)).get()!.n

/** Requests are built before the lock is taken: starting a session writes a row. */
async function voteRequest(ideaId: number, userId: number, headers: Record<string, string>) {
  return formRequest(`/ideas/${ideaId}/vote`, { voted: 'true', redirectTo: '/ideas' }, { userId, headers })
}
const vote = (request: Request, ideaId: number) => settle(() => voteAction({ request, params: { ideaId: String(ideaId) }, context: {} }))

async function timed<T>(fn: () => Promise<T>) {
  const started = performance.now()
  const result = await fn()
  return { result, ms: performance.now() - started }
}

async function health() {
  const { result, ms } = await timed(() => healthz())
  return { status: result.status, body: await result.json(), retryAfter: result.headers.get('Retry-After'), ms }
}

describe('another process holds the write lock', () => {
  afterEach(async () => {
    lock?.release()
    lock = null
    // Let the connection's back-off from the lock run out, so no test starts inside it.
    await new Promise((resolve) => setTimeout(resolve, BUSY_BACKOFF_MS))
  })

  test('a vote is a 503 with Retry-After within a second and writes nothing, as a plain post and for the button', async () => {
    const member = createUser(db())
    const idea = createTestIdea(db(), { authorId: createUser(db()).id })
    const plain = await voteRequest(idea.id, member.id, DOCUMENT)
    const fetcher = await voteRequest(idea.id, member.id, FETCH)
    const later = await voteRequest(idea.id, member.id, FETCH)
    vi.spyOn(console, 'warn').mockImplementation(() => {}) // the busy database is logged once a minute

    lock = holdWriteLock()
    const document = await timed(() => vote(plain, idea.id))
    expect(document.ms).toBeLessThan(1000)
    expect(document.result).toMatchObject({
      status: 503,
      body: 'The database is busy right now, so nothing was saved. Try again in 2 seconds.',
    })
    expect(document.result.headers.get('Retry-After')).toBe('2')

    const button = await timed(() => vote(fetcher, idea.id))
    expect(button.ms).toBeLessThan(1000)
    expect(button.result).toMatchObject({
      status: 503,
      body: { ok: false, error: expect.stringMatching(/^The database is busy right now/) },
    })
    expect(button.result.headers.get('Retry-After')).toBe('2')
    expect(votesOf(idea.id, member.id)).toBe(0)

    lock.release()
    lock = null
    expect(await vote(later, idea.id)).toMatchObject({ status: 200, body: { ok: true, voted: true } })
    expect(votesOf(idea.id, member.id)).toBe(1)
  })

  test('the server waits for the lock once; while it lasts, the next writes fail at once instead of stalling every request', async () => {
    const member = createUser(db())
    const idea = createTestIdea(db(), { authorId: createUser(db()).id })
    const requests = await Promise.all([1, 2, 3, 4].map(() => voteRequest(idea.id, member.id, FETCH)))
    vi.spyOn(console, 'warn').mockImplementation(() => {})

    lock = holdWriteLock()
    const first = await timed(() => vote(requests[0]!, idea.id))
    expect(first.result.status).toBe(503)
    expect(first.ms).toBeGreaterThanOrEqual(SERVER_BUSY_TIMEOUT_MS * 0.9) // it did wait, briefly
    for (const request of requests.slice(1, 3)) {
      const next = await timed(() => vote(request, idea.id))
      expect(next.result.status).toBe(503)
      expect(next.ms).toBeLessThan(SERVER_BUSY_TIMEOUT_MS / 2)
    }
    lock.release()
    lock = null
    // Still inside the back-off: the one try without waiting gets the free lock.
    expect(await vote(requests[3]!, idea.id)).toMatchObject({ status: 200, body: { ok: true } })
  })

  test('a form keeps what was typed, with the message and Retry-After', async () => {
    const author = createUser(db(), { reputation: 500, createdAt: new Date(Date.now() - 2 * DAY) })
    const fields = {
      title: `Export ${unique('locked')} reports as PDF`,
      body: 'So the **board** gets them.',
      categoryId: String(category.id),
      tags: '',
    }
    const request = await formRequest('/ideas/new', fields, { userId: author.id })
    vi.spyOn(console, 'warn').mockImplementation(() => {})

    lock = holdWriteLock()
    const { result, ms } = await timed(() => settle(() => newIdeaAction({ request, params: {}, context: {} })))
    expect(ms).toBeLessThan(1000)
    expect(result).toMatchObject({
      status: 503,
      body: { ok: false, fields, formErrors: ['The database is busy right now, so nothing was saved. Try again in 2 seconds.'] },
    })
    expect(result.headers.get('Retry-After')).toBe('2')
    expect(ideasTitled(fields.title)).toBe(0)
  })

  test('a question page is still served while the lock is held; only its view goes uncounted', async () => {
    const question = createTestQuestion(db(), { authorId: createUser(db()).id })
    const viewsOf = () => db().select({ n: questions.viewCount }).from(questions).where(eq(questions.id, question.id)).get()!.n
    const before = viewsOf()
    const visit = () =>
      settle(() =>
        questionLoader({
          request: new Request(`http://localhost:3000/questions/${question.id}`, {
            headers: { 'User-Agent': 'Mozilla/5.0 (X11; Linux x86_64)' },
          }),
          params: { questionId: String(question.id) },
          context: { clientIp: unique('10.9.0.') },
        }),
      )
    vi.spyOn(console, 'warn').mockImplementation(() => {}) // the busy database is logged once a minute
    lock = holdWriteLock()
    const { result, ms } = await timed(visit)
    expect(result.status).toBe(200)
    expect(ms).toBeLessThan(1000)
    expect(viewsOf()).toBe(before)
    lock.release()
    lock = null
    await new Promise((resolve) => setTimeout(resolve, BUSY_BACKOFF_MS))
    expect((await visit()).status).toBe(200)
    expect(viewsOf()).toBe(before + 1)
  })

  test('/healthz answers at once: 503 locked while the lock is held, 200 once it is released', async () => {
    expect(await health()).toMatchObject({ status: 200, body: { status: 'ok', database: 'ok' } })
    lock = holdWriteLock()
    const locked = await health()
    expect(locked).toMatchObject({ status: 503, retryAfter: '2', body: { status: 'degraded', database: 'locked', retryAfterSeconds: 2 } })
    expect(locked.ms).toBeLessThan(200)
    lock.release()
    lock = null
    expect(await health()).toMatchObject({ status: 200, body: { status: 'ok', database: 'ok', migrations: expect.any(Number) } })
  })
})

describe('the disk is full', () => {
  afterEach(() => {
    db().$client.pragma('max_page_count = 1073741823')
  })

  test('a post is a 503 that keeps the form; /healthz says full until a write succeeds again', async () => {
    const author = createUser(db(), { reputation: 500, createdAt: new Date(Date.now() - 2 * DAY) })
    const voter = createUser(db())
    const idea = createTestIdea(db(), { authorId: author.id })
    // A body that needs pages of its own (overflow pages), with no free page left to reuse.
    const fields = {
      title: `Archive ${unique('full')} old ideas`,
      body: 'Old ideas pile up. '.repeat(500),
      categoryId: String(category.id),
      tags: '',
    }
    const post = await formRequest('/ideas/new', fields, { userId: author.id })
    const voteLater = await voteRequest(idea.id, voter.id, FETCH)
    const consoleError = vi.spyOn(console, 'error').mockImplementation(() => {})
    db().$client.exec('VACUUM')
    db().$client.pragma(`max_page_count = ${db().$client.pragma('page_count', { simple: true })}`)

    const result = await settle(() => newIdeaAction({ request: post, params: {}, context: {} }))
    expect(result).toMatchObject({
      status: 503,
      body: { ok: false, fields, formErrors: ['The database is out of space, so nothing was saved. Try again in 60 seconds.'] },
    })
    expect(result.headers.get('Retry-After')).toBe('60')
    expect(ideasTitled(fields.title)).toBe(0)
    // Logged for the operator (at most once a minute).
    expect(consoleError).toHaveBeenCalledWith(expect.stringMatching(/^Database unavailable \(SQLITE_FULL: database or disk is full\)/))

    expect(await health()).toMatchObject({
      status: 503,
      retryAfter: '60',
      body: { status: 'degraded', database: 'full', code: 'SQLITE_FULL' },
    })
    db().$client.pragma('max_page_count = 1073741823') // space again: still "full" until a write shows it
    expect(await health()).toMatchObject({ status: 503, body: { database: 'full' } })
    expect(await vote(voteLater, idea.id)).toMatchObject({ status: 200, body: { ok: true, voted: true } })
    expect(await health()).toMatchObject({ status: 200, body: { database: 'ok' } })
    consoleError.mockClear()
  })
})

/**
 * The same with a disk that is really full: the database on a 2 MB tmpfs, filled up, so SQLite's
 * write() gets ENOSPC. Mounting needs root; without it the test is skipped (max_page_count above
 * covers the same answers).
 */
describe('a really full disk (a tiny tmpfs)', () => {
  const mountPoint = path.join(TMP_DIR, `tinyfs-${process.pid}`)
  const mainDatabase = process.env.DATABASE_URL!
  let mounted = false

  beforeAll(() => {
    fs.mkdirSync(mountPoint, { recursive: true })
    try {
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=2m', 'tmpfs', mountPoint], { stdio: 'ignore' })
      mounted = true
    } catch {
      // not root, or no mount here
    }
  })
  afterAll(() => {
    closeDatabases() // the file on the tmpfs (the main one reopens on its next use)
    process.env.DATABASE_URL = mainDatabase
    resetEnvCache()
    if (mounted) execFileSync('umount', [mountPoint])
    fs.rmSync(mountPoint, { recursive: true, force: true })
  })

  test('a post is a 503 that keeps the form; /healthz says full until a write succeeds once space is back', async (context) => {
    if (!mounted) context.skip()
    const file = path.join(mountPoint, 'summit.db')
    // Checkpointed into one file: a copy of the test's database, without its WAL.
    db().$client.pragma('wal_checkpoint(TRUNCATE)')
    fs.copyFileSync(mainDatabase, file)
    process.env.DATABASE_URL = file
    resetEnvCache()
    expect(databaseFile()).toBe(file)

    const author = createUser(db(), { reputation: 500, createdAt: new Date(Date.now() - 2 * DAY) })
    const idea = createTestIdea(db(), { authorId: author.id })
    const fields = {
      title: `Archive ${unique('enospc')} old ideas`,
      body: 'Old ideas pile up. '.repeat(300),
      categoryId: String(category.id),
      tags: '',
    }
    const post = await formRequest('/ideas/new', fields, { userId: author.id })
    const voteLater = await voteRequest(idea.id, createUser(db()).id, FETCH)
    db().$client.pragma('wal_checkpoint(TRUNCATE)') // an empty WAL: the next write must grow it
    const filler = path.join(mountPoint, 'filler')
    const fd = fs.openSync(filler, 'w')
    try {
      const chunk = Buffer.alloc(4096)
      for (;;) fs.writeSync(fd, chunk)
    } catch (error) {
      expect((error as NodeJS.ErrnoException).code).toBe('ENOSPC')
    } finally {
      fs.closeSync(fd)
    }
    const consoleError = vi.spyOn(console, 'error').mockImplementation(() => {})

    const result = await settle(() => newIdeaAction({ request: post, params: {}, context: {} }))
    expect(result).toMatchObject({ status: 503, body: { fields, formErrors: [expect.stringMatching(/^The database is out of space/)] } })
    expect(result.headers.get('Retry-After')).toBe('60')
    expect(await health()).toMatchObject({ status: 503, body: { database: 'full', code: 'SQLITE_FULL' } })

    fs.rmSync(filler)
    expect(await health()).toMatchObject({ status: 503, body: { database: 'full' } })
    expect(await vote(voteLater, idea.id)).toMatchObject({ status: 200, body: { ok: true } })
    expect(await health()).toMatchObject({ status: 200, body: { database: 'ok' } })
    expect(ideasTitled(fields.title)).toBe(0)
    consoleError.mockClear()
  })
})

describe('DatabaseUnavailableError', () => {
  test('the error is a Response (Remix answers it with its status), and prints as what it is', () => {
    const error = new DatabaseUnavailableError('io', 'SQLITE_IOERR_WRITE')
    expect(error).toBeInstanceOf(Response)
    expect(error.status).toBe(503)
    expect(error.headers.get('Retry-After')).toBe('60')
    expect(error.message).toBe('The database could not read or write its storage, so nothing was saved. Try again in 60 seconds.')
    expect(inspect(error)).toBe(`DatabaseUnavailableError (SQLITE_IOERR_WRITE): ${error.message}`) // in a script's crash or a log line
  })
})
