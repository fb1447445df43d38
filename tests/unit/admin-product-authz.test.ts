/**
 * The authorization matrix of the admin area and the product team's actions: every route and
 * intent, for each role (anonymous, member, moderator, product, admin), through real Requests.
 * Anonymous visitors are sent to log in and brought back; a role below the rule gets 403; the
 * others succeed (200 for pages and files, a redirect after a form post). A refused request must
 * also leave the whole database as it was (helpers/db-snapshot.ts): refusing after writing is a hole.
 */
import { describe, expect, test } from 'vitest'
import { type Role } from '~/domain'
import { getDb } from '~/lib/db.server'
import * as adminIndex from '~/routes/admin._index'
import * as ideasCsv from '~/routes/admin.ideas[.]csv'
import * as votersCsv from '~/routes/admin.ideas.$ideaId.voters[.]csv'
import * as adminIdeas from '~/routes/admin.ideas'
import * as adminSettings from '~/routes/admin.settings/route'
import * as adminLayout from '~/routes/admin'
import * as companyList from '~/routes/admin.companies._index'
import * as companyPage from '~/routes/admin.companies.$companyId'
import * as userPage from '~/routes/admin.users.$userId'
import * as ideaPage from '~/routes/ideas.$ideaId/route'
import { createCategory, createSegment, createTestIdea, createUser, unique } from '#tests/factories'
import { formRequest, getRequest, settle, type Settled } from '#tests/route-helpers'
import { createTestCompany } from './helpers/companies'
import { expectNoWrites } from './helpers/db-snapshot'

const db = () => getDb()
type Who = 'anonymous' | Role
const EVERYONE: Who[] = ['anonymous', 'member', 'moderator', 'product', 'admin']
type Outcome = 'login' | 403 | 'ok'

/** Who gets what under each rule of the policy these routes use. */
const RULES = {
  staff: { anonymous: 'login', member: 403, moderator: 'ok', product: 'ok', admin: 'ok' },
  product: { anonymous: 'login', member: 403, moderator: 403, product: 'ok', admin: 'ok' },
  admin: { anonymous: 'login', member: 403, moderator: 403, product: 403, admin: 'ok' },
} as const satisfies Record<string, Record<Who, Outcome>>

type Case = {
  name: string
  rule: keyof typeof RULES
  /**
   * Builds the request as `userId` (undefined: anonymous) and the rows it acts on; `run` then calls
   * the route and settles its answer. Apart, so that the snapshot of a refused call is taken between.
   */
  prepare: (userId: number | undefined) => Promise<{ run: () => Promise<Settled>; path: string }>
  /** What success looks like: a page or file (200) or a redirect to a path starting with this. */
  ok: 200 | { redirectTo: string }
}

function loaderCase(
  name: string,
  rule: Case['rule'],
  path: () => string,
  loader: (args: never) => unknown,
  params: () => Record<string, string> = () => ({}),
): Case {
  return {
    name: `GET ${name}`,
    rule,
    ok: 200,
    prepare: async (userId) => {
      const p = path()
      const request = await getRequest(p, { userId })
      const args = { request, params: params(), context: {} }
      return { run: () => settle(() => (loader as (a: unknown) => unknown)(args)), path: p }
    },
  }
}

function actionCase(
  name: string,
  rule: Case['rule'],
  path: () => string,
  action: (args: never) => unknown,
  fields: () => Record<string, string>,
  redirectTo: string,
  params: () => Record<string, string> = () => ({}),
): Case {
  return {
    name: `POST ${name}`,
    rule,
    ok: { redirectTo },
    prepare: async (userId) => {
      const p = path()
      const request = await formRequest(p, fields(), { userId })
      const args = { request, params: params(), context: {} }
      return { run: () => settle(() => (action as (a: unknown) => unknown)(args)), path: p }
    },
  }
}

// Rows the cases act on. Each successful call gets fresh ones where an action changes them.
const author = () => createUser(db())
const freshIdea = () => createTestIdea(db(), { authorId: author().id })
const anIdea = freshIdea()
const aCompany = createTestCompany(db())
/** The company a company-page case acts on: a fresh one per call (path() runs before params()). */
let target = aCompany
const freshCompanyPath = () => {
  target = createTestCompany(db())
  return `/admin/companies/${target.id}`
}
const aMember = createUser(db())

const CASES: Case[] = [
  loaderCase('/admin (layout)', 'staff', () => '/admin', adminLayout.loader),
  loaderCase('/admin (dashboard)', 'staff', () => '/admin', adminIndex.loader),
  loaderCase('/admin/ideas', 'product', () => '/admin/ideas?sort=weighted', adminIdeas.loader),
  actionCase(
    '/admin/ideas intent=bulk-status',
    'product',
    () => '/admin/ideas',
    adminIdeas.action,
    () => ({ intent: 'bulk-status', status: 'planned', note: 'Planned.', ideaId: String(freshIdea().id) }),
    '/admin/ideas?done=1',
  ),
  loaderCase('/admin/ideas.csv', 'product', () => '/admin/ideas.csv?status=open', ideasCsv.loader),
  loaderCase(
    '/admin/ideas/:id/voters.csv',
    'product',
    () => `/admin/ideas/${anIdea.id}/voters.csv`,
    votersCsv.loader,
    () => ({ ideaId: String(anIdea.id) }),
  ),
  loaderCase('/admin/settings', 'admin', () => '/admin/settings', adminSettings.loader),
  ...(
    [
      ['site-name', () => ({ siteName: 'Summit Test' })],
      ['category-add', () => ({ name: unique('Cat '), description: 'A category.' })],
      ['category-update', () => ({ categoryId: String(createCategory(db()).id), name: unique('Renamed '), description: 'New words.' })],
      ['category-move', () => ({ categoryId: String(createCategory(db()).id), direction: 'up' })],
      ['segment-add', () => ({ name: unique('Seg '), weight: '3' })],
      ['segment-update', () => ({ segmentId: String(createSegment(db()).id), name: unique('Seg '), weight: '2.5' })],
      ['segment-move', () => ({ segmentId: String(createSegment(db()).id), direction: 'up' })],
      ['vote-budget', () => ({ enabled: 'on', votesPerMember: '10' })],
      ['premoderation', () => ({ enabled: 'on', firstPosts: '2' })],
      ['email', () => ({})],
      ['email-verification', () => ({ holdUnverifiedPosts: 'on' })],
    ] as const
  ).map(([intent, fields]) =>
    actionCase(
      `/admin/settings intent=${intent}`,
      'admin',
      () => '/admin/settings',
      adminSettings.action,
      () => ({ intent, ...fields() }),
      `/admin/settings?done=${intent}`,
    ),
  ),
  loaderCase('/admin/companies', 'product', () => '/admin/companies', companyList.loader),
  loaderCase(
    '/admin/companies/:id',
    'product',
    () => `/admin/companies/${aCompany.id}`,
    companyPage.loader,
    () => ({ companyId: String(aCompany.id) }),
  ),
  actionCase(
    '/admin/companies intent=create',
    'admin',
    () => '/admin/companies?index',
    companyList.action,
    () => ({ intent: 'create', name: unique('Company '), externalId: unique('ext-'), plan: 'Team', monthlyRevenue: '100' }),
    '/admin/companies/',
  ),
  actionCase(
    '/admin/companies intent=import',
    'admin',
    () => '/admin/companies?index',
    companyList.action,
    () => ({ intent: 'import', csv: `name,external_id,monthly_revenue\n${unique('Imported ')},${unique('ext-')},5\n` }),
    '/admin/companies?done=import',
  ),
  actionCase(
    '/admin/companies/:id intent=update',
    'admin',
    freshCompanyPath,
    companyPage.action,
    () => ({ intent: 'update', name: unique('Renamed '), monthlyRevenue: '250' }),
    '/admin/companies/',
    () => ({ companyId: String(target.id) }),
  ),
  actionCase(
    '/admin/companies/:id intent=delete',
    'admin',
    freshCompanyPath,
    companyPage.action,
    () => ({ intent: 'delete', confirm: 'yes' }),
    '/admin/companies',
    () => ({ companyId: String(target.id) }),
  ),
  actionCase(
    '/admin/users/:id intent=company',
    'admin',
    () => `/admin/users/${aMember.id}`,
    userPage.action,
    () => ({ intent: 'company', company: createTestCompany(db()).externalId! }),
    `/admin/users/${aMember.id}`,
    () => ({ userId: String(aMember.id) }),
  ),
  actionCase(
    '/ideas/:id intent=internal-note',
    'product',
    () => `/ideas/${anIdea.id}`,
    ideaPage.action,
    () => ({ intent: 'internal-note', body: 'Big customers keep asking for this.' }),
    `/ideas/${anIdea.id}?done=note`,
    () => ({ ideaId: String(anIdea.id) }),
  ),
]

describe('authorization matrix of the admin area and staff actions', () => {
  for (const c of CASES) {
    test.each(EVERYONE)(`${c.name} as %s`, async (who) => {
      const user = who === 'anonymous' ? undefined : createUser(db(), { role: who })
      const { run, path } = await c.prepare(user?.id)
      const expected = RULES[c.rule][who]
      const res = expected === 'ok' ? await run() : await expectNoWrites(db(), run, `${c.name} as ${who}`)
      if (expected === 'login') {
        expect(res.status).toBe(302)
        expect(res.location).toBe(`/login?${new URLSearchParams({ redirectTo: path })}`)
      } else if (expected === 403) {
        expect(res.status).toBe(403)
      } else if (c.ok === 200) {
        expect(res.status).toBe(200)
      } else {
        expect(res.status).toBe(302)
        expect(res.location?.startsWith(c.ok.redirectTo), `redirected to ${res.location}`).toBe(true)
      }
    })
  }

  test('a suspended admin gets 403 everywhere in the admin area', async () => {
    const admin = createUser(db(), { role: 'admin', suspendedUntil: new Date(Date.now() + 86_400_000) })
    for (const c of CASES) {
      const { run } = await c.prepare(admin.id)
      expect((await expectNoWrites(db(), run, `${c.name} as a suspended admin`)).status, c.name).toBe(403)
    }
  })

  test('the nav lists only the sections each role may open', async () => {
    const sectionsOf = async (role: Role) => {
      const request = await getRequest('/admin', { userId: createUser(db(), { role }).id })
      const res = await settle(() => adminLayout.loader({ request, params: {}, context: {} }))
      return (res.body as { sections: { label: string }[] }).sections.map((s) => s.label)
    }
    expect(await sectionsOf('moderator')).toEqual(['Dashboard', 'Flags', 'Users', 'Log'])
    expect(await sectionsOf('product')).toEqual(['Dashboard', 'Ideas', 'Companies', 'Flags', 'Users', 'Log'])
    expect(await sectionsOf('admin')).toEqual(['Dashboard', 'Ideas', 'Companies', 'Flags', 'Users', 'Log', 'Settings', 'Webhooks'])
  })

  test('the idea page sends internal notes only to those who may write them', async () => {
    for (const who of EVERYONE) {
      const user = who === 'anonymous' ? undefined : createUser(db(), { role: who })
      const request = await getRequest(`/ideas/${anIdea.id}`, { userId: user?.id })
      const res = await settle(() => ideaPage.loader({ request, params: { ideaId: String(anIdea.id) }, context: {} }))
      expect(res.status).toBe(200)
      const notes = (res.body as { internalNotes: unknown }).internalNotes
      if (who === 'product' || who === 'admin') expect(notes, who).not.toBeNull()
      else expect(notes, who).toBeNull()
    }
  })
})
