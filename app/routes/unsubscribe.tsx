/** /unsubscribe: a signed e-mail link turns off one kind of e-mail, without logging in (RFC 8058's one-click POST too). */
import { type ActionFunctionArgs, data, type LoaderFunctionArgs, type MetaFunction, redirect } from '@remix-run/node'
import { Form, Link, useLoaderData, useNavigation } from '@remix-run/react'
import { z } from 'zod'
import { GeneralErrorBoundary } from '~/components/error-boundary'
import { getDb } from '~/lib/db.server'
import { type UnsubscribeScope, verifyUnsubscribeToken } from '~/lib/email-token.server'
import { parseForm, readForm } from '~/lib/forms.server'
import { httpError, orHttpError } from '~/lib/http.server'
import { getEmailPrefs, unsubscribe } from '~/models/email.server'

export const meta: MetaFunction = () => [{ title: 'Unsubscribe · Summit' }, { name: 'robots', content: 'noindex' }]

const SCOPE_LABELS: Record<UnsubscribeScope, string> = {
  statusChanges: 'e-mail when ideas you voted on, follow or wrote change status',
  answers: 'e-mail about answers and comments on your posts',
  mentions: 'e-mail when someone mentions you',
  badges: 'e-mail about badges you earn',
  all: 'any e-mail from this site, including the daily digest',
}

const Query = z.object({ token: z.string().min(1).max(200), done: z.enum(['this', 'all']).optional().catch(undefined) })

/** The signed token from the link (the only authority here: no login needed). Bad: 400; forged: 403. */
function readToken(request: Request) {
  const url = new URL(request.url)
  const query = Query.safeParse(Object.fromEntries(url.searchParams))
  if (!query.success) httpError(400, 'This unsubscribe link is incomplete. Copy the whole link from the e-mail.')
  const check = verifyUnsubscribeToken(query.data.token)
  if (!check.ok && check.reason === 'malformed') httpError(400, 'This unsubscribe link is incomplete. Copy the whole link from the e-mail.')
  if (!check.ok)
    httpError(403, 'This unsubscribe link is not valid. Use the link from the e-mail, or change your e-mail settings after logging in.')
  return { token: query.data.token, done: query.data.done ?? null, userId: check.userId, scope: check.scope }
}

export async function loader({ request }: LoaderFunctionArgs) {
  const { token, done, userId, scope } = readToken(request)
  orHttpError(() => getEmailPrefs(getDb(), userId)) // the member may have deleted the account: 404
  const doneScope: UnsubscribeScope | null = done === 'all' ? 'all' : done === 'this' ? scope : null
  return {
    token,
    scope,
    label: SCOPE_LABELS[scope],
    allLabel: SCOPE_LABELS.all,
    doneLabel: doneScope ? SCOPE_LABELS[doneScope] : null,
  }
}

const Choice = z.union([
  // RFC 8058: what a mail client's one-click button posts.
  z.object({ 'List-Unsubscribe': z.literal('One-Click') }),
  z.object({ intent: z.literal('unsubscribe'), scope: z.enum(['this', 'all']) }),
])

export async function action({ request }: ActionFunctionArgs) {
  const { token, userId, scope } = readToken(request)
  // Mail clients post without Origin or Referer; the signed token authorises the request.
  const form = await readForm(request, { allowNoOrigin: true })
  const parsed = parseForm(form, Choice)
  if (!parsed.ok) return data({ ...parsed, done: false as const }, { status: 400 })
  const db = getDb()
  if ('List-Unsubscribe' in parsed.data) {
    orHttpError(() => unsubscribe(db, { userId, scope }))
    return data({ ok: true as const, done: true as const }, { headers: { 'Cache-Control': 'no-store' } })
  }
  const chosen = parsed.data.scope
  orHttpError(() => unsubscribe(db, { userId, scope: chosen === 'all' ? 'all' : scope }))
  return redirect(`/unsubscribe?token=${encodeURIComponent(token)}&done=${chosen}`)
}

export default function UnsubscribePage() {
  const { token, scope, label, allLabel, doneLabel } = useLoaderData<typeof loader>()
  const busy = useNavigation().state === 'submitting'
  return (
    <section className="card unsubscribe-card" aria-labelledby="unsubscribe-title">
      <h1 id="unsubscribe-title">Unsubscribe</h1>
      {doneLabel ? (
        <>
          <p className="notice" role="status">
            Done. You will no longer get {doneLabel}.
          </p>
          <p>
            Changed your mind? Choose what you get in <Link to="/settings">your settings</Link> (after logging in).
          </p>
        </>
      ) : (
        <>
          <p>Stop getting {label}?</p>
          <Form method="post" action={`/unsubscribe?token=${encodeURIComponent(token)}`} className="unsubscribe-actions">
            <input type="hidden" name="intent" value="unsubscribe" />
            <button type="submit" name="scope" value="this" disabled={busy}>
              {scope === 'all' ? 'Stop all e-mail' : 'Unsubscribe'}
            </button>
            {scope === 'all' ? null : (
              <button type="submit" name="scope" value="all" className="button-secondary" disabled={busy}>
                Stop all e-mail
              </button>
            )}
          </Form>
          <p className="muted">
            “Stop all e-mail” means {allLabel}. You can choose in detail in <Link to="/settings">your settings</Link>.
          </p>
        </>
      )}
    </section>
  )
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary messages={{ 404: 'This unsubscribe link belongs to an account that no longer exists.' }} />
}
