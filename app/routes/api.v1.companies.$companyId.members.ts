/** /api/v1/companies/:companyId/members: a company's members, newest account first (view:companies). */
import { type ActionFunctionArgs, type LoaderFunctionArgs } from '@remix-run/node'
import { apiHandler, apiJson, assertApiCan, idParam, methodNotAllowed, readQuery } from '~/lib/api.server'
import { getDb } from '~/lib/db.server'
import { apiListCompanyMembers } from '~/models/api-companies.server'
import { authenticateApiScope } from '~/models/api-tokens.server'
import { CompanyMembersQuery } from '~/schemas/api-admin'

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  return apiHandler(request, () => {
    const db = getDb()
    const { caller, headers } = authenticateApiScope(db, request, context.clientIp ?? 'unknown', 'read')
    assertApiCan(caller.user, 'view:companies')
    const companyId = idParam(params.companyId, 'company')
    const query = readQuery(request, CompanyMembersQuery)
    return apiJson(apiListCompanyMembers(db, companyId, query), { headers })
  })
}

export async function action({ request }: ActionFunctionArgs) {
  return apiHandler(request, () => methodNotAllowed(['GET']))
}
