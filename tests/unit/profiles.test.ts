import { eq, sql } from 'drizzle-orm'
import { describe, expect, test } from 'vitest'
import { answers, comments, ideas, questions, users } from '#db/schema'
import { getDb } from '~/lib/db.server'
import { decodeCursor } from '~/lib/pagination.server'
import {
  CHART_MAX_POINTS,
  getPublicProfile,
  getReputationHistory,
  listProfileAnswers,
  listProfileIdeas,
  listProfileQuestions,
  listReputationLedger,
  listUserBadges,
  reputationReasonLabel,
} from '~/models/profiles.server'
import { adjustReputation, recordReputation } from '~/models/reputation.server'
import { setIdeaVote, setPostVote } from '~/models/votes.server'
import { action as settingsAction } from '~/routes/settings'
import { loader as profileLoader } from '~/routes/u.$username'
import {
  awardTestBadge,
  createSegment,
  createTestAnswer,
  createTestComment,
  createTestIdea,
  createTestQuestion,
  createUser,
} from '#tests/factories'
import { formRequest, getRequest, settle } from '#tests/route-helpers'

const db = () => getDb()
const DAY = 86_400_000

/** A member with one post of each kind and a ledger event pointing at each of them (and at comments on each). */
function memberWithPosts() {
  const author = createUser(db())
  const voter = createUser(db(), { reputation: 200 })
  const asker = createUser(db())
  const idea = createTestIdea(db(), { authorId: author.id })
  const question = createTestQuestion(db(), { authorId: author.id })
  const other = createTestQuestion(db(), { authorId: asker.id })
  const answer = createTestAnswer(db(), { questionId: other.id, authorId: author.id })
  setIdeaVote(db(), { ideaId: idea.id, userId: voter.id, voted: true })
  setPostVote(db(), { targetType: 'question', targetId: question.id, userId: voter.id, value: 1 })
  setPostVote(db(), { targetType: 'answer', targetId: answer.id, userId: voter.id, value: 1 })
  const onIdea = createTestComment(db(), { target: { type: 'idea', id: idea.id }, authorId: author.id })
  const onQuestion = createTestComment(db(), { target: { type: 'question', id: other.id }, authorId: author.id })
  const onAnswer = createTestComment(db(), { target: { type: 'answer', id: answer.id }, authorId: author.id })
  for (const c of [onIdea, onQuestion, onAnswer]) {
    db().transaction((tx) =>
      recordReputation(tx, { userId: author.id, reason: 'post_removed_as_spam', source: { type: 'comment', id: c.id }, actorId: voter.id }),
    )
  }
  return { author, voter, asker, idea, question, other, answer, onIdea, onQuestion, onAnswer }
}

describe('the public profile', () => {
  test('shows the header facts and counts, and the loader never carries the e-mail or the segment', async () => {
    const segment = createSegment(db(), { name: 'Enterprise-secret-segment' })
    const member = createUser(db(), { displayName: 'Ada Lovelace', segmentId: segment.id, reputation: 42 })
    createTestIdea(db(), { authorId: member.id })
    const hidden = createTestIdea(db(), { authorId: member.id })
    db().update(ideas).set({ hiddenAt: new Date() }).where(eq(ideas.id, hidden.id)).run()
    const asked = createTestQuestion(db(), { authorId: member.id })
    const deletedQuestion = createTestQuestion(db(), { authorId: member.id })
    db().update(questions).set({ deletedAt: new Date() }).where(eq(questions.id, deletedQuestion.id)).run()
    createTestAnswer(db(), { questionId: asked.id, authorId: member.id })
    const removed = createTestAnswer(db(), { questionId: asked.id, authorId: member.id })
    db().update(answers).set({ hiddenAt: new Date(), deletedAt: new Date() }).where(eq(answers.id, removed.id)).run()
    expect(getPublicProfile(db(), member.username)).toMatchObject({
      username: member.username,
      displayName: 'Ada Lovelace',
      reputation: 42,
      role: 'member',
      counts: { ideas: 1, questions: 1, answers: 1 },
    })
    for (const tab of ['activity', 'reputation', 'badges', 'ideas', 'questions', 'answers']) {
      for (const userId of [undefined, member.id]) {
        const request = await getRequest(`/u/${member.username}?tab=${tab}`, { userId })
        const res = await settle(() => profileLoader({ request, params: { username: member.username }, context: {} }))
        expect(res.status).toBe(200)
        const json = JSON.stringify(res.body)
        expect(json).not.toContain(member.email)
        expect(json).not.toContain('@example.com')
        expect(json).not.toContain('Enterprise-secret-segment')
        expect(json).not.toMatch(/password|segment/i)
      }
    }
  })

  test('an unknown, malformed or deleted member is a 404; a suspended one still shows', async () => {
    const gone = createUser(db())
    db().update(users).set({ deletedAt: new Date() }).where(eq(users.id, gone.id)).run()
    const suspended = createUser(db(), { suspendedUntil: new Date(Date.now() + DAY), suspensionReason: 'spam' })
    const load = async (username: string) =>
      settle(async () => profileLoader({ request: await getRequest(`/u/${username}`), params: { username }, context: {} }))
    expect((await load('nobody-here-at-all')).status).toBe(404)
    expect((await load('bad name!')).status).toBe(404)
    expect((await load(gone.username)).status).toBe(404)
    const res = await load(suspended.username.toUpperCase())
    expect(res.status).toBe(200)
    expect(JSON.stringify(res.body)).not.toContain('spam')
  })

  test('an unknown tab falls back to the activity tab', async () => {
    const member = createUser(db())
    const request = await getRequest(`/u/${member.username}?tab=bogus&cursor=%%%`)
    const res = await settle(() => profileLoader({ request, params: { username: member.username }, context: {} }))
    expect(res).toMatchObject({ status: 200, body: { tab: 'activity' } })
  })

  test('owner flag is set for the member themself only', async () => {
    const member = createUser(db())
    const other = createUser(db())
    const asOwner = await settle(async () =>
      profileLoader({
        request: await getRequest(`/u/${member.username}`, { userId: member.id }),
        params: { username: member.username },
        context: {},
      }),
    )
    const asOther = await settle(async () =>
      profileLoader({
        request: await getRequest(`/u/${member.username}`, { userId: other.id }),
        params: { username: member.username },
        context: {},
      }),
    )
    expect(asOwner.body).toMatchObject({ isOwner: true })
    expect(asOther.body).toMatchObject({ isOwner: false })
  })
})

describe('the ledger', () => {
  test('labels every reason and links every source type to its post, in four queries at most', () => {
    const w = memberWithPosts()
    const page = listReputationLedger(db(), { userId: w.author.id, viewer: null })
    const bySource = Object.fromEntries(page.items.map((e) => [`${e.source.type}:${e.label}:${e.source.href}`, e.delta]))
    expect(bySource).toEqual({
      [`idea:Idea upvoted:/ideas/${w.idea.id}`]: 2,
      [`question:Question upvoted:/questions/${w.question.id}`]: 5,
      [`answer:Answer upvoted:/questions/${w.other.id}#answer-${w.answer.id}`]: 10,
      [`comment:Post removed as spam:/ideas/${w.idea.id}#comment-${w.onIdea.id}`]: -100,
      [`comment:Post removed as spam:/questions/${w.other.id}#comment-${w.onQuestion.id}`]: -100,
      [`comment:Post removed as spam:/questions/${w.other.id}#comment-${w.onAnswer.id}`]: -100,
    })
    const titles = Object.fromEntries(page.items.map((e) => [e.source.href, e.source.title]))
    expect(titles[`/ideas/${w.idea.id}`]).toBe(w.idea.title)
    expect(titles[`/questions/${w.other.id}#answer-${w.answer.id}`]).toBe(w.other.title)
    expect(titles[`/ideas/${w.idea.id}#comment-${w.onIdea.id}`]).toBe(w.idea.title)

    // Batched: the page resolves its sources with one query per table, never one per row.
    const statements: string[] = []
    const client = db().$client
    const prepare = client.prepare.bind(client)
    client.prepare = ((source: string) => {
      statements.push(source)
      return prepare(source)
    }) as typeof client.prepare
    try {
      listReputationLedger(db(), { userId: w.author.id, viewer: null })
    } finally {
      client.prepare = prepare
    }
    expect(statements.length).toBeLessThanOrEqual(5) // the page, then comments, answers, questions, ideas
  })

  test('reasons have human labels; undone and unknown reasons read sensibly', () => {
    expect(reputationReasonLabel('answer_accepted')).toBe('Answer accepted')
    expect(reputationReasonLabel('answer_upvoted', true)).toBe('Answer upvoted (undone)')
    expect(reputationReasonLabel('adjustment')).toBe('Adjustment by staff')
    expect(reputationReasonLabel('some_future_reason')).toBe('Reputation change')
    expect(reputationReasonLabel('toString')).toBe('Reputation change')
  })

  test('a hidden or deleted post shows its event without a link, and its title only to staff (hidden only)', () => {
    const w = memberWithPosts()
    db().update(questions).set({ hiddenAt: new Date() }).where(eq(questions.id, w.other.id)).run()
    db().update(ideas).set({ deletedAt: new Date() }).where(eq(ideas.id, w.idea.id)).run()
    db().update(comments).set({ hiddenAt: new Date() }).where(eq(comments.id, w.onQuestion.id)).run()
    const member = listReputationLedger(db(), { userId: w.author.id, viewer: { id: w.voter.id, isStaff: false } })
    const staff = listReputationLedger(db(), { userId: w.author.id, viewer: { id: 999_999, isStaff: true } })
    const visible = member.items.filter((e) => e.source.href)
    expect(visible.map((e) => e.source.href)).toEqual([`/questions/${w.question.id}`])
    const json = JSON.stringify(member)
    expect(json).not.toContain(w.other.title)
    expect(json).not.toContain(w.idea.title)
    expect(member.items.filter((e) => e.source.isRemoved)).toHaveLength(5)
    // Staff see the hidden question's title (without a link); the deleted idea's stays out.
    expect(staff.items.filter((e) => e.source.href)).toHaveLength(1)
    expect(staff.items.some((e) => e.source.title === w.other.title)).toBe(true)
    expect(JSON.stringify(staff)).not.toContain(w.idea.title)
  })

  test('pages by (created_at, id) without skipping or repeating, ties included', () => {
    const member = createUser(db())
    const base = Date.now() - 100 * DAY
    db().transaction((tx) => {
      for (let i = 0; i < 65; i++) {
        // Three events share each timestamp, so the id breaks ties.
        adjustReputation(tx, { userId: member.id, delta: i + 1, actorId: null, now: new Date(base + Math.floor(i / 3) * 60_000) })
      }
    })
    const seen: number[] = []
    let cursor: string | null = null
    let pages = 0
    do {
      const page = listReputationLedger(db(), { userId: member.id, viewer: null, cursor: decodeCursor(cursor) })
      expect(page.items.length).toBeLessThanOrEqual(30)
      seen.push(...page.items.map((e) => e.delta))
      cursor = page.nextCursor
      pages += 1
    } while (cursor)
    expect(pages).toBe(3)
    expect(seen).toEqual(Array.from({ length: 65 }, (_, i) => 65 - i))
  })
})

describe('the reputation chart', () => {
  test('buckets add up to the total, are bounded, and start from the reputation before the window', () => {
    const now = new Date('2026-06-17T12:00:00Z')
    const member = createUser(db(), { createdAt: new Date(now.getTime() - 700 * DAY) })
    db().transaction((tx) => {
      adjustReputation(tx, { userId: member.id, delta: 40, actorId: null, now: new Date(now.getTime() - 500 * DAY) }) // before the window
      for (let d = 360; d >= 0; d -= 7)
        adjustReputation(tx, { userId: member.id, delta: 3, actorId: null, now: new Date(now.getTime() - d * DAY) })
      adjustReputation(tx, { userId: member.id, delta: -10, actorId: null, now: new Date(now.getTime() - 2 * DAY) })
    })
    const reputation = db().select({ r: users.reputation }).from(users).where(eq(users.id, member.id)).get()!.r
    const history = getReputationHistory(db(), member.id, now)
    expect(history.start).toBe(41)
    expect(history.end).toBe(reputation)
    expect(history.points.length).toBeLessThanOrEqual(CHART_MAX_POINTS)
    expect(history.points.length).toBeGreaterThan(60)
    expect(history.days).toBe(365)
    expect(history.points.at(-1)).toEqual({ day: '2026-06-17', reputation })
    const sumOfSteps = history.points.reduce(
      (sum, p, i) => sum + (p.reputation - (i === 0 ? history.start : history.points[i - 1]!.reputation)),
      0,
    )
    expect(history.start + sumOfSteps).toBe(reputation)
  })

  test('a new member gets a short window from the day they joined', () => {
    const now = new Date('2026-06-17T12:00:00Z')
    const member = createUser(db(), { createdAt: new Date(now.getTime() - 3 * DAY), reputation: 16 })
    const history = getReputationHistory(db(), member.id, now)
    expect(history.days).toBe(4)
    expect(history.points).toHaveLength(4)
    // The factory's adjustment is dated today (real time), after `now`: it still lands in the last point.
    expect(history.end).toBe(16)
  })
})

describe('badges and posts', () => {
  test('badges come from user_badges, grouped by level with the catalogue text; unknown ids are skipped', () => {
    const member = createUser(db())
    awardTestBadge(db(), { userId: member.id, badge: 'first_answer' })
    awardTestBadge(db(), { userId: member.id, badge: 'co_creator' })
    db().run(sql`insert into user_badges (user_id, badge) values (${member.id}, 'retired_badge')`)
    const groups = listUserBadges(db(), member.id)
    expect(groups.map((g) => [g.level, g.badges.map((b) => b.name)])).toEqual([
      ['gold', ['Co-creator']],
      ['bronze', ['First answer']],
    ])
  })

  test('lists show hidden posts to their author and staff only, never deleted ones, and page by keyset', () => {
    const author = createUser(db())
    const stranger = { id: createUser(db()).id, isStaff: false }
    const asker = createUser(db())
    const base = Date.now() - 10 * DAY
    const made = Array.from({ length: 23 }, (_, i) => createTestIdea(db(), { authorId: author.id, now: new Date(base + i * 1000) }))
    db().update(ideas).set({ hiddenAt: new Date() }).where(eq(ideas.id, made[22]!.id)).run()
    db().update(ideas).set({ deletedAt: new Date() }).where(eq(ideas.id, made[21]!.id)).run()
    const first = listProfileIdeas(db(), { userId: author.id, viewer: stranger })
    const second = listProfileIdeas(db(), { userId: author.id, viewer: stranger, cursor: decodeCursor(first.nextCursor) })
    expect(first.items).toHaveLength(20)
    expect([...first.items, ...second.items].map((i) => i.id)).toEqual(
      made
        .slice(0, 21)
        .reverse()
        .map((i) => i.id),
    )
    expect(second.nextCursor).toBeNull()
    const own = listProfileIdeas(db(), { userId: author.id, viewer: { id: author.id, isStaff: false } })
    expect(own.items[0]).toMatchObject({ id: made[22]!.id, isHidden: true })

    const question = createTestQuestion(db(), { authorId: author.id })
    const other = createTestQuestion(db(), { authorId: asker.id })
    const hiddenQuestion = createTestQuestion(db(), { authorId: asker.id })
    const answer = createTestAnswer(db(), { questionId: other.id, authorId: author.id })
    createTestAnswer(db(), { questionId: hiddenQuestion.id, authorId: author.id })
    db().update(questions).set({ hiddenAt: new Date() }).where(eq(questions.id, hiddenQuestion.id)).run()
    expect(listProfileQuestions(db(), { userId: author.id, viewer: null }).items.map((q) => q.id)).toEqual([question.id])
    const shown = listProfileAnswers(db(), { userId: author.id, viewer: null })
    expect(shown.items).toEqual([expect.objectContaining({ id: answer.id, questionId: other.id, questionTitle: other.title })])
    expect(JSON.stringify(shown)).not.toContain(hiddenQuestion.title)
    db().update(answers).set({ deletedAt: new Date() }).where(eq(answers.id, answer.id)).run()
    expect(listProfileAnswers(db(), { userId: author.id, viewer: { id: author.id, isStaff: false } }).items).toEqual([])
  })
})

describe('the bio in settings', () => {
  test('is rendered and sanitized once on save; too long is a 400 that keeps the text', async () => {
    const member = createUser(db())
    const save = async (bio: string) =>
      settle(async () =>
        settingsAction({
          request: await formRequest('/settings', { intent: 'profile', displayName: 'Mary', bio }, { userId: member.id }),
          params: {},
          context: {},
        }),
      )
    expect(await save('Hi, I **build** things. <img src=x onerror=alert(1)> [x](javascript:alert(1))')).toMatchObject({
      status: 302,
      location: '/settings?done=profile',
    })
    const row = db()
      .select({ bioMd: users.bioMd, bioHtml: users.bioHtml, displayName: users.displayName })
      .from(users)
      .where(eq(users.id, member.id))
      .get()!
    expect(row.displayName).toBe('Mary')
    expect(row.bioMd).toContain('<img')
    expect(row.bioHtml).toContain('<strong>build</strong>')
    expect(row.bioHtml).not.toMatch(/<img|onerror|javascript:/)
    expect(getPublicProfile(db(), member.username).bioHtml).toBe(row.bioHtml)

    const long = 'x'.repeat(2001)
    expect(await save(long)).toMatchObject({
      status: 400,
      body: { fields: { bio: long }, fieldErrors: { bio: ['Use at most 2000 characters.'] } },
    })
    expect(await save('')).toMatchObject({ status: 302 })
    expect(getPublicProfile(db(), member.username).bioHtml).toBe('')
  })
})
