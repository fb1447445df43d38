/**
 * Summit's production (and development) entry: a small Express server around Remix.
 *
 * - Refuses cross-site POSTs (and every other non-GET) with 403 before Remix sees them: Remix's own
 *   origin check answers them with a bare 500. The exceptions carry a signed token as their
 *   authority: a mail client's one-click unsubscribe (RFC 8058), which carries neither Origin nor
 *   Referer, the company's app posting a customer's login token to /sso/jwt, and /api/v1 (bearer
 *   tokens only; its writes reach Remix without cookies).
 * - Sets security headers, with a per-request nonce for the Content-Security-Policy.
 * - Compresses responses and caches fingerprinted assets for a year; pages for visitors without a
 *   session carry an ETag, so an unchanged page is revalidated with a 304.
 * - Migrates the database and seeds the demo community (when empty) before it listens, and starts
 *   the e-mail outbox worker and the webhook worker.
 * - Stops cleanly on SIGTERM/SIGINT: finishes the requests in progress, checkpoints and closes the database.
 */
import crypto from 'node:crypto'
import fs from 'node:fs'
import http from 'node:http'
import { createRequestHandler } from '@remix-run/express'
import compression from 'compression'
import express from 'express'

// Settings from .env, when there is one (variables already set win).
try {
  process.loadEnvFile()
} catch {
  // no .env file: the environment alone configures Summit
}

const MODE = process.env.NODE_ENV === 'production' ? 'production' : 'development'
const PORT = Number(process.env.PORT ?? 3000)
const HOST = process.env.HOST || undefined
const PUBLIC_URL = process.env.PUBLIC_URL || ''
/** The public origin, when PUBLIC_URL is set: every request is taken to be addressed to it. */
const PUBLIC = PUBLIC_URL ? new URL(PUBLIC_URL) : null

const viteDevServer =
  MODE === 'production'
    ? undefined
    : await import('vite').then((vite) => vite.createServer({ server: { middlewareMode: true } }))

async function loadBuild() {
  if (viteDevServer) return viteDevServer.ssrLoadModule('virtual:remix/server-build')
  return import('./build/server/index.js')
}

const startedAt = Date.now()
/** Stops the e-mail worker's interval (set when the worker starts). */
let stopEmailWorker = () => {}
/** Stops the webhook worker; resolves once a delivery in progress is recorded. */
let stopWebhookWorker = async () => {}
/** Whether a request carries a session cookie or other credentials, by the app's own rule (app/lib/auth.server.ts). */
let carriesCredentials = () => true
/** The database's version token for the visitor page cache (from the server build). */
let pageCacheVersion = () => null
/** The writes rendering a visitor's page would make, done before the page cache is asked. */
let beforeVisitorPage = () => {}
/** Gzip of a kept page, compressed once with slots for the nonce (app/lib/gzip-template.server.ts). */
let gzipPages = { prepare: null, fill: null }
{
  // Migrations and the demo seed run once, before the server listens.
  const build = await loadBuild()
  const summary = await build.entry.module.prepareDatabase()
  console.log(summary)
  // Delivers the e-mail outbox while e-mail is on in the site settings (checked on every tick).
  stopEmailWorker = await build.entry.module.startEmailWorker()
  // Sends the webhook outbox (app/models/webhook-worker.server.ts); rows survive a crash and are sent after a restart.
  stopWebhookWorker = build.entry.module.startWebhookWorker()
  pageCacheVersion = build.entry.module.pageCacheVersion
  carriesCredentials = build.entry.module.carriesCredentials
  beforeVisitorPage = build.entry.module.beforeVisitorPage
  gzipPages = { prepare: build.entry.module.prepareGzipTemplate, fill: build.entry.module.gzipTemplate }
}

/** Set once SIGTERM or SIGINT arrives (see shutdown() at the end). */
let stopping = false

/**
 * TRUST_PROXY, as Express's `trust proxy` setting: a whole number is a hop count (`1`: one proxy in
 * front, so the client is the address that proxy saw), anything else a comma-separated list of
 * addresses, subnets or the names `loopback`, `linklocal`, `uniquelocal`. `true` believes whatever
 * X-Forwarded-For a client writes, so it is taken but warned about. Unset, empty, `false` or `0`: off.
 */
function trustProxySetting(value) {
  const text = (value ?? '').trim()
  if (text === '' || text === 'false' || text === '0') return undefined
  if (text === 'true') {
    console.warn(
      'TRUST_PROXY=true believes any X-Forwarded-For a client sends, so anyone can pick the address that the rate limits count. ' +
        'Set the number of proxies in front of Summit (TRUST_PROXY=1) or their addresses (TRUST_PROXY=loopback) instead.',
    )
    return true
  }
  if (/^\d+$/.test(text)) return Number(text)
  return text
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean)
}

const app = express()
app.disable('x-powered-by')
// While stopping, answers close their connection, so no keep-alive connection holds the stop up.
app.use((req, res, next) => {
  if (stopping) res.set('Connection', 'close')
  next()
})
const trustProxy = trustProxySetting(process.env.TRUST_PROXY)
if (trustProxy !== undefined) app.set('trust proxy', trustProxy)
if (MODE === 'production' && !PUBLIC) {
  console.warn('PUBLIC_URL is not set: links in e-mails point at localhost, and pages show relative links to share. Set it to the public origin.')
}

/** A plain page for a request refused before the app sees it (`message` is ours, never the client's). */
function refuse(res, status, message) {
  const title = `${status} ${http.STATUS_CODES[status] ?? 'Error'}`
  res.status(status).type('html').set('Cache-Control', 'no-store')
  res.send(
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${title} · Summit</title></head><body style="font-family:system-ui,sans-serif;max-width:40rem;margin:4rem auto;padding:0 1rem;line-height:1.5"><h1>${title}</h1><p>${message}</p><p><a href="/">Go to the home page</a></p></body></html>`,
  )
}

/** A Host header's value: a DNS name or an IPv4 or bracketed IPv6 address, with an optional port. */
const HOST_PATTERN = /^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*\.?|\[[0-9a-f:.]+\])(?::(\d{1,5}))?$/i

function isValidHost(value) {
  const match = HOST_PATTERN.exec(value ?? '')
  return match !== null && (match[1] === undefined || Number(match[1]) <= 65535)
}

/** Methods Summit answers; anything else (TRACE, TRACK, CONNECT, WebDAV, made-up ones) is a 405. */
const METHODS = new Set(['GET', 'HEAD', 'POST', 'OPTIONS'])
/** /api/v1 also has PUT, PATCH and DELETE (a vote is PUT and DELETE). */
const API_METHODS = new Set([...METHODS, 'PUT', 'PATCH', 'DELETE'])

/**
 * Where a request was addressed. With PUBLIC_URL set, always there: the Host a proxy forwards (or
 * does not: nginx sends its upstream's by default) and X-Forwarded-Host are ignored, and the scheme
 * is PUBLIC_URL's. Without it, the Host header, which must be well-formed; X-Forwarded-Host is never
 * believed (a proxy in front should forward Host itself). Everything after this (the CSRF check,
 * Remix's request URL and its own origin check) sees the same host.
 */
app.use((req, res, next) => {
  // `OPTIONS *` asks about the server; an absolute-form target (`GET http://host/`) is for proxies.
  if (req.url === '*' && req.method === 'OPTIONS') {
    res.set({ Allow: 'GET, HEAD, POST, OPTIONS', 'Cache-Control': 'no-store' })
    return res.status(204).end()
  }
  if (!req.url.startsWith('/')) {
    return refuse(res, 400, 'This server only answers requests for its own paths.')
  }
  if (!METHODS.has(req.method) && !(API_METHODS.has(req.method) && isApiPath(req))) {
    res.set('Allow', 'GET, HEAD, POST, OPTIONS')
    return refuse(res, 405, 'This server does not answer that method.')
  }
  // Remix's old data requests (?_data=): pages load their data through single fetch (.data URLs).
  if (/_data|%5f/i.test(req.url) && new URL(req.url, 'http://summit.invalid').searchParams.has('_data')) {
    return refuse(res, 400, 'This address asks for data in a form this site does not serve.')
  }
  delete req.headers['x-forwarded-host']
  if (PUBLIC) {
    req.headers.host = PUBLIC.host
    Object.defineProperty(req, 'protocol', { value: PUBLIC.protocol.slice(0, -1), configurable: true, enumerable: true })
    return next()
  }
  if (!isValidHost(req.headers.host)) {
    return refuse(res, 400, 'The request named no valid host.')
  }
  next()
})
// Level 3, the best of zlib's fast levels: pages rendered for members are compressed on every
// request, and level 6 (the default) took twice the CPU for 10–15 % fewer bytes. Visitors' kept
// pages are compressed once, at the highest level (gzipTemplate).
app.use(compression({ level: 3 }))

function decodeURIComponentSafe(value) {
  try {
    return decodeURIComponent(value)
  } catch {
    return value
  }
}

/** The site's own origin: PUBLIC_URL when set, else the origin the request was addressed to. */
function siteOrigin(req) {
  return PUBLIC_URL ? new URL(PUBLIC_URL).origin : `${req.protocol}://${req.get('host')}`
}

function requestOrigin(req) {
  const origin = req.get('origin')
  if (origin) return origin
  const referer = req.get('referer')
  if (!referer) return null
  try {
    return new URL(referer).origin
  } catch {
    return null
  }
}

const FORBIDDEN_PAGE = `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>403 Forbidden · Summit</title></head><body style="font-family:system-ui,sans-serif;max-width:40rem;margin:4rem auto;padding:0 1rem;line-height:1.5"><h1>403 Forbidden</h1><p>This form was sent from another site, so it was refused. Go back to the page you came from and try again.</p><p><a href="/">Go to the home page</a></p></body></html>`

/**
 * RFC 8058 one-click unsubscribe: mail providers POST `List-Unsubscribe=One-Click` to the link in an
 * e-mail's header from their own servers, with neither Origin nor Referer. Exactly that request is
 * let through: the signed token in its URL is its only authority (the route checks it; it acts on
 * no session), so a forged cross-site form gains nothing a plain GET of the link would not.
 */
function isOneClickUnsubscribe(req) {
  return req.method === 'POST' && req.path === '/unsubscribe' && !req.get('origin') && !req.get('referer')
}

/**
 * The company's own app logs its customers in by posting a signed JWT from a form on its own site,
 * so the browser sends that site's Origin. Exactly a POST to /sso/jwt is let through: the token in
 * its body is its only authority (signed with the admin's secret or the app's key, for this site's
 * audience, valid for minutes and used once), so a forged cross-site form gains nothing a link to
 * /sso/jwt?token=… would not (docs/sso.md: logging in from another site). Its Origin and Referer are
 * removed, or Remix's own origin check would answer it with a bare 500; the route reads it as a
 * form from nowhere.
 */
function isJwtLoginPost(req) {
  return req.method === 'POST' && req.path === '/sso/jwt'
}

/**
 * /api/v1 authenticates by bearer token only, never by the session cookie, so a request from another
 * site carries nothing of a member's: API writes skip the Origin check. The path is the one Remix
 * routes by (WHATWG-normalised, so `/api/v1/%2e%2e/settings` is /api/settings, not the API), and
 * the request's cookies, Origin and Referer are removed, so no route could ever act on it with a
 * browser's session.
 */
function isApiPath(req) {
  let pathname
  try {
    pathname = new URL(req.originalUrl, 'http://summit.invalid').pathname
  } catch {
    return false
  }
  return pathname === '/api/v1' || pathname.startsWith('/api/v1/')
}

// CSRF defence: every state-changing request must come from our own pages.
app.use((req, res, next) => {
  if (req.method === 'GET' || req.method === 'HEAD' || req.method === 'OPTIONS') return next()
  if (isOneClickUnsubscribe(req)) return next()
  if (isApiPath(req)) {
    delete req.headers.cookie
    delete req.headers.origin
    delete req.headers.referer
    return next()
  }
  if (isJwtLoginPost(req)) {
    delete req.headers.origin
    delete req.headers.referer
    return next()
  }
  if (requestOrigin(req) === siteOrigin(req)) return next()
  res.status(403).type('html').set('Cache-Control', 'no-store').send(FORBIDDEN_PAGE)
})

app.use((req, res, next) => {
  const nonce = crypto.randomBytes(16).toString('base64')
  res.locals.cspNonce = nonce
  res.set({
    'X-Content-Type-Options': 'nosniff',
    'X-Frame-Options': 'DENY',
    'Referrer-Policy': 'strict-origin-when-cross-origin',
    'Permissions-Policy': 'camera=(), microphone=(), geolocation=(), interest-cohort=()',
    'Cross-Origin-Opener-Policy': 'same-origin',
  })
  if (MODE === 'production') {
    res.set(
      'Content-Security-Policy',
      [
        "default-src 'self'",
        `script-src 'self' 'nonce-${nonce}'`,
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
      ].join('; '),
    )
    if (siteOrigin(req).startsWith('https:')) res.set('Strict-Transport-Security', 'max-age=31536000; includeSubDomains')
  }
  next()
})

/** Whether the request carries a session cookie or credentials (a member's pages are personal: never shared). */
function hasSession(req) {
  try {
    return carriesCredentials(req.get('cookie'), req.get('authorization'))
  } catch {
    return true
  }
}

/**
 * Set by the app (entry.server.tsx) on an answer it rendered for nobody in particular; only such an
 * answer is kept or given an ETag. Never sent on.
 */
const PUBLIC_ANSWER_HEADER = 'x-summit-public-answer'
app.use((req, res, next) => {
  const writeHead = res.writeHead
  res.writeHead = function (...args) {
    res.removeHeader(PUBLIC_ANSWER_HEADER)
    return writeHead.apply(this, args)
  }
  next()
})

/** Whether an If-None-Match header names this (weak) ETag. */
function matchesETag(header, etag) {
  if (!header) return false
  const bare = (tag) => tag.trim().replace(/^W\//, '')
  return header.split(',').some((tag) => tag.trim() === '*' || bare(tag) === bare(etag))
}

/**
 * Conditional GETs for visitors without a session: a 200 HTML page or loader data gets a weak
 * ETag (a hash of the body, with the per-request CSP nonce left out) and
 * `Cache-Control: public, max-age=0, must-revalidate` with `Vary: Cookie`, so a browser or a proxy
 * may keep the page but asks every time; an unchanged page then costs a 304 and no body. The 304
 * carries no Content-Security-Policy, so the stored page keeps the policy whose nonce it holds.
 * Pages for a logged-in member are never marked cacheable, so what they do shows at once.
 */
function conditionalGet(req, res, next) {
  if ((req.method !== 'GET' && req.method !== 'HEAD') || hasSession(req)) return next()
  if (pageCache.enabled && req.method === 'GET') {
    try {
      beforeVisitorPage(req.path, req.ip ?? 'unknown', req.get('user-agent') ?? null)
    } catch (error) {
      // The page's own loader makes the same write (and reports a real failure). A locked or full
      // database (a 503) is logged by the connection itself, once a minute.
      if (error?.status !== 503) console.error('Recording a visitor page view failed:', error)
    }
  }
  const cached = pageCache.get(req)
  if (cached) return sendCachedPage(req, res, cached)
  // Read before rendering: a page is kept only if nothing was written while it was rendered.
  const versionBefore = pageCache.enabled ? pageCache.currentVersion() : null
  const write = res.write
  const end = res.end
  const chunks = []
  const keep = (chunk, encoding) => {
    if (chunk != null && chunk.length !== 0) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk, typeof encoding === 'string' ? encoding : 'utf8'))
  }
  res.write = function (chunk, encoding, callback) {
    keep(chunk, encoding)
    const done = typeof encoding === 'function' ? encoding : callback
    if (done) process.nextTick(done)
    return true
  }
  res.end = function (chunk, encoding, callback) {
    if (typeof chunk === 'function') [callback, chunk] = [chunk, undefined]
    else if (typeof encoding === 'function') [callback, encoding] = [encoding, undefined]
    keep(chunk, encoding)
    res.write = write
    res.end = end
    const body = Buffer.concat(chunks)
    const type = String(res.getHeader('Content-Type') ?? '')
    const forEveryone = res.getHeader(PUBLIC_ANSWER_HEADER) === '1'
    res.removeHeader(PUBLIC_ANSWER_HEADER)
    if (forEveryone && res.statusCode === 200 && !res.getHeader('Cache-Control') && !res.getHeader('Set-Cookie') && /^(text\/html|application\/json)/.test(type)) {
      const nonce = res.locals.cspNonce
      // The page with its nonce replaced by a slot: hashed for the tag, and kept by the page cache.
      const template = nonce ? body.toString('utf8').replaceAll(nonce, NONCE_SLOT) : body.toString('utf8')
      const etag = `W/"${crypto.createHash('sha1').update(template).digest('base64url')}"`
      res.setHeader('ETag', etag)
      res.setHeader('Cache-Control', 'public, max-age=0, must-revalidate')
      res.vary('Cookie')
      pageCache.put(req, { template, type, etag, versionBefore })
      if (matchesETag(req.get('if-none-match'), etag)) {
        for (const header of ['Content-Security-Policy', 'Content-Type', 'Content-Length']) res.removeHeader(header)
        res.statusCode = 304
        return end.call(res, undefined, undefined, callback)
      }
    }
    return end.call(res, body, undefined, callback)
  }
  next()
}

/**
 * Visitors' pages kept until the database changes. A page rendered for a visitor without a session
 * (the same pages that get an ETag above) is kept under the database's version token; it is served
 * again only while that token is unchanged, i.e. while no row anywhere may have changed, and for at
 * most PAGE_CACHE_SECONDS (pages that depend on the clock, such as trending, move on within that
 * time). Any vote, post or edit drops every kept page, so nobody ever sees a page older than the
 * last write; members' pages are never kept. Each hit gets its own CSP nonce. The writes a visitor's
 * page makes (a question page counts a view) happen before the cache is asked, so a view that
 * counts drops the kept pages and the page shows it. Production only; PAGE_CACHE_SECONDS=0 turns it off.
 */
const PAGE_CACHE_SECONDS = Number(process.env.PAGE_CACHE_SECONDS ?? 60)
const PAGE_CACHE_MAX_BYTES = 16 * 1024 * 1024
/** Where a kept page's nonce goes: random per process, so no text a visitor sends can be mistaken for it. */
const NONCE_SLOT = `\u0000nonce-${crypto.randomBytes(12).toString('base64url')}\u0000`
const pageCache = {
  entries: new Map(),
  bytes: 0,
  version: null,
  enabled: MODE === 'production' && PAGE_CACHE_SECONDS > 0,
  key(req) {
    return req.method === 'GET' ? req.originalUrl : null
  },
  /** The version token, or null when it cannot be read (then nothing is kept or served). */
  currentVersion() {
    try {
      return pageCacheVersion()
    } catch {
      return null
    }
  },
  get(req) {
    const key = this.enabled && this.key(req)
    if (!key || !this.entries.has(key)) return null
    const entry = this.entries.get(key)
    const version = this.currentVersion()
    if (version === null || version !== this.version) {
      this.clear()
      return null
    }
    if (Date.now() - entry.at > PAGE_CACHE_SECONDS * 1000) {
      this.drop(key)
      return null
    }
    return entry
  },
  put(req, { template, type, etag, versionBefore }) {
    const key = this.enabled && this.key(req)
    if (!key || template.length > PAGE_CACHE_MAX_BYTES / 16) return
    const version = this.currentVersion()
    if (version === null || version !== versionBefore) return
    // A page rendered under an older version than the kept ones would be stale beside them.
    if (version !== this.version) {
      this.clear()
      this.version = version
    }
    this.drop(key)
    this.entries.set(key, { text: template, type, etag, at: Date.now(), size: template.length })
    this.bytes += template.length
    for (const [oldest, entry] of this.entries) {
      if (this.bytes <= PAGE_CACHE_MAX_BYTES) break
      this.entries.delete(oldest)
      this.bytes -= entry.size
    }
  },
  drop(key) {
    const entry = this.entries.get(key)
    if (!entry) return
    this.entries.delete(key)
    this.bytes -= entry.size
  },
  clear() {
    this.entries.clear()
    this.bytes = 0
  },
}

/**
 * A kept page, with this answer's nonce. A client that takes gzip gets the page compressed once,
 * when it was first asked for so (the compression middleware leaves an encoded answer alone):
 * compressing a large page again for every copy cost more CPU than everything else in a cached answer.
 */
function sendCachedPage(req, res, entry) {
  res.setHeader('ETag', entry.etag)
  res.setHeader('Cache-Control', 'public, max-age=0, must-revalidate')
  res.vary('Cookie')
  res.vary('Accept-Encoding')
  if (matchesETag(req.get('if-none-match'), entry.etag)) {
    res.removeHeader('Content-Security-Policy')
    return res.status(304).end()
  }
  const nonce = res.locals.cspNonce ?? ''
  res.status(200).type(entry.type)
  if (req.acceptsEncodings('gzip') === 'gzip') {
    if (!entry.gzip) {
      entry.gzip = gzipPages.prepare(entry.text, NONCE_SLOT)
      entry.size += entry.gzip.bytes
      pageCache.bytes += entry.gzip.bytes
    }
    res.setHeader('Content-Encoding', 'gzip')
    return res.send(gzipPages.fill(entry.gzip, nonce))
  }
  res.send(entry.text.replaceAll(NONCE_SLOT, nonce))
}

if (viteDevServer) {
  app.use(viteDevServer.middlewares)
} else {
  // Fingerprinted by Vite: cache for a year.
  app.use('/assets', express.static('build/client/assets', { immutable: true, maxAge: '1y', index: false }))
  // Only for the names that are there (favicon.svg, robots.txt …): every page request would
  // otherwise look for a file of its own name on disk first.
  const clientFiles = new Set(fs.readdirSync('build/client'))
  const clientStatic = express.static('build/client', { maxAge: '1h', index: false })
  app.use((req, res, next) => (clientFiles.has(decodeURIComponentSafe(req.path.split('/')[1] ?? '')) ? clientStatic(req, res, next) : next()))
}

app.all(
  '*',
  conditionalGet,
  createRequestHandler({
    build: viteDevServer ? () => loadBuild() : await loadBuild(),
    mode: MODE,
    getLoadContext: (req, res) => ({ cspNonce: res.locals.cspNonce, clientIp: req.ip ?? 'unknown' }),
  }),
)

/**
 * Errors that reach Express: a 4xx from a middleware (an undecodable path for the static files, an
 * unsatisfiable Range) is the client's, answered plainly and not logged; anything else is ours.
 */
app.use((error, req, res, next) => {
  const status = Number(error?.status ?? error?.statusCode)
  if (res.headersSent) return next(error)
  if (status >= 400 && status < 500) return refuse(res, status, 'The request could not be understood.')
  console.error(error)
  refuse(res, 500, 'Something went wrong on our side. Try again in a moment.')
})

const server = app.listen(PORT, HOST, () => {
  const address = server.address()
  const port = typeof address === 'object' && address ? address.port : PORT
  const host = HOST && HOST !== '0.0.0.0' && HOST !== '::' ? (HOST.includes(':') ? `[${HOST}]` : HOST) : 'localhost'
  console.log(`Summit is listening on http://${host}:${port} (${MODE}, ready in ${Date.now() - startedAt} ms)`)
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
function shutdown(signal) {
  if (stopping) return
  stopping = true
  stopEmailWorker()
  console.log(`${signal} received: finishing the requests in progress`)
  const closeDatabase = async () => {
    try {
      const build = await loadBuild()
      build.entry.module.checkpointAndCloseDatabases()
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
