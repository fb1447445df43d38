/** /ideas/new: a member posts a new idea (with similar ideas shown while they type). */
import { type ActionFunctionArgs, data, type LoaderFunctionArgs, type MetaFunction, redirect } from '@remix-run/node'
import { Form, Link, useActionData, useFetcher, useLoaderData, useNavigation } from '@remix-run/react'
import { useEffect, useRef, useState } from 'react'
import { GeneralErrorBoundary } from '~/components/error-boundary'
import { FormErrors, type FormResult, TextField } from '~/components/forms'
import { StatusBadge } from '~/components/post-rows'
import { getDb } from '~/lib/db.server'
import { fieldFailure, formFields, keepFormOnRateLimit, parseForm, readForm } from '~/lib/forms.server'
import { requirePermission } from '~/lib/permissions.server'
import { check } from '~/lib/permissions'
import { limitPosting } from '~/lib/rate-limit.server'
import { listCategories } from '~/models/categories.server'
import { postIdea, previewIdea } from '~/models/idea-posting.server'
import type { SimilarIdea } from '~/models/search.server'
import { IdeaDraftForm, NewIdeaIntent, newIdeaForm } from '~/schemas/idea'
import { IDEA_BODY_MAX, IDEA_TAGS_MAX, IDEA_TITLE_MAX, IDEA_TITLE_MIN, SIMILAR_IDEAS_MIN_CHARS } from '~/schemas/idea-limits'
import { retryAfterHeaders } from '~/lib/http.server'

/** A 429 or 503 keeps its Retry-After. */
export const headers = retryAfterHeaders

export const meta: MetaFunction = () => [{ title: 'Post an idea · Summit' }]

export async function loader({ request }: LoaderFunctionArgs) {
  await requirePermission(request, 'create:idea') // logged out: to /login?redirectTo=/ideas/new
  return { categories: listCategories(getDb()) }
}

export async function action({ request, context }: ActionFunctionArgs) {
  const form = await readForm(request)
  const user = await requirePermission(request, 'create:idea')
  const { intent } = NewIdeaIntent.parse(formFields(form))
  const db = getDb()
  if (intent === 'preview') {
    // The Preview button works without JavaScript: the form comes back with the preview and similar ideas.
    const draft = parseForm(form, IdeaDraftForm)
    if (!draft.ok) return data({ ...draft, intent }, { status: 400 })
    return { intent, fields: formFields(form), ...previewIdea(db, { title: draft.data.title, bodyMd: draft.data.body }) }
  }
  const parsed = parseForm(form, newIdeaForm(listCategories(db).map((category) => category.id)))
  if (!parsed.ok) return data({ ...parsed, intent }, { status: 400 })
  const { title, body, categoryId, tags } = parsed.data
  return keepFormOnRateLimit(form, async () => {
    const createTag = check(user, 'create:tag')
    const tagRefusal = createTag.ok ? null : createTag.reason
    const result = limitPosting(db, { kind: 'idea', member: user, ip: context.clientIp }, () =>
      postIdea(db, { authorId: user.id, title, bodyMd: body, categoryId, tagNames: tags, tagRefusal }),
    )
    if (!result.ok) return data({ ...fieldFailure(form, result.field, result.message), intent }, { status: 400 })
    return redirect(`/ideas/${result.ideaId}`) // post/redirect/get: a reload does not post twice
  })
}

export default function NewIdeaPage() {
  const { categories } = useLoaderData<typeof loader>()
  const result = useActionData<typeof action>()
  const navigation = useNavigation()
  const busy = navigation.state === 'submitting' && navigation.formMethod?.toLowerCase() === 'post'
  const fields: Record<string, string> = result?.fields ?? {}
  const form: FormResult = {
    ok: false,
    fields,
    fieldErrors: result && 'fieldErrors' in result ? result.fieldErrors : {},
    formErrors: result && 'formErrors' in result ? result.formErrors : [],
  }
  const submittedPreview = result && 'previewHtml' in result ? result : null
  const [title, setTitle] = useState(fields.title ?? '')
  const [body, setBody] = useState(fields.body ?? '')
  const similar = useSimilarIdeas(title, submittedPreview?.similar ?? null)
  const livePreviewHtml = useLivePreview(body)
  const previewHtml = livePreviewHtml ?? submittedPreview?.previewHtml ?? ''
  const bodyError = form.fieldErrors?.body?.[0]
  const categoryError = form.fieldErrors?.categoryId?.[0]
  return (
    <div className="new-idea">
      <header className="page-header">
        <h1>Post an idea</h1>
      </header>
      <p className="muted">
        One idea per post, please. Similar ideas show up as you type the title: if yours is already there, vote for it instead, so the votes
        add up in one place.
      </p>
      <Form method="post" className="form idea-form" noValidate aria-describedby={form.formErrors?.length ? 'form-error' : undefined}>
        <FormErrors result={form} />
        <TextField
          name="title"
          label="Title"
          hint={`${IDEA_TITLE_MIN}–${IDEA_TITLE_MAX} characters. Say what you want to be able to do.`}
          maxLength={IDEA_TITLE_MAX}
          autoComplete="off"
          required
          result={form}
          onChange={(event) => setTitle(event.currentTarget.value)}
        />
        <SimilarIdeas ideas={similar} />

        <div className="field">
          <label htmlFor="field-body">Description</label>
          <p id="field-body-hint" className="field-hint">
            Why would it help you? Markdown works: **bold**, *italic*, lists and links; @username tells a member. Up to{' '}
            {IDEA_BODY_MAX.toLocaleString('en')} characters.
          </p>
          <textarea
            id="field-body"
            name="body"
            rows={10}
            maxLength={IDEA_BODY_MAX}
            required
            defaultValue={fields.body}
            onChange={(event) => setBody(event.currentTarget.value)}
            aria-invalid={bodyError ? true : undefined}
            aria-describedby={bodyError ? 'field-body-hint field-body-error' : 'field-body-hint'}
          />
          {bodyError ? (
            <p id="field-body-error" className="field-error">
              {bodyError}
            </p>
          ) : null}
        </div>

        {categories.length ? (
          <div className="field">
            <label htmlFor="field-categoryId">Category</label>
            <select
              id="field-categoryId"
              name="categoryId"
              required
              defaultValue={fields.categoryId ?? ''}
              aria-invalid={categoryError ? true : undefined}
              aria-describedby={categoryError ? 'field-categoryId-error' : undefined}
            >
              <option value="">Choose a category</option>
              {categories.map((category) => (
                <option key={category.id} value={category.id}>
                  {category.name}
                </option>
              ))}
            </select>
            {categoryError ? (
              <p id="field-categoryId-error" className="field-error">
                {categoryError}
              </p>
            ) : null}
          </div>
        ) : null}

        <TextField
          name="tags"
          label="Tags (optional)"
          hint={`Up to ${IDEA_TAGS_MAX}, separated by commas or spaces, for example: reports, export.`}
          maxLength={400}
          autoComplete="off"
          result={form}
        />

        <div className="form-actions">
          <button type="submit" name="intent" value="post" disabled={busy}>
            Post idea
          </button>
          <button type="submit" name="intent" value="preview" className="button-secondary" disabled={busy}>
            Preview
          </button>
          <Link to="/ideas">Cancel</Link>
        </div>
      </Form>

      {previewHtml ? (
        <section className="card idea-preview" aria-labelledby="preview-title">
          <h2 id="preview-title">Preview</h2>
          {title.trim() ? <p className="idea-preview-title">{title.trim()}</p> : null}
          <div className="prose" dangerouslySetInnerHTML={{ __html: previewHtml /* renderMarkdown on the server */ }} />
        </section>
      ) : null}
    </div>
  )
}

/** The live region is always in the page, so screen readers announce the suggestions when they change. */
function SimilarIdeas({ ideas }: { ideas: SimilarIdea[] }) {
  return (
    <div className="similar-ideas" aria-live="polite">
      {ideas.length ? (
        <>
          <h2 className="similar-ideas-title">Similar ideas</h2>
          <p className="field-hint">Is yours already here? Vote for it instead of posting it again.</p>
          <ul>
            {ideas.map((idea) => (
              <li key={idea.id}>
                <Link to={`/ideas/${idea.id}`}>{idea.title}</Link>{' '}
                <span className="similar-idea-meta">
                  <StatusBadge status={idea.status} />{' '}
                  <span>
                    {idea.voteCount} {idea.voteCount === 1 ? 'vote' : 'votes'}
                  </span>
                </span>
              </li>
            ))}
          </ul>
        </>
      ) : null}
    </div>
  )
}

const TYPING_PAUSE_MS = 300

/** Ideas like the title, looked up (debounced) as it is typed; before that, those the Preview button found. */
function useSimilarIdeas(title: string, fromPreview: SimilarIdea[] | null) {
  const fetcher = useFetcher<{ ideas: SimilarIdea[] }>()
  const load = useRef(fetcher.load)
  load.current = fetcher.load
  const query = title.trim()
  useEffect(() => {
    if (query.length < SIMILAR_IDEAS_MIN_CHARS) return
    const timer = setTimeout(() => load.current(`/resources/similar-ideas?${new URLSearchParams({ q: query })}`), TYPING_PAUSE_MS)
    return () => clearTimeout(timer)
  }, [query])
  if (query.length < SIMILAR_IDEAS_MIN_CHARS) return []
  return fetcher.data?.ideas ?? fromPreview ?? []
}

const PREVIEW_PAUSE_MS = 500

/**
 * With JavaScript, the preview follows the description as it is typed. A plain fetch() rather than
 * a fetcher: a fetcher's POST would make every loader on the page run again after each pause.
 */
function useLivePreview(body: string) {
  const [html, setHtml] = useState<string | null>(null)
  useEffect(() => {
    if (!body.trim()) {
      setHtml(null)
      return
    }
    const controller = new AbortController()
    const timer = setTimeout(async () => {
      try {
        const response = await fetch('/resources/markdown-preview', {
          method: 'POST',
          body: new URLSearchParams({ body }),
          signal: controller.signal,
        })
        if (response.ok) setHtml(((await response.json()) as { html: string }).html)
      } catch {
        // Aborted by the next keystroke, or offline: the Preview button still works.
      }
    }, PREVIEW_PAUSE_MS)
    return () => {
      clearTimeout(timer)
      controller.abort()
    }
  }, [body])
  return html
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />
}
