/**
 * The /api/v1 contract: Members and companies, for admins.
 *
 * - Members are found by username (the public profile, /users/{username}), by numeric id
 *   (/users/by-id/{userId}: the public fields for everyone, the admin fields for an admin token),
 *   and by external id (the subject of their single sign-on identity, private, so only through the
 *   admin list: /users?externalId=…). `by-id` is a static segment one level below the profile: a
 *   member named "by-id" keeps their profile at /users/by-id.
 * - Admins list, create and change members (role, segment, company) with the admin scope; every
 *   change goes through the admin page's own models and lands in the staff log.
 * - Companies follow the site's policy: the product team may read them (`view:companies`, read
 *   scope), only admins change them (`manage:companies`, admin scope).
 */
import { z } from 'zod'
import { ROLES } from '~/domain'
import { DisplayName, Email, Username } from './account'
import { ApiId as Id, Timestamp, type ApiOperation } from './api-common'
import { COMPANY_EXTERNAL_ID_MAX, COMPANY_PLAN_MAX, CompanyName, MONTHLY_REVENUE_MAX } from './company'
import { ModerationReason } from './moderation'

/** No control characters: an id, a plan or a segment name is one line of text. */
const ONE_LINE = /^[^\p{Cc}]*$/u
const oneLine = (max: number) =>
  z
    .string()
    .trim()
    .min(1, 'Use at least 1 character, or null for none.')
    .max(max, `Use at most ${max} characters.`)
    .regex(ONE_LINE, 'Use one line of text.')

/** How long an external id (an identity's subject) may be. */
export const EXTERNAL_ID_MAX = 255
/** A segment is named as the admin settings list it. */
const SegmentName = oneLine(40).describe('A segment’s name, as the admin settings list it; null for none.')
const Cursor = z.string().max(600).optional().describe('The nextCursor of the previous page.')
const Limit = z.coerce.number().int().min(1).max(100).default(20)

// ---------------------------------------------------------------------------------------------
// Requests
// ---------------------------------------------------------------------------------------------

export const MemberListQuery = z
  .object({
    role: z.enum(ROLES).optional(),
    companyId: z.coerce.number().int().positive().optional().describe('Only members of this company.'),
    q: z.string().trim().toLowerCase().max(100).optional().describe('Only members whose username or e-mail address starts with this.'),
    externalId: z.string().max(EXTERNAL_ID_MAX).optional().describe('Only the member whose single sign-on identity has this subject.'),
    issuer: z.string().max(500).optional().describe('With externalId: only identities from this issuer (“jwt” for the company’s own app).'),
    cursor: Cursor,
    limit: Limit,
  })
  .strict()

export const MemberCreateBody = z
  .object({
    username: Username,
    email: Email,
    displayName: DisplayName.optional().describe('Defaults to the username.'),
    role: z.enum(ROLES).default('member'),
    segment: SegmentName.nullable().optional(),
    companyId: Id.nullable().optional().describe('The company the member belongs to.'),
    externalId: oneLine(EXTERNAL_ID_MAX)
      .optional()
      .describe('The member’s id in the company’s own app: their signed-JWT log-in (issuer “jwt”) finds this account by it.'),
  })
  .strict()

export const MemberUpdateBody = z
  .object({
    role: z.enum(ROLES).optional(),
    segment: SegmentName.nullable().optional(),
    companyId: Id.nullable().optional().describe('null takes the member out of their company.'),
    reason: ModerationReason.optional().describe('Kept in the staff log with the change.'),
  })
  .strict()
  .refine((v) => v.role !== undefined || v.segment !== undefined || v.companyId !== undefined, {
    message: 'Send role, segment or companyId.',
  })

export const CompanyListQuery = z
  .object({
    q: z.string().trim().max(100).optional().describe('Only companies whose name contains this.'),
    externalId: z.string().max(COMPANY_EXTERNAL_ID_MAX).optional().describe('Only the company with this external id.'),
    cursor: Cursor,
    limit: Limit,
  })
  .strict()

const companyFields = {
  name: CompanyName,
  externalId: oneLine(COMPANY_EXTERNAL_ID_MAX)
    .nullable()
    .optional()
    .describe('The company’s id in your own systems (the JWT’s company.id).'),
  plan: oneLine(COMPANY_PLAN_MAX).nullable().optional(),
  monthlyRevenue: z.number().int().min(0).max(MONTHLY_REVENUE_MAX).optional().describe('Whole currency units a month.'),
  segment: SegmentName.nullable().optional(),
}

export const CompanyCreateBody = z.object(companyFields).strict()

export const CompanyUpdateBody = z
  .object({ ...companyFields, name: CompanyName.optional() })
  .strict()
  .refine((v) => Object.values(v).some((value) => value !== undefined), { message: 'Send at least one field to change.' })

export const CompanyMembersQuery = z.object({ cursor: Cursor, limit: Limit }).strict()

// ---------------------------------------------------------------------------------------------
// Answers
// ---------------------------------------------------------------------------------------------

export const PublicMember = z
  .object({
    id: Id,
    username: z.string(),
    displayName: z.string(),
    reputation: z.number().int(),
    badge: z.enum(['team']).nullable().describe('“team” for staff, as their posts and profile show; null for members.'),
    joinedAt: Timestamp,
    url: z.string(),
  })
  .describe('The public profile: never the e-mail address, role, segment, company or identities.')

const CompanyRef = z.object({ id: Id, name: z.string(), externalId: z.string().nullable() })

export const AdminMember = PublicMember.extend({
  email: z.string(),
  role: z.enum(ROLES),
  segment: z.string().nullable(),
  company: CompanyRef.nullable(),
  identities: z
    .array(
      z.object({
        issuer: z.string(),
        subject: z.string(),
        provider: z.string().describe('The provider’s label, or “Company app” for the JWT.'),
        createdAt: Timestamp,
        lastLoginAt: Timestamp.nullable(),
      }),
    )
    .describe('Single sign-on identities; subject is the external id.'),
  hasPassword: z.boolean().describe('false: the member signs in through single sign-on.'),
  suspendedUntil: Timestamp.nullable(),
  createdAt: Timestamp,
}).describe('A member as admins see them (admin scope).')

export const MemberDetail = z
  .union([AdminMember, PublicMember])
  .describe('The admin fields for a token with the admin scope; the public profile for anyone else.')
export const MemberList = z.object({ data: z.array(AdminMember).describe('Newest account first.'), nextCursor: z.string().nullable() })

export const Company = z.object({
  id: Id,
  name: z.string(),
  externalId: z.string().nullable(),
  plan: z.string().nullable(),
  monthlyRevenue: z.number().int(),
  segment: z.string().nullable(),
  memberCount: z.number().int(),
  createdAt: Timestamp,
  updatedAt: Timestamp,
})
export const CompanyDetail = Company.extend({
  voterCount: z.number().int().describe('Its members who voted for at least one idea.'),
  voteCount: z.number().int().describe('Votes its members cast on ideas.'),
})
export const CompanyList = z.object({ data: z.array(Company).describe('By name.'), nextCursor: z.string().nullable() })
export const CompanyDeleted = z.object({
  id: Id,
  deleted: z.literal(true),
  membersDetached: z.number().int().describe('Members who now have no company.'),
})

export const CompanyMember = z.object({
  id: Id,
  username: z.string(),
  displayName: z.string(),
  role: z.enum(ROLES),
  joinedAt: Timestamp,
  url: z.string(),
})
export const CompanyMemberList = z.object({
  data: z.array(CompanyMember).describe('Newest account first.'),
  nextCursor: z.string().nullable(),
})

// ---------------------------------------------------------------------------------------------
// Operations
// ---------------------------------------------------------------------------------------------

const userId = { userId: 'The member’s numeric id.' }
const companyId = { companyId: 'The company’s id.' }

export const ADMIN_OPERATIONS: ApiOperation[] = [
  {
    method: 'get',
    path: '/users',
    routeFile: 'api.v1.users.ts',
    summary: 'List members with their admin fields, newest first, in keyset pages; find one by external id (admins).',
    scope: 'admin',
    query: MemberListQuery,
    response: { status: 200, schema: MemberList, description: 'A page of members.' },
    errors: [400, 401, 403, 429],
  },
  {
    method: 'post',
    path: '/users',
    routeFile: 'api.v1.users.ts',
    summary: 'Create a member without a password, who signs in through single sign-on (admins); member.created fires.',
    scope: 'admin',
    body: MemberCreateBody,
    response: { status: 201, schema: AdminMember, description: 'The new member.' },
    errors: [400, 401, 403, 409, 413, 415, 422, 429],
  },
  {
    method: 'get',
    path: '/users/by-id/{userId}',
    routeFile: 'api.v1.users.by-id.$userId.ts',
    summary: 'A member by numeric id: the public profile, or the admin fields for a token with the admin scope.',
    scope: null,
    pathParams: userId,
    response: { status: 200, schema: MemberDetail, description: 'The member.' },
    errors: [401, 403, 404, 429],
  },
  {
    method: 'patch',
    path: '/users/by-id/{userId}',
    routeFile: 'api.v1.users.by-id.$userId.ts',
    summary: 'Change a member’s role, segment or company, as the admin page does (logged in the staff log).',
    scope: 'admin',
    pathParams: userId,
    body: MemberUpdateBody,
    response: { status: 200, schema: AdminMember, description: 'The member after the change.' },
    errors: [400, 401, 403, 404, 409, 413, 415, 422, 429],
  },
  {
    method: 'get',
    path: '/companies',
    routeFile: 'api.v1.companies.ts',
    summary: 'List customer companies by name, in keyset pages (the product team and admins).',
    scope: 'read',
    query: CompanyListQuery,
    response: { status: 200, schema: CompanyList, description: 'A page of companies.' },
    errors: [400, 401, 403, 429],
  },
  {
    method: 'post',
    path: '/companies',
    routeFile: 'api.v1.companies.ts',
    summary: 'Add a company (admins).',
    scope: 'admin',
    body: CompanyCreateBody,
    response: { status: 201, schema: CompanyDetail, description: 'The new company.' },
    errors: [400, 401, 403, 409, 413, 415, 422, 429],
  },
  {
    method: 'get',
    path: '/companies/{companyId}',
    routeFile: 'api.v1.companies.$companyId.ts',
    summary: 'A company with its member and vote counts (the product team and admins).',
    scope: 'read',
    pathParams: companyId,
    response: { status: 200, schema: CompanyDetail, description: 'The company.' },
    errors: [401, 403, 404, 429],
  },
  {
    method: 'patch',
    path: '/companies/{companyId}',
    routeFile: 'api.v1.companies.$companyId.ts',
    summary: 'Change a company’s fields; those left out keep their value (admins).',
    scope: 'admin',
    pathParams: companyId,
    body: CompanyUpdateBody,
    response: { status: 200, schema: CompanyDetail, description: 'The company after the change.' },
    errors: [400, 401, 403, 404, 409, 413, 415, 422, 429],
  },
  {
    method: 'delete',
    path: '/companies/{companyId}',
    routeFile: 'api.v1.companies.$companyId.ts',
    summary: 'Delete a company; its members stay, without a company (admins).',
    scope: 'admin',
    pathParams: companyId,
    response: { status: 200, schema: CompanyDeleted, description: 'The company is gone.' },
    errors: [401, 403, 404, 429],
  },
  {
    method: 'get',
    path: '/companies/{companyId}/members',
    routeFile: 'api.v1.companies.$companyId.members.ts',
    summary: 'A company’s members, newest account first, in keyset pages (the product team and admins).',
    scope: 'read',
    pathParams: companyId,
    query: CompanyMembersQuery,
    response: { status: 200, schema: CompanyMemberList, description: 'A page of members.' },
    errors: [400, 401, 403, 404, 429],
  },
]
