/** /api/v1/notifications: the token's user's notifications, newest first (read scope). */
import { type ActionFunctionArgs, type LoaderFunctionArgs } from '@remix-run/node'
import { apiHandler, apiJson, methodNotAllowed, readQuery } from '~/lib/api.server'
import { getDb } from '~/lib/db.server'
import { apiListNotifications } from '~/models/api-community.server'
import { authenticateApiRequest, requireScope } from '~/models/api-tokens.server'
import { NotificationListQuery } from '~/schemas/api'

export async function loader({ request, context }: LoaderFunctionArgs) {
  return apiHandler(request, () => {
    const db = getDb()
    const { caller, headers } = authenticateApiRequest(db, request, context.clientIp ?? 'unknown')
    requireScope(caller, 'read')
    const query = readQuery(request, NotificationListQuery)
    return apiJson(apiListNotifications(db, caller.user.id, query), { headers })
  })
}

export async function action({ request }: ActionFunctionArgs) {
  return apiHandler(request, () => methodNotAllowed(['GET']))
}
