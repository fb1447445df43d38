/** Anything else under /api/v1: a 404 problem, never an HTML page. */
import { type ActionFunctionArgs } from '@remix-run/node'
import { apiHandler, problem } from '~/lib/api.server'

export async function loader() {
  return problem(404, 'There is no such API resource. The document at /api/v1/openapi.json lists them.')
}

export async function action({ request }: ActionFunctionArgs) {
  return apiHandler(request, () => problem(404, 'There is no such API resource. The document at /api/v1/openapi.json lists them.'))
}
