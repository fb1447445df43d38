/**
 * Ranking ideas by the customer companies behind their votes: distinct companies, their monthly
 * revenue (each company once, however many of its members voted) and the plan filter, against an
 * order worked out by hand below.
 */
import { describe, expect, test } from 'vitest'
import { getDb } from '~/lib/db.server'
import { listProductIdeas, type ProductRankingInput } from '~/models/product.server'
import { setIdeaVote } from '~/models/votes.server'
import { createCategory, createTestIdea, createUser, unique } from '#tests/factories'
import { createCompanyMember, createTestCompany } from './helpers/companies'

const db = () => getDb()

/**
 * Five companies (plans made unique to this file's run):
 *   Acme      Enterprise  50,000   members a1 a2 a3
 *   Globex    Enterprise  30,000   members g1 g2
 *   Initech   Pro          8,000   member  i1
 *   Umbrella  Pro         12,000   members u1 u2
 *   Hooli     Starter        500   member  h1
 * and three members without a company (n1 n2 n3). Five ideas, posted in this order (so a later
 * one wins a tie) by an author without a company, whose automatic vote counts for no company:
 *   P: a1 a2 a3 n1 n2 n3   → 1 company  (Acme)                     50,000   Enterprise votes 3
 *   Q: i1 u1 h1            → 3 companies (Initech Umbrella Hooli)   20,500   Pro votes 2 (i1 u1)
 *   R: g1 g2 u1 u2 a2      → 3 companies (Globex Umbrella Acme)     92,000   Enterprise votes 3, Pro votes 2
 *   S: a1 h1               → 2 companies (Acme Hooli)               50,500   Enterprise votes 1
 *   T: n1 n2               → no company: never in a company rank or a plan filter
 * Expected:
 *   companies:             R Q S P   (R and Q tie at 3: the newer, R, first)
 *   revenue:               R S P Q
 *   Enterprise, companies: R (Globex+Acme: 2) S P (1 each; S newer)
 *   Enterprise, revenue:   R 80,000  S 50,000  P 50,000 (tie: S newer)
 *   Enterprise, votes:     R 3  P 3  S 1 (R and P tie: R newer)
 *   Pro, revenue:          Q 20,000 (Initech + Umbrella)  R 12,000 (Umbrella once, for u1 and u2)
 */
function fixture() {
  const enterprise = unique('Enterprise ')
  const pro = unique('Pro ')
  const starter = unique('Starter ')
  const acme = createTestCompany(db(), { name: unique('Acme '), plan: enterprise, monthlyRevenue: 50_000 })
  const globex = createTestCompany(db(), { name: unique('Globex '), plan: enterprise, monthlyRevenue: 30_000 })
  const initech = createTestCompany(db(), { name: unique('Initech '), plan: pro, monthlyRevenue: 8_000 })
  const umbrella = createTestCompany(db(), { name: unique('Umbrella '), plan: pro, monthlyRevenue: 12_000 })
  const hooli = createTestCompany(db(), { name: unique('Hooli '), plan: starter, monthlyRevenue: 500 })
  const [a1, a2, a3] = [1, 2, 3].map(() => createCompanyMember(db(), acme.id))
  const [g1, g2] = [1, 2].map(() => createCompanyMember(db(), globex.id))
  const i1 = createCompanyMember(db(), initech.id)
  const [u1, u2] = [1, 2].map(() => createCompanyMember(db(), umbrella.id))
  const h1 = createCompanyMember(db(), hooli.id)
  const [n1, n2, n3] = [1, 2, 3].map(() => createUser(db()))

  const category = createCategory(db())
  const author = createUser(db())
  const ideaIds = new Map<number, string>()
  const post = (name: string, voters: { id: number }[]) => {
    const idea = createTestIdea(db(), { authorId: author.id, categoryId: category.id, title: `Company ranking ${name} ${unique('')}` })
    for (const voter of voters) setIdeaVote(db(), { ideaId: idea.id, userId: voter.id, voted: true })
    ideaIds.set(idea.id, name)
    return idea
  }
  post('P', [a1!, a2!, a3!, n1!, n2!, n3!])
  post('Q', [i1, u1!, h1])
  post('R', [g1!, g2!, u1!, u2!, a2!])
  post('S', [a1!, h1])
  post('T', [n1!, n2!])

  const rank = (input: Partial<ProductRankingInput>) =>
    listProductIdeas(db(), {
      sort: 'votes',
      windowDays: 30,
      segmentId: null,
      status: null,
      categoryId: category.id,
      page: 1,
      withCompanies: true,
      ...input,
    })
  const order = (input: Partial<ProductRankingInput>) => rank(input).items.map((i) => ideaIds.get(i.id))
  return { rank, order, name: (id: number) => ideaIds.get(id), plans: { enterprise, pro, starter } }
}

describe('ranking ideas by customer companies', () => {
  test('companies counts each company once; revenue sums each company once', () => {
    const { order, rank, name } = fixture()
    expect(order({ sort: 'companies' })).toEqual(['R', 'Q', 'S', 'P'])
    expect(order({ sort: 'revenue' })).toEqual(['R', 'S', 'P', 'Q'])
    expect(rank({ sort: 'revenue' }).items.map((i) => [name(i.id), i.voteCount, i.companyCount, i.revenue, i.planVotes])).toEqual([
      ['R', 6, 3, 92_000, null],
      ['S', 3, 2, 50_500, null],
      ['P', 7, 1, 50_000, null],
      ['Q', 4, 3, 20_500, null],
    ])
    // Other ranks list every idea, with the company figures beside them (T has none).
    expect(rank({ sort: 'votes' }).items.map((i) => [name(i.id), i.companyCount, i.revenue])).toEqual([
      ['P', 1, 50_000],
      ['R', 3, 92_000],
      ['Q', 3, 20_500],
      ['T', 0, 0],
      ['S', 2, 50_500],
    ])
  })

  test('a plan filter counts only the votes of members of companies on that plan, and lists only ideas with one', () => {
    const { order, rank, name, plans } = fixture()
    expect(order({ sort: 'companies', plan: plans.enterprise })).toEqual(['R', 'S', 'P'])
    expect(order({ sort: 'revenue', plan: plans.enterprise })).toEqual(['R', 'S', 'P'])
    expect(order({ sort: 'votes', plan: plans.enterprise })).toEqual(['R', 'P', 'S'])
    expect(order({ sort: 'weighted', plan: plans.enterprise })).toEqual(['R', 'P', 'S']) // no segments: a weight of 1 each
    expect(
      rank({ sort: 'revenue', plan: plans.enterprise }).items.map((i) => [name(i.id), i.planVotes, i.companyCount, i.revenue]),
    ).toEqual([
      ['R', 3, 2, 80_000],
      ['S', 1, 1, 50_000],
      ['P', 3, 1, 50_000],
    ])
    expect(rank({ sort: 'revenue', plan: plans.pro }).items.map((i) => [name(i.id), i.planVotes, i.companyCount, i.revenue])).toEqual([
      ['Q', 2, 2, 20_000],
      ['R', 2, 1, 12_000],
    ])
    expect(order({ sort: 'trend', windowDays: 7, plan: plans.starter })).toEqual(['S', 'Q'])
    expect(order({ sort: 'companies', plan: unique('No such plan ') })).toEqual([])
  })

  test('without the companies permission there is no company rank, figure or plan filter', () => {
    const { rank, name, plans } = fixture()
    const page = rank({ sort: 'revenue', plan: plans.enterprise, withCompanies: false })
    expect(page.sort).toBe('votes')
    expect(page.plan).toBeNull()
    expect(page.items.map((i) => [name(i.id), i.companyCount, i.revenue, i.planVotes])).toEqual([
      ['P', null, null, null],
      ['R', null, null, null],
      ['Q', null, null, null],
      ['T', null, null, null],
      ['S', null, null, null],
    ])
  })
})
