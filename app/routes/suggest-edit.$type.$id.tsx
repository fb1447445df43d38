/**
 * /suggest-edit/:type/:id: a member who may not edit someone else's idea, question or answer
 * proposes a new title and text; the author or a member with the edit privilege reviews it at
 * /review/edits. A member who may edit the post directly is sent to its edit page instead.
 */
import { type ActionFunctionArgs, data, type LoaderFunctionArgs, type MetaFunction, redirect } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData, useNavigation } from '@remix-run/react'
import { z } from 'zod'
import { GeneralErrorBoundary } from '~/components/error-boundary'
import { FormErrors, MARKDOWN_HINT, TextAreaField, TextField } from '~/components/forms'
import { requireUser } from '~/lib/auth.server'
import { getDb } from '~/lib/db.server'
import { DomainError } from '~/lib/errors'
import { formFailure, parseForm, readForm } from '~/lib/forms.server'
import { notFound, orHttpError } from '~/lib/http.server'
import { parseId } from '~/lib/params.server'
import { check, type Permission, PRIVILEGE_REPUTATION } from '~/lib/permissions'
import { assertCan } from '~/lib/permissions.server'
import { REPUTATION } from '~/models/reputation.server'
import {
  getPostForSuggestion,
  hasOwnPendingSuggestion,
  type SuggestableType,
  SUGGESTABLE_TYPES,
  suggestEdit,
} from '~/models/suggested-edits.server'
import { IdeaBody, IdeaTitle } from '~/schemas/idea'
import { AnswerBody, EDIT_REASON_MAX_LENGTH, EditReason, QuestionBody, QuestionTitle } from '~/schemas/question'

const EDIT_PERMISSION: Record<SuggestableType, Permission> = { idea: 'update:idea', question: 'update:question', answer: 'update:answer' }
const FORMS = {
  idea: z.object({ title: IdeaTitle, body: IdeaBody, comment: EditReason }),
  question: z.object({ title: QuestionTitle, body: QuestionBody, comment: EditReason }),
  answer: z.object({ body: AnswerBody, comment: EditReason }),
} as const

function parseTarget(params: LoaderFunctionArgs['params']) {
  const type = z.enum(SUGGESTABLE_TYPES).safeParse(params.type)
  if (!type.success) notFound('post')
  return { type: type.data, id: parseId(params.id, type.data) }
}

/** Where a member who may edit the post directly does so. */
function directEditUrl(post: { type: SuggestableType; id: number; url: string }) {
  return post.type === 'question' ? `/questions/${post.id}/edit` : post.type === 'answer' ? `/answers/${post.id}/edit` : post.url
}

/** The post, if the signed-in member may suggest an edit to it (else a redirect, 403 or 404). */
async function suggestablePost(request: Request, params: LoaderFunctionArgs['params']) {
  const target = parseTarget(params)
  const user = await requireUser(request)
  const post = orHttpError(() => getPostForSuggestion(getDb(), target))
  if (check(user, EDIT_PERMISSION[post.type], post).ok) throw redirect(directEditUrl(post))
  assertCan(user, 'suggest-edit:post', post)
  return { user, post }
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { user, post } = await suggestablePost(request, params)
  return {
    post: {
      type: post.type,
      id: post.id,
      heading: post.heading,
      url: post.url,
      title: post.title,
      bodyMd: post.bodyMd,
      hasTitle: post.title !== null,
    },
    isPending: hasOwnPendingSuggestion(getDb(), { target: post, authorId: user.id }),
    isLocked: post.isLocked,
    approvalReputation: REPUTATION.suggested_edit_approved,
  }
}

export async function action({ request, params }: ActionFunctionArgs) {
  const form = await readForm(request)
  const { user, post } = await suggestablePost(request, params)
  const parsed = parseForm(form, FORMS[post.type])
  if (!parsed.ok) return data(parsed, { status: 400 })
  const { body, comment } = parsed.data
  const title = 'title' in parsed.data ? parsed.data.title : null
  const refused = orHttpError(() => {
    try {
      suggestEdit(getDb(), { target: post, authorId: user.id, title, bodyMd: body, comment })
      return null
    } catch (error) {
      if (error instanceof DomainError && error.status === 400) return error // "change something": shown above the form
      throw error
    }
  })
  if (refused) return data(formFailure(form, refused.message), { status: 400 })
  return redirect(post.url)
}

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `Suggest an edit: ${data?.post.heading ?? 'post'} · Summit` }]

const TYPE_NAMES: Record<SuggestableType, string> = { idea: 'idea', question: 'question', answer: 'answer' }

export default function SuggestEditPage() {
  const { post, isPending, isLocked, approvalReputation } = useLoaderData<typeof loader>()
  const failed = useActionData<typeof action>()
  const busy = useNavigation().state === 'submitting'
  return (
    <div className="post">
      <p className="breadcrumbs">
        <Link to={post.url}>Back to the {TYPE_NAMES[post.type]}</Link>
      </p>
      <h1>Suggest an edit</h1>
      <p>
        {post.type === 'answer' ? 'An answer to ' : ''}
        <Link to={post.url}>{post.heading}</Link>
      </p>
      <p className="muted">
        You need {PRIVILEGE_REPUTATION.editOthers} reputation to edit others’ posts directly. Until then, suggest an edit: the author or a
        member with that privilege reviews it, and you earn +{approvalReputation} reputation when it is approved.
      </p>
      {isLocked ? (
        <p className="notice" role="note">
          This {TYPE_NAMES[post.type]} is locked; it takes no edits.
        </p>
      ) : isPending ? (
        <p className="notice" role="note">
          You already have a suggested edit waiting for review on this {TYPE_NAMES[post.type]}.
        </p>
      ) : (
        <Form method="post" className="form form-wide" noValidate>
          <FormErrors result={failed} />
          {post.hasTitle ? <TextField name="title" label="Title" maxLength={300} defaultValue={post.title ?? ''} result={failed} /> : null}
          <TextAreaField
            name="body"
            label="Text"
            hint={MARKDOWN_HINT}
            rows={12}
            maxLength={20_000}
            defaultValue={post.bodyMd}
            result={failed}
          />
          <TextField name="comment" label="What does your edit improve? (optional)" maxLength={EDIT_REASON_MAX_LENGTH} result={failed} />
          <div>
            <button type="submit" disabled={busy}>
              Send the suggestion
            </button>
          </div>
        </Form>
      )}
    </div>
  )
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary messages={{ 404: 'This post does not exist, or it was removed.' }} />
}
