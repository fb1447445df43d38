/**
 * /api/v1/ideas/:ideaId: GET one idea, with its tags, status history and official response (a
 * merged idea reads as itself, with mergedIntoId naming where it went); PATCH edits it as the site
 * allows (app/models/idea-edit.server.ts).
 */
import { type ActionFunctionArgs, type LoaderFunctionArgs } from '@remix-run/node'
import { apiHandler, apiJson, assertApiCan, idParam, methodNotAllowed, problem, readJsonBody } from '~/lib/api.server'
import { getDb } from '~/lib/db.server'
import { type Actor, check, isStaff } from '~/lib/permissions'
import { editIdeaFields } from '~/models/idea-edit.server'
import { apiGetIdea } from '~/models/api-ideas.server'
import { authenticateApiRead, authenticateApiScope } from '~/models/api-tokens.server'
import { getIdeaOwner } from '~/models/ideas.server'
import { IdeaEditBody } from '~/schemas/api-idea-edit'

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  return apiHandler(request, () => {
    const db = getDb()
    const { caller, headers } = authenticateApiRead(db, request, context.clientIp ?? 'unknown')
    const ideaId = idParam(params.ideaId, 'idea')
    return apiJson(apiGetIdea(db, ideaId, siteViewer(caller.user)), { headers })
  })
}

/**
 * The viewer as the idea page sees them: hidden ideas show to those who may moderate posts, which
 * a suspended moderator may not (apiGetIdea asks only for the role), so one reads as a member.
 */
function siteViewer(user: Actor | null) {
  if (!user || !isStaff(user) || check(user, 'moderate:post').ok) return user
  return { id: user.id, role: 'member' as const }
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  return apiHandler(request, async () => {
    if (request.method !== 'PATCH') return methodNotAllowed(['GET', 'PATCH'])
    const db = getDb()
    const { caller, headers } = authenticateApiScope(db, request, context.clientIp ?? 'unknown', 'write')
    const ideaId = idParam(params.ideaId, 'idea')
    // Its author, or moderators and up, as the idea page's edit; a hidden idea is not there.
    assertApiCan(caller.user, 'update:idea', getIdeaOwner(db, ideaId))
    const body = await readJsonBody(request, IdeaEditBody)
    const tagDecision = check(caller.user, 'create:tag')
    const result = editIdeaFields(db, {
      ideaId,
      editorId: caller.user.id,
      asStaff: check(caller.user, 'update:idea').ok,
      title: body.title,
      bodyMd: body.body,
      categoryId: body.categoryId,
      tagNames: body.tags?.map((t) => t.toLowerCase()),
      tagRefusal: tagDecision.ok ? null : tagDecision.reason,
      reason: body.reason,
    })
    if (!result.ok) throw problem(422, result.message, { errors: { [result.field]: [result.message] } })
    return apiJson(apiGetIdea(db, ideaId, caller.user), { headers })
  })
}
