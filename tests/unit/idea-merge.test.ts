/** Merging one idea into another: votes united without double counting, reputation moved exactly, everyone told once. */
import { and, asc, count, eq } from 'drizzle-orm'
import { describe, expect, test } from 'vitest'
import { ideaFollows, ideas, ideaStatusChanges, ideaVotes, moderationLog, notifications, reputationEvents, users } from '#db/schema'
import { getDb } from '~/lib/db.server'
import { ConflictError } from '~/lib/errors'
import { mergeIdea } from '~/models/idea-merge.server'
import { changeIdeaStatus } from '~/models/idea-status.server'
import { getIdeaPage, setIdeaFollow } from '~/models/ideas.server'
import { findReputationMismatches } from '~/models/reputation.server'
import { setIdeaVote } from '~/models/votes.server'
import { action, loader } from '~/routes/ideas.$ideaId/route'
import { createTestComment, createTestIdea, createUser } from '#tests/factories'
import { formRequest, getRequest, settle, TEST_ORIGIN } from '#tests/route-helpers'

const db = () => getDb()
const votersOf = (ideaId: number) =>
  db()
    .select({ userId: ideaVotes.userId })
    .from(ideaVotes)
    .where(eq(ideaVotes.ideaId, ideaId))
    .orderBy(asc(ideaVotes.userId))
    .all()
    .map((r) => r.userId)
const voteCountOf = (ideaId: number) => db().select({ v: ideas.voteCount }).from(ideas).where(eq(ideas.id, ideaId)).get()!.v
const reputationOf = (userId: number) => db().select({ r: users.reputation }).from(users).where(eq(users.id, userId)).get()!.r
const sorted = (ids: number[]) => [...ids].sort((a, b) => a - b)

/** A has voters {1, 2, 3} and B has {3, 4} (plus each author's own vote); F follows A; the actor voted for A. */
function twoIdeas() {
  const authorA = createUser(db()),
    authorB = createUser(db())
  const [v1, v2, v3, v4] = Array.from({ length: 4 }, () => createUser(db()))
  const follower = createUser(db())
  const pat = createUser(db(), { role: 'product' })
  const a = createTestIdea(db(), { authorId: authorA.id, title: 'Dark mode for the dashboard' })
  const b = createTestIdea(db(), { authorId: authorB.id, title: 'A dark theme everywhere' })
  for (const v of [v1!, v2!, v3!, pat]) setIdeaVote(db(), { ideaId: a.id, userId: v.id, voted: true })
  for (const v of [v3!, v4!]) setIdeaVote(db(), { ideaId: b.id, userId: v.id, voted: true })
  setIdeaFollow(db(), { ideaId: a.id, userId: follower.id, following: true })
  return { authorA, authorB, v1: v1!, v2: v2!, v3: v3!, v4: v4!, follower, pat, a, b }
}

async function postMerge(ideaId: number, target: string, userId: number, note = '') {
  const request = await formRequest(`/ideas/${ideaId}`, { intent: 'merge', target, note }, { userId })
  return settle(() => action({ request, params: { ideaId: String(ideaId) }, context: {} }))
}

describe('merging', () => {
  test('unites the voters without double counting and keeps every counter and ledger exact', async () => {
    const s = twoIdeas()
    const repA = reputationOf(s.authorA.id),
      repB = reputationOf(s.authorB.id)
    expect([repA, repB]).toEqual([1 + 4 * 2, 1 + 2 * 2])

    const res = await postMerge(s.a.id, `${TEST_ORIGIN}/ideas/${s.b.id}?sort=top`, s.pat.id, 'Same request, **one place**.')
    expect(res).toMatchObject({ status: 302, location: `/ideas/${s.b.id}?merged=${s.a.id}` })

    expect(votersOf(s.b.id)).toEqual(sorted([s.authorA.id, s.authorB.id, s.v1.id, s.v2.id, s.v3.id, s.v4.id, s.pat.id]))
    expect(votersOf(s.a.id)).toEqual([])
    expect(voteCountOf(s.b.id)).toBe(7)
    expect(voteCountOf(s.a.id)).toBe(0)
    // A's author gave back every vote's +2; B's author earned +2 for each vote new on B (v1, v2, pat, A's author), none for v3.
    expect(reputationOf(s.authorA.id)).toBe(1)
    expect(reputationOf(s.authorB.id)).toBe(repB + 4 * 2)
    expect(findReputationMismatches(db())).toEqual([])
    const events = db()
      .select({ delta: reputationEvents.delta })
      .from(reputationEvents)
      .where(eq(reputationEvents.userId, s.authorA.id))
      .all()
    expect(events.map((e) => e.delta).sort()).toEqual([-2, -2, -2, -2, 2, 2, 2, 2].sort()) // reversed by new events, never deleted

    const merged = db().select({ status: ideas.status, mergedIntoId: ideas.mergedIntoId }).from(ideas).where(eq(ideas.id, s.a.id)).get()
    expect(merged).toEqual({ status: 'merged', mergedIntoId: s.b.id })
    const change = db().select().from(ideaStatusChanges).where(eq(ideaStatusChanges.ideaId, s.a.id)).all()
    expect(change).toEqual([
      expect.objectContaining({
        fromStatus: 'open',
        toStatus: 'merged',
        actorId: s.pat.id,
        noteHtml: '<p>Same request, <strong>one place</strong>.</p>',
      }),
    ])
    const log = db()
      .select()
      .from(moderationLog)
      .where(and(eq(moderationLog.action, 'merge_idea'), eq(moderationLog.targetId, s.a.id)))
      .all()
    expect(log).toEqual([expect.objectContaining({ actorId: s.pat.id, after: { status: 'merged', mergedIntoId: s.b.id, votesMoved: 4 } })])

    // The followers moved too.
    const followersOf = (id: number) =>
      db()
        .select({ userId: ideaFollows.userId })
        .from(ideaFollows)
        .where(eq(ideaFollows.ideaId, id))
        .all()
        .map((r) => r.userId)
    expect(followersOf(s.b.id)).toEqual([s.follower.id])
    expect(followersOf(s.a.id)).toEqual([])
  })

  test('notifies the merged idea’s author, voters and followers once each, never the actor, with a link', () => {
    const s = twoIdeas()
    db().insert(ideaFollows).values({ ideaId: s.a.id, userId: s.v1.id }).run() // a voter who also follows: still told once
    const { notified } = mergeIdea(db(), { ideaId: s.a.id, targetId: s.b.id, actorId: s.pat.id })
    const rows = db()
      .select({ userId: notifications.userId, title: notifications.title, url: notifications.url })
      .from(notifications)
      .where(and(eq(notifications.kind, 'idea_merged'), eq(notifications.subjectId, s.a.id)))
      .all()
    const expected = sorted([s.authorA.id, s.v1.id, s.v2.id, s.v3.id, s.follower.id])
    expect(sorted(rows.map((r) => r.userId))).toEqual(expected)
    expect(notified).toBe(expected.length)
    expect(rows[0]).toMatchObject({
      title: '“Dark mode for the dashboard” was merged into “A dark theme everywhere”',
      url: `/ideas/${s.b.id}?merged=${s.a.id}`,
    })
    // B's own stakeholders (v4, B's author) are not told about A.
    expect(rows.some((r) => r.userId === s.v4.id || r.userId === s.authorB.id)).toBe(false)
  })

  test('the merged idea redirects with a notice; its comments stay readable; later votes go to the target', async () => {
    const s = twoIdeas()
    createTestComment(db(), { target: { type: 'idea', id: s.a.id }, authorId: s.v1.id, bodyMd: 'I need this for night shifts.' })
    mergeIdea(db(), { ideaId: s.a.id, targetId: s.b.id, actorId: s.pat.id })
    const load = async (path: string, userId?: number) =>
      settle(async () => loader({ request: await getRequest(path, { userId }), params: { ideaId: path.split(/[/?]/)[2]! }, context: {} }))

    expect(await load(`/ideas/${s.a.id}`)).toMatchObject({ status: 302, location: `/ideas/${s.b.id}?merged=${s.a.id}` })
    const target = (await load(`/ideas/${s.b.id}?merged=${s.a.id}`, s.v1.id)).body as Awaited<ReturnType<typeof loader>>
    expect(target.mergedNotice).toEqual({ id: s.a.id, title: 'Dark mode for the dashboard' })
    expect(target.viewer).toMatchObject({ voted: true })
    expect(target.mergedFrom).toEqual([{ id: s.a.id, title: 'Dark mode for the dashboard' }])
    // A made-up ?merged= shows nothing.
    const other = createTestIdea(db(), { authorId: s.authorA.id })
    expect(((await load(`/ideas/${s.b.id}?merged=${other.id}`)).body as typeof target).mergedNotice).toBeNull()

    const readOnly = (await load(`/ideas/${s.a.id}?show=merged`)).body as typeof target
    expect(readOnly.idea.status).toBe('merged')
    expect(readOnly.mergedInto).toEqual({ id: s.b.id, title: 'A dark theme everywhere' })
    expect(readOnly.comments.map((c) => c.bodyHtml)).toEqual(['<p>I need this for night shifts.</p>'])

    expect(() => setIdeaVote(db(), { ideaId: s.a.id, userId: s.v4.id, voted: true })).toThrow(ConflictError)
    expect(() => changeIdeaStatus(db(), { ideaId: s.a.id, actorId: s.pat.id, toStatus: 'planned' })).toThrow(ConflictError)
    expect(getIdeaPage(db(), { ideaId: s.a.id })).toEqual({ redirectTo: s.b.id })
  })

  test('refuses merging into itself, into a merged idea, in a cycle, or twice (409); a missing target is 404', async () => {
    const s = twoIdeas()
    const c = createTestIdea(db(), { authorId: s.authorA.id })
    const self = await postMerge(s.a.id, String(s.a.id), s.pat.id)
    expect(self).toMatchObject({ status: 409, body: 'An idea cannot be merged into itself.' })
    expect((await postMerge(s.a.id, `#${s.b.id}`, s.pat.id)).status).toBe(302)
    // B now holds A. Merging B into A would be a cycle; merging C into A is into a merged idea.
    const cycle = await postMerge(s.b.id, String(s.a.id), s.pat.id)
    expect(cycle.status).toBe(409)
    expect(cycle.body).toMatch(/cycle/)
    const intoMerged = await postMerge(c.id, `/ideas/${s.a.id}`, s.pat.id)
    expect(intoMerged.status).toBe(409)
    expect(intoMerged.body).toMatch(/was itself merged into another idea/)
    expect((await postMerge(s.a.id, String(c.id), s.pat.id)).status).toBe(409)
    expect((await postMerge(c.id, '999999999', s.pat.id)).status).toBe(404)
    expect(findReputationMismatches(db())).toEqual([])
    expect(voteCountOf(c.id)).toBe(1)
  })

  test('only the product team merges; a bad target is a 400 keeping the text', async () => {
    const s = twoIdeas()
    for (const role of ['member', 'moderator'] as const) {
      expect((await postMerge(s.a.id, String(s.b.id), createUser(db(), { role }).id)).status).toBe(403)
    }
    expect(await postMerge(s.a.id, 'the other one', s.pat.id)).toMatchObject({
      status: 400,
      body: {
        intent: 'merge',
        fields: { target: 'the other one' },
        fieldErrors: { target: ['Enter the number or the link of the other idea.'] },
      },
    })
    const anonymous = await settle(async () =>
      action({
        request: await formRequest(`/ideas/${s.a.id}`, { intent: 'merge', target: String(s.b.id) }),
        params: { ideaId: String(s.a.id) },
        context: {},
      }),
    )
    expect(anonymous.location).toBe(`/login?redirectTo=%2Fideas%2F${s.a.id}`)
    expect(db().select({ n: count() }).from(ideaVotes).where(eq(ideaVotes.ideaId, s.a.id)).get()!.n).toBe(5)
  })

  test('a voter who voted for both, and the target’s own author, earn nothing new', () => {
    const authorA = createUser(db()),
      authorB = createUser(db()),
      both = createUser(db())
    const pat = createUser(db(), { role: 'product' })
    const a = createTestIdea(db(), { authorId: authorA.id })
    const b = createTestIdea(db(), { authorId: authorB.id })
    setIdeaVote(db(), { ideaId: a.id, userId: both.id, voted: true })
    setIdeaVote(db(), { ideaId: b.id, userId: both.id, voted: true })
    setIdeaVote(db(), { ideaId: a.id, userId: authorB.id, voted: true })
    const before = reputationOf(authorB.id)
    expect(mergeIdea(db(), { ideaId: a.id, targetId: b.id, actorId: pat.id }).votesMoved).toBe(1) // only A's author is new on B
    expect(reputationOf(authorB.id)).toBe(before + 2)
    expect(reputationOf(authorA.id)).toBe(1)
    expect(voteCountOf(b.id)).toBe(3)
    expect(findReputationMismatches(db())).toEqual([])
  })
})
