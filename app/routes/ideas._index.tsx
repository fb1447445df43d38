import { type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Form, useLoaderData } from '@remix-run/react'
import { z } from 'zod'
import { IDEA_STATUSES } from '#db/schema'
import { CategorySelect } from '~/components/category-select'
import { GeneralErrorBoundary } from '~/components/error-boundary'
import { Pager, TabLinks } from '~/components/pager'
import { IdeaRow } from '~/components/post-rows'
import { getDb } from '~/lib/db.server'
import { IDEA_STATUS_LABELS } from '~/lib/labels'
import { decodeCursor } from '~/lib/pagination.server'
import { findCategoryBySlug, IDEA_SORTS, listCategories, listIdeas } from '~/models/ideas.server'

export const meta: MetaFunction = () => [{ title: 'Ideas · Summit' }]

const LISTED_STATUSES = IDEA_STATUSES.filter((s) => s !== 'merged')

// A GET list never fails on its query string: unknown values fall back to the defaults.
const Query = z.object({
  sort: z.enum(IDEA_SORTS).catch('top'),
  category: z.string().max(60).optional().catch(undefined),
  status: z.enum(LISTED_STATUSES).optional().catch(undefined),
  cursor: z.string().max(100).optional().catch(undefined),
})

export async function loader({ request }: LoaderFunctionArgs) {
  const url = new URL(request.url)
  const query = Query.parse(Object.fromEntries(url.searchParams))
  const db = getDb()
  const category = query.category ? findCategoryBySlug(db, query.category) : null
  const page = listIdeas(db, { sort: query.sort, categoryId: category?.id, status: query.status, cursor: decodeCursor(query.cursor) })
  return {
    ...page,
    sort: query.sort,
    status: query.status ?? '',
    category: category?.slug ?? '',
    categories: listCategories(db),
  }
}

const SORT_OPTIONS = [
  ['top', 'Top'],
  ['new', 'New'],
  ['active', 'Recently active'],
] as const

export default function IdeasPage() {
  const { items, nextCursor, sort, status, category, categories } = useLoaderData<typeof loader>()
  return (
    <>
      <header className="page-header">
        <h1>Ideas</h1>
        <a href="/ideas/new" className="button">
          Post an idea
        </a>
      </header>
      <div className="list-controls">
        <TabLinks name="sort" current={sort} options={SORT_OPTIONS} label="Sort ideas" />
        <Form method="get" className="filters" aria-label="Filter ideas">
          <input type="hidden" name="sort" value={sort} />
          <CategorySelect id="filter-category" categories={categories} selected={category} />
          <div className="field-inline">
            <label htmlFor="filter-status">Status</label>
            <select id="filter-status" name="status" defaultValue={status}>
              <option value="">Any status</option>
              {LISTED_STATUSES.map((s) => (
                <option key={s} value={s}>
                  {IDEA_STATUS_LABELS[s]}
                </option>
              ))}
            </select>
          </div>
          <button type="submit" className="button-secondary">
            Filter
          </button>
        </Form>
      </div>
      {items.length ? (
        <ol className="post-list" aria-label="Ideas">
          {items.map((idea) => (
            <IdeaRow key={idea.id} idea={idea} headingLevel={2} />
          ))}
        </ol>
      ) : (
        <p className="empty">No ideas match these filters.</p>
      )}
      <Pager nextCursor={nextCursor} label="Ideas" />
    </>
  )
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />
}
