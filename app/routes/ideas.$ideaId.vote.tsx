/**
 * POST /ideas/:ideaId/vote: puts the visitor's vote on an idea into the state the form asks for
 * (`voted=true|false`), so a replayed or double-clicked post cannot flip it. A resource route: no
 * page of its own; GET redirects to the idea.
 *
 * It answers two kinds of caller, told apart by the Accept header (a browser submitting a form
 * asks for text/html; fetch() asks for any type):
 * - a plain form post, without JavaScript: a redirect back to `redirectTo` (post/redirect/get), or
 *   the refusal as a plain-text 403/404/409/429, or 503 when the database is busy or full;
 * - the vote button's fetcher: data, `{ ok: true, voted, voteCount }` or, with the refusal's
 *   status (and Retry-After for 429 and 503), `{ ok: false, error }`, which the button shows beside
 *   itself instead of replacing the whole page with an error.
 * A logged-out visitor is sent to log in and brought back to `redirectTo` in both cases.
 *
 * A refusal is a Response, not `data()`: the browser's fetcher posts to `/ideas/:id/vote.data`,
 * where Remix takes the status from it and the headers only through `headers` below; a fetch() of
 * the route's own URL reaches it as a resource route, where `data()`'s status would be dropped.
 */
import { type ActionFunctionArgs, type LoaderFunctionArgs, redirect, type TypedResponse } from '@remix-run/node'
import { z } from 'zod'
import { requireUser, safeRedirectPath } from '~/lib/auth.server'
import { getDb } from '~/lib/db.server'
import { parseForm, readForm, refusalOf } from '~/lib/forms.server'
import { httpError, orHttpError, retryAfterHeaders } from '~/lib/http.server'
import { parseId } from '~/lib/params.server'
import { castVote } from '~/models/votes.server'

const VoteForm = z.object({
  voted: z
    .enum(['true', 'false'], { message: 'Send voted=true to vote or voted=false to take the vote back.' })
    .transform((v) => v === 'true'),
  redirectTo: z.string().max(2000).optional(),
})

export async function loader({ params }: LoaderFunctionArgs) {
  throw redirect(`/ideas/${parseId(params.ideaId, 'idea')}`)
}

/** A refusal keeps its Retry-After. */
export const headers = retryAfterHeaders

/** A browser's own form submission asks for HTML; a fetcher's fetch() does not. */
function isDocumentRequest(request: Request) {
  return (request.headers.get('Accept') ?? '').includes('text/html')
}

type Refusal = { ok: false; error: string }

/** A refusal for the fetcher, with its real status (and Retry-After when there is one). */
function refusal(error: string, status: number, headers?: Record<string, string>): TypedResponse<Refusal> {
  return Response.json({ ok: false, error } satisfies Refusal, { status, headers })
}

export async function action(args: ActionFunctionArgs) {
  if (isDocumentRequest(args.request)) return vote(args, true)
  try {
    return await vote(args, false)
  } catch (error) {
    // A rule's no (too fast, not allowed, gone) or a busy or full database is said beside the button.
    const refused = refusalOf(error)
    if (!refused) throw error
    return refusal(refused.message, refused.status, refused.headers)
  }
}

async function vote({ request, params, context }: ActionFunctionArgs, document: boolean) {
  const ideaId = parseId(params.ideaId, 'idea')
  const form = await readForm(request)
  const parsed = parseForm(form, VoteForm)
  if (!parsed.ok) {
    // Only a hand-made request gets here: the button always sends both fields.
    const message = parsed.fieldErrors.voted?.[0] ?? 'The vote form could not be read.'
    if (document) httpError(400, message)
    return refusal(message, 400)
  }
  const { voted } = parsed.data
  const back = safeRedirectPath(parsed.data.redirectTo, `/ideas/${ideaId}`)
  const user = await requireUser(request, back) // logged out: /login?redirectTo=<back>

  const vote = () => castVote(getDb(), { member: user, ip: context.clientIp }, { type: 'idea', id: ideaId, voted })

  if (document) {
    orHttpError(vote) // a busy or full database: its own 503 Response, with Retry-After
    return redirect(back)
  }
  // A Response, like the refusals: a plain object from a resource route is logged as deprecated by
  // Remix on every request made to the route's own URL.
  return Response.json({ ok: true as const, ...vote() }) // a refusal is answered by action()
}
