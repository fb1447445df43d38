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
 * from the cache.
 */
import { recordQuestionView, viewerKeyFor } from '~/models/questions.server'
import { getDb } from './db.server'
import { databaseVersion } from './read-cache.server'

export function pageCacheVersion() {
  return databaseVersion(getDb())
}

const QUESTION_PAGE = /^\/questions\/(\d{1,15})\/?$/

export function beforeVisitorPage(path: string, ip: string | null, userAgent: string | null) {
  const question = QUESTION_PAGE.exec(path)
  if (!question) return
  const viewerKey = viewerKeyFor({ userId: null, ip, userAgent })
  if (viewerKey) recordQuestionView(getDb(), { questionId: Number(question[1]), viewerKey })
}
