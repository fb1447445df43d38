/**
 * Close to Remix's default entry, plus: the CSP nonce is handed to every inline script, unexpected
 * errors are logged once (never shown in production), and prepareDatabase() is exported for
 * server.js to run before it listens, startEmailWorker() and startWebhookWorker() for it to start the outbox workers.
 * server.js to run before it listens (and checkpointAndCloseDatabases() for it to run when it stops).
 */
import { createReadableStreamFromReadable, type EntryContext, type HandleErrorFunction } from '@remix-run/node'
import { isRouteErrorResponse, RemixServer } from '@remix-run/react'
import { isbot } from 'isbot'
import { renderToPipeableStream } from 'react-dom/server'
import { seedDemoCommunity } from '#db/seed/demo-community'
import { NonceProvider } from './components/nonce'
import { carriesCredentials } from './lib/auth.server'
import { CoalescingStream } from './lib/coalescing-stream.server'
import { RETRY_AFTER_SECONDS } from './lib/database-unavailable.server'
import { getDb } from './lib/db.server'
import { prepareDatabase as prepareDatabaseWith } from './lib/prepare.server'
import { type CountQuestionView, beforeVisitorPage as pageCacheBeforeVisitorPage } from './lib/page-cache.server'
import { recordQuestionView, viewerKeyFor } from './models/questions.server'

export { startEmailWorker } from './models/email-worker.server'
export { startWebhookWorker } from './models/webhook-worker.server'
export { checkpointAndCloseDatabases } from './lib/db.server'
export { pageCacheVersion } from './lib/page-cache.server'
export { gzipTemplate, prepareGzipTemplate } from './lib/gzip-template.server'
export { carriesCredentials } from './lib/auth.server'

/** server.js runs this before it listens: migrations, the demo community on an empty database, expired sessions dropped. */
export function prepareDatabase() {
  return prepareDatabaseWith(seedDemoCommunity)
}

const countQuestionView: CountQuestionView = (questionId, ip, userAgent) => {
  const viewerKey = viewerKeyFor({ userId: null, ip, userAgent })
  if (viewerKey) recordQuestionView(getDb(), { questionId, viewerKey })
}

/** server.js calls this before it asks its page cache for a visitor's page (app/lib/page-cache.server.ts). */
export function beforeVisitorPage(path: string, ip: string | null, userAgent: string | null) {
  pageCacheBeforeVisitorPage(path, ip, userAgent, countQuestionView)
}

/**
 * The header by which the app tells server.js that it rendered an answer for nobody in particular,
 * so that answer may be kept and served to other visitors (server.js removes it before sending).
 * It is set only here, and only for requests that carry no credentials by the very rule the
 * session code reads them with; any answer without it is never kept. Answers rendered for a
 * request with credentials say `Cache-Control: private, no-store` instead.
 */
export const PUBLIC_ANSWER_HEADER = 'X-Summit-Public-Answer'

/**
 * A single-fetch 503 from a route without a `headers` export (a loader the database failed) still
 * says when to come back; handleDataRequest sees no route headers to copy it from, as documents do.
 */
function keepRetryAfterOn503(status: number, headers: Headers) {
  if (status === 503 && !headers.has('Retry-After')) headers.set('Retry-After', String(RETRY_AFTER_SECONDS.busy))
}

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
