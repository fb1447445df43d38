/**
 * /settings/account: the member's data. Download a copy (JSON), or delete the account, keeping
 * their posts under "Deleted member" or removing them (DESIGN, "Privacy"). Deleting asks for the
 * password (an account made through single sign-on, which has none, types its username) and ends
 * every session.
 */
import { type ActionFunctionArgs, data, type LoaderFunctionArgs, type MetaFunction, redirect } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData, useNavigation } from '@remix-run/react'
import { z } from 'zod'
import { GeneralErrorBoundary } from '~/components/error-boundary'
import { FormErrors, TextField } from '~/components/forms'
import { blankSessionCookie, getUser, requireUser } from '~/lib/auth.server'
import { getDb } from '~/lib/db.server'
import { fieldFailure, keepFormOnRateLimit, parseForm, readForm } from '~/lib/forms.server'
import { deleteAccount } from '~/models/account-data.server'
import { accountHasPassword } from '~/models/users.server'
import { DELETED_MEMBER_NAME } from '~/schemas/account'
import { retryAfterHeaders } from '~/lib/http.server'

/** A 429 or 503 keeps its Retry-After. */
export const headers = retryAfterHeaders

export const meta: MetaFunction = () => [{ title: 'Your data · Summit' }]

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await getUser(request)
  if (!user && new URL(request.url).searchParams.get('deleted') === '1') return { deleted: true as const }
  const current = await requireUser(request)
  return { deleted: false as const, hasPassword: accountHasPassword(getDb(), current.id), username: current.username }
}

const Common = {
  posts: z.enum(['keep', 'remove'], { error: 'Choose what happens to your posts.' }),
  confirm: z.literal('on', { error: 'Tick the box to confirm.' }),
}
/** With a password, it confirms; an account made through single sign-on types its username instead. */
const DeleteWithPassword = z.object({
  ...Common,
  password: z.string({ error: 'Enter your password.' }).min(1, 'Enter your password.').max(200, 'Use at most 200 characters.'),
})
const DeleteWithUsername = z.object({
  ...Common,
  confirmUsername: z
    .string({ error: 'Type your username to confirm.' })
    .trim()
    .min(1, 'Type your username to confirm.')
    .max(30, 'Use at most 30 characters.'),
})

export async function action({ request }: ActionFunctionArgs) {
  const user = await requireUser(request)
  const form = await readForm(request)
  const withPassword = accountHasPassword(getDb(), user.id)
  const parsed = withPassword ? parseForm(form, DeleteWithPassword) : parseForm(form, DeleteWithUsername)
  if (!parsed.ok) return data(parsed, { status: 400 })
  const input = parsed.data
  return keepFormOnRateLimit(form, async () => {
    const result = await deleteAccount(getDb(), {
      userId: user.id,
      password: 'password' in input ? input.password : '',
      confirmUsername: 'confirmUsername' in input ? input.confirmUsername : undefined,
      removePosts: input.posts === 'remove',
    })
    if (!result.ok) return data(fieldFailure(form, result.field, result.message), { status: 400 })
    return redirect('/settings/account?deleted=1', { headers: { 'Set-Cookie': blankSessionCookie(request) } })
  })
}

export default function AccountDataPage() {
  const loaded = useLoaderData<typeof loader>()
  const { deleted } = loaded
  const result = useActionData<typeof action>()
  const busy = useNavigation().state === 'submitting'
  if (deleted) {
    return (
      <div className="stack">
        <h1>Your account was deleted</h1>
        <p role="status">You have been logged out everywhere. Thank you for the ideas and answers you shared.</p>
        <p>
          <Link to="/">Back to the home page</Link>
        </p>
      </div>
    )
  }
  const postsError = result?.fieldErrors?.posts?.[0]
  const confirmError = result?.fieldErrors?.confirm?.[0]
  const kept = (name: string) => (result?.fields as Record<string, string> | undefined)?.[name]
  return (
    <div className="stack">
      <p>
        <Link to="/settings">← Settings</Link>
      </p>
      <h1>Your data</h1>

      <section className="card" aria-labelledby="export-title">
        <h2 id="export-title">Download your data</h2>
        <p>
          A JSON file with your account, your ideas, questions, answers and comments (as you wrote them), your votes, follows, reputation
          history, badges, the flags and edits you suggested, and your notifications.
        </p>
        <p>
          <a href="/settings/export" download>
            Download your data (JSON)
          </a>
        </p>
      </section>

      <section className="card" aria-labelledby="delete-title">
        <h2 id="delete-title">Delete your account</h2>
        <p>
          Your name, e-mail address, bio and settings are erased and you are logged out everywhere. This cannot be undone. Your votes stay
          in the counts, without your name.
        </p>
        <Form method="post" className="form" noValidate>
          <FormErrors result={result} />
          <fieldset className="choice-group" aria-describedby={postsError ? 'posts-error' : undefined}>
            <legend>Your posts</legend>
            <div className="choice">
              <input type="radio" id="posts-keep" name="posts" value="keep" defaultChecked={kept('posts') !== 'remove'} />
              <label htmlFor="posts-keep">Keep them, shown as written by “{DELETED_MEMBER_NAME}”, so threads stay readable</label>
            </div>
            <div className="choice">
              <input type="radio" id="posts-remove" name="posts" value="remove" defaultChecked={kept('posts') === 'remove'} />
              <label htmlFor="posts-remove">Remove my ideas, questions, answers and comments too</label>
            </div>
            {postsError ? (
              <p id="posts-error" className="field-error">
                {postsError}
              </p>
            ) : null}
          </fieldset>
          {'hasPassword' in loaded && !loaded.hasPassword ? (
            <TextField
              name="confirmUsername"
              label="Type your username to confirm"
              hint={`Your username is ${loaded.username}. Your account has no password: you log in through single sign-on.`}
              autoComplete="off"
              maxLength={30}
              required
              result={result}
            />
          ) : (
            <TextField
              name="password"
              label="Your password"
              type="password"
              autoComplete="current-password"
              maxLength={200}
              required
              result={result}
            />
          )}
          <div className="choice">
            <input
              type="checkbox"
              id="confirm"
              name="confirm"
              aria-describedby={confirmError ? 'confirm-error' : undefined}
              aria-invalid={confirmError ? true : undefined}
            />
            <label htmlFor="confirm">I understand that my account is deleted for good</label>
          </div>
          {confirmError ? (
            <p id="confirm-error" className="field-error">
              {confirmError}
            </p>
          ) : null}
          <button type="submit" className="button-danger" disabled={busy}>
            Delete my account
          </button>
        </Form>
      </section>
    </div>
  )
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />
}
