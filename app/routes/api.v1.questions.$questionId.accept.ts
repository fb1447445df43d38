/**
 * POST /api/v1/questions/:questionId/accept: the person who asked accepts one of its answers, as on
 * the question page (the policy accept:answer on the asker; the answer must belong to this question).
 */
import { type ActionFunctionArgs } from '@remix-run/node'
import { apiHandler, apiJson, assertApiCan, idParam, methodNotAllowed, problem, readJsonBody } from '~/lib/api.server'
import { getDb } from '~/lib/db.server'
import { acceptAnswer } from '~/models/answers.server'
import { apiGetQuestion } from '~/models/api-questions.server'
import { authenticateApiScope } from '~/models/api-tokens.server'
import { getQaPostOwner } from '~/models/questions.server'
import { AcceptAnswerBody } from '~/schemas/api'

export async function loader() {
  return methodNotAllowed(['POST'])
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  return apiHandler(request, async () => {
    if (request.method !== 'POST') return methodNotAllowed(['POST'])
    const db = getDb()
    const { caller, headers } = authenticateApiScope(db, request, context.clientIp ?? 'unknown', 'write')
    const questionId = idParam(params.questionId, 'question')
    const body = await readJsonBody(request, AcceptAnswerBody)
    const owner = getQaPostOwner(db, { type: 'answer', id: body.answerId })
    if (owner.questionId !== questionId) throw problem(404, 'There is no such answer to this question.')
    assertApiCan(caller.user, 'accept:answer', { authorId: owner.askerId })
    acceptAnswer(db, { answerId: body.answerId, userId: caller.user.id })
    return apiJson(apiGetQuestion(db, questionId, caller.user), { headers })
  })
}
