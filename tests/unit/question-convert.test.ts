/** Converting a question into an idea: votes carried once, links both ways, counters and reputation exact. */
import { and, asc, eq } from 'drizzle-orm'
import { describe, expect, test } from 'vitest'
import { ideas, ideaVotes, moderationLog, notifications, questions, reputationEvents, tags } from '#db/schema'
import { getDb } from '~/lib/db.server'
import { findCounterMismatches } from '~/models/counters.server'
import { getIdeaPage } from '~/models/ideas.server'
import { getQuestionPage } from '~/models/questions.server'
import { setPostVote } from '~/models/votes.server'
import { action } from '~/routes/questions.$questionId/route'
import { createCategory, createTestAnswer, createTestQuestion, createUser, unique } from '#tests/factories'
import { formRequest, settle } from '#tests/route-helpers'

const db = () => getDb()

async function post(questionId: number, fields: Record<string, string>, userId?: number) {
  const request = await formRequest(`/questions/${questionId}`, fields, { userId })
  return settle(() => action({ request, params: { questionId: String(questionId) }, context: {} }))
}

describe('converting a question into an idea', () => {
  test('carries the upvoters exactly once, links both ways, and keeps counters and reputation exact', async () => {
    const asker = createUser(db())
    const tag = unique('exports')
    const question = createTestQuestion(db(), {
      authorId: asker.id,
      title: 'Can reports be exported to Excel?',
      tagNames: [tag, 'reports'],
    })
    createTestAnswer(db(), { questionId: question.id, authorId: createUser(db()).id })
    const upvoters = Array.from({ length: 3 }, () => createUser(db(), { reputation: 200 }))
    const downvoter = createUser(db(), { reputation: 200 })
    const changedMind = createUser(db(), { reputation: 200 })
    for (const voter of upvoters) setPostVote(db(), { targetType: 'question', targetId: question.id, userId: voter.id, value: 1 })
    setPostVote(db(), { targetType: 'question', targetId: question.id, userId: downvoter.id, value: -1 })
    setPostVote(db(), { targetType: 'question', targetId: question.id, userId: changedMind.id, value: 1 })
    setPostVote(db(), { targetType: 'question', targetId: question.id, userId: changedMind.id, value: 0 })
    const category = createCategory(db())
    const pat = createUser(db(), { role: 'product' })
    const reputationBefore = db()
      .select({ n: reputationEvents.id })
      .from(reputationEvents)
      .where(eq(reputationEvents.userId, asker.id))
      .all().length

    const res = await post(question.id, { intent: 'convert', categoryId: String(category.id) }, pat.id)
    expect(res.status).toBe(302)
    const ideaId = Number(res.location!.replace('/ideas/', ''))

    const idea = db().select().from(ideas).where(eq(ideas.id, ideaId)).get()!
    expect(idea).toMatchObject({
      authorId: asker.id,
      title: question.title,
      categoryId: category.id,
      fromQuestionId: question.id,
      voteCount: 4,
    })
    const voters = db()
      .select({ userId: ideaVotes.userId })
      .from(ideaVotes)
      .where(eq(ideaVotes.ideaId, ideaId))
      .orderBy(asc(ideaVotes.userId))
      .all()
    expect(voters.map((v) => v.userId)).toEqual([asker.id, ...upvoters.map((u) => u.id)].sort((a, b) => a - b))
    const ideaTagNames = getIdeaPage(db(), { ideaId }).tags
    expect(ideaTagNames).toEqual([tag, 'reports'].sort())
    expect(db().select({ n: tags.ideaCount }).from(tags).where(eq(tags.name, tag)).get()!.n).toBe(1)

    // The question links forward, is closed as resolved and keeps its answers and score.
    const page = getQuestionPage(db(), { questionId: question.id })
    expect(page.question).toMatchObject({ convertedToIdeaId: ideaId, status: 'closed', closeReason: 'resolved', score: 2 })
    expect(page.answers).toHaveLength(1)
    expect(getIdeaPage(db(), { ideaId })).toMatchObject({ idea: { fromQuestionId: question.id } })

    // Each carried vote earns the author what a vote on the idea earns, with the voter as actor.
    const ideaEvents = db()
      .select({ delta: reputationEvents.delta, actorId: reputationEvents.actorId })
      .from(reputationEvents)
      .where(and(eq(reputationEvents.userId, asker.id), eq(reputationEvents.reason, 'idea_upvoted'), eq(reputationEvents.sourceId, ideaId)))
      .all()
    expect(ideaEvents).toEqual(upvoters.map((u) => ({ delta: 2, actorId: u.id })))
    expect(db().select({ n: reputationEvents.id }).from(reputationEvents).where(eq(reputationEvents.userId, asker.id)).all().length).toBe(
      reputationBefore + 3,
    )
    expect(findCounterMismatches(db())).toEqual([])

    // The asker is told; the log records it.
    const note = db()
      .select()
      .from(notifications)
      .where(and(eq(notifications.userId, asker.id), eq(notifications.kind, 'question_converted')))
      .get()
    expect(note).toMatchObject({ url: `/ideas/${ideaId}`, actorId: pat.id })
    const log = db()
      .select()
      .from(moderationLog)
      .where(and(eq(moderationLog.targetType, 'question'), eq(moderationLog.targetId, question.id)))
      .all()
    expect(log).toMatchObject([{ action: 'convert_to_idea', actorId: pat.id, after: { convertedToIdeaId: ideaId, carriedVotes: 3 } }])

    // Converting again is a conflict.
    expect(await post(question.id, { intent: 'convert', categoryId: String(category.id) }, pat.id)).toMatchObject({ status: 409 })
    expect(db().select({ id: ideas.id }).from(ideas).where(eq(ideas.fromQuestionId, question.id)).all()).toHaveLength(1)
  })

  test('only the product team converts; a category must be picked from the list', async () => {
    const question = createTestQuestion(db(), { authorId: createUser(db()).id })
    const category = createCategory(db())
    const fields = { intent: 'convert', categoryId: String(category.id) }
    expect(await post(question.id, fields, createUser(db(), { role: 'moderator' }).id)).toMatchObject({
      status: 403,
      body: 'Only the product team can convert questions into ideas.',
    })
    expect(await post(question.id, fields, createUser(db(), { reputation: 10_000 }).id)).toMatchObject({ status: 403 })
    const pat = createUser(db(), { role: 'product' })
    expect(await post(question.id, { intent: 'convert', categoryId: '' }, pat.id)).toMatchObject({
      status: 400,
      body: { intent: 'convert', fieldErrors: { categoryId: ['Pick a category.'] } },
    })
    expect(await post(question.id, { intent: 'convert', categoryId: '99999999' }, pat.id)).toMatchObject({
      status: 400,
      body: 'Pick a category from the list.',
    })
    expect(db().select({ c: questions.convertedToIdeaId }).from(questions).where(eq(questions.id, question.id)).get()!.c).toBeNull()
  })

  test('a question closed as a duplicate stays closed as it was', async () => {
    const original = createTestQuestion(db(), { authorId: createUser(db()).id })
    const question = createTestQuestion(db(), { authorId: createUser(db()).id })
    const admin = createUser(db(), { role: 'admin' })
    await post(question.id, { intent: 'close', reason: 'duplicate', duplicateOf: String(original.id) }, admin.id)
    expect(await post(question.id, { intent: 'convert', categoryId: String(createCategory(db()).id) }, admin.id)).toMatchObject({
      status: 302,
    })
    expect(getQuestionPage(db(), { questionId: question.id }).question).toMatchObject({
      closeReason: 'duplicate',
      duplicateOf: { id: original.id },
    })
    expect(findCounterMismatches(db())).toEqual([])
  })
})
