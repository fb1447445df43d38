/** /admin: the dashboard for staff: activity per week, the status funnel and how questions get answered. */
import { type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { useLoaderData } from '@remix-run/react'
import { BarChart, HorizontalBars } from '~/components/charts'
import { GeneralErrorBoundary } from '~/components/error-boundary'
import { getDb } from '~/lib/db.server'
import { requirePermission } from '~/lib/permissions.server'
import { getDashboard } from '~/models/analytics.server'

export const meta: MetaFunction = () => [{ title: 'Dashboard · Admin · Summit' }]

export async function loader({ request }: LoaderFunctionArgs) {
  await requirePermission(request, 'view:admin')
  return getDashboard(getDb())
}

const WEEK_FORMAT = new Intl.DateTimeFormat('en', { month: 'short', day: 'numeric', timeZone: 'UTC' })
const FUNNEL_CLASSES: Record<string, string> = {
  open: 'chart-fill-1',
  planned: 'chart-fill-2',
  shipped: 'chart-fill-3',
  declined: 'chart-fill-4',
}

/** "3 h 20 min", "2 d 4 h", "45 min". */
function formatDuration(ms: number) {
  const minutes = Math.round(ms / 60_000)
  if (minutes < 60) return `${minutes} min`
  const hours = Math.floor(minutes / 60)
  if (hours < 48) return `${hours} h ${minutes % 60} min`
  return `${Math.floor(hours / 24)} d ${hours % 24} h`
}

const percent = (part: number, whole: number) => (whole ? Math.round((part / whole) * 100) : 0)

export default function AdminDashboard() {
  const { activity, funnel, answers } = useLoaderData<typeof loader>()
  const labels = activity.weeks.map((w) => WEEK_FORMAT.format(new Date(w)))
  const total = (values: number[]) => values.reduce((a, b) => a + b, 0)
  return (
    <div className="admin-dashboard">
      <h1>Dashboard</h1>
      <section className="card" aria-labelledby="activity-title">
        <h2 id="activity-title">Activity per week</h2>
        <BarChart
          title="New ideas, questions and idea votes per week"
          description={`The last ${labels.length} weeks, from the week of ${labels[0]} to this week. In total: ${total(activity.ideas)} new ideas, ${total(activity.questions)} questions and ${total(activity.votes)} idea votes (votes still standing).`}
          labels={labels}
          series={[
            { name: 'New ideas', values: activity.ideas, className: 'chart-fill-1' },
            { name: 'Questions', values: activity.questions, className: 'chart-fill-2' },
            { name: 'Idea votes', values: activity.votes, className: 'chart-fill-3' },
          ]}
        />
      </section>
      <section className="card" aria-labelledby="funnel-title">
        <h2 id="funnel-title">Status funnel</h2>
        <HorizontalBars
          title="Ideas by stage"
          description={funnel.map((s) => `${s.label}: ${s.count}`).join('; ')}
          headers={['Stage', 'Ideas']}
          rows={funnel.map((s) => ({ label: s.label, value: s.count, className: FUNNEL_CLASSES[s.key]! }))}
        />
      </section>
      <section className="card" aria-labelledby="answers-title">
        <h2 id="answers-title">Questions of the last {answers.windowDays} days</h2>
        <dl className="facts">
          <dt>Median time to a first answer</dt>
          <dd>{answers.medianMs == null ? 'No answered questions yet' : formatDuration(answers.medianMs)}</dd>
          <dt>Questions asked</dt>
          <dd>
            {answers.asked} ({answers.unanswered} without an answer)
          </dd>
        </dl>
        <HorizontalBars
          title="Who gave the first answer"
          description={`Of ${answers.answered} answered questions, ${percent(answers.byCustomers, answers.answered)}% got their first answer from a customer and ${percent(answers.byStaff, answers.answered)}% from staff.`}
          headers={['First answer by', 'Share of answered questions']}
          unit="%"
          rows={[
            { label: 'Customers', value: percent(answers.byCustomers, answers.answered), className: 'chart-fill-1' },
            { label: 'Staff', value: percent(answers.byStaff, answers.answered), className: 'chart-fill-2' },
          ]}
        />
      </section>
    </div>
  )
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />
}
