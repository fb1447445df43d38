/** /questions: the support questions, by tab (newest, active, unanswered), with keyset pages. */
import { type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Link, useLoaderData } from '@remix-run/react'
import { z } from 'zod'
import { GeneralErrorBoundary } from '~/components/error-boundary'
import { Pager, TabLinks } from '~/components/pager'
import { QuestionRow } from '~/components/post-rows'
import { QUESTION_TABS } from '~/domain'
import { getDb } from '~/lib/db.server'
import { decodeCursor } from '~/lib/pagination.server'
import { listQuestions } from '~/models/questions.server'
import { findTagByName } from '~/models/tags.server'

export const meta: MetaFunction = () => [{ title: 'Questions · Summit' }]

const Query = z.object({
  tab: z.enum(QUESTION_TABS).catch('newest'),
  cursor: z.string().max(100).optional().catch(undefined),
  tag: z.string().max(100).optional().catch(undefined),
})

export async function loader({ request }: LoaderFunctionArgs) {
  const query = Query.parse(Object.fromEntries(new URL(request.url).searchParams))
  const db = getDb()
  // An unknown tag lists nothing (it does not fall back to every question).
  const found = query.tag ? findTagByName(db, query.tag) : null
  const page =
    query.tag && !found
      ? { items: [], nextCursor: null }
      : listQuestions(db, { tab: query.tab, tagId: found?.id ?? null, cursor: decodeCursor(query.cursor) })
  return { ...page, tab: query.tab, tag: query.tag ? { name: found?.name ?? query.tag, exists: found != null } : null }
}

const TAB_OPTIONS = [
  ['newest', 'Newest'],
  ['active', 'Active'],
  ['unanswered', 'Unanswered'],
] as const

export default function QuestionsPage() {
  const { items, nextCursor, tab, tag } = useLoaderData<typeof loader>()
  return (
    <>
      <header className="page-header">
        <h1>Questions</h1>
        <Link to="/questions/ask" className="button">
          Ask a question
        </Link>
      </header>
      <div className="list-controls">
        <TabLinks name="tab" current={tab} options={TAB_OPTIONS} label="Question lists" />
      </div>
      {tag ? (
        <p className="filter-note">
          {tag.exists ? (
            <>
              Tagged <Link to={`/tags/${encodeURIComponent(tag.name)}`}>{tag.name}</Link>
            </>
          ) : (
            <>No tag is named “{tag.name}”</>
          )}{' '}
          · <Link to="/questions">All questions</Link>
        </p>
      ) : null}
      {items.length ? (
        <ol className="post-list" aria-label="Questions">
          {items.map((question) => (
            <QuestionRow key={question.id} question={question} headingLevel={2} />
          ))}
        </ol>
      ) : (
        <p className="empty">{tab === 'unanswered' ? 'Every question has an answer. Nice work, everyone.' : 'No questions yet.'}</p>
      )}
      <Pager nextCursor={nextCursor} label="Questions" />
    </>
  )
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />
}
