/**
 * POST /api/v1/questions/:questionId/answers: answers the question as the token's user, with the
 * question page's rules: the policy (answer:question), hidden, closed and locked questions, and the
 * posting limits for answers.
 */
import { type ActionFunctionArgs } from '@remix-run/node'
import { apiHandler, apiJson, assertApiCan, idParam, methodNotAllowed, readJsonBody } from '~/lib/api.server'
import { getDb } from '~/lib/db.server'
import { limitPosting } from '~/lib/rate-limit.server'
import { createAnswer } from '~/models/answers.server'
import { apiGetNewAnswer } from '~/models/api-questions.server'
import { authenticateApiScope } from '~/models/api-tokens.server'
import { AnswerCreateBody } from '~/schemas/api'

export async function loader() {
  return methodNotAllowed(['POST'])
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  return apiHandler(request, async () => {
    if (request.method !== 'POST') return methodNotAllowed(['POST'])
    const db = getDb()
    const { caller, headers } = authenticateApiScope(db, request, context.clientIp ?? 'unknown', 'write')
    const questionId = idParam(params.questionId, 'question')
    assertApiCan(caller.user, 'answer:question')
    const body = await readJsonBody(request, AnswerCreateBody)
    const user = caller.user
    const answer = limitPosting(db, { kind: 'answer', member: user, ip: context.clientIp }, () =>
      createAnswer(db, { questionId, authorId: user.id, authorRole: user.role, bodyMd: body.body }),
    )
    return apiJson(apiGetNewAnswer(db, questionId, answer.id, user), {
      status: 201,
      headers: { ...headers, Location: `/api/v1/questions/${questionId}` },
    })
  })
}
