/**
 * Answer and comment counts count what readers see: a hidden or deleted answer or comment leaves
 * its question's or post's count, and a restored one comes back; a hidden answer no longer makes
 * its question answered. `npm run recount` agrees at every step.
 */
import { eq } from 'drizzle-orm'
import { describe, expect, test } from 'vitest'
import { answers, ideas, questions } from '#db/schema'
import { getDb } from '~/lib/db.server'
import { findCounterMismatches } from '~/models/counters.server'
import { flagPost } from '~/models/flags.server'
import { decidePendingPosts, moderatePost } from '~/models/moderation.server'
import { setSetting } from '~/models/settings.server'
import { setPostVote } from '~/models/votes.server'
import { createTestAnswer, createTestComment, createTestIdea, createTestQuestion, createUser } from '#tests/factories'

const db = () => getDb()
const question = (id: number) =>
  db()
    .select({ answers: questions.answerCount, comments: questions.commentCount, unanswered: questions.isUnanswered })
    .from(questions)
    .where(eq(questions.id, id))
    .get()!
const ideaComments = (id: number) => db().select({ n: ideas.commentCount }).from(ideas).where(eq(ideas.id, id)).get()!.n

describe('visible counts', () => {
  test('hiding, deleting and restoring an answer moves its question’s count and answered state', () => {
    const mod = createUser(db(), { role: 'moderator' })
    const asker = createUser(db())
    const q = createTestQuestion(db(), { authorId: asker.id })
    const good = createTestAnswer(db(), { questionId: q.id, authorId: createUser(db()).id })
    createTestAnswer(db(), { questionId: q.id, authorId: createUser(db()).id })
    setPostVote(db(), { targetType: 'answer', targetId: good.id, userId: asker.id, value: 1 })
    expect(question(q.id)).toMatchObject({ answers: 2, unanswered: false })

    moderatePost(db(), { actorId: mod.id, target: { type: 'answer', id: good.id }, action: 'hide', reason: 'check' })
    expect(question(q.id)).toMatchObject({ answers: 1, unanswered: true })
    expect(findCounterMismatches(db())).toEqual([])

    moderatePost(db(), { actorId: mod.id, target: { type: 'answer', id: good.id }, action: 'delete', reason: 'spam' })
    expect(question(q.id)).toMatchObject({ answers: 1, unanswered: true })

    moderatePost(db(), { actorId: mod.id, target: { type: 'answer', id: good.id }, action: 'restore', reason: 'fine after all' })
    expect(question(q.id)).toMatchObject({ answers: 2, unanswered: false })
    expect(findCounterMismatches(db())).toEqual([])
  })

  test('three flags hide a comment and take it out of the idea’s count; a rejected queue item brings it back', () => {
    const mod = createUser(db(), { role: 'moderator' })
    const idea = createTestIdea(db(), { authorId: createUser(db()).id })
    const comment = createTestComment(db(), { target: { type: 'idea', id: idea.id }, authorId: createUser(db()).id })
    createTestComment(db(), { target: { type: 'idea', id: idea.id }, authorId: createUser(db()).id })
    expect(ideaComments(idea.id)).toBe(2)
    for (let i = 0; i < 3; i++) {
      flagPost(db(), { userId: createUser(db(), { reputation: 100 }).id, target: { type: 'comment', id: comment.id }, reason: 'rude' })
    }
    expect(ideaComments(idea.id)).toBe(1)
    expect(findCounterMismatches(db())).toEqual([])
    moderatePost(db(), { actorId: mod.id, target: { type: 'comment', id: comment.id }, action: 'restore', reason: 'not rude' })
    expect(ideaComments(idea.id)).toBe(2)
    expect(findCounterMismatches(db())).toEqual([])
  })

  test('an answer held for review is counted once approved, and never if rejected', () => {
    const mod = createUser(db(), { role: 'moderator' })
    const q = createTestQuestion(db(), { authorId: createUser(db()).id })
    setSetting(db(), 'premoderation', { enabled: true, firstPosts: 1 })
    try {
      const held = createTestAnswer(db(), { questionId: q.id, authorId: createUser(db()).id })
      const rejected = createTestAnswer(db(), { questionId: q.id, authorId: createUser(db()).id })
      expect(question(q.id).answers).toBe(0)
      expect(findCounterMismatches(db())).toEqual([])
      decidePendingPosts(db(), { actorId: mod.id, targets: [{ type: 'answer', id: held.id }], approve: true })
      decidePendingPosts(db(), { actorId: mod.id, targets: [{ type: 'answer', id: rejected.id }], approve: false })
      expect(question(q.id).answers).toBe(1)
      expect(db().select({ id: answers.id }).from(answers).where(eq(answers.questionId, q.id)).all()).toHaveLength(2)
      expect(findCounterMismatches(db())).toEqual([])
    } finally {
      setSetting(db(), 'premoderation', { enabled: false, firstPosts: 1 })
    }
  })
})
