/**
 * /admin/ideas: the product team's triage table. Ideas ranked by votes, by votes in a trend window,
 * by votes from one segment, by the weighted score, and (for `view:companies`) by the customer
 * companies behind the votes or their monthly revenue; filtered by status, category and company
 * plan; a bulk status change with one official note; the CSV export of the current filter.
 */
import { type ActionFunctionArgs, data, type LoaderFunctionArgs, type MetaFunction, redirect } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData, useLocation, useNavigation } from '@remix-run/react'
import { z } from 'zod'
import { GeneralErrorBoundary } from '~/components/error-boundary'
import { FormErrors, MARKDOWN_HINT, SelectField, TextAreaField } from '~/components/forms'
import { DateTime, StatusBadge } from '~/components/post-rows'
import { formatRevenue } from '~/components/revenue'
import { getDb } from '~/lib/db.server'
import { type FormFailure, formFields, readForm } from '~/lib/forms.server'
import { IDEA_STATUS_LABELS, LISTED_IDEA_STATUSES } from '~/lib/labels'
import { check } from '~/lib/permissions'
import { requirePermission } from '~/lib/permissions.server'
import { listCategories } from '~/models/categories.server'
import { SETTABLE_STATUSES } from '~/models/idea-status.server'
import { listCompanyPlans } from '~/models/companies.server'
import { BULK_MAX_IDEAS, bulkChangeIdeaStatus, listProductIdeas, listSegments } from '~/models/product.server'
import { OfficialNote } from '~/schemas/idea'
import { COMPANY_SORTS, PRODUCT_SORTS, readIdeaFilter, TREND_WINDOWS } from '~/schemas/product-filter'

export const meta: MetaFunction = () => [{ title: 'Ideas · Admin · Summit' }]

const SORT_LABELS = {
  votes: 'Votes',
  trend: 'Trend (votes in the window)',
  segment: 'Votes from a segment',
  weighted: 'Weighted score',
  companies: 'Companies that voted (each once)',
  revenue: 'Monthly revenue of the companies that voted',
} as const
const isCompanySort = (sort: string) => (COMPANY_SORTS as readonly string[]).includes(sort)

const Id = z
  .string()
  .regex(/^[1-9]\d{0,15}$/)
  .transform(Number)

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requirePermission(request, 'view:product-dashboard')
  const db = getDb()
  const url = new URL(request.url)
  const filter = readIdeaFilter(url)
  const segments = listSegments(db)
  const categories = listCategories(db)
  // Companies (their names, plans and revenue) are for view:companies only: without it there is no
  // company rank, plan filter or column, and no plan list in the page.
  const withCompanies = check(user, 'view:companies').ok
  const plans = withCompanies ? listCompanyPlans(db) : []
  const plan = filter.plan && plans.includes(filter.plan) ? filter.plan : null
  let segmentId = filter.segment && segments.some((s) => s.id === filter.segment) ? filter.segment : null
  // Ranking by a segment needs one: the first, when none is chosen (or none exists: by votes).
  if (filter.sort === 'segment' && !segmentId) segmentId = segments[0]?.id ?? null
  const sort = (filter.sort === 'segment' && !segmentId) || (isCompanySort(filter.sort) && !withCompanies) ? 'votes' : filter.sort
  const result = listProductIdeas(db, {
    sort,
    windowDays: filter.window,
    segmentId,
    status: filter.status,
    categoryId: filter.category,
    plan,
    withCompanies,
    page: filter.page,
  })
  const done = url.searchParams.get('done')
  const skipped = url.searchParams.get('skipped')
  return {
    filter: { ...filter, sort, segmentId, plan },
    segments: segments.map((s) => ({ id: s.id, name: s.name })),
    withCompanies,
    plans,
    categories: categories.map((c) => ({ id: c.id, name: c.name })),
    result,
    canChangeStatus: check(user, 'change-status:idea').ok,
    statusOptions: SETTABLE_STATUSES.map((s) => ({ value: s, label: IDEA_STATUS_LABELS[s] })),
    canExport: check(user, 'export:ideas').ok,
    notice: done
      ? `${done} idea${done === '1' ? ' was' : 's were'} moved; each one's voters, followers and author were notified.${skipped && skipped !== '0' ? ` ${skipped} already had that status or could not be changed.` : ''}`
      : null,
  }
}

const BulkForm = z.object({
  intent: z.literal('bulk-status'),
  status: z.enum(SETTABLE_STATUSES, { error: 'Choose a status.' }),
  note: OfficialNote,
  ideaIds: z
    .array(Id, { error: 'Select at least one idea.' })
    .min(1, 'Select at least one idea.')
    .max(BULK_MAX_IDEAS, `Select at most ${BULK_MAX_IDEAS} ideas.`),
})

export async function action({ request }: ActionFunctionArgs) {
  const form = await readForm(request)
  const user = await requirePermission(request, 'change-status:idea')
  const ideaIds = form.getAll('ideaId').filter((v): v is string => typeof v === 'string')
  const parsed = BulkForm.safeParse({ ...formFields(form), ideaIds })
  if (!parsed.success) {
    const fieldErrors: Record<string, string[]> = {}
    for (const issue of parsed.error.issues) (fieldErrors[String(issue.path[0] ?? 'form')] ??= []).push(issue.message)
    const { ideaId: _, ...fields } = formFields(form)
    const failure: FormFailure & { selected: string[] } = {
      ok: false,
      fields,
      fieldErrors,
      formErrors: fieldErrors.ideaIds ?? [],
      selected: ideaIds,
    }
    return data(failure, { status: 400 })
  }
  const { status, note } = parsed.data
  const outcome = bulkChangeIdeaStatus(getDb(), { ideaIds: parsed.data.ideaIds, actorId: user.id, toStatus: status, noteMd: note })
  const back = new URL(request.url)
  back.searchParams.delete('index')
  back.searchParams.set('done', String(outcome.changed.length))
  back.searchParams.set('skipped', String(outcome.skipped.length))
  return redirect(`${back.pathname}${back.search}#results`)
}

function FilterForm() {
  const { filter, segments, categories, withCompanies, plans } = useLoaderData<typeof loader>()
  return (
    <Form method="get" className="admin-filter" aria-label="Rank and filter ideas">
      <SelectField
        name="sort"
        label="Rank by"
        defaultValue={filter.sort}
        options={PRODUCT_SORTS.filter((s) => withCompanies || !isCompanySort(s)).map((s) => ({ value: s, label: SORT_LABELS[s] }))}
      />
      <SelectField
        name="window"
        label="Trend window"
        defaultValue={String(filter.window)}
        options={TREND_WINDOWS.map((w) => ({ value: String(w), label: `Last ${w} days` }))}
      />
      <SelectField
        name="segment"
        label="Segment"
        defaultValue={filter.segmentId ? String(filter.segmentId) : ''}
        options={[{ value: '', label: 'All members' }, ...segments.map((s) => ({ value: String(s.id), label: s.name }))]}
      />
      <SelectField
        name="status"
        label="Status"
        defaultValue={filter.status ?? ''}
        options={[{ value: '', label: 'Any status' }, ...LISTED_IDEA_STATUSES.map((s) => ({ value: s, label: IDEA_STATUS_LABELS[s] }))]}
      />
      <SelectField
        name="category"
        label="Category"
        defaultValue={filter.category ? String(filter.category) : ''}
        options={[{ value: '', label: 'Any category' }, ...categories.map((c) => ({ value: String(c.id), label: c.name }))]}
      />
      {withCompanies ? (
        <SelectField
          name="plan"
          label="Company plan"
          hint="Count only votes from members of companies on this plan."
          defaultValue={filter.plan ?? ''}
          options={[{ value: '', label: 'All votes' }, ...plans.map((p) => ({ value: p, label: p }))]}
        />
      ) : null}
      <button type="submit">Show ideas</button>
    </Form>
  )
}

export default function AdminIdeas() {
  const { filter, segments, result, canChangeStatus, canExport, notice, statusOptions, withCompanies } = useLoaderData<typeof loader>()
  const failure = useActionData<typeof action>()
  const navigation = useNavigation()
  const location = useLocation()
  const busy = navigation.state === 'submitting' && navigation.formData?.get('intent') === 'bulk-status'
  const segmentName = segments.find((s) => s.id === filter.segmentId)?.name
  const selected = new Set(failure?.selected ?? [])
  const exportParams = new URLSearchParams()
  if (filter.status) exportParams.set('status', filter.status)
  if (filter.category) exportParams.set('category', String(filter.category))
  const pageLink = (page: number) => {
    const params = new URLSearchParams(location.search)
    params.set('page', String(page))
    params.delete('done')
    params.delete('skipped')
    return `${location.pathname}?${params}`
  }
  return (
    <div className="admin-ideas">
      <h1>Ideas</h1>
      <FilterForm />
      {notice ? (
        <p className="notice" role="status">
          {notice}
        </p>
      ) : null}
      {canExport ? (
        <p>
          <a href={`/admin/ideas.csv${exportParams.size ? `?${exportParams}` : ''}`} download>
            Download these ideas as CSV
          </a>{' '}
          <span className="muted">(status and category filters; votes per segment as columns)</span>
        </p>
      ) : null}
      <Form method="post" className="bulk-form" id="results" noValidate>
        <input type="hidden" name="intent" value="bulk-status" />
        <FormErrors result={failure} id="bulk-error" />
        <div className="table-scroll" role="region" aria-labelledby="ideas-table-caption" tabIndex={0}>
          <table className="admin-table">
            <caption id="ideas-table-caption">
              {result.items.length ? `Ideas ranked by ${SORT_LABELS[filter.sort].toLowerCase()}` : 'No ideas match this filter'}
              {filter.sort === 'segment' && segmentName ? ` (${segmentName})` : ''}
              {filter.plan ? `, counting only votes from companies on the ${filter.plan} plan` : ''}, page {result.page}
            </caption>
            <thead>
              <tr>
                {canChangeStatus ? (
                  <th scope="col">
                    <span className="visually-hidden">Select</span>
                  </th>
                ) : null}
                <th scope="col">Idea</th>
                <th scope="col">Votes</th>
                {filter.plan ? <th scope="col">Votes from the {filter.plan} plan</th> : null}
                <th scope="col">Weighted score</th>
                <th scope="col">Votes in {filter.window} days</th>
                {segmentName ? <th scope="col">Votes from {segmentName}</th> : null}
                {withCompanies ? (
                  <>
                    <th scope="col">Companies</th>
                    <th scope="col">Monthly revenue</th>
                  </>
                ) : null}
                <th scope="col">Status</th>
                <th scope="col">Posted</th>
                <th scope="col">Last activity</th>
                <th scope="col">Notes</th>
                {canExport ? <th scope="col">Voters</th> : null}
              </tr>
            </thead>
            <tbody>
              {result.items.map((idea) => (
                <tr key={idea.id}>
                  {canChangeStatus ? (
                    <td>
                      <input
                        type="checkbox"
                        name="ideaId"
                        value={idea.id}
                        id={`select-${idea.id}`}
                        defaultChecked={selected.has(String(idea.id))}
                        aria-label={`Select “${idea.title}”`}
                      />
                    </td>
                  ) : null}
                  <th scope="row">
                    <Link to={`/ideas/${idea.id}`}>{idea.title}</Link>
                    {idea.category ? <span className="muted"> · {idea.category}</span> : null}
                  </th>
                  <td>{idea.voteCount}</td>
                  {filter.plan ? <td>{idea.planVotes ?? 0}</td> : null}
                  <td>{idea.weightedScore}</td>
                  <td>{idea.windowVotes}</td>
                  {segmentName ? <td>{idea.segmentVotes ?? 0}</td> : null}
                  {withCompanies ? (
                    <>
                      <td>{idea.companyCount ?? 0}</td>
                      <td>{formatRevenue(idea.revenue ?? 0)}</td>
                    </>
                  ) : null}
                  <td>
                    <StatusBadge status={idea.status} />
                  </td>
                  <td>
                    <DateTime value={idea.createdAt} />
                  </td>
                  <td>
                    <DateTime value={idea.lastActivityAt} />
                  </td>
                  <td>{idea.noteCount}</td>
                  {canExport ? (
                    <td>
                      <a href={`/admin/ideas/${idea.id}/voters.csv`} download aria-label={`Voters of “${idea.title}” as CSV`}>
                        CSV
                      </a>
                    </td>
                  ) : null}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        {result.hasPrevious || result.hasNext ? (
          <nav className="pager" aria-label="Idea pages">
            {result.hasPrevious ? <Link to={pageLink(result.page - 1)}>Previous page</Link> : null}
            {result.hasNext ? (
              <Link to={pageLink(result.page + 1)} rel="next">
                Next page
              </Link>
            ) : null}
          </nav>
        ) : null}
        {canChangeStatus && result.items.length ? (
          <fieldset className="bulk-actions">
            <legend>Change the status of the selected ideas</legend>
            <SelectField
              name="status"
              id="bulk-status"
              label="New status"
              result={failure}
              options={[{ value: '', label: 'Choose a status' }, ...statusOptions]}
            />
            <TextAreaField
              name="note"
              id="bulk-note"
              label="Official note"
              hint={`Sent to the voters, followers and author of each idea, and shown on its timeline. ${MARKDOWN_HINT}`}
              maxLength={5000}
              result={failure}
            />
            <button type="submit" disabled={busy}>
              Change status of selected ideas
            </button>
          </fieldset>
        ) : null}
      </Form>
    </div>
  )
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />
}
