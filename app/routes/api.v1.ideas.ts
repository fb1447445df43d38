/** /api/v1/ideas: GET lists ideas (anonymous allowed); POST posts one as the token's user. */
import { type ActionFunctionArgs, type LoaderFunctionArgs } from '@remix-run/node'
import { apiHandler, apiJson, assertApiCan, methodNotAllowed, problem, readJsonBody, readQuery } from '~/lib/api.server'
import { getDb } from '~/lib/db.server'
import { check } from '~/lib/permissions'
import { apiGetIdea, apiListIdeas } from '~/models/api-ideas.server'
import { authenticateApiRead, authenticateApiScope } from '~/models/api-tokens.server'
import { postIdea } from '~/models/idea-posting.server'
import { IdeaCreateBody, IdeaListQuery } from '~/schemas/api'

export async function loader({ request, context }: LoaderFunctionArgs) {
  return apiHandler(request, () => {
    const db = getDb()
    const { caller, headers } = authenticateApiRead(db, request, context.clientIp ?? 'unknown')
    const query = readQuery(request, IdeaListQuery)
    return apiJson(apiListIdeas(db, query, caller.user), { headers })
  })
}

export async function action({ request, context }: ActionFunctionArgs) {
  return apiHandler(request, async () => {
    if (request.method !== 'POST') return methodNotAllowed(['GET', 'POST'])
    const db = getDb()
    const { caller, headers } = authenticateApiScope(db, request, context.clientIp ?? 'unknown', 'write')
    assertApiCan(caller.user, 'create:idea')
    const body = await readJsonBody(request, IdeaCreateBody)
    const tagDecision = check(caller.user, 'create:tag')
    const result = postIdea(db, {
      authorId: caller.user.id,
      title: body.title,
      bodyMd: body.body,
      categoryId: body.categoryId ?? null,
      tagNames: body.tags.map((t) => t.toLowerCase()),
      tagRefusal: tagDecision.ok ? null : tagDecision.reason,
    })
    if (!result.ok)
      throw problem(422, result.message, { errors: { [result.field === 'categoryId' ? 'categoryId' : 'tags']: [result.message] } })
    return apiJson(apiGetIdea(db, result.ideaId, caller.user), {
      status: 201,
      headers: { ...headers, Location: `/api/v1/ideas/${result.ideaId}` },
    })
  })
}
