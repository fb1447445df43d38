import { eq } from 'drizzle-orm'
import { describe, expect, test } from 'vitest'
import { ideas, questions, users } from '#db/schema'
import { getDb } from '~/lib/db.server'
import { findCounterMismatches, fixCounters } from '~/models/counters.server'
import { setIdeaVote, setPostVote } from '~/models/votes.server'
import { createTestAnswer, createTestIdea, createTestQuestion, createUser } from '#tests/factories'

describe('recount', () => {
  test('finds a tampered counter and a tampered reputation, and --fix restores them', () => {
    const db = getDb()
    const author = createUser(db)
    const voter = createUser(db, { reputation: 50 })
    const idea = createTestIdea(db, { authorId: author.id })
    setIdeaVote(db, { ideaId: idea.id, userId: voter.id, voted: true })
    const question = createTestQuestion(db, { authorId: author.id })
    const answer = createTestAnswer(db, { questionId: question.id, authorId: voter.id })
    setPostVote(db, { targetType: 'answer', targetId: answer.id, userId: author.id, value: 1 })
    expect(findCounterMismatches(db)).toEqual([])

    db.update(ideas).set({ voteCount: 99 }).where(eq(ideas.id, idea.id)).run()
    db.update(users).set({ reputation: 1000 }).where(eq(users.id, author.id)).run()
    db.update(questions).set({ isUnanswered: true }).where(eq(questions.id, question.id)).run()
    expect(findCounterMismatches(db)).toEqual([
      { counter: 'idea votes', table: 'ideas', id: idea.id, cached: 99, recounted: 2 },
      { counter: 'unanswered flag', table: 'questions', id: question.id, cached: 1, recounted: 0 },
      { counter: 'reputation', table: 'users', id: author.id, cached: 1000, recounted: 3 },
    ])
    expect(fixCounters(db)).toBe(3)
    expect(findCounterMismatches(db)).toEqual([])
  })
})
