/**
 * /api/v1/users (admins, admin scope): GET lists members with their admin fields (filters: role,
 * company, username or e-mail prefix, external id); POST creates a member without a password, who
 * signs in through single sign-on.
 */
import { type ActionFunctionArgs, type LoaderFunctionArgs } from '@remix-run/node'
import { apiHandler, apiJson, assertApiCan, methodNotAllowed, readJsonBody, readQuery } from '~/lib/api.server'
import { getDb } from '~/lib/db.server'
import { authenticateApiScope } from '~/models/api-tokens.server'
import { apiCreateMember, apiListMembers } from '~/models/api-users.server'
import { MemberCreateBody, MemberListQuery } from '~/schemas/api-admin'

export async function loader({ request, context }: LoaderFunctionArgs) {
  return apiHandler(request, () => {
    const db = getDb()
    const { caller, headers } = authenticateApiScope(db, request, context.clientIp ?? 'unknown', 'admin')
    // The site's member list (/admin/users) shows e-mail addresses under this permission; the
    // admin scope, which only admins' tokens carry, keeps the rest (identities, companies) to them.
    assertApiCan(caller.user, 'suspend:user')
    assertApiCan(caller.user, 'view:companies')
    const query = readQuery(request, MemberListQuery)
    return apiJson(apiListMembers(db, query), { headers })
  })
}

export async function action({ request, context }: ActionFunctionArgs) {
  return apiHandler(request, async () => {
    if (request.method !== 'POST') return methodNotAllowed(['GET', 'POST'])
    const db = getDb()
    const { caller, headers } = authenticateApiScope(db, request, context.clientIp ?? 'unknown', 'admin')
    assertApiCan(caller.user, 'change-role:user')
    const body = await readJsonBody(request, MemberCreateBody)
    if (body.companyId != null) assertApiCan(caller.user, 'manage:companies')
    const member = apiCreateMember(db, caller.user.id, body)
    return apiJson(member, { status: 201, headers: { ...headers, Location: `/api/v1/users/by-id/${member.id}` } })
  })
}
