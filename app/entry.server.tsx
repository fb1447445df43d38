/**
 * Close to Remix's default entry, plus: the CSP nonce is handed to every inline script, unexpected
 * errors are logged once (never shown in production), and prepareDatabase() is exported for
 * server.js to run before it listens, startEmailWorker() for it to start the outbox worker.
 * server.js to run before it listens (and checkpointAndCloseDatabases() for it to run when it stops).
 */
import { PassThrough } from 'node:stream'
import { createReadableStreamFromReadable, type EntryContext, type HandleErrorFunction } from '@remix-run/node'
import { isRouteErrorResponse, RemixServer } from '@remix-run/react'
import { isbot } from 'isbot'
import { renderToPipeableStream } from 'react-dom/server'
import { NonceProvider } from './components/nonce'

export { prepareDatabase } from './lib/prepare.server'
export { startEmailWorker } from './lib/email-worker.server'
export { checkpointAndCloseDatabases } from './lib/db.server'
export { beforeVisitorPage, pageCacheVersion } from './lib/page-cache.server'
export { gzipTemplate, prepareGzipTemplate } from './lib/gzip-template.server'

export const streamTimeout = 5_000

declare module '@remix-run/node' {
  interface AppLoadContext {
    cspNonce?: string
    clientIp?: string
  }
}

export default function handleRequest(
  request: Request,
  responseStatusCode: number,
  responseHeaders: Headers,
  remixContext: EntryContext,
  loadContext: { cspNonce?: string },
) {
  const nonce = loadContext?.cspNonce
  const callbackName = isbot(request.headers.get('user-agent') || '') ? 'onAllReady' : 'onShellReady'
  return new Promise((resolve, reject) => {
    let shellRendered = false
    const { pipe, abort } = renderToPipeableStream(
      <NonceProvider value={nonce}>
        <RemixServer context={remixContext} url={request.url} abortDelay={streamTimeout} nonce={nonce} />
      </NonceProvider>,
      {
        nonce,
        [callbackName]: () => {
          shellRendered = true
          const body = new PassThrough()
          const stream = createReadableStreamFromReadable(body)
          responseHeaders.set('Content-Type', 'text/html; charset=utf-8')
          resolve(new Response(stream, { headers: responseHeaders, status: responseStatusCode }))
          pipe(body)
        },
        onShellError(error: unknown) {
          reject(error)
        },
        onError(error: unknown) {
          responseStatusCode = 500
          // Errors while rendering the shell are reported by onShellError; log the rest once.
          if (shellRendered) console.error(error)
        },
      },
    )
    setTimeout(abort, streamTimeout + 1000)
  })
}

export const handleError: HandleErrorFunction = (error, { request }) => {
  // Aborted requests (the browser navigated away) are not errors.
  if (request.signal.aborted) return
  // Thrown Responses (404, 403 …) and Remix's own 4xx answers (405 for a POST to a page without
  // an action) are answers, not bugs.
  if (error instanceof Response) return
  if (isRouteErrorResponse(error) && error.status < 500) return
  console.error(error)
}
