/** /api/v1/ideas/:ideaId: one idea, with its tags, status history and official response. */
import { type ActionFunctionArgs, type LoaderFunctionArgs } from '@remix-run/node'
import { apiHandler, apiJson, idParam, methodNotAllowed } from '~/lib/api.server'
import { getDb } from '~/lib/db.server'
import { apiGetIdea } from '~/models/api-ideas.server'
import { authenticateApiRead } from '~/models/api-tokens.server'

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  return apiHandler(request, () => {
    const db = getDb()
    const { caller, headers } = authenticateApiRead(db, request, context.clientIp ?? 'unknown')
    const ideaId = idParam(params.ideaId, 'idea')
    return apiJson(apiGetIdea(db, ideaId, caller.user), { headers })
  })
}

export async function action({ request }: ActionFunctionArgs) {
  return apiHandler(request, () => methodNotAllowed(['GET']))
}
