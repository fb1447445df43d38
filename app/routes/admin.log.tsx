/** The moderation log (/admin/log): every staff action, newest first, filterable by actor, action and dates. */
import { type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Form, useLoaderData } from '@remix-run/react'
import { z } from 'zod'
import { GeneralErrorBoundary } from '~/components/error-boundary'
import { LogChanges } from '~/components/log-changes'
import { Pager } from '~/components/pager'
import { DateTime } from '~/components/post-rows'
import { MODERATION_ACTIONS } from '~/domain'
import { getDb } from '~/lib/db.server'
import { decodeCursor } from '~/lib/pagination.server'
import { requirePermission } from '~/lib/permissions.server'
import { listModerationLog } from '~/models/moderation-log.server'

export const meta: MetaFunction = () => [{ title: 'Moderation log · Summit' }]

const Day = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/)
  .transform((v) => new Date(`${v}T00:00:00.000Z`))
  .refine((d) => !Number.isNaN(d.getTime()))
const DAY_MS = 86_400_000

/** Unknown or malformed filters are ignored: a GET list never fails on its query string. */
function readFilters(url: URL) {
  const get = (name: string) => url.searchParams.get(name) ?? ''
  const actor = get('actor').trim().slice(0, 30)
  const action = (MODERATION_ACTIONS as readonly string[]).includes(get('action')) ? get('action') : ''
  const from = Day.safeParse(get('from'))
  const to = Day.safeParse(get('to'))
  return {
    fields: {
      actor,
      action,
      from: from.success ? get('from') : '',
      to: to.success ? get('to') : '',
    },
    query: {
      actorUsername: actor || null,
      action: action || null,
      from: from.success ? from.data : null,
      // "to" is inclusive: up to the end of that day.
      to: to.success ? new Date(to.data.getTime() + DAY_MS) : null,
    },
  }
}

export async function loader({ request }: LoaderFunctionArgs) {
  await requirePermission(request, 'view:moderation-log')
  const url = new URL(request.url)
  const { fields, query } = readFilters(url)
  const page = listModerationLog(getDb(), {
    ...query,
    cursor: decodeCursor(url.searchParams.get('cursor')),
  })
  return { fields, ...page }
}

const TARGET_PATHS: Record<string, (id: number) => string> = {
  idea: (id) => `/ideas/${id}`,
  question: (id) => `/questions/${id}`,
  user: (id) => `/admin/users/${id}`,
}

export default function ModerationLogPage() {
  const { fields, items, nextCursor } = useLoaderData<typeof loader>()
  return (
    <div className="admin-page">
      <header className="page-header">
        <h1>Moderation log</h1>
      </header>
      <Form method="get" className="form log-filters">
        <div className="field">
          <label htmlFor="log-actor">Staff member (username)</label>
          <input id="log-actor" name="actor" defaultValue={fields.actor} maxLength={30} />
        </div>
        <div className="field">
          <label htmlFor="log-action">Action</label>
          <select id="log-action" name="action" defaultValue={fields.action}>
            <option value="">Any action</option>
            {MODERATION_ACTIONS.map((a) => (
              <option key={a} value={a}>
                {a.replaceAll('_', ' ')}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="log-from">From</label>
          <input id="log-from" name="from" type="date" defaultValue={fields.from} />
        </div>
        <div className="field">
          <label htmlFor="log-to">To</label>
          <input id="log-to" name="to" type="date" defaultValue={fields.to} />
        </div>
        <button type="submit">Filter</button>
      </Form>
      {items.length ? (
        <table className="admin-table">
          <caption className="visually-hidden">Moderation log entries, newest first</caption>
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">Who</th>
              <th scope="col">Action</th>
              <th scope="col">Target</th>
              <th scope="col">Reason</th>
              <th scope="col">Changes</th>
            </tr>
          </thead>
          <tbody>
            {items.map((entry) => {
              const path = TARGET_PATHS[entry.targetType]?.(entry.targetId)
              return (
                <tr key={entry.id}>
                  <td>
                    <DateTime value={entry.createdAt} />
                  </td>
                  <td>
                    {entry.actorName} <span className="muted">@{entry.actorUsername}</span>
                  </td>
                  <td>{entry.action.replaceAll('_', ' ')}</td>
                  <td>
                    {path ? (
                      <a href={path}>
                        {entry.targetType} {entry.targetId}
                      </a>
                    ) : (
                      `${entry.targetType} ${entry.targetId}`
                    )}
                  </td>
                  <td>{entry.reason || '—'}</td>
                  <td>
                    <LogChanges before={entry.before} after={entry.after} />
                  </td>
                </tr>
              )
            })}
          </tbody>
        </table>
      ) : (
        <p className="muted">No entries match.</p>
      )}
      <Pager nextCursor={nextCursor} label="Log" />
    </div>
  )
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />
}
