/**
 * /admin/companies/:companyId: one customer company, its members (newest first, keyset pages) and,
 * for admins, the form to edit it and the one to delete it (its members stay, without a company).
 * Reading needs `view:companies`, changing `manage:companies`. Members join or leave a company
 * from their own page, /admin/users/:userId.
 */
import { type ActionFunctionArgs, data, type LoaderFunctionArgs, type MetaFunction, redirect } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData, useNavigation } from '@remix-run/react'
import { z } from 'zod'
import { GeneralErrorBoundary } from '~/components/error-boundary'
import { FormErrors, SelectField, TextField } from '~/components/forms'
import { Pager } from '~/components/pager'
import { DateTime } from '~/components/post-rows'
import { formatRevenue } from '~/components/revenue'
import { getDb } from '~/lib/db.server'
import { fieldFailure, parseForm, readForm } from '~/lib/forms.server'
import { orHttpError } from '~/lib/http.server'
import { parseId } from '~/lib/params.server'
import { check } from '~/lib/permissions'
import { requirePermission } from '~/lib/permissions.server'
import { deleteCompany, getCompany, listCompanyMembers, listSegmentChoices, updateCompany } from '~/models/companies.server'
import { CompanyForm, COMPANY_EXTERNAL_ID_MAX, COMPANY_NAME_MAX, COMPANY_PLAN_MAX } from '~/schemas/company'
import { ModerationReason } from '~/schemas/moderation'

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data?.company.name ?? 'Company'} · Companies · Summit` }]

const NOTICES = { created: 'The company was added.', saved: 'The company was saved.' } as const
const MemberCursor = z
  .string()
  .regex(/^[1-9]\d{0,15}$/)
  .transform(Number)

export async function loader({ request, params }: LoaderFunctionArgs) {
  const companyId = parseId(params.companyId, 'company')
  const user = await requirePermission(request, 'view:companies')
  const db = getDb()
  const url = new URL(request.url)
  const company = orHttpError(() => getCompany(db, companyId))
  const before = MemberCursor.safeParse(url.searchParams.get('cursor'))
  const members = listCompanyMembers(db, { companyId, before: before.success ? before.data : null })
  const canManage = check(user, 'manage:companies').ok
  const done = url.searchParams.get('done')
  return {
    company,
    members: members.items,
    nextCursor: members.nextBefore ? String(members.nextBefore) : null,
    canManage,
    segments: canManage ? listSegmentChoices(db) : [],
    notice: done && done in NOTICES ? NOTICES[done as keyof typeof NOTICES] : null,
  }
}

const Intent = z.discriminatedUnion('intent', [
  CompanyForm.extend({ intent: z.literal('update') }),
  z.object({
    intent: z.literal('delete'),
    confirm: z.literal('yes', { error: 'Tick the box to confirm.' }),
    reason: ModerationReason,
  }),
])

export async function action({ request, params }: ActionFunctionArgs) {
  const companyId = parseId(params.companyId, 'company')
  const form = await readForm(request)
  const user = await requirePermission(request, 'manage:companies')
  const parsed = parseForm(form, Intent)
  const intent = String(form.get('intent') ?? '')
  if (!parsed.ok) return data({ ...parsed, intent }, { status: 400 })
  const db = getDb()
  const input = parsed.data
  switch (input.intent) {
    case 'update': {
      const { intent: _, ...fields } = input
      const outcome = orHttpError(() => updateCompany(db, { actorId: user.id, companyId, fields }))
      if (!outcome.ok) return data({ ...fieldFailure(form, outcome.field, outcome.message), intent }, { status: 400 })
      return redirect(`/admin/companies/${companyId}?done=saved`)
    }
    case 'delete': {
      orHttpError(() => deleteCompany(db, { actorId: user.id, companyId, reason: input.reason }))
      return redirect('/admin/companies')
    }
  }
}

export default function AdminCompanyPage() {
  const { company, members, nextCursor, canManage, notice } = useLoaderData<typeof loader>()
  return (
    <div className="admin-page">
      <p className="breadcrumbs">
        <Link to="/admin/companies">Companies</Link>
      </p>
      <header className="page-header">
        <h1>{company.name}</h1>
      </header>
      {notice ? (
        <p className="notice" role="status">
          {notice}
        </p>
      ) : null}
      <dl className="admin-facts">
        <dt>External id</dt>
        <dd>{company.externalId ?? 'None'}</dd>
        <dt>Plan</dt>
        <dd>{company.plan ?? 'None'}</dd>
        <dt>Monthly revenue</dt>
        <dd>{formatRevenue(company.monthlyRevenue)}</dd>
        <dt>Segment</dt>
        <dd>{company.segment ?? 'None'}</dd>
        <dt>Members</dt>
        <dd>{company.memberCount}</dd>
        <dt>Added</dt>
        <dd>
          <DateTime value={company.createdAt} />
        </dd>
        <dt>Last changed</dt>
        <dd>
          <DateTime value={company.updatedAt} />
        </dd>
      </dl>

      {canManage ? <EditCompany /> : null}

      <section aria-labelledby="members-title">
        <h2 id="members-title">Members</h2>
        <p className="muted">To put a member in this company or take them out, open their page from the members list.</p>
        {members.length ? (
          <table className="admin-table">
            <caption className="visually-hidden">Members of {company.name}, newest account first</caption>
            <thead>
              <tr>
                <th scope="col">Member</th>
                <th scope="col">Role</th>
                <th scope="col">Joined</th>
              </tr>
            </thead>
            <tbody>
              {members.map((m) => (
                <tr key={m.id}>
                  <th scope="row">
                    <Link to={`/admin/users/${m.id}`}>{m.displayName}</Link> <span className="muted">@{m.username}</span>
                  </th>
                  <td>{m.role}</td>
                  <td>
                    <DateTime value={m.createdAt} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : (
          <p className="muted">No members.</p>
        )}
        <Pager nextCursor={nextCursor} label="Member" />
      </section>

      {canManage ? <DeleteCompany /> : null}
    </div>
  )
}

function EditCompany() {
  const { company, segments } = useLoaderData<typeof loader>()
  const result = useActionData<typeof action>()
  const mine = result && result.intent === 'update' ? result : null
  const busy = useNavigation().formData?.get('intent') === 'update'
  return (
    <section className="card" aria-labelledby="edit-company-title">
      <h2 id="edit-company-title">Edit</h2>
      <Form method="post" className="form" noValidate key={String(company.updatedAt)}>
        <input type="hidden" name="intent" value="update" />
        <FormErrors result={mine} id="edit-company-error" />
        <TextField name="name" label="Name" maxLength={COMPANY_NAME_MAX} defaultValue={company.name} result={mine} />
        <TextField
          name="externalId"
          label="External id (optional)"
          hint="The company's id in your own systems; the sign-in link and the CSV import match companies by it."
          maxLength={COMPANY_EXTERNAL_ID_MAX}
          defaultValue={company.externalId ?? ''}
          result={mine}
        />
        <TextField name="plan" label="Plan (optional)" maxLength={COMPANY_PLAN_MAX} defaultValue={company.plan ?? ''} result={mine} />
        <TextField
          name="monthlyRevenue"
          label="Monthly revenue"
          hint="Whole currency units, digits only."
          inputMode="numeric"
          maxLength={13}
          defaultValue={String(company.monthlyRevenue)}
          result={mine}
        />
        <SelectField
          name="segmentId"
          label="Segment"
          defaultValue={company.segmentId ? String(company.segmentId) : ''}
          options={[{ value: '', label: 'None' }, ...segments.map((s) => ({ value: String(s.id), label: s.name }))]}
          result={mine}
        />
        <button type="submit" disabled={busy}>
          Save the company
        </button>
      </Form>
    </section>
  )
}

function DeleteCompany() {
  const { company } = useLoaderData<typeof loader>()
  const result = useActionData<typeof action>()
  const mine = result && result.intent === 'delete' ? result : null
  const confirmError = mine?.fieldErrors?.confirm?.[0]
  return (
    <section className="card" aria-labelledby="delete-company-title">
      <h2 id="delete-company-title">Delete the company</h2>
      <p>
        Its {company.memberCount} {company.memberCount === 1 ? 'member stays' : 'members stay'}, without a company; their votes stop
        counting for it on the product dashboard. This cannot be undone.
      </p>
      <Form method="post" className="form" noValidate>
        <input type="hidden" name="intent" value="delete" />
        <FormErrors result={mine} id="delete-company-error" />
        <TextField name="reason" id="delete-reason" label="Reason (logged, optional)" maxLength={500} result={mine} />
        <div className="field-checkbox">
          <input
            id="delete-confirm"
            name="confirm"
            type="checkbox"
            value="yes"
            aria-invalid={confirmError ? true : undefined}
            aria-describedby={confirmError ? 'delete-confirm-error' : undefined}
          />
          <label htmlFor="delete-confirm">Yes, delete {company.name}</label>
        </div>
        {confirmError ? (
          <p id="delete-confirm-error" className="field-error">
            {confirmError}
          </p>
        ) : null}
        <button type="submit" className="button-danger">
          Delete the company
        </button>
      </Form>
    </section>
  )
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary messages={{ 404: 'This company does not exist, or it was deleted.' }} />
}
