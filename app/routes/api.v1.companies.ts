/**
 * /api/v1/companies: GET lists customer companies by name (the product team and admins:
 * view:companies); POST adds one (admins: manage:companies, admin scope).
 */
import { type ActionFunctionArgs, type LoaderFunctionArgs } from '@remix-run/node'
import { apiHandler, apiJson, assertApiCan, methodNotAllowed, readJsonBody, readQuery } from '~/lib/api.server'
import { getDb } from '~/lib/db.server'
import { apiCreateCompany, apiListCompanies } from '~/models/api-companies.server'
import { authenticateApiScope } from '~/models/api-tokens.server'
import { CompanyCreateBody, CompanyListQuery } from '~/schemas/api-admin'

export async function loader({ request, context }: LoaderFunctionArgs) {
  return apiHandler(request, () => {
    const db = getDb()
    const { caller, headers } = authenticateApiScope(db, request, context.clientIp ?? 'unknown', 'read')
    assertApiCan(caller.user, 'view:companies')
    const query = readQuery(request, CompanyListQuery)
    return apiJson(apiListCompanies(db, query), { headers })
  })
}

export async function action({ request, context }: ActionFunctionArgs) {
  return apiHandler(request, async () => {
    if (request.method !== 'POST') return methodNotAllowed(['GET', 'POST'])
    const db = getDb()
    const { caller, headers } = authenticateApiScope(db, request, context.clientIp ?? 'unknown', 'admin')
    assertApiCan(caller.user, 'manage:companies')
    const body = await readJsonBody(request, CompanyCreateBody)
    const company = apiCreateCompany(db, caller.user.id, body)
    return apiJson(company, { status: 201, headers: { ...headers, Location: `/api/v1/companies/${company.id}` } })
  })
}
