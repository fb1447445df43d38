/** Closing and reopening questions: who may, duplicates and their originals, the moderation log. */
import { and, eq } from 'drizzle-orm'
import { describe, expect, test } from 'vitest'
import { moderationLog, questions } from '#db/schema'
import { getDb } from '~/lib/db.server'
import { closeQuestion, MAX_DUPLICATE_HOPS } from '~/models/question-moderation.server'
import { getQuestionPage } from '~/models/questions.server'
import { action } from '~/routes/questions.$questionId/route'
import { createTestQuestion, createUser } from '#tests/factories'
import { formRequest, settle } from '#tests/route-helpers'

const db = () => getDb()

async function post(questionId: number, fields: Record<string, string>, userId?: number) {
  const request = await formRequest(`/questions/${questionId}`, fields, { userId })
  return settle(() => action({ request, params: { questionId: String(questionId) }, context: {} }))
}

const stateOf = (questionId: number) =>
  db()
    .select({ status: questions.status, closeReason: questions.closeReason, duplicateOfId: questions.duplicateOfId })
    .from(questions)
    .where(eq(questions.id, questionId))
    .get()

const newQuestion = () => createTestQuestion(db(), { authorId: createUser(db()).id })

describe('closing', () => {
  test('members below 3000 reputation may not close; staff and 3000-reputation members may', async () => {
    const question = newQuestion()
    const fields = { intent: 'close', reason: 'off_topic' }
    expect(await post(question.id, fields, createUser(db(), { reputation: 2999 }).id)).toMatchObject({
      status: 403,
      body: 'You need 3000 reputation to vote to close questions.',
    })
    expect(await post(question.id, fields)).toMatchObject({ status: 302, location: expect.stringMatching(/^\/login\?/) })
    expect(await post(question.id, fields, createUser(db(), { reputation: 3000 }).id)).toMatchObject({ status: 302 })
    expect(stateOf(question.id)).toEqual({ status: 'closed', closeReason: 'off_topic', duplicateOfId: null })
  })

  test('a duplicate points to its original, the page shows it, and the log keeps before and after', async () => {
    const original = newQuestion()
    const question = newQuestion()
    const mod = createUser(db(), { role: 'moderator' })
    const res = await post(
      question.id,
      {
        intent: 'close',
        reason: 'duplicate',
        duplicateOf: `http://localhost:3000/questions/${original.id}#answer-3`,
        note: 'Asked last week.',
      },
      mod.id,
    )
    expect(res).toMatchObject({ status: 302, location: `/questions/${question.id}` })
    expect(getQuestionPage(db(), { questionId: question.id }).question).toMatchObject({
      status: 'closed',
      closeReason: 'duplicate',
      duplicateOf: { id: original.id, title: original.title },
    })
    const log = db()
      .select()
      .from(moderationLog)
      .where(and(eq(moderationLog.targetType, 'question'), eq(moderationLog.targetId, question.id)))
      .all()
    expect(log).toMatchObject([
      {
        actorId: mod.id,
        action: 'close',
        reason: 'Asked last week.',
        before: { status: 'open', closeReason: null, duplicateOfId: null },
        after: { status: 'closed', closeReason: 'duplicate', duplicateOfId: original.id },
      },
    ])
    // Closed: no new answers.
    expect(await post(question.id, { intent: 'answer', body: 'An answer that arrives after closing.' }, createUser(db()).id)).toMatchObject(
      {
        status: 409,
      },
    )
  })

  test('the original must be another visible question, and a missing one is a field error that keeps the form', async () => {
    const question = newQuestion()
    const hidden = newQuestion()
    db().update(questions).set({ hiddenAt: new Date() }).where(eq(questions.id, hidden.id)).run()
    const mod = createUser(db(), { role: 'moderator' })
    const close = (duplicateOf: string) => post(question.id, { intent: 'close', reason: 'duplicate', duplicateOf }, mod.id)
    expect(await close('')).toMatchObject({
      status: 400,
      body: { intent: 'close', fieldErrors: { duplicateOf: ['Enter the number or the address of the original question.'] } },
    })
    expect(await close('not a question')).toMatchObject({ status: 400 })
    expect(await close(String(question.id))).toMatchObject({
      status: 400,
      body: { fields: { duplicateOf: String(question.id) }, fieldErrors: { duplicateOf: ['A question cannot be a duplicate of itself.'] } },
    })
    expect(await close(`#${hidden.id}`)).toMatchObject({
      status: 400,
      body: { fieldErrors: { duplicateOf: [`There is no question #${hidden.id}.`] } },
    })
    expect(await close('999999999')).toMatchObject({ status: 400 })
    expect(await post(question.id, { intent: 'close', reason: 'bogus' }, mod.id)).toMatchObject({
      status: 400,
      body: { fieldErrors: { reason: ['Pick a reason.'] } },
    })
    expect(stateOf(question.id)!.status).toBe('open')
  })

  test('no chains: a duplicate of a duplicate points at the first original; a cycle is refused', () => {
    const mod = createUser(db(), { role: 'moderator' })
    const [a, b, c] = [newQuestion(), newQuestion(), newQuestion()]
    closeQuestion(db(), { questionId: b.id, actorId: mod.id, reason: 'duplicate', duplicateOfId: a.id })
    expect(closeQuestion(db(), { questionId: c.id, actorId: mod.id, reason: 'duplicate', duplicateOfId: b.id })).toEqual({
      duplicateOfId: a.id,
    })
    // b and c point at a: closing a as a duplicate of c would make a cycle.
    expect(() => closeQuestion(db(), { questionId: a.id, actorId: mod.id, reason: 'duplicate', duplicateOfId: c.id })).toThrow(
      `Question #${c.id} is already closed as a duplicate of this one.`,
    )
    expect(MAX_DUPLICATE_HOPS).toBeGreaterThan(1)
  })

  test('closing twice is a conflict; reopening clears the reason and the original; reopening twice is a conflict', async () => {
    const original = newQuestion()
    const question = newQuestion()
    const mod = createUser(db(), { role: 'admin' })
    await post(question.id, { intent: 'close', reason: 'duplicate', duplicateOf: String(original.id) }, mod.id)
    expect(await post(question.id, { intent: 'close', reason: 'resolved' }, mod.id)).toMatchObject({
      status: 409,
      body: 'This question is already closed.',
    })
    expect(await post(question.id, { intent: 'reopen' }, createUser(db(), { reputation: 100 }).id)).toMatchObject({ status: 403 })
    expect(await post(question.id, { intent: 'reopen', note: 'Different problem after all.' }, mod.id)).toMatchObject({ status: 302 })
    expect(stateOf(question.id)).toEqual({ status: 'open', closeReason: null, duplicateOfId: null })
    expect(await post(question.id, { intent: 'reopen' }, mod.id)).toMatchObject({ status: 409, body: 'This question is already open.' })
    const actions = db()
      .select({ action: moderationLog.action })
      .from(moderationLog)
      .where(and(eq(moderationLog.targetType, 'question'), eq(moderationLog.targetId, question.id)))
      .all()
    expect(actions.map((a) => a.action)).toEqual(['close', 'reopen'])
    expect(await post(question.id, { intent: 'answer', body: 'Now it takes answers again, fine.' }, createUser(db()).id)).toMatchObject({
      status: 302,
    })
  })
})
