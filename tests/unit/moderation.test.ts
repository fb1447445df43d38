/**
 * Moderation rules: post actions and their log, locks, suspensions, roles, pre-moderation, the
 * log's filters, member search, and the posting limits (with exact numbers).
 */
import { and, eq } from 'drizzle-orm'
import { describe, expect, test } from 'vitest'
import { answers, ideas, moderationLog, questions, users } from '#db/schema'
import { getDb } from '~/lib/db.server'
import { DomainError } from '~/lib/errors'
import { addComment } from '~/models/comments.server'
import { createAnswer, updateAnswer } from '~/models/answers.server'
import { listPendingPosts } from '~/models/flags.server'
import { getIdeaPage } from '~/models/ideas.server'
import { listModerationLog } from '~/models/moderation-log.server'
import { changeUserRole, decidePendingPosts, moderatePost, searchUsers, suspendUser, unsuspendUser } from '~/models/moderation.server'
import { updateQuestion } from '~/models/questions.server'
import { setSetting } from '~/models/settings.server'
import { setIdeaVote, setPostVote } from '~/models/votes.server'
import { action as loginAction } from '~/routes/login'
import { action as newIdeaAction, loader as newIdeaLoader } from '~/routes/ideas.new'
import { action as questionAction } from '~/routes/questions.$questionId/route'
import { action as ideaAction } from '~/routes/ideas.$ideaId/route'
import { createTestIdea, createTestQuestion, createUser, unique } from '#tests/factories'
import { formRequest, getRequest, settle } from '#tests/route-helpers'

const db = () => getDb()
const DAY = 86_400_000

function errorOf(fn: () => unknown) {
  try {
    fn()
  } catch (error) {
    if (error instanceof DomainError) return { status: error.status, message: error.message }
    throw error
  }
  return null
}

describe('post actions', () => {
  test('hide, restore, delete: each logged with before and after; a repeat is 409', () => {
    const mod = createUser(db(), { role: 'moderator' })
    const idea = createTestIdea(db(), { authorId: createUser(db()).id })
    const target = { type: 'idea', id: idea.id } as const
    moderatePost(db(), { actorId: mod.id, target, action: 'hide', reason: 'Off-topic rant' })
    expect(errorOf(() => moderatePost(db(), { actorId: mod.id, target, action: 'hide' }))?.status).toBe(409)
    moderatePost(db(), { actorId: mod.id, target, action: 'restore' })
    moderatePost(db(), { actorId: mod.id, target, action: 'delete' })
    const log = db()
      .select()
      .from(moderationLog)
      .where(and(eq(moderationLog.targetType, 'idea'), eq(moderationLog.targetId, idea.id)))
      .orderBy(moderationLog.id)
      .all()
    expect(log.map((l) => l.action)).toEqual(['hide_post', 'restore_post', 'delete_post'])
    expect(log[0]).toMatchObject({
      reason: 'Off-topic rant',
      before: { hidden: false },
      after: { hidden: true, hiddenReason: 'moderator' },
    })
    expect(log[2]).toMatchObject({ before: { deleted: false }, after: { deleted: true } })
    expect(errorOf(() => getIdeaPage(db(), { ideaId: idea.id, staffView: true }))?.status).toBe(404)
  })

  test('a lock stops votes, comments and answers with 409 “locked”; unlocking opens them again', () => {
    const mod = createUser(db(), { role: 'moderator' })
    const member = createUser(db(), { reputation: 200 })
    const idea = createTestIdea(db(), { authorId: createUser(db()).id })
    const question = createTestQuestion(db(), { authorId: createUser(db()).id })
    const earlier = createAnswer(db(), {
      questionId: question.id,
      authorId: createUser(db()).id,
      bodyMd: 'An answer from before the lock.',
    })
    moderatePost(db(), { actorId: mod.id, target: { type: 'idea', id: idea.id }, action: 'lock' })
    moderatePost(db(), { actorId: mod.id, target: { type: 'question', id: question.id }, action: 'lock' })
    const ideaVote = errorOf(() => setIdeaVote(db(), { ideaId: idea.id, userId: member.id, voted: true }))
    expect(ideaVote).toMatchObject({ status: 409, message: expect.stringMatching(/locked/) })
    expect(
      errorOf(() => addComment(db(), { target: { type: 'idea', id: idea.id }, authorId: member.id, bodyMd: 'Hello there' })),
    ).toMatchObject({ status: 409, message: expect.stringMatching(/locked/) })
    expect(errorOf(() => setPostVote(db(), { targetType: 'question', targetId: question.id, userId: member.id, value: 1 }))).toMatchObject({
      status: 409,
      message: expect.stringMatching(/locked/),
    })
    expect(errorOf(() => setPostVote(db(), { targetType: 'answer', targetId: earlier.id, userId: member.id, value: 1 }))).toMatchObject({
      status: 409,
      message: expect.stringMatching(/locked/),
    })
    expect(
      errorOf(() => createAnswer(db(), { questionId: question.id, authorId: member.id, bodyMd: 'Try turning it off.' })),
    ).toMatchObject({ status: 409, message: expect.stringMatching(/locked/) })
    expect(
      errorOf(() => addComment(db(), { target: { type: 'question', id: question.id }, authorId: member.id, bodyMd: 'Same here' })),
    ).toMatchObject({ status: 409 })
    expect(errorOf(() => moderatePost(db(), { actorId: mod.id, target: { type: 'answer', id: earlier.id }, action: 'lock' }))?.status).toBe(
      409,
    )
    moderatePost(db(), { actorId: mod.id, target: { type: 'idea', id: idea.id }, action: 'unlock' })
    expect(setIdeaVote(db(), { ideaId: idea.id, userId: member.id, voted: true }).voted).toBe(true)
  })
})

describe('members', () => {
  test('suspension: logged; a moderator cannot suspend staff or themself; unsuspend clears it', () => {
    const mod = createUser(db(), { role: 'moderator' })
    const member = createUser(db())
    const actor = { id: mod.id, role: 'moderator' as const }
    suspendUser(db(), { actor, userId: member.id, until: new Date(Date.now() + 3 * DAY), reason: 'Spam links' })
    expect(db().select({ r: users.suspensionReason }).from(users).where(eq(users.id, member.id)).get()!.r).toBe('Spam links')
    expect(errorOf(() => suspendUser(db(), { actor, userId: mod.id, until: new Date(Date.now() + DAY), reason: 'x' }))?.status).toBe(403)
    const admin = createUser(db(), { role: 'admin' })
    expect(errorOf(() => suspendUser(db(), { actor, userId: admin.id, until: new Date(Date.now() + DAY), reason: 'x' }))?.status).toBe(403)
    unsuspendUser(db(), { actor, userId: member.id })
    expect(errorOf(() => unsuspendUser(db(), { actor, userId: member.id }))?.status).toBe(409)
    const about = listModerationLog(db(), { targetUserId: member.id }).items.map((e) => e.action)
    expect(about).toEqual(['unsuspend_user', 'suspend_user'])
  })

  test('a suspended member sees the reason at login, and cannot post, vote or flag', async () => {
    const member = createUser(db(), {
      reputation: 100,
      suspendedUntil: new Date(Date.now() + 2 * DAY),
      suspensionReason: 'Repeated insults',
    })
    const login = await settle(async () =>
      loginAction({
        request: await formRequest('/login', { identifier: member.username, password: member.password, redirectTo: '/' }),
        params: {},
        context: { clientIp: unique('10.9.') },
      }),
    )
    expect(login.status).toBe(200)
    expect(login.headers.get('Set-Cookie')).toMatch(/summit_session=/)
    expect(login.body).toMatchObject({ suspended: { reason: 'Repeated insults' } })
    const page = await settle(async () =>
      newIdeaLoader({ request: await getRequest('/ideas/new', { userId: member.id }), params: {}, context: {} }),
    )
    expect(page.status).toBe(403)
    expect(page.body).toMatch(/Your account is suspended until \d{4}-\d{2}-\d{2}\. Reason: Repeated insults/)
    const idea = createTestIdea(db(), { authorId: createUser(db()).id })
    const comment = await settle(async () =>
      ideaAction({
        request: await formRequest(`/ideas/${idea.id}`, { intent: 'comment', body: 'Hello there' }, { userId: member.id }),
        params: { ideaId: String(idea.id) },
        context: {},
      }),
    )
    expect(comment.status).toBe(403)
    const question = createTestQuestion(db(), { authorId: createUser(db()).id })
    const vote = await settle(async () =>
      questionAction({
        request: await formRequest(
          `/questions/${question.id}`,
          { intent: 'vote', target: 'question', targetId: String(question.id), value: '1' },
          { userId: member.id },
        ),
        params: { questionId: String(question.id) },
        context: {},
      }),
    )
    expect(vote.status).toBe(403)
    expect(vote.body).toMatch(/Repeated insults/)
  })

  test('the last admin cannot step down (409); with another admin they can', () => {
    const admins = db().select({ id: users.id }).from(users).where(eq(users.role, 'admin')).all()
    for (const a of admins) db().update(users).set({ role: 'member' }).where(eq(users.id, a.id)).run()
    const only = createUser(db(), { role: 'admin' })
    const actor = { id: only.id, role: 'admin' as const }
    expect(errorOf(() => changeUserRole(db(), { actor, userId: only.id, role: 'member' }))).toMatchObject({ status: 409 })
    const second = createUser(db(), { role: 'admin' })
    changeUserRole(db(), { actor, userId: only.id, role: 'member' })
    expect(db().select({ role: users.role }).from(users).where(eq(users.id, only.id)).get()!.role).toBe('member')
    expect(second.role).toBe('admin')
  })

  test('search escapes LIKE wildcards and pages by keyset', () => {
    const tag = unique('srch')
    const made = [1, 2, 3].map((i) => createUser(db(), { username: `${tag}_${i}`, displayName: `Finder ${tag} ${i}` }))
    createUser(db(), { username: unique('other'), displayName: '100% sure' })
    expect(
      searchUsers(db(), { query: '%' }).items.every(
        (u) => u.displayName.includes('%') || u.email.includes('%') || u.username.includes('%'),
      ),
    ).toBe(true)
    const first = searchUsers(db(), { query: tag.toUpperCase(), pageSize: 2 })
    expect(first.items.map((u) => u.id)).toEqual([made[2]!.id, made[1]!.id])
    expect(first.nextCursor).not.toBeNull()
    const second = searchUsers(db(), { query: tag, pageSize: 2, cursor: { sort: made[1]!.id, id: made[1]!.id } })
    expect(second.items.map((u) => u.id)).toEqual([made[0]!.id])
  })
})

describe('pre-moderation', () => {
  test('a new member’s first post waits, the author sees it, approving publishes it, rejecting deletes', () => {
    setSetting(db(), 'premoderation', { enabled: true, firstPosts: 1 })
    try {
      const mod = createUser(db(), { role: 'moderator' })
      const newbie = createUser(db())
      const idea = createTestIdea(db(), { authorId: newbie.id })
      const row = () =>
        db().select({ hiddenReason: ideas.hiddenReason, deletedAt: ideas.deletedAt }).from(ideas).where(eq(ideas.id, idea.id)).get()!
      expect(row().hiddenReason).toBe('premoderation')
      expect(listPendingPosts(db(), { limit: 1000 }).map((p) => p.key)).toContain(`idea:${idea.id}`)
      expect(errorOf(() => getIdeaPage(db(), { ideaId: idea.id, viewerId: mod.id }))?.status).toBe(404)
      expect(errorOf(() => getIdeaPage(db(), { ideaId: idea.id, viewerId: newbie.id }))).toBeNull()
      // The second post of the same member is published at once.
      const question = createTestQuestion(db(), { authorId: newbie.id })
      expect(db().select({ h: questions.hiddenReason }).from(questions).where(eq(questions.id, question.id)).get()!.h).toBeNull()
      decidePendingPosts(db(), { actorId: mod.id, targets: [{ type: 'idea', id: idea.id }], approve: true })
      expect(row().hiddenReason).toBeNull()
      const other = createUser(db())
      const answer = createAnswer(db(), { questionId: question.id, authorId: other.id, bodyMd: 'Have you tried the settings page?' })
      expect(db().select({ h: answers.hiddenReason }).from(answers).where(eq(answers.id, answer.id)).get()!.h).toBe('premoderation')
      decidePendingPosts(db(), { actorId: mod.id, targets: [{ type: 'answer', id: answer.id }], approve: false })
      expect(db().select({ d: answers.deletedAt }).from(answers).where(eq(answers.id, answer.id)).get()!.d).not.toBeNull()
      // Staff never wait.
      const staffIdea = createTestIdea(db(), { authorId: createUser(db(), { role: 'product' }).id })
      expect(db().select({ h: ideas.hiddenReason }).from(ideas).where(eq(ideas.id, staffIdea.id)).get()!.h).toBeNull()
    } finally {
      setSetting(db(), 'premoderation', { enabled: false, firstPosts: 1 })
    }
  })
})

describe('posting limits', () => {
  test('a new member’s 4th idea in a day is 429 and the form keeps its text', async () => {
    const member = createUser(db())
    const ip = unique('10.1.')
    const post = async (title: string) =>
      settle(async () =>
        newIdeaAction({
          request: await formRequest(
            '/ideas/new',
            { intent: 'post', title, body: 'It would help our whole team a lot.', categoryId: '', tags: '' },
            { userId: member.id },
          ),
          params: {},
          context: { clientIp: ip },
        }),
      )
    // Ideas need a category once any exists: post into none only if there are none.
    const categories = (
      await settle(async () => newIdeaLoader({ request: await getRequest('/ideas/new', { userId: member.id }), params: {}, context: {} }))
    ).body as {
      categories: Array<{ id: number }>
    }
    expect(categories.categories).toEqual([])
    for (let i = 1; i <= 3; i++) expect((await post(`Export number ${i} of the weekly report`)).status).toBe(302)
    const fourth = await post('A fourth idea typed with care today')
    expect(fourth.status).toBe(429)
    expect(fourth.headers.get('Retry-After')).toMatch(/^\d+$/)
    expect(fourth.body).toMatchObject({
      fields: { title: 'A fourth idea typed with care today', body: 'It would help our whole team a lot.' },
      formErrors: [expect.stringMatching(/^You can post 3 ideas a day while your account is new\./)],
    })
  })

  test('a new member’s 11th comment in a day is 429 with the text kept; a settled member goes on', async () => {
    const fresh = createUser(db())
    const settled = createUser(db(), { reputation: 50, createdAt: new Date(Date.now() - 30 * DAY) })
    const idea = createTestIdea(db(), { authorId: createUser(db()).id })
    const comment = async (userId: number, body: string) =>
      settle(async () =>
        ideaAction({
          request: await formRequest(`/ideas/${idea.id}`, { intent: 'comment', body }, { userId }),
          params: { ideaId: String(idea.id) },
          context: { clientIp: unique('10.2.') },
        }),
      )
    for (let i = 1; i <= 10; i++) expect((await comment(fresh.id, `Comment number ${i}`)).status).toBe(302)
    const eleventh = await comment(fresh.id, 'The eleventh comment')
    expect(eleventh).toMatchObject({
      status: 429,
      body: {
        intent: 'comment',
        fields: { body: 'The eleventh comment' },
        formErrors: [expect.stringMatching(/10 comments a day while your account is new/)],
      },
    })
    for (let i = 1; i <= 11; i++) expect((await comment(settled.id, `Settled comment ${i}`)).status).toBe(302)
  })

  test('a new member’s 11th answer in a day is 429; posts per address are capped at 60 an hour', async () => {
    const fresh = createUser(db())
    const ip = unique('10.3.')
    const answer = async (userId: number, questionId: number, clientIp = unique('10.4.')) =>
      settle(async () =>
        questionAction({
          request: await formRequest(
            `/questions/${questionId}`,
            { intent: 'answer', body: 'Open the settings page and look there.' },
            { userId },
          ),
          params: { questionId: String(questionId) },
          context: { clientIp },
        }),
      )
    const asker = createUser(db())
    const question = createTestQuestion(db(), { authorId: asker.id })
    for (let i = 1; i <= 10; i++) expect((await answer(fresh.id, question.id)).status).toBe(302)
    const eleventh = await answer(fresh.id, question.id)
    expect(eleventh).toMatchObject({ status: 429, body: { intent: 'answer', fields: { body: 'Open the settings page and look there.' } } })
    // 60 posts an hour from one address, whoever posts them.
    for (let i = 0; i < 6; i++) {
      const member = createUser(db(), { reputation: 50, createdAt: new Date(Date.now() - 30 * DAY) })
      for (let j = 0; j < 10; j++) expect((await answer(member.id, question.id, ip)).status).toBe(302)
    }
    const other = createUser(db(), { reputation: 50, createdAt: new Date(Date.now() - 30 * DAY) })
    const refused = await answer(other.id, question.id, ip)
    expect(refused.status).toBe(429)
    expect(refused.body).toMatchObject({ formErrors: [expect.stringMatching(/60 posts an hour come from one address/)] })
  })
})

describe('edits with a reason', () => {
  test('a moderator’s edit of someone else’s idea, question or answer is logged with its reason', async () => {
    const mod = createUser(db(), { role: 'moderator' })
    const idea = createTestIdea(db(), { authorId: createUser(db()).id })
    const res = await settle(async () =>
      ideaAction({
        request: await formRequest(
          `/ideas/${idea.id}`,
          { intent: 'edit-idea', title: 'A clearer title for this idea', categoryId: '', tags: '', reason: 'Clearer title' },
          { userId: mod.id },
        ),
        params: { ideaId: String(idea.id) },
        context: {},
      }),
    )
    expect(res.status).toBe(302)
    const question = createTestQuestion(db(), { authorId: createUser(db()).id })
    const editor = createUser(db(), { reputation: 2500 })
    updateQuestion(db(), {
      questionId: question.id,
      editorId: editor.id,
      title: 'How do I rotate my API key safely?',
      bodyMd: 'Fixed the wording.',
      reason: 'Typos',
    })
    const answer = createAnswer(db(), { questionId: question.id, authorId: createUser(db()).id, bodyMd: 'Go to settings.' })
    updateAnswer(db(), { answerId: answer.id, editorId: mod.id, bodyMd: 'Go to **Settings → API**.', reason: 'Formatting' })
    const entries = (action: string) => listModerationLog(db(), { action }).items
    expect(entries('edit_idea').find((e) => e.targetId === idea.id)).toMatchObject({
      reason: 'Clearer title',
      after: { title: 'A clearer title for this idea' },
    })
    expect(entries('edit_question').find((e) => e.targetId === question.id)).toMatchObject({
      reason: 'Typos',
      before: { bodyMd: 'I cannot find the setting anywhere in the dashboard.' },
    })
    expect(entries('edit_answer').find((e) => e.targetId === answer.id)).toMatchObject({
      reason: 'Formatting',
      after: { bodyMd: 'Go to **Settings → API**.' },
    })
  })
})
