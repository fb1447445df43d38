/**
 * The admin area's frame: staff only (moderators and up), checked here on the server, with a nav
 * that shows each viewer only the sections their role may open. Every child route still checks
 * its own permission in its loader and action: loaders run in parallel, so this check alone would
 * not stop a child's data from being computed.
 */
import { type LoaderFunctionArgs } from '@remix-run/node'
import { NavLink, Outlet, useLoaderData } from '@remix-run/react'
import { GeneralErrorBoundary } from '~/components/error-boundary'
import { check, type Permission } from '~/lib/permissions'
import { requirePermission } from '~/lib/permissions.server'

const SECTIONS: readonly { to: string; label: string; permission: Permission; end?: boolean }[] = [
  { to: '/admin', label: 'Dashboard', permission: 'view:admin', end: true },
  { to: '/admin/ideas', label: 'Ideas', permission: 'view:product-dashboard' },
  { to: '/admin/companies', label: 'Companies', permission: 'view:companies' },
  { to: '/admin/flags', label: 'Flags', permission: 'review:flag' },
  { to: '/admin/users', label: 'Users', permission: 'suspend:user' },
  { to: '/admin/log', label: 'Log', permission: 'view:moderation-log' },
  { to: '/admin/settings', label: 'Settings', permission: 'manage:settings' },
  { to: '/admin/webhooks', label: 'Webhooks', permission: 'manage:webhooks' },
]

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requirePermission(request, 'view:admin') // anonymous: to /login?redirectTo=…; members: 403
  return { sections: SECTIONS.filter((s) => check(user, s.permission).ok).map(({ permission: _, ...s }) => s) }
}

export default function AdminLayout() {
  const { sections } = useLoaderData<typeof loader>()
  return (
    <div className="admin-area">
      <nav aria-label="Admin" className="admin-nav">
        <ul>
          {sections.map((s) => (
            <li key={s.to}>
              {/* NavLink sets aria-current="page" on the active section. */}
              <NavLink to={s.to} end={s.end}>
                {s.label}
              </NavLink>
            </li>
          ))}
        </ul>
      </nav>
      <Outlet />
    </div>
  )
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />
}
