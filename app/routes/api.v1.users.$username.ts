/** /api/v1/users/:username: a member's public profile (anonymous allowed). */
import { type ActionFunctionArgs, type LoaderFunctionArgs } from '@remix-run/node'
import { apiHandler, apiJson, methodNotAllowed } from '~/lib/api.server'
import { getDb } from '~/lib/db.server'
import { apiGetUserProfile } from '~/models/api-community.server'
import { authenticateApiRead } from '~/models/api-tokens.server'

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  return apiHandler(request, () => {
    const db = getDb()
    const { headers } = authenticateApiRead(db, request, context.clientIp ?? 'unknown')
    return apiJson(apiGetUserProfile(db, params.username ?? ''), { headers })
  })
}

export async function action({ request }: ActionFunctionArgs) {
  return apiHandler(request, () => methodNotAllowed(['GET']))
}
