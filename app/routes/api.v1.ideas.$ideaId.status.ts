/**
 * POST /api/v1/ideas/:ideaId/status: the product team moves an idea (from their tracker, say) with
 * an optional official note; every voter and follower is notified, as for a change on the site.
 */
import { type ActionFunctionArgs } from '@remix-run/node'
import { apiHandler, apiJson, assertApiCan, idParam, methodNotAllowed, readJsonBody } from '~/lib/api.server'
import { getDb } from '~/lib/db.server'
import { apiGetIdea } from '~/models/api-ideas.server'
import { authenticateApiScope } from '~/models/api-tokens.server'
import { changeIdeaStatus } from '~/models/idea-status.server'
import { IdeaStatusBody } from '~/schemas/api'

export async function loader() {
  return methodNotAllowed(['POST'])
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  return apiHandler(request, async () => {
    if (request.method !== 'POST') return methodNotAllowed(['POST'])
    const db = getDb()
    const { caller, headers } = authenticateApiScope(db, request, context.clientIp ?? 'unknown', 'write')
    const ideaId = idParam(params.ideaId, 'idea')
    assertApiCan(caller.user, 'change-status:idea')
    const body = await readJsonBody(request, IdeaStatusBody)
    changeIdeaStatus(db, { ideaId, actorId: caller.user.id, toStatus: body.status, noteMd: body.note })
    return apiJson(apiGetIdea(db, ideaId, caller.user), { headers })
  })
}
