/**
 * /api/v1/ideas/:ideaId/links: the idea's links to work items in the tracker. GET lists them, POST
 * adds one; both for the product team only ('link:idea'), as on the idea page. The same address
 * twice on one idea is a 409 with the error on `url`.
 */
import { type ActionFunctionArgs, type LoaderFunctionArgs } from '@remix-run/node'
import { apiHandler, apiJson, assertApiCan, idParam, methodNotAllowed, readJsonBody } from '~/lib/api.server'
import { getDb } from '~/lib/db.server'
import { authenticateApiScope } from '~/models/api-tokens.server'
import { addIdeaLink, getIdeaLinks } from '~/models/idea-links.server'
import { apiIdeaLink, duplicateLinkProblem } from '~/models/api-links.server'
import { IdeaLinkCreateBody } from '~/schemas/api-links'

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  return apiHandler(request, () => {
    const db = getDb()
    const { caller, headers } = authenticateApiScope(db, request, context.clientIp ?? 'unknown', 'read')
    const ideaId = idParam(params.ideaId, 'idea')
    assertApiCan(caller.user, 'link:idea')
    return apiJson({ items: getIdeaLinks(db, ideaId).map(apiIdeaLink) }, { headers })
  })
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  return apiHandler(request, async () => {
    if (request.method !== 'POST') return methodNotAllowed(['GET', 'POST'])
    const db = getDb()
    const { caller, headers } = authenticateApiScope(db, request, context.clientIp ?? 'unknown', 'write')
    const ideaId = idParam(params.ideaId, 'idea')
    assertApiCan(caller.user, 'link:idea')
    const body = await readJsonBody(request, IdeaLinkCreateBody)
    const link = duplicateLinkProblem(() => addIdeaLink(db, { ideaId, actorId: caller.user.id, ...body }))
    return apiJson(apiIdeaLink(link), { status: 201, headers: { ...headers, Location: `/api/v1/ideas/${ideaId}/links/${link.id}` } })
  })
}
