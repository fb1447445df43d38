import { checkDatabase, getDb } from '~/lib/db.server'

/** Liveness and readiness: 200 when the database answers and is migrated, 503 otherwise. */
export async function loader() {
  const headers = { 'Cache-Control': 'no-store' }
  try {
    const { migrations } = checkDatabase(getDb())
    return Response.json({ status: 'ok', database: 'ok', migrations }, { headers })
  } catch {
    return Response.json({ status: 'error', database: 'unavailable' }, { status: 503, headers })
  }
}
