import { type ActionFunctionArgs, data, type LoaderFunctionArgs, type MetaFunction, redirect } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData, useNavigation } from '@remix-run/react'
import { z } from 'zod'
import { GeneralErrorBoundary } from '~/components/error-boundary'
import { FormErrors, type FormResult, MARKDOWN_HINT, TextAreaField, TextField } from '~/components/forms'
import { changePassword, endOtherSessions, requireUser } from '~/lib/auth.server'
import { getDb } from '~/lib/db.server'
import { fieldFailure, formFailure, keepFormOnRateLimit, parseForm, readForm } from '~/lib/forms.server'
import { PASSWORD_MIN_LENGTH } from '~/lib/password.server'
import { ROLE_LABELS } from '~/lib/labels'
import { getProfileSource } from '~/models/profiles.server'
import {
  AccountTakenError,
  accountHasPassword,
  changeUsername,
  getAccountSettings,
  updateProfile,
  verifyPasswordChange,
} from '~/models/users.server'
import { ConflictError } from '~/lib/errors'
import { resendEmailVerification } from '~/models/account-recovery.server'
import { type EmailPrefs, getEmailPrefs, setEmailPrefs } from '~/models/email.server'
import { getEmailSetting } from '~/models/settings.server'
import { BIO_MAX_LENGTH, ChangePasswordForm, ProfileForm, Username, USERNAME_CHANGE_INTERVAL_DAYS } from '~/schemas/account'
import { retryAfterHeaders } from '~/lib/http.server'

export const meta: MetaFunction = () => [{ title: 'Settings · Summit' }]

const NOTICES = {
  password: 'Your password was changed. Every other session has been logged out.',
  profile: 'Your profile was saved.',
  username: 'Your username was changed. Links to your old profile address lead to the new one.',
  sessions: 'Every other session has been logged out.',
  email: 'Your e-mail choices were saved.',
  'verification-sent': 'We sent a new verification link to your address. It works once, within 48 hours.',
  'already-verified': 'Your e-mail address is already verified.',
} as const

/** A refusal keeps its Retry-After. */
export const headers = retryAfterHeaders

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request)
  const account = getAccountSettings(getDb(), user.id)
  const { bioMd } = getProfileSource(getDb(), user.id)
  const done = new URL(request.url).searchParams.get('done')
  const notice = done && done in NOTICES ? NOTICES[done as keyof typeof NOTICES] : null
  return {
    account: {
      ...account,
      roleLabel: ROLE_LABELS[account.role],
      createdAt: account.createdAt.toISOString().slice(0, 10),
      emailVerified: account.emailVerifiedAt != null,
    },
    notice,
    passwordMinLength: PASSWORD_MIN_LENGTH,
    email: { prefs: getEmailPrefs(getDb(), user.id), siteSendsEmail: getEmailSetting(getDb()).enabled },
    bio: bioMd,
    bioMaxLength: BIO_MAX_LENGTH,
    hasPassword: accountHasPassword(getDb(), user.id),
  }
}

/** An unticked checkbox sends nothing; a ticked one sends "on". */
const Checkbox = z
  .literal('on', 'Tick the box or leave it empty.')
  .optional()
  .transform((v) => v === 'on')
const EmailPrefsForm = z.object({
  intent: z.literal('email-prefs'),
  statusChanges: Checkbox,
  answers: Checkbox,
  mentions: Checkbox,
  badges: Checkbox,
  digest: z.enum(['off', 'daily'], 'Choose how often you get e-mail.'),
})

const Intent = z.discriminatedUnion('intent', [
  z.object({ intent: z.literal('change-username'), username: Username }),
  ChangePasswordForm,
  ProfileForm,
  z.object({ intent: z.literal('end-other-sessions') }),
  EmailPrefsForm,
  z.object({ intent: z.literal('resend-verification') }),
])

export async function action({ request }: ActionFunctionArgs) {
  const user = await requireUser(request)
  const form = await readForm(request)
  const parsed = parseForm(form, Intent)
  if (!parsed.ok) return data({ ...parsed, intent: String(form.get('intent') ?? '') }, { status: 400 })
  const db = getDb()
  switch (parsed.data.intent) {
    case 'change-password': {
      const { currentPassword, newPassword } = parsed.data
      // Too many wrong current passwords: a 429 that shows the password form again with the message.
      return keepFormOnRateLimit(
        form,
        async () => {
          const verdict = await verifyPasswordChange(db, { userId: user.id, currentPassword, newPassword })
          if (!verdict.ok)
            return data({ ...fieldFailure(form, verdict.field, verdict.message), intent: 'change-password' }, { status: 400 })
          const cookie = await changePassword(user.id, newPassword, request)
          return redirect('/settings?done=password', { headers: { 'Set-Cookie': cookie } })
        },
        { intent: 'change-password' },
      )
    }
    case 'change-username': {
      try {
        changeUsername(db, { userId: user.id, username: parsed.data.username })
      } catch (error) {
        if (error instanceof AccountTakenError || error instanceof ConflictError) {
          return data(
            { ...fieldFailure(form, 'username', error.message), intent: 'change-username' },
            { status: error instanceof AccountTakenError ? 400 : 409 },
          )
        }
        throw error
      }
      return redirect('/settings?done=username')
    }
    case 'profile': {
      updateProfile(db, user.id, { displayName: parsed.data.displayName, bioMd: parsed.data.bio })
      return redirect('/settings?done=profile')
    }
    case 'end-other-sessions': {
      const cookie = await endOtherSessions(user.id, request)
      return redirect('/settings?done=sessions', { headers: { 'Set-Cookie': cookie } })
    }
    case 'email-prefs': {
      const { intent: _, ...prefs } = parsed.data
      setEmailPrefs(db, user.id, prefs)
      return redirect('/settings?done=email')
    }
    case 'resend-verification': {
      // Too many links asked for: a 429 that shows the message beside the button.
      return keepFormOnRateLimit(
        form,
        async () => {
          const sent = resendEmailVerification(db, { userId: user.id })
          if (sent === 'email-off') {
            return data(
              {
                ...formFailure(form, 'The site does not send e-mail at the moment, so no link can be sent.'),
                intent: 'resend-verification',
              },
              { status: 409 },
            )
          }
          return redirect(`/settings?done=${sent === 'sent' ? 'verification-sent' : 'already-verified'}#account-title`)
        },
        { intent: 'resend-verification' },
      )
    }
  }
}

export default function SettingsPage() {
  const { account, notice, passwordMinLength, email, bio, bioMaxLength, hasPassword } = useLoaderData<typeof loader>()
  const result = useActionData<typeof action>()
  const navigation = useNavigation()
  const busyIntent = navigation.state === 'submitting' ? navigation.formData?.get('intent') : null
  const resultFor = (intent: string) => (result && result.intent === intent ? result : null)
  return (
    <div className="settings">
      <h1>Settings</h1>
      {notice ? (
        <p className="notice" role="status">
          {notice}
        </p>
      ) : null}

      <section className="card" aria-labelledby="account-title">
        <h2 id="account-title">Your account</h2>
        <dl className="facts">
          <dt>Username</dt>
          <dd>{account.username}</dd>
          <dt>E-mail</dt>
          <dd>
            {account.email} <span className="muted">(never shown publicly)</span>
            {account.emailVerified ? null : (
              <>
                {' '}
                <span className="badge">Not verified</span>
              </>
            )}
          </dd>
          <dt>Role</dt>
          <dd>{account.roleLabel}</dd>
          {account.segment ? (
            <>
              <dt>Plan</dt>
              <dd>
                {account.segment} <span className="muted">(visible only to you and staff)</span>
              </dd>
            </>
          ) : null}
          <dt>Member since</dt>
          <dd>{account.createdAt}</dd>
        </dl>
        {account.emailVerified ? null : (
          <VerifyEmailForm
            siteSendsEmail={email.siteSendsEmail}
            result={resultFor('resend-verification')}
            busy={busyIntent === 'resend-verification'}
          />
        )}
      </section>

      <section className="card" aria-labelledby="profile-title">
        <h2 id="profile-title">Profile</h2>
        <p>
          <Link to={`/u/${account.username}`}>See your public profile</Link>
        </p>
        <Form method="post" className="form" noValidate>
          <input type="hidden" name="intent" value="change-username" />
          <TextField
            name="username"
            label="Username"
            hint={`2–30 characters: lower-case letters, digits, - and _. Your profile address follows it; you can change it once every ${USERNAME_CHANGE_INTERVAL_DAYS} days.`}
            autoComplete="username"
            minLength={2}
            maxLength={30}
            required
            defaultValue={account.username}
            result={resultFor('change-username')}
          />
          <button type="submit" className="button-secondary" disabled={busyIntent === 'change-username'}>
            Change username
          </button>
        </Form>
        <Form method="post" className="form" noValidate>
          <input type="hidden" name="intent" value="profile" />
          <TextField
            name="displayName"
            label="Display name"
            hint="Shown next to your posts. Leave empty to use your username."
            maxLength={50}
            defaultValue={account.displayName}
            result={resultFor('profile')}
          />
          <TextAreaField
            name="bio"
            label="Bio"
            hint={`Shown on your public profile, at most ${bioMaxLength} characters. ${MARKDOWN_HINT}`}
            maxLength={bioMaxLength}
            rows={6}
            defaultValue={bio}
            result={resultFor('profile')}
          />
          <button type="submit" disabled={busyIntent === 'profile'}>
            Save profile
          </button>
        </Form>
      </section>

      <section className="card" aria-labelledby="sign-in-title">
        <h2 id="sign-in-title">Sign-in methods</h2>
        <p className="muted">Connect your company’s identity provider, or set a password for an account made through single sign-on.</p>
        <p>
          <Link to="/settings/sign-in">Manage how you log in</Link>
        </p>
      </section>

      {hasPassword ? (
        <section className="card" aria-labelledby="password-title">
          <h2 id="password-title">Change password</h2>
          <p className="muted">Changing your password logs you out everywhere else.</p>
          <Form method="post" className="form" noValidate>
            <input type="hidden" name="intent" value="change-password" />
            <FormErrors result={resultFor('change-password')} />
            <TextField
              name="currentPassword"
              label="Current password"
              type="password"
              autoComplete="current-password"
              maxLength={200}
              required
              result={resultFor('change-password')}
            />
            <TextField
              name="newPassword"
              label="New password"
              type="password"
              hint={`At least ${passwordMinLength} characters.`}
              autoComplete="new-password"
              minLength={passwordMinLength}
              maxLength={200}
              required
              result={resultFor('change-password')}
            />
            <TextField
              name="confirmPassword"
              label="Repeat the new password"
              type="password"
              autoComplete="new-password"
              maxLength={200}
              required
              result={resultFor('change-password')}
            />
            <button type="submit" disabled={busyIntent === 'change-password'}>
              Change password
            </button>
          </Form>
        </section>
      ) : null}

      <section className="card" aria-labelledby="sessions-title">
        <h2 id="sessions-title">Sessions</h2>
        <p className="muted">Logged in on a shared or lost device? End every session but this one.</p>
        <Form method="post">
          <input type="hidden" name="intent" value="end-other-sessions" />
          <button type="submit" className="button-secondary" disabled={busyIntent === 'end-other-sessions'}>
            Log out everywhere else
          </button>
        </Form>
      </section>

      <EmailPrefsSection
        prefs={email.prefs}
        siteSendsEmail={email.siteSendsEmail}
        result={resultFor('email-prefs')}
        busy={busyIntent === 'email-prefs'}
      />

      <section className="card" aria-labelledby="tokens-title">
        <h2 id="tokens-title">API tokens</h2>
        <p className="muted">Let a script or another tool use the Summit API as you.</p>
        <p>
          <Link to="/settings/tokens">Manage your API tokens</Link>
        </p>
      </section>

      <section className="card" aria-labelledby="data-title">
        <h2 id="data-title">Your data</h2>
        <p className="muted">Download a copy of everything you posted and chose here, or delete your account.</p>
        <p>
          <Link to="/settings/account">Download your data or delete your account</Link>
        </p>
      </section>
    </div>
  )
}

/** "Send the link again", for a member whose address is not verified yet. */
function VerifyEmailForm(props: { siteSendsEmail: boolean; result: FormResult; busy: boolean }) {
  if (!props.siteSendsEmail) {
    return (
      <p className="muted">Your e-mail address is not verified yet. The site does not send e-mail at the moment, so no link can be sent.</p>
    )
  }
  return (
    <Form method="post" className="form" noValidate>
      <input type="hidden" name="intent" value="resend-verification" />
      <p className="muted">
        Your e-mail address is not verified yet: follow the link we sent you. No e-mail? Check your spam folder, or ask for a new link.
      </p>
      <FormErrors result={props.result} id="verify-form-error" />
      <button type="submit" className="button-secondary" disabled={props.busy}>
        Send the link again
      </button>
    </Form>
  )
}

const EMAIL_KINDS: { name: Exclude<keyof EmailPrefs, 'digest'>; label: string }[] = [
  { name: 'statusChanges', label: 'Status changes of ideas I voted on, follow or wrote' },
  { name: 'answers', label: 'Answers and comments on my posts' },
  { name: 'mentions', label: 'Mentions of me' },
  { name: 'badges', label: 'Badges I earn' },
]

function EmailPrefsSection(props: { prefs: EmailPrefs; siteSendsEmail: boolean; result: FormResult; busy: boolean }) {
  const { prefs, result } = props
  const digestError = result?.fieldErrors?.digest?.[0]
  return (
    <section className="card" aria-labelledby="email-title">
      <h2 id="email-title">E-mail</h2>
      {props.siteSendsEmail ? (
        <p className="muted">E-mails go to your address above. Each one has a link to unsubscribe.</p>
      ) : (
        <p className="notice notice-warning">The site does not send e-mail at the moment. Your choices are kept for when it does.</p>
      )}
      {/* The key resets the boxes to what was saved after each post. */}
      <Form method="post" className="form" noValidate key={JSON.stringify(prefs)}>
        <input type="hidden" name="intent" value="email-prefs" />
        <FormErrors result={result} id="email-form-error" />
        <fieldset className="choice-group">
          <legend>E-mail me about</legend>
          {EMAIL_KINDS.map(({ name, label }) => (
            <div className="choice" key={name}>
              <input type="checkbox" id={`email-${name}`} name={name} defaultChecked={prefs[name]} />
              <label htmlFor={`email-${name}`}>{label}</label>
            </div>
          ))}
        </fieldset>
        <fieldset className="choice-group" aria-describedby={digestError ? 'email-digest-error' : undefined}>
          <legend>How often</legend>
          <div className="choice">
            <input type="radio" id="email-digest-off" name="digest" value="off" defaultChecked={prefs.digest === 'off'} />
            <label htmlFor="email-digest-off">One e-mail for each notification</label>
          </div>
          <div className="choice">
            <input type="radio" id="email-digest-daily" name="digest" value="daily" defaultChecked={prefs.digest === 'daily'} />
            <label htmlFor="email-digest-daily">One daily digest of my unread notifications</label>
          </div>
          {digestError ? (
            <p id="email-digest-error" className="field-error">
              {digestError}
            </p>
          ) : null}
        </fieldset>
        <button type="submit" disabled={props.busy}>
          Save e-mail choices
        </button>
      </Form>
    </section>
  )
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />
}
