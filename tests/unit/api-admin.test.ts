/**
 * The models behind the admin resources of /api/v1, below HTTP: creating a member with a role,
 * segment, company and external id (one transaction, member.created, the staff log, 409s), the
 * identities of a page in one query, the admin member list's filters and keyset pages, role and
 * company changes through the admin page's models, and the company lookups and counts.
 */
import Database from 'better-sqlite3'
import { and, desc, eq } from 'drizzle-orm'
import { drizzle } from 'drizzle-orm/better-sqlite3'
import { describe, expect, test } from 'vitest'
import * as schema from '#db/schema'
import { moderationLog, userIdentities, users, webhookDeliveries } from '#db/schema'
import { databaseFile, type Db, getDb } from '~/lib/db.server'
import { ConflictError, DomainError } from '~/lib/errors'
import { apiCreateCompany, apiGetCompany, apiListCompanies, apiListCompanyMembers, apiUpdateCompany } from '~/models/api-companies.server'
import { apiCreateMember, apiGetAdminMember, apiGetPublicMember, apiListMembers, apiUpdateMember } from '~/models/api-users.server'
import { countCompanyVotes, findCompanyIdByExternalId } from '~/models/companies.server'
import { attachIdentity, JWT_ISSUER, listIdentitiesOf, signInWithIdentity } from '~/models/identities.server'
import { createMemberAccount } from '~/models/users.server'
import { setIdeaVote } from '~/models/votes.server'
import { createWebhookEndpoint } from '~/models/webhooks.server'
import { MemberListQuery } from '~/schemas/api-admin'
import { createSegment, createTestIdea, createUser, unique } from '#tests/factories'
import { createCompanyMember, createTestCompany } from './helpers/companies'

const db = () => getDb()

/** The query plans of every statement `run` sends, through a second handle on the same file that records them. */
function plansOf(run: (handle: Db) => void) {
  const captured: { sql: string; params: unknown[] }[] = []
  const sqlite = new Database(databaseFile())
  try {
    run(drizzle({ client: sqlite, schema, logger: { logQuery: (sql, params) => void captured.push({ sql, params }) } }) as Db)
    return captured.map(({ sql, params }) =>
      (sqlite.prepare(`explain query plan ${sql}`).all(...params.map((p) => (p instanceof Date ? p.getTime() : p))) as { detail: string }[])
        .map((row) => row.detail)
        .join(' | '),
    )
  } finally {
    sqlite.close()
  }
}
const admin = createUser(db(), { role: 'admin' })
const actor = { id: admin.id, role: 'admin' as const }
const listQuery = (input: Record<string, string>) => MemberListQuery.parse({ limit: '100', ...input })

/** The status of a thrown problem Response or DomainError, or "ok". */
function statusOf(fn: () => unknown) {
  try {
    fn()
    return 'ok'
  } catch (thrown) {
    if (thrown instanceof Response) return thrown.status
    if (thrown instanceof DomainError) return thrown.status
    throw thrown
  }
}

const lastLog = (userId: number) =>
  db()
    .select()
    .from(moderationLog)
    .where(and(eq(moderationLog.targetType, 'user'), eq(moderationLog.targetId, userId)))
    .orderBy(desc(moderationLog.id))
    .all()

describe('createMemberAccount', () => {
  test('makes a passwordless member with role, segment, company and a JWT identity; logs it; member.created fires', () => {
    createWebhookEndpoint(db(), {
      actorId: admin.id,
      input: { url: 'https://hooks.example/in', description: 'members', kind: 'standard', events: ['member.created'] },
    })
    const segment = createSegment(db())
    const company = createTestCompany(db())
    const username = unique('made')
    const result = createMemberAccount(db(), {
      actorId: admin.id,
      username,
      email: `${username}@Example.com`,
      displayName: 'Made By Admin',
      role: 'product',
      segmentId: segment.id,
      companyId: company.id,
      externalId: `crm-${username}`,
    })
    expect(result.ok).toBe(true)
    const id = (result as { id: number }).id
    const row = db().select().from(users).where(eq(users.id, id)).get()!
    expect(row).toMatchObject({
      username,
      email: `${username}@example.com`,
      passwordHash: '',
      role: 'product',
      segmentId: segment.id,
      companyId: company.id,
    })
    expect(db().select().from(userIdentities).where(eq(userIdentities.userId, id)).all()).toMatchObject([
      { issuer: JWT_ISSUER, subject: `crm-${username}` },
    ])
    expect(lastLog(id)[0]).toMatchObject({
      actorId: admin.id,
      action: 'create_member',
      after: { role: 'product', segmentId: segment.id, companyId: company.id },
    })
    const created = db().select().from(webhookDeliveries).where(eq(webhookDeliveries.eventType, 'member.created')).all()
    expect(created.some((d) => d.payload.includes(`"username":"${username}"`))).toBe(true)
    expect(created.some((d) => d.payload.includes('example.com'))).toBe(false)
    // The company's app logs them in by that subject, into this very account.
    const login = signInWithIdentity(
      db(),
      {
        issuer: JWT_ISSUER,
        subject: `crm-${username}`,
        providerId: null,
        email: `${username}@example.com`,
        emailVerified: true,
        name: 'Made',
        preferredUsername: null,
      },
      { label: 'your company’s app', role: 'member', segmentId: null, linkVerifiedEmail: false, updateProfile: true },
    )
    expect(login).toMatchObject({ userId: id, created: false })
  })

  test('a taken username, e-mail or external id is a 409 and leaves nothing behind; a missing segment or company is a field refusal', () => {
    const taken = createUser(db())
    const base = { actorId: admin.id, role: 'member' as const, segmentId: null, companyId: null, externalId: null }
    expect(() => createMemberAccount(db(), { ...base, username: taken.username, email: `${unique('x')}@example.com` })).toThrow(
      /username is taken/,
    )
    expect(() => createMemberAccount(db(), { ...base, username: unique('x'), email: taken.email })).toThrow(/e-mail exists/)
    const first = createMemberAccount(db(), {
      ...base,
      username: unique('ext'),
      email: `${unique('ext')}@example.com`,
      externalId: 'dup-subject',
    })
    expect(first.ok).toBe(true)
    const second = unique('ext')
    expect(() =>
      createMemberAccount(db(), { ...base, username: second, email: `${second}@example.com`, externalId: 'dup-subject' }),
    ).toThrow(/external id/)
    expect(db().select().from(users).where(eq(users.username, second)).get()).toBeUndefined()
    expect(
      createMemberAccount(db(), { ...base, username: unique('x'), email: `${unique('x')}@example.com`, segmentId: 999_999 }),
    ).toMatchObject({ ok: false, field: 'segment' })
    expect(
      createMemberAccount(db(), { ...base, username: unique('x'), email: `${unique('x')}@example.com`, companyId: 999_999 }),
    ).toMatchObject({ ok: false, field: 'companyId' })
  })
})

test('attachIdentity refuses a subject another account holds; listIdentitiesOf reads a page in one query, by account', () => {
  const [a, b] = [createUser(db()), createUser(db())]
  db().transaction((tx) => attachIdentity(tx, { userId: a.id, issuer: JWT_ISSUER, subject: 'subject-a', now: new Date() }))
  db().transaction((tx) => attachIdentity(tx, { userId: a.id, issuer: 'https://id.example', subject: 'subject-a', now: new Date() }))
  expect(() =>
    db().transaction((tx) => attachIdentity(tx, { userId: b.id, issuer: JWT_ISSUER, subject: 'subject-a', now: new Date() })),
  ).toThrow(ConflictError)
  const byUser = listIdentitiesOf(db(), [a.id, b.id])
  expect(byUser.get(a.id)).toMatchObject([
    { issuer: JWT_ISSUER, subject: 'subject-a', provider: 'Company app' },
    { issuer: 'https://id.example', subject: 'subject-a', provider: 'https://id.example' },
  ])
  expect(byUser.get(b.id)).toBeUndefined()
  expect(listIdentitiesOf(db(), []).size).toBe(0)
})

describe('the admin member list', () => {
  test('filters by role, company, username or e-mail prefix and external id; pages newest first by keyset', () => {
    const company = createTestCompany(db())
    const stem = unique('pfx').replace(/[^a-z0-9]/g, '')
    const made = [1, 2, 3].map((n) =>
      createCompanyMember(db(), company.id, { username: `${stem}-${n}`, role: n === 3 ? 'moderator' : 'member' }),
    )
    const viaMail = createUser(db(), { email: `${stem}-mail@example.com` })
    createMemberAccount(db(), {
      actorId: admin.id,
      username: unique('sso'),
      email: `${unique('sso')}@example.com`,
      role: 'member',
      segmentId: null,
      companyId: null,
      externalId: `ext-${stem}`,
    })

    const ids = (q: Record<string, string>) => apiListMembers(db(), listQuery(q)).data.map((m) => m.id)
    expect(ids({ companyId: String(company.id) })).toEqual(made.map((m) => m.id).reverse())
    expect(ids({ q: stem.toUpperCase() })).toEqual([viaMail.id, ...made.map((m) => m.id).reverse()])
    expect(ids({ q: stem, role: 'moderator' })).toEqual([made[2]!.id])
    const byExternal = apiListMembers(db(), listQuery({ externalId: `ext-${stem}` })).data
    expect(byExternal).toHaveLength(1)
    expect(byExternal[0]!.identities).toMatchObject([{ issuer: JWT_ISSUER, subject: `ext-${stem}` }])
    expect(ids({ externalId: `ext-${stem}`, issuer: 'https://elsewhere.example' })).toEqual([])
    expect(ids({ q: 'no-such-prefix-anywhere' })).toEqual([])

    const first = apiListMembers(db(), listQuery({ companyId: String(company.id), limit: '2' }))
    expect(first.data.map((m) => m.id)).toEqual([made[2]!.id, made[1]!.id])
    expect(first.data[0]).toMatchObject({
      email: `${stem}-3@example.com`,
      role: 'moderator',
      company: { id: company.id, name: company.name },
      hasPassword: true,
    })
    const second = apiListMembers(db(), listQuery({ companyId: String(company.id), limit: '2', cursor: first.nextCursor! }))
    expect(second).toMatchObject({ data: [{ id: made[0]!.id }], nextCursor: null })
    // A bad cursor is the first page.
    expect(apiListMembers(db(), listQuery({ companyId: String(company.id), cursor: 'garbage' })).data).toHaveLength(3)
  })

  test('its queries use the primary key, the company index or the role index in list order, and one query for the page’s identities', () => {
    const company = createTestCompany(db())
    createCompanyMember(db(), company.id)
    const cursor = apiListMembers(db(), listQuery({ limit: '1' })).nextCursor!
    const plans = plansOf((handle) => {
      apiListMembers(handle, listQuery({ cursor }))
      apiListMembers(handle, listQuery({ companyId: String(company.id), cursor }))
      apiListMembers(handle, listQuery({ role: 'admin', cursor }))
    })
    const [byId, identities, byCompany] = plans
    const byRole = plans.find((p) => p.includes('users_role_idx')) ?? plans.at(-1)!
    expect(byId).toMatch(/SEARCH users USING INTEGER PRIMARY KEY \(rowid<\?\)/)
    expect(byCompany).toMatch(/SEARCH users USING INDEX users_company_idx \(company_id=\? AND rowid<\?\)/)
    expect(identities).toMatch(/SEARCH user_identities USING INDEX user_identities_user_idx/)
    expect(byRole).toMatch(/SEARCH users USING INDEX users_role_idx \(role=\? AND (rowid|id)<\?\)/)
    for (const plan of [byId, byCompany, byRole]) expect(plan).not.toMatch(/TEMP B-TREE|SCAN users/)
  })

  test('by id: public fields for everyone, admin fields for admins; deleted members are 404', () => {
    const member = createUser(db(), { role: 'moderator' })
    expect(apiGetPublicMember(db(), member.id)).toEqual({
      id: member.id,
      username: member.username,
      displayName: member.username,
      reputation: 1,
      badge: 'team',
      joinedAt: expect.any(String),
      url: `/u/${member.username}`,
    })
    expect(apiGetAdminMember(db(), member.id)).toMatchObject({
      id: member.id,
      email: member.email,
      role: 'moderator',
      identities: [],
      company: null,
    })
    db().update(users).set({ deletedAt: new Date() }).where(eq(users.id, member.id)).run()
    expect(statusOf(() => apiGetPublicMember(db(), member.id))).toBe(404)
    expect(statusOf(() => apiGetAdminMember(db(), member.id))).toBe(404)
  })
})

describe('apiCreateMember and apiUpdateMember', () => {
  test('taken fields are 409 naming the field; unknown segment and company are 422', async () => {
    const taken = createUser(db())
    const body = (extra: object) => ({ username: unique('api'), email: `${unique('api')}@example.com`, role: 'member' as const, ...extra })
    const conflict = (() => {
      try {
        apiCreateMember(db(), admin.id, body({ username: taken.username }))
      } catch (thrown) {
        return thrown as Response
      }
    })()!
    expect(conflict.status).toBe(409)
    expect(await conflict.json()).toMatchObject({ status: 409, errors: { username: ['This username is taken.'] } })
    expect(statusOf(() => apiCreateMember(db(), admin.id, body({ segment: 'No such segment' })))).toBe(422)
    expect(statusOf(() => apiCreateMember(db(), admin.id, body({ companyId: 999_999 })))).toBe(422)
  })

  test('role, segment and company change through the admin page’s models, each logged; the same value is no change', () => {
    const member = createUser(db())
    const segment = createSegment(db())
    const company = createTestCompany(db())
    const after = apiUpdateMember(db(), actor, member.id, {
      role: 'product',
      segment: segment.name,
      companyId: company.id,
      reason: 'joined the team',
    })
    expect(after).toMatchObject({ role: 'product', segment: segment.name, company: { id: company.id } })
    expect(
      lastLog(member.id)
        .map((e) => e.action)
        .sort(),
    ).toEqual(['change_company', 'change_role', 'change_segment'])
    expect(lastLog(member.id).find((e) => e.action === 'change_role')).toMatchObject({
      actorId: admin.id,
      reason: 'joined the team',
      before: { role: 'member' },
      after: { role: 'product' },
    })
    apiUpdateMember(db(), actor, member.id, { role: 'product' })
    expect(lastLog(member.id)).toHaveLength(3)
    // A 422 changes nothing, not even the role sent with it.
    expect(statusOf(() => apiUpdateMember(db(), actor, member.id, { role: 'moderator', companyId: 999_999 }))).toBe(422)
    expect(apiGetAdminMember(db(), member.id).role).toBe('product')
    apiUpdateMember(db(), actor, member.id, { companyId: null, segment: null })
    expect(apiGetAdminMember(db(), member.id)).toMatchObject({ company: null, segment: null })
    expect(statusOf(() => apiUpdateMember(db(), actor, 999_999, { role: 'member' }))).toBe(404)
  })
})

describe('companies', () => {
  test('found by external id; votes of its members counted in one query', () => {
    const company = createTestCompany(db(), { externalId: unique('acme-') })
    expect(findCompanyIdByExternalId(db(), company.externalId!)).toBe(company.id)
    expect(findCompanyIdByExternalId(db(), 'nobody-has-this')).toBeNull()
    const [a, b] = [createCompanyMember(db(), company.id), createCompanyMember(db(), company.id)]
    const author = createUser(db())
    const [i1, i2] = [createTestIdea(db(), { authorId: author.id }), createTestIdea(db(), { authorId: author.id })]
    setIdeaVote(db(), { ideaId: i1.id, userId: a.id, voted: true })
    setIdeaVote(db(), { ideaId: i2.id, userId: a.id, voted: true })
    setIdeaVote(db(), { ideaId: i1.id, userId: b.id, voted: true })
    expect(countCompanyVotes(db(), company.id)).toEqual({ voterCount: 2, voteCount: 3 })
    expect(countCompanyVotes(db(), createTestCompany(db()).id)).toEqual({ voterCount: 0, voteCount: 0 })
    expect(apiGetCompany(db(), company.id)).toMatchObject({ id: company.id, memberCount: 2, voterCount: 2, voteCount: 3 })
    expect(apiListCompanies(db(), { externalId: company.externalId!, limit: 20 }).data.map((c) => c.id)).toEqual([company.id])
  })

  test('create, partial update and members pages; a taken external id is 409, an unknown segment 422', () => {
    const name = unique('Api Co ')
    const created = apiCreateCompany(db(), admin.id, { name, externalId: unique('apico-'), plan: 'Pro', monthlyRevenue: 1200 })
    expect(created).toMatchObject({ name, plan: 'Pro', monthlyRevenue: 1200, memberCount: 0, segment: null })
    const updated = apiUpdateCompany(db(), admin.id, created.id, { plan: null })
    expect(updated).toMatchObject({ name, plan: null, monthlyRevenue: 1200, externalId: created.externalId })
    expect(statusOf(() => apiCreateCompany(db(), admin.id, { name: 'Another', externalId: created.externalId }))).toBe(409)
    expect(statusOf(() => apiUpdateCompany(db(), admin.id, created.id, { segment: 'No such segment' }))).toBe(422)
    const members = [1, 2, 3].map(() => createCompanyMember(db(), created.id))
    const first = apiListCompanyMembers(db(), created.id, { limit: 2 })
    expect(first.data.map((m) => m.id)).toEqual([members[2]!.id, members[1]!.id])
    expect(apiListCompanyMembers(db(), created.id, { limit: 2, cursor: first.nextCursor! })).toMatchObject({
      data: [{ id: members[0]!.id }],
      nextCursor: null,
    })
    expect(statusOf(() => apiListCompanyMembers(db(), 999_999, { limit: 2 }))).toBe(404)
  })
})
