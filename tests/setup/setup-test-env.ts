/**
 * Runs before each test file: gives the file its own copy of the migrated template database and
 * makes any console.error fail the test that printed it.
 */
import crypto from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { afterAll, afterEach, beforeEach, expect, vi } from 'vitest'
import { closeDatabases } from '~/lib/db.server'
import { resetEnvCache } from '~/lib/env.server'
import { TEMPLATE_DB, TMP_DIR } from './paths'

const file = path.join(TMP_DIR, `unit-${process.pid}-${crypto.randomBytes(4).toString('hex')}.db`)
fs.copyFileSync(TEMPLATE_DB, file)
process.env.DATABASE_URL = file
process.env.NODE_ENV = 'test'
delete process.env.PUBLIC_URL
resetEnvCache()

let consoleError: ReturnType<typeof vi.spyOn>
beforeEach(() => {
  consoleError = vi.spyOn(console, 'error')
})
afterEach(() => {
  expect(consoleError, 'console.error was called during the test').not.toHaveBeenCalled()
})

afterAll(() => {
  closeDatabases()
  for (const suffix of ['', '-wal', '-shm']) fs.rmSync(file + suffix, { force: true })
})
