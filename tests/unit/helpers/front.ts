/**
 * The server's Express app (server/app.ts) on an ephemeral port, with a stand-in for Remix: the
 * front's own middleware meets real requests, sent with fetch.
 */
import http from 'node:http'
import { type AddressInfo } from 'node:net'
import { type RequestHandler } from 'express'
import { carriesCredentials } from '~/lib/credentials.server'
import { PUBLIC_ANSWER_HEADER } from '~/lib/kept-pages'
import { type AppOptions, createApp } from '../../../server/app'
import { PageCache } from '../../../server/page-cache'

export type Front = { origin: string; close: () => Promise<void> }

export async function startFront({
  handler,
  mode = 'production',
  publicUrl = null,
  pageCache = new PageCache({ maxAgeSeconds: 0, version: () => 'v' }),
}: {
  handler: RequestHandler
  mode?: 'production' | 'development'
  publicUrl?: URL | null
  pageCache?: PageCache
}): Promise<Front> {
  const options: AppOptions = { config: { mode, publicUrl, trustProxy: undefined }, handler, pageCache }
  const server = http.createServer(createApp(options))
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    origin: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}

/** Marks the answer as app/entry.server.tsx does: for nobody in particular unless it carries credentials. */
export function markAudience(req: Parameters<RequestHandler>[0], res: Parameters<RequestHandler>[1]) {
  if (carriesCredentials(req.get('cookie'), req.get('authorization'))) res.set('Cache-Control', 'private, no-store')
  else res.set(PUBLIC_ANSWER_HEADER, '1')
}

/** Sends as Remix does (sendRemixResponse in @remix-run/express): written in chunks, without Express's own ETag. */
export function sendAsRemix(res: Parameters<RequestHandler>[1], body: string, { status = 200, type = 'text/html; charset=utf-8' } = {}) {
  res.status(status).setHeader('Content-Type', type)
  const middle = Math.floor(body.length / 2)
  res.write(body.slice(0, middle))
  res.write(body.slice(middle))
  res.end()
}

/** A page as the app renders one: an inline script with the request's nonce, and a body of `text`. */
export function pageHandler(text: () => string, rendered: { count: number } = { count: 0 }): RequestHandler {
  return (req, res) => {
    rendered.count++
    markAudience(req, res)
    sendAsRemix(res, `<!doctype html><html><body><p>${text()}</p><script nonce="${res.locals.cspNonce}">1</script></body></html>`)
  }
}
