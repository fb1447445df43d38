/**
 * TRUST_PROXY as the server reads it (server/trust-proxy.ts), on servers of their own: a whole
 * number is a hop count (it was once taken for an address, so behind a proxy every client had the
 * proxy's address), a list names the proxies, and `true`, which believes any client-written
 * X-Forwarded-For, is taken with a warning at start-up. What counts is the address the log-in limit is keyed by.
 */
import Database from 'better-sqlite3'
import { expect, test } from './fixtures'
import { removeDatabaseFiles, startOwnServer, tmpDatabaseFile } from './own-server'

/** One failed log-in with this X-Forwarded-For; returns the address the server counted it against. */
async function countedAddress(trustProxy: string, forwardedFor: string) {
  const file = tmpDatabaseFile('trust-proxy')
  const server = await startOwnServer(file, { TRUST_PROXY: trustProxy })
  try {
    const answer = await fetch(`${server.origin}/login`, {
      method: 'POST',
      headers: { Origin: server.origin, 'Content-Type': 'application/x-www-form-urlencoded', 'X-Forwarded-For': forwardedFor },
      body: new URLSearchParams({ identifier: 'nobody-here', password: 'not-the-password' }),
      redirect: 'manual',
    })
    expect(answer.status).toBe(400)
    const db = new Database(file, { readonly: true })
    try {
      const rows = db.prepare("select key from rate_limit_hits where key like 'login:ip:%'").all() as { key: string }[]
      expect(rows).toHaveLength(1)
      return { address: rows[0]!.key.slice('login:ip:'.length), stderr: server.stderr() }
    } finally {
      db.close()
    }
  } finally {
    await server.stop()
    removeDatabaseFiles(file)
  }
}

test.describe.configure({ mode: 'parallel' })

test('a hop count: TRUST_PROXY=1 takes the address the one proxy saw, TRUST_PROXY=2 walks back two', async () => {
  expect((await countedAddress('1', '6.6.6.6, 203.0.113.7')).address).toBe('203.0.113.7')
  expect((await countedAddress('2', '6.6.6.6, 198.51.100.9, 203.0.113.7')).address).toBe('198.51.100.9')
})

test('a list of proxies, and off', async () => {
  expect((await countedAddress('loopback, 10.0.0.5', '6.6.6.6, 203.0.113.7')).address).toBe('203.0.113.7')
  expect((await countedAddress('', '6.6.6.6')).address).toBe('127.0.0.1')
})

test('TRUST_PROXY=true believes the client-written address, and the server says so at start-up', async () => {
  const { address, stderr } = await countedAddress('true', '6.6.6.6, 203.0.113.7')
  expect(address).toBe('6.6.6.6')
  expect(stderr).toContain('TRUST_PROXY=true believes any X-Forwarded-For a client sends')
})
