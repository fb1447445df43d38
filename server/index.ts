/**
 * Summit's server, production and development: migrates the database and seeds the demo community
 * (when empty) before it listens, starts the e-mail outbox worker and the webhook worker, serves the
 * app through the Express app of app.ts, and stops cleanly on SIGTERM/SIGINT: finishes the requests
 * in progress, checkpoints and closes the database.
 *
 * Started by server.js, which reads .env first: in production as built with esbuild into
 * server-build/index.js (`npm run build`), in development from this file through tsx.
 */
import http from 'node:http'
import { createRequestHandler } from '@remix-run/express'
import { type ViteDevServer } from 'vite'
import { createApp, loadContext } from './app'
import { appEntry, loadBuild } from './app-build'
import { serverConfig } from './config'
import { PageCache } from './page-cache'
import { staticFiles } from './static'

const startedAt = Date.now()

const config = serverConfig()
const production = config.mode === 'production'
if (production && !config.publicUrl) {
  console.warn(
    'PUBLIC_URL is not set: links in e-mails point at localhost, and pages show relative links to share. Set it to the public origin.',
  )
}

const viteDevServer: ViteDevServer | undefined = production
  ? undefined
  : await import('vite').then((vite) => vite.createServer({ server: { middlewareMode: true } }))

// Migrations and the demo seed run once, before the server listens.
const build = await loadBuild(viteDevServer)
const entry = appEntry(build)
console.log(await entry.prepareDatabase())
// Delivers the e-mail outbox while e-mail is on in the site settings (checked on every tick).
const stopEmailWorker = await entry.startEmailWorker()
// Sends the webhook outbox (app/models/webhook-worker.server.ts); rows survive a crash and are sent after a restart.
const stopWebhookWorker = entry.startWebhookWorker()

/** Set once SIGTERM or SIGINT arrives (see shutdown() below). */
let stopping = false

const app = createApp({
  config,
  isStopping: () => stopping,
  pageCache: new PageCache({ maxAgeSeconds: production ? config.pageCacheSeconds : 0, version: entry.pageCacheVersion }),
  files: viteDevServer ? { rootFiles: viteDevServer.middlewares } : staticFiles('build/client'),
  handler: createRequestHandler({
    build: viteDevServer ? () => loadBuild(viteDevServer) : build,
    mode: config.mode,
    getLoadContext: loadContext,
  }),
})

const server = http.createServer(app).listen({ port: config.port, host: config.host }, () => {
  const address = server.address()
  const port = typeof address === 'object' && address ? address.port : config.port
  const host =
    config.host && config.host !== '0.0.0.0' && config.host !== '::'
      ? config.host.includes(':')
        ? `[${config.host}]`
        : config.host
      : 'localhost'
  console.log(`Summit is listening on http://${host}:${port} (${config.mode}, ready in ${Date.now() - startedAt} ms)`)
})

// CONNECT asks us to be a proxy: Node hands it to this event (not to Express), and without a
// listener drops the connection without a word.
server.on('connect', (req, socket) => {
  socket.end('HTTP/1.1 405 Method Not Allowed\r\nAllow: GET, HEAD, POST, OPTIONS\r\nContent-Length: 0\r\nConnection: close\r\n\r\n')
})

/**
 * A clean stop (SIGTERM from a process manager, SIGINT from Ctrl-C): stop accepting connections,
 * let the requests in progress finish (idle keep-alive connections are closed at once), then fold
 * the WAL into the database file and close it. Requests still running after 10 s are cut off; the
 * database is closed all the same (better-sqlite3 never leaves a transaction open between ticks).
 */
function shutdown(signal: NodeJS.Signals) {
  if (stopping) return
  stopping = true
  stopEmailWorker()
  console.log(`${signal} received: finishing the requests in progress`)
  const closeDatabase = async () => {
    try {
      appEntry(await loadBuild(viteDevServer)).checkpointAndCloseDatabases()
      console.log('Database checkpointed and closed')
      return true
    } catch (error) {
      console.error('Closing the database failed:', error)
      return false
    }
  }
  server.close(async () => {
    await stopWebhookWorker()
    const closed = await closeDatabase()
    if (viteDevServer) await viteDevServer.close()
    process.exit(closed ? 0 : 1)
  })
  server.closeIdleConnections()
  setTimeout(async () => {
    console.error('Requests still running after 10 s: stopping anyway')
    await closeDatabase()
    process.exit(1)
  }, 10_000).unref()
}
process.on('SIGTERM', () => shutdown('SIGTERM'))
process.on('SIGINT', () => shutdown('SIGINT'))
