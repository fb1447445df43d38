/** /api/v1/tags: tags with their counts, most used first, as on /tags (anonymous allowed). */
import { type ActionFunctionArgs, type LoaderFunctionArgs } from '@remix-run/node'
import { apiHandler, apiJson, methodNotAllowed, readQuery } from '~/lib/api.server'
import { getDb } from '~/lib/db.server'
import { apiListTags } from '~/models/api-community.server'
import { authenticateApiRead } from '~/models/api-tokens.server'
import { TagListQuery } from '~/schemas/api'

export async function loader({ request, context }: LoaderFunctionArgs) {
  return apiHandler(request, () => {
    const db = getDb()
    const { headers } = authenticateApiRead(db, request, context.clientIp ?? 'unknown')
    const query = readQuery(request, TagListQuery)
    return apiJson(apiListTags(db, query), { headers })
  })
}

export async function action({ request }: ActionFunctionArgs) {
  return apiHandler(request, () => methodNotAllowed(['GET']))
}
