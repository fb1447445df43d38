/**
 * /api/v1/ideas/:ideaId/vote: PUT votes for the idea as the token's user, DELETE takes the vote
 * back. The site's rules apply: the policy (vote:idea), the vote budget, closed and locked ideas,
 * and the per-member vote rate limit.
 */
import { type ActionFunctionArgs } from '@remix-run/node'
import { apiHandler, apiJson, assertApiCan, idParam, methodNotAllowed } from '~/lib/api.server'
import { getDb } from '~/lib/db.server'
import { hitVoteLimit } from '~/lib/rate-limit.server'
import { apiIdeaVoteCount } from '~/models/api-ideas.server'
import { authenticateApiScope } from '~/models/api-tokens.server'
import { setIdeaVote } from '~/models/votes.server'

export async function loader() {
  return methodNotAllowed(['PUT', 'DELETE'])
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  return apiHandler(request, () => {
    if (request.method !== 'PUT' && request.method !== 'DELETE') return methodNotAllowed(['PUT', 'DELETE'])
    const db = getDb()
    const { caller, headers } = authenticateApiScope(db, request, context.clientIp ?? 'unknown', 'write')
    const ideaId = idParam(params.ideaId, 'idea')
    assertApiCan(caller.user, 'vote:idea')
    hitVoteLimit(caller.user)
    const voted = request.method === 'PUT'
    setIdeaVote(db, { ideaId, userId: caller.user.id, voted })
    const voteCount = apiIdeaVoteCount(db, ideaId)
    return apiJson({ ideaId, voted, voteCount }, { headers })
  })
}
