/** Companies for tests: rows straight through drizzle, with unique names and external ids. */
import { companies } from '#db/schema'
import { type Db } from '~/lib/db.server'
import { setMemberCompany } from '~/models/companies.server'
import { createUser, unique, type UserOverrides } from '#tests/factories'

export function createTestCompany(
  db: Db,
  overrides: { name?: string; externalId?: string | null; plan?: string | null; monthlyRevenue?: number; segmentId?: number | null } = {},
) {
  return db
    .insert(companies)
    .values({
      name: overrides.name ?? unique('Company '),
      externalId: overrides.externalId === undefined ? unique('ext-') : overrides.externalId,
      plan: overrides.plan ?? null,
      monthlyRevenue: overrides.monthlyRevenue ?? 0,
      segmentId: overrides.segmentId ?? null,
    })
    .returning()
    .get()
}

/** A member of the company (a new account). */
export function createCompanyMember(db: Db, companyId: number, overrides: UserOverrides = {}) {
  const user = createUser(db, overrides)
  setMemberCompany(db, user.id, companyId)
  return user
}
