/**
 * /api/v1/companies/:companyId: GET one company with its counts (view:companies); PATCH changes
 * its fields and DELETE removes it, its members staying without a company (admins:
 * manage:companies, admin scope).
 */
import { type ActionFunctionArgs, type LoaderFunctionArgs } from '@remix-run/node'
import { apiHandler, apiJson, assertApiCan, idParam, methodNotAllowed, readJsonBody } from '~/lib/api.server'
import { getDb } from '~/lib/db.server'
import { apiDeleteCompany, apiGetCompany, apiUpdateCompany } from '~/models/api-companies.server'
import { authenticateApiScope } from '~/models/api-tokens.server'
import { CompanyUpdateBody } from '~/schemas/api-admin'

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  return apiHandler(request, () => {
    const db = getDb()
    const { caller, headers } = authenticateApiScope(db, request, context.clientIp ?? 'unknown', 'read')
    assertApiCan(caller.user, 'view:companies')
    const companyId = idParam(params.companyId, 'company')
    return apiJson(apiGetCompany(db, companyId), { headers })
  })
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  return apiHandler(request, async () => {
    if (request.method !== 'PATCH' && request.method !== 'DELETE') return methodNotAllowed(['GET', 'PATCH', 'DELETE'])
    const db = getDb()
    const { caller, headers } = authenticateApiScope(db, request, context.clientIp ?? 'unknown', 'admin')
    assertApiCan(caller.user, 'manage:companies')
    const companyId = idParam(params.companyId, 'company')
    if (request.method === 'DELETE') return apiJson(apiDeleteCompany(db, caller.user.id, companyId), { headers })
    const body = await readJsonBody(request, CompanyUpdateBody)
    return apiJson(apiUpdateCompany(db, caller.user.id, companyId, body), { headers })
  })
}
