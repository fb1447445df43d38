/**
 * The home page's feed: the top ideas, the newest questions and the counts. The same for every
 * visitor and member, so it is computed once and kept until the next write to the database
 * (memoUntilWrite), like the kept pages visitors get; members' own parts (the header's counts)
 * are still read for each request.
 */
import { type Db } from '~/lib/db.server'
import { memoUntilWrite } from '~/lib/read-cache.server'
import { countVisibleIdeas, listIdeas } from './idea-lists.server'
import { countVisibleQuestions, listRecentQuestions } from './questions.server'

const HOME_ITEMS = 8

export function getHomeFeed(db: Db) {
  return memoUntilWrite(db, 'home feed', () => ({
    topIdeas: listIdeas(db, { sort: 'top', pageSize: HOME_ITEMS }).items,
    recentQuestions: listRecentQuestions(db, { limit: HOME_ITEMS }),
    ideaCount: countVisibleIdeas(db),
    questionCount: countVisibleQuestions(db),
  }))
}
