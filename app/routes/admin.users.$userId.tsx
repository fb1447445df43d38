/**
 * One member, for moderators (/admin/users/:userId): their recent posts, the flags they raised and
 * received, their reputation ledger and what staff did about them; suspend and unsuspend; for
 * admins, their role and segment; and the customer company they belong to, shown to
 * `view:companies` (moderators get none of it) and changed with `manage:companies`; for admins,
 * a password reset link to pass on to the member (shown once).
 */
import { type ActionFunctionArgs, data, type LoaderFunctionArgs, type MetaFunction, redirect } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData } from '@remix-run/react'
import { z } from 'zod'
import { GeneralErrorBoundary } from '~/components/error-boundary'
import { FormErrors } from '~/components/forms'
import { ModerationMenu } from '~/components/moderation-menu'
import { DateTime } from '~/components/post-rows'
import { ROLES } from '~/domain'
import { getDb } from '~/lib/db.server'
import { fieldFailure, parseForm, readForm, siteOrigin } from '~/lib/forms.server'
import { httpError, orHttpError } from '~/lib/http.server'
import { parseId } from '~/lib/params.server'
import { requirePermission } from '~/lib/permissions.server'
import { issuePasswordResetLink } from '~/models/account-recovery.server'
import { getAdminUserPageView } from '~/models/admin-user-page.server'
import { changeMemberCompany } from '~/models/companies.server'
import { changeUserRole, changeUserSegment, suspendUser, unsuspendUser } from '~/models/moderation.server'
import { COMPANY_EXTERNAL_ID_MAX } from '~/schemas/company'
import { FLAG_REASON_LABELS, ModerationReason, RequiredReason } from '~/schemas/moderation'
import { LogChanges } from '~/components/log-changes'
import { TextField } from '~/components/forms'

const SUSPENSION_DAYS = ['1', '3', '7', '30'] as const
const DAY_MS = 86_400_000

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data?.user.displayName ?? 'Member'} · Members · Summit` }]

export async function loader({ request, params }: LoaderFunctionArgs) {
  const userId = parseId(params.userId, 'member')
  const viewer = await requirePermission(request, 'suspend:user')
  return orHttpError(() => getAdminUserPageView(getDb(), viewer, userId))
}

const Intent = z.discriminatedUnion('intent', [
  z
    .object({
      intent: z.literal('suspend'),
      days: z.enum([...SUSPENSION_DAYS, 'custom'], {
        error: 'Choose how long.',
      }),
      until: z.string().max(20).optional().default(''),
      reason: RequiredReason,
    })
    .refine((v) => v.days !== 'custom' || /^\d{4}-\d{2}-\d{2}$/.test(v.until), {
      path: ['until'],
      message: 'Choose the last day of the suspension.',
    }),
  z.object({ intent: z.literal('unsuspend'), reason: ModerationReason }),
  z.object({
    intent: z.literal('role'),
    role: z.enum(ROLES, { error: 'Choose a role.' }),
    reason: ModerationReason,
  }),
  z.object({
    intent: z.literal('segment'),
    segmentId: z
      .string()
      .regex(/^(?:[1-9]\d{0,15})?$/, 'Choose a segment.')
      .transform((v) => (v ? Number(v) : null)),
    reason: ModerationReason,
  }),
  z.object({
    intent: z.literal('company'),
    company: z
      .string()
      .trim()
      .max(COMPANY_EXTERNAL_ID_MAX, `Use at most ${COMPANY_EXTERNAL_ID_MAX} characters.`)
      .optional()
      .transform((v) => v || null),
    reason: ModerationReason,
  }),
  z.object({ intent: z.literal('issue-reset-link'), reason: ModerationReason }),
])

export async function action({ request, params }: ActionFunctionArgs) {
  const userId = parseId(params.userId, 'member')
  const form = await readForm(request)
  const user = await requirePermission(request, 'suspend:user')
  const parsed = parseForm(form, Intent)
  if (!parsed.ok) return data({ ...parsed, intent: String(form.get('intent') ?? '') }, { status: 400 })
  const db = getDb()
  const actor = { id: user.id, role: user.role }
  const here = `/admin/users/${userId}`
  switch (parsed.data.intent) {
    case 'suspend': {
      const { days, until, reason } = parsed.data
      const now = new Date()
      // A custom date suspends through the end of that day (UTC).
      const end = days === 'custom' ? new Date(`${until}T23:59:59.999Z`) : new Date(now.getTime() + Number(days) * DAY_MS)
      if (Number.isNaN(end.getTime())) httpError(400, 'Choose the last day of the suspension.')
      orHttpError(() => suspendUser(db, { actor, userId, until: end, reason, now }))
      return redirect(here)
    }
    case 'unsuspend': {
      orHttpError(() => unsuspendUser(db, { actor, userId, reason: parsed.data.reason }))
      return redirect(here)
    }
    case 'role': {
      const { role, reason } = parsed.data
      await requirePermission(request, 'change-role:user')
      orHttpError(() => changeUserRole(db, { actor, userId, role, reason }))
      return redirect(here)
    }
    case 'segment': {
      const { segmentId, reason } = parsed.data
      await requirePermission(request, 'change-role:user')
      orHttpError(() => changeUserSegment(db, { actor, userId, segmentId, reason }))
      return redirect(here)
    }
    case 'company': {
      const { company, reason } = parsed.data
      await requirePermission(request, 'manage:companies')
      const outcome = orHttpError(() => changeMemberCompany(db, { actorId: user.id, userId, reference: company, reason }))
      if (!outcome.ok) return data({ ...fieldFailure(form, outcome.field, outcome.message), intent: 'company' }, { status: 400 })
      return redirect(`${here}#company-title`)
    }
    case 'issue-reset-link': {
      await requirePermission(request, 'reset-password:user')
      const link = orHttpError(() => issuePasswordResetLink(db, { actorId: user.id, userId, reason: parsed.data.reason }))
      // Shown once, in this answer only: the database keeps the token's hash, never the link.
      return {
        intent: 'issue-reset-link' as const,
        resetLink: `${siteOrigin(request)}${link.path}`,
        expiresAt: link.expiresAt.toISOString(),
      }
    }
  }
}

export default function AdminUserPage() {
  const page = useLoaderData<typeof loader>()
  const result = useActionData<typeof action>()
  const { user } = page
  const failed = (intent: string) => (result && 'intent' in result && 'ok' in result && result.intent === intent ? result : null)
  const suspendFailure = failed('suspend')
  return (
    <div className="admin-page">
      <p className="breadcrumbs">
        <Link to="/admin/users">Members</Link>
      </p>
      <header className="page-header">
        <h1>
          {user.displayName} <span className="muted">@{user.username}</span>
        </h1>
      </header>
      <dl className="admin-facts">
        <dt>E-mail</dt>
        <dd>{user.email}</dd>
        <dt>Role</dt>
        <dd>{user.role}</dd>
        <dt>Segment</dt>
        <dd>{user.segment ?? 'None'}</dd>
        <dt>Reputation</dt>
        <dd>{user.reputation}</dd>
        <dt>Joined</dt>
        <dd>
          <DateTime value={user.createdAt} />
        </dd>
        <dt>Suspension</dt>
        <dd>
          {page.isSuspended ? (
            <>
              until <DateTime value={user.suspendedUntil!} />. Reason: {user.suspensionReason}
            </>
          ) : (
            'Not suspended'
          )}
        </dd>
      </dl>

      <section aria-labelledby="suspend-title" className="card">
        <h2 id="suspend-title">{page.isSuspended ? 'Suspension' : 'Suspend'}</h2>
        {page.isSuspended ? (
          <Form method="post" className="form">
            <input type="hidden" name="intent" value="unsuspend" />
            <div className="field">
              <label htmlFor="unsuspend-reason">Reason (logged, optional)</label>
              <input id="unsuspend-reason" name="reason" maxLength={500} />
            </div>
            <button type="submit">Lift the suspension</button>
          </Form>
        ) : (
          <Form method="post" className="form" noValidate>
            <FormErrors result={suspendFailure} id="suspend-error" />
            <input type="hidden" name="intent" value="suspend" />
            <fieldset className="field">
              <legend>For how long?</legend>
              {SUSPENSION_DAYS.map((d) => (
                <label key={d} className="radio">
                  <input type="radio" name="days" value={d} defaultChecked={(suspendFailure?.fields.days ?? '1') === d} /> {d}{' '}
                  {d === '1' ? 'day' : 'days'}
                </label>
              ))}
              <label className="radio">
                <input type="radio" name="days" value="custom" defaultChecked={suspendFailure?.fields.days === 'custom'} /> Until a date
              </label>
              {suspendFailure?.fieldErrors.days ? <p className="field-error">{suspendFailure.fieldErrors.days[0]}</p> : null}
            </fieldset>
            <div className="field">
              <label htmlFor="suspend-until">Last day (for “Until a date”)</label>
              <input
                id="suspend-until"
                name="until"
                type="date"
                defaultValue={suspendFailure?.fields.until}
                aria-invalid={suspendFailure?.fieldErrors.until ? true : undefined}
                aria-describedby={suspendFailure?.fieldErrors.until ? 'suspend-until-error' : undefined}
              />
              {suspendFailure?.fieldErrors.until ? (
                <p id="suspend-until-error" className="field-error">
                  {suspendFailure.fieldErrors.until[0]}
                </p>
              ) : null}
            </div>
            <div className="field">
              <label htmlFor="suspend-reason">Reason (the member sees it)</label>
              <input
                id="suspend-reason"
                name="reason"
                maxLength={500}
                required
                defaultValue={suspendFailure?.fields.reason}
                aria-invalid={suspendFailure?.fieldErrors.reason ? true : undefined}
                aria-describedby={suspendFailure?.fieldErrors.reason ? 'suspend-reason-error' : undefined}
              />
              {suspendFailure?.fieldErrors.reason ? (
                <p id="suspend-reason-error" className="field-error">
                  {suspendFailure.fieldErrors.reason[0]}
                </p>
              ) : null}
            </div>
            <button type="submit">Suspend</button>
          </Form>
        )}
      </section>

      {page.mayChangeRole ? (
        <section aria-labelledby="role-title" className="card">
          <h2 id="role-title">Role and segment</h2>
          <Form method="post" className="form">
            <input type="hidden" name="intent" value="role" />
            <div className="field">
              <label htmlFor="user-role">Role</label>
              <select id="user-role" name="role" defaultValue={user.role}>
                {ROLES.map((r) => (
                  <option key={r} value={r}>
                    {r}
                  </option>
                ))}
              </select>
            </div>
            <button type="submit">Change the role</button>
          </Form>
          <Form method="post" className="form">
            <input type="hidden" name="intent" value="segment" />
            <div className="field">
              <label htmlFor="user-segment">Segment</label>
              <select id="user-segment" name="segmentId" defaultValue={user.segmentId ?? ''}>
                <option value="">None</option>
                {page.segments.map((s) => (
                  <option key={s.id} value={s.id}>
                    {s.name}
                  </option>
                ))}
              </select>
            </div>
            <button type="submit">Change the segment</button>
          </Form>
        </section>
      ) : null}

      {page.company ? <CompanySection company={page.company} result={failed('company')} /> : null}

      {page.mayIssueResetLink ? (
        <section aria-labelledby="reset-link-title" className="card">
          <h2 id="reset-link-title">Password reset link</h2>
          {result && 'resetLink' in result ? (
            <div className="notice" role="status">
              <p>
                Pass this link on to the member. It works once, within 1 hour (until{' '}
                <time dateTime={result.expiresAt}>{result.expiresAt.slice(11, 16)} UTC</time>), and it is not shown again:
              </p>
              <p>
                <code className="reset-link">{result.resetLink}</code>
              </p>
            </div>
          ) : (
            <p className="muted">
              For a member who cannot get into their account. The link works once, for 1 hour, and replaces any earlier one; choosing a new
              password with it logs the member out everywhere.
            </p>
          )}
          <Form method="post" className="form">
            <input type="hidden" name="intent" value="issue-reset-link" />
            <div className="field">
              <label htmlFor="reset-link-reason">Reason (logged, optional)</label>
              <input id="reset-link-reason" name="reason" maxLength={500} />
            </div>
            <button type="submit" className="button-secondary">
              {result && 'resetLink' in result ? 'Make another link' : 'Make a reset link'}
            </button>
          </Form>
        </section>
      ) : null}

      <section aria-labelledby="posts-title">
        <h2 id="posts-title">Recent posts</h2>
        {page.posts.length ? (
          <ul className="admin-list">
            {page.posts.map((p) => (
              <li key={`${p.type}:${p.id}`}>
                <Link to={p.url}>{p.title}</Link> <span className="muted">({p.type})</span> <DateTime value={p.createdAt} />
                {p.deletedAt ? <span className="badge">Deleted</span> : p.hiddenReason ? <span className="badge">Hidden</span> : null}
                <ModerationMenu
                  target={{ type: p.type, id: p.id }}
                  state={{
                    hidden: !!p.hiddenAt,
                    hiddenReason: p.hiddenReason,
                    deleted: !!p.deletedAt,
                    locked: !!p.lockedAt,
                  }}
                  redirectTo={`/admin/users/${user.id}`}
                />
              </li>
            ))}
          </ul>
        ) : (
          <p className="muted">No posts.</p>
        )}
      </section>

      <section aria-labelledby="flags-raised-title">
        <h2 id="flags-raised-title">Flags raised</h2>
        <FlagTable rows={page.flagsRaised} caption="Flags this member raised" />
      </section>
      <section aria-labelledby="flags-received-title">
        <h2 id="flags-received-title">Flags received</h2>
        <FlagTable rows={page.flagsReceived} caption="Flags on this member's posts" />
      </section>

      <section aria-labelledby="ledger-title">
        <h2 id="ledger-title">Reputation ledger (latest 50)</h2>
        {page.ledger.length ? (
          <table className="admin-table">
            <caption className="visually-hidden">Reputation events</caption>
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">Change</th>
                <th scope="col">Reason</th>
                <th scope="col">Source</th>
              </tr>
            </thead>
            <tbody>
              {page.ledger.map((e) => (
                <tr key={e.id}>
                  <td>
                    <DateTime value={e.createdAt} />
                  </td>
                  <td>{e.delta > 0 ? `+${e.delta}` : e.delta}</td>
                  <td>{e.reason.replaceAll('_', ' ')}</td>
                  <td>
                    {e.sourceType} {e.sourceId}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : (
          <p className="muted">No reputation events.</p>
        )}
      </section>

      <section aria-labelledby="log-title">
        <h2 id="log-title">Staff actions about this member</h2>
        {page.log.length ? (
          <ul className="admin-list">
            {page.log.map((entry) => (
              <li key={entry.id}>
                <DateTime value={entry.createdAt} /> {entry.actorName}: {entry.action.replaceAll('_', ' ')}
                {entry.reason ? ` (${entry.reason})` : ''}
                <LogChanges before={entry.before} after={entry.after} />
              </li>
            ))}
          </ul>
        ) : (
          <p className="muted">None.</p>
        )}
      </section>
    </div>
  )
}

function CompanySection({
  company,
  result,
}: {
  company: { current: { id: number; name: string; externalId: string | null } | null; mayChange: boolean }
  result: { fields?: Record<string, string>; fieldErrors?: Record<string, string[] | undefined>; ok: false } | null
}) {
  const { current } = company
  return (
    <section aria-labelledby="company-title" className="card">
      <h2 id="company-title">Company</h2>
      <p>
        {current ? (
          <>
            <Link to={`/admin/companies/${current.id}`}>{current.name}</Link>
            {current.externalId ? <span className="muted"> (external id {current.externalId})</span> : null}
          </>
        ) : (
          'Not in a company.'
        )}
      </p>
      {company.mayChange ? (
        <>
          <Form method="post" className="form" noValidate>
            <input type="hidden" name="intent" value="company" />
            <TextField
              name="company"
              id="member-company"
              label={current ? 'Move to the company' : 'Put in the company'}
              hint="Its external id, or # and its number (#12) for a company without one."
              maxLength={COMPANY_EXTERNAL_ID_MAX}
              result={result}
            />
            <TextField name="reason" id="member-company-reason" label="Reason (logged, optional)" maxLength={500} result={result} />
            <button type="submit">{current ? 'Move' : 'Put in the company'}</button>
          </Form>
          {current ? (
            <Form method="post" className="form">
              <input type="hidden" name="intent" value="company" />
              <input type="hidden" name="company" value="" />
              <button type="submit" className="button-secondary">
                Take out of {current.name}
              </button>
            </Form>
          ) : null}
        </>
      ) : null}
    </section>
  )
}

function FlagTable({
  rows,
  caption,
}: {
  rows: Array<{
    id: number
    targetType: string
    targetId: number
    reason: keyof typeof FLAG_REASON_LABELS
    status: string
    createdAt: string | Date
  }>
  caption: string
}) {
  if (!rows.length) return <p className="muted">None.</p>
  return (
    <table className="admin-table">
      <caption className="visually-hidden">{caption}</caption>
      <thead>
        <tr>
          <th scope="col">When</th>
          <th scope="col">Post</th>
          <th scope="col">Reason</th>
          <th scope="col">Status</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((f) => (
          <tr key={f.id}>
            <td>
              <DateTime value={f.createdAt} />
            </td>
            <td>
              {f.targetType} {f.targetId}
            </td>
            <td>{FLAG_REASON_LABELS[f.reason]}</td>
            <td>{f.status}</td>
          </tr>
        ))}
      </tbody>
    </table>
  )
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary messages={{ 404: 'This member does not exist.' }} />
}
