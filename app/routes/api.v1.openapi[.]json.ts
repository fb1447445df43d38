/** GET /api/v1/openapi.json: the API's OpenAPI 3.1 document, generated from the schemas the routes use. */
import { type LoaderFunctionArgs } from '@remix-run/node'
import { API_PREFIX, apiJson } from '~/lib/api.server'
import { siteOrigin } from '~/lib/forms.server'
import { buildOpenApiDocument } from '~/lib/openapi.server'
import { Problem } from '~/schemas/api-common'
import { API_OPERATIONS } from '~/schemas/api-operations'

export async function loader({ request }: LoaderFunctionArgs) {
  const origin = siteOrigin(request)
  const document = buildOpenApiDocument(
    API_OPERATIONS,
    { title: 'Summit API', version: '1.0.0', serverUrl: `${origin}${API_PREFIX}` },
    Problem,
  )
  return apiJson(document, { headers: { 'Cache-Control': 'public, max-age=300' } })
}
