/**
 * Members as /api/v1 shows them to admins: the admin list (keyset by id, newest first), one member
 * by id (public fields for everyone, admin fields for admins), creating a member, and changing a
 * member's role, segment and company through the admin page's own models (changeUserRole,
 * changeUserSegment, changeMemberCompany), so the same rules hold and the staff log records each
 * change. Shaped into the documented representation (app/schemas/api-admin.ts).
 */
import { and, desc, eq, gte, inArray, isNull, lt, or, sql } from 'drizzle-orm'
import { type z } from 'zod'
import { companies, segments, userIdentities, users } from '#db/schema'
import { type Role } from '~/domain'
import { problem } from '~/lib/api.server'
import { type Db } from '~/lib/db.server'
import { NotFoundError } from '~/lib/errors'
import { decodeCursor, toPage } from '~/lib/pagination.server'
import {
  type AdminMember,
  type MemberCreateBody,
  type MemberList,
  type MemberListQuery,
  type MemberUpdateBody,
  type PublicMember,
} from '~/schemas/api-admin'
import { changeMemberCompany } from './companies.server'
import { listIdentitiesOf } from './identities.server'
import { changeUserRole, changeUserSegment } from './moderation.server'
import { AccountTakenError, createMemberAccount, findSegmentByName } from './users.server'

/** Past every code point: `prefix <= x < prefix + MAX_CHAR` is "x starts with prefix", as a range the unique indexes serve. */
const MAX_CHAR = '\u{10FFFF}'

const adminColumns = {
  id: users.id,
  username: users.username,
  displayName: users.displayName,
  email: users.email,
  role: users.role,
  reputation: users.reputation,
  createdAt: users.createdAt,
  suspendedUntil: users.suspendedUntil,
  hasPassword: sql<number>`${users.passwordHash} != ''`,
  segment: segments.name,
  companyId: companies.id,
  companyName: companies.name,
  companyExternalId: companies.externalId,
}

function selectAdminMembers(db: Db) {
  return db
    .select(adminColumns)
    .from(users)
    .leftJoin(segments, eq(segments.id, users.segmentId))
    .leftJoin(companies, eq(companies.id, users.companyId))
}

type AdminRow = Awaited<ReturnType<ReturnType<typeof selectAdminMembers>['all']>>[number]

/** Rows and their identities (one more query for the whole page) as the API's admin representation. */
function toAdminMembers(db: Db, rows: AdminRow[]): z.infer<typeof AdminMember>[] {
  const identities = listIdentitiesOf(
    db,
    rows.map((r) => r.id),
  )
  return rows.map((r) => ({
    ...toPublicMember(r),
    email: r.email,
    role: r.role,
    segment: r.segment ?? null,
    company: r.companyId != null ? { id: r.companyId, name: r.companyName!, externalId: r.companyExternalId ?? null } : null,
    identities: (identities.get(r.id) ?? []).map((i) => ({
      issuer: i.issuer,
      subject: i.subject,
      provider: i.provider,
      createdAt: i.createdAt.toISOString(),
      lastLoginAt: i.lastLoginAt?.toISOString() ?? null,
    })),
    hasPassword: Boolean(r.hasPassword),
    suspendedUntil: r.suspendedUntil?.toISOString() ?? null,
    createdAt: r.createdAt.toISOString(),
  }))
}

function toPublicMember(r: {
  id: number
  username: string
  displayName: string
  role: Role
  reputation: number
  createdAt: Date
}): z.infer<typeof PublicMember> {
  return {
    id: r.id,
    username: r.username,
    displayName: r.displayName,
    reputation: r.reputation,
    badge: r.role === 'member' ? null : 'team',
    joinedAt: r.createdAt.toISOString(),
    url: `/u/${r.username}`,
  }
}

/**
 * One page of members, newest account first (keyset on the primary key), with the filters of
 * MemberListQuery. A username or e-mail prefix is a range on users_username_unique and
 * users_email_unique (both stored lower-case); an external id is looked up in user_identities.
 * Deleted accounts are not listed. Two queries whatever the page size.
 */
export function apiListMembers(db: Db, query: z.infer<typeof MemberListQuery>): z.infer<typeof MemberList> {
  const cursor = decodeCursor(query.cursor)
  const prefix = query.q || null
  const startsWith = (column: typeof users.username | typeof users.email, p: string) => and(gte(column, p), lt(column, p + MAX_CHAR))
  const identityHolders =
    query.externalId != null
      ? db
          .select({ userId: userIdentities.userId })
          .from(userIdentities)
          .where(
            and(eq(userIdentities.subject, query.externalId), query.issuer != null ? eq(userIdentities.issuer, query.issuer) : undefined),
          )
      : null
  const rows = selectAdminMembers(db)
    .where(
      and(
        isNull(users.deletedAt),
        query.role ? eq(users.role, query.role) : undefined,
        query.companyId ? eq(users.companyId, query.companyId) : undefined,
        prefix ? or(startsWith(users.username, prefix), startsWith(users.email, prefix)) : undefined,
        identityHolders ? inArray(users.id, identityHolders) : undefined,
        cursor ? lt(users.id, cursor.id) : undefined,
      ),
    )
    .orderBy(desc(users.id))
    .limit(query.limit + 1)
    .all()
  const page = toPage(rows, query.limit, (r) => r.id)
  return { data: toAdminMembers(db, page.items), nextCursor: page.nextCursor }
}

/** One member (not deleted) with the admin fields, or a 404. */
export function apiGetAdminMember(db: Db, userId: number): z.infer<typeof AdminMember> {
  const row = selectAdminMembers(db)
    .where(and(eq(users.id, userId), isNull(users.deletedAt)))
    .get()
  if (!row) throw new NotFoundError('member')
  return toAdminMembers(db, [row])[0]!
}

/** One member's public profile by id (what /u/:username shows of them), or a 404. */
export function apiGetPublicMember(db: Db, userId: number): z.infer<typeof PublicMember> {
  const row = db
    .select({
      id: users.id,
      username: users.username,
      displayName: users.displayName,
      role: users.role,
      reputation: users.reputation,
      createdAt: users.createdAt,
    })
    .from(users)
    .where(and(eq(users.id, userId), isNull(users.deletedAt)))
    .get()
  if (!row) throw new NotFoundError('member')
  return toPublicMember(row)
}

/** A segment named in a request, as its id: null for none, a 422 for a name no segment has. */
function segmentIdOf(db: Db, name: string | null | undefined) {
  if (name == null) return null
  const segment = findSegmentByName(db, name)
  if (!segment) throw problem(422, 'No segment has this name.', { errors: { segment: ['No segment has this name.'] } })
  return segment.id
}

/** A taken username or e-mail as a 409 naming the field. */
function orTakenProblem<T>(fn: () => T): T {
  try {
    return fn()
  } catch (error) {
    if (error instanceof AccountTakenError) throw problem(409, error.message, { errors: { [error.field]: [error.message] } })
    throw error
  }
}

/** Creates a member (createMemberAccount) and returns them with the admin fields. */
export function apiCreateMember(db: Db, actorId: number, body: z.infer<typeof MemberCreateBody>): z.infer<typeof AdminMember> {
  const result = orTakenProblem(() =>
    createMemberAccount(db, {
      actorId,
      username: body.username,
      email: body.email,
      displayName: body.displayName,
      role: body.role,
      segmentId: segmentIdOf(db, body.segment),
      companyId: body.companyId ?? null,
      externalId: body.externalId ?? null,
    }),
  )
  if (!result.ok) throw problem(422, result.message, { errors: { [result.field]: [result.message] } })
  return apiGetAdminMember(db, result.id)
}

/**
 * Changes what the body names, each through the admin page's model (each logged): the role first
 * (the last admin cannot be demoted: 409), then the segment and the company. The segment and the
 * company are checked before anything changes, so a 422 leaves the member as they were. A field
 * that already has the value asked for is no change and no log entry.
 */
export function apiUpdateMember(db: Db, actor: { id: number; role: Role }, userId: number, body: z.infer<typeof MemberUpdateBody>) {
  const member = db
    .select({ role: users.role, segmentId: users.segmentId, companyId: users.companyId })
    .from(users)
    .where(and(eq(users.id, userId), isNull(users.deletedAt)))
    .get()
  if (!member) throw new NotFoundError('member')
  const segmentId = body.segment !== undefined ? segmentIdOf(db, body.segment) : undefined
  if (body.companyId != null && !db.select({ id: companies.id }).from(companies).where(eq(companies.id, body.companyId)).get()) {
    throw problem(422, 'No company has this id.', { errors: { companyId: ['No company has this id.'] } })
  }
  const reason = body.reason ?? ''
  if (body.role !== undefined && body.role !== member.role) changeUserRole(db, { actor, userId, role: body.role, reason })
  if (segmentId !== undefined && segmentId !== member.segmentId) changeUserSegment(db, { actor, userId, segmentId, reason })
  if (body.companyId !== undefined && body.companyId !== member.companyId) {
    const outcome = changeMemberCompany(db, { actorId: actor.id, userId, reference: body.companyId ? `#${body.companyId}` : null, reason })
    if (!outcome.ok) throw problem(422, outcome.message, { errors: { companyId: [outcome.message] } })
  }
  return apiGetAdminMember(db, userId)
}
