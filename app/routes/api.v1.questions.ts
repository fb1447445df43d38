/** /api/v1/questions: the site's question lists in keyset pages (anonymous allowed). */
import { type ActionFunctionArgs, type LoaderFunctionArgs } from '@remix-run/node'
import { apiHandler, apiJson, methodNotAllowed, readQuery } from '~/lib/api.server'
import { getDb } from '~/lib/db.server'
import { apiListQuestions } from '~/models/api-questions.server'
import { authenticateApiRequest, requireScope } from '~/models/api-tokens.server'
import { QuestionListQuery } from '~/schemas/api'

export async function loader({ request, context }: LoaderFunctionArgs) {
  return apiHandler(request, () => {
    const db = getDb()
    const { caller, headers } = authenticateApiRequest(db, request, context.clientIp ?? 'unknown')
    if (caller.user) requireScope(caller, 'read')
    const query = readQuery(request, QuestionListQuery)
    return apiJson(apiListQuestions(db, query), { headers })
  })
}

export async function action({ request }: ActionFunctionArgs) {
  return apiHandler(request, () => methodNotAllowed(['GET']))
}
