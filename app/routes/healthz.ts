/** /healthz: whether the server and its database can take requests (for load balancers and monitoring). */
import { checkDatabase, type DatabaseHealth, getDb } from '~/lib/db.server'

/**
 * Liveness and readiness, answered at once (the lock test waits at most HEALTH_LOCK_WAIT_MS):
 * - 200 `{ status: 'ok', database: 'ok', migrations }` when the database answers, is migrated and
 *   takes writes;
 * - 503 `{ status: 'degraded', database: 'locked' }` with Retry-After while another process holds
 *   the write lock, and `database: 'full'` or `'io-error'` (with SQLite's `code` and `since`) after
 *   a write failed for lack of space or an I/O error, until a write succeeds;
 * - 503 `{ status: 'error', database: 'unavailable' }` when the database does not answer at all.
 */
export async function loader() {
  const headers = { 'Cache-Control': 'no-store' }
  let health: DatabaseHealth
  try {
    health = checkDatabase(getDb())
  } catch {
    return Response.json({ status: 'error', database: 'unavailable' }, { status: 503, headers })
  }
  if (health.database === 'ok') return Response.json({ status: 'ok', ...health }, { headers })
  return Response.json(
    { status: 'degraded', ...health },
    { status: 503, headers: { ...headers, 'Retry-After': String(health.retryAfterSeconds) } },
  )
}
