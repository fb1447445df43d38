/**
 * What server.js needs for its visitor page cache.
 *
 * pageCacheVersion() changes whenever any row may have changed (another connection committed, or
 * this process wrote), so a page kept under one token is exactly the page a fresh render would give
 * while the token holds (see read-cache.server.ts).
 *
 * beforeVisitorPage() does, before the cache is asked, the writes that rendering a page does for a
 * visitor: a question page counts a view. When the view counts, the version moves and the page is
 * rendered afresh, with the new count; a reload on the same day writes nothing and may be served
 * from the cache. Counting the view is the models' work: app/entry.server.tsx hands it in.
 */
import { getDb } from './db.server'
import { databaseVersion } from './read-cache.server'

export function pageCacheVersion() {
  return databaseVersion(getDb())
}

const QUESTION_PAGE = /^\/questions\/(\d{1,15})\/?$/

/** Counts a visitor's view of a question (once per viewer and day). */
export type CountQuestionView = (questionId: number, ip: string | null, userAgent: string | null) => void

export function beforeVisitorPage(path: string, ip: string | null, userAgent: string | null, countQuestionView: CountQuestionView) {
  const question = QUESTION_PAGE.exec(path)
  if (!question) return
  countQuestionView(Number(question[1]), ip, userAgent)
}
