/** Flags: who may flag what, the open-flag cap, auto-hide at three, and the queue's decisions. */
import { and, eq } from 'drizzle-orm'
import { describe, expect, test } from 'vitest'
import { flags, ideas, moderationLog, notifications, reputationEvents, users } from '#db/schema'
import { getDb } from '~/lib/db.server'
import { DomainError } from '~/lib/errors'
import { findReputationMismatches } from '~/models/reputation.server'
import { AUTO_HIDE_FLAGS, decideFlags, flagPost, listFlagQueue, MAX_OPEN_FLAGS } from '~/models/flags.server'
import { moderatePost } from '~/models/moderation.server'
import { listIdeas } from '~/models/idea-lists.server'
import { getIdeaPage } from '~/models/ideas.server'
import { getQuestionPage } from '~/models/questions.server'
import { search } from '~/models/search.server'
import { action as flagAction, loader as flagLoader } from '~/routes/flag'
import { createTestAnswer, createTestComment, createTestIdea, createTestQuestion, createUser, unique } from '#tests/factories'
import { formRequest, getRequest, settle } from '#tests/route-helpers'

const db = () => getDb()
const flagger = () => createUser(db(), { reputation: 20 })

function statusOf(fn: () => unknown) {
  try {
    fn()
  } catch (error) {
    if (error instanceof DomainError) return error.status
    throw error
  }
  return 'ok'
}

function threeFlags(target: { type: 'idea' | 'question' | 'answer' | 'comment'; id: number }) {
  const results = [flagger(), flagger(), flagger()].map((u) => flagPost(db(), { userId: u.id, target, reason: 'spam' }))
  return results.at(-1)!
}

describe('flagging', () => {
  test('a second flag on the same post is 409, one’s own post is 403, a missing post is 404', () => {
    const author = createUser(db())
    const idea = createTestIdea(db(), { authorId: author.id })
    const u = flagger()
    expect(flagPost(db(), { userId: u.id, target: { type: 'idea', id: idea.id }, reason: 'rude' })).toEqual({ pending: 1, hidden: false })
    expect(statusOf(() => flagPost(db(), { userId: u.id, target: { type: 'idea', id: idea.id }, reason: 'spam' }))).toBe(409)
    expect(statusOf(() => flagPost(db(), { userId: author.id, target: { type: 'idea', id: idea.id }, reason: 'spam' }))).toBe(403)
    expect(statusOf(() => flagPost(db(), { userId: u.id, target: { type: 'idea', id: 999_999 }, reason: 'spam' }))).toBe(404)
  })

  test(`at most ${MAX_OPEN_FLAGS} pending flags per member: the 11th is 409`, () => {
    const u = flagger()
    const author = createUser(db())
    for (let i = 0; i < MAX_OPEN_FLAGS; i++) {
      const idea = createTestIdea(db(), { authorId: author.id })
      flagPost(db(), { userId: u.id, target: { type: 'idea', id: idea.id }, reason: 'spam' })
    }
    const eleventh = createTestIdea(db(), { authorId: author.id })
    expect(statusOf(() => flagPost(db(), { userId: u.id, target: { type: 'idea', id: eleventh.id }, reason: 'spam' }))).toBe(409)
  })

  test(`${AUTO_HIDE_FLAGS} distinct pending flags hide the idea: gone from lists, pages and search for others, shown marked to its author`, () => {
    const word = unique('zebrafish')
    const author = createUser(db())
    const idea = createTestIdea(db(), { authorId: author.id, title: `Please add ${word} mode to reports` })
    const [a, b] = [flagger(), flagger()]
    expect(flagPost(db(), { userId: a.id, target: { type: 'idea', id: idea.id }, reason: 'spam' }).hidden).toBe(false)
    expect(flagPost(db(), { userId: b.id, target: { type: 'idea', id: idea.id }, reason: 'rude' }).hidden).toBe(false)
    expect(
      search(db(), { q: word })
        .hits.filter((h) => h.type === 'idea')
        .map((h) => h.id),
    ).toContain(idea.id)
    expect(flagPost(db(), { userId: flagger().id, target: { type: 'idea', id: idea.id }, reason: 'off_topic' })).toEqual({
      pending: 3,
      hidden: true,
    })
    const row = db().select({ hiddenAt: ideas.hiddenAt, hiddenReason: ideas.hiddenReason }).from(ideas).where(eq(ideas.id, idea.id)).get()!
    expect(row.hiddenReason).toBe('flags')
    expect(statusOf(() => getIdeaPage(db(), { ideaId: idea.id, viewerId: a.id }))).toBe(404)
    expect(statusOf(() => getIdeaPage(db(), { ideaId: idea.id, viewerId: null }))).toBe(404)
    const own = getIdeaPage(db(), { ideaId: idea.id, viewerId: author.id })
    expect('idea' in own && own.idea?.hiddenReason).toBe('flags')
    expect(statusOf(() => getIdeaPage(db(), { ideaId: idea.id, staffView: true }))).toBe('ok')
    expect(listIdeas(db(), { sort: 'new', pageSize: 100 }).items.map((i) => i.id)).not.toContain(idea.id)
    expect(
      search(db(), { q: word })
        .hits.filter((h) => h.type === 'idea')
        .map((h) => h.id),
    ).not.toContain(idea.id)
  })

  test('a hidden comment on an idea disappears for others and stays, marked, for its author and staff', () => {
    const idea = createTestIdea(db(), { authorId: createUser(db()).id })
    const commenter = createUser(db())
    const comment = createTestComment(db(), { target: { type: 'idea', id: idea.id }, authorId: commenter.id })
    threeFlags({ type: 'comment', id: comment.id })
    const ids = (viewerId: number | null, staffView = false) => {
      const page = getIdeaPage(db(), { ideaId: idea.id, viewerId, staffView })
      return 'comments' in page ? page.comments!.map((c) => [c.id, c.hiddenReason]) : []
    }
    expect(ids(null)).toEqual([])
    expect(ids(commenter.id)).toEqual([[comment.id, 'flags']])
    expect(ids(null, true)).toEqual([[comment.id, 'flags']])
  })

  test('hidden answers and comments disappear from the question page except for their author', () => {
    const asker = createUser(db())
    const question = createTestQuestion(db(), { authorId: asker.id })
    const answerer = createUser(db())
    const answer = createTestAnswer(db(), { questionId: question.id, authorId: answerer.id })
    const commenter = createUser(db())
    const comment = createTestComment(db(), { target: { type: 'question', id: question.id }, authorId: commenter.id })
    threeFlags({ type: 'answer', id: answer.id })
    threeFlags({ type: 'comment', id: comment.id })
    const forOthers = getQuestionPage(db(), { questionId: question.id, viewerId: asker.id })
    expect(forOthers.answers).toHaveLength(0)
    expect(forOthers.question.comments).toHaveLength(0)
    expect(getQuestionPage(db(), { questionId: question.id, viewerId: answerer.id }).answers[0]?.hiddenReason).toBe('flags')
    expect(getQuestionPage(db(), { questionId: question.id, viewerId: commenter.id }).question.comments[0]?.hiddenReason).toBe('flags')
  })

  test('the flag route: "other" needs a text (400, text kept); a member below 15 reputation is 403', async () => {
    const idea = createTestIdea(db(), { authorId: createUser(db()).id })
    const u = flagger()
    const bad = await settle(async () =>
      flagAction({
        request: await formRequest('/flag', { type: 'idea', id: String(idea.id), reason: 'other', text: 'x' }, { userId: u.id }),
        params: {},
        context: {},
      }),
    )
    expect(bad).toMatchObject({
      status: 400,
      body: { fields: { text: 'x' }, fieldErrors: { text: ['Say what is wrong with this post.'] } },
    })
    const low = createUser(db(), { reputation: 5 })
    const refused = await settle(async () =>
      flagAction({
        request: await formRequest('/flag', { type: 'idea', id: String(idea.id), reason: 'spam' }, { userId: low.id }),
        params: {},
        context: {},
      }),
    )
    expect(refused.status).toBe(403)
    const ok = await settle(async () =>
      flagAction({
        request: await formRequest('/flag', { type: 'idea', id: String(idea.id), reason: 'spam' }, { userId: u.id }),
        params: {},
        context: {},
      }),
    )
    expect(ok.status).toBe(302)
    expect(ok.location).toBe(`/flag?type=idea&id=${idea.id}&done=1`)
  })

  test('a new member’s 6th flag in a day is 429 and the flag form keeps its text', async () => {
    const u = createUser(db(), { reputation: 20 }) // joined today: new-member limits
    const author = createUser(db())
    const flag = async (ideaId: number, text: string) =>
      settle(async () =>
        flagAction({
          request: await formRequest('/flag', { type: 'idea', id: String(ideaId), reason: 'other', text }, { userId: u.id }),
          params: {},
          context: { clientIp: unique('10.7.') },
        }),
      )
    for (let i = 1; i <= 5; i++)
      expect((await flag(createTestIdea(db(), { authorId: author.id }).id, `Looks like spam ${i}`)).status).toBe(302)
    const sixth = await flag(createTestIdea(db(), { authorId: author.id }).id, 'The sixth report')
    expect(sixth).toMatchObject({
      status: 429,
      body: {
        fields: { text: 'The sixth report', reason: 'other' },
        formErrors: [expect.stringMatching(/^You can send 5 flags a day while your account is new\./)],
      },
    })
  })

  test('a suspended member cannot flag: 403 with the reason', async () => {
    const idea = createTestIdea(db(), { authorId: createUser(db()).id })
    const u = createUser(db(), { reputation: 50, suspendedUntil: new Date(Date.now() + 86_400_000), suspensionReason: 'Spamming flags' })
    const res = await settle(async () =>
      flagAction({
        request: await formRequest('/flag', { type: 'idea', id: String(idea.id), reason: 'spam' }, { userId: u.id }),
        params: {},
        context: {},
      }),
    )
    expect(res.status).toBe(403)
    expect(res.body).toMatch(/suspended until .*Reason: Spamming flags/)
  })
})

describe('the queue and its decisions', () => {
  test('the queue lists flagged posts oldest first, with flags and the author’s history', () => {
    const author = createUser(db())
    const older = createTestIdea(db(), { authorId: author.id })
    const newer = createTestIdea(db(), { authorId: author.id })
    const u = flagger()
    flagPost(db(), { userId: u.id, target: { type: 'idea', id: older.id }, reason: 'spam', now: new Date(Date.now() - 60_000) })
    flagPost(db(), { userId: u.id, target: { type: 'idea', id: newer.id }, reason: 'other', text: 'Looks like an ad' })
    const keys = listFlagQueue(db(), { limit: 1000 }).items.map((i) => i.key)
    expect(keys.indexOf(`idea:${older.id}`)).toBeLessThan(keys.indexOf(`idea:${newer.id}`))
    const item = listFlagQueue(db(), { limit: 1000 }).items.find((i) => i.key === `idea:${newer.id}`)!
    expect(item.flags).toMatchObject([{ reason: 'other', text: 'Looks like an ad' }])
    expect(item.author).toMatchObject({ userId: author.id, posts: 2 })
  })

  test('reject: flags rejected, the auto-hidden post is visible again, logged, flaggers told', () => {
    const mod = createUser(db(), { role: 'moderator' })
    const idea = createTestIdea(db(), { authorId: createUser(db()).id })
    threeFlags({ type: 'idea', id: idea.id })
    decideFlags(db(), { actorId: mod.id, targets: [{ type: 'idea', id: idea.id }], decision: { decision: 'reject' } })
    const row = db().select({ hiddenAt: ideas.hiddenAt }).from(ideas).where(eq(ideas.id, idea.id)).get()!
    expect(row.hiddenAt).toBeNull()
    const statuses = db()
      .select({ status: flags.status })
      .from(flags)
      .where(and(eq(flags.targetType, 'idea'), eq(flags.targetId, idea.id)))
      .all()
    expect(statuses.map((s) => s.status)).toEqual(['rejected', 'rejected', 'rejected'])
    const log = db()
      .select()
      .from(moderationLog)
      .where(and(eq(moderationLog.targetType, 'idea'), eq(moderationLog.targetId, idea.id)))
      .all()
    expect(log).toMatchObject([{ action: 'reject_flags', actorId: mod.id, before: { hidden: true }, after: { hidden: false } }])
    expect(
      db()
        .select()
        .from(notifications)
        .where(and(eq(notifications.kind, 'flag_reviewed'), eq(notifications.subjectId, idea.id)))
        .all(),
    ).toHaveLength(3)
    // Deciding again: nothing pending any more.
    expect(
      statusOf(() => decideFlags(db(), { actorId: mod.id, targets: [{ type: 'idea', id: idea.id }], decision: { decision: 'reject' } })),
    ).toBe(409)
  })

  test('accept as spam: −100 once per post; restoring the post gives it back', () => {
    const mod = createUser(db(), { role: 'moderator' })
    const author = createUser(db(), { reputation: 500 })
    const idea = createTestIdea(db(), { authorId: author.id })
    const rep = () => db().select({ r: users.reputation }).from(users).where(eq(users.id, author.id)).get()!.r
    flagPost(db(), { userId: flagger().id, target: { type: 'idea', id: idea.id }, reason: 'spam' })
    decideFlags(db(), {
      actorId: mod.id,
      targets: [{ type: 'idea', id: idea.id }],
      decision: { decision: 'accept', removal: 'hide', spam: true },
    })
    expect(rep()).toBe(400)
    // A later flag, accepted as spam again by another moderator, does not charge twice.
    moderatePost(db(), { actorId: mod.id, target: { type: 'idea', id: idea.id }, action: 'restore' })
    expect(rep()).toBe(500)
    flagPost(db(), { userId: flagger().id, target: { type: 'idea', id: idea.id }, reason: 'spam' })
    const other = createUser(db(), { role: 'admin' })
    decideFlags(db(), {
      actorId: other.id,
      targets: [{ type: 'idea', id: idea.id }],
      decision: { decision: 'accept', removal: 'delete', spam: true },
    })
    expect(rep()).toBe(400)
    expect(
      db()
        .select({ d: reputationEvents.delta })
        .from(reputationEvents)
        .where(and(eq(reputationEvents.userId, author.id), eq(reputationEvents.reason, 'post_removed_as_spam')))
        .all()
        .map((e) => e.d),
    ).toEqual([-100, 100, -100])
    moderatePost(db(), { actorId: mod.id, target: { type: 'idea', id: idea.id }, action: 'restore' })
    expect(rep()).toBe(500)
    expect(findReputationMismatches(db())).toEqual([])
  })

  test('bulk accept decides every selected post in one go, with spam only where marked', () => {
    const mod = createUser(db(), { role: 'moderator' })
    const author = createUser(db(), { reputation: 300 })
    const a = createTestIdea(db(), { authorId: author.id })
    const b = createTestIdea(db(), { authorId: author.id })
    for (const idea of [a, b]) flagPost(db(), { userId: flagger().id, target: { type: 'idea', id: idea.id }, reason: 'spam' })
    decideFlags(db(), {
      actorId: mod.id,
      targets: [
        { type: 'idea', id: a.id },
        { type: 'idea', id: b.id },
      ],
      decision: { decision: 'accept', removal: 'delete', spam: false },
      spamKeys: new Set([`idea:${a.id}`]),
    })
    const rows = db().select({ id: ideas.id, deletedAt: ideas.deletedAt }).from(ideas).where(eq(ideas.authorId, author.id)).all()
    expect(rows.every((r) => r.deletedAt != null)).toBe(true)
    expect(db().select({ r: users.reputation }).from(users).where(eq(users.id, author.id)).get()!.r).toBe(200)
  })
})

describe('the flag confirmation page', () => {
  const confirmation = (userId: number, type: string, id: number) =>
    getRequest(`/flag?type=${type}&id=${id}&done=1`, { userId }).then((request) =>
      settle(() => flagLoader({ request, params: {}, context: {} })),
    )

  test('names a post others can still see, and never a hidden, held or deleted one', async () => {
    const mod = createUser(db(), { role: 'moderator' })
    const member = createUser(db())
    const visible = createTestIdea(db(), { authorId: member.id, title: `Visible ${unique('t')}` })
    const hidden = createTestIdea(db(), { authorId: member.id, title: `Secret hidden ${unique('t')}` })
    const deleted = createTestIdea(db(), { authorId: member.id, title: `Secret deleted ${unique('t')}` })
    moderatePost(db(), { actorId: mod.id, target: { type: 'idea', id: hidden.id }, action: 'hide', reason: 'Off topic' })
    moderatePost(db(), { actorId: mod.id, target: { type: 'idea', id: deleted.id }, action: 'delete', reason: 'Spam' })
    const held = createTestIdea(db(), { authorId: member.id, title: `Secret held ${unique('t')}` })
    db().update(ideas).set({ hiddenAt: new Date(), hiddenReason: 'premoderation' }).where(eq(ideas.id, held.id)).run()

    expect((await confirmation(member.id, 'idea', visible.id)).body).toMatchObject({ title: visible.title, url: `/ideas/${visible.id}` })
    for (const gone of [hidden, deleted, held]) {
      const page = await confirmation(member.id, 'idea', gone.id)
      expect(page.body).toMatchObject({ title: '', url: '/ideas' })
      expect(JSON.stringify(page.body)).not.toContain('Secret')
    }
  })
})
