/** Badges: each awarded once, in the transaction of the event that earns it, with a notification; never taken back. */
import { and, eq, sql } from 'drizzle-orm'
import { describe, expect, test } from 'vitest'
import { notifications, userBadges } from '#db/schema'
import { getDb } from '~/lib/db.server'
import { BADGES } from '~/lib/badges'
import { acceptAnswer } from '~/models/answers.server'
import { listBadgeHolders, listBadgesWithCounts, POPULAR_IDEA_VOTES } from '~/models/badges.server'
import { changeIdeaStatus } from '~/models/idea-status.server'
import { setIdeaVote, setPostVote } from '~/models/votes.server'
import { loader as badgeLoader } from '~/routes/badges.$badgeId'
import { loader as badgesLoader } from '~/routes/badges._index'
import { loader as privilegesLoader } from '~/routes/help.privileges'
import { createTestAnswer, createTestIdea, createTestQuestion, createUser } from '#tests/factories'
import { getRequest, settle } from '#tests/route-helpers'

const db = () => getDb()
const badgesOf = (userId: number) =>
  db()
    .select({ badge: userBadges.badge })
    .from(userBadges)
    .where(eq(userBadges.userId, userId))
    .orderBy(userBadges.id)
    .all()
    .map((b) => b.badge)
const badgeNotes = (userId: number) =>
  db()
    .select({ title: notifications.title, url: notifications.url })
    .from(notifications)
    .where(and(eq(notifications.userId, userId), eq(notifications.kind, 'badge')))
    .orderBy(notifications.id)
    .all()

describe('awarding', () => {
  test('first idea, question and answer, and supporter: once each, with one notification each', () => {
    const member = createUser(db()),
      other = createUser(db())
    createTestIdea(db(), { authorId: member.id })
    createTestIdea(db(), { authorId: member.id })
    const question = createTestQuestion(db(), { authorId: member.id })
    createTestQuestion(db(), { authorId: member.id })
    const theirs = createTestQuestion(db(), { authorId: other.id })
    const answer = createTestAnswer(db(), { questionId: theirs.id, authorId: member.id })
    createTestAnswer(db(), { questionId: theirs.id, authorId: member.id })
    expect(badgesOf(member.id)).toEqual(['first_idea', 'first_question', 'first_answer'])
    expect(badgeNotes(member.id)).toEqual([
      { title: 'You earned the “First idea” badge', url: `/u/${member.username}#badges` },
      { title: 'You earned the “Curious” badge', url: `/u/${member.username}#badges` },
      { title: 'You earned the “First answer” badge', url: `/u/${member.username}#badges` },
    ])
    // Supporter: the first upvote cast; a downvote does not count, and a second upvote awards nothing more.
    const voter = createUser(db(), { reputation: 200 })
    setPostVote(db(), { targetType: 'question', targetId: question.id, userId: voter.id, value: -1 })
    expect(badgesOf(voter.id)).toEqual([])
    setPostVote(db(), { targetType: 'question', targetId: question.id, userId: voter.id, value: 1 })
    setPostVote(db(), { targetType: 'answer', targetId: answer.id, userId: voter.id, value: 1 })
    expect(badgesOf(voter.id)).toEqual(['supporter'])
    expect(badgeNotes(voter.id)).toHaveLength(1)
  })

  test('idea planned and co-creator go to the author when the idea reaches the status, once', () => {
    const author = createUser(db()),
      team = createUser(db(), { role: 'product' })
    const idea = createTestIdea(db(), { authorId: author.id })
    changeIdeaStatus(db(), { ideaId: idea.id, actorId: team.id, toStatus: 'under_review' })
    expect(badgesOf(author.id)).toEqual(['first_idea'])
    changeIdeaStatus(db(), { ideaId: idea.id, actorId: team.id, toStatus: 'planned' })
    changeIdeaStatus(db(), { ideaId: idea.id, actorId: team.id, toStatus: 'shipped' })
    changeIdeaStatus(db(), { ideaId: idea.id, actorId: team.id, toStatus: 'planned' })
    changeIdeaStatus(db(), { ideaId: idea.id, actorId: team.id, toStatus: 'shipped' })
    expect(badgesOf(author.id)).toEqual(['first_idea', 'idea_planned', 'co_creator'])
    expect(badgeNotes(author.id)).toHaveLength(3)
  })

  test(`popular idea at ${POPULAR_IDEA_VOTES} votes, kept when votes go`, () => {
    const author = createUser(db())
    const idea = createTestIdea(db(), { authorId: author.id })
    const voters = Array.from({ length: POPULAR_IDEA_VOTES - 1 }, () => createUser(db()))
    for (const voter of voters.slice(0, -1)) setIdeaVote(db(), { ideaId: idea.id, userId: voter.id, voted: true })
    expect(badgesOf(author.id)).toEqual(['first_idea']) // 49 votes with the author's own
    setIdeaVote(db(), { ideaId: idea.id, userId: voters.at(-1)!.id, voted: true })
    expect(badgesOf(author.id)).toEqual(['first_idea', 'popular_idea'])
    setIdeaVote(db(), { ideaId: idea.id, userId: voters[0]!.id, voted: false })
    setIdeaVote(db(), { ideaId: idea.id, userId: voters[0]!.id, voted: true })
    expect(badgesOf(author.id)).toEqual(['first_idea', 'popular_idea'])
  })

  test('helpful at the 10th answer with a score of 1 or more; never taken back', () => {
    const answerer = createUser(db()),
      asker = createUser(db()),
      voter = createUser(db(), { reputation: 15 })
    const question = createTestQuestion(db(), { authorId: asker.id })
    const answers = Array.from({ length: 10 }, () => createTestAnswer(db(), { questionId: question.id, authorId: answerer.id }))
    // A second upvote on an answer already at 1 does not count twice.
    const second = createUser(db(), { reputation: 15 })
    setPostVote(db(), { targetType: 'answer', targetId: answers[0]!.id, userId: voter.id, value: 1 })
    setPostVote(db(), { targetType: 'answer', targetId: answers[0]!.id, userId: second.id, value: 1 })
    for (const answer of answers.slice(1, 9)) setPostVote(db(), { targetType: 'answer', targetId: answer.id, userId: voter.id, value: 1 })
    expect(badgesOf(answerer.id)).toEqual(['first_answer'])
    setPostVote(db(), { targetType: 'answer', targetId: answers[9]!.id, userId: voter.id, value: 1 })
    expect(badgesOf(answerer.id)).toEqual(['first_answer', 'helpful'])
    setPostVote(db(), { targetType: 'answer', targetId: answers[9]!.id, userId: voter.id, value: 0 })
    expect(badgesOf(answerer.id)).toEqual(['first_answer', 'helpful'])
  })

  test('problem solver at the 10th accepted answer to someone else’s question; self-accepts do not count', () => {
    const answerer = createUser(db()),
      asker = createUser(db())
    for (let i = 0; i < 3; i++) {
      const own = createTestQuestion(db(), { authorId: answerer.id })
      acceptAnswer(db(), { answerId: createTestAnswer(db(), { questionId: own.id, authorId: answerer.id }).id, userId: answerer.id })
    }
    for (let i = 0; i < 9; i++) {
      const question = createTestQuestion(db(), { authorId: asker.id })
      acceptAnswer(db(), { answerId: createTestAnswer(db(), { questionId: question.id, authorId: answerer.id }).id, userId: asker.id })
    }
    expect(badgesOf(answerer.id)).not.toContain('accepted_10')
    const tenth = createTestQuestion(db(), { authorId: asker.id })
    acceptAnswer(db(), { answerId: createTestAnswer(db(), { questionId: tenth.id, authorId: answerer.id }).id, userId: asker.id })
    expect(badgesOf(answerer.id)).toContain('accepted_10')
  })
})

describe('badge pages', () => {
  test('/badges lists every badge with its holder count from one grouped query', async () => {
    const before = new Map(listBadgesWithCounts(db()).map((b) => [b.id, b.holders]))
    createTestIdea(db(), { authorId: createUser(db()).id })
    const res = await settle(async () => badgesLoader({ request: await getRequest('/badges'), params: {}, context: {} }))
    const badges = (res.body as { badges: Array<{ id: string; holders: number; level: string }> }).badges
    expect(badges.map((b) => b.id)).toEqual(BADGES.map((b) => b.id))
    expect(badges.find((b) => b.id === 'first_idea')!.holders).toBe(before.get('first_idea')! + 1)
    const total = db().get<{ n: number }>(sql`select count(*) as n from user_badges where badge = 'first_idea'`)!.n
    expect(badges.find((b) => b.id === 'first_idea')!.holders).toBe(total)
  })

  test('/badges/:id pages its holders, newest first, and 404s an unknown badge', async () => {
    const holders = Array.from({ length: 3 }, () => createUser(db()))
    const q = (authorId: number, at: string) => createTestQuestion(db(), { authorId, now: new Date(at) })
    q(holders[0]!.id, '2040-01-01T00:00:00Z')
    q(holders[1]!.id, '2040-01-02T00:00:00Z')
    q(holders[2]!.id, '2040-01-03T00:00:00Z')
    const first = listBadgeHolders(db(), { badge: 'first_question', pageSize: 2 })
    expect(first.items.map((h) => h.username)).toEqual([holders[2]!.username, holders[1]!.username])
    expect(first.nextCursor).not.toBeNull()
    const res = await settle(async () =>
      badgeLoader({
        request: await getRequest(`/badges/first_question?cursor=${first.nextCursor}`),
        params: { badgeId: 'first_question' },
        context: {},
      }),
    )
    expect((res.body as { items: Array<{ username: string }> }).items[0]!.username).toBe(holders[0]!.username)
    expect(
      await settle(async () => badgeLoader({ request: await getRequest('/badges/nope'), params: { badgeId: 'nope' }, context: {} })),
    ).toMatchObject({
      status: 404,
    })
  })
})

describe('/help/privileges', () => {
  test('shows a visitor the thresholds, a member their reputation, staff that they hold everything', async () => {
    const load = async (userId?: number) =>
      (await settle(async () => privilegesLoader({ request: await getRequest('/help/privileges', { userId }), params: {}, context: {} })))
        .body as {
        viewer: { reputation: number; isStaff: boolean } | null
        privileges: Array<{ id: string; reputation: number }>
      }
    const visitor = await load()
    expect(visitor.viewer).toBeNull()
    expect(visitor.privileges.map((p) => [p.id, p.reputation])).toEqual([
      ['participate', 1],
      ['upvote', 15],
      ['flag', 15],
      ['comment-everywhere', 15],
      ['downvote', 125],
      ['create-tags', 500],
      ['vote-breakdowns', 1000],
      ['edit', 2000],
      ['close', 3000],
    ])
    expect((await load(createUser(db(), { reputation: 82 }).id)).viewer).toEqual({
      username: expect.any(String),
      reputation: 82,
      isStaff: false,
    })
    expect((await load(createUser(db(), { role: 'moderator' }).id)).viewer).toMatchObject({ isStaff: true })
  })
})
