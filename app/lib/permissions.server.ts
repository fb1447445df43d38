/** Server-side enforcement of the policy in permissions.ts. */
import { type Role } from '~/domain'
import { getUser, requireUser, type SessionUser } from './auth.server'
import { httpError } from './http.server'
import { type Actor, check, type Permission, hasRole, isSuspended } from './permissions'

/**
 * The signed-in user if they hold `permission` (for rules that do not depend on a resource).
 * A logged-out visitor is redirected to log in and brought back; anyone else refused gets 403.
 */
export async function requirePermission(request: Request, permission: Permission): Promise<SessionUser> {
  const user = await requireUser(request)
  assertCan(user, permission)
  return user
}

/** Throws the decision as an HTTP answer (401/403) unless the actor may act on the resource. */
export function assertCan(actor: Actor | null, permission: Permission, resource?: { authorId: number | null }) {
  const decision = check(actor, permission, resource)
  if (!decision.ok) httpError(decision.status, decision.reason)
}

/** The signed-in user if their role is at least `role` (the admin area's coarse gate). */
export async function requireRole(request: Request, role: Role): Promise<SessionUser> {
  const user = await requireUser(request)
  if (isSuspended(user)) httpError(403, 'Your account is suspended.')
  if (!hasRole(user, role)) httpError(403, 'You do not have access to this page.')
  return user
}

export { getUser }
