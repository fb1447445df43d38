/**
 * The built client's files (production): fingerprinted assets cached for a year, and the few names
 * at the root of build/client (favicon.svg, robots.txt …) for an hour. Only those names go to the
 * static files: every page request would otherwise look for a file of its own name on disk first.
 */
import fs from 'node:fs'
import path from 'node:path'
import express, { type RequestHandler } from 'express'

function decodeURIComponentSafe(value: string) {
  try {
    return decodeURIComponent(value)
  } catch {
    return value
  }
}

/** `assets` is for the path /assets (app.use('/assets', assets)), `rootFiles` for every request. */
export function staticFiles(clientDir: string): { assets: RequestHandler; rootFiles: RequestHandler } {
  // Fingerprinted by Vite: cache for a year.
  const assets = express.static(path.join(clientDir, 'assets'), { immutable: true, maxAge: '1y', index: false })
  const clientFiles = new Set(fs.readdirSync(clientDir))
  const clientStatic = express.static(clientDir, { maxAge: '1h', index: false })
  const rootFiles: RequestHandler = (req, res, next) =>
    clientFiles.has(decodeURIComponentSafe(req.path.split('/')[1] ?? '')) ? clientStatic(req, res, next) : next()
  return { assets, rootFiles }
}
