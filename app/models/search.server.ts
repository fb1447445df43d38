/**
 * One search over ideas, questions and answers (SQLite FTS5, bm25 ranking, highlighted snippets).
 * User text never reaches MATCH as typed: toFtsQuery() keeps words only and quotes each one.
 */
import { type SQL, sql } from 'drizzle-orm'
import { type IdeaStatus, SEARCH_TYPES, type SearchStatus, type SearchType } from '~/domain'
import { type Db } from '~/lib/db.server'
import { memoUntilWrite } from '~/lib/read-cache.server'
import { normalizeTagName } from './tags.server'

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
  const words =
    input
      .slice(0, 1000)
      .match(/[\p{L}\p{N}]+/gu)
      ?.slice(0, MAX_TERMS) ?? []
  if (words.length === 0) return null
  return words.map((word, i) => (i === words.length - 1 ? prefixTerm(word) : `"${word}"`)).join(' AND ')
}

/**
 * A half-typed word as an FTS5 prefix term. The porter tokenizer stems query terms too, prefix
 * terms included, so a fragment can be rewritten into something no indexed word starts with:
 * "analy" becomes "anali", which misses "analytics" (stored as "analyt"). The fragment without its
 * trailing vowels, y, s, "ed" and "ing" ("anal") is left alone by the stemmer and is a prefix of
 * the stored form, so both are asked for. Fragments shorter than three letters stay as typed.
 * Still missed: a fragment cut inside a longer suffix the stemmer rewrites ("integrat" of
 * "integration", stored as "integr"), until the word is complete.
 */
export function prefixTerm(word: string) {
  const stable = word.replace(/(?:[aeiouys]|ed|ing)+$/iu, '')
  if (stable === word || stable.length < 3) return `"${word}"*`
  return `("${word}"* OR "${stable}"*)`
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
  /** Hidden (flags, a moderator, or waiting for review): found only by staff searches. */
  hidden: boolean
}

/**
 * One page of hits, best first. Deleted and merged posts never appear; hidden ones only in a staff
 * search (`includeHidden`, decided by the route's permission check), marked, so moderators can find
 * a hidden post by its words. Optional filters: a status (which also limits the kinds of post
 * searched) and a tag (an unknown tag finds nothing).
 */
export function search(db: Db, input: SearchInput) {
  // The same search again (a popular word) is answered from memory until the next write.
  const { q, type = null, page = 1, status = null, tag = null, includeHidden = false } = input
  return memoUntilWrite(db, `search ${JSON.stringify([q, type, page, status, tag, includeHidden])}`, () => searchNow(db, input))
}

type SearchInput = {
  q: string
  type?: SearchType | null
  page?: number
  status?: SearchStatus | null
  tag?: string | null
  includeHidden?: boolean
}

/** The visibility condition on a post alias: not deleted, and unless staff search, not hidden. */
function shownIf(alias: 'i' | 'q' | 'a', includeHidden: boolean) {
  const table = sql.raw(alias)
  return includeHidden ? sql`${table}.deleted_at is null` : sql`${table}.deleted_at is null and ${table}.hidden_at is null`
}

function searchNow(db: Db, { q, type, page = 1, status, tag, includeHidden = false }: SearchInput) {
  const match = toFtsQuery(q)
  if (!match) return { hits: [] as SearchHit[], hasMore: false, page: 1 }
  const pageNumber = Math.min(Math.max(1, Math.trunc(page)), SEARCH_MAX_PAGES)
  const [statusKind, statusValue] = status ? (status.split(':') as ['idea' | 'question', string]) : [null, null]
  let tagId: number | null = null
  if (tag) {
    tagId = db.get<{ id: number } | undefined>(sql`select id from tags where name = ${normalizeTagName(tag)}`)?.id ?? null
    if (tagId == null) return { hits: [] as SearchHit[], hasMore: false, page: 1 }
  }
  const want = (t: SearchType) => (!type || type === t) && (!statusKind || (statusKind === 'idea' ? t === 'idea' : t !== 'idea'))
  /** The question filters, on the question `q` (a hit's own question, or an answer's). */
  const questionFilters = sql.join(
    [
      statusValue === 'open' || statusValue === 'closed' ? sql` and q.status = ${statusValue}` : sql``,
      statusValue === 'answered' ? sql` and q.is_unanswered = 0` : sql``,
      tagId != null ? sql` and exists (select 1 from question_tags qt where qt.question_id = q.id and qt.tag_id = ${tagId})` : sql``,
    ],
    sql``,
  )
  const parts = []
  if (want('idea')) {
    parts.push(sql`
      select 'idea' as type, i.id as id, i.id as link_id, null as title, i.status as status, i.vote_count as votes,
             i.hidden_at is not null as hidden, bm25(ideas_fts, 5.0, 1.0) as rank
      from ideas_fts join ideas i on i.id = ideas_fts.rowid
      where ideas_fts match ${match} and ${shownIf('i', includeHidden)} and i.status != 'merged'
        ${statusKind === 'idea' ? sql`and i.status = ${statusValue}` : sql``}
        ${tagId != null ? sql`and exists (select 1 from idea_tags it where it.idea_id = i.id and it.tag_id = ${tagId})` : sql``}`)
  }
  if (want('question')) {
    parts.push(sql`
      select 'question' as type, q.id as id, q.id as link_id, null as title, q.status as status, q.score as votes,
             q.hidden_at is not null as hidden, bm25(questions_fts, 5.0, 1.0) as rank
      from questions_fts join questions q on q.id = questions_fts.rowid
      where questions_fts match ${match} and ${shownIf('q', includeHidden)}${questionFilters}`)
  }
  if (want('answer')) {
    parts.push(sql`
      select 'answer' as type, a.id as id, a.question_id as link_id, q.title as title,
             case when a.is_accepted then 'accepted' else '' end as status, a.score as votes,
             (a.hidden_at is not null or q.hidden_at is not null) as hidden, bm25(answers_fts) as rank
      from answers_fts join answers a on a.id = answers_fts.rowid join questions q on q.id = a.question_id
      where answers_fts match ${match} and ${shownIf('a', includeHidden)}
        and ${shownIf('q', includeHidden)}${questionFilters}`)
  }
  if (parts.length === 0) return { hits: [] as SearchHit[], hasMore: false, page: 1 }
  const offset = (pageNumber - 1) * SEARCH_PAGE_SIZE
  const limit = SEARCH_PAGE_SIZE + 1
  const ranked =
    !statusKind && tagId == null ? rankEachIndexFirst(db, match, SEARCH_TYPES.filter(want), offset + limit, includeHidden) : null
  const rows =
    ranked?.slice(offset, offset + limit) ??
    db.all<RankedRow>(sql`select * from (${sql.join(parts, sql` union all `)}) order by rank, id limit ${limit} offset ${offset}`)
  const shown = rows.slice(0, SEARCH_PAGE_SIZE)
  const marked = highlightHits(db, match, shown)
  const hits = shown.map((row) => ({
    type: row.type,
    id: row.id,
    url:
      row.type === 'idea'
        ? `/ideas/${row.link_id}`
        : row.type === 'question'
          ? `/questions/${row.link_id}`
          : `/questions/${row.link_id}#answer-${row.id}`,
    title: marked.get(`${row.type}:${row.id}`)?.title ?? row.title ?? '',
    snippet: marked.get(`${row.type}:${row.id}`)?.snippet ?? '',
    status: row.status,
    votes: row.votes,
    hidden: Boolean(row.hidden),
  }))
  return { hits, hasMore: rows.length > SEARCH_PAGE_SIZE && pageNumber < SEARCH_MAX_PAGES, page: pageNumber }
}

type RankedRow = {
  type: SearchType
  id: number
  link_id: number
  title: string | null
  status: string
  votes: number
  hidden: number
  rank: number
}

/** Candidates kept per kind of post beyond the rows a page needs, for hits that turn out hidden. */
const CANDIDATE_SLACK = 100

/**
 * The first `needed` hits of an unfiltered search, or null when this shortcut cannot be sure of
 * them. A common word matches tens of thousands of posts; FTS5 ranks them all quickly, but joining
 * every match to its post (to leave out hidden, deleted and merged ones) costs far more. So each
 * index is ranked alone and only its best `needed + CANDIDATE_SLACK` matches are read by key and
 * filtered. The result is exact when every row kept ranks strictly better than the worst candidate
 * of each list that was cut short (anything left out ranks no better); otherwise (many hidden
 * matches at the top) the caller runs the one-query search.
 */
function rankEachIndexFirst(
  db: Db,
  match: string,
  types: readonly SearchType[],
  needed: number,
  includeHidden: boolean,
): RankedRow[] | null {
  const k = needed + CANDIDATE_SLACK
  const ranking = {
    idea: sql`select rowid as id, bm25(ideas_fts, 5.0, 1.0) as rank from ideas_fts where ideas_fts match ${match} order by rank limit ${k}`,
    question: sql`select rowid as id, bm25(questions_fts, 5.0, 1.0) as rank from questions_fts where questions_fts match ${match} order by rank limit ${k}`,
    answer: sql`select rowid as id, bm25(answers_fts) as rank from answers_fts where answers_fts match ${match} order by rank limit ${k}`,
  } as const
  const posts = {
    idea: (ids: SQL) => sql`
      select 'idea' as type, i.id as id, i.id as link_id, null as title, i.status as status, i.vote_count as votes,
             i.hidden_at is not null as hidden
      from ideas i where i.id in (${ids}) and ${shownIf('i', includeHidden)} and i.status != 'merged'`,
    question: (ids: SQL) => sql`
      select 'question' as type, q.id as id, q.id as link_id, null as title, q.status as status, q.score as votes,
             q.hidden_at is not null as hidden
      from questions q where q.id in (${ids}) and ${shownIf('q', includeHidden)}`,
    answer: (ids: SQL) => sql`
      select 'answer' as type, a.id as id, a.question_id as link_id, q.title as title,
             case when a.is_accepted then 'accepted' else '' end as status, a.score as votes,
             (a.hidden_at is not null or q.hidden_at is not null) as hidden
      from answers a join questions q on q.id = a.question_id
      where a.id in (${ids}) and ${shownIf('a', includeHidden)} and ${shownIf('q', includeHidden)}`,
  } as const
  const rows: RankedRow[] = []
  let leftOutFrom = Infinity // no post left out of a cut-short list ranks better than this
  for (const type of types) {
    const candidates = db.all<{ id: number; rank: number }>(ranking[type])
    if (candidates.length === 0) continue
    if (candidates.length === k) leftOutFrom = Math.min(leftOutFrom, candidates[k - 1]!.rank)
    const found = new Map(
      db
        .all<Omit<RankedRow, 'rank'>>(
          posts[type](
            sql.join(
              candidates.map((c) => sql`${c.id}`),
              sql`, `,
            ),
          ),
        )
        .map((row) => [row.id, row]),
    )
    for (const { id, rank } of candidates) {
      const row = found.get(id)
      if (row) rows.push({ ...row, rank })
    }
  }
  rows.sort((a, b) => a.rank - b.rank || a.id - b.id)
  if (leftOutFrom === Infinity) return rows
  const last = rows[needed - 1]
  return last && last.rank < leftOutFrom ? rows : null
}

/**
 * The highlighted title and the snippet of each hit shown, computed for the page's rows only (at
 * most one query per kind of post): computing them in the ranking query would build them for every
 * match of a common word before the page is cut.
 */
function highlightHits(db: Db, match: string, rows: Array<{ type: SearchType; id: number }>) {
  const marked = new Map<string, { title: string | null; snippet: string }>()
  const queries = {
    idea: (ids: SQL) =>
      sql`select rowid as id, highlight(ideas_fts, 0, char(2), char(3)) as title, snippet(ideas_fts, 1, char(2), char(3), '…', 16) as snippet
          from ideas_fts where ideas_fts match ${match} and rowid in (${ids})`,
    question: (ids: SQL) =>
      sql`select rowid as id, highlight(questions_fts, 0, char(2), char(3)) as title, snippet(questions_fts, 1, char(2), char(3), '…', 16) as snippet
          from questions_fts where questions_fts match ${match} and rowid in (${ids})`,
    answer: (ids: SQL) =>
      sql`select rowid as id, null as title, snippet(answers_fts, 0, char(2), char(3), '…', 16) as snippet
          from answers_fts where answers_fts match ${match} and rowid in (${ids})`,
  } as const
  for (const type of ['idea', 'question', 'answer'] as const) {
    const ids = rows.filter((row) => row.type === type).map((row) => sql`${row.id}`)
    if (ids.length === 0) continue
    for (const row of db.all<{ id: number; title: string | null; snippet: string }>(queries[type](sql.join(ids, sql`, `)))) {
      marked.set(`${type}:${row.id}`, { title: row.title, snippet: row.snippet })
    }
  }
  return marked
}

/**
 * Words too common in titles to say what a post is about ("How do I …", "Add an option to …"), left
 * out of similarity searches.
 */
const TITLE_STOP_WORDS: ReadonlySet<string> = new Set(
  `a about add adding after all allow also am an and any are as at be been being but by can could did do
  does doing for from get gets got had has have having how i if in into is it its just let lets like make
  me more my need new no not of on one option or our please should so some support than that the their
  them then there these they this to too up us use want was we were what when where which who why will
  with would you your`.split(/\s+/),
)

/**
 * An FTS5 query that ORs a title's distinctive words (each quoted; common words left out), or null
 * when nothing distinctive is left. With `prefixLast`, the last word also matches as a prefix, as
 * it may be half typed.
 */
function similarityMatch(title: string, { prefixLast = false } = {}) {
  const words = [
    ...new Set(
      title
        .slice(0, 1000)
        .toLowerCase()
        .match(/[\p{L}\p{N}]+/gu) ?? [],
    ),
  ]
    .filter((word) => word.length > 1 && !TITLE_STOP_WORDS.has(word))
    .slice(0, MAX_TERMS)
  if (words.length === 0) return null
  const last = words.length - 1
  return words.map((word, i) => (prefixLast && i === last && word.length >= 3 ? prefixTerm(word) : `"${word}"`)).join(' OR ')
}

export const SIMILAR_IDEAS_LIMIT = 5

export type SimilarIdea = { id: number; title: string; status: IdeaStatus; voteCount: number }

/**
 * Existing ideas that look like the title being typed, best first, so people vote instead of
 * posting a duplicate. An OR of the title's quoted words (common words left out) finds ideas worded
 * differently; bm25 ranks those sharing the most, and the rarest, words first. The last word is
 * also a prefix, as it may be half typed. Hidden, deleted and merged ideas never appear.
 */
export function similarIdeas(db: Db, title: string, limit = SIMILAR_IDEAS_LIMIT): SimilarIdea[] {
  const match = similarityMatch(title, { prefixLast: true })
  if (!match) return []
  const bounded = Math.min(Math.max(1, Math.trunc(limit)), SIMILAR_IDEAS_LIMIT)
  return db.all<SimilarIdea>(sql`
    select i.id as id, i.title as title, i.status as status, i.vote_count as voteCount
    from ideas_fts join ideas i on i.id = ideas_fts.rowid
    where ideas_fts match ${match} and i.deleted_at is null and i.hidden_at is null and i.status != 'merged'
    order by bm25(ideas_fts, 5.0, 1.0), i.id desc
    limit ${bounded}`)
}

export type SimilarPost = { type: 'idea' | 'question'; id: number; url: string; title: string; status: string }

/**
 * Questions and ideas that look like a title being typed (to avoid duplicates): the title's words,
 * stop words left out, each quoted and OR-ed, over questions_fts and ideas_fts, best bm25 first.
 * Hidden, deleted and merged posts never appear.
 */
export function similarPosts(db: Db, { title, limit = 5 }: { title: string; limit?: number }): SimilarPost[] {
  const match = similarityMatch(title.slice(0, 500))
  if (!match) return []
  const rows = db.all<{ type: 'idea' | 'question'; id: number; title: string; status: string }>(sql`
    select type, id, title, status from (
      select 'question' as type, q.id as id, q.title as title, q.status as status, bm25(questions_fts, 5.0, 1.0) as rank
      from questions_fts join questions q on q.id = questions_fts.rowid
      where questions_fts match ${match} and q.deleted_at is null and q.hidden_at is null
      union all
      select 'idea' as type, i.id as id, i.title as title, i.status as status, bm25(ideas_fts, 5.0, 1.0) as rank
      from ideas_fts join ideas i on i.id = ideas_fts.rowid
      where ideas_fts match ${match} and i.deleted_at is null and i.hidden_at is null and i.status != 'merged'
    ) order by rank, id limit ${Math.min(Math.max(1, limit), 20)}`)
  return rows.map((row) => ({ ...row, url: row.type === 'idea' ? `/ideas/${row.id}` : `/questions/${row.id}` }))
}
