/**
 * The Express app around Remix, assembled from the server's middleware in the order a request meets
 * them: the stop flag, request checks, compression, the cross-site refusal, security headers, static
 * files, the visitor page cache, then the app's own handler and a last error handler. Built from
 * its settings and the app's handler alone, so tests run it on an ephemeral port with a stand-in
 * for Remix.
 */
import compression from 'compression'
import express, { type ErrorRequestHandler, type Request, type RequestHandler, type Response } from 'express'
import { type AppLoadContext } from '@remix-run/node'
import { type ServerConfig } from './config'
import { originCheck } from './origin-check'
import { hidePublicAnswerMark, type PageCache, visitorPages } from './page-cache'
import { refuse } from './refuse'
import { requestChecks } from './request-checks'
import { securityHeaders } from './security-headers'

export type AppOptions = {
  config: Pick<ServerConfig, 'mode' | 'publicUrl' | 'trustProxy'>
  /** The app's request handler (Remix's), given loadContext() as its load context. */
  handler: RequestHandler
  /** Visitors' kept pages (when it is disabled, visitors' answers still get ETags). */
  pageCache: PageCache
  /** Static files (production) or Vite's middleware (development), before the pages. */
  files?: { assets?: RequestHandler; rootFiles: RequestHandler }
  /** True once the server is stopping: answers then close their connection. */
  isStopping?: () => boolean
}

/** What the app's loaders get from the server for a request (AppLoadContext, app/entry.server.tsx). */
export function loadContext(req: Request, res: Response): AppLoadContext {
  return { cspNonce: res.locals.cspNonce, clientIp: req.ip ?? 'unknown', keptPage: res.locals.keptPage }
}

/**
 * Errors that reach Express: a 4xx from a middleware (an undecodable path for the static files, an
 * unsatisfiable Range) is the client's, answered plainly and not logged; anything else is ours.
 */
const lastErrorHandler: ErrorRequestHandler = (error, req, res, next) => {
  const status = Number(error?.status ?? error?.statusCode)
  if (res.headersSent) return next(error)
  if (status >= 400 && status < 500) return refuse(res, status, 'The request could not be understood.')
  console.error(error)
  refuse(res, 500, 'Something went wrong on our side. Try again in a moment.')
}

export function createApp({ config, handler, pageCache, files, isStopping = () => false }: AppOptions) {
  const app = express()
  app.disable('x-powered-by')
  // While stopping, answers close their connection, so no keep-alive connection holds the stop up.
  app.use((req, res, next) => {
    if (isStopping()) res.set('Connection', 'close')
    next()
  })
  if (config.trustProxy !== undefined) app.set('trust proxy', config.trustProxy)
  app.use(requestChecks({ publicUrl: config.publicUrl }))
  // Level 3, the best of zlib's fast levels: pages rendered for members are compressed on every
  // request, and level 6 (the default) took twice the CPU for 10–15 % fewer bytes. Visitors' kept
  // pages are compressed once, at the highest level (app/lib/gzip-template.server.ts).
  app.use(compression({ level: 3 }))
  app.use(originCheck({ publicUrl: config.publicUrl }))
  app.use(securityHeaders({ production: config.mode === 'production', publicUrl: config.publicUrl }))
  app.use(hidePublicAnswerMark)
  if (files?.assets) app.use('/assets', files.assets)
  if (files) app.use(files.rootFiles)
  app.all('*', visitorPages(pageCache), handler)
  app.use(lastErrorHandler)
  return app
}
