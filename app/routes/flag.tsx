/**
 * Flagging a post (/flag). The flag control on every idea, question, answer and comment posts
 * here; so does this page's own form (GET /flag?type=idea&id=12), which is also where a refused
 * flag comes back with what was typed, and where a sent flag is confirmed.
 */
import { type ActionFunctionArgs, data, type LoaderFunctionArgs, type MetaFunction, redirect } from '@remix-run/node'
import { Link, useActionData, useLoaderData } from '@remix-run/react'
import { z } from 'zod'
import { GeneralErrorBoundary } from '~/components/error-boundary'
import { FlagFields } from '~/components/flag-form'
import { POST_TYPES } from '~/domain'
import { requireUser, safeRedirectPath } from '~/lib/auth.server'
import { getDb } from '~/lib/db.server'
import { keepFormOnRateLimit, parseForm, readForm } from '~/lib/forms.server'
import { notFound, orHttpError, retryAfterHeaders } from '~/lib/http.server'
import { check } from '~/lib/permissions'
import { assertCan } from '~/lib/permissions.server'
import { limitPosting } from '~/lib/rate-limit.server'
import { flagPost } from '~/models/flags.server'
import { loadPost, type PostRef } from '~/models/posts.server'
import { FlagForm, PostId } from '~/schemas/moderation'

const Target = z.object({ type: z.enum(POST_TYPES), id: PostId })

/** The post to flag, if the flagger may see it (visible to everyone): else a 404. */
function visiblePost(ref: PostRef) {
  const post = loadPost(getDb(), ref)
  return post && !post.deletedAt && !post.hiddenAt ? post : notFound(ref.type)
}

/** A 429 or 503 keeps its Retry-After. */
export const headers = retryAfterHeaders

export async function loader({ request }: LoaderFunctionArgs) {
  const url = new URL(request.url)
  const user = await requireUser(request)
  const parsed = Target.safeParse({
    type: url.searchParams.get('type'),
    id: url.searchParams.get('id'),
  })
  if (!parsed.success) notFound('post')
  const done = url.searchParams.get('done') === '1'
  const post = loadPost(getDb(), parsed.data)
  if (done) {
    // The confirmation: the post's title and a link back while others can still see it; a deleted,
    // hidden or held post is not named (the link is any flagger's to make up).
    const stillVisible = !!post && !post.deletedAt && !post.hiddenAt
    return {
      done,
      target: parsed.data,
      title: stillVisible ? post.title : '',
      url: stillVisible ? post.url : `/${parsed.data.type === 'idea' ? 'ideas' : 'questions'}`,
      decision: { ok: true as const },
    }
  }
  const visible = visiblePost(parsed.data)
  return {
    done,
    target: parsed.data,
    title: visible.title,
    url: visible.url,
    decision: check(user, 'flag:post', visible),
  }
}

export async function action({ request, context }: ActionFunctionArgs) {
  const form = await readForm(request)
  const parsed = parseForm(form, FlagForm)
  if (!parsed.ok) return data(parsed, { status: 400 })
  const { type, id, reason, text } = parsed.data
  const back = safeRedirectPath(parsed.data.redirectTo, `/flag?type=${type}&id=${id}`)
  const user = await requireUser(request, back)
  const post = visiblePost({ type, id })
  assertCan(user, 'flag:post', post)
  const db = getDb()
  return keepFormOnRateLimit(form, async () => {
    // The limit throws before orHttpError, so a 429 comes back as the form with its text.
    limitPosting(db, { kind: 'flag', member: user, ip: context.clientIp }, () =>
      orHttpError(() => flagPost(db, { userId: user.id, target: { type, id }, reason, text })),
    )
    return redirect(`/flag?${new URLSearchParams({ type, id: String(id), done: '1' })}`)
  })
}

export const meta: MetaFunction = () => [{ title: 'Flag a post · Summit' }]

export default function FlagPage() {
  const page = useLoaderData<typeof loader>()
  const result = useActionData<typeof action>()
  if (page.done) {
    return (
      <section className="card" aria-labelledby="flag-title">
        <h1 id="flag-title">Thank you for flagging</h1>
        <p role="status">{page.title ? `Moderators will review “${page.title}”.` : 'Moderators will review your flag.'}</p>
        <p>
          <Link to={page.url}>Back to where you were</Link>
        </p>
      </section>
    )
  }
  return (
    <section className="card" aria-labelledby="flag-title">
      <h1 id="flag-title">Flag a post</h1>
      <p>
        You are flagging <Link to={page.url}>“{page.title}”</Link>. Moderators review every flag.
      </p>
      {page.decision.ok ? (
        <FlagFields target={page.target} redirectTo={page.url} result={result ?? null} idPrefix="flag-page" />
      ) : (
        <p className="muted">{page.decision.reason}</p>
      )}
    </section>
  )
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary messages={{ 404: 'This post does not exist, or it was removed.' }} />
}
