/** GET /settings/export: the member's own data as a JSON download (DESIGN, "Privacy"). */
import { type LoaderFunctionArgs } from '@remix-run/node'
import { requireUser } from '~/lib/auth.server'
import { getDb } from '~/lib/db.server'
import { exportAccountData } from '~/models/account-data.server'

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request)
  const now = new Date()
  const exported = exportAccountData(getDb(), user.id, now)
  const filename = `summit-${exported.account.username}-${now.toISOString().slice(0, 10)}.json`
  return new Response(JSON.stringify(exported, null, 2), {
    headers: {
      'Content-Type': 'application/json; charset=utf-8',
      'Content-Disposition': `attachment; filename="${filename}"`,
      'Cache-Control': 'private, no-store',
    },
  })
}
