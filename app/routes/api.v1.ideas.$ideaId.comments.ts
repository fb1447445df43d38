/**
 * /api/v1/ideas/:ideaId/comments: GET pages through the idea's discussion as its page shows it;
 * POST comments as the token's user, with the site's rules: the policy (comment:idea), hidden,
 * locked and merged ideas, and the posting limits for comments.
 */
import { type ActionFunctionArgs, type LoaderFunctionArgs } from '@remix-run/node'
import { apiHandler, apiJson, assertApiCan, idParam, methodNotAllowed, readJsonBody, readQuery } from '~/lib/api.server'
import { getDb } from '~/lib/db.server'
import { limitPosting } from '~/lib/rate-limit.server'
import { apiGetNewIdeaComment, apiListIdeaComments } from '~/models/api-community.server'
import { authenticateApiRead, authenticateApiScope } from '~/models/api-tokens.server'
import { addComment } from '~/models/comments.server'
import { CommentCreateBody, CommentListQuery } from '~/schemas/api'

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  return apiHandler(request, () => {
    const db = getDb()
    const { caller, headers } = authenticateApiRead(db, request, context.clientIp ?? 'unknown')
    const ideaId = idParam(params.ideaId, 'idea')
    const query = readQuery(request, CommentListQuery)
    return apiJson(apiListIdeaComments(db, ideaId, caller.user, query.cursor), { headers })
  })
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  return apiHandler(request, async () => {
    if (request.method !== 'POST') return methodNotAllowed(['GET', 'POST'])
    const db = getDb()
    const { caller, headers } = authenticateApiScope(db, request, context.clientIp ?? 'unknown', 'write')
    const ideaId = idParam(params.ideaId, 'idea')
    assertApiCan(caller.user, 'comment:idea')
    const body = await readJsonBody(request, CommentCreateBody)
    const user = caller.user
    const comment = limitPosting(db, { kind: 'comment', member: user, ip: context.clientIp }, () =>
      addComment(db, { target: { type: 'idea', id: ideaId }, authorId: user.id, bodyMd: body.body }),
    )
    return apiJson(apiGetNewIdeaComment(db, ideaId, comment.id, user), {
      status: 201,
      headers: { ...headers, Location: `/api/v1/ideas/${ideaId}/comments` },
    })
  })
}
