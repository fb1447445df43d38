/** /api/v1/search: the site's search over ideas, questions and answers (anonymous allowed). */
import { type ActionFunctionArgs, type LoaderFunctionArgs } from '@remix-run/node'
import { apiHandler, apiJson, methodNotAllowed, readQuery } from '~/lib/api.server'
import { getDb } from '~/lib/db.server'
import { apiSearch } from '~/models/api-community.server'
import { authenticateApiRead } from '~/models/api-tokens.server'
import { SearchQuery } from '~/schemas/api'

export async function loader({ request, context }: LoaderFunctionArgs) {
  return apiHandler(request, () => {
    const db = getDb()
    const { caller, headers } = authenticateApiRead(db, request, context.clientIp ?? 'unknown')
    const query = readQuery(request, SearchQuery)
    return apiJson(apiSearch(db, query, caller.user), { headers })
  })
}

export async function action({ request }: ActionFunctionArgs) {
  return apiHandler(request, () => methodNotAllowed(['GET']))
}
