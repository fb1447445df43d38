/** /tags/:name: the questions and ideas with one tag. */
import { type LoaderFunctionArgs, type MetaFunction, redirect } from '@remix-run/node'
import { Link, useLoaderData } from '@remix-run/react'
import { z } from 'zod'
import { GeneralErrorBoundary } from '~/components/error-boundary'
import { Pager, TabLinks } from '~/components/pager'
import { IdeaRow, QuestionRow } from '~/components/post-rows'
import { getDb } from '~/lib/db.server'
import { notFound } from '~/lib/http.server'
import { decodeCursor } from '~/lib/pagination.server'
import { findTagByName, listTaggedIdeas, listTaggedQuestions } from '~/models/tags.server'

const Query = z.object({
  show: z.enum(['questions', 'ideas']).catch('questions'),
  cursor: z.string().max(100).optional().catch(undefined),
})

export async function loader({ request, params }: LoaderFunctionArgs) {
  const db = getDb()
  const name = (params.name ?? '').slice(0, 100)
  const tag = findTagByName(db, name)
  if (!tag) notFound('tag')
  if (tag.name !== name) throw redirect(`/tags/${encodeURIComponent(tag.name)}`) // one address per tag
  const query = Query.parse(Object.fromEntries(new URL(request.url).searchParams))
  const cursor = decodeCursor(query.cursor)
  return query.show === 'ideas'
    ? { tag, show: 'ideas' as const, ideas: listTaggedIdeas(db, { tagId: tag.id, cursor }), questions: null }
    : { tag, show: 'questions' as const, questions: listTaggedQuestions(db, { tagId: tag.id, cursor }), ideas: null }
}

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: data ? `Tagged “${data.tag.name}” · Summit` : 'Tag not found · Summit' },
]

export default function TagPage() {
  const { tag, show, questions, ideas } = useLoaderData<typeof loader>()
  const options = [
    ['questions', `Questions (${tag.questionCount})`],
    ['ideas', `Ideas (${tag.ideaCount})`],
  ] as const
  return (
    <>
      <p className="breadcrumbs">
        <Link to="/tags">Tags</Link>
      </p>
      <header className="page-header">
        <h1>
          Tagged <span className="tag">{tag.name}</span>
        </h1>
      </header>
      {tag.description ? <p>{tag.description}</p> : null}
      <div className="list-controls">
        <TabLinks name="show" current={show} options={options} label="Posts with this tag" />
      </div>
      {questions ? (
        questions.items.length ? (
          <ol className="post-list" aria-label="Questions">
            {questions.items.map((question) => (
              <QuestionRow key={question.id} question={question} headingLevel={2} />
            ))}
          </ol>
        ) : (
          <p className="empty">No questions with this tag.</p>
        )
      ) : null}
      {ideas ? (
        ideas.items.length ? (
          <ol className="post-list" aria-label="Ideas">
            {ideas.items.map((idea) => (
              <IdeaRow key={idea.id} idea={idea} headingLevel={2} />
            ))}
          </ol>
        ) : (
          <p className="empty">No ideas with this tag.</p>
        )
      ) : null}
      <Pager nextCursor={(questions ?? ideas)?.nextCursor ?? null} label={show === 'ideas' ? 'Ideas' : 'Questions'} />
    </>
  )
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary messages={{ 404: 'There is no tag with this name.' }} />
}
