/** The member's own data: the JSON export, and deleting the account (keeping or removing posts). */
import { eq } from 'drizzle-orm'
import { describe, expect, test } from 'vitest'
import { comments, ideas, notifications, questions, sessions, userBadges, users } from '#db/schema'
import { countSessions } from '~/lib/auth.server'
import { getDb } from '~/lib/db.server'
import { findCounterMismatches } from '~/models/counters.server'
import { getPublicProfile } from '~/models/profiles.server'
import { search } from '~/models/search.server'
import { attemptLogin } from '~/models/users.server'
import { setIdeaVote, setPostVote } from '~/models/votes.server'
import { action as accountAction, loader as accountLoader } from '~/routes/settings_.account'
import { loader as exportLoader } from '~/routes/settings_.export'
import { action as signupAction } from '~/routes/signup'
import { createTestAnswer, createTestComment, createTestIdea, createTestQuestion, createUser, unique } from '#tests/factories'
import { formRequest, getRequest, settle } from '#tests/route-helpers'

const db = () => getDb()
const args = (request: Request) => ({ request, params: {}, context: { clientIp: unique('10.1.0.') } })

/** A member with an idea, a question, an answer elsewhere, a comment, votes and a notification. */
function activeMember() {
  const member = createUser(db(), { displayName: 'Dana Departing', reputation: 50 })
  const other = createUser(db())
  const word = unique('walrus')
  const idea = createTestIdea(db(), { authorId: member.id, title: `Export ${word} to spreadsheets` })
  const question = createTestQuestion(db(), { authorId: member.id, title: `Where do ${word} reports live?` })
  const othersQuestion = createTestQuestion(db(), { authorId: other.id })
  const answer = createTestAnswer(db(), { questionId: othersQuestion.id, authorId: member.id, bodyMd: `Look under ${word} settings.` })
  const othersIdea = createTestIdea(db(), { authorId: other.id })
  const comment = createTestComment(db(), { target: { type: 'idea', id: othersIdea.id }, authorId: member.id })
  setIdeaVote(db(), { ideaId: othersIdea.id, userId: member.id, voted: true })
  setIdeaVote(db(), { ideaId: idea.id, userId: other.id, voted: true })
  setPostVote(db(), { targetType: 'answer', targetId: answer.id, userId: other.id, value: 1 })
  return { member, other, word, idea, question, othersQuestion, answer, othersIdea, comment }
}

describe('the data export', () => {
  test('is a JSON attachment with the member’s posts, votes and ledger, and nothing secret or about others', async () => {
    const { member, other, idea, answer, othersIdea } = activeMember()
    const res = await settle(async () =>
      exportLoader({ request: await getRequest('/settings/export', { userId: member.id }), params: {}, context: {} }),
    )
    expect(res.status).toBe(200)
    expect(res.headers.get('Content-Type')).toBe('application/json; charset=utf-8')
    expect(res.headers.get('Content-Disposition')).toMatch(
      new RegExp(`^attachment; filename="summit-${member.username}-\\d{4}-\\d{2}-\\d{2}\\.json"$`),
    )
    expect(res.headers.get('Cache-Control')).toBe('private, no-store')
    const body = res.body as Record<string, unknown> & { account: Record<string, unknown> }
    expect(body.account).toMatchObject({ username: member.username, email: member.email, displayName: 'Dana Departing' })
    expect(body.ideas).toEqual([expect.objectContaining({ id: idea.id, title: idea.title })])
    expect(body.answers).toEqual([expect.objectContaining({ id: answer.id })])
    expect(body.ideaVotes).toEqual(expect.arrayContaining([expect.objectContaining({ ideaId: othersIdea.id })]))
    expect((body.reputation as unknown[]).length).toBeGreaterThan(0)
    const text = JSON.stringify(body)
    expect(text).not.toContain('argon2')
    expect(text).not.toContain(other.email)
    const sessionIds = db().select({ id: sessions.id }).from(sessions).where(eq(sessions.userId, member.id)).all()
    for (const { id } of sessionIds) expect(text).not.toContain(id)
  })

  test('needs a logged-in member', async () => {
    const res = await settle(async () => exportLoader({ request: await getRequest('/settings/export'), params: {}, context: {} }))
    expect(res.status).toBe(302)
    expect(res.location).toMatch(/^\/login/)
  })
})

describe('deleting the account', () => {
  test('a wrong password or a missing confirmation is a 400 that changes nothing', async () => {
    const { member } = activeMember()
    const wrong = await formRequest(
      '/settings/account',
      { password: 'not-the-password', posts: 'keep', confirm: 'on' },
      { userId: member.id },
    )
    expect(await settle(() => accountAction(args(wrong)))).toMatchObject({
      status: 400,
      body: { fieldErrors: { password: ['That is not your password.'] } },
    })
    const unconfirmed = await formRequest('/settings/account', { password: member.password, posts: 'remove' }, { userId: member.id })
    const res = await settle(() => accountAction(args(unconfirmed)))
    expect(res).toMatchObject({
      status: 400,
      body: { fields: { posts: 'remove' }, fieldErrors: { confirm: ['Tick the box to confirm.'] } },
    })
    expect((res.body as { fields: Record<string, string> }).fields).not.toHaveProperty('password')
    expect(db().select({ deletedAt: users.deletedAt }).from(users).where(eq(users.id, member.id)).get()!.deletedAt).toBeNull()
  })

  test('keeping posts: they stay under “Deleted member”, the account is emptied and cannot log in, counts still add up', async () => {
    const { member, word, idea, othersIdea } = activeMember()
    const request = await formRequest(
      '/settings/account',
      { password: member.password, posts: 'keep', confirm: 'on' },
      { userId: member.id },
    )
    const res = await settle(() => accountAction(args(request)))
    expect(res.status).toBe(302)
    expect(res.location).toBe('/settings/account?deleted=1')
    expect(res.headers.get('Set-Cookie')).toMatch(/^summit_session=;/)

    const row = db().select().from(users).where(eq(users.id, member.id)).get()!
    expect(row).toMatchObject({
      username: `deleted-${member.id}`,
      email: `deleted-${member.id}@deleted.invalid`,
      displayName: 'Deleted member',
      bioMd: '',
      segmentId: null,
    })
    expect(row.deletedAt).not.toBeNull()
    expect(countSessions(db(), member.id)).toBe(0)
    expect(db().select().from(notifications).where(eq(notifications.userId, member.id)).all()).toEqual([])
    expect(db().select().from(userBadges).where(eq(userBadges.userId, member.id)).all()).toEqual([])
    expect(await attemptLogin(db(), { identifier: member.username, password: member.password, ip: unique('10.2.0.') })).toEqual({
      ok: false,
    })
    expect(await attemptLogin(db(), { identifier: `deleted-${member.id}`, password: member.password, ip: unique('10.2.0.') })).toEqual({
      ok: false,
    })
    expect(() => getPublicProfile(db(), member.username)).toThrow()

    // The posts stay, found by search, their votes counted.
    expect(db().select({ deletedAt: ideas.deletedAt, voteCount: ideas.voteCount }).from(ideas).where(eq(ideas.id, idea.id)).get()).toEqual({
      deletedAt: null,
      voteCount: 2,
    })
    expect(search(db(), { q: word }).hits.length).toBeGreaterThanOrEqual(2)
    expect(db().select({ n: ideas.voteCount }).from(ideas).where(eq(ideas.id, othersIdea.id)).get()!.n).toBe(2)
    expect(findCounterMismatches(db())).toEqual([])

    // The page after the redirect says so, without a session.
    const page = await settle(async () =>
      accountLoader({ request: await getRequest('/settings/account?deleted=1'), params: {}, context: {} }),
    )
    expect(page).toMatchObject({ status: 200, body: { deleted: true } })
  })

  test('removing posts: ideas, questions, answers and comments are deleted and leave their counts', async () => {
    const { member, word, idea, question, othersQuestion, othersIdea, comment } = activeMember()
    const request = await formRequest(
      '/settings/account',
      { password: member.password, posts: 'remove', confirm: 'on' },
      { userId: member.id },
    )
    expect((await settle(() => accountAction(args(request)))).status).toBe(302)
    expect(db().select({ d: ideas.deletedAt }).from(ideas).where(eq(ideas.id, idea.id)).get()!.d).not.toBeNull()
    expect(db().select({ d: questions.deletedAt }).from(questions).where(eq(questions.id, question.id)).get()!.d).not.toBeNull()
    expect(db().select({ d: comments.deletedAt }).from(comments).where(eq(comments.id, comment.id)).get()!.d).not.toBeNull()
    expect(db().select({ n: questions.answerCount }).from(questions).where(eq(questions.id, othersQuestion.id)).get()!.n).toBe(0)
    expect(db().select({ n: ideas.commentCount }).from(ideas).where(eq(ideas.id, othersIdea.id)).get()!.n).toBe(0)
    expect(search(db(), { q: word }).hits).toEqual([])
    expect(findCounterMismatches(db())).toEqual([])
  })

  test('wrong passwords are limited like failed log-ins: the 11th try in 15 minutes is a 429 that keeps the choice', async () => {
    const member = createUser(db())
    const attempt = async (password: string) =>
      settle(async () =>
        accountAction(args(await formRequest('/settings/account', { password, posts: 'remove', confirm: 'on' }, { userId: member.id }))),
      )
    for (let i = 0; i < 10; i++) expect((await attempt('guess-number-' + i)).status).toBe(400)
    const refused = await attempt(member.password)
    expect(refused).toMatchObject({
      status: 429,
      body: { fields: { posts: 'remove' }, formErrors: ['Too many wrong passwords. Try again in 15 minutes.'] },
    })
    expect(refused.headers.get('Retry-After')).toMatch(/^\d+$/)
    expect(db().select({ d: users.deletedAt }).from(users).where(eq(users.id, member.id)).get()!.d).toBeNull()
  })

  test('nobody can sign up with a name kept for deleted accounts', async () => {
    const request = await formRequest('/signup', {
      username: 'deleted-12345',
      email: `${unique('d')}@example.com`,
      password: 'a-long-enough-passphrase',
    })
    expect(await settle(() => signupAction(args(request)))).toMatchObject({
      status: 400,
      body: { fieldErrors: { username: ['Names starting with “deleted-” are kept for deleted accounts.'] } },
    })
  })
})
