/**
 * /api/v1/users/by-id/:userId: GET a member by numeric id (the public profile; the admin fields for
 * a token with the admin scope); PATCH changes their role, segment or company (admins), through the
 * admin page's models, logged in the staff log.
 */
import { type ActionFunctionArgs, type LoaderFunctionArgs } from '@remix-run/node'
import { apiHandler, apiJson, assertApiCan, idParam, methodNotAllowed, readJsonBody } from '~/lib/api.server'
import { getDb } from '~/lib/db.server'
import { check } from '~/lib/permissions'
import { authenticateApiRead, authenticateApiScope } from '~/models/api-tokens.server'
import { apiGetAdminMember, apiGetPublicMember, apiUpdateMember } from '~/models/api-users.server'
import { MemberUpdateBody } from '~/schemas/api-admin'

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  return apiHandler(request, () => {
    const db = getDb()
    const { caller, headers } = authenticateApiRead(db, request, context.clientIp ?? 'unknown')
    const userId = idParam(params.userId, 'member')
    const adminView = caller.scopes.has('admin') && check(caller.user, 'suspend:user').ok && check(caller.user, 'view:companies').ok
    return apiJson(adminView ? apiGetAdminMember(db, userId) : apiGetPublicMember(db, userId), { headers })
  })
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  return apiHandler(request, async () => {
    if (request.method !== 'PATCH') return methodNotAllowed(['GET', 'PATCH'])
    const db = getDb()
    const { caller, headers } = authenticateApiScope(db, request, context.clientIp ?? 'unknown', 'admin')
    const userId = idParam(params.userId, 'member')
    const body = await readJsonBody(request, MemberUpdateBody)
    if (body.role !== undefined || body.segment !== undefined) assertApiCan(caller.user, 'change-role:user')
    if (body.companyId !== undefined) assertApiCan(caller.user, 'manage:companies')
    return apiJson(apiUpdateMember(db, caller.user, userId, body), { headers })
  })
}
