/**
 * /api/v1/ideas/:ideaId/links/:linkId: PATCH changes a link's title or state, DELETE removes it;
 * the product team only ('link:idea'). A link of another idea is a 404 here.
 */
import { type ActionFunctionArgs } from '@remix-run/node'
import { apiHandler, apiJson, assertApiCan, idParam, methodNotAllowed, readJsonBody } from '~/lib/api.server'
import { getDb } from '~/lib/db.server'
import { apiIdeaLink } from '~/models/api-links.server'
import { authenticateApiScope } from '~/models/api-tokens.server'
import { removeIdeaLink, updateIdeaLink } from '~/models/idea-links.server'
import { IdeaLinkUpdateBody } from '~/schemas/api-links'

export async function loader() {
  return methodNotAllowed(['PATCH', 'DELETE'])
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  return apiHandler(request, async () => {
    if (request.method !== 'PATCH' && request.method !== 'DELETE') return methodNotAllowed(['PATCH', 'DELETE'])
    const db = getDb()
    const { caller, headers } = authenticateApiScope(db, request, context.clientIp ?? 'unknown', 'write')
    const ideaId = idParam(params.ideaId, 'idea')
    const linkId = idParam(params.linkId, 'link')
    assertApiCan(caller.user, 'link:idea')
    if (request.method === 'DELETE') {
      removeIdeaLink(db, { ideaId, linkId, actorId: caller.user.id })
      return new Response(null, { status: 204, headers })
    }
    const body = await readJsonBody(request, IdeaLinkUpdateBody)
    return apiJson(apiIdeaLink(updateIdeaLink(db, { ideaId, linkId, ...body })), { headers })
  })
}
