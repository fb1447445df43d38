/** /api/v1/questions/:questionId: one question with its tags and answers, the accepted one first. */
import { type ActionFunctionArgs, type LoaderFunctionArgs } from '@remix-run/node'
import { apiHandler, apiJson, idParam, methodNotAllowed } from '~/lib/api.server'
import { getDb } from '~/lib/db.server'
import { apiGetQuestion } from '~/models/api-questions.server'
import { authenticateApiRead } from '~/models/api-tokens.server'

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  return apiHandler(request, () => {
    const db = getDb()
    const { caller, headers } = authenticateApiRead(db, request, context.clientIp ?? 'unknown')
    const questionId = idParam(params.questionId, 'question')
    return apiJson(apiGetQuestion(db, questionId, caller.user), { headers })
  })
}

export async function action({ request }: ActionFunctionArgs) {
  return apiHandler(request, () => methodNotAllowed(['GET']))
}
