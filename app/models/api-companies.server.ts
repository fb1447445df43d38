/**
 * Customer companies as /api/v1 shows them: the admin pages' own models (listCompanies,
 * getCompany, createCompany, updateCompany, deleteCompany, listCompanyMembers), so the same checks
 * hold and the staff log records each change, shaped into the documented representation
 * (app/schemas/api-admin.ts). Callers check `view:companies` before reading and
 * `manage:companies` before changing, as the pages do.
 */
import { type z } from 'zod'
import { problem } from '~/lib/api.server'
import { type Db } from '~/lib/db.server'
import { decodeCursor, encodeCursor } from '~/lib/pagination.server'
import {
  type Company,
  type CompanyCreateBody,
  type CompanyDeleted,
  type CompanyDetail,
  type CompanyList,
  type CompanyListQuery,
  type CompanyMemberList,
  type CompanyMembersQuery,
  type CompanyUpdateBody,
} from '~/schemas/api-admin'
import { type CompanyFields } from '~/schemas/company'
import {
  countCompanyVotes,
  createCompany,
  type CompanyFieldRefusal,
  decodeCompanyCursor,
  deleteCompany,
  findCompanyIdByExternalId,
  getCompany,
  listCompanies,
  listCompanyMembers,
  updateCompany,
} from './companies.server'
import { findSegmentByName } from './users.server'

type CompanyRow = {
  id: number
  name: string
  externalId: string | null
  plan: string | null
  monthlyRevenue: number
  segment: string | null
  memberCount: number
  createdAt: Date
  updatedAt: Date
}

function toCompany(c: CompanyRow): z.infer<typeof Company> {
  return {
    id: c.id,
    name: c.name,
    externalId: c.externalId ?? null,
    plan: c.plan ?? null,
    monthlyRevenue: c.monthlyRevenue,
    segment: c.segment ?? null,
    memberCount: c.memberCount,
    createdAt: c.createdAt.toISOString(),
    updatedAt: c.updatedAt.toISOString(),
  }
}

/** A page of companies by name (the admin list's query), or the one with an external id. */
export function apiListCompanies(db: Db, query: z.infer<typeof CompanyListQuery>): z.infer<typeof CompanyList> {
  if (query.externalId != null) {
    const id = findCompanyIdByExternalId(db, query.externalId)
    return { data: id ? [toCompany(getCompany(db, id))] : [], nextCursor: null }
  }
  const page = listCompanies(db, { query: query.q ?? '', cursor: decodeCompanyCursor(query.cursor), pageSize: query.limit })
  return { data: page.items.map(toCompany), nextCursor: page.nextCursor }
}

/** One company with its member and vote counts, or a 404. */
export function apiGetCompany(db: Db, companyId: number): z.infer<typeof CompanyDetail> {
  return { ...toCompany(getCompany(db, companyId)), ...countCompanyVotes(db, companyId) }
}

function segmentIdOf(db: Db, name: string | null | undefined) {
  if (name == null) return null
  const segment = findSegmentByName(db, name)
  if (!segment) throw problem(422, 'No segment has this name.', { errors: { segment: ['No segment has this name.'] } })
  return segment.id
}

/** A taken external id is a conflict (409); a segment gone meanwhile is a field error (422). */
function refusalProblem(refusal: CompanyFieldRefusal) {
  if (refusal.field === 'externalId') return problem(409, refusal.message, { errors: { externalId: [refusal.message] } })
  return problem(422, refusal.message, { errors: { [refusal.field === 'segmentId' ? 'segment' : refusal.field]: [refusal.message] } })
}

export function apiCreateCompany(db: Db, actorId: number, body: z.infer<typeof CompanyCreateBody>): z.infer<typeof CompanyDetail> {
  const fields: CompanyFields = {
    name: body.name,
    externalId: body.externalId ?? null,
    plan: body.plan ?? null,
    monthlyRevenue: body.monthlyRevenue ?? 0,
    segmentId: segmentIdOf(db, body.segment),
  }
  const result = createCompany(db, { actorId, fields })
  if (!result.ok) throw refusalProblem(result)
  return apiGetCompany(db, result.id)
}

/** Changes the fields the body names; the others keep their value. */
export function apiUpdateCompany(
  db: Db,
  actorId: number,
  companyId: number,
  body: z.infer<typeof CompanyUpdateBody>,
): z.infer<typeof CompanyDetail> {
  const current = getCompany(db, companyId)
  const fields: CompanyFields = {
    name: body.name ?? current.name,
    externalId: body.externalId !== undefined ? body.externalId : current.externalId,
    plan: body.plan !== undefined ? body.plan : current.plan,
    monthlyRevenue: body.monthlyRevenue ?? current.monthlyRevenue,
    segmentId: body.segment !== undefined ? segmentIdOf(db, body.segment) : current.segmentId,
  }
  const result = updateCompany(db, { actorId, companyId, fields })
  if (!result.ok) throw refusalProblem(result)
  return apiGetCompany(db, companyId)
}

export function apiDeleteCompany(db: Db, actorId: number, companyId: number): z.infer<typeof CompanyDeleted> {
  const { members } = deleteCompany(db, { actorId, companyId })
  return { id: companyId, deleted: true, membersDetached: members }
}

/** A page of the company's members, newest account first; a 404 for a company that does not exist. */
export function apiListCompanyMembers(
  db: Db,
  companyId: number,
  query: z.infer<typeof CompanyMembersQuery>,
): z.infer<typeof CompanyMemberList> {
  getCompany(db, companyId)
  const before = decodeCursor(query.cursor)?.id ?? null
  const page = listCompanyMembers(db, { companyId, before, pageSize: query.limit })
  return {
    data: page.items.map((m) => ({
      id: m.id,
      username: m.username,
      displayName: m.displayName,
      role: m.role,
      joinedAt: m.createdAt.toISOString(),
      url: `/u/${m.username}`,
    })),
    nextCursor: page.nextBefore ? encodeCursor({ sort: page.nextBefore, id: page.nextBefore }) : null,
  }
}
