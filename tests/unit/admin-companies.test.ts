/**
 * /admin/companies and /admin/companies/:companyId: who may read and change them, the list by name
 * in keyset pages, adding, editing and deleting a company (members stay, unlinked), putting a
 * member in a company from their page, and what the moderation log keeps (never the contract data).
 */
import { and, desc, eq } from 'drizzle-orm'
import { describe, expect, test } from 'vitest'
import { companies, moderationLog, users } from '#db/schema'
import { type Role } from '~/domain'
import { getDb } from '~/lib/db.server'
import { listCompanies } from '~/models/companies.server'
import * as companyPage from '~/routes/admin.companies.$companyId'
import * as companyList from '~/routes/admin.companies._index'
import * as adminLayout from '~/routes/admin'
import * as userPage from '~/routes/admin.users.$userId'
import { createSegment, createUser, unique } from '#tests/factories'
import { formRequest, getRequest, settle } from '#tests/route-helpers'
import { createCompanyMember, createTestCompany } from './helpers/companies'

const db = () => getDb()
const admin = createUser(db(), { role: 'admin' })
const product = createUser(db(), { role: 'product' })

const listPage = async (path: string, userId?: number) =>
  settle(async () => companyList.loader({ request: await getRequest(path, { userId }), params: {}, context: {} }))
/** Posts as `as.userId` (an admin unless told; `{}` is a visitor). */
const postList = async (fields: Record<string, string>, as: { userId?: number } = { userId: admin.id }) =>
  settle(async () => companyList.action({ request: await formRequest('/admin/companies?index', fields, as), params: {}, context: {} }))
const companyGet = async (companyId: number | string, userId?: number, query = '') =>
  settle(async () =>
    companyPage.loader({
      request: await getRequest(`/admin/companies/${companyId}${query}`, { userId }),
      params: { companyId: String(companyId) },
      context: {},
    }),
  )
const postCompany = async (companyId: number, fields: Record<string, string>, as: { userId?: number } = { userId: admin.id }) =>
  settle(async () =>
    companyPage.action({
      request: await formRequest(`/admin/companies/${companyId}`, fields, as),
      params: { companyId: String(companyId) },
      context: {},
    }),
  )
const lastLog = (action: string) =>
  db()
    .select({
      targetType: moderationLog.targetType,
      targetId: moderationLog.targetId,
      reason: moderationLog.reason,
      before: moderationLog.before,
      after: moderationLog.after,
    })
    .from(moderationLog)
    .where(and(eq(moderationLog.action, action), eq(moderationLog.actorId, admin.id)))
    .orderBy(desc(moderationLog.id))
    .get()
const companyRow = (id: number) => db().select().from(companies).where(eq(companies.id, id)).get()

describe('who may see and change companies', () => {
  test.each([
    ['anonymous', 'login', 'login'],
    ['member', 403, 403],
    ['moderator', 403, 403],
    ['product', 200, 403],
    ['admin', 200, 302],
  ] as const)('%s: reading %s, adding %s', async (who, read, write) => {
    const userId = who === 'anonymous' ? undefined : createUser(db(), { role: who as Role }).id
    const company = createTestCompany(db())
    const outcome = (res: { status: number; location: string | null }) =>
      res.location?.startsWith('/login?redirectTo=') ? 'login' : res.status
    expect(outcome(await listPage('/admin/companies', userId))).toBe(read)
    expect(outcome(await companyGet(company.id, userId))).toBe(read)
    const name = unique('Authz ')
    expect(outcome(await postList({ intent: 'create', name, monthlyRevenue: '1' }, { userId }))).toBe(write)
    expect(outcome(await postCompany(company.id, { intent: 'update', name, monthlyRevenue: '2' }, { userId }))).toBe(write)
    expect(outcome(await postCompany(company.id, { intent: 'delete', confirm: 'yes' }, { userId }))).toBe(write)
    // Refused: nothing changed.
    if (write !== 302) expect(companyRow(company.id)).toMatchObject({ name: company.name, monthlyRevenue: 0 })
  })

  test('the admin nav shows Companies to the product team and admins only', async () => {
    for (const [role, shown] of [
      ['moderator', false],
      ['product', true],
      ['admin', true],
    ] as const) {
      const res = await settle(async () =>
        adminLayout.loader({ request: await getRequest('/admin', { userId: createUser(db(), { role }).id }), params: {}, context: {} }),
      )
      const labels = (res.body as { sections: { label: string }[] }).sections.map((s) => s.label)
      expect(labels.includes('Companies'), role).toBe(shown)
    }
  })

  test('a malformed or missing company id is a 404', async () => {
    expect((await companyGet('abc', product.id)).status).toBe(404)
    expect((await companyGet(999_999_999, product.id)).status).toBe(404)
    expect((await postCompany(999_999_999, { intent: 'update', name: 'Ghost', monthlyRevenue: '1' })).status).toBe(404)
  })
})

describe('the list', () => {
  test('is ordered by name then id, in keyset pages, with a name search; a bad cursor means the first page', async () => {
    const prefix = unique('Keyset ')
    const segment = createSegment(db())
    const names = ['Delta', 'alpha', 'Bravo', 'Charlie', 'Bravo']
    const made = names.map((n) =>
      createTestCompany(db(), { name: `${prefix} ${n}`, plan: 'Team', monthlyRevenue: 1200, segmentId: segment.id }),
    )
    createCompanyMember(db(), made[2]!.id)
    createCompanyMember(db(), made[2]!.id)
    const first = listCompanies(db(), { query: prefix, pageSize: 2 })
    // Binary order: capitals first; the two "Bravo" by id.
    expect(first.items.map((c) => c.id)).toEqual([made[2]!.id, made[4]!.id])
    expect(first.items[0]).toMatchObject({
      plan: 'Team',
      monthlyRevenue: 1200,
      segment: segment.name,
      memberCount: 2,
      externalId: made[2]!.externalId,
    })
    const res = await listPage(`/admin/companies?q=${encodeURIComponent(prefix)}&cursor=${first.nextCursor}`, product.id)
    expect((res.body as { items: { id: number }[] }).items.map((c) => c.id)).toEqual([made[3]!.id, made[0]!.id, made[1]!.id])
    expect(res.body).toMatchObject({ nextCursor: null, canManage: false, segments: [] })
    const bad = await listPage(`/admin/companies?q=${encodeURIComponent(prefix)}&cursor=not-a-cursor`, product.id)
    expect((bad.body as { items: unknown[] }).items).toHaveLength(5)
    // LIKE's wildcards are taken literally.
    expect(listCompanies(db(), { query: `${prefix}%` }).items).toEqual([])
  })
})

describe('adding, editing and deleting', () => {
  test('bad input gets 400 with a message per field and the text kept; a taken external id is a field error', async () => {
    expect(await postList({ intent: 'create', name: '  ', externalId: 'x', monthlyRevenue: '12k' })).toMatchObject({
      status: 400,
      body: {
        intent: 'create',
        fields: { name: '  ', externalId: 'x', monthlyRevenue: '12k' },
        fieldErrors: { name: ['Enter a name.'], monthlyRevenue: ['Enter whole currency units, digits only (for example 12000).'] },
      },
    })
    const taken = createTestCompany(db())
    expect(await postList({ intent: 'create', name: 'Copycat', externalId: taken.externalId!, monthlyRevenue: '5' })).toMatchObject({
      status: 400,
      body: { fields: { name: 'Copycat' }, fieldErrors: { externalId: ['Another company has this external id.'] } },
    })
    expect(await postList({ intent: 'create', name: 'Nowhere', monthlyRevenue: '5', segmentId: '999999' })).toMatchObject({
      status: 400,
      body: { fieldErrors: { segmentId: ['Choose a segment from the list.'] } },
    })
    expect(db().select().from(companies).where(eq(companies.name, 'Copycat')).get()).toBeUndefined()
  })

  test('adding, then editing, logs which contract fields changed but never their values', async () => {
    const name = unique('Wayne Enterprises ')
    const segment = createSegment(db())
    const res = await postList({
      intent: 'create',
      name,
      externalId: unique('wayne-'),
      plan: 'Gotham Gold',
      monthlyRevenue: '987654',
      segmentId: String(segment.id),
    })
    expect(res.status).toBe(302)
    const id = Number(/^\/admin\/companies\/(\d+)\?done=created$/.exec(res.location!)![1])
    expect(companyRow(id)).toMatchObject({ name, plan: 'Gotham Gold', monthlyRevenue: 987654, segmentId: segment.id })
    expect(lastLog('company.create')).toMatchObject({
      targetType: 'company',
      targetId: id,
      after: { segmentId: segment.id, changed: 'name, plan, monthlyRevenue' },
    })

    const page = await companyGet(id, admin.id)
    expect(page.body).toMatchObject({ company: { id, name, plan: 'Gotham Gold', memberCount: 0 }, canManage: true })

    const edited = await postCompany(id, { intent: 'update', name, externalId: '', plan: 'Gotham Gold', monthlyRevenue: '1000000' })
    expect(edited).toMatchObject({ status: 302, location: `/admin/companies/${id}?done=saved` })
    expect(companyRow(id)).toMatchObject({ externalId: null, monthlyRevenue: 1_000_000, segmentId: null })
    const log = lastLog('company.update')
    expect(log).toMatchObject({ targetId: id, after: { externalId: null, segmentId: null, changed: 'monthlyRevenue' } })
    const logged = JSON.stringify([lastLog('company.create'), log])
    for (const secret of [name, 'Gotham Gold', '987654', '1000000']) expect(logged).not.toContain(secret)

    expect(await postCompany(id, { intent: 'update', name: '', monthlyRevenue: '-4' })).toMatchObject({
      status: 400,
      body: { intent: 'update', fields: { name: '', monthlyRevenue: '-4' }, fieldErrors: { name: ['Enter a name.'] } },
    })
  })

  test('deleting needs the box ticked; the members stay, without a company; logged with the member count', async () => {
    const company = createTestCompany(db())
    const member = createCompanyMember(db(), company.id)
    expect(await postCompany(company.id, { intent: 'delete' })).toMatchObject({
      status: 400,
      body: { fieldErrors: { confirm: ['Tick the box to confirm.'] } },
    })
    expect(companyRow(company.id)).toBeDefined()
    expect(await postCompany(company.id, { intent: 'delete', confirm: 'yes', reason: 'Churned' })).toMatchObject({
      status: 302,
      location: '/admin/companies',
    })
    expect(companyRow(company.id)).toBeUndefined()
    expect(
      db()
        .select({ id: users.id, companyId: users.companyId, deletedAt: users.deletedAt })
        .from(users)
        .where(eq(users.id, member.id))
        .get(),
    ).toEqual({
      id: member.id,
      companyId: null,
      deletedAt: null,
    })
    expect(lastLog('company.delete')).toMatchObject({
      targetId: company.id,
      reason: 'Churned',
      before: { externalId: company.externalId, members: 1 },
    })
  })

  test('the company page lists its members, newest first, in keyset pages', async () => {
    const company = createTestCompany(db())
    const members = Array.from({ length: 52 }, () => createCompanyMember(db(), company.id))
    const first = await companyGet(company.id, product.id)
    const body = first.body as { members: { id: number }[]; nextCursor: string | null; canManage: boolean }
    expect(body.members).toHaveLength(50)
    expect(body.members[0]!.id).toBe(members.at(-1)!.id)
    expect(body.canManage).toBe(false)
    const second = await companyGet(company.id, product.id, `?cursor=${body.nextCursor}`)
    expect((second.body as { members: { id: number }[] }).members.map((m) => m.id)).toEqual([members[1]!.id, members[0]!.id])
  })
})

describe('a member’s company, from their page', () => {
  const memberPage = async (userId: number, viewerId: number) =>
    settle(async () =>
      userPage.loader({
        request: await getRequest(`/admin/users/${userId}`, { userId: viewerId }),
        params: { userId: String(userId) },
        context: {},
      }),
    )
  const postMember = async (userId: number, fields: Record<string, string>, viewerId: number = admin.id) =>
    settle(async () =>
      userPage.action({
        request: await formRequest(`/admin/users/${userId}`, fields, { userId: viewerId }),
        params: { userId: String(userId) },
        context: {},
      }),
    )
  const companyOf = (userId: number) => db().select({ companyId: users.companyId }).from(users).where(eq(users.id, userId)).get()!.companyId

  test('by external id or #number, out again, each logged with the ids; moderators get no company data', async () => {
    const member = createUser(db())
    const withId = createTestCompany(db(), { name: unique('Initrode ') })
    const withoutId = createTestCompany(db(), { externalId: null })
    expect(await postMember(member.id, { intent: 'company', company: withId.externalId! })).toMatchObject({ status: 302 })
    expect(companyOf(member.id)).toBe(withId.id)
    expect(lastLog('change_company')).toMatchObject({
      targetType: 'user',
      targetId: member.id,
      before: { companyId: null },
      after: { companyId: withId.id },
    })
    expect(await postMember(member.id, { intent: 'company', company: `#${withoutId.id}`, reason: 'Moved teams' })).toMatchObject({
      status: 302,
    })
    expect(companyOf(member.id)).toBe(withoutId.id)
    expect(lastLog('change_company')).toMatchObject({
      reason: 'Moved teams',
      before: { companyId: withId.id },
      after: { companyId: withoutId.id },
    })

    expect((await memberPage(member.id, product.id)).body).toMatchObject({
      company: { current: { id: withoutId.id, name: withoutId.name }, mayChange: false },
    })
    const moderatorView = await memberPage(member.id, createUser(db(), { role: 'moderator' }).id)
    expect(moderatorView.status).toBe(200)
    expect((moderatorView.body as { company: unknown }).company).toBeNull()
    expect(JSON.stringify(moderatorView.body)).not.toContain(withoutId.name)

    expect(await postMember(member.id, { intent: 'company', company: '' })).toMatchObject({ status: 302 })
    expect(companyOf(member.id)).toBeNull()
  })

  test('an unknown company is a field error; the product team may not change it', async () => {
    const member = createUser(db())
    expect(await postMember(member.id, { intent: 'company', company: unique('nobody-') })).toMatchObject({
      status: 400,
      body: { intent: 'company', fieldErrors: { company: ['No company has this external id (or number).'] } },
    })
    const company = createTestCompany(db())
    expect((await postMember(member.id, { intent: 'company', company: company.externalId! }, product.id)).status).toBe(403)
    expect(companyOf(member.id)).toBeNull()
  })
})
