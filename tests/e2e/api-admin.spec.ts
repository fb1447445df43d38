/**
 * The admin resources of /api/v1 (members and companies) over real HTTP against the running server,
 * with real tokens: the authorization matrix (every operation × every kind of caller), members made
 * through the API found by id, external id and username, a role change seen on the admin page and in
 * its staff log, a demoted admin's token losing its power, company CRUD and members, the admin fields
 * never shown to anyone else, 409s and 422s as problem details, and a fuzz that must never get a 5xx.
 */
import { type APIRequestContext } from '@playwright/test'
import { getDb } from '~/lib/db.server'
import { setMemberCompany } from '~/models/companies.server'
import { AdminMember, CompanyDeleted, CompanyDetail, CompanyList, CompanyMemberList, MemberList, PublicMember } from '~/schemas/api-admin'
import { createUser } from '#tests/factories'
import { expect, expectAccessible, test } from './fixtures'
import { OLD, runAuthorizationMatrix, tokenFor } from './api-callers'

type Answer = { status: () => number; headers: () => Record<string, string>; text: () => Promise<string> }
type Operation = { name: string; send: (request: APIRequestContext, headers: Record<string, string>) => Promise<Answer> }

/** A name nobody else's test searches for: letters and digits from a random stem. */
const stem = () => Math.random().toString(36).slice(2, 10)
const newMember = (extra: object = {}) => {
  const username = `apiadm-${stem()}`
  return { username, email: `${username}@example.com`, ...extra }
}
/** Straight to the database, as the admin pages would have made it. */
const newCompany = () =>
  getDb()
    .$client.prepare('insert into companies (name, external_id, monthly_revenue) values (?, ?, 0) returning id')
    .get(`Api Admin Co ${stem()}`, `apiadm-${stem()}`) as {
    id: number
  }

const PUBLIC_FIELDS = ['badge', 'displayName', 'id', 'joinedAt', 'reputation', 'url', 'username']

function operations(): Operation[] {
  const subject = createUser(getDb(), { createdAt: OLD })
  const company = newCompany()
  setMemberCompany(getDb(), subject.id, company.id)
  return [
    { name: 'GET /users', send: (r, h) => r.get('/api/v1/users?limit=5', { headers: h }) },
    { name: 'POST /users', send: (r, h) => r.post('/api/v1/users', { headers: h, data: newMember() }) },
    { name: 'GET /users/by-id/:id', send: (r, h) => r.get(`/api/v1/users/by-id/${subject.id}`, { headers: h }) },
    {
      name: 'PATCH /users/by-id/:id',
      send: (r, h) =>
        r.patch(`/api/v1/users/by-id/${createUser(getDb(), { createdAt: OLD }).id}`, {
          headers: h,
          data: { role: 'moderator', reason: 'API matrix' },
        }),
    },
    { name: 'GET /companies', send: (r, h) => r.get('/api/v1/companies?limit=5', { headers: h }) },
    {
      name: 'POST /companies',
      send: (r, h) =>
        r.post('/api/v1/companies', { headers: h, data: { name: `Api Admin Co ${stem()}`, plan: 'Pro', monthlyRevenue: 100 } }),
    },
    { name: 'GET /companies/:id', send: (r, h) => r.get(`/api/v1/companies/${company.id}`, { headers: h }) },
    {
      name: 'PATCH /companies/:id',
      send: (r, h) => r.patch(`/api/v1/companies/${company.id}`, { headers: h, data: { plan: `Plan ${stem()}` } }),
    },
    { name: 'DELETE /companies/:id', send: (r, h) => r.delete(`/api/v1/companies/${newCompany().id}`, { headers: h }) },
    { name: 'GET /companies/:id/members', send: (r, h) => r.get(`/api/v1/companies/${company.id}/members`, { headers: h }) },
  ]
}

// Rows: operations; columns: callers, in the order of callers() (CALLER_NAMES).
// Members and companies' changes need the admin scope (only admins' tokens carry it) and the
// policy's change-role:user / manage:companies; companies are read with view:companies (the
// product team) and the read scope; a member by id is public, like a profile.
const EXPECTED: Record<string, number[]> = {
  //                                 anon member product admin revoked expired read-only write-only malformed
  'GET /users': /*                */ [401, 403, 403, 200, 401, 401, 403, 403, 401],
  'POST /users': /*               */ [401, 403, 403, 201, 401, 401, 403, 403, 401],
  'GET /users/by-id/:id': /*      */ [200, 200, 200, 200, 401, 401, 200, 403, 401],
  'PATCH /users/by-id/:id': /*    */ [401, 403, 403, 200, 401, 401, 403, 403, 401],
  'GET /companies': /*            */ [401, 403, 200, 200, 401, 401, 403, 403, 401],
  'POST /companies': /*           */ [401, 403, 403, 201, 401, 401, 403, 403, 401],
  'GET /companies/:id': /*        */ [401, 403, 200, 200, 401, 401, 403, 403, 401],
  'PATCH /companies/:id': /*      */ [401, 403, 403, 200, 401, 401, 403, 403, 401],
  'DELETE /companies/:id': /*     */ [401, 403, 403, 200, 401, 401, 403, 403, 401],
  'GET /companies/:id/members': /**/ [401, 403, 200, 200, 401, 401, 403, 403, 401],
}

test('the authorization matrix: every admin operation × every kind of caller', async ({ request }) => {
  const got = await runAuthorizationMatrix(request, operations())
  expect(got).toEqual(EXPECTED)
})

test('an admin creates a member, who is found by id, external id and username; admin fields stay with admins', async ({ request }) => {
  const admin = { Authorization: `Bearer ${tokenFor('admin').token}` }
  const company = (await (
    await request.post('/api/v1/companies', { headers: admin, data: { name: `Api Admin Co ${stem()}`, externalId: `apiadm-${stem()}` } })
  ).json()) as { id: number; name: string }
  const externalId = `crm-${stem()}`
  const body = newMember({ displayName: 'Made Through The API', role: 'product', companyId: company.id, externalId })
  const created = await request.post('/api/v1/users', { headers: admin, data: body })
  expect(created.status()).toBe(201)
  const member = (await created.json()) as { id: number; username: string }
  expect(created.headers()['location']).toBe(`/api/v1/users/by-id/${member.id}`)
  expect(member).toMatchObject({
    username: body.username,
    email: body.email,
    displayName: 'Made Through The API',
    role: 'product',
    badge: 'team',
    company: { id: company.id, name: company.name },
    identities: [{ issuer: 'jwt', subject: externalId, provider: 'Company app' }],
    hasPassword: false,
    suspendedUntil: null,
  })
  AdminMember.strict().parse(member) // the documented shape, and nothing more

  expect(await (await request.get(`/api/v1/users/by-id/${member.id}`, { headers: admin })).json()).toEqual(member)
  const byExternal = (await (await request.get(`/api/v1/users?externalId=${externalId}`, { headers: admin })).json()) as {
    data: { id: number }[]
  }
  expect(byExternal.data.map((m) => m.id)).toEqual([member.id])
  MemberList.parse(byExternal)
  const byIssuer = (await (await request.get(`/api/v1/users?externalId=${externalId}&issuer=jwt`, { headers: admin })).json()) as {
    data: unknown[]
  }
  expect(byIssuer.data).toHaveLength(1)
  const byPrefix = (await (
    await request.get(`/api/v1/users?q=${body.username.toUpperCase()}&companyId=${company.id}`, { headers: admin })
  ).json()) as { data: { id: number }[] }
  expect(byPrefix.data.map((m) => m.id)).toEqual([member.id])
  expect(await (await request.get(`/api/v1/users/${body.username}`)).json()).toMatchObject({
    username: body.username,
    displayName: 'Made Through The API',
    badge: 'team',
  })

  // Everyone else, and an admin's token without the admin scope, get the public fields only.
  const others: Record<string, string>[] = [
    {},
    { Authorization: `Bearer ${tokenFor('member').token}` },
    { Authorization: `Bearer ${tokenFor('product').token}` },
    { Authorization: `Bearer ${tokenFor('admin', ['read', 'write']).token}` },
  ]
  for (const headers of others) {
    const response = await request.get(`/api/v1/users/by-id/${member.id}`, { headers })
    const text = await response.text()
    expect(Object.keys(JSON.parse(text) as object).sort()).toEqual(PUBLIC_FIELDS)
    PublicMember.strict().parse(JSON.parse(text))
    expect(text).not.toContain(body.email)
    expect(text).not.toContain(externalId)
    expect(text).not.toContain(company.name)
  }
  // The external id lookup is the admin list's: nobody else gets to ask.
  for (const headers of others)
    expect((await request.get(`/api/v1/users?externalId=${externalId}`, { headers })).status()).toBeGreaterThanOrEqual(401)
  expect((await request.get('/api/v1/users/by-id/99999999', { headers: admin })).status()).toBe(404)
  expect((await request.get('/api/v1/users/by-id/abc')).status()).toBe(404)
})

test('a role change through the API shows on the admin page and in its staff log; a demoted admin’s token loses the admin scope', async ({
  request,
  page,
  loginAs,
}) => {
  const admin = { Authorization: `Bearer ${tokenFor('admin').token}` }
  const member = createUser(getDb(), { createdAt: OLD })
  const reason = `Promoted by the API ${stem()}`
  const changed = await request.patch(`/api/v1/users/by-id/${member.id}`, { headers: admin, data: { role: 'moderator', reason } })
  expect(changed.status()).toBe(200)
  expect(await changed.json()).toMatchObject({ id: member.id, role: 'moderator' })
  // The same role again is no change (and no second log entry).
  expect((await request.patch(`/api/v1/users/by-id/${member.id}`, { headers: admin, data: { role: 'moderator' } })).status()).toBe(200)

  await loginAs('admin')
  await page.goto(`/admin/users/${member.id}`)
  await expect(page.getByRole('heading', { level: 1 })).toContainText(member.username)
  await expect(page.locator('dt:has-text("Role") + dd')).toHaveText('moderator')
  const log = page.getByRole('region', { name: 'Staff actions about this member' })
  await expect(log.getByText(`change role (${reason})`)).toHaveCount(1)
  await expectAccessible(page)

  const demoted = tokenFor('admin')
  const asDemoted = { Authorization: `Bearer ${demoted.token}` }
  expect((await request.get('/api/v1/users?limit=1', { headers: asDemoted })).status()).toBe(200)
  expect((await request.patch(`/api/v1/users/by-id/${demoted.user.id}`, { headers: admin, data: { role: 'member' } })).status()).toBe(200)
  const refused = await request.get('/api/v1/users?limit=1', { headers: asDemoted })
  expect(refused.status()).toBe(403)
  expect(((await refused.json()) as { detail: string }).detail).toBe('This token lacks the admin scope.')
})

test('companies: create, read with counts, change, list members, delete; members stay without a company', async ({ request }) => {
  const admin = { Authorization: `Bearer ${tokenFor('admin').token}` }
  const product = { Authorization: `Bearer ${tokenFor('product').token}` }
  const name = `Api Admin Co ${stem()}`
  const externalId = `apiadm-${stem()}`
  const created = await request.post('/api/v1/companies', {
    headers: admin,
    data: { name, externalId, plan: 'Enterprise', monthlyRevenue: 12000 },
  })
  expect(created.status()).toBe(201)
  const company = (await created.json()) as { id: number }
  expect(company).toMatchObject({
    name,
    externalId,
    plan: 'Enterprise',
    monthlyRevenue: 12000,
    segment: null,
    memberCount: 0,
    voterCount: 0,
    voteCount: 0,
  })
  expect(created.headers()['location']).toBe(`/api/v1/companies/${company.id}`)
  CompanyDetail.strict().parse(company)

  const [a, b] = [createUser(getDb(), { createdAt: OLD }), createUser(getDb(), { createdAt: OLD })]
  for (const m of [a, b])
    expect((await request.patch(`/api/v1/users/by-id/${m.id}`, { headers: admin, data: { companyId: company.id } })).status()).toBe(200)
  expect(await (await request.get(`/api/v1/companies/${company.id}`, { headers: product })).json()).toMatchObject({
    id: company.id,
    memberCount: 2,
  })
  const firstPage = (await (await request.get(`/api/v1/companies/${company.id}/members?limit=1`, { headers: product })).json()) as {
    data: { id: number }[]
    nextCursor: string
  }
  expect(firstPage.data.map((m) => m.id)).toEqual([b.id])
  const secondPage = await (
    await request.get(`/api/v1/companies/${company.id}/members?limit=1&cursor=${firstPage.nextCursor}`, { headers: product })
  ).json()
  expect(secondPage).toMatchObject({ data: [{ id: a.id, username: a.username }], nextCursor: null })
  CompanyMemberList.parse(secondPage)
  const found = (await (await request.get(`/api/v1/companies?externalId=${externalId}`, { headers: product })).json()) as {
    data: { id: number }[]
  }
  expect(found.data.map((c) => c.id)).toEqual([company.id])
  CompanyList.parse(found)
  const byName = (await (await request.get(`/api/v1/companies?q=${encodeURIComponent(name)}`, { headers: product })).json()) as {
    data: { id: number }[]
  }
  expect(byName.data.map((c) => c.id)).toEqual([company.id])

  const patched = await request.patch(`/api/v1/companies/${company.id}`, { headers: admin, data: { plan: null, monthlyRevenue: 500 } })
  expect(await patched.json()).toMatchObject({ name, externalId, plan: null, monthlyRevenue: 500, memberCount: 2 })

  const deleted = await request.delete(`/api/v1/companies/${company.id}`, { headers: admin })
  expect(CompanyDeleted.strict().parse(await deleted.json())).toEqual({ id: company.id, deleted: true, membersDetached: 2 })
  expect((await request.get(`/api/v1/companies/${company.id}`, { headers: admin })).status()).toBe(404)
  expect((await request.delete(`/api/v1/companies/${company.id}`, { headers: admin })).status()).toBe(404)
  expect(await (await request.get(`/api/v1/users/by-id/${a.id}`, { headers: admin })).json()).toMatchObject({ id: a.id, company: null })
})

test('duplicates are 409 and invalid fields 422, as problem details naming the field', async ({ request }) => {
  const admin = { Authorization: `Bearer ${tokenFor('admin').token}` }
  const existing = createUser(getDb(), { createdAt: OLD })
  const externalId = `crm-${stem()}`
  expect((await request.post('/api/v1/users', { headers: admin, data: newMember({ externalId }) })).status()).toBe(201)
  const cases: [object, number, string][] = [
    [newMember({ username: existing.username }), 409, 'username'],
    [newMember({ email: existing.email.toUpperCase() }), 409, 'email'],
    [newMember({ username: 'x' }), 422, 'username'],
    [newMember({ username: 'deleted-someone' }), 422, 'username'],
    [newMember({ email: 'not-an-address' }), 422, 'email'],
    [newMember({ role: 'owner' }), 422, 'role'],
    [newMember({ companyId: 99_999_999 }), 422, 'companyId'],
    [newMember({ segment: 'No such segment here' }), 422, 'segment'],
    [newMember({ isAdmin: true }), 422, '(body)'],
  ]
  for (const [body, status, field] of cases) {
    const response = await request.post('/api/v1/users', { headers: admin, data: body })
    expect(response.status(), JSON.stringify(body)).toBe(status)
    expect(response.headers()['content-type']).toMatch(/^application\/problem\+json/)
    const problem = (await response.json()) as { status: number; errors: Record<string, string[]> }
    expect(problem.status).toBe(status)
    expect(Object.keys(problem.errors), JSON.stringify(body)).toContain(field)
  }
  const again = await request.post('/api/v1/users', { headers: admin, data: newMember({ externalId }) })
  expect(again.status()).toBe(409)
  expect(((await again.json()) as { detail: string }).detail).toBe('Another member has this external id.')

  const companyId = `apiadm-${stem()}`
  expect(
    (await request.post('/api/v1/companies', { headers: admin, data: { name: `Api Admin Co ${stem()}`, externalId: companyId } })).status(),
  ).toBe(201)
  const taken = await request.post('/api/v1/companies', { headers: admin, data: { name: `Api Admin Co ${stem()}`, externalId: companyId } })
  expect(taken.status()).toBe(409)
  expect(((await taken.json()) as { errors: Record<string, string[]> }).errors).toHaveProperty('externalId')
  for (const data of [
    { name: '' },
    { name: 'x'.repeat(101) },
    { name: 'Fine', monthlyRevenue: -1 },
    { name: 'Fine', monthlyRevenue: '12k' },
    { name: 'Line\nbreak' },
  ]) {
    const response = await request.post('/api/v1/companies', { headers: admin, data })
    expect(response.status(), JSON.stringify(data)).toBe(422)
  }
  const member = createUser(getDb(), { createdAt: OLD })
  for (const data of [{}, { role: 'owner' }, { reason: 'nothing else' }, { companyId: 'one' }]) {
    expect((await request.patch(`/api/v1/users/by-id/${member.id}`, { headers: admin, data })).status(), JSON.stringify(data)).toBe(422)
  }
})

test('fuzz: wrong types, huge and deep JSON, unknown fields, bad cursors and ids never get a 5xx', async ({ request }) => {
  const admin = { Authorization: `Bearer ${tokenFor('admin').token}` }
  const target = createUser(getDb(), { createdAt: OLD })
  const company = newCompany()
  const deep = (n: number): unknown => (n === 0 ? 1 : { a: deep(n - 1) })
  const bodies: unknown[] = [
    null,
    1,
    'text',
    [],
    {},
    deep(100),
    { username: 1, email: 2 },
    { username: ['a'], email: { a: 1 } },
    { username: 'ok-name', email: 'x'.repeat(70_000) },
    { username: '\u0000\u0001', email: 'a@b.c' },
    { username: 'ok-name', email: 'ok@example.com', role: ['admin'] },
    { username: 'ok-name', email: 'ok@example.com', companyId: -1 },
    { username: 'ok-name', email: 'ok@example.com', companyId: 2 ** 60 },
    { username: 'ok-name', email: 'ok@example.com', companyId: 1.5 },
    { username: 'ok-name', email: 'ok@example.com', externalId: '' },
    { username: 'ok-name', email: 'ok@example.com', externalId: 'y'.repeat(300) },
    { username: 'ok-name', email: 'ok@example.com', segment: 5 },
    { role: 'admin', extra: true },
    { role: null },
    { companyId: 0 },
    { segment: '' },
    { reason: 'z'.repeat(600), role: 'member' },
    { name: 1 },
    { name: 'Fine', monthlyRevenue: 1e20 },
    { name: 'Fine', monthlyRevenue: '100' },
    { name: 'Fine', externalId: 5 },
    { name: 'Fine', plan: 'p'.repeat(60) },
    { name: 'Fine', segment: null, id: 7 },
    { plan: ['x'] },
  ]
  const paths = ['/api/v1/users', `/api/v1/users/by-id/${target.id}`, '/api/v1/companies', `/api/v1/companies/${company.id}`]
  let sent = 0
  const expectNo5xx = (status: number, what: string) => {
    sent++
    expect(status, what).toBeLessThan(500)
  }
  for (const body of bodies) {
    for (const path of paths) {
      const r = await request.fetch(path, {
        method: path.includes('/by-id/') || /companies\/\d/.test(path) ? 'PATCH' : 'POST',
        headers: admin,
        data: body as object,
      })
      expectNo5xx(r.status(), `${path} ${JSON.stringify(body)?.slice(0, 60)}`)
    }
  }
  for (const raw of ['{', '{"name":', '\u0000', '[[[[[[[[[[', '{"a":1}'.repeat(1000), '']) {
    for (const type of ['application/json', 'text/plain', 'application/merge-patch+json']) {
      for (const path of paths) {
        const method = path.includes('/by-id/') || /companies\/\d/.test(path) ? 'PATCH' : 'POST'
        expectNo5xx(
          (await request.fetch(path, { method, headers: { ...admin, 'Content-Type': type }, data: raw })).status(),
          `${method} ${path} ${type} ${raw.slice(0, 20)}`,
        )
      }
    }
  }
  const queries = [
    'limit=0',
    'limit=101',
    'limit=abc',
    'cursor=%%%',
    'cursor=' + 'A'.repeat(700),
    'cursor=WzEsMl0',
    'cursor=W251bGwsbnVsbF0',
    'cursor=WyJhIiwxXQ',
    'role=owner',
    'role=admin&role=member',
    'companyId=abc',
    'companyId=-1',
    'companyId=99999999999999999999',
    'q=%00',
    'q=' + 'q'.repeat(200),
    'q=%F0%9F%92%A1',
    'q=%25_%5C',
    'externalId=' + 'e'.repeat(300),
    'externalId=%00&issuer=%00',
    'unknown=1',
  ]
  for (const path of ['/api/v1/users', '/api/v1/companies', `/api/v1/companies/${company.id}/members`]) {
    for (const q of queries) expectNo5xx((await request.get(`${path}?${q}`, { headers: admin })).status(), `${path}?${q}`)
  }
  for (const id of ['0', '-1', 'abc', '1.5', '99999999999999999999', '%00', '1e3']) {
    for (const path of [`/api/v1/users/by-id/${id}`, `/api/v1/companies/${id}`, `/api/v1/companies/${id}/members`]) {
      expectNo5xx((await request.get(path, { headers: admin })).status(), path)
    }
    expectNo5xx(
      (await request.patch(`/api/v1/users/by-id/${id}`, { headers: admin, data: { role: 'member' } })).status(),
      `PATCH user ${id}`,
    )
    expectNo5xx((await request.delete(`/api/v1/companies/${id}`, { headers: admin })).status(), `DELETE company ${id}`)
  }
  for (const method of ['PUT', 'DELETE', 'POST']) {
    expectNo5xx((await request.fetch(`/api/v1/users/by-id/${target.id}`, { method, headers: admin })).status(), `${method} user`)
    expectNo5xx((await request.fetch(`/api/v1/companies/${company.id}/members`, { method, headers: admin })).status(), `${method} members`)
  }
  test.info().annotations.push({ type: 'fuzz', description: `${sent} requests` })
})
