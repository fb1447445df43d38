import fs from 'node:fs'
import path from 'node:path'
import { afterEach, describe, expect, test } from 'vitest'
import { checkpointAndCloseDatabases, databaseFile, getDb, openDatabase } from '~/lib/db.server'
import { resetEnvCache } from '~/lib/env.server'
import { createUser } from '#tests/factories'

const otherFile = () => path.join(path.dirname(databaseFile()), `unit-durability-${process.pid}.db`)

afterEach(() => {
  delete process.env.DATABASE_SYNCHRONOUS
  resetEnvCache()
  for (const suffix of ['', '-wal', '-shm']) fs.rmSync(otherFile() + suffix, { force: true })
})

describe('durability settings', () => {
  test('connections use WAL with synchronous=NORMAL, or FULL when DATABASE_SYNCHRONOUS=full', () => {
    const normal = openDatabase(otherFile())
    expect(normal.$client.pragma('journal_mode', { simple: true })).toBe('wal')
    expect(normal.$client.pragma('synchronous', { simple: true })).toBe(1) // NORMAL
    normal.$client.close()

    process.env.DATABASE_SYNCHRONOUS = 'full'
    resetEnvCache()
    const full = openDatabase(otherFile())
    expect(full.$client.pragma('synchronous', { simple: true })).toBe(2) // FULL
    full.$client.close()
  })

  test('a clean stop folds the WAL back into the database file', () => {
    createUser(getDb())
    expect(fs.statSync(`${databaseFile()}-wal`).size).toBeGreaterThan(0)
    checkpointAndCloseDatabases()
    expect(fs.existsSync(`${databaseFile()}-wal`) ? fs.statSync(`${databaseFile()}-wal`).size : 0).toBe(0)
    // The file alone holds what was written.
    const reopened = openDatabase(databaseFile())
    expect((reopened.$client.prepare('select count(*) as n from users').get() as { n: number }).n).toBe(1)
    reopened.$client.close()
  })
})
