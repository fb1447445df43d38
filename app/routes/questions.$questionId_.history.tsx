/**
 * Earlier versions of a question and its answers. Old sources are shown as preformatted Markdown
 * text, never rendered: only the current version went through the sanitizer on write.
 */
import { type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Link, useLoaderData } from '@remix-run/react'
import { GeneralErrorBoundary } from '~/components/error-boundary'
import { DateTime } from '~/components/post-rows'
import { getDb } from '~/lib/db.server'
import { orHttpError } from '~/lib/http.server'
import { parseId } from '~/lib/params.server'
import { getQuestionHistory } from '~/models/question-history.server'

export async function loader({ params }: LoaderFunctionArgs) {
  const questionId = parseId(params.questionId, 'question')
  return orHttpError(() => getQuestionHistory(getDb(), questionId))
}

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: data ? `History of “${data.question.title}” · Summit` : 'Question not found · Summit' },
]

type Revision = { id: number; title: string | null; bodyMd: string; reason: string; createdAt: string | Date; editorName: string }

function Versions({
  current,
  revisions,
  label,
}: {
  current: { title?: string; bodyMd: string; updatedAt: string | Date }
  revisions: Revision[]
  label: string
}) {
  return (
    <ol className="revisions" aria-label={label}>
      <li>
        <h3>
          Current version{' '}
          <span className="muted">
            (<DateTime value={current.updatedAt} />)
          </span>
        </h3>
        {current.title ? <p className="revision-title">{current.title}</p> : null}
        <pre className="revision-source">{current.bodyMd}</pre>
      </li>
      {revisions.map((revision) => (
        <li key={revision.id}>
          <h3>
            Before the edit by {revision.editorName} on <DateTime value={revision.createdAt} />
          </h3>
          {revision.reason ? <p className="muted">Reason: {revision.reason}</p> : null}
          {revision.title ? <p className="revision-title">{revision.title}</p> : null}
          <pre className="revision-source">{revision.bodyMd}</pre>
        </li>
      ))}
    </ol>
  )
}

export default function QuestionHistoryPage() {
  const { question, answers } = useLoaderData<typeof loader>()
  return (
    <div className="post">
      <p className="breadcrumbs">
        <Link to={`/questions/${question.id}`}>Back to the question</Link>
      </p>
      <h1>Edit history</h1>
      <section aria-labelledby="question-history-title">
        <h2 id="question-history-title">The question</h2>
        {question.revisions.length ? (
          <Versions current={question} revisions={question.revisions} label="Versions of the question" />
        ) : (
          <p className="muted">The question was never edited.</p>
        )}
      </section>
      {answers.map((answer) => (
        <section key={answer.id} id={`answer-${answer.id}`} aria-labelledby={`answer-${answer.id}-history-title`}>
          <h2 id={`answer-${answer.id}-history-title`}>The answer by {answer.authorName}</h2>
          <Versions current={answer} revisions={answer.revisions} label={`Versions of the answer by ${answer.authorName}`} />
        </section>
      ))}
    </div>
  )
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary messages={{ 404: 'This question does not exist, or it was removed.' }} />
}
