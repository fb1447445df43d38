/** /questions/ask: a member asks a question (with similar posts shown while they type). */
import { type ActionFunctionArgs, data, type LoaderFunctionArgs, type MetaFunction, redirect } from '@remix-run/node'
import { Form, Link, useActionData, useFetcher, useLoaderData, useNavigation } from '@remix-run/react'
import { useEffect, useRef, useState } from 'react'
import { z } from 'zod'
import { GeneralErrorBoundary } from '~/components/error-boundary'
import { FormErrors, TextField } from '~/components/forms'
import { MARKDOWN_HINT, TextAreaField } from '~/components/forms'
import { getDb } from '~/lib/db.server'
import { fieldFailure, keepFormOnRateLimit, parseForm, readForm } from '~/lib/forms.server'
import { limitPosting } from '~/lib/rate-limit.server'
import { RateLimitedError } from '~/lib/errors'
import { orHttpError, retryAfterHeaders } from '~/lib/http.server'
import { check } from '~/lib/permissions'
import { requirePermission } from '~/lib/permissions.server'
import { askQuestion, previewQuestion, UnknownTagsError } from '~/models/questions.server'
import { type SimilarPost } from '~/models/search.server'
import { listTags, MAX_TAGS_PER_POST, parseTagNames } from '~/models/tags.server'
import { QUESTION_BODY_LENGTH, QUESTION_TITLE_LENGTH, QuestionBody, QuestionTitle } from '~/schemas/question'

/** A 429 or 503 keeps its Retry-After. */
export const headers = retryAfterHeaders

export const meta: MetaFunction = () => [{ title: 'Ask a question · Summit' }]

const POPULAR_TAGS_SHOWN = 12

export async function loader({ request }: LoaderFunctionArgs) {
  await requirePermission(request, 'create:question') // logged out: to the login page and back
  return { popularTags: listTags(getDb(), { limit: POPULAR_TAGS_SHOWN }).map((t) => t.name), maxTags: MAX_TAGS_PER_POST }
}

const Intent = z.discriminatedUnion('intent', [
  z.object({
    intent: z.literal('post'),
    title: QuestionTitle,
    body: QuestionBody,
    tags: z
      .string()
      .max(1000, 'Use at most 5 tags.')
      .optional()
      .default('')
      .transform(parseTagNames)
      .refine((names) => names.length >= 1, 'Add at least one tag.')
      .refine((names) => names.length <= MAX_TAGS_PER_POST, `Use at most ${MAX_TAGS_PER_POST} tags.`),
  }),
  // A preview shows whatever was typed so far; nothing is validated or saved.
  z.object({
    intent: z.literal('preview'),
    title: z.string().optional().default(''),
    body: z.string().optional().default(''),
  }),
])

export async function action({ request, context }: ActionFunctionArgs) {
  const form = await readForm(request)
  const parsed = parseForm(form, Intent)
  if (!parsed.ok) return data(parsed, { status: 400 })
  const user = await requirePermission(request, 'create:question')
  const db = getDb()
  if (parsed.data.intent === 'preview') {
    const { title, body } = parsed.data
    const fields = { title, body, tags: String(form.get('tags') ?? '') }
    return { ok: true as const, fields, preview: previewQuestion(db, { title, bodyMd: body }) }
  }
  const { title, body, tags } = parsed.data
  const createTag = check(user, 'create:tag')
  return keepFormOnRateLimit(form, async () => {
    try {
      const asked = limitPosting(db, { kind: 'question', member: user, ip: context.clientIp }, () =>
        askQuestion(db, { authorId: user.id, title, bodyMd: body, tagNames: tags, mayCreateTags: createTag.ok }),
      )
      return redirect(`/questions/${asked.id}`)
    } catch (error) {
      if (error instanceof UnknownTagsError) {
        const rule = createTag.ok ? '' : ` ${createTag.reason} Use existing tags, or ask without the new ones.`
        return data(fieldFailure(form, 'tags', `${error.message}${rule}`), { status: 400 })
      }
      if (error instanceof RateLimitedError) throw error // keepFormOnRateLimit answers 429 with the form kept
      return orHttpError(() => {
        throw error
      })
    }
  })
}

type SimilarResult = { results: SimilarPost[] }

/** Posts like the title being typed, fetched (debounced) as the asker types; announced politely. */
function useSimilarPosts(initial: SimilarPost[]) {
  const fetcher = useFetcher<SimilarResult>()
  const [title, setTitle] = useState<string | null>(null)
  const load = useRef(fetcher.load)
  load.current = fetcher.load
  useEffect(() => {
    if (title == null || title.trim().length < 4) return
    const timer = setTimeout(() => load.current(`/resources/similar-questions?${new URLSearchParams({ title })}`), 350)
    return () => clearTimeout(timer)
  }, [title])
  const results = title != null && title.trim().length < 4 ? [] : (fetcher.data?.results ?? initial)
  return { results, onTitleChange: (value: string) => setTitle(value) }
}

export default function AskPage() {
  const { popularTags, maxTags } = useLoaderData<typeof loader>()
  const result = useActionData<typeof action>()
  const navigation = useNavigation()
  const busy = navigation.state === 'submitting' ? navigation.formData?.get('intent') : null
  const failed = result && !result.ok ? result : null
  const preview = result?.ok ? result.preview : null
  const kept = result?.fields
  const { results: similar, onTitleChange } = useSimilarPosts(preview?.similar ?? [])
  return (
    <div className="post ask-page">
      <p className="breadcrumbs">
        <Link to="/questions">Questions</Link>
      </p>
      <h1>Ask a question</h1>
      <p className="muted">Other customers and the team answer here. A clear title and the steps you tried get the fastest help.</p>
      <Form method="post" className="form form-wide" noValidate>
        <FormErrors result={failed} />
        <TextField
          name="title"
          label="Title"
          hint={`${QUESTION_TITLE_LENGTH.min}–${QUESTION_TITLE_LENGTH.max} characters: the question in one line.`}
          maxLength={QUESTION_TITLE_LENGTH.max * 2}
          defaultValue={kept?.title}
          result={failed}
          onChange={(event) => onTitleChange(event.currentTarget.value)}
        />
        <div className="similar-posts" aria-live="polite">
          {similar.length ? (
            <>
              <p className="field-hint">Already asked or suggested? These look similar:</p>
              <ul aria-label="Similar questions and ideas">
                {similar.map((post) => (
                  <li key={`${post.type}-${post.id}`}>
                    <span className="badge status-open">{post.type === 'idea' ? 'Idea' : 'Question'}</span>{' '}
                    <Link to={post.url} target="_blank" rel="noopener">
                      {post.title}
                    </Link>
                  </li>
                ))}
              </ul>
            </>
          ) : null}
        </div>
        <TextAreaField
          name="body"
          label="Your question"
          hint={`${QUESTION_BODY_LENGTH.min}–${QUESTION_BODY_LENGTH.max.toLocaleString('en')} characters: what you want to do, what you tried, what happened. ${MARKDOWN_HINT}`}
          rows={12}
          maxLength={QUESTION_BODY_LENGTH.max * 2}
          defaultValue={kept?.body}
          result={failed}
        />
        <TextField
          name="tags"
          label="Tags"
          hint={`1 to ${maxTags} tags, separated by spaces or commas.${popularTags.length ? ` Popular: ${popularTags.join(', ')}.` : ''}`}
          maxLength={300}
          autoComplete="off"
          defaultValue={kept?.tags}
          result={failed}
        />
        <div className="form-buttons">
          <button type="submit" name="intent" value="preview" className="button-secondary" disabled={!!busy}>
            Preview
          </button>
          <button type="submit" name="intent" value="post" disabled={!!busy}>
            Post your question
          </button>
        </div>
      </Form>
      {preview ? (
        <section className="card question-preview" aria-labelledby="preview-title">
          <h2 id="preview-title">Preview</h2>
          <p className="preview-question-title">{kept?.title || 'Your title'}</p>
          {preview.bodyHtml ? (
            <div className="prose" dangerouslySetInnerHTML={{ __html: preview.bodyHtml /* rendered and sanitized on the server */ }} />
          ) : (
            <p className="muted">Nothing written yet.</p>
          )}
        </section>
      ) : null}
    </div>
  )
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />
}
