/**
 * /admin/companies: the customer companies, by name (keyset pages), with a name search; for
 * admins, a form to add one and the CSV import. Reading needs `view:companies`, changing
 * `manage:companies`. Every form is a plain post that works without JavaScript; the import takes a
 * file (multipart: readForm reads the body, within the site's form limit, and parses it as the
 * browser sent it) or pasted text.
 */
import { type ActionFunctionArgs, data, type LoaderFunctionArgs, type MetaFunction, redirect } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData, useNavigation } from '@remix-run/react'
import { z } from 'zod'
import { GeneralErrorBoundary } from '~/components/error-boundary'
import { FormErrors, SelectField, TextAreaField, TextField } from '~/components/forms'
import { Pager } from '~/components/pager'
import { formatRevenue } from '~/components/revenue'
import { getDb } from '~/lib/db.server'
import { fieldFailure, type FormFailure, MAX_FORM_BYTES, parseForm, readForm } from '~/lib/forms.server'
import { check } from '~/lib/permissions'
import { requirePermission } from '~/lib/permissions.server'
import { createCompany, decodeCompanyCursor, listCompanies, listSegmentChoices } from '~/models/companies.server'
import { type ImportRowError, importCompanies } from '~/models/company-import.server'
import {
  COMPANY_CSV_COLUMNS,
  COMPANY_EXTERNAL_ID_MAX,
  COMPANY_NAME_MAX,
  COMPANY_PLAN_MAX,
  CompanyForm,
  MAX_IMPORT_ROWS,
} from '~/schemas/company'

export const meta: MetaFunction = () => [{ title: 'Companies · Admin · Summit' }]

const Count = z
  .string()
  .regex(/^\d{1,6}$/)
  .transform(Number)
const ImportDone = z.object({ created: Count, updated: Count, unchanged: Count })

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requirePermission(request, 'view:companies')
  const db = getDb()
  const url = new URL(request.url)
  const query = (url.searchParams.get('q') ?? '').trim().slice(0, 100)
  const page = listCompanies(db, { query, cursor: decodeCompanyCursor(url.searchParams.get('cursor')) })
  const canManage = check(user, 'manage:companies').ok
  const imported = url.searchParams.get('done') === 'import' ? ImportDone.safeParse(Object.fromEntries(url.searchParams)) : null
  return {
    query,
    ...page,
    canManage,
    segments: canManage ? listSegmentChoices(db) : [],
    imported: imported?.success ? imported.data : null,
    maxImportKilobytes: MAX_FORM_BYTES / 1024,
  }
}

const CreateIntent = CompanyForm.extend({ intent: z.literal('create') })

type ImportFailure = FormFailure & { intent: 'import'; rowErrors: ImportRowError[] }

function importFailure(csv: string, formErrors: string[], rowErrors: ImportRowError[] = []): ImportFailure {
  return { ok: false, intent: 'import', fields: { csv }, fieldErrors: {}, formErrors, rowErrors }
}

/** The CSV text sent: an uploaded file, or the pasted text; one of the two. */
async function importedText(form: FormData): Promise<{ ok: true; text: string } | { ok: false; message: string }> {
  const file = form.get('file')
  const pasted = form.get('csv')
  const hasFile = file instanceof File && file.size > 0
  const hasText = typeof pasted === 'string' && pasted.trim() !== ''
  if (hasFile && hasText) return { ok: false, message: 'Choose a file or paste the text, not both.' }
  if (!hasFile && !hasText) return { ok: false, message: 'Choose a CSV file, or paste its text.' }
  const text = hasFile ? await file.text() : (pasted as string)
  // Invalid UTF-8 decodes to U+FFFD: a spreadsheet saved in another encoding would import garbled names.
  if (hasFile && text.includes('\uFFFD')) return { ok: false, message: 'The file is not UTF-8 text: save it as “CSV UTF-8” and try again.' }
  return { ok: true, text }
}

export async function action({ request }: ActionFunctionArgs) {
  const form = await readForm(request) // 403 cross-site; 413 over the site's form limit, which caps an import too
  const user = await requirePermission(request, 'manage:companies')
  const db = getDb()
  if (form.get('intent') === 'import') {
    const pasted = typeof form.get('csv') === 'string' ? (form.get('csv') as string) : ''
    const sent = await importedText(form)
    if (!sent.ok) return data(importFailure(pasted, [sent.message]), { status: 400 })
    const outcome = importCompanies(db, { actorId: user.id, csv: sent.text })
    if (!outcome.ok) {
      const count = outcome.rowErrors.length
      const formErrors = count
        ? [`Nothing was imported: ${count} ${count === 1 ? 'row needs' : 'rows need'} fixing (listed below).`]
        : outcome.formErrors.map((m) => `Nothing was imported. ${m}`)
      return data(importFailure(pasted, formErrors, outcome.rowErrors), { status: 400 })
    }
    const { created, updated, unchanged } = outcome
    return redirect(`/admin/companies?done=import&created=${created}&updated=${updated}&unchanged=${unchanged}#import`)
  }
  const parsed = parseForm(form, CreateIntent)
  if (!parsed.ok) return data({ ...parsed, intent: 'create' as const }, { status: 400 })
  const { intent: _, ...fields } = parsed.data
  const created = createCompany(db, { actorId: user.id, fields })
  if (!created.ok) return data({ ...fieldFailure(form, created.field, created.message), intent: 'create' as const }, { status: 400 })
  return redirect(`/admin/companies/${created.id}?done=created`)
}

export default function AdminCompanies() {
  const { query, items, nextCursor, canManage } = useLoaderData<typeof loader>()
  return (
    <div className="admin-page">
      <header className="page-header">
        <h1>Companies</h1>
      </header>
      <p className="muted">
        The customers your members work for. Names, plans and revenue are for the product team and admins only: members never see them.
      </p>
      <Form method="get" className="form field-inline-row" role="search" aria-label="Companies">
        <div className="field">
          <label htmlFor="company-query">Company name</label>
          <input id="company-query" name="q" type="search" defaultValue={query} maxLength={100} />
        </div>
        <button type="submit">Search</button>
      </Form>
      {items.length ? (
        <div className="table-scroll" role="region" aria-labelledby="companies-caption" tabIndex={0}>
          <table className="admin-table">
            <caption id="companies-caption">Companies by name{query ? ` matching “${query}”` : ''}</caption>
            <thead>
              <tr>
                <th scope="col">Company</th>
                <th scope="col">External id</th>
                <th scope="col">Plan</th>
                <th scope="col">Monthly revenue</th>
                <th scope="col">Members</th>
                <th scope="col">Segment</th>
              </tr>
            </thead>
            <tbody>
              {items.map((c) => (
                <tr key={c.id}>
                  <th scope="row">
                    <Link to={`/admin/companies/${c.id}`}>{c.name}</Link>
                  </th>
                  <td>{c.externalId ?? '—'}</td>
                  <td>{c.plan ?? '—'}</td>
                  <td>{formatRevenue(c.monthlyRevenue)}</td>
                  <td>{c.memberCount}</td>
                  <td>{c.segment ?? '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : (
        <p className="muted">{query ? 'No company matches.' : 'No companies yet.'}</p>
      )}
      <Pager nextCursor={nextCursor} label="Company" />
      {canManage ? (
        <>
          <AddCompany />
          <ImportCompanies />
        </>
      ) : null}
    </div>
  )
}

function AddCompany() {
  const { segments } = useLoaderData<typeof loader>()
  const result = useActionData<typeof action>()
  const mine = result && result.intent === 'create' ? result : null
  const busy = useNavigation().formData?.get('intent') === 'create'
  return (
    <section className="card" aria-labelledby="add-company-title" id="add">
      <h2 id="add-company-title">Add a company</h2>
      <Form method="post" className="form" noValidate>
        <input type="hidden" name="intent" value="create" />
        <FormErrors result={mine} id="add-company-error" />
        <TextField name="name" id="new-name" label="Name" maxLength={COMPANY_NAME_MAX} result={mine} />
        <TextField
          name="externalId"
          id="new-external-id"
          label="External id (optional)"
          hint="The company's id in your own systems; the sign-in link and the CSV import match companies by it."
          maxLength={COMPANY_EXTERNAL_ID_MAX}
          result={mine}
        />
        <TextField name="plan" id="new-plan" label="Plan (optional)" maxLength={COMPANY_PLAN_MAX} result={mine} />
        <TextField
          name="monthlyRevenue"
          id="new-revenue"
          label="Monthly revenue"
          hint="Whole currency units, digits only."
          inputMode="numeric"
          defaultValue="0"
          maxLength={13}
          result={mine}
        />
        <SelectField
          name="segmentId"
          id="new-segment"
          label="Segment"
          options={[{ value: '', label: 'None' }, ...segments.map((s) => ({ value: String(s.id), label: s.name }))]}
          result={mine}
        />
        <button type="submit" disabled={busy}>
          Add the company
        </button>
      </Form>
    </section>
  )
}

function ImportCompanies() {
  const { imported, maxImportKilobytes } = useLoaderData<typeof loader>()
  const result = useActionData<typeof action>()
  const mine = result && result.intent === 'import' ? result : null
  const rowErrors = mine && 'rowErrors' in mine ? mine.rowErrors : []
  const busy = useNavigation().formData?.get('intent') === 'import'
  return (
    <section className="card" aria-labelledby="import-title" id="import">
      <h2 id="import-title">Import companies from CSV</h2>
      {imported ? (
        <p className="notice" role="status">
          Imported: {imported.created} created, {imported.updated} updated, {imported.unchanged} unchanged.
        </p>
      ) : null}
      <p className="muted">
        A header row, then one company per row. Columns, in any order: <code>{COMPANY_CSV_COLUMNS.join(',')}</code>; only <code>name</code>{' '}
        is required. A row with an <code>external_id</code> updates the company with that id or adds it; a row without one updates the only
        company with exactly that name, or adds one. An empty cell keeps what the company has. <code>monthly_revenue</code> is whole
        currency units; <code>segment</code> is a segment’s name. If any row is wrong, nothing is imported. At most{' '}
        {MAX_IMPORT_ROWS.toLocaleString('en-US')} rows and {maxImportKilobytes} KB a file: split a longer list.
      </p>
      <Form method="post" encType="multipart/form-data" className="form form-wide" noValidate>
        <input type="hidden" name="intent" value="import" />
        <FormErrors result={mine} id="import-error" />
        <div className="field">
          <label htmlFor="import-file">CSV file</label>
          <input id="import-file" name="file" type="file" accept=".csv,text/csv" aria-describedby="import-file-hint" />
          <p id="import-file-hint" className="field-hint">
            UTF-8, as spreadsheets save “CSV UTF-8”.
          </p>
        </div>
        <TextAreaField name="csv" id="import-text" label="Or paste the CSV text" rows={8} result={mine} spellCheck={false} />
        <button type="submit" disabled={busy}>
          Import
        </button>
      </Form>
      {rowErrors.length ? (
        <div className="table-scroll" role="region" aria-labelledby="import-errors-caption" tabIndex={0}>
          <table className="admin-table">
            <caption id="import-errors-caption">Rows to fix ({rowErrors.length})</caption>
            <thead>
              <tr>
                <th scope="col">Line</th>
                <th scope="col">Column</th>
                <th scope="col">Problem</th>
              </tr>
            </thead>
            <tbody>
              {rowErrors.flatMap((row) =>
                row.errors.map((e, i) => (
                  <tr key={`${row.line}-${i}`}>
                    <th scope="row">{row.line}</th>
                    <td>{e.column}</td>
                    <td>{e.message}</td>
                  </tr>
                )),
              )}
            </tbody>
          </table>
        </div>
      ) : null}
    </section>
  )
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary messages={{ 413: 'That is too large to import at once: split the file into smaller ones.' }} />
}
