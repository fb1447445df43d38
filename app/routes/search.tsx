/** /search: full-text search over ideas, questions and answers, with filters. */
import { type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Form, Link, useLoaderData, useLocation } from '@remix-run/react'
import { z } from 'zod'
import { GeneralErrorBoundary } from '~/components/error-boundary'
import { Highlighted } from '~/components/highlighted'
import { type IdeaStatus, SEARCH_STATUSES, SEARCH_TYPES } from '~/domain'
import { getUser } from '~/lib/auth.server'
import { getDb } from '~/lib/db.server'
import { check } from '~/lib/permissions'
import { IDEA_STATUS_LABELS } from '~/lib/labels'
import { search } from '~/models/search.server'

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data?.q ? `“${data.q}” · Search · Summit` : 'Search · Summit' }]

// Any text is a valid query: it is cut to 500 characters and made safe before it reaches FTS5.
const Query = z.object({
  q: z
    .string()
    .catch('')
    .transform((q) => q.trim().slice(0, 500)),
  type: z.enum(SEARCH_TYPES).optional().catch(undefined),
  page: z.coerce.number().int().min(1).max(1000).catch(1),
  status: z.enum(SEARCH_STATUSES).optional().catch(undefined),
  tag: z
    .string()
    .catch('')
    .transform((tag) => tag.trim().slice(0, 100)),
})

const QUESTION_STATE_LABELS = { open: 'Open', closed: 'Closed', answered: 'Answered' } as const

export async function loader({ request }: LoaderFunctionArgs) {
  const query = Query.parse(Object.fromEntries(new URL(request.url).searchParams))
  // Moderators also find hidden posts (marked), to review or restore them; nobody finds deleted ones.
  const includeHidden = check(await getUser(request), 'moderate:post').ok
  const filters = { type: query.type, page: query.page, status: query.status, tag: query.tag || null, includeHidden }
  const result = query.q ? search(getDb(), { q: query.q, ...filters }) : { hits: [], hasMore: false, page: 1 }
  const statusOptions = SEARCH_STATUSES.map((value) => {
    const [kind, state] = value.split(':') as ['idea' | 'question', string]
    const label =
      kind === 'idea' ? IDEA_STATUS_LABELS[state as IdeaStatus] : QUESTION_STATE_LABELS[state as keyof typeof QUESTION_STATE_LABELS]
    return { value, kind, label }
  })
  return { q: query.q, type: query.type ?? '', status: query.status ?? '', tag: query.tag, statusOptions, ...result }
}

const TYPE_LABELS = { idea: 'Idea', question: 'Question', answer: 'Answer' } as const

export default function SearchPage() {
  const { q, type, status, tag, statusOptions, hits, hasMore, page } = useLoaderData<typeof loader>()
  const location = useLocation()
  const pageLink = (n: number) => {
    const params = new URLSearchParams(location.search)
    params.set('page', String(n))
    return `/search?${params}`
  }
  return (
    <>
      <header className="page-header">
        <h1>Search</h1>
      </header>
      <Form method="get" className="filters search-form" role="search" aria-label="Search the community">
        <div className="field-inline grow">
          <label htmlFor="search-q">Search for</label>
          <input id="search-q" type="search" name="q" defaultValue={q} maxLength={500} />
        </div>
        <div className="field-inline">
          <label htmlFor="search-type">In</label>
          <select id="search-type" name="type" defaultValue={type}>
            <option value="">Everything</option>
            <option value="idea">Ideas</option>
            <option value="question">Questions</option>
            <option value="answer">Answers</option>
          </select>
        </div>
        <div className="field-inline">
          <label htmlFor="search-status">Status</label>
          <select id="search-status" name="status" defaultValue={status}>
            <option value="">Any status</option>
            <optgroup label="Ideas">
              {statusOptions
                .filter((o) => o.kind === 'idea')
                .map((o) => (
                  <option key={o.value} value={o.value}>
                    {o.label}
                  </option>
                ))}
            </optgroup>
            <optgroup label="Questions">
              {statusOptions
                .filter((o) => o.kind === 'question')
                .map((o) => (
                  <option key={o.value} value={o.value}>
                    {o.label}
                  </option>
                ))}
            </optgroup>
          </select>
        </div>
        <div className="field-inline">
          <label htmlFor="search-tag">Tag</label>
          <input id="search-tag" type="text" name="tag" defaultValue={tag} maxLength={100} className="search-tag-input" />
        </div>
        <button type="submit">Search</button>
      </Form>
      {q ? (
        hits.length ? (
          <>
            <p className="muted" role="status">
              Results for “{q}”{page > 1 ? `, page ${page}` : ''}
            </p>
            <ol className="post-list search-results">
              {hits.map((hit) => (
                <li key={`${hit.type}-${hit.id}`} className="search-hit">
                  <p className="post-meta">
                    <span className="badge status-open">{TYPE_LABELS[hit.type]}</span>
                    {hit.hidden ? <span className="badge status-declined">Hidden</span> : null}
                    <span>
                      {hit.votes} {Math.abs(hit.votes) === 1 ? 'vote' : 'votes'}
                    </span>
                  </p>
                  <h2>
                    <Link to={hit.url}>
                      <Highlighted text={hit.title} />
                    </Link>
                  </h2>
                  <p className="post-excerpt">
                    <Highlighted text={hit.snippet} />
                  </p>
                </li>
              ))}
            </ol>
            <nav className="pager" aria-label="Search result pages">
              {page > 1 ? <Link to={pageLink(page - 1)}>Previous page</Link> : null}
              {hasMore ? (
                <Link to={pageLink(page + 1)} rel="next">
                  Next page
                </Link>
              ) : null}
            </nav>
          </>
        ) : (
          <p className="empty" role="status">
            Nothing matches “{q}”. Try fewer or different words.
          </p>
        )
      ) : (
        <p className="muted">Search ideas, questions and answers by any words they contain.</p>
      )}
    </>
  )
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />
}
