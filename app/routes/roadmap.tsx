/** /roadmap: the public roadmap, ideas under review, planned, in progress and recently shipped. */
import { type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Form, Link, useLoaderData } from '@remix-run/react'
import { z } from 'zod'
import { CategorySelect } from '~/components/category-select'
import { GeneralErrorBoundary } from '~/components/error-boundary'
import { getDb } from '~/lib/db.server'
import { IDEA_STATUS_LABELS } from '~/lib/labels'
import { findCategoryBySlug, listCategories } from '~/models/categories.server'
import { getRoadmap, ROADMAP_SHIPPED_DAYS } from '~/models/roadmap.server'

export const meta: MetaFunction = () => [{ title: 'Roadmap · Summit' }]

const Query = z.object({ category: z.string().max(60).optional().catch(undefined) })

export async function loader({ request }: LoaderFunctionArgs) {
  const query = Query.parse(Object.fromEntries(new URL(request.url).searchParams))
  const db = getDb()
  const category = query.category ? findCategoryBySlug(db, query.category) : null
  return {
    columns: getRoadmap(db, { categoryId: category?.id }),
    categories: listCategories(db),
    category: category?.slug ?? '',
    shippedDays: ROADMAP_SHIPPED_DAYS,
  }
}

const columnHint = (status: 'under_review' | 'planned' | 'in_progress' | 'shipped', shippedDays: number) =>
  ({
    under_review: 'The team is looking into these.',
    planned: 'Decided: these will be built.',
    in_progress: 'Being built right now.',
    shipped: `Delivered in the last ${shippedDays} days.`,
  })[status]

export default function RoadmapPage() {
  const { columns, categories, category, shippedDays } = useLoaderData<typeof loader>()
  return (
    <>
      <header className="page-header">
        <h1>Roadmap</h1>
        <Form method="get" className="filters" aria-label="Filter the roadmap">
          <CategorySelect id="roadmap-category" categories={categories} selected={category} />
          <button type="submit" className="button-secondary">
            Filter
          </button>
        </Form>
      </header>
      <p className="muted">Every idea the team has taken on stays here until it ships. Vote on ideas to move them up.</p>
      <div className="roadmap">
        {columns.map((column) => (
          <section key={column.status} className={`roadmap-column column-${column.status}`} aria-labelledby={`column-${column.status}`}>
            <h2 id={`column-${column.status}`}>
              {IDEA_STATUS_LABELS[column.status]} <span className="muted">({column.cards.length})</span>
            </h2>
            <p className="field-hint">{columnHint(column.status, shippedDays)}</p>
            {column.cards.length ? (
              <ol>
                {column.cards.map((card) => (
                  <li key={card.id} className="roadmap-card">
                    <h3>
                      <Link to={`/ideas/${card.id}`}>{card.title}</Link>
                    </h3>
                    <p className="post-meta">
                      <span>
                        {card.voteCount} {card.voteCount === 1 ? 'vote' : 'votes'}
                      </span>
                      {card.category ? <span>{card.category}</span> : null}
                    </p>
                    {card.latestNote ? <p className="roadmap-note">{card.latestNote}</p> : null}
                  </li>
                ))}
              </ol>
            ) : (
              <p className="muted">Nothing here right now.</p>
            )}
          </section>
        ))}
      </div>
    </>
  )
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />
}
