/**
 * /api/v1/questions: GET lists questions as the site does (anonymous allowed); POST asks one as the
 * token's user, with the ask page's rules: the policy (create:question), the daily and posting
 * limits, and new tags only for those who may create them.
 */
import { type ActionFunctionArgs, type LoaderFunctionArgs } from '@remix-run/node'
import { apiHandler, apiJson, assertApiCan, methodNotAllowed, problem, readJsonBody, readQuery } from '~/lib/api.server'
import { getDb } from '~/lib/db.server'
import { check } from '~/lib/permissions'
import { limitPosting } from '~/lib/rate-limit.server'
import { apiGetQuestion, apiListQuestions } from '~/models/api-questions.server'
import { authenticateApiRead, authenticateApiScope } from '~/models/api-tokens.server'
import { askQuestion, UnknownTagsError } from '~/models/questions.server'
import { parseTagNames } from '~/models/tags.server'
import { QuestionCreateBody, QuestionListQuery } from '~/schemas/api'

export async function loader({ request, context }: LoaderFunctionArgs) {
  return apiHandler(request, () => {
    const db = getDb()
    const { headers } = authenticateApiRead(db, request, context.clientIp ?? 'unknown')
    const query = readQuery(request, QuestionListQuery)
    return apiJson(apiListQuestions(db, query), { headers })
  })
}

export async function action({ request, context }: ActionFunctionArgs) {
  return apiHandler(request, async () => {
    if (request.method !== 'POST') return methodNotAllowed(['GET', 'POST'])
    const db = getDb()
    const { caller, headers } = authenticateApiScope(db, request, context.clientIp ?? 'unknown', 'write')
    assertApiCan(caller.user, 'create:question')
    const body = await readJsonBody(request, QuestionCreateBody)
    const user = caller.user
    const tagNames = parseTagNames(body.tags.join(' '))
    if (tagNames.length === 0) throw problem(422, 'Add at least one tag.', { errors: { tags: ['Add at least one tag.'] } })
    const createTag = check(user, 'create:tag')
    let asked: { id: number }
    try {
      asked = limitPosting(db, { kind: 'question', member: user, ip: context.clientIp }, () =>
        askQuestion(db, { authorId: user.id, title: body.title, bodyMd: body.body, tagNames, mayCreateTags: createTag.ok }),
      )
    } catch (error) {
      if (!(error instanceof UnknownTagsError)) throw error
      const message = `${error.message}${createTag.ok ? '' : ` ${createTag.reason} Use existing tags.`}`
      throw problem(422, message, { errors: { tags: [message] } })
    }
    return apiJson(apiGetQuestion(db, asked.id, user), { status: 201, headers: { ...headers, Location: `/api/v1/questions/${asked.id}` } })
  })
}
