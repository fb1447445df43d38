/**
 * Customer companies: who a member works for, their plan and monthly revenue. Everything here is
 * staff-only knowledge; no member-facing page, feed, search result, export or e-mail reads it.
 * Callers check `view:companies` before reading and `manage:companies` before changing.
 *
 * The moderation log records every change, but never a company's name, plan or revenue: moderators
 * read the log, and those are the customer's contract data, for the product team and admins only.
 * An entry names the company by id and lists which of those fields changed.
 */
import { and, asc, count, desc, eq, inArray, isNull, lt, ne, type SQL, sql } from 'drizzle-orm'
import { companies, ideaVotes, segments, users } from '#db/schema'
import { type Db, type Tx, writeTransaction } from '~/lib/db.server'
import { NotFoundError } from '~/lib/errors'
import { type CompanyFields } from '~/schemas/company'
import { logModeration } from './moderation-log.server'

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

/** A refusal tied to one form field (a taken external id, a segment that is gone). */
export type CompanyFieldRefusal = { ok: false; field: string; message: string }
export type CompanyFieldResult<T = object> = ({ ok: true } & T) | CompanyFieldRefusal

/** The contract fields, whose values stay out of the moderation log (see the header). */
const CONTRACT_FIELDS = ['name', 'plan', 'monthlyRevenue'] as const

/** What the log keeps of a change: the external id and segment as they were and are, and which contract fields changed. */
function logDiff(before: CompanyFields | null, after: CompanyFields) {
  const changed = CONTRACT_FIELDS.filter((f) => !before || before[f] !== after[f])
  return {
    before: before ? { externalId: before.externalId, segmentId: before.segmentId } : undefined,
    after: { externalId: after.externalId, segmentId: after.segmentId, ...(changed.length ? { changed: changed.join(', ') } : {}) },
  }
}

// ---------------------------------------------------------------------------------------------
// The list, ordered by name (companies_name_idx), keyset paged
// ---------------------------------------------------------------------------------------------

const COMPANY_PAGE_SIZE = 50
export type CompanyCursor = { name: string; id: number }

/** The last row's (name, id) as an opaque base64url string; names are text, so the numeric cursors of lib/pagination do not fit. */
function encodeCompanyCursor(cursor: CompanyCursor) {
  return Buffer.from(JSON.stringify([cursor.name, cursor.id])).toString('base64url')
}

/** A malformed cursor means the first page. */
export function decodeCompanyCursor(value: string | null | undefined): CompanyCursor | null {
  if (!value || value.length > 600) return null
  try {
    const parsed: unknown = JSON.parse(Buffer.from(value, 'base64url').toString('utf8'))
    if (!Array.isArray(parsed) || parsed.length !== 2) return null
    const [name, id] = parsed
    if (typeof name !== 'string' || !Number.isSafeInteger(id) || id < 1) return null
    return { name, id }
  } catch {
    return null
  }
}

/** How many members each company has (users_company_idx, index only: a deleted account leaves its company). */
function memberCounts(db: Db | Tx, companyIds: number[]) {
  if (!companyIds.length) return new Map<number, number>()
  const rows = db
    .select({ companyId: users.companyId, n: count() })
    .from(users)
    .where(inArray(users.companyId, companyIds))
    .groupBy(users.companyId)
    .all()
  return new Map(rows.map((r) => [r.companyId!, r.n]))
}

/**
 * One page of companies by name (then id), optionally those whose name contains `query`: name,
 * external id, plan, monthly revenue, segment and member count. Two queries whatever the page size.
 */
export function listCompanies(db: Db, input: { query?: string; cursor?: CompanyCursor | null; pageSize?: number } = {}) {
  const pageSize = input.pageSize ?? COMPANY_PAGE_SIZE
  const query = (input.query ?? '').trim().slice(0, 100)
  const rows = db
    .select({
      id: companies.id,
      name: companies.name,
      externalId: companies.externalId,
      plan: companies.plan,
      monthlyRevenue: companies.monthlyRevenue,
      segment: segments.name,
      createdAt: companies.createdAt,
      updatedAt: companies.updatedAt,
    })
    .from(companies)
    .leftJoin(segments, eq(segments.id, companies.segmentId))
    .where(
      and(
        // As typed, not lower-cased: LIKE folds ASCII case only, so a lower-cased "östlund" would miss "Östlund".
        query ? sql`${companies.name} like ${`%${query.replace(/[\\%_]/g, (c) => `\\${c}`)}%`} escape '\\'` : undefined,
        input.cursor ? sql`(${companies.name}, ${companies.id}) > (${input.cursor.name}, ${input.cursor.id})` : undefined,
      ),
    )
    .orderBy(asc(companies.name), asc(companies.id))
    .limit(pageSize + 1)
    .all()
  const items = rows.slice(0, pageSize)
  const counts = memberCounts(
    db,
    items.map((r) => r.id),
  )
  const last = items.at(-1)
  return {
    items: items.map((r) => ({ ...r, memberCount: counts.get(r.id) ?? 0 })),
    nextCursor: rows.length > pageSize && last ? encodeCompanyCursor({ name: last.name, id: last.id }) : null,
  }
}

/** Most plans offered in a select. */
const PLANS_SHOWN = 200

/** The plans companies are on, for the dashboard's plan filter (companies_plan_idx, index only). */
export function listCompanyPlans(db: Db) {
  return db
    .selectDistinct({ plan: companies.plan })
    .from(companies)
    .where(sql`${companies.plan} is not null`)
    .orderBy(asc(companies.plan))
    .limit(PLANS_SHOWN)
    .all()
    .map((r) => r.plan!)
}

export function listSegmentChoices(db: Db | Tx) {
  return db.select({ id: segments.id, name: segments.name }).from(segments).orderBy(segments.position, segments.id).all()
}

// ---------------------------------------------------------------------------------------------
// One company: its page, its members, adding, editing and deleting
// ---------------------------------------------------------------------------------------------

export function getCompany(db: Db, companyId: number) {
  const company = db
    .select({
      id: companies.id,
      name: companies.name,
      externalId: companies.externalId,
      plan: companies.plan,
      monthlyRevenue: companies.monthlyRevenue,
      segmentId: companies.segmentId,
      segment: segments.name,
      createdAt: companies.createdAt,
      updatedAt: companies.updatedAt,
    })
    .from(companies)
    .leftJoin(segments, eq(segments.id, companies.segmentId))
    .where(eq(companies.id, companyId))
    .get()
  if (!company) throw new NotFoundError('company')
  return { ...company, memberCount: memberCounts(db, [company.id]).get(company.id) ?? 0 }
}

/** The company with this external id (companies_external_id_unique), or null. */
export function findCompanyIdByExternalId(db: Db, externalId: string) {
  return db.select({ id: companies.id }).from(companies).where(eq(companies.externalId, externalId)).get()?.id ?? null
}

/**
 * How many of the company's members voted for ideas, and how many votes they cast: its members
 * from users_company_idx, their votes from idea_votes_user_idx, one query.
 */
export function countCompanyVotes(db: Db, companyId: number) {
  const row = db
    .select({ voterCount: sql<number>`count(distinct ${ideaVotes.userId})`, voteCount: count() })
    .from(users)
    .innerJoin(ideaVotes, eq(ideaVotes.userId, users.id))
    .where(eq(users.companyId, companyId))
    .get()
  return { voterCount: row?.voterCount ?? 0, voteCount: row?.voteCount ?? 0 }
}

const COMPANY_MEMBERS_PAGE_SIZE = 50

/** A company's members, newest account first (users_company_idx ends in the rowid), keyset paged by id. */
export function listCompanyMembers(db: Db, input: { companyId: number; before?: number | null; pageSize?: number }) {
  const pageSize = input.pageSize ?? COMPANY_MEMBERS_PAGE_SIZE
  const rows = db
    .select({ id: users.id, username: users.username, displayName: users.displayName, role: users.role, createdAt: users.createdAt })
    .from(users)
    .where(and(eq(users.companyId, input.companyId), isNull(users.deletedAt), input.before ? lt(users.id, input.before) : undefined))
    .orderBy(desc(users.id))
    .limit(pageSize + 1)
    .all()
  const items = rows.slice(0, pageSize)
  return { items, nextBefore: rows.length > pageSize ? (items.at(-1)?.id ?? null) : null }
}

/** Why the fields cannot be stored as they are, or null: a segment that does not exist, an external id another company has. */
function refuseFields(tx: Tx, fields: CompanyFields, companyId: number | null): CompanyFieldRefusal | null {
  if (fields.segmentId != null && !tx.select({ id: segments.id }).from(segments).where(eq(segments.id, fields.segmentId)).get()) {
    return { ok: false, field: 'segmentId', message: 'Choose a segment from the list.' }
  }
  if (fields.externalId != null) {
    const taken = tx
      .select({ id: companies.id })
      .from(companies)
      .where(and(eq(companies.externalId, fields.externalId), companyId ? ne(companies.id, companyId) : undefined))
      .get()
    if (taken) return { ok: false, field: 'externalId', message: 'Another company has this external id.' }
  }
  return null
}

export function createCompany(db: Db, input: { actorId: number; fields: CompanyFields; now?: Date }): CompanyFieldResult<{ id: number }> {
  const now = input.now ?? new Date()
  return writeTransaction(db, (tx) => {
    const refusal = refuseFields(tx, input.fields, null)
    if (refusal) return refusal
    const { id } = tx
      .insert(companies)
      .values({ ...input.fields, createdAt: now, updatedAt: now })
      .returning({ id: companies.id })
      .get()
    logModeration(tx, {
      actorId: input.actorId,
      action: 'company.create',
      target: { type: 'company', id },
      ...logDiff(null, input.fields),
      now,
    })
    return { ok: true as const, id }
  })
}

export function updateCompany(
  db: Db,
  input: { actorId: number; companyId: number; fields: CompanyFields; now?: Date },
): CompanyFieldResult {
  const now = input.now ?? new Date()
  return writeTransaction(db, (tx) => {
    const before = tx
      .select({
        name: companies.name,
        externalId: companies.externalId,
        plan: companies.plan,
        monthlyRevenue: companies.monthlyRevenue,
        segmentId: companies.segmentId,
      })
      .from(companies)
      .where(eq(companies.id, input.companyId))
      .get()
    if (!before) throw new NotFoundError('company')
    const refusal = refuseFields(tx, input.fields, input.companyId)
    if (refusal) return refusal
    const keys = Object.keys(input.fields) as (keyof CompanyFields)[]
    if (keys.every((k) => before[k] === input.fields[k])) return { ok: true as const } // nothing to save or log
    tx.update(companies)
      .set({ ...input.fields, updatedAt: now })
      .where(eq(companies.id, input.companyId))
      .run()
    logModeration(tx, {
      actorId: input.actorId,
      action: 'company.update',
      target: { type: 'company', id: input.companyId },
      ...logDiff(before, input.fields),
      now,
    })
    return { ok: true as const }
  })
}

/** Deletes a company; its members stay, without a company (users.company_id is ON DELETE SET NULL). */
export function deleteCompany(db: Db, input: { actorId: number; companyId: number; reason?: string; now?: Date }) {
  const now = input.now ?? new Date()
  return writeTransaction(db, (tx) => {
    const company = tx
      .select({ id: companies.id, externalId: companies.externalId })
      .from(companies)
      .where(eq(companies.id, input.companyId))
      .get()
    if (!company) throw new NotFoundError('company')
    const members = memberCounts(tx, [company.id]).get(company.id) ?? 0
    tx.delete(companies).where(eq(companies.id, company.id)).run()
    logModeration(tx, {
      actorId: input.actorId,
      action: 'company.delete',
      target: { type: 'company', id: company.id },
      reason: input.reason ?? '',
      before: { externalId: company.externalId, members },
      now,
    })
    return { members }
  })
}

// ---------------------------------------------------------------------------------------------
// A member's company, from /admin/users/:userId
// ---------------------------------------------------------------------------------------------

/** The member's company (id, name, external id), or null; staff-only. */
export function getMemberCompany(db: Db, userId: number) {
  return (
    db
      .select({ id: companies.id, name: companies.name, externalId: companies.externalId })
      .from(users)
      .innerJoin(companies, eq(companies.id, users.companyId))
      .where(eq(users.id, userId))
      .get() ?? null
  )
}

/**
 * What staff type to name a company: its external id as it is, or `#` and its number (companies
 * made by hand may have no external id). Empty means no company.
 */
function findCompanyByReference(tx: Tx, reference: string) {
  const byNumber = /^#([1-9]\d{0,15})$/.exec(reference)
  const where: SQL = byNumber ? eq(companies.id, Number(byNumber[1])) : eq(companies.externalId, reference)
  return tx.select({ id: companies.id }).from(companies).where(where).get() ?? null
}

/**
 * Puts a member into the company `reference` names, or takes them out of theirs (null), and logs
 * it against the member with the company ids before and after.
 */
export function changeMemberCompany(
  db: Db,
  input: { actorId: number; userId: number; reference: string | null; reason?: string; now?: Date },
): CompanyFieldResult {
  const now = input.now ?? new Date()
  return writeTransaction(db, (tx) => {
    const member = tx
      .select({ id: users.id, companyId: users.companyId })
      .from(users)
      .where(and(eq(users.id, input.userId), isNull(users.deletedAt)))
      .get()
    if (!member) throw new NotFoundError('member')
    let companyId: number | null = null
    if (input.reference) {
      const company = findCompanyByReference(tx, input.reference)
      if (!company) return { ok: false as const, field: 'company', message: 'No company has this external id (or number).' }
      companyId = company.id
    }
    if (member.companyId === companyId) return { ok: true as const }
    setMemberCompany(tx, member.id, companyId)
    logModeration(tx, {
      actorId: input.actorId,
      action: 'change_company',
      target: { type: 'user', id: member.id },
      reason: input.reason ?? '',
      before: { companyId: member.companyId },
      after: { companyId },
      now,
    })
    return { ok: true as const }
  })
}

// ---------------------------------------------------------------------------------------------
// The companies behind an idea's votes (the idea page's staff panel)
// ---------------------------------------------------------------------------------------------

/** Most companies listed on an idea page; the totals still count them all. */
export const IDEA_COMPANIES_SHOWN = 50

/**
 * The companies whose members voted for an idea, by monthly revenue (then name): name, plan,
 * revenue and how many of its members voted; with the number of such companies and their revenue
 * counted once each. The votes are read through the idea's primary key, one users and one
 * companies lookup each, in one query.
 */
export function listIdeaCompanies(db: Db, ideaId: number) {
  type Row = { id: number; name: string; plan: string | null; monthlyRevenue: number; voters: number }
  // One pass: the window totals are taken over every company before the limit keeps the first ones.
  const rows = db.all<Row & { companyCount: number; totalRevenue: number; totalVoters: number }>(sql`
    select id, name, plan, monthlyRevenue, voters,
      count(*) over () as companyCount, sum(monthlyRevenue) over () as totalRevenue, sum(voters) over () as totalVoters
    from (select c.id as id, c.name as name, c.plan as plan, c.monthly_revenue as monthlyRevenue, count(*) as voters
          from idea_votes v join users u on u.id = v.user_id join companies c on c.id = u.company_id
          where v.idea_id = ${ideaId} group by c.id)
    order by monthlyRevenue desc, name, id limit ${IDEA_COMPANIES_SHOWN}`)
  const first = rows[0]
  return {
    items: rows.map(({ id, name, plan, monthlyRevenue, voters }): Row => ({ id, name, plan, monthlyRevenue, voters })),
    companyCount: first?.companyCount ?? 0,
    revenue: first?.totalRevenue ?? 0,
    voters: first?.totalVoters ?? 0,
  }
}
