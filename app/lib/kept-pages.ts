/**
 * What the app and the visitor page cache (server/page-cache.ts) tell each other. Imports nothing,
 * so the HTTP front can use it as it is.
 *
 * - The app marks an answer it rendered for nobody in particular with PUBLIC_ANSWER_HEADER
 *   (app/entry.server.tsx); only such an answer is kept or given an ETag, and the header is never
 *   sent on.
 * - A page that counts something each time it is seen (a question page counts a view) says so
 *   through its load context: its loader hands `context.keptPage.countsView()` the view, as a
 *   function of the visitor. The page model counts the view itself when the page is rendered; the
 *   page cache calls the same function for each visitor it serves the kept page to instead, before
 *   it looks at the page (a view that counts moves the database's version, so the page is rendered
 *   afresh with the new count). Which view a page counts, and the counting, are its page model's
 *   (app/models/question-page.server.ts), which its loader calls; the cache knows neither URLs nor
 *   tables.
 */

/** Set by the app on an answer rendered for nobody in particular (removed before sending). */
export const PUBLIC_ANSWER_HEADER = 'X-Summit-Public-Answer'

/** A visitor without a session, as the page cache sees one. */
export type Visitor = { ip: string; userAgent: string | null }

/** A view a page counts, for one visitor. Its own rule decides whether it counts (once a day, …). */
export type PageView = (visitor: Visitor) => void

/** In the load context of a visitor's page that the cache may keep (`context.keptPage`). */
export type KeptPageContext = {
  /** The view this page counts: replayed for each visitor the kept page is served to. */
  countsView(view: PageView): void
}
