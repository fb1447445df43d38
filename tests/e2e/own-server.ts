/**
 * A second server for one test: the same build (server.js) on a database file of its own, on a
 * free port. For a test that must change what every other test would see (a site-wide setting), or
 * that serves a copy of the database (a restored backup). Files go in tests/.tmp and are named
 * e2e-*, so the config's clean-up sweeps up whatever a crash leaves.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import fs from 'node:fs'
import net from 'node:net'
import path from 'node:path'

export function freePort() {
  return new Promise<number>((resolve, reject) => {
    const server = net.createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0))
    })
  })
}

/** A database path in tests/.tmp, unique to this call, named for the config's clean-up. */
export function tmpDatabaseFile(name: string) {
  return path.resolve('tests/.tmp', `e2e-${name}-${Date.now()}-${process.pid}-${Math.random().toString(36).slice(2, 8)}.db`)
}

export function removeDatabaseFiles(file: string) {
  for (const suffix of ['', '-wal', '-shm', '.partial']) fs.rmSync(file + suffix, { force: true })
}

export type OwnServer = {
  origin: string
  databaseFile: string
  stop: () => Promise<void>
  /** Kills the server with SIGKILL (no clean shutdown, as a crash) and waits for it to be gone. */
  kill: () => Promise<void>
  /** The last 4 KB the server wrote to stderr. */
  stderr: () => string
}

/**
 * Starts server.js on `databaseFile` (migrated on start; SEED_DEMO=false unless `env` says
 * otherwise) and resolves once /healthz answers. stop() sends SIGTERM and waits for the exit.
 */
export async function startOwnServer(databaseFile: string, env: Record<string, string> = {}): Promise<OwnServer> {
  const port = await freePort()
  const origin = `http://127.0.0.1:${port}`
  const child = spawn(process.execPath, ['server.js'], {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: {
      ...process.env,
      NODE_ENV: 'production',
      HOST: '127.0.0.1',
      PORT: String(port),
      DATABASE_URL: databaseFile,
      SEED_DEMO: 'false',
      PUBLIC_URL: '',
      TRUST_PROXY: 'loopback',
      ...env,
    },
  })
  let stderr = ''
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000)
  })
  const end = async (signal: NodeJS.Signals) => {
    if (child.exitCode !== null || child.signalCode !== null) return
    const exited = new Promise((resolve) => child.once('exit', resolve))
    child.kill(signal)
    await exited
  }
  const stop = () => end('SIGTERM')
  try {
    await waitForHealth(origin, child)
  } catch (error) {
    await stop()
    throw new Error(`${(error as Error).message}\n${stderr}`)
  }
  return { origin, databaseFile, stop, kill: () => end('SIGKILL'), stderr: () => stderr }
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
  throw new Error(`the server on ${origin} did not become healthy (exit code ${child.exitCode})`)
}
