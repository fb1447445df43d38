/** /notifications: the member's notifications, newest first, and marking them read. */
import { type ActionFunctionArgs, data, type LoaderFunctionArgs, type MetaFunction, redirect } from '@remix-run/node'
import { Form, useFetcher, useLoaderData, useRouteLoaderData } from '@remix-run/react'
import { z } from 'zod'
import { GeneralErrorBoundary } from '~/components/error-boundary'
import { Pager } from '~/components/pager'
import { DateTime } from '~/components/post-rows'
import { requireUser, safeRedirectPath } from '~/lib/auth.server'
import { getDb } from '~/lib/db.server'
import { parseForm, readForm } from '~/lib/forms.server'
import { orHttpError } from '~/lib/http.server'
import { decodeCursor } from '~/lib/pagination.server'
import { listNotifications, markAllNotificationsRead, markNotificationRead } from '~/models/notifications.server'
import { type loader as rootLoader } from '~/root'

export const meta: MetaFunction = () => [{ title: 'Notifications · Summit' }]

const Query = z.object({ cursor: z.string().max(100).optional().catch(undefined) })

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request)
  const query = Query.parse(Object.fromEntries(new URL(request.url).searchParams))
  return listNotifications(getDb(), { userId: user.id, cursor: decodeCursor(query.cursor) })
}

const NotificationId = z
  .string()
  .regex(/^[1-9]\d{0,15}$/)
  .transform(Number)
const Intent = z.discriminatedUnion('intent', [
  // Following a notification marks it read on the way to its subject.
  z.object({ intent: z.literal('open'), id: NotificationId }),
  z.object({ intent: z.literal('read'), id: NotificationId }),
  z.object({ intent: z.literal('read-all') }),
])

export async function action({ request }: ActionFunctionArgs) {
  const user = await requireUser(request)
  const form = await readForm(request)
  const parsed = parseForm(form, Intent)
  if (!parsed.ok) return data(parsed, { status: 400 })
  const db = getDb()
  switch (parsed.data.intent) {
    case 'open': {
      const { id } = parsed.data
      const { url } = orHttpError(() => markNotificationRead(db, { userId: user.id, notificationId: id }))
      return redirect(safeRedirectPath(url, '/notifications'))
    }
    case 'read': {
      const { id } = parsed.data
      orHttpError(() => markNotificationRead(db, { userId: user.id, notificationId: id }))
      const here = new URL(request.url)
      return redirect(`/notifications${here.search}`)
    }
    case 'read-all': {
      markAllNotificationsRead(db, { userId: user.id })
      return redirect('/notifications')
    }
  }
}

type NotificationItem = ReturnType<typeof useLoaderData<typeof loader>>['items'][number]

export default function NotificationsPage() {
  const { items, nextCursor } = useLoaderData<typeof loader>()
  const unread = useRouteLoaderData<typeof rootLoader>('root')?.unread ?? 0
  const markAll = useFetcher({ key: 'mark-all-notifications-read' })
  const allMarked = markAll.state !== 'idle'
  return (
    <>
      <header className="page-header">
        <h1>Notifications</h1>
        {unread > 0 && !allMarked ? (
          <markAll.Form method="post">
            <input type="hidden" name="intent" value="read-all" />
            <button type="submit" className="button-secondary">
              Mark all read
            </button>
          </markAll.Form>
        ) : null}
      </header>
      <p className="muted" role="status">
        {allMarked || unread === 0 ? 'You are all caught up.' : `${unread} unread ${unread === 1 ? 'notification' : 'notifications'}.`}
      </p>
      {items.length ? (
        <ol className="notification-list" aria-label="Notifications">
          {items.map((item) => (
            <NotificationRow key={item.id} item={item} allMarked={allMarked} />
          ))}
        </ol>
      ) : (
        <p className="empty">No notifications yet. Vote on or follow an idea, and you will hear here when it moves.</p>
      )}
      <Pager nextCursor={nextCursor} label="Notifications" />
    </>
  )
}

function NotificationRow({ item, allMarked }: { item: NotificationItem; allMarked: boolean }) {
  const markRead = useFetcher()
  // Shown as read at once; the server's answer confirms it.
  const isUnread = item.isUnread && !allMarked && markRead.state === 'idle'
  return (
    <li className={isUnread ? 'notification is-unread' : 'notification'}>
      <div className="notification-main">
        <p className="post-meta">
          {isUnread ? <span className="badge unread-badge">Unread</span> : <span className="visually-hidden">Read</span>}
          <DateTime value={item.createdAt} />
        </p>
        <Form method="post">
          <input type="hidden" name="intent" value="open" />
          <input type="hidden" name="id" value={item.id} />
          <h2 className="notification-title">
            <button type="submit" className="link-button">
              {item.title}
            </button>
          </h2>
        </Form>
        {item.body ? <p className="notification-body">{item.body}</p> : null}
      </div>
      {isUnread ? (
        <markRead.Form method="post" className="notification-actions">
          <input type="hidden" name="intent" value="read" />
          <input type="hidden" name="id" value={item.id} />
          <button type="submit" className="button-secondary" aria-label={`Mark read: ${item.title}`}>
            Mark read
          </button>
        </markRead.Form>
      ) : null}
    </li>
  )
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary messages={{ 404: 'This notification does not exist, or it is not yours.' }} />
}
