/** /answers/:answerId/edit: the author (or a member with the reputation to edit others' posts, or staff) edits an answer; the version it replaces is kept as a revision. */
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
import { getAnswerForEdit, updateAnswer } from '~/models/answers.server'
import { ANSWER_BODY_LENGTH, AnswerBody, EDIT_REASON_MAX_LENGTH, EditReason } from '~/schemas/question'

export const meta: MetaFunction = () => [{ title: 'Edit answer · Summit' }]

/** The answer, if the signed-in user may edit it (their own, or 2000 reputation, or staff). */
async function editableAnswer(request: Request, params: LoaderFunctionArgs['params']) {
  const answerId = parseId(params.answerId, 'answer')
  const user = await requireUser(request)
  const answer = orHttpError(() => getAnswerForEdit(getDb(), answerId))
  assertCan(user, 'update:answer', answer)
  return { user, answer }
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { answer } = await editableAnswer(request, params)
  return { answer: { id: answer.id, questionId: answer.questionId, questionTitle: answer.questionTitle, bodyMd: answer.bodyMd } }
}

const EditForm = z.object({ body: AnswerBody, reason: EditReason })

export async function action({ request, params }: ActionFunctionArgs) {
  const form = await readForm(request)
  const parsed = parseForm(form, EditForm)
  if (!parsed.ok) return data(parsed, { status: 400 })
  const { user, answer } = await editableAnswer(request, params)
  const { body, reason } = parsed.data
  orHttpError(() => updateAnswer(getDb(), { answerId: answer.id, editorId: user.id, bodyMd: body, reason }))
  return redirect(`/questions/${answer.questionId}#answer-${answer.id}`)
}

export default function EditAnswerPage() {
  const { answer } = useLoaderData<typeof loader>()
  const failed = useActionData<typeof action>()
  const busy = useNavigation().state === 'submitting'
  return (
    <div className="post">
      <p className="breadcrumbs">
        <Link to={`/questions/${answer.questionId}#answer-${answer.id}`}>Back to “{answer.questionTitle}”</Link>
      </p>
      <h1>Edit answer</h1>
      <Form method="post" className="form form-wide" noValidate>
        <FormErrors result={failed} />
        <TextAreaField
          name="body"
          label="Answer"
          hint={`${ANSWER_BODY_LENGTH.min}–${ANSWER_BODY_LENGTH.max.toLocaleString('en')} characters. ${MARKDOWN_HINT}`}
          rows={12}
          maxLength={ANSWER_BODY_LENGTH.max * 2}
          defaultValue={answer.bodyMd}
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
  return <GeneralErrorBoundary messages={{ 404: 'This answer does not exist, or it was removed.' }} />
}
