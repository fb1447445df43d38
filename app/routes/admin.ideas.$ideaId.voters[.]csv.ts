/** /admin/ideas/:ideaId/voters.csv: who voted for one idea, and when (staff only; no e-mail addresses). */
import { type LoaderFunctionArgs } from '@remix-run/node'
import { csvResponse } from '~/lib/csv.server'
import { getDb } from '~/lib/db.server'
import { orHttpError } from '~/lib/http.server'
import { parseId } from '~/lib/params.server'
import { requirePermission } from '~/lib/permissions.server'
import { votersCsvExport } from '~/models/product.server'

export async function loader({ request, params }: LoaderFunctionArgs) {
  await requirePermission(request, 'export:ideas')
  const ideaId = parseId(params.ideaId, 'idea')
  const { idea, header, nextBatch } = orHttpError(() => votersCsvExport(getDb(), ideaId))
  return csvResponse(`idea-${idea.id}-voters.csv`, header, nextBatch)
}
