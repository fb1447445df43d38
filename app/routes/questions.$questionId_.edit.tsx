/** /questions/:questionId/edit: the author (or a member with the reputation to edit others' posts, or staff) edits a question; the version it replaces is kept as a revision. */
import { type ActionFunctionArgs, data, type LoaderFunctionArgs, type MetaFunction, redirect } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData, useNavigation } from '@remix-run/react'
import { z } from 'zod'
import { GeneralErrorBoundary } from '~/components/error-boundary'
import { FormErrors, TextField } from '~/components/forms'
import { MARKDOWN_HINT, TextAreaField } from '~/components/forms'
import { requireUser } from '~/lib/auth.server'
import { getDb } from '~/lib/db.server'
import { parseForm, readForm } from '~/lib/forms.server'
import { orHttpError } from '~/lib/http.server'
import { parseId } from '~/lib/params.server'
import { assertCan } from '~/lib/permissions.server'
import { getQuestionForEdit, updateQuestion } from '~/models/questions.server'
import {
  EDIT_REASON_MAX_LENGTH,
  EditReason,
  QUESTION_BODY_LENGTH,
  QUESTION_TITLE_LENGTH,
  QuestionBody,
  QuestionTitle,
} from '~/schemas/question'

export const meta: MetaFunction = () => [{ title: 'Edit question · Summit' }]

/** The question, if the signed-in user may edit it (their own, or 2000 reputation, or staff). */
async function editableQuestion(request: Request, params: LoaderFunctionArgs['params']) {
  const questionId = parseId(params.questionId, 'question')
  const user = await requireUser(request)
  const question = orHttpError(() => getQuestionForEdit(getDb(), questionId))
  assertCan(user, 'update:question', question)
  return { user, question }
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { question } = await editableQuestion(request, params)
  return { question: { id: question.id, title: question.title, bodyMd: question.bodyMd } }
}

const EditForm = z.object({ title: QuestionTitle, body: QuestionBody, reason: EditReason })

export async function action({ request, params }: ActionFunctionArgs) {
  const form = await readForm(request)
  const parsed = parseForm(form, EditForm)
  if (!parsed.ok) return data(parsed, { status: 400 })
  const { user, question } = await editableQuestion(request, params)
  const { title, body, reason } = parsed.data
  orHttpError(() => updateQuestion(getDb(), { questionId: question.id, editorId: user.id, title, bodyMd: body, reason }))
  return redirect(`/questions/${question.id}`)
}

export default function EditQuestionPage() {
  const { question } = useLoaderData<typeof loader>()
  const failed = useActionData<typeof action>()
  const busy = useNavigation().state === 'submitting'
  return (
    <div className="post">
      <p className="breadcrumbs">
        <Link to={`/questions/${question.id}`}>Back to the question</Link>
      </p>
      <h1>Edit question</h1>
      <Form method="post" className="form form-wide" noValidate>
        <FormErrors result={failed} />
        <TextField
          name="title"
          label="Title"
          hint={`${QUESTION_TITLE_LENGTH.min}–${QUESTION_TITLE_LENGTH.max} characters.`}
          maxLength={QUESTION_TITLE_LENGTH.max * 2}
          defaultValue={question.title}
          result={failed}
        />
        <TextAreaField
          name="body"
          label="Question"
          hint={`${QUESTION_BODY_LENGTH.min}–${QUESTION_BODY_LENGTH.max.toLocaleString('en')} characters. ${MARKDOWN_HINT}`}
          rows={12}
          maxLength={QUESTION_BODY_LENGTH.max * 2}
          defaultValue={question.bodyMd}
          result={failed}
        />
        <TextField name="reason" label="What did you change? (optional)" maxLength={EDIT_REASON_MAX_LENGTH} result={failed} />
        <div>
          <button type="submit" disabled={busy}>
            Save edits
          </button>
        </div>
      </Form>
    </div>
  )
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary messages={{ 404: 'This question does not exist, or it was removed.' }} />
}
