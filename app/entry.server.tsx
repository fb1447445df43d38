/**
 * Close to Remix's default entry, plus: the CSP nonce is handed to every inline script, unexpected
 * errors are logged once (never shown in production), answers are marked for the visitor page cache,
 * and what the server (server/index.ts) runs around the app is exported for it: prepareDatabase()
 * before it listens, startEmailWorker() and startWebhookWorker() for the outbox workers,
 * pageCacheVersion() for the page cache, and checkpointAndCloseDatabases() when it stops. These
 * come through the build, not as imports of the server's own, so they use the app's one database
 * connection.
 */
import { createReadableStreamFromReadable, type EntryContext, type HandleErrorFunction } from '@remix-run/node'
import { isRouteErrorResponse, RemixServer } from '@remix-run/react'
import { isbot } from 'isbot'
import { renderToPipeableStream } from 'react-dom/server'
import { seedDemoCommunity } from '#db/seed/demo-community'
import { NonceProvider } from './components/nonce'
import { carriesCredentials } from './lib/credentials.server'
import { CoalescingStream } from './lib/coalescing-stream.server'
import { RETRY_AFTER_SECONDS } from './lib/database-unavailable.server'
import { type KeptPageContext, PUBLIC_ANSWER_HEADER } from './lib/kept-pages'
import { prepareDatabase as prepareDatabaseWith } from './lib/prepare.server'

export { startEmailWorker } from './models/email-worker.server'
export { startWebhookWorker } from './models/webhook-worker.server'
export { checkpointAndCloseDatabases } from './lib/db.server'
export { pageCacheVersion } from './lib/page-cache.server'

/** The server runs this before it listens: migrations, the demo community on an empty database, expired sessions dropped. */
export function prepareDatabase() {
  return prepareDatabaseWith(seedDemoCommunity)
}

/**
 * A single-fetch 503 from a route without a `headers` export (a loader the database failed) still
 * says when to come back; handleDataRequest sees no route headers to copy it from, as documents do.
 */
function keepRetryAfterOn503(status: number, headers: Headers) {
  if (status === 503 && !headers.has('Retry-After')) headers.set('Retry-After', String(RETRY_AFTER_SECONDS.busy))
}

/**
 * Marks an answer rendered for nobody in particular (PUBLIC_ANSWER_HEADER), so it may be kept and
 * served to other visitors. Only for requests that carry no credentials by the very rule the
 * session code reads them with; any answer without the mark is never kept. Answers rendered for a
 * request with credentials say `Cache-Control: private, no-store` instead.
 */
function markAudience(request: Request, headers: Headers) {
  if (carriesCredentials(request.headers.get('Cookie'), request.headers.get('Authorization'))) {
    headers.set('Cache-Control', 'private, no-store')
    headers.delete(PUBLIC_ANSWER_HEADER)
  } else {
    headers.set(PUBLIC_ANSWER_HEADER, '1')
  }
}

/**
 * A 429 or 503 from any loader or action (returned or thrown) keeps its Retry-After on the page:
 * Remix passes only cookies on from a route without a `headers` export, and no route needs one
 * for this.
 */
function keepRetryAfter(context: EntryContext['staticHandlerContext'], headers: Headers) {
  if (headers.has('Retry-After')) return
  for (const byRoute of [context.actionHeaders, context.loaderHeaders]) {
    for (const routeHeaders of Object.values(byRoute ?? {})) {
      const retryAfter = routeHeaders.get('Retry-After')
      if (retryAfter) return void headers.set('Retry-After', retryAfter)
    }
  }
}

/** Loader and action data for client-side navigation (single fetch): marked like documents. */
export function handleDataRequest(response: Response, { request }: { request: Request }) {
  try {
    markAudience(request, response.headers)
    keepRetryAfterOn503(response.status, response.headers)
    return response
  } catch {
    // Headers of a Response made by Response.redirect() or Response.error() cannot change: copy it.
    const copy = new Response(response.body, response)
    markAudience(request, copy.headers)
    keepRetryAfterOn503(copy.status, copy.headers)
    return copy
  }
}

export const streamTimeout = 5_000

declare module '@remix-run/node' {
  interface AppLoadContext {
    cspNonce?: string
    clientIp?: string
    /** Only for a visitor's page the page cache may keep (app/lib/kept-pages.ts). */
    keptPage?: KeptPageContext
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
  markAudience(request, responseHeaders)
  keepRetryAfter(remixContext.staticHandlerContext, responseHeaders)
  // Crawlers get the whole page at once; browsers as soon as the shell is ready.
  const waitForAll = isbot(request.headers.get('user-agent') || '')
  return new Promise((resolve, reject) => {
    let shellRendered = false
    let allReady = false
    let abortTimer: ReturnType<typeof setTimeout> | undefined
    const respond = () => {
      shellRendered = true
      // One chunk per turn, not React's 2 KB pieces: each chunk is flushed through gzip.
      const body = new CoalescingStream()
      const stream = createReadableStreamFromReadable(body)
      responseHeaders.set('Content-Type', 'text/html; charset=utf-8')
      resolve(new Response(stream, { headers: responseHeaders, status: responseStatusCode }))
      pipe(body)
    }
    // Once everything is rendered there is nothing left to abort: the timer goes, and with it the
    // last reference to this request's render (kept for 6 s, a server answering 150 pages a second
    // held some 900 of them, 80 MB of heap).
    const finished = () => {
      allReady = true
      clearTimeout(abortTimer)
    }
    const { pipe, abort } = renderToPipeableStream(
      <NonceProvider value={nonce}>
        <RemixServer context={remixContext} url={request.url} abortDelay={streamTimeout} nonce={nonce} />
      </NonceProvider>,
      {
        nonce,
        onShellReady() {
          if (!waitForAll) respond()
        },
        onAllReady() {
          finished()
          if (waitForAll) respond()
        },
        onShellError(error: unknown) {
          finished()
          reject(error)
        },
        onError(error: unknown) {
          responseStatusCode = 500
          // Errors while rendering the shell are reported by onShellError; log the rest once.
          if (shellRendered) console.error(error)
        },
      },
    )
    if (!allReady) abortTimer = setTimeout(abort, streamTimeout + 1000)
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
