/**
 * The app as the server runs it: Remix's server build (build/server/index.js in production, Vite's
 * module graph in development), and what its entry (app/entry.server.tsx) exports for the server.
 * Those exports come through the build rather than as imports of the server's own, so they share
 * the app's module instances: its one database connection, its workers.
 */
import { type ServerBuild } from '@remix-run/node'
import { type ViteDevServer } from 'vite'

/** What app/entry.server.tsx exports for the server, beside Remix's own entry exports. */
export type AppEntry = {
  /** Migrates the database and seeds the demo community when empty; resolves to a summary. */
  prepareDatabase(): Promise<string>
  /** Starts the e-mail outbox worker; resolves to its stop function. */
  startEmailWorker(): Promise<() => void>
  /** Starts the webhook worker; its stop function resolves once a delivery in progress is recorded. */
  startWebhookWorker(): () => Promise<void>
  /** The database's version token for the visitor page cache. */
  pageCacheVersion(): string
  /** Folds the WAL into the database file and closes it. */
  checkpointAndCloseDatabases(): void
}

const BUILD_URL = new URL('../build/server/index.js', import.meta.url)

export async function loadBuild(viteDevServer?: ViteDevServer): Promise<ServerBuild> {
  if (viteDevServer) return (await viteDevServer.ssrLoadModule('virtual:remix/server-build')) as ServerBuild
  return (await import(BUILD_URL.href)) as ServerBuild
}

export function appEntry(build: ServerBuild): AppEntry {
  return build.entry.module as unknown as AppEntry
}
