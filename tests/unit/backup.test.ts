import fs from 'node:fs'
import path from 'node:path'
import { afterEach, describe, expect, test } from 'vitest'
import { BackupError, backupDatabase, inspectDatabaseFile } from '~/lib/backup.server'
import { databaseFile, getDb, openDatabase } from '~/lib/db.server'
import { findCounterMismatches } from '~/models/counters.server'
import { setIdeaVote } from '~/models/votes.server'
import { createTestIdea, createUser } from '#tests/factories'

const created: string[] = []
function backupPath(name: string) {
  const file = path.join(path.dirname(databaseFile()), `unit-backup-${process.pid}-${name}.db`)
  created.push(file, `${file}.partial`)
  return file
}
afterEach(() => {
  for (const file of created.splice(0)) fs.rmSync(file, { force: true })
})

const countVotes = (file: string) => {
  const db = openDatabase(file)
  try {
    return (db.$client.prepare('select count(*) as n from idea_votes').get() as { n: number }).n
  } finally {
    db.$client.close()
  }
}

describe('backupDatabase', () => {
  test('copies a consistent snapshot while another connection keeps voting', async () => {
    const db = getDb()
    const author = createUser(db)
    // Long bodies make a database of a few hundred pages, copied 8 pages per step below.
    const ideas = Array.from({ length: 120 }, (_, i) =>
      createTestIdea(db, { authorId: author.id, bodyMd: `Idea ${i}. ${'Long description. '.repeat(200)}` }),
    )
    const voters = Array.from({ length: 10 }, () => createUser(db))
    const before = countVotes(databaseFile())

    // The writer: a vote (one transaction on the app's own connection) between backup steps.
    let writing = true
    let writes = 0
    const writer = (async () => {
      while (writing) {
        const idea = ideas[writes % ideas.length]!
        setIdeaVote(db, { ideaId: idea.id, userId: voters[writes % voters.length]!.id, voted: true })
        writes += 1
        await new Promise((resolve) => setImmediate(resolve))
      }
    })()
    const destination = backupPath('live')
    const summary = await backupDatabase(databaseFile(), destination, { pagesPerStep: 8 })
    const writesDuringBackup = writes
    writing = false
    await writer

    expect(writesDuringBackup).toBeGreaterThan(0)
    expect(summary.restarts).toBeGreaterThan(0) // SQLite saw the writes and started over
    expect(summary.integrity).toBe('ok')
    expect(summary.pages).toBeGreaterThan(100)
    expect(fs.statSync(destination).size).toBe(summary.bytes)
    expect(fs.existsSync(`${destination}.partial`)).toBe(false)

    // One committed state: between the state before and after, and every counter agrees with it.
    const copied = countVotes(destination)
    expect(copied).toBeGreaterThanOrEqual(before)
    expect(copied).toBeLessThanOrEqual(countVotes(databaseFile()))
    expect(summary.counts.ideaVotes).toBe(copied)
    const backup = openDatabase(destination)
    try {
      expect(findCounterMismatches(backup)).toEqual([])
    } finally {
      backup.$client.close()
    }
  })

  test('refuses to overwrite an existing file unless forced, and never the database itself', async () => {
    const db = getDb()
    createUser(db)
    const destination = backupPath('existing')
    fs.writeFileSync(destination, 'an older backup')

    await expect(backupDatabase(databaseFile(), destination)).rejects.toThrow(BackupError)
    expect(fs.readFileSync(destination, 'utf8')).toBe('an older backup')
    await expect(backupDatabase(databaseFile(), databaseFile(), { force: true })).rejects.toThrow('over the database itself')

    const summary = await backupDatabase(databaseFile(), destination, { force: true })
    expect(summary.integrity).toBe('ok')
    expect(inspectDatabaseFile(destination).counts.users).toBe(summary.counts.users)
  })
})

describe('file modes', () => {
  test('a new database, its WAL and its folder are readable by their owner only, whatever the umask', () => {
    const folder = path.join(path.dirname(databaseFile()), `unit-mode-${process.pid}`)
    const file = path.join(folder, 'new.db')
    const umask = process.umask(0o022)
    try {
      const fresh = openDatabase(file)
      fresh.$client.exec('create table t (x); insert into t values (1)')
      expect(fs.statSync(folder).mode & 0o777).toBe(0o700)
      expect(fs.statSync(file).mode & 0o777).toBe(0o600)
      expect(fs.statSync(`${file}-wal`).mode & 0o777).toBe(0o600)
      fresh.$client.close()
    } finally {
      process.umask(umask)
      fs.rmSync(folder, { recursive: true, force: true })
    }
  })

  test('a backup is readable by its owner only, whatever the umask', async () => {
    createUser(getDb())
    const destination = backupPath('mode')
    const umask = process.umask(0o022)
    try {
      await backupDatabase(databaseFile(), destination)
    } finally {
      process.umask(umask)
    }
    expect(fs.statSync(destination).mode & 0o777).toBe(0o600)
  })
})
