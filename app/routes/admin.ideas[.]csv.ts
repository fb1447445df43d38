/** /admin/ideas.csv: the ideas of the current status and category filter, with votes per segment (staff only). */
import { type LoaderFunctionArgs } from '@remix-run/node'
import { csvResponse } from '~/lib/csv.server'
import { getDb } from '~/lib/db.server'
import { siteOrigin } from '~/lib/forms.server'
import { requirePermission } from '~/lib/permissions.server'
import { ideasCsvExport } from '~/models/product.server'
import { readIdeaFilter } from '~/schemas/product-filter'

export async function loader({ request }: LoaderFunctionArgs) {
  await requirePermission(request, 'export:ideas')
  const filter = readIdeaFilter(new URL(request.url))
  const { header, nextBatch } = ideasCsvExport(getDb(), { status: filter.status, categoryId: filter.category, origin: siteOrigin(request) })
  const day = new Date().toISOString().slice(0, 10)
  return csvResponse(`ideas-${filter.status ?? 'all'}-${day}.csv`, header, nextBatch)
}
