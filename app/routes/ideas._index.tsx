import { type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Form, Link, useLoaderData, useLocation } from '@remix-run/react'
import { z } from 'zod'
import { CategorySelect } from '~/components/category-select'
import { GeneralErrorBoundary } from '~/components/error-boundary'
import { Pager, TabLinks } from '~/components/pager'
import { IdeaRow } from '~/components/post-rows'
import { VoteButton } from '~/components/vote-button'
import { IDEA_SORTS } from '~/domain'
import { getUser } from '~/lib/auth.server'
import { getDb } from '~/lib/db.server'
import { IDEA_STATUS_LABELS, LISTED_IDEA_STATUSES } from '~/lib/labels'
import { decodeCursor } from '~/lib/pagination.server'
import { check } from '~/lib/permissions'
import { findCategoryBySlug, listCategories } from '~/models/categories.server'
import { IDEA_OWNER_FILTERS, listIdeas } from '~/models/idea-lists.server'
import { findTagByName, listIdeaTags } from '~/models/tags.server'
import { getVoteBudgetState, ideaVoteState, voteBudgetSentence } from '~/models/votes.server'

export const meta: MetaFunction = () => [{ title: 'Ideas · Summit' }]

const LISTED_STATUSES = LISTED_IDEA_STATUSES

// A GET list never fails on its query string: unknown values fall back to the defaults.
const Query = z.object({
  sort: z.enum(IDEA_SORTS).catch('top'),
  category: z.string().max(60).optional().catch(undefined),
  status: z.enum(LISTED_STATUSES).optional().catch(undefined),
  tag: z.string().max(60).optional().catch(undefined),
  mine: z.enum(IDEA_OWNER_FILTERS).optional().catch(undefined),
  cursor: z.string().max(100).optional().catch(undefined),
})

export async function loader({ request }: LoaderFunctionArgs) {
  const url = new URL(request.url)
  const query = Query.parse(Object.fromEntries(url.searchParams))
  const viewer = await getUser(request)
  const db = getDb()
  const category = query.category ? findCategoryBySlug(db, query.category) : null
  const tag = query.tag ? findTagByName(db, query.tag) : null
  const mine = viewer ? (query.mine ?? null) : null // "mine" means nothing to a visitor
  const page = listIdeas(db, {
    sort: query.sort,
    categoryId: category?.id,
    status: query.status,
    tagId: tag?.id,
    mine,
    viewerId: viewer?.id,
    cursor: decodeCursor(query.cursor),
  })
  const budget = viewer ? getVoteBudgetState(db, viewer.id) : null
  return {
    // authorId and lockedAt stay on the server: the page needs only what they decide.
    items: page.items.map(({ authorId, lockedAt, ...idea }) => ({
      ...idea,
      isLocked: lockedAt != null,
      voteBlock: ideaVoteState(viewer, { authorId, status: idea.status, lockedAt, viewerVoted: idea.viewerVoted }, budget).block,
    })),
    nextCursor: page.nextCursor,
    sort: query.sort,
    status: query.status ?? '',
    category: category?.slug ?? '',
    tag: tag?.name ?? '',
    mine: mine ?? '',
    categories: listCategories(db),
    tags: listIdeaTags(db),
    isLoggedIn: viewer != null,
    vote: check(viewer, 'vote:idea'),
    budget: budget ? voteBudgetSentence(budget) : null,
  }
}

const SORT_OPTIONS = [
  ['top', 'Top'],
  ['trending', 'Trending'],
  ['new', 'New'],
  ['active', 'Recently active'],
] as const

// Spelled out here: the component cannot import the .server constants (the build refuses them).
const MINE_OPTIONS = [
  ['voted', 'Ideas I voted on'],
  ['posted', 'My ideas'],
] as const

export default function IdeasPage() {
  const { items, nextCursor, sort, status, category, tag, mine, categories, tags, isLoggedIn, vote, budget } =
    useLoaderData<typeof loader>()
  const location = useLocation()
  const loginFirst = !vote.ok && vote.status === 401
  const refusal = !vote.ok && vote.status === 403 ? vote.reason : null
  return (
    <>
      <header className="page-header">
        <h1>Ideas</h1>
        <Link to="/ideas/new" className="button">
          Post an idea
        </Link>
        {budget ? (
          <p id="vote-budget" className="vote-budget" role="status">
            {budget}
          </p>
        ) : null}
      </header>
      {refusal ? (
        <p id="vote-refusal" className="notice notice-warning">
          {refusal}
        </p>
      ) : null}
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
          <div className="field-inline">
            <label htmlFor="filter-tag">Tag</label>
            <select id="filter-tag" name="tag" defaultValue={tag}>
              <option value="">Any tag</option>
              {tags.map((t) => (
                <option key={t.id} value={t.name}>
                  {t.name}
                </option>
              ))}
            </select>
          </div>
          {isLoggedIn ? (
            <div className="field-inline">
              <label htmlFor="filter-mine">Show</label>
              <select id="filter-mine" name="mine" defaultValue={mine}>
                <option value="">All ideas</option>
                {MINE_OPTIONS.map(([value, label]) => (
                  <option key={value} value={value}>
                    {label}
                  </option>
                ))}
              </select>
            </div>
          ) : null}
          <button type="submit" className="button-secondary">
            Filter
          </button>
        </Form>
      </div>
      {sort === 'trending' ? (
        <p className="muted list-note">Ideas with the most votes in the last 7 days; recent votes count more.</p>
      ) : null}
      {items.length ? (
        <ol className="post-list" aria-label="Ideas">
          {items.map((idea) => {
            const reason = refusal ?? idea.voteBlock
            return (
              <IdeaRow
                key={idea.id}
                id={`idea-${idea.id}`}
                idea={idea}
                headingLevel={2}
                vote={
                  <VoteButton
                    ideaId={idea.id}
                    voted={idea.viewerVoted}
                    voteCount={idea.voteCount}
                    reason={reason}
                    loginFirst={loginFirst && !idea.isLocked}
                    // A spent budget or a suspension is explained once, above the list; a lock, in the row.
                    reasonId={refusal ? 'vote-refusal' : idea.voteBlock && !idea.isLocked ? 'vote-budget' : undefined}
                    redirectTo={`${location.pathname}${location.search}#idea-${idea.id}`}
                  />
                }
              />
            )
          })}
        </ol>
      ) : (
        <p className="empty">
          {sort === 'trending' ? 'No idea matching these filters got a vote in the last 7 days.' : 'No ideas match these filters.'}
        </p>
      )}
      <Pager nextCursor={nextCursor} label="Ideas" />
    </>
  )
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />
}
