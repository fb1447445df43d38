/** /tags: every tag, most used first, with how many posts carry it, and a search by prefix. */
import { type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Form, Link, useLoaderData } from '@remix-run/react'
import { z } from 'zod'
import { GeneralErrorBoundary } from '~/components/error-boundary'
import { getDb } from '~/lib/db.server'
import { listTags, TAG_LIST_LIMIT } from '~/models/tags.server'

export const meta: MetaFunction = () => [{ title: 'Tags · Summit' }]

const Query = z.object({
  q: z
    .string()
    .catch('')
    .transform((q) => q.trim().slice(0, 40)),
})

export async function loader({ request }: LoaderFunctionArgs) {
  const { q } = Query.parse(Object.fromEntries(new URL(request.url).searchParams))
  return { q, tags: listTags(getDb(), { prefix: q }), limit: TAG_LIST_LIMIT }
}

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`

export default function TagsPage() {
  const { q, tags, limit } = useLoaderData<typeof loader>()
  return (
    <>
      <header className="page-header">
        <h1>Tags</h1>
      </header>
      <Form method="get" className="filters" role="search" aria-label="Find a tag">
        <div className="field-inline grow">
          <label htmlFor="tag-q">Tags starting with</label>
          <input id="tag-q" type="search" name="q" defaultValue={q} maxLength={40} />
        </div>
        <button type="submit">Find</button>
      </Form>
      {tags.length ? (
        <>
          <ul className="tag-directory" aria-label="Tags, most used first">
            {tags.map((tag) => (
              <li key={tag.id}>
                <Link to={`/tags/${encodeURIComponent(tag.name)}`} className="tag">
                  {tag.name}
                </Link>
                <span className="muted">
                  {plural(tag.questionCount, 'question', 'questions')}, {plural(tag.ideaCount, 'idea', 'ideas')}
                </span>
                {tag.description ? <p className="post-excerpt">{tag.description}</p> : null}
              </li>
            ))}
          </ul>
          {tags.length === limit ? (
            <p className="muted">The {limit} most used tags are shown; type the start of a name to find others.</p>
          ) : null}
        </>
      ) : (
        <p className="empty" role="status">
          {q ? `No tag starts with “${q}”.` : 'No tags yet.'}
        </p>
      )}
    </>
  )
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />
}
