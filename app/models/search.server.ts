/**
 * One search over ideas, questions and answers (SQLite FTS5, bm25 ranking, highlighted snippets).
 * User text never reaches MATCH as typed: toFtsQuery() keeps words only and quotes each one.
 */
import { sql } from 'drizzle-orm'
import { type IdeaStatus } from '#db/schema'
import { type Db } from '~/lib/db.server'

export const SEARCH_TYPES = ['idea', 'question', 'answer'] as const
export type SearchType = (typeof SEARCH_TYPES)[number]

const MAX_TERMS = 12
export const SEARCH_PAGE_SIZE = 20
/** Deep pages of a relevance ranking are useless and costly; refine the query instead. */
export const SEARCH_MAX_PAGES = 10

/** Snippet markers: control characters that no text contains, turned into <mark> by React. */
export const MARK_START = '\u0002'
export const MARK_END = '\u0003'

/**
 * Turns what someone typed into a safe FTS5 query: up to 12 words of letters and digits, each
 * quoted, the last one as a prefix (so results appear while a word is half typed). Returns null
 * when nothing searchable is left (only punctuation, emoji, operators …).
 */
export function toFtsQuery(input: string) {
  const words = input.slice(0, 1000).match(/[\p{L}\p{N}]+/gu)?.slice(0, MAX_TERMS) ?? []
  if (words.length === 0) return null
  return words.map((word, i) => `"${word}"${i === words.length - 1 ? '*' : ''}`).join(' ')
}

export type SearchHit = {
  type: SearchType
  id: number
  /** The idea or question the hit links to (an answer links to its question). */
  url: string
  title: string
  snippet: string
  status: string
  votes: number
}

/** One page of hits, best first. Hidden, deleted and merged posts never appear. */
export function search(db: Db, { q, type, page = 1 }: { q: string; type?: SearchType | null; page?: number }) {
  const match = toFtsQuery(q)
  if (!match) return { hits: [] as SearchHit[], hasMore: false, page: 1 }
  const pageNumber = Math.min(Math.max(1, Math.trunc(page)), SEARCH_MAX_PAGES)
  const want = (t: SearchType) => !type || type === t
  const parts = []
  if (want('idea')) {
    parts.push(sql`
      select 'idea' as type, i.id as id, i.id as link_id, highlight(ideas_fts, 0, char(2), char(3)) as title,
             snippet(ideas_fts, 1, char(2), char(3), '…', 16) as snippet, i.status as status, i.vote_count as votes,
             bm25(ideas_fts, 5.0, 1.0) as rank
      from ideas_fts join ideas i on i.id = ideas_fts.rowid
      where ideas_fts match ${match} and i.deleted_at is null and i.hidden_at is null and i.status != 'merged'`)
  }
  if (want('question')) {
    parts.push(sql`
      select 'question' as type, q.id as id, q.id as link_id, highlight(questions_fts, 0, char(2), char(3)) as title,
             snippet(questions_fts, 1, char(2), char(3), '…', 16) as snippet, q.status as status, q.score as votes,
             bm25(questions_fts, 5.0, 1.0) as rank
      from questions_fts join questions q on q.id = questions_fts.rowid
      where questions_fts match ${match} and q.deleted_at is null and q.hidden_at is null`)
  }
  if (want('answer')) {
    parts.push(sql`
      select 'answer' as type, a.id as id, a.question_id as link_id, q.title as title,
             snippet(answers_fts, 0, char(2), char(3), '…', 16) as snippet,
             case when a.is_accepted then 'accepted' else '' end as status, a.score as votes, bm25(answers_fts) as rank
      from answers_fts join answers a on a.id = answers_fts.rowid join questions q on q.id = a.question_id
      where answers_fts match ${match} and a.deleted_at is null and a.hidden_at is null
        and q.deleted_at is null and q.hidden_at is null`)
  }
  const offset = (pageNumber - 1) * SEARCH_PAGE_SIZE
  const rows = db.all<{ type: SearchType; id: number; link_id: number; title: string; snippet: string; status: string; votes: number }>(
    sql`select * from (${sql.join(parts, sql` union all `)}) order by rank, id limit ${SEARCH_PAGE_SIZE + 1} offset ${offset}`,
  )
  const hits = rows.slice(0, SEARCH_PAGE_SIZE).map((row) => ({
    type: row.type,
    id: row.id,
    url: row.type === 'idea' ? `/ideas/${row.link_id}` : row.type === 'question' ? `/questions/${row.link_id}` : `/questions/${row.link_id}#answer-${row.id}`,
    title: row.title,
    snippet: row.snippet,
    status: row.status,
    votes: row.votes,
  }))
  return { hits, hasMore: rows.length > SEARCH_PAGE_SIZE && pageNumber < SEARCH_MAX_PAGES, page: pageNumber }
}

/** Words too common in idea titles to say what an idea is about ("Add an option to …"). */
const SIMILARITY_STOP_WORDS: ReadonlySet<string> = new Set(
  `a about add adding after all allow also an and any are as at be being but by can could do does
  for from get have how i if in into is it its let lets like make me more my need new no not of on
  one option or our please should so some support that the their them there this to up us use want
  we what when which will with would you your`.split(/\s+/),
)

export const SIMILAR_IDEAS_LIMIT = 5

export type SimilarIdea = { id: number; title: string; status: IdeaStatus; voteCount: number }

/**
 * Existing ideas that look like the title being typed, best first, so people vote instead of
 * posting a duplicate. An OR of the title's quoted words (common words left out) finds ideas worded
 * differently; bm25 ranks those sharing the most, and the rarest, words first. The last word is
 * also a prefix, as it may be half typed. Hidden, deleted and merged ideas never appear.
 */
export function similarIdeas(db: Db, title: string, limit = SIMILAR_IDEAS_LIMIT): SimilarIdea[] {
  const words = [...new Set(title.slice(0, 1000).toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [])]
    .filter((word) => word.length > 1 && !SIMILARITY_STOP_WORDS.has(word))
    .slice(0, MAX_TERMS)
  if (words.length === 0) return []
  const last = words.length - 1
  const match = words.map((word, i) => `"${word}"${i === last && word.length >= 3 ? '*' : ''}`).join(' OR ')
  const bounded = Math.min(Math.max(1, Math.trunc(limit)), SIMILAR_IDEAS_LIMIT)
  return db.all<SimilarIdea>(sql`
    select i.id as id, i.title as title, i.status as status, i.vote_count as voteCount
    from ideas_fts join ideas i on i.id = ideas_fts.rowid
    where ideas_fts match ${match} and i.deleted_at is null and i.hidden_at is null and i.status != 'merged'
    order by bm25(ideas_fts, 5.0, 1.0), i.id desc
    limit ${bounded}`)
}
