/**
 * Company names and revenue are staff-only. A company with a name and a revenue figure found
 * nowhere else has members who vote, post, comment and get e-mail; then members and visitors load
 * every page and file that could carry them (idea page, idea list, home, roadmap, search, profiles,
 * the changelog feed, the member's export, the e-mails of a status change) and neither string is
 * there, while the product team sees both on /admin/ideas and the idea page's panel. Also the
 * member's export (their company's id and external id only) and deleting a member.
 */
import { eq, inArray, sql } from 'drizzle-orm'
import { describe, expect, test } from 'vitest'
import { companies, users } from '#db/schema'
import { getDb } from '~/lib/db.server'
import { deliverDueEmails } from '~/models/email-worker.server'
import { type MailMessage, type MailTransport } from '~/lib/mailer.server'
import { deleteAccount, exportAccountData } from '~/models/account-data.server'
import { IDEA_COMPANIES_SHOWN, listIdeaCompanies } from '~/models/companies.server'
import { changeIdeaStatus } from '~/models/idea-status.server'
import { setSetting } from '~/models/settings.server'
import { setIdeaVote } from '~/models/votes.server'
import { loader as homeLoader } from '~/routes/_index'
import { loader as adminIdeasLoader } from '~/routes/admin.ideas'
import { loader as feedLoader } from '~/routes/changelog[.]atom'
import { loader as ideaLoader } from '~/routes/ideas.$ideaId/route'
import { loader as ideaListLoader } from '~/routes/ideas._index'
import { loader as roadmapLoader } from '~/routes/roadmap'
import { loader as searchLoader } from '~/routes/search'
import { loader as exportLoader } from '~/routes/settings_.export'
import { loader as profileLoader } from '~/routes/u.$username'
import {
  createTestAnswer,
  createTestComment,
  createTestIdea,
  createTestQuestion,
  createUser,
  TEST_PASSWORD,
  unique,
} from '#tests/factories'
import { getRequest, settle } from '#tests/route-helpers'
import { createCompanyMember, createTestCompany } from './helpers/companies'

const db = () => getDb()
const text = (body: unknown) => (typeof body === 'string' ? body : JSON.stringify(body))

/** A word no other row holds, so search finds the posts by it (and never echoes a company string). */
const word = () => `quokka${Math.random().toString(36).slice(2, 8)}`

function companyCommunity() {
  const companyName = `Zyxwarble ${unique('Dynamics ')}`
  const revenue = 7_654_321 + Math.floor(Math.random() * 1000)
  const plan = unique('Platinum ')
  const company = createTestCompany(db(), { name: companyName, plan, monthlyRevenue: revenue })
  const alice = createCompanyMember(db(), company.id, { displayName: 'Alice Customer' })
  const bob = createCompanyMember(db(), company.id)
  const outsider = createUser(db())
  const product = createUser(db(), { role: 'product' })
  const term = word()
  const idea = createTestIdea(db(), { authorId: alice.id, title: `Export ${term} dashboards to PDF` })
  setIdeaVote(db(), { ideaId: idea.id, userId: bob.id, voted: true })
  setIdeaVote(db(), { ideaId: idea.id, userId: outsider.id, voted: true })
  createTestComment(db(), { target: { type: 'idea', id: idea.id }, authorId: bob.id, bodyMd: `We need ${term} too.` })
  const question = createTestQuestion(db(), { authorId: bob.id, title: `How do I share ${term} reports?` })
  createTestAnswer(db(), { questionId: question.id, authorId: alice.id, bodyMd: `Use the ${term} share button.` })
  return { company, companyName, revenue, plan, alice, bob, outsider, product, term, idea, question }
}

/** Every form the revenue could take on a page or in a file. */
const revenueForms = (n: number) => [String(n), n.toLocaleString('en-US'), n.toLocaleString('de-DE'), n.toLocaleString('fr-FR')]

describe('company names and revenue are staff-only', () => {
  test('members and visitors never meet them; the product team does', async () => {
    const { company, companyName, revenue, plan, alice, bob, outsider, product, term, idea } = companyCommunity()
    setSetting(db(), 'email', { enabled: true })
    changeIdeaStatus(db(), { ideaId: idea.id, actorId: product.id, toStatus: 'shipped', noteMd: `Shipped: ${term} PDF export is live.` })
    const secrets = [companyName, plan, ...revenueForms(revenue)]
    const expectClean = (what: string, body: unknown) => {
      const content = text(body)
      for (const secret of secrets) expect(content, `${what} shows “${secret}”`).not.toContain(secret)
    }

    for (const [who, userId] of [
      ['visitor', undefined],
      ['company member', alice.id],
      ['other member', outsider.id],
    ] as const) {
      const get = async (loader: (args: never) => unknown, path: string, params: Record<string, string> = {}) => {
        const res = await settle(async () =>
          (loader as (a: unknown) => unknown)({ request: await getRequest(path, { userId }), params, context: {} }),
        )
        expect(res.status, `${who}: ${path}`).toBe(200)
        return res.body
      }
      const page = await get(ideaLoader, `/ideas/${idea.id}`, { ideaId: String(idea.id) })
      expect(page).toMatchObject({ companies: null })
      expectClean(`${who}: the idea page`, page)
      expectClean(`${who}: the idea list`, await get(ideaListLoader, '/ideas?sort=new'))
      expectClean(`${who}: the home page`, await get(homeLoader, '/'))
      expectClean(`${who}: the roadmap`, await get(roadmapLoader, '/roadmap'))
      const found = await get(searchLoader, `/search?q=${term}`)
      expect(text(found)).toContain(term) // the search did find the posts
      expectClean(`${who}: search`, found)
      for (const member of [alice, bob])
        expectClean(
          `${who}: ${member.username}'s profile`,
          await get(profileLoader, `/u/${member.username}`, { username: member.username }),
        )
      const feed = await get(feedLoader, '/changelog.atom')
      expect(text(feed)).toContain(term) // the shipped idea is in the feed
      expectClean(`${who}: the changelog feed`, feed)
    }

    // The member's own export: their company's id and external id, nothing else of it.
    const exported = await settle(async () =>
      exportLoader({ request: await getRequest('/settings/export', { userId: alice.id }), params: {}, context: {} }),
    )
    expect(exported.body).toMatchObject({ company: { id: company.id, externalId: company.externalId } })
    expect(Object.keys((exported.body as { company: object }).company).sort()).toEqual(['externalId', 'id'])
    expectClean('the export', exported.body)

    // The e-mails the status change queued, as they are sent.
    const sent: MailMessage[] = []
    const transport: MailTransport = { name: 'log', send: async (message) => void sent.push(message) }
    while ((await deliverDueEmails(db(), transport)).sent > 0);
    const toCompany = sent.filter((m) => [alice.email, bob.email].includes(m.to))
    expect(toCompany.map((m) => m.to).sort()).toEqual([alice.email, bob.email].sort())
    for (const message of toCompany) {
      expect(message.text).toContain(term)
      expectClean(`the e-mail to ${message.to}`, message)
    }

    // The product team: revenue on the dashboard, names and revenue on the idea's panel.
    const dashboard = await settle(async () =>
      adminIdeasLoader({
        request: await getRequest('/admin/ideas?sort=revenue&status=shipped', { userId: product.id }),
        params: {},
        context: {},
      }),
    )
    const row = (dashboard.body as { result: { items: { id: number; companyCount: number; revenue: number }[] } }).result.items.find(
      (i) => i.id === idea.id,
    )
    expect(row).toMatchObject({ companyCount: 1, revenue })
    const panel = await settle(async () =>
      ideaLoader({
        request: await getRequest(`/ideas/${idea.id}`, { userId: product.id }),
        params: { ideaId: String(idea.id) },
        context: {},
      }),
    )
    expect(panel.body).toMatchObject({
      companies: {
        companyCount: 1,
        revenue,
        voters: 2,
        items: [{ id: company.id, name: companyName, plan, monthlyRevenue: revenue, voters: 2 }],
      },
    })
  })

  test('a moderator gets no company data on the idea page or the dashboard', async () => {
    const { idea, companyName, revenue } = companyCommunity()
    const moderator = createUser(db(), { role: 'moderator' })
    const page = await settle(async () =>
      ideaLoader({
        request: await getRequest(`/ideas/${idea.id}`, { userId: moderator.id }),
        params: { ideaId: String(idea.id) },
        context: {},
      }),
    )
    expect(page.status).toBe(200)
    expect(page.body).toMatchObject({ companies: null })
    expect(text(page.body)).not.toContain(companyName)
    expect(text(page.body)).not.toContain(String(revenue))
    const dashboard = await settle(async () =>
      adminIdeasLoader({ request: await getRequest('/admin/ideas', { userId: moderator.id }), params: {}, context: {} }),
    )
    expect(dashboard.status).toBe(403)
  })
})

describe('the idea page’s company panel', () => {
  test('lists companies by revenue with how many of their members voted; members without a company count for none', () => {
    const author = createUser(db())
    const idea = createTestIdea(db(), { authorId: author.id })
    const big = createTestCompany(db(), { monthlyRevenue: 9_000, plan: 'Gold' })
    const small = createTestCompany(db(), { monthlyRevenue: 100 })
    for (const userId of [
      createCompanyMember(db(), small.id).id,
      createCompanyMember(db(), big.id).id,
      createCompanyMember(db(), big.id).id,
      createUser(db()).id,
    ]) {
      setIdeaVote(db(), { ideaId: idea.id, userId, voted: true })
    }
    expect(listIdeaCompanies(db(), idea.id)).toEqual({
      companyCount: 2,
      revenue: 9_100,
      voters: 3,
      items: [
        { id: big.id, name: big.name, plan: 'Gold', monthlyRevenue: 9_000, voters: 2 },
        { id: small.id, name: small.name, plan: null, monthlyRevenue: 100, voters: 1 },
      ],
    })
  })

  test('shows the first IDEA_COMPANIES_SHOWN by revenue; the totals count every company', () => {
    const idea = createTestIdea(db(), { authorId: createUser(db()).id })
    for (let i = 1; i <= IDEA_COMPANIES_SHOWN + 2; i++) {
      const company = createTestCompany(db(), { monthlyRevenue: i * 10 })
      setIdeaVote(db(), { ideaId: idea.id, userId: createCompanyMember(db(), company.id).id, voted: true })
    }
    const panel = listIdeaCompanies(db(), idea.id)
    const n = IDEA_COMPANIES_SHOWN + 2
    expect(panel).toMatchObject({ companyCount: n, voters: n, revenue: (10 * n * (n + 1)) / 2 })
    expect(panel.items).toHaveLength(IDEA_COMPANIES_SHOWN)
    expect(panel.items[0]!.monthlyRevenue).toBe(n * 10)
    expect(panel.items.at(-1)!.monthlyRevenue).toBe(30)
  })
})

describe('a member and their company', () => {
  test('the export holds no company when the member has none', () => {
    const member = createUser(db())
    expect(exportAccountData(db(), member.id).company).toBeNull()
  })

  test('deleting the account keeps the company, unlinks the member and removes their sign-in identities', async () => {
    const company = createTestCompany(db())
    const member = createCompanyMember(db(), company.id)
    const other = createCompanyMember(db(), company.id)
    db().run(sql`insert into user_identities (user_id, issuer, subject) values (${member.id}, 'https://idp.example', ${unique('sub-')})`)
    expect(await deleteAccount(db(), { userId: member.id, password: TEST_PASSWORD, removePosts: false })).toEqual({ ok: true })
    expect(db().select().from(companies).where(eq(companies.id, company.id)).get()).toMatchObject({ name: company.name })
    const rows = db()
      .select({ id: users.id, companyId: users.companyId })
      .from(users)
      .where(inArray(users.id, [member.id, other.id]))
      .orderBy(users.id)
      .all()
    expect(rows).toEqual([
      { id: member.id, companyId: null },
      { id: other.id, companyId: company.id },
    ])
    expect(db().get<{ n: number }>(sql`select count(*) as n from user_identities where user_id = ${member.id}`)!.n).toBe(0)
  })

  test('the foreign keys: removing a member row keeps its company; deleting a company unlinks its members', () => {
    const company = createTestCompany(db())
    const gone = createCompanyMember(db(), company.id)
    const stays = createCompanyMember(db(), company.id)
    db().delete(users).where(eq(users.id, gone.id)).run() // a bare account: nothing else points at it
    expect(db().select().from(companies).where(eq(companies.id, company.id)).get()).toBeDefined()
    db().delete(companies).where(eq(companies.id, company.id)).run()
    expect(db().select({ companyId: users.companyId }).from(users).where(eq(users.id, stays.id)).get()).toEqual({ companyId: null })
    const fk = db().all<{ table: string; on_delete: string }>(
      sql`select "table", on_delete from pragma_foreign_key_list('users') where "from" = 'company_id'`,
    )
    expect(fk).toEqual([{ table: 'companies', on_delete: 'SET NULL' }])
  })
})
