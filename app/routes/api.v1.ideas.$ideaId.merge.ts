/**
 * POST /api/v1/ideas/:ideaId/merge: the product team merges an idea into another, as the idea
 * page's merge does (mergeIdea): the voters and followers move without double votes, they and the
 * author are notified, and the idea.merged webhook is queued. Answers the idea merged into.
 */
import { type ActionFunctionArgs } from '@remix-run/node'
import { apiHandler, apiJson, assertApiCan, idParam, methodNotAllowed, problem, readJsonBody } from '~/lib/api.server'
import { getDb } from '~/lib/db.server'
import { DomainError, NotFoundError } from '~/lib/errors'
import { apiGetIdea } from '~/models/api-ideas.server'
import { authenticateApiScope } from '~/models/api-tokens.server'
import { mergeIdea } from '~/models/idea-merge.server'
import { IdeaMergeBody } from '~/schemas/api-idea-edit'

export async function loader() {
  return methodNotAllowed(['POST'])
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  return apiHandler(request, async () => {
    if (request.method !== 'POST') return methodNotAllowed(['POST'])
    const db = getDb()
    const { caller, headers } = authenticateApiScope(db, request, context.clientIp ?? 'unknown', 'write')
    const ideaId = idParam(params.ideaId, 'idea')
    assertApiCan(caller.user, 'merge:idea')
    const body = await readJsonBody(request, IdeaMergeBody)
    try {
      mergeIdea(db, { ideaId, targetId: body.into, actorId: caller.user.id, noteMd: body.note })
    } catch (error) {
      // The idea in the path missing is a NotFoundError (404); the one named by `into` missing (or
      // hidden) is the body's fault: 422 on that field. Itself, merged or a cycle stay 409s.
      if (error instanceof DomainError && !(error instanceof NotFoundError) && error.status === 404) {
        throw problem(422, error.message, { errors: { into: [error.message] } })
      }
      throw error
    }
    return apiJson(apiGetIdea(db, body.into, caller.user), { headers })
  })
}
