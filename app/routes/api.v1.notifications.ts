/** /api/v1/notifications: the token's user's notifications, newest first (read scope). */
import { type ActionFunctionArgs, type LoaderFunctionArgs } from '@remix-run/node'
import { apiHandler, apiJson, methodNotAllowed, readQuery } from '~/lib/api.server'
import { getDb } from '~/lib/db.server'
import { apiListNotifications } from '~/models/api-community.server'
import { authenticateApiScope } from '~/models/api-tokens.server'
import { NotificationListQuery } from '~/schemas/api'

export async function loader({ request, context }: LoaderFunctionArgs) {
  return apiHandler(request, () => {
    const db = getDb()
    const { caller, headers } = authenticateApiScope(db, request, context.clientIp ?? 'unknown', 'read')
    const query = readQuery(request, NotificationListQuery)
    return apiJson(apiListNotifications(db, caller.user.id, query), { headers })
  })
}

export async function action({ request }: ActionFunctionArgs) {
  return apiHandler(request, () => methodNotAllowed(['GET']))
}
