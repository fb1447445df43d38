/**
 * Customer companies: who a member works for, their plan and monthly revenue. Everything here is
 * staff-only knowledge; no member-facing page, feed, search result, export or e-mail reads it.
 */
import { eq } from 'drizzle-orm'
import { companies, segments, users } from '#db/schema'
import { type Db, type Tx } from '~/lib/db.server'

/** A company as the customer's own app describes it in a signed JWT (already validated). */
export type CompanyClaims = {
  externalId: string
  name: string
  plan?: string | null
  monthlyRevenue?: number | null
  segment?: string | null
}

/**
 * Creates or updates the company with this external id from the claims, in the caller's
 * transaction, and returns its id. Fields the claims leave out keep their stored value.
 */
export function upsertCompanyFromClaims(tx: Db | Tx, claims: CompanyClaims, now = new Date()) {
  const segmentId =
    claims.segment == null
      ? undefined
      : (tx.select({ id: segments.id }).from(segments).where(eq(segments.name, claims.segment)).get()?.id ?? undefined)
  const changes = {
    name: claims.name,
    ...(claims.plan !== undefined ? { plan: claims.plan } : {}),
    ...(claims.monthlyRevenue != null ? { monthlyRevenue: claims.monthlyRevenue } : {}),
    ...(segmentId !== undefined ? { segmentId } : {}),
    updatedAt: now,
  }
  return tx
    .insert(companies)
    .values({ externalId: claims.externalId, ...changes })
    .onConflictDoUpdate({ target: companies.externalId, set: changes })
    .returning({ id: companies.id })
    .get().id
}

/** Puts a member in a company (or none), in the caller's transaction. */
export function setMemberCompany(tx: Db | Tx, userId: number, companyId: number | null) {
  tx.update(users).set({ companyId }).where(eq(users.id, userId)).run()
}
