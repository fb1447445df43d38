/** /api/v1/categories: the idea categories, in the site's order (anonymous allowed). */
import { type ActionFunctionArgs, type LoaderFunctionArgs } from '@remix-run/node'
import { apiHandler, apiJson, methodNotAllowed } from '~/lib/api.server'
import { getDb } from '~/lib/db.server'
import { apiListCategories } from '~/models/api-community.server'
import { authenticateApiRead } from '~/models/api-tokens.server'

export async function loader({ request, context }: LoaderFunctionArgs) {
  return apiHandler(request, () => {
    const db = getDb()
    const { headers } = authenticateApiRead(db, request, context.clientIp ?? 'unknown')
    return apiJson(apiListCategories(db), { headers })
  })
}

export async function action({ request }: ActionFunctionArgs) {
  return apiHandler(request, () => methodNotAllowed(['GET']))
}
