/**
 * The visitor page cache, and conditional GETs for visitors without a session.
 *
 * ETags: a 200 HTML page or JSON answer that the app marked as rendered for nobody in particular
 * (PUBLIC_ANSWER_HEADER, app/lib/kept-pages.ts) gets a weak ETag (a hash of the body, with the
 * per-request CSP nonce left out) and `Cache-Control: public, max-age=0, must-revalidate` with
 * `Vary: Cookie`, so a browser or a proxy may keep the page but asks every time; an unchanged page
 * then costs a 304 and no body. The 304 carries no Content-Security-Policy, so the stored page keeps
 * the policy whose nonce it holds. Pages for a logged-in member are never marked cacheable, so what
 * they do shows at once.
 *
 * Kept pages: the same answers are kept under the database's version token, and served again only
 * while that token is unchanged, i.e. while no row anywhere may have changed, and for at most
 * PAGE_CACHE_SECONDS (pages that depend on the clock, such as trending, move on within that time).
 * Any vote, post or edit drops every kept page, so nobody ever sees a page older than the last
 * write; members' pages are never kept. Each hit gets its own CSP nonce, and a client that takes
 * gzip gets the page compressed once (app/lib/gzip-template.server.ts). Production only;
 * PAGE_CACHE_SECONDS=0 turns keeping off.
 *
 * Views: a page that counts a view each time it is seen (a question page) hands its loader's view to
 * the cache through the load context (`context.keptPage.countsView`, app/lib/kept-pages.ts). The
 * cache remembers it for the page's path (a bounded number of paths) and calls it for every visitor
 * who asks for that path, with any query, before it looks for a kept page: so a view is counted by the page's own route and model, exactly once,
 * whether the page is then served from the cache or rendered (the loader's own count then finds
 * the view already counted). A view that counts moves the version, so the page is rendered afresh
 * with the new count and kept under the new version. The cache knows no URL pattern or table.
 */
import crypto from 'node:crypto'
import { type Request, type RequestHandler, type Response } from 'express'
import { carriesCredentials } from '../app/lib/credentials.server'
import { matchesETag } from '../app/lib/etag'
import { gzipTemplate, type GzipTemplate, prepareGzipTemplate } from '../app/lib/gzip-template.server'
import { type KeptPageContext, type PageView, PUBLIC_ANSWER_HEADER } from '../app/lib/kept-pages'

/** A kept page: its text with a slot wherever the nonce goes. */
export type KeptPage = {
  text: string
  type: string
  etag: string
  /** When it was kept (ms). */
  at: number
  /** Memory held: the text and, once made, its gzip template. */
  size: number
  gzip?: GzipTemplate
}

export type PageCacheOptions = {
  /** How long a kept page may be served; 0: nothing is kept. */
  maxAgeSeconds: number
  /** The database's version token (pageCacheVersion() from the server build); it may throw. */
  version: () => string | null
  maxBytes?: number
  /** How many paths' views are remembered, and how many characters of path at most. */
  maxViews?: number
  maxViewPathChars?: number
  now?: () => number
}

const MAX_BYTES = 16 * 1024 * 1024
const MAX_VIEWS = 10_000
const MAX_VIEW_PATH_CHARS = 1024 * 1024

/** Pages kept for visitors, by URL, under one version token. */
export class PageCache {
  readonly enabled: boolean
  /** Where a kept page's nonce goes: random per process, so no text a visitor sends can be mistaken for it. */
  readonly nonceSlot = `\u0000nonce-${crypto.randomBytes(12).toString('base64url')}\u0000`
  private readonly entries = new Map<string, KeptPage>()
  private readonly views = new Map<string, PageView>()
  private viewPathChars = 0
  private bytes = 0
  private version: string | null = null
  private readonly maxAgeMs: number
  private readonly maxBytes: number
  private readonly maxViews: number
  private readonly maxViewPathChars: number
  private readonly versionOf: () => string | null
  private readonly now: () => number

  constructor(options: PageCacheOptions) {
    this.enabled = options.maxAgeSeconds > 0
    this.maxAgeMs = options.maxAgeSeconds * 1000
    this.maxBytes = options.maxBytes ?? MAX_BYTES
    this.maxViews = options.maxViews ?? MAX_VIEWS
    this.maxViewPathChars = options.maxViewPathChars ?? MAX_VIEW_PATH_CHARS
    this.versionOf = options.version
    this.now = options.now ?? Date.now
  }

  /** The version token, or null when it cannot be read (then nothing is kept or served). */
  currentVersion() {
    try {
      return this.versionOf()
    } catch {
      return null
    }
  }

  /** How many pages are kept and the memory they hold. */
  get size() {
    return { pages: this.entries.size, bytes: this.bytes }
  }

  get(key: string): KeptPage | null {
    if (!this.enabled) return null
    const entry = this.entries.get(key)
    if (!entry) return null
    const version = this.currentVersion()
    if (version === null || version !== this.version) {
      this.clear()
      return null
    }
    if (this.now() - entry.at > this.maxAgeMs) {
      this.drop(key)
      return null
    }
    return entry
  }

  /** Keeps a page rendered under `versionBefore`, if nothing was written since. */
  put(key: string, { text, type, etag }: { text: string; type: string; etag: string }, versionBefore: string | null) {
    if (!this.enabled || text.length > this.maxBytes / 16) return
    const version = this.currentVersion()
    if (version === null || version !== versionBefore) return
    // A page rendered under an older version than the kept ones would be stale beside them.
    if (version !== this.version) {
      this.clear()
      this.version = version
    }
    this.drop(key)
    this.entries.set(key, { text, type, etag, at: this.now(), size: text.length })
    this.bytes += text.length
    for (const [oldest, entry] of this.entries) {
      if (this.bytes <= this.maxBytes) break
      this.entries.delete(oldest)
      this.bytes -= entry.size
    }
  }

  /** The page's gzip template, made on first use and counted in the page's memory. */
  gzipOf(entry: KeptPage) {
    if (!entry.gzip) {
      entry.gzip = prepareGzipTemplate(entry.text, this.nonceSlot)
      entry.size += entry.gzip.bytes
      this.bytes += entry.gzip.bytes
    }
    return entry.gzip
  }

  /** The view the page at `path` counts, as its route last said (whatever the query). */
  viewOf(path: string) {
    return this.enabled ? this.views.get(path) : undefined
  }

  rememberView(path: string, view: PageView) {
    if (!this.enabled || path.length > this.maxViewPathChars / 16) return
    if (this.views.delete(path)) this.viewPathChars -= path.length
    this.views.set(path, view)
    this.viewPathChars += path.length
    for (const oldest of this.views.keys()) {
      if (this.views.size <= this.maxViews && this.viewPathChars <= this.maxViewPathChars) break
      this.views.delete(oldest)
      this.viewPathChars -= oldest.length
    }
  }

  private drop(key: string) {
    const entry = this.entries.get(key)
    if (!entry) return
    this.entries.delete(key)
    this.bytes -= entry.size
  }

  clear() {
    this.entries.clear()
    this.bytes = 0
  }
}

/** The PUBLIC_ANSWER_HEADER is the app's word to the cache, never sent on (for every answer). */
export const hidePublicAnswerMark: RequestHandler = (req, res, next) => {
  const writeHead = res.writeHead
  res.writeHead = function (this: Response, ...args: Parameters<typeof writeHead>) {
    res.removeHeader(PUBLIC_ANSWER_HEADER)
    return writeHead.apply(this, args)
  } as typeof writeHead
  next()
}

/** Whether the request carries a session cookie or credentials (a member's pages are personal: never shared). */
function hasSession(req: Request) {
  try {
    return carriesCredentials(req.get('cookie'), req.get('authorization'))
  } catch {
    return true
  }
}

function countView(view: PageView, req: Request) {
  try {
    view({ ip: req.ip ?? 'unknown', userAgent: req.get('user-agent') ?? null })
  } catch (error) {
    // The page's own loader makes the same write (and reports a real failure). A locked or full
    // database (a 503) is logged by the connection itself, once a minute.
    if ((error as { status?: unknown } | null)?.status !== 503) console.error('Recording a visitor page view failed:', error)
  }
}

/**
 * The middleware in front of the app's handler: serves kept pages, and tags, keeps and answers
 * conditional GETs for the visitor answers the app renders.
 */
export function visitorPages(cache: PageCache): RequestHandler {
  return (req, res, next) => {
    if ((req.method !== 'GET' && req.method !== 'HEAD') || hasSession(req)) return next()
    const key = req.method === 'GET' && cache.enabled ? req.originalUrl : null
    let versionBefore: string | null = null
    let pageView: PageView | undefined
    if (key !== null) {
      const view = cache.viewOf(req.path)
      if (view) countView(view, req)
      const kept = cache.get(key)
      if (kept) return sendKeptPage(cache, req, res, kept)
      // Read before rendering: a page is kept only if nothing was written while it was rendered.
      versionBefore = cache.currentVersion()
      const keptPage: KeptPageContext = { countsView: (view) => void (pageView = view) }
      res.locals.keptPage = keptPage
    }
    const write = res.write
    const end = res.end
    const chunks: Buffer[] = []
    const keep = (chunk: unknown, encoding: unknown) => {
      if (chunk == null || (chunk as { length?: number }).length === 0) return
      chunks.push(
        Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string, typeof encoding === 'string' ? (encoding as BufferEncoding) : 'utf8'),
      )
    }
    res.write = function (chunk: unknown, encoding?: unknown, callback?: unknown) {
      keep(chunk, encoding)
      const done = typeof encoding === 'function' ? encoding : callback
      if (typeof done === 'function') process.nextTick(done as () => void)
      return true
    } as typeof res.write
    res.end = function (chunk?: unknown, encoding?: unknown, callback?: unknown) {
      if (typeof chunk === 'function') [callback, chunk] = [chunk, undefined]
      else if (typeof encoding === 'function') [callback, encoding] = [encoding, undefined]
      keep(chunk, encoding)
      res.write = write
      res.end = end
      const body = Buffer.concat(chunks)
      const type = String(res.getHeader('Content-Type') ?? '')
      const forEveryone = res.getHeader(PUBLIC_ANSWER_HEADER) === '1'
      res.removeHeader(PUBLIC_ANSWER_HEADER)
      if (
        forEveryone &&
        res.statusCode === 200 &&
        !res.getHeader('Cache-Control') &&
        !res.getHeader('Set-Cookie') &&
        /^(text\/html|application\/json)/.test(type)
      ) {
        const nonce = res.locals.cspNonce as string | undefined
        // The page with its nonce replaced by a slot: hashed for the tag, and kept by the page cache.
        const text = nonce ? body.toString('utf8').replaceAll(nonce, cache.nonceSlot) : body.toString('utf8')
        const etag = `W/"${crypto.createHash('sha1').update(text).digest('base64url')}"`
        res.setHeader('ETag', etag)
        res.setHeader('Cache-Control', 'public, max-age=0, must-revalidate')
        res.vary('Cookie')
        if (key !== null) {
          if (pageView) cache.rememberView(req.path, pageView)
          cache.put(key, { text, type, etag }, versionBefore)
        }
        if (matchesETag(req.get('if-none-match'), etag)) {
          for (const header of ['Content-Security-Policy', 'Content-Type', 'Content-Length']) res.removeHeader(header)
          res.statusCode = 304
          return end.call(res, undefined, undefined as unknown as BufferEncoding, callback as () => void)
        }
      }
      return end.call(res, body, undefined as unknown as BufferEncoding, callback as () => void)
    } as typeof res.end
    next()
  }
}

/**
 * A kept page, with this answer's nonce. A client that takes gzip gets the page compressed once,
 * when it was first asked for so (the compression middleware leaves an encoded answer alone):
 * compressing a large page again for every copy cost more CPU than everything else in a cached answer.
 */
function sendKeptPage(cache: PageCache, req: Request, res: Response, entry: KeptPage) {
  res.setHeader('ETag', entry.etag)
  res.setHeader('Cache-Control', 'public, max-age=0, must-revalidate')
  res.vary('Cookie')
  res.vary('Accept-Encoding')
  if (matchesETag(req.get('if-none-match'), entry.etag)) {
    res.removeHeader('Content-Security-Policy')
    return res.status(304).end()
  }
  const nonce = (res.locals.cspNonce as string | undefined) ?? ''
  res.status(200).type(entry.type)
  if (req.acceptsEncodings('gzip') === 'gzip') {
    res.setHeader('Content-Encoding', 'gzip')
    return res.send(gzipTemplate(cache.gzipOf(entry), nonce))
  }
  res.send(entry.text.replaceAll(cache.nonceSlot, nonce))
}
