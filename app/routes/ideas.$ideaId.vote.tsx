/**
 * POST /ideas/:ideaId/vote: puts the visitor's vote on an idea into the state the form asks for
 * (`voted=true|false`), so a replayed or double-clicked post cannot flip it. A resource route: no
 * page of its own; GET redirects to the idea.
 *
 * It answers two kinds of caller, told apart by the Accept header (a browser submitting a form
 * asks for text/html; fetch() asks for any type):
 * - a plain form post, without JavaScript: a redirect back to `redirectTo` (post/redirect/get), or
 *   the refusal as a plain-text 403/404/409/429;
 * - the vote button's fetcher: data, `{ ok: true, voted, voteCount, budget }` or, with the refusal's
 *   status, `{ ok: false, error }`, which the button shows beside itself instead of replacing the
 *   whole page with an error.
 * A logged-out visitor is sent to log in and brought back to `redirectTo` in both cases.
 */
import { type ActionFunctionArgs, data, type LoaderFunctionArgs, redirect } from '@remix-run/node'
import { z } from 'zod'
import { requireUser, safeRedirectPath } from '~/lib/auth.server'
import { getDb } from '~/lib/db.server'
import { DomainError, ForbiddenError, RateLimitedError } from '~/lib/errors'
import { parseForm, readForm } from '~/lib/forms.server'
import { httpError, orHttpError } from '~/lib/http.server'
import { parseId } from '~/lib/params.server'
import { check } from '~/lib/permissions'
import { hitVoteIpLimit, hitVoteLimit } from '~/lib/rate-limit.server'
import { getVoteBudgetState, setIdeaVote } from '~/models/votes.server'

const VoteForm = z.object({
  voted: z
    .enum(['true', 'false'], { message: 'Send voted=true to vote or voted=false to take the vote back.' })
    .transform((v) => v === 'true'),
  redirectTo: z.string().max(2000).optional(),
})

export async function loader({ params }: LoaderFunctionArgs) {
  throw redirect(`/ideas/${parseId(params.ideaId, 'idea')}`)
}

/** A browser's own form submission asks for HTML; a fetcher's fetch() does not. */
function isDocumentRequest(request: Request) {
  return (request.headers.get('Accept') ?? '').includes('text/html')
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const ideaId = parseId(params.ideaId, 'idea')
  const form = await readForm(request)
  const document = isDocumentRequest(request)
  const parsed = parseForm(form, VoteForm)
  if (!parsed.ok) {
    // Only a hand-made request gets here: the button always sends both fields.
    const message = parsed.fieldErrors.voted?.[0] ?? 'The vote form could not be read.'
    if (document) httpError(400, message)
    return data({ ok: false as const, error: message }, { status: 400 })
  }
  const { voted } = parsed.data
  const back = safeRedirectPath(parsed.data.redirectTo, `/ideas/${ideaId}`)
  const user = await requireUser(request, back) // logged out: /login?redirectTo=<back>

  const vote = () => {
    const decision = check(user, 'vote:idea')
    if (!decision.ok) throw new ForbiddenError(decision.reason)
    hitVoteLimit(user)
    hitVoteIpLimit(context.clientIp)
    const db = getDb()
    const result = setIdeaVote(db, { ideaId, userId: user.id, voted })
    return { ...result, budget: getVoteBudgetState(db, user.id) }
  }

  if (document) {
    orHttpError(vote)
    return redirect(back)
  }
  try {
    return { ok: true as const, ...vote() }
  } catch (error) {
    if (!(error instanceof DomainError)) throw error
    const headers = error instanceof RateLimitedError ? { 'Retry-After': String(error.retryAfterSeconds) } : undefined
    return data({ ok: false as const, error: error.message }, { status: error.status, headers })
  }
}
