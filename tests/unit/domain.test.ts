import { and, asc, count, eq } from 'drizzle-orm'
import { describe, expect, test } from 'vitest'
import { answers, ideas, ideaFollows, ideaVotes, notifications, questions, reputationEvents, users } from '#db/schema'
import { getDb } from '~/lib/db.server'
import { ConflictError, ForbiddenError } from '~/lib/errors'
import { acceptAnswer } from '~/models/answers.server'
import { addComment } from '~/models/comments.server'
import { changeIdeaStatus } from '~/models/idea-status.server'
import { DAILY_VOTE_REPUTATION_CAP, findReputationMismatches } from '~/models/reputation.server'
import { setIdeaVote, setPostVote } from '~/models/votes.server'
import { createTestAnswer, createTestIdea, createTestQuestion, createUser } from '#tests/factories'

const db = () => getDb()
const ledgerDeltas = (userId: number) =>
  db()
    .select({ d: reputationEvents.delta })
    .from(reputationEvents)
    .where(eq(reputationEvents.userId, userId))
    .orderBy(asc(reputationEvents.id))
    .all()
    .map((r) => r.d)
const reputationOf = (userId: number) => db().select({ r: users.reputation }).from(users).where(eq(users.id, userId)).get()!.r
const voteCountOf = (ideaId: number) => db().select({ v: ideas.voteCount }).from(ideas).where(eq(ideas.id, ideaId)).get()!.v
const rowCountOf = (ideaId: number) => db().select({ n: count() }).from(ideaVotes).where(eq(ideaVotes.ideaId, ideaId)).get()!.n

describe('idea votes', () => {
  test('the author votes automatically and earns nothing for it', () => {
    const author = createUser(db())
    const idea = createTestIdea(db(), { authorId: author.id })
    expect(voteCountOf(idea.id)).toBe(1)
    expect(ledgerDeltas(author.id)).toEqual([])
  })

  test('voting twice and unvoting keeps the count, the ledger and reputation exact', () => {
    const author = createUser(db())
    const voter = createUser(db())
    const idea = createTestIdea(db(), { authorId: author.id })
    expect(setIdeaVote(db(), { ideaId: idea.id, userId: voter.id, voted: true })).toEqual({ voted: true, voteCount: 2 })
    expect(setIdeaVote(db(), { ideaId: idea.id, userId: voter.id, voted: true })).toEqual({ voted: true, voteCount: 2 })
    expect(setIdeaVote(db(), { ideaId: idea.id, userId: voter.id, voted: false })).toEqual({ voted: false, voteCount: 1 })
    expect(setIdeaVote(db(), { ideaId: idea.id, userId: voter.id, voted: false })).toEqual({ voted: false, voteCount: 1 })
    expect(ledgerDeltas(author.id)).toEqual([2, -2])
    expect(reputationOf(author.id)).toBe(1)
    expect(voteCountOf(idea.id)).toBe(rowCountOf(idea.id))
  })

  test('a locked idea refuses votes with a conflict', () => {
    const idea = createTestIdea(db(), { authorId: createUser(db()).id })
    db().update(ideas).set({ lockedAt: new Date() }).where(eq(ideas.id, idea.id)).run()
    expect(() => setIdeaVote(db(), { ideaId: idea.id, userId: createUser(db()).id, voted: true })).toThrow(ConflictError)
  })
})

describe('the daily vote cap', () => {
  test('stops vote reputation at +200 a day, reverses exactly what was given, and lets an accept through', () => {
    const author = createUser(db())
    const now = new Date('2026-03-10T12:00:00Z')
    const question = createTestQuestion(db(), { authorId: createUser(db()).id, now })
    const answer = createTestAnswer(db(), { questionId: question.id, authorId: author.id, now })
    const voters = Array.from({ length: 21 }, () => createUser(db()))
    for (const voter of voters) setPostVote(db(), { targetType: 'answer', targetId: answer.id, userId: voter.id, value: 1, now })
    expect(reputationOf(author.id)).toBe(1 + DAILY_VOTE_REPUTATION_CAP)
    expect(ledgerDeltas(author.id).slice(-1)).toEqual([0]) // the 21st upvote earned nothing
    // Undoing the capped vote takes back nothing; undoing a paid one takes back 10.
    setPostVote(db(), { targetType: 'answer', targetId: answer.id, userId: voters[20]!.id, value: 0, now })
    expect(reputationOf(author.id)).toBe(201)
    setPostVote(db(), { targetType: 'answer', targetId: answer.id, userId: voters[0]!.id, value: 0, now })
    expect(reputationOf(author.id)).toBe(191)
    // Accepting is exempt from the cap.
    const asker = db().select({ id: questions.authorId }).from(questions).where(eq(questions.id, question.id)).get()!.id
    acceptAnswer(db(), { answerId: answer.id, userId: asker, now })
    expect(reputationOf(author.id)).toBe(206)
    expect(findReputationMismatches(db())).toEqual([])
  })

  test('the next day starts a new allowance', () => {
    const author = createUser(db())
    const question = createTestQuestion(db(), { authorId: author.id })
    const day1 = new Date('2026-04-01T23:00:00Z')
    const day2 = new Date('2026-04-02T01:00:00Z')
    const voters = Array.from({ length: 42 }, () => createUser(db()))
    voters.forEach((voter, i) =>
      setPostVote(db(), { targetType: 'question', targetId: question.id, userId: voter.id, value: 1, now: i < 41 ? day1 : day2 }),
    )
    expect(reputationOf(author.id)).toBe(1 + 200 + 5)
  })
})

describe('post votes', () => {
  test('you cannot vote on your own post', () => {
    const author = createUser(db())
    const question = createTestQuestion(db(), { authorId: author.id })
    expect(() => setPostVote(db(), { targetType: 'question', targetId: question.id, userId: author.id, value: 1 })).toThrow(ForbiddenError)
  })

  test('changing a vote from up to down moves the score by exactly 2 and charges the voter 1 on answers', () => {
    const author = createUser(db())
    const voter = createUser(db(), { reputation: 200 })
    const question = createTestQuestion(db(), { authorId: createUser(db()).id })
    const answer = createTestAnswer(db(), { questionId: question.id, authorId: author.id })
    expect(setPostVote(db(), { targetType: 'answer', targetId: answer.id, userId: voter.id, value: 1 })).toEqual({ value: 1, score: 1 })
    expect(setPostVote(db(), { targetType: 'answer', targetId: answer.id, userId: voter.id, value: -1 })).toEqual({ value: -1, score: -1 })
    expect(setPostVote(db(), { targetType: 'answer', targetId: answer.id, userId: voter.id, value: -1 })).toEqual({ value: -1, score: -1 })
    expect(reputationOf(author.id)).toBe(1 - 2)
    expect(reputationOf(voter.id)).toBe(200 - 1)
    expect(setPostVote(db(), { targetType: 'answer', targetId: answer.id, userId: voter.id, value: 0 })).toEqual({ value: 0, score: 0 })
    expect(reputationOf(author.id)).toBe(1)
    expect(reputationOf(voter.id)).toBe(200)
    expect(findReputationMismatches(db())).toEqual([])
  })
})

describe('accepting answers', () => {
  test('one accepted answer per question; switching moves the bonus; only the asker may accept', () => {
    const asker = createUser(db())
    const a1Author = createUser(db())
    const a2Author = createUser(db())
    const question = createTestQuestion(db(), { authorId: asker.id })
    const a1 = createTestAnswer(db(), { questionId: question.id, authorId: a1Author.id })
    const a2 = createTestAnswer(db(), { questionId: question.id, authorId: a2Author.id })
    expect(() => acceptAnswer(db(), { answerId: a1.id, userId: a1Author.id })).toThrow(ForbiddenError)
    acceptAnswer(db(), { answerId: a1.id, userId: asker.id })
    acceptAnswer(db(), { answerId: a1.id, userId: asker.id }) // a replay changes nothing
    expect(reputationOf(a1Author.id)).toBe(16)
    expect(reputationOf(asker.id)).toBe(3)
    acceptAnswer(db(), { answerId: a2.id, userId: asker.id })
    expect(reputationOf(a1Author.id)).toBe(1)
    expect(reputationOf(a2Author.id)).toBe(16)
    expect(reputationOf(asker.id)).toBe(3)
    const accepted = db()
      .select({ id: answers.id })
      .from(answers)
      .where(and(eq(answers.questionId, question.id), eq(answers.isAccepted, true)))
      .all()
    expect(accepted).toEqual([{ id: a2.id }])
    expect(() => db().update(answers).set({ isAccepted: true }).where(eq(answers.id, a1.id)).run()).toThrow(/UNIQUE/)
  })
})

describe('status changes close the loop', () => {
  test('every voter, the author and every follower is notified once; the actor is not', () => {
    const author = createUser(db())
    const pat = createUser(db(), { role: 'product' })
    const voters = Array.from({ length: 5 }, () => createUser(db()))
    const follower = createUser(db())
    const idea = createTestIdea(db(), { authorId: author.id })
    for (const voter of voters) setIdeaVote(db(), { ideaId: idea.id, userId: voter.id, voted: true })
    setIdeaVote(db(), { ideaId: idea.id, userId: pat.id, voted: true })
    db()
      .insert(ideaFollows)
      .values([
        { ideaId: idea.id, userId: follower.id },
        { ideaId: idea.id, userId: voters[0]!.id },
      ])
      .run()

    const { notified } = changeIdeaStatus(db(), { ideaId: idea.id, actorId: pat.id, toStatus: 'planned', noteMd: 'Coming in **Q3**.' })
    const rows = db()
      .select({ userId: notifications.userId, title: notifications.title, body: notifications.body })
      .from(notifications)
      .where(and(eq(notifications.subjectType, 'idea'), eq(notifications.subjectId, idea.id)))
      .all()
    const expected = [author.id, ...voters.map((v) => v.id), follower.id].sort((a, b) => a - b)
    expect(rows.map((r) => r.userId).sort((a, b) => a - b)).toEqual(expected)
    expect(notified).toBe(expected.length)
    expect(rows[0]!.body).toBe('Coming in Q3.')
    expect(ledgerDeltas(author.id)).toEqual([2, 2, 2, 2, 2, 2, 10])
  })

  test('the planned bonus is paid once, even if the idea goes back and forth', () => {
    const author = createUser(db())
    const pat = createUser(db(), { role: 'product' })
    const idea = createTestIdea(db(), { authorId: author.id })
    changeIdeaStatus(db(), { ideaId: idea.id, actorId: pat.id, toStatus: 'planned' })
    changeIdeaStatus(db(), { ideaId: idea.id, actorId: pat.id, toStatus: 'under_review' })
    changeIdeaStatus(db(), { ideaId: idea.id, actorId: pat.id, toStatus: 'planned' })
    changeIdeaStatus(db(), { ideaId: idea.id, actorId: pat.id, toStatus: 'shipped' })
    expect(ledgerDeltas(author.id)).toEqual([10, 50])
    expect(() => changeIdeaStatus(db(), { ideaId: idea.id, actorId: pat.id, toStatus: 'shipped' })).toThrow(ConflictError)
  })
})

describe('fixes found while seeding', () => {
  test('a backdated vote counts against its own day’s cap only', () => {
    const author = createUser(db())
    const question = createTestQuestion(db(), { authorId: author.id, now: new Date('2026-05-01T08:00:00Z') })
    const voters = Array.from({ length: 41 }, () => createUser(db()))
    // A full day's allowance earned on May 2nd …
    voters
      .slice(0, 40)
      .forEach((v) =>
        setPostVote(db(), { targetType: 'question', targetId: question.id, userId: v.id, value: 1, now: new Date('2026-05-02T10:00:00Z') }),
      )
    // … does not eat into May 1st's allowance when an import writes a vote for that day afterwards.
    setPostVote(db(), {
      targetType: 'question',
      targetId: question.id,
      userId: voters[40]!.id,
      value: 1,
      now: new Date('2026-05-01T09:00:00Z'),
    })
    expect(reputationOf(author.id)).toBe(1 + 200 + 5)
  })

  test('last activity never moves backwards, and removing a vote is not activity', () => {
    const author = createUser(db())
    const voter = createUser(db())
    const t1 = new Date('2026-05-10T10:00:00Z')
    const idea = createTestIdea(db(), { authorId: author.id, now: t1 })
    const activity = () => db().select({ at: ideas.lastActivityAt }).from(ideas).where(eq(ideas.id, idea.id)).get()!.at.getTime()
    setIdeaVote(db(), { ideaId: idea.id, userId: voter.id, voted: true, now: new Date('2026-05-09T10:00:00Z') })
    expect(activity()).toBe(t1.getTime())
    setIdeaVote(db(), { ideaId: idea.id, userId: voter.id, voted: false, now: new Date('2026-05-12T10:00:00Z') })
    expect(activity()).toBe(t1.getTime())
  })

  test('comments on a locked question or its answers are refused; a comment moves the question’s activity', () => {
    const question = createTestQuestion(db(), { authorId: createUser(db()).id, now: new Date('2026-05-01T00:00:00Z') })
    const answer = createTestAnswer(db(), { questionId: question.id, authorId: createUser(db()).id, now: new Date('2026-05-01T01:00:00Z') })
    const later = new Date('2026-05-03T00:00:00Z')
    addComment(db(), {
      target: { type: 'answer', id: answer.id },
      authorId: createUser(db()).id,
      bodyMd: 'Thanks, that worked.',
      now: later,
    })
    expect(db().select({ at: questions.lastActivityAt }).from(questions).where(eq(questions.id, question.id)).get()!.at).toEqual(later)
    db().update(questions).set({ lockedAt: new Date() }).where(eq(questions.id, question.id)).run()
    expect(() =>
      addComment(db(), { target: { type: 'answer', id: answer.id }, authorId: createUser(db()).id, bodyMd: 'Hello there' }),
    ).toThrow(ConflictError)
    expect(() =>
      addComment(db(), { target: { type: 'question', id: question.id }, authorId: createUser(db()).id, bodyMd: 'Hello there' }),
    ).toThrow(ConflictError)
  })
})

describe('comment notifications', () => {
  test("a comment on someone's idea tells its author once; a comment on one's own idea tells nobody", () => {
    const author = createUser(db())
    const commenter = createUser(db())
    const idea = createTestIdea(db(), { authorId: author.id, title: 'Saved filters for every dashboard' })
    const comment = addComment(db(), { target: { type: 'idea', id: idea.id }, authorId: commenter.id, bodyMd: 'Yes please, we need this.' })
    addComment(db(), { target: { type: 'idea', id: idea.id }, authorId: author.id, bodyMd: 'Thanks for the support!' })
    const rows = db()
      .select({ userId: notifications.userId, title: notifications.title, url: notifications.url, kind: notifications.kind })
      .from(notifications)
      .where(and(eq(notifications.subjectType, 'comment'), eq(notifications.actorId, commenter.id)))
      .all()
    expect(rows).toEqual([
      {
        userId: author.id,
        kind: 'comment',
        title: 'New comment on your idea “Saved filters for every dashboard”',
        url: `/ideas/${idea.id}#comment-${comment.id}`,
      },
    ])
    const own = db()
      .select({ n: count() })
      .from(notifications)
      .where(and(eq(notifications.userId, author.id), eq(notifications.actorId, author.id)))
      .get()!.n
    expect(own).toBe(0)
  })
})
