/** Every reputation rule, with exact numbers: the ledger, the cached total and the caps. */
import { and, asc, eq, sql } from 'drizzle-orm'
import { describe, expect, test } from 'vitest'
import { reputationEvents, users } from '#db/schema'
import { getDb } from '~/lib/db.server'
import { acceptAnswer, unacceptAnswer } from '~/models/answers.server'
import { mergeIdea } from '~/models/idea-merge.server'
import { changeIdeaStatus } from '~/models/idea-status.server'
import { convertQuestionToIdea } from '~/models/question-moderation.server'
import { DAILY_VOTE_REPUTATION_CAP, findReputationMismatches, IDEA_UPVOTE_REPUTATION_CAP, REPUTATION } from '~/models/reputation.server'
import { setIdeaVote, setPostVote } from '~/models/votes.server'
import { createCategory, createTestAnswer, createTestIdea, createTestQuestion, createUser } from '#tests/factories'

const db = () => getDb()
const reputationOf = (userId: number) => db().select({ r: users.reputation }).from(users).where(eq(users.id, userId)).get()!.r
/** The member's ledger, oldest first, without the fixture adjustment that sets a starting total. */
const ledger = (userId: number) =>
  db()
    .select({ delta: reputationEvents.delta, reason: reputationEvents.reason })
    .from(reputationEvents)
    .where(and(eq(reputationEvents.userId, userId), sql`${reputationEvents.reason} <> 'adjustment'`))
    .orderBy(asc(reputationEvents.id))
    .all()
const deltas = (userId: number) => ledger(userId).map((e) => e.delta)

const DAY = new Date('2031-03-10T08:00:00Z')
const at = (days: number, minutes = 0) => new Date(DAY.getTime() + days * 86_400_000 + minutes * 60_000)

function qa() {
  const asker = createUser(db()),
    answerer = createUser(db())
  const question = createTestQuestion(db(), { authorId: asker.id })
  const answer = createTestAnswer(db(), { questionId: question.id, authorId: answerer.id })
  return { asker, answerer, question, answer }
}

describe('votes on questions and answers', () => {
  test('an answer upvoted then un-upvoted leaves the author unchanged, with two ledger rows', () => {
    const { answerer, answer } = qa()
    const voter = createUser(db(), { reputation: 15 })
    setPostVote(db(), { targetType: 'answer', targetId: answer.id, userId: voter.id, value: 1 })
    expect(reputationOf(answerer.id)).toBe(11)
    setPostVote(db(), { targetType: 'answer', targetId: answer.id, userId: voter.id, value: 0 })
    expect(ledger(answerer.id)).toEqual([
      { delta: 10, reason: 'answer_upvoted' },
      { delta: -10, reason: 'answer_upvoted' },
    ])
    expect(reputationOf(answerer.id)).toBe(1)
    expect(reputationOf(voter.id)).toBe(15)
  })

  test('a question upvote is +5 for the asker', () => {
    const { asker, question } = qa()
    const voter = createUser(db(), { reputation: 15 })
    setPostVote(db(), { targetType: 'question', targetId: question.id, userId: voter.id, value: 1 })
    expect(deltas(asker.id)).toEqual([5])
    expect(reputationOf(asker.id)).toBe(6)
  })

  test('a downvote on an answer costs the voter 1 and the author 2; turning it into an upvote reverses both', () => {
    const { answerer, answer } = qa()
    const voter = createUser(db(), { reputation: 125 })
    setPostVote(db(), { targetType: 'answer', targetId: answer.id, userId: voter.id, value: -1 })
    expect(reputationOf(voter.id)).toBe(124)
    expect(deltas(voter.id)).toEqual([-1])
    expect(reputationOf(answerer.id)).toBe(-1) // never floored: the stored value is the exact sum
    setPostVote(db(), { targetType: 'answer', targetId: answer.id, userId: voter.id, value: 1 })
    expect(deltas(voter.id)).toEqual([-1, 1])
    expect(deltas(answerer.id)).toEqual([-2, 2, 10])
    expect(reputationOf(voter.id)).toBe(125)
    expect(reputationOf(answerer.id)).toBe(11)
  })

  test('a downvote on a question costs the asker 2 and the voter nothing', () => {
    const { asker, question } = qa()
    const voter = createUser(db(), { reputation: 125 })
    setPostVote(db(), { targetType: 'question', targetId: question.id, userId: voter.id, value: -1 })
    expect(deltas(asker.id)).toEqual([-2])
    expect(deltas(voter.id)).toEqual([])
    expect(reputationOf(voter.id)).toBe(125)
  })
})

describe('accepted answers', () => {
  test('+15 for the answerer and +2 for the asker; un-accepting reverses both; accepting one’s own answer earns nothing', () => {
    const { asker, answerer, question, answer } = qa()
    acceptAnswer(db(), { answerId: answer.id, userId: asker.id })
    expect(reputationOf(answerer.id)).toBe(16)
    expect(reputationOf(asker.id)).toBe(3)
    unacceptAnswer(db(), { answerId: answer.id, userId: asker.id })
    expect(deltas(answerer.id)).toEqual([15, -15])
    expect(deltas(asker.id)).toEqual([2, -2])

    const own = createTestAnswer(db(), { questionId: question.id, authorId: asker.id })
    acceptAnswer(db(), { answerId: own.id, userId: asker.id })
    expect(deltas(asker.id)).toEqual([2, -2])
  })
})

describe('the daily cap of +200 from votes', () => {
  test('stops at +200 in a day, lets an accept through, and a capped vote’s reversal undoes exactly 0', () => {
    const author = createUser(db()),
      asker = createUser(db())
    const question = createTestQuestion(db(), { authorId: asker.id })
    const answer = createTestAnswer(db(), { questionId: question.id, authorId: author.id })
    const voters = Array.from({ length: 21 }, () => createUser(db(), { reputation: 15 }))
    voters.forEach((voter, i) =>
      setPostVote(db(), { targetType: 'answer', targetId: answer.id, userId: voter.id, value: 1, now: at(0, i) }),
    )
    expect(deltas(author.id)).toEqual([...Array(20).fill(10), 0])
    expect(reputationOf(author.id)).toBe(1 + DAILY_VOTE_REPUTATION_CAP)

    // The accept is exempt.
    acceptAnswer(db(), { answerId: answer.id, userId: asker.id, now: at(0, 30) })
    expect(reputationOf(author.id)).toBe(1 + 200 + 15)

    // The 21st vote earned 0, so taking it back takes 0; the 1st earned 10 and takes 10 back.
    setPostVote(db(), { targetType: 'answer', targetId: answer.id, userId: voters[20]!.id, value: 0, now: at(0, 40) })
    expect(reputationOf(author.id)).toBe(216)
    setPostVote(db(), { targetType: 'answer', targetId: answer.id, userId: voters[0]!.id, value: 0, now: at(0, 41) })
    expect(reputationOf(author.id)).toBe(206)
    // That freed room today: a new vote pays +10 again, and the next day starts afresh.
    setPostVote(db(), { targetType: 'answer', targetId: answer.id, userId: voters[20]!.id, value: 1, now: at(0, 42) })
    expect(reputationOf(author.id)).toBe(216)
    setPostVote(db(), { targetType: 'answer', targetId: answer.id, userId: voters[0]!.id, value: 1, now: at(1) })
    expect(reputationOf(author.id)).toBe(226)
    expect(findReputationMismatches(db())).toEqual([])
  })

  test('downvotes are not capped: a capped day still loses 2 per downvote', () => {
    const author = createUser(db())
    const question = createTestQuestion(db(), { authorId: author.id })
    const up = Array.from({ length: 41 }, () => createUser(db(), { reputation: 15 }))
    up.forEach((voter, i) =>
      setPostVote(db(), { targetType: 'question', targetId: question.id, userId: voter.id, value: 1, now: at(2, i) }),
    )
    expect(reputationOf(author.id)).toBe(201)
    const down = createUser(db(), { reputation: 125 })
    setPostVote(db(), { targetType: 'question', targetId: question.id, userId: down.id, value: -1, now: at(2, 50) })
    expect(reputationOf(author.id)).toBe(199)
  })
})

describe('idea votes', () => {
  test('+2 per vote, none for the author’s own automatic vote; an unvote reverses it', () => {
    const author = createUser(db()),
      voter = createUser(db())
    const idea = createTestIdea(db(), { authorId: author.id })
    setIdeaVote(db(), { ideaId: idea.id, userId: voter.id, voted: true })
    setIdeaVote(db(), { ideaId: idea.id, userId: voter.id, voted: false })
    expect(ledger(author.id)).toEqual([
      { delta: 2, reason: 'idea_upvoted' },
      { delta: -2, reason: 'idea_upvoted' },
    ])
    expect(reputationOf(author.id)).toBe(1)
  })

  test(`are capped at +${IDEA_UPVOTE_REPUTATION_CAP} per idea (the first 100 voters), on the ledger`, () => {
    const author = createUser(db())
    const idea = createTestIdea(db(), { authorId: author.id, now: at(10) })
    const voters = Array.from({ length: 102 }, () => createUser(db()))
    // 34 votes a day: under the daily cap, so only the per-idea cap bites.
    voters.forEach((voter, i) => setIdeaVote(db(), { ideaId: idea.id, userId: voter.id, voted: true, now: at(10 + Math.floor(i / 34), i) }))
    expect(reputationOf(author.id)).toBe(1 + IDEA_UPVOTE_REPUTATION_CAP)
    expect(deltas(author.id).slice(-3)).toEqual([2, 0, 0])

    // The 102nd voter’s vote earned 0 and its reversal takes 0; the first voter’s takes 2 and frees room.
    setIdeaVote(db(), { ideaId: idea.id, userId: voters[101]!.id, voted: false, now: at(14) })
    expect(reputationOf(author.id)).toBe(201)
    setIdeaVote(db(), { ideaId: idea.id, userId: voters[0]!.id, voted: false, now: at(14, 1) })
    expect(reputationOf(author.id)).toBe(199)
    setIdeaVote(db(), { ideaId: idea.id, userId: voters[101]!.id, voted: true, now: at(14, 2) })
    expect(reputationOf(author.id)).toBe(201)
    setIdeaVote(db(), { ideaId: idea.id, userId: voters[0]!.id, voted: true, now: at(14, 3) })
    expect(reputationOf(author.id)).toBe(201)

    // Another idea of the same author has its own cap.
    const other = createTestIdea(db(), { authorId: author.id, now: at(14) })
    setIdeaVote(db(), { ideaId: other.id, userId: voters[5]!.id, voted: true, now: at(14, 4) })
    expect(reputationOf(author.id)).toBe(203)
    expect(findReputationMismatches(db())).toEqual([])
  })
})

describe('idea status bonuses', () => {
  test('planned +10 and shipped +50, each once: leaving and coming back pays nothing more and takes nothing back', () => {
    const author = createUser(db()),
      team = createUser(db(), { role: 'product' })
    const idea = createTestIdea(db(), { authorId: author.id })
    const move = (toStatus: 'planned' | 'in_progress' | 'shipped' | 'under_review') =>
      changeIdeaStatus(db(), { ideaId: idea.id, actorId: team.id, toStatus })
    move('planned')
    expect(reputationOf(author.id)).toBe(11)
    move('under_review') // back out of planned: nothing taken back
    expect(reputationOf(author.id)).toBe(11)
    move('planned')
    expect(reputationOf(author.id)).toBe(11)
    move('shipped')
    expect(reputationOf(author.id)).toBe(61)
    move('in_progress') // reopened
    move('shipped') // ships again
    expect(ledger(author.id)).toEqual([
      { delta: REPUTATION.idea_planned, reason: 'idea_planned' },
      { delta: REPUTATION.idea_shipped, reason: 'idea_shipped' },
    ])
    expect(reputationOf(author.id)).toBe(61)
  })

  test('Co-creator: the asker of a question turned into the idea, or into an idea merged into it, gets +50 once', () => {
    const team = createUser(db(), { role: 'product' })
    const category = createCategory(db())
    const asker = createUser(db()),
      otherAsker = createUser(db())
    const question = createTestQuestion(db(), { authorId: asker.id })
    const { ideaId } = convertQuestionToIdea(db(), { questionId: question.id, actorId: team.id, categoryId: category.id })
    // A second question becomes an idea that is merged into the first one.
    const second = createTestQuestion(db(), { authorId: otherAsker.id })
    const { ideaId: secondIdeaId } = convertQuestionToIdea(db(), { questionId: second.id, actorId: team.id, categoryId: category.id })
    mergeIdea(db(), { ideaId: secondIdeaId, targetId: ideaId, actorId: team.id })

    changeIdeaStatus(db(), { ideaId, actorId: team.id, toStatus: 'shipped' })
    changeIdeaStatus(db(), { ideaId, actorId: team.id, toStatus: 'in_progress' })
    changeIdeaStatus(db(), { ideaId, actorId: team.id, toStatus: 'shipped' })
    // The asker is the idea's author too (a converted idea keeps its author): paid once, not twice.
    expect(ledger(asker.id).filter((e) => e.reason === 'idea_shipped')).toEqual([{ delta: 50, reason: 'idea_shipped' }])
    expect(ledger(otherAsker.id).filter((e) => e.reason === 'idea_shipped')).toEqual([{ delta: 50, reason: 'idea_shipped' }])
    expect(reputationOf(otherAsker.id)).toBe(51)
    expect(findReputationMismatches(db())).toEqual([])
  })
})
