/**
 * The plain page for a request the server refuses before the app sees it: a malformed request, a
 * cross-site form, an error no route answered.
 */
import http from 'node:http'
import { type Response } from 'express'

function page(title: string, message: string) {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${title} · Summit</title></head><body style="font-family:system-ui,sans-serif;max-width:40rem;margin:4rem auto;padding:0 1rem;line-height:1.5"><h1>${title}</h1><p>${message}</p><p><a href="/">Go to the home page</a></p></body></html>`
}

/** Answers `status` with a plain page (`message` is ours, never the client's). */
export function refuse(res: Response, status: number, message: string) {
  const title = `${status} ${http.STATUS_CODES[status] ?? 'Error'}`
  res.status(status).type('html').set('Cache-Control', 'no-store')
  res.send(page(title, message))
}
