/** Finding members (/admin/users): by username, display name or e-mail, newest first, keyset paged. */
import { type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Form, Link, useLoaderData } from '@remix-run/react'
import { GeneralErrorBoundary } from '~/components/error-boundary'
import { Pager } from '~/components/pager'
import { DateTime } from '~/components/post-rows'
import { getDb } from '~/lib/db.server'
import { decodeCursor } from '~/lib/pagination.server'
import { requirePermission } from '~/lib/permissions.server'
import { searchUsers } from '~/models/moderation.server'

export const meta: MetaFunction = () => [{ title: 'Members · Summit' }]

export async function loader({ request }: LoaderFunctionArgs) {
  await requirePermission(request, 'suspend:user')
  const url = new URL(request.url)
  const query = (url.searchParams.get('q') ?? '').slice(0, 100)
  const page = searchUsers(getDb(), {
    query,
    cursor: decodeCursor(url.searchParams.get('cursor')),
  })
  return { query, ...page }
}

export default function AdminUsersPage() {
  const { query, items, nextCursor } = useLoaderData<typeof loader>()
  return (
    <div className="admin-page">
      <header className="page-header">
        <h1>Members</h1>
      </header>
      <Form method="get" className="form field-inline-row" role="search">
        <div className="field">
          <label htmlFor="user-query">Name or e-mail</label>
          <input id="user-query" name="q" type="search" defaultValue={query} maxLength={100} />
        </div>
        <button type="submit">Search</button>
      </Form>
      {items.length ? (
        <table className="admin-table">
          <caption className="visually-hidden">Members{query ? ` matching “${query}”` : ''}</caption>
          <thead>
            <tr>
              <th scope="col">Member</th>
              <th scope="col">E-mail</th>
              <th scope="col">Role</th>
              <th scope="col">Reputation</th>
              <th scope="col">Joined</th>
              <th scope="col">Suspended until</th>
            </tr>
          </thead>
          <tbody>
            {items.map((u) => (
              <tr key={u.id}>
                <td>
                  <Link to={`/admin/users/${u.id}`}>{u.displayName}</Link> <span className="muted">@{u.username}</span>
                </td>
                <td>{u.email}</td>
                <td>{u.role}</td>
                <td>{u.reputation}</td>
                <td>
                  <DateTime value={u.createdAt} />
                </td>
                <td>
                  {u.suspendedUntil && new Date(u.suspendedUntil).getTime() > Date.now() ? <DateTime value={u.suspendedUntil} /> : '—'}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p className="muted">No members match.</p>
      )}
      <Pager nextCursor={nextCursor} label="Members" />
    </div>
  )
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />
}
