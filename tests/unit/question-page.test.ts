/** The question page's actions, called as a browser would post them: votes, answers, accepting, comments, edits, views. */
import { and, asc, count, eq } from 'drizzle-orm'
import { describe, expect, test } from 'vitest'
import { answers, moderationLog, notifications, postRevisions, postVotes, questions, reputationEvents, users } from '#db/schema'
import { getDb } from '~/lib/db.server'
import { findCounterMismatches } from '~/models/counters.server'
import { getQuestionHistory } from '~/models/question-history.server'
import { recordQuestionView, viewerKeyFor } from '~/models/question-views.server'
import { getQuestionPage } from '~/models/questions.server'
import { action as editAnswerAction } from '~/routes/answers.$answerId_.edit'
import { action as editQuestionAction, loader as editQuestionLoader } from '~/routes/questions.$questionId_.edit'
import { action, loader } from '~/routes/questions.$questionId/route'
import { createTestAnswer, createTestQuestion, createUser } from '#tests/factories'
import { formRequest, getRequest, settle } from '#tests/route-helpers'

const db = () => getDb()

async function post(questionId: number, fields: Record<string, string>, userId?: number) {
  const request = await formRequest(`/questions/${questionId}`, fields, { userId })
  return settle(() => action({ request, params: { questionId: String(questionId) }, context: {} }))
}

async function view(questionId: number, options: { userId?: number; ip?: string; userAgent?: string } = {}) {
  const request = await getRequest(`/questions/${questionId}`, {
    userId: options.userId,
    headers: { 'User-Agent': options.userAgent ?? 'Mozilla/5.0 (X11; Linux x86_64) Firefox/128.0' },
  })
  return settle(() => loader({ request, params: { questionId: String(questionId) }, context: { clientIp: options.ip ?? '10.1.2.3' } }))
}

const scoreOf = (table: typeof questions | typeof answers, id: number) =>
  db().select({ s: table.score }).from(table).where(eq(table.id, id)).get()!.s
const reputationOf = (userId: number) => db().select({ r: users.reputation }).from(users).where(eq(users.id, userId)).get()!.r
const ledgerOf = (userId: number) =>
  db()
    .select({ delta: reputationEvents.delta, reason: reputationEvents.reason })
    .from(reputationEvents)
    .where(eq(reputationEvents.userId, userId))
    .orderBy(asc(reputationEvents.id))
    .all()

function setup() {
  const asker = createUser(db())
  const answerer = createUser(db())
  const question = createTestQuestion(db(), { authorId: asker.id })
  const answer = createTestAnswer(db(), { questionId: question.id, authorId: answerer.id })
  return { asker, answerer, question, answer }
}

describe('votes', () => {
  test('you cannot vote on your own post: 403 at the route, nothing recorded', async () => {
    const { answerer, question, answer } = setup()
    const own = createUser(db(), { reputation: 500 })
    const ownQuestion = createTestQuestion(db(), { authorId: own.id })
    expect(
      await post(ownQuestion.id, { intent: 'vote', target: 'question', targetId: String(ownQuestion.id), value: '1' }, own.id),
    ).toMatchObject({
      status: 403,
      body: 'You cannot upvote your own post.',
    })
    const richAnswerer = createUser(db(), { reputation: 500 })
    const ownAnswer = createTestAnswer(db(), { questionId: question.id, authorId: richAnswerer.id })
    expect(
      await post(question.id, { intent: 'vote', target: 'answer', targetId: String(ownAnswer.id), value: '-1' }, richAnswerer.id),
    ).toMatchObject({
      status: 403,
      body: 'You cannot downvote your own post.',
    })
    expect(
      await post(question.id, { intent: 'vote', target: 'answer', targetId: String(ownAnswer.id), value: '0' }, richAnswerer.id),
    ).toMatchObject({
      status: 403,
    })
    expect(db().select({ n: count() }).from(postVotes).where(eq(postVotes.userId, richAnswerer.id)).get()!.n).toBe(0)
    expect(scoreOf(answers, answer.id)).toBe(0)
    expect(answerer).toBeDefined()
  })

  test('one vote per user per post; each request names the state it wants and the score moves exactly', async () => {
    const { answerer, question, answer } = setup()
    const voter = createUser(db(), { reputation: 200 })
    const vote = (value: string, respond = true) =>
      post(
        question.id,
        { intent: 'vote', target: 'answer', targetId: String(answer.id), value, ...(respond ? { respond: 'data' } : {}) },
        voter.id,
      )
    expect(await vote('1')).toMatchObject({ status: 200, body: { ok: true, value: 1, score: 1 } })
    expect(await vote('1')).toMatchObject({ status: 200, body: { value: 1, score: 1 } }) // a replay changes nothing
    expect(await vote('-1')).toMatchObject({ body: { value: -1, score: -1 } })
    const rows = db()
      .select({ value: postVotes.value })
      .from(postVotes)
      .where(and(eq(postVotes.targetId, answer.id), eq(postVotes.userId, voter.id)))
      .all()
    expect(rows).toEqual([{ value: -1 }])
    // Without JavaScript the form posts and the page redirects back to the answer.
    expect(await vote('0', false)).toMatchObject({ status: 302, location: `/questions/${question.id}#answer-${answer.id}` })
    expect(scoreOf(answers, answer.id)).toBe(0)
    expect(reputationOf(answerer.id)).toBe(1)
    expect(reputationOf(voter.id)).toBe(200)
    expect(findCounterMismatches(db())).toEqual([])
  })

  test('the question takes votes too, and many voters add up', async () => {
    const { question } = setup()
    const voters = Array.from({ length: 4 }, () => createUser(db(), { reputation: 150 }))
    for (const [i, voter] of voters.entries()) {
      await post(question.id, { intent: 'vote', target: 'question', targetId: String(question.id), value: i === 0 ? '-1' : '1' }, voter.id)
    }
    expect(scoreOf(questions, question.id)).toBe(2)
    const page = getQuestionPage(db(), { questionId: question.id, viewerId: voters[0]!.id })
    expect(page.question.viewerVote).toBe(-1)
  })

  test('privileges: 15 reputation to upvote, 125 to downvote, with the reason; anonymous voters log in first', async () => {
    const { question, answer } = setup()
    const newcomer = createUser(db())
    const regular = createUser(db(), { reputation: 20 })
    const fields = (value: string) => ({ intent: 'vote', target: 'answer', targetId: String(answer.id), value })
    expect(await post(question.id, fields('1'), newcomer.id)).toMatchObject({ status: 403, body: 'You need 15 reputation to upvote.' })
    expect(await post(question.id, fields('-1'), regular.id)).toMatchObject({ status: 403, body: 'You need 125 reputation to downvote.' })
    expect(await post(question.id, fields('1'), regular.id)).toMatchObject({ status: 302 })
    const anonymous = await post(question.id, fields('1'))
    expect(anonymous.status).toBe(302)
    expect(anonymous.location).toBe(`/login?redirectTo=${encodeURIComponent(`/questions/${question.id}`)}`)
  })

  test('a post from another question, a bad value or a bad id is refused without a 500', async () => {
    const { question } = setup()
    const other = setup()
    const voter = createUser(db(), { reputation: 200 })
    expect(
      await post(question.id, { intent: 'vote', target: 'answer', targetId: String(other.answer.id), value: '1' }, voter.id),
    ).toMatchObject({ status: 404 })
    expect(await post(question.id, { intent: 'vote', target: 'answer', targetId: 'abc', value: '1' }, voter.id)).toMatchObject({
      status: 400,
    })
    expect(
      await post(question.id, { intent: 'vote', target: 'answer', targetId: String(other.answer.id), value: '2' }, voter.id),
    ).toMatchObject({ status: 400 })
    expect(await post(question.id, { intent: 'vote', target: 'idea', targetId: '1', value: '1' }, voter.id)).toMatchObject({ status: 400 })
    expect(await post(question.id, { intent: 'bogus' }, voter.id)).toMatchObject({ status: 400 })
  })
})

describe('answers', () => {
  test('an answer is posted, the asker is notified, and the page shows it', async () => {
    const { asker, question } = setup()
    const helper = createUser(db())
    const res = await post(question.id, { intent: 'answer', body: 'Go to **Settings → API** and press Regenerate.' }, helper.id)
    expect(res.status).toBe(302)
    const answerId = Number(res.location!.match(/#answer-(\d+)$/)![1])
    const page = getQuestionPage(db(), { questionId: question.id })
    expect(page.answers.map((a) => a.id)).toContain(answerId)
    const notes = db()
      .select({ kind: notifications.kind })
      .from(notifications)
      .where(and(eq(notifications.userId, asker.id), eq(notifications.subjectId, answerId)))
      .all()
    expect(notes).toEqual([{ kind: 'new_answer' }])
  })

  test('a short answer is a 400 with its message, keeping the text', async () => {
    const { question } = setup()
    const res = await post(question.id, { intent: 'answer', body: 'Try again.' }, createUser(db()).id)
    expect(res).toMatchObject({
      status: 400,
      body: { fields: { body: 'Try again.' }, fieldErrors: { body: ['Write at least 20 characters.'] }, intent: 'answer' },
    })
    const long = await post(question.id, { intent: 'answer', body: 'x'.repeat(10_001) }, createUser(db()).id)
    expect(long).toMatchObject({ status: 400, body: { fieldErrors: { body: ['Use at most 10,000 characters.'] } } })
  })

  test('closed and locked questions take no answers (409)', async () => {
    const { question } = setup()
    const locked = setup().question
    db().update(questions).set({ status: 'closed', closeReason: 'off_topic' }).where(eq(questions.id, question.id)).run()
    db().update(questions).set({ lockedAt: new Date() }).where(eq(questions.id, locked.id)).run()
    const body = 'This is a perfectly good answer to the question.'
    expect(await post(question.id, { intent: 'answer', body }, createUser(db()).id)).toMatchObject({
      status: 409,
      body: 'This question is closed; it takes no new answers.',
    })
    expect(await post(locked.id, { intent: 'answer', body }, createUser(db()).id)).toMatchObject({ status: 409 })
    expect(db().select({ n: questions.answerCount }).from(questions).where(eq(questions.id, question.id)).get()!.n).toBe(1)
  })

  test('logged-out visitors are sent to log in', async () => {
    const { question } = setup()
    const res = await post(question.id, { intent: 'answer', body: 'This is a perfectly good answer to the question.' })
    expect(res.status).toBe(302)
    expect(res.location).toMatch(/^\/login\?redirectTo=/)
  })
})

describe('accepting', () => {
  test('one accepted answer per question; switching and un-accepting reverse the ledger; only the asker may', async () => {
    const { asker, answerer, question, answer } = setup()
    const second = createUser(db())
    const other = createTestAnswer(db(), { questionId: question.id, authorId: second.id })
    const accept = (answerId: number, accepted: boolean, userId = asker.id) =>
      post(question.id, { intent: 'accept', answerId: String(answerId), accepted: String(accepted) }, userId)

    expect(await accept(answer.id, true, answerer.id)).toMatchObject({ status: 403, body: 'You cannot accept an answer to this question.' })
    expect(await accept(answer.id, true)).toMatchObject({ status: 302, location: `/questions/${question.id}#answer-${answer.id}` })
    await accept(answer.id, true) // replayed
    await accept(other.id, true)
    const accepted = db()
      .select({ id: answers.id })
      .from(answers)
      .where(and(eq(answers.questionId, question.id), eq(answers.isAccepted, true)))
      .all()
    expect(accepted).toEqual([{ id: other.id }])
    expect(reputationOf(answerer.id)).toBe(1)
    expect(reputationOf(second.id)).toBe(16)

    await accept(answer.id, false) // not the accepted one: nothing happens
    expect(reputationOf(second.id)).toBe(16)
    await accept(other.id, false)
    await accept(other.id, false) // replayed
    expect(
      db().select({ a: questions.acceptedAnswerId, u: questions.isUnanswered }).from(questions).where(eq(questions.id, question.id)).get(),
    ).toEqual({
      a: null,
      u: true,
    })
    expect(ledgerOf(second.id)).toEqual([
      { delta: 15, reason: 'answer_accepted' },
      { delta: -15, reason: 'answer_accepted' },
    ])
    expect(ledgerOf(asker.id).map((e) => e.delta)).toEqual([2, -2, 2, -2])
    expect(reputationOf(asker.id)).toBe(1)
    expect(findCounterMismatches(db())).toEqual([])
  })
})

describe('comments', () => {
  test('a comment on an answer notifies its author; short ones get 400; privileges apply', async () => {
    const { asker, answerer, question, answer } = setup()
    const newcomer = createUser(db())
    const commenter = createUser(db(), { reputation: 15 })
    const fields = (body: string, target = 'answer', targetId = answer.id) => ({
      intent: 'comment',
      target,
      targetId: String(targetId),
      body,
    })
    expect(await post(question.id, fields('x'), commenter.id)).toMatchObject({
      status: 400,
      body: { fields: { body: 'x' }, fieldErrors: { body: ['Write at least 2 characters.'] }, formKey: `answer-${answer.id}` },
    })
    expect(await post(question.id, fields('y'.repeat(601)), commenter.id)).toMatchObject({ status: 400 })
    expect(await post(question.id, fields('Which version are you on?'), newcomer.id)).toMatchObject({
      status: 403,
      body: 'You need 15 reputation to comment on answers.',
    })
    const res = await post(question.id, fields('Which version are you on?'), commenter.id)
    expect(res.status).toBe(302)
    const commentId = Number(res.location!.match(/#comment-(\d+)$/)![1])
    const notes = db()
      .select({ userId: notifications.userId, kind: notifications.kind })
      .from(notifications)
      .where(and(eq(notifications.subjectType, 'comment'), eq(notifications.subjectId, commentId)))
      .all()
    expect(notes).toEqual([{ userId: answerer.id, kind: 'comment' }])
    // The asker may always comment on their own question, whatever their reputation.
    expect(await post(question.id, fields('Thanks, that worked!', 'question', question.id), asker.id)).toMatchObject({ status: 302 })
    const page = getQuestionPage(db(), { questionId: question.id })
    expect(page.answers.find((a) => a.id === answer.id)!.comments.map((c) => c.id)).toEqual([commentId])
    expect(page.question.comments).toHaveLength(1)
    expect(findCounterMismatches(db())).toEqual([])
  })
})

describe('official answers', () => {
  test('staff mark an answer official and the moderation log records it; members cannot', async () => {
    const { question, answer } = setup()
    const member = createUser(db(), { reputation: 5000 })
    const mod = createUser(db(), { role: 'moderator' })
    const fields = { intent: 'official', answerId: String(answer.id), official: 'true' }
    expect(await post(question.id, fields, member.id)).toMatchObject({ status: 403, body: 'Only moderators can mark answers official.' })
    expect(await post(question.id, fields, mod.id)).toMatchObject({ status: 302 })
    expect(db().select({ o: answers.isOfficial }).from(answers).where(eq(answers.id, answer.id)).get()!.o).toBe(true)
    const log = db()
      .select()
      .from(moderationLog)
      .where(and(eq(moderationLog.targetType, 'answer'), eq(moderationLog.targetId, answer.id)))
      .all()
    expect(log).toMatchObject([{ actorId: mod.id, action: 'mark_official', before: { isOfficial: false }, after: { isOfficial: true } }])
  })
})

describe('edits', () => {
  test('the author edits their question; the old version is kept and the page says it was edited', async () => {
    const { asker, question } = setup()
    const edit = async (fields: Record<string, string>, userId: number) => {
      const request = await formRequest(`/questions/${question.id}/edit`, fields, { userId })
      return settle(() => editQuestionAction({ request, params: { questionId: String(question.id) }, context: {} }))
    }
    const before = db()
      .select({ title: questions.title, bodyMd: questions.bodyMd })
      .from(questions)
      .where(eq(questions.id, question.id))
      .get()!
    expect(await edit({ title: 'Too short', body: 'b' }, asker.id)).toMatchObject({
      status: 400,
      body: {
        fields: { title: 'Too short' },
        fieldErrors: { title: ['Write at least 15 characters.'], body: ['Write at least 30 characters.'] },
      },
    })
    expect(
      await edit({ title: 'How do I rotate my API key safely?', body: 'Tried everything.'.padEnd(40, '.') }, createUser(db()).id),
    ).toMatchObject({
      status: 403,
      body: 'You need 2000 reputation to edit this question.',
    })
    const res = await edit(
      {
        title: 'How do I rotate my API key safely?',
        body: '<script>x</script> I tried **everything** in the dashboard.',
        reason: 'clearer title',
      },
      asker.id,
    )
    expect(res).toMatchObject({ status: 302, location: `/questions/${question.id}` })
    const revisions = db()
      .select()
      .from(postRevisions)
      .where(and(eq(postRevisions.targetType, 'question'), eq(postRevisions.targetId, question.id)))
      .all()
    expect(revisions).toMatchObject([{ title: before.title, bodyMd: before.bodyMd, editorId: asker.id, reason: 'clearer title' }])
    const page = getQuestionPage(db(), { questionId: question.id })
    expect(page.question.title).toBe('How do I rotate my API key safely?')
    expect(page.question.bodyHtml).not.toContain('<script')
    expect(page.question.editedAt).toBeInstanceOf(Date)
    const history = getQuestionHistory(db(), question.id)
    expect(history.question.revisions.map((r) => r.title)).toEqual([before.title])
    // An editor with 2000 reputation may edit others' questions too.
    const editor = createUser(db(), { reputation: 2000 })
    const request = await getRequest(`/questions/${question.id}/edit`, { userId: editor.id })
    expect(await settle(() => editQuestionLoader({ request, params: { questionId: String(question.id) }, context: {} }))).toMatchObject({
      status: 200,
    })
  })

  test('the author edits their answer; a locked question refuses edits with 409', async () => {
    const { answerer, question, answer } = setup()
    const edit = async (body: string) => {
      const request = await formRequest(`/answers/${answer.id}/edit`, { body }, { userId: answerer.id })
      return settle(() => editAnswerAction({ request, params: { answerId: String(answer.id) }, context: {} }))
    }
    expect(await edit('Open Settings, then API, then press Regenerate.')).toMatchObject({
      status: 302,
      location: `/questions/${question.id}#answer-${answer.id}`,
    })
    expect(getQuestionPage(db(), { questionId: question.id }).answers[0]!.editedAt).toBeInstanceOf(Date)
    db().update(questions).set({ lockedAt: new Date() }).where(eq(questions.id, question.id)).run()
    expect(await edit('Something else entirely, long enough.')).toMatchObject({ status: 409 })
  })
})

describe('view counting', () => {
  const viewsOf = (questionId: number) =>
    db().select({ v: questions.viewCount }).from(questions).where(eq(questions.id, questionId)).get()!.v

  test('reloads by the same viewer on the same day count once; another day counts again', async () => {
    const { question } = setup()
    const reader = createUser(db())
    await view(question.id, { userId: reader.id })
    await view(question.id, { userId: reader.id })
    await view(question.id, { userId: reader.id, ip: '10.9.9.9' }) // a member is one viewer wherever they are
    expect(viewsOf(question.id)).toBe(1)
    const tomorrow = new Date(Date.now() + 86_400_000)
    expect(recordQuestionView(db(), { questionId: question.id, viewerKey: `u:${reader.id}`, now: tomorrow })).toBe(true)
    expect(recordQuestionView(db(), { questionId: question.id, viewerKey: `u:${reader.id}`, now: tomorrow })).toBe(false)
    expect(viewsOf(question.id)).toBe(2)
  })

  test('visitors count by address and browser; crawlers do not count; the page shows the new count', async () => {
    const { question } = setup()
    const first = await view(question.id, { ip: '10.0.0.1' })
    expect((first.body as { question: { viewCount: number } }).question.viewCount).toBe(1)
    await view(question.id, { ip: '10.0.0.1' })
    await view(question.id, { ip: '10.0.0.2' })
    await view(question.id, { ip: '10.0.0.2', userAgent: 'Googlebot/2.1 (+http://www.google.com/bot.html)' })
    expect(viewsOf(question.id)).toBe(2)
    expect(viewerKeyFor({ userId: null, ip: '10.0.0.1', userAgent: 'Mozilla/5.0 Firefox/128.0' })).toMatch(/^a:[\w-]{22}$/)
  })

  test('hidden questions are a 404 and count no view', async () => {
    const { question } = setup()
    db().update(questions).set({ hiddenAt: new Date() }).where(eq(questions.id, question.id)).run()
    expect(await view(question.id)).toMatchObject({ status: 404 })
    expect(viewsOf(question.id)).toBe(0)
  })
})
