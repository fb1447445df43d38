/** The product team's rankings, bulk status change and the dashboard figures, with exact numbers. */
import { and, eq, inArray, sql } from 'drizzle-orm'
import { describe, expect, test } from 'vitest'
import { ideas, ideaStatusChanges, notifications, segments } from '#db/schema'
import { getDb } from '~/lib/db.server'
import { answerStats, statusFunnel, weeklyActivity, weekStart } from '~/models/analytics.server'
import { changeIdeaStatus } from '~/models/idea-status.server'
import { bulkChangeIdeaStatus, listProductIdeas, type ProductRankingInput } from '~/models/product.server'
import { setIdeaVote } from '~/models/votes.server'
import { createCategory, createSegment, createTestAnswer, createTestIdea, createTestQuestion, createUser, unique } from '#tests/factories'

const db = () => getDb()
const DAY = 86_400_000
const HOUR = 3_600_000

/**
 * Three ideas in a category of their own, posted 100 days ago by an author without a segment
 * (whose automatic vote weighs 1 and is outside every trend window):
 *   A: 3 Pro votes (weight 2) a day ago              → 4 votes, weighted 7, Enterprise 0
 *   B: 1 Enterprise vote 10 days ago, 1 plain 40 ago  → 3 votes, weighted 7, Enterprise 1
 *   C: 2 Enterprise votes (weight 5) 2 days ago       → 3 votes, weighted 11, Enterprise 2
 */
function rankingFixture() {
  const now = new Date()
  const enterprise = createSegment(db(), { name: unique('Enterprise '), weight: 5 })
  const pro = createSegment(db(), { name: unique('Pro '), weight: 2 })
  const category = createCategory(db())
  const author = createUser(db())
  const posted = new Date(now.getTime() - 100 * DAY)
  const post = (name: string) =>
    createTestIdea(db(), { authorId: author.id, categoryId: category.id, title: `Ranking ${name} ${unique('')} idea`, now: posted })
  const a = post('A')
  const b = post('B')
  const c = post('C')
  const vote = (ideaId: number, segmentId: number | null, daysAgo: number) =>
    setIdeaVote(db(), { ideaId, userId: createUser(db(), { segmentId }).id, voted: true, now: new Date(now.getTime() - daysAgo * DAY) })
  for (let i = 0; i < 3; i++) vote(a.id, pro.id, 1)
  vote(b.id, enterprise.id, 10)
  vote(b.id, null, 40)
  vote(c.id, enterprise.id, 2)
  vote(c.id, enterprise.id, 2)
  const rank = (input: Partial<ProductRankingInput>) =>
    listProductIdeas(db(), {
      sort: 'votes',
      windowDays: 30,
      segmentId: null,
      status: null,
      categoryId: category.id,
      page: 1,
      now,
      ...input,
    })
  const name = (id: number) => (id === a.id ? 'A' : id === b.id ? 'B' : id === c.id ? 'C' : `#${id}`)
  return { a, b, c, enterprise, pro, category, author, rank, name }
}

describe('ranking ideas for the product team', () => {
  test('by votes, trend windows, a segment and the weighted score, with exact figures', () => {
    const { rank, name, enterprise } = rankingFixture()
    const order = (input: Partial<ProductRankingInput>) => rank(input).items.map((i) => name(i.id))

    expect(order({ sort: 'votes' })).toEqual(['A', 'C', 'B']) // ties: the newer idea first
    expect(order({ sort: 'trend', windowDays: 7 })).toEqual(['A', 'C'])
    expect(order({ sort: 'trend', windowDays: 30 })).toEqual(['A', 'C', 'B'])
    expect(order({ sort: 'trend', windowDays: 90 })).toEqual(['A', 'C', 'B'])
    expect(order({ sort: 'segment', segmentId: enterprise.id })).toEqual(['C', 'B'])
    expect(order({ sort: 'weighted' })).toEqual(['C', 'B', 'A'])

    const rows = rank({ sort: 'weighted', segmentId: enterprise.id, windowDays: 90 }).items
    expect(rows.map((r) => [name(r.id), r.voteCount, r.weightedScore, r.segmentVotes, r.windowVotes, r.noteCount])).toEqual([
      ['C', 3, 11, 2, 2, 0],
      ['B', 3, 7, 1, 2, 0],
      ['A', 4, 7, 0, 3, 0],
    ])
    // Without a chosen segment there is no segment column.
    expect(rank({ sort: 'votes' }).items[0]!.segmentVotes).toBeNull()
  })

  test('status filter, paging flags and a segment weight change move the weighted order at once', () => {
    const { rank, name, a, enterprise } = rankingFixture()
    changeIdeaStatus(db(), { ideaId: a.id, actorId: createUser(db(), { role: 'product' }).id, toStatus: 'planned' })
    expect(rank({ status: 'planned' }).items.map((i) => name(i.id))).toEqual(['A'])
    expect(rank({ status: 'shipped' }).items).toEqual([])
    expect(rank({}).hasNext).toBe(false)
    expect(rank({}).hasPrevious).toBe(false)
    expect(rank({ page: 2 }).hasPrevious).toBe(true)
    db().update(segments).set({ weight: 0 }).where(eq(segments.id, enterprise.id)).run()
    expect(rank({ sort: 'weighted' }).items.map((i) => [name(i.id), i.weightedScore])).toEqual([
      ['A', 7],
      ['B', 2],
      ['C', 1],
    ])
  })
})

describe('bulk status change', () => {
  test('moves every selected idea in one go: a status-change row each, one notification per voter per idea', () => {
    const { a, b, c, author, name } = rankingFixture()
    const product = createUser(db(), { role: 'product' })
    // A voter of both A and C hears about each idea once.
    const both = createUser(db())
    setIdeaVote(db(), { ideaId: a.id, userId: both.id, voted: true })
    setIdeaVote(db(), { ideaId: c.id, userId: both.id, voted: true })
    changeIdeaStatus(db(), { ideaId: b.id, actorId: product.id, toStatus: 'planned' })

    const result = bulkChangeIdeaStatus(db(), {
      ideaIds: [a.id, c.id, b.id],
      actorId: product.id,
      toStatus: 'planned',
      noteMd: 'On the **Q3** plan.',
    })
    expect(result.changed.map((r) => name(r.ideaId))).toEqual(['A', 'C'])
    expect(result.skipped).toEqual([b.id]) // already planned
    // A: author + 3 Pro voters + `both`; C: author + 2 Enterprise voters + `both`.
    expect(result.changed.map((r) => r.notified)).toEqual([5, 4])

    const changes = db()
      .select({
        ideaId: ideaStatusChanges.ideaId,
        from: ideaStatusChanges.fromStatus,
        to: ideaStatusChanges.toStatus,
        noteHtml: ideaStatusChanges.noteHtml,
      })
      .from(ideaStatusChanges)
      .where(and(inArray(ideaStatusChanges.ideaId, [a.id, c.id]), eq(ideaStatusChanges.actorId, product.id)))
      .all()
    expect(changes).toHaveLength(2)
    for (const change of changes)
      expect(change).toMatchObject({ from: 'open', to: 'planned', noteHtml: '<p>On the <strong>Q3</strong> plan.</p>' })
    expect(
      db()
        .select({ status: ideas.status })
        .from(ideas)
        .where(inArray(ideas.id, [a.id, c.id]))
        .all(),
    ).toEqual([{ status: 'planned' }, { status: 'planned' }])

    const forBoth = db()
      .select({ subjectId: notifications.subjectId, kind: notifications.kind, body: notifications.body })
      .from(notifications)
      .where(and(eq(notifications.userId, both.id), eq(notifications.kind, 'idea_status')))
      .all()
    expect(forBoth.map((n) => n.subjectId).sort()).toEqual([a.id, c.id].sort())
    expect(forBoth[0]!.body).toContain('Q3')
    const forAuthor = db()
      .select({ subjectId: notifications.subjectId })
      .from(notifications)
      .where(
        and(eq(notifications.userId, author.id), eq(notifications.kind, 'idea_status'), inArray(notifications.subjectId, [a.id, c.id])),
      )
      .all()
    expect(forAuthor).toHaveLength(2)
  })

  test('it is all or nothing: a failure inside rolls every idea back', () => {
    const { a, c } = rankingFixture()
    const product = createUser(db(), { role: 'product' })
    const before = db().select({ n: ideaStatusChanges.id }).from(ideaStatusChanges).all().length
    // A's change goes through, then C's fails: A must be rolled back with it.
    db().run(
      sql.raw(
        `create temp trigger refuse_c before update of status on ideas when new.id = ${c.id} begin select raise(abort, 'refused'); end`,
      ),
    )
    try {
      expect(() => bulkChangeIdeaStatus(db(), { ideaIds: [a.id, c.id], actorId: product.id, toStatus: 'planned' })).toThrow('refused')
    } finally {
      db().run(sql.raw('drop trigger temp.refuse_c'))
    }
    expect(db().select({ n: ideaStatusChanges.id }).from(ideaStatusChanges).all().length).toBe(before)
    expect(
      db()
        .select({ status: ideas.status })
        .from(ideas)
        .where(inArray(ideas.id, [a.id, c.id]))
        .all(),
    ).toEqual([{ status: 'open' }, { status: 'open' }])
  })
})

describe('dashboard figures', () => {
  // A moment years ahead: only this test's rows fall into its windows.
  const now = new Date(Date.UTC(2036, 2, 12, 15, 0, 0)) // a Wednesday

  test('weeks start on Monday 00:00 UTC', () => {
    expect(new Date(weekStart(now)).toISOString()).toBe('2036-03-10T00:00:00.000Z')
    expect(new Date(weekStart(new Date(Date.UTC(2036, 2, 10)))).toISOString()).toBe('2036-03-10T00:00:00.000Z')
    expect(new Date(weekStart(new Date(Date.UTC(2036, 2, 16, 23)))).toISOString()).toBe('2036-03-10T00:00:00.000Z')
  })

  test('new ideas, questions and idea votes per week for the last 12 weeks', () => {
    const author = createUser(db())
    const at = (daysAgo: number) => new Date(now.getTime() - daysAgo * DAY)
    const thisWeek = createTestIdea(db(), { authorId: author.id, now: at(1) }) // + the author's vote
    createTestIdea(db(), { authorId: author.id, now: at(8) })
    createTestIdea(db(), { authorId: author.id, now: at(9) })
    createTestIdea(db(), { authorId: author.id, now: at(7 * 13) }) // before the window
    setIdeaVote(db(), { ideaId: thisWeek.id, userId: createUser(db()).id, voted: true, now: at(0) })
    createTestQuestion(db(), { authorId: author.id, now: at(7 * 11 - 1) }) // in the oldest week
    const activity = weeklyActivity(db(), now)
    expect(activity.weeks).toHaveLength(12)
    expect(activity.weeks[11]!.toISOString()).toBe('2036-03-10T00:00:00.000Z')
    expect(activity.weeks[0]!.toISOString()).toBe('2035-12-24T00:00:00.000Z')
    expect(activity.ideas).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 1])
    expect(activity.votes).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 2])
    expect(activity.questions).toEqual([1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0])
  })

  test('the status funnel counts ideas at each stage', () => {
    const before = statusFunnel(db())
    const author = createUser(db())
    const product = createUser(db(), { role: 'product' })
    const move = (status: 'under_review' | 'planned' | 'in_progress' | 'shipped' | 'declined') =>
      changeIdeaStatus(db(), { ideaId: createTestIdea(db(), { authorId: author.id }).id, actorId: product.id, toStatus: status })
    createTestIdea(db(), { authorId: author.id })
    move('under_review')
    move('planned')
    move('in_progress')
    move('in_progress')
    move('shipped')
    move('declined')
    const after = statusFunnel(db())
    expect(after.map((s, i) => [s.key, s.count - before[i]!.count])).toEqual([
      ['open', 2],
      ['planned', 3],
      ['shipped', 1],
      ['declined', 1],
    ])
  })

  test('median time to a first answer and who answered first, over the last 90 days', () => {
    const now = new Date(Date.UTC(2038, 0, 1)) // clear of the other tests' rows
    const asker = createUser(db())
    const customer = createUser(db())
    const staff = createUser(db(), { role: 'moderator' })
    const at = (hoursAgo: number) => new Date(now.getTime() - hoursAgo * HOUR)
    const ask = (hoursAgo: number) => createTestQuestion(db(), { authorId: asker.id, now: at(hoursAgo) })
    // First answers after 1 h (customer), 3 h (staff, a customer answers later), 10 h (customer), 4 h (staff).
    const q1 = ask(100)
    createTestAnswer(db(), { questionId: q1.id, authorId: customer.id, now: at(99) })
    const q2 = ask(100)
    createTestAnswer(db(), { questionId: q2.id, authorId: staff.id, authorRole: 'moderator', now: at(97) })
    createTestAnswer(db(), { questionId: q2.id, authorId: customer.id, now: at(96) })
    const q3 = ask(50)
    createTestAnswer(db(), { questionId: q3.id, authorId: customer.id, now: at(40) })
    const q4 = ask(30)
    createTestAnswer(db(), { questionId: q4.id, authorId: staff.id, authorRole: 'moderator', now: at(26) })
    ask(5) // unanswered
    const old = ask(24 * 91) // outside the window
    createTestAnswer(db(), { questionId: old.id, authorId: staff.id, now: at(24 * 91 - 1) })

    const stats = answerStats(db(), now)
    expect(stats).toEqual({ windowDays: 90, asked: 5, answered: 4, unanswered: 1, byCustomers: 2, byStaff: 2, medianMs: 3.5 * HOUR })
    // An odd count takes the middle delay.
    const q5 = ask(20)
    createTestAnswer(db(), { questionId: q5.id, authorId: customer.id, now: at(18) })
    expect(answerStats(db(), now)).toMatchObject({ answered: 5, byCustomers: 3, medianMs: 3 * HOUR })
  })
})
