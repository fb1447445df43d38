/** The idea page's loader and action, through real Requests: every intent, its refusals and bad input. */
import { and, count, eq, sql } from 'drizzle-orm'
import { describe, expect, test } from 'vitest'
import { comments, ideas, ideaStatusChanges, moderationLog, notifications, postRevisions } from '#db/schema'
import { type Role } from '~/domain'
import { getDb } from '~/lib/db.server'
import { decodeCursor } from '~/lib/pagination.server'
import { IDEA_COMMENTS_PAGE_SIZE, listIdeaComments } from '~/models/comments.server'
import { adjustReputation } from '~/models/reputation.server'
import { setIdeaVote } from '~/models/votes.server'
import { action, loader } from '~/routes/ideas.$ideaId/route'
import { createTestComment, createTestIdea, createUser, unique } from '#tests/factories'
import { formRequest, getRequest, settle } from '#tests/route-helpers'

const db = () => getDb()
const MINUTE = 60_000

async function post(ideaId: number | string, fields: Record<string, string>, options: { userId?: number; origin?: string | null } = {}) {
  const request = await formRequest(`/ideas/${ideaId}`, fields, options)
  return settle(() => action({ request, params: { ideaId: String(ideaId) }, context: {} }))
}

async function load(path: string, userId?: number) {
  const request = await getRequest(path, { userId })
  const ideaId = new URL(path, 'http://x').pathname.split('/')[2]!
  return settle(() => loader({ request, params: { ideaId }, context: {} }))
}

type Page = Awaited<ReturnType<typeof loader>>
const pageOf = async (path: string, userId?: number) => {
  const res = await load(path, userId)
  expect(res.status).toBe(200)
  return res.body as Page
}

function newIdea(authorRole: Role = 'member') {
  const author = createUser(db(), { role: authorRole })
  const idea = createTestIdea(db(), { authorId: author.id })
  return { author, idea }
}

describe('missing ideas and bad requests', () => {
  test.each(['999999999', 'abc', '0', '-1', '1.5'])('/ideas/%s is a 404 for the page and for a post', async (id) => {
    expect((await load(`/ideas/${id}`)).status).toBe(404)
    const user = createUser(db())
    expect((await post(id, { intent: 'comment', body: 'A fine comment.' }, { userId: user.id })).status).toBe(404)
  })

  test('a cross-site POST is refused with 403 before anything happens', async () => {
    const { idea } = newIdea()
    const user = createUser(db())
    expect(
      (await post(idea.id, { intent: 'comment', body: 'From elsewhere' }, { userId: user.id, origin: 'https://evil.example' })).status,
    ).toBe(403)
    expect((await post(idea.id, { intent: 'follow', following: 'true' }, { userId: user.id, origin: null })).status).toBe(403)
    expect(
      db()
        .select({ n: count() })
        .from(comments)
        .where(and(eq(comments.targetType, 'idea'), eq(comments.targetId, idea.id)))
        .get()!.n,
    ).toBe(0)
  })

  test('an unknown or missing intent is a 400, not a 500', async () => {
    const { idea } = newIdea()
    const user = createUser(db())
    expect((await post(idea.id, { intent: 'delete-everything' }, { userId: user.id })).status).toBe(400)
    expect((await post(idea.id, {}, { userId: user.id })).status).toBe(400)
  })

  test('an oversized body is a 413', async () => {
    const { idea } = newIdea()
    const user = createUser(db())
    expect((await post(idea.id, { intent: 'comment', body: 'x'.repeat(300_000) }, { userId: user.id })).status).toBe(413)
  })
})

describe('comments', () => {
  test('a member comments: post/redirect/get to the new comment, counted on the idea', async () => {
    const { idea } = newIdea()
    const member = createUser(db())
    const res = await post(idea.id, { intent: 'comment', body: '  Same here, **please**.  ' }, { userId: member.id })
    expect(res.status).toBe(302)
    const commentId = Number(res.location!.match(new RegExp(`^/ideas/${idea.id}#comment-(\\d+)$`))![1])
    const page = await pageOf(`/ideas/${idea.id}`, member.id)
    expect(page.idea.commentCount).toBe(1)
    expect(page.comments).toEqual([
      expect.objectContaining({
        id: commentId,
        bodyHtml: '<p>Same here, <strong>please</strong>.</p>',
        authorRole: 'member',
        canEdit: true,
        revisionCount: 0,
      }),
    ])
  })

  test('too short or too long is a 400 with a message, keeping the text', async () => {
    const { idea } = newIdea()
    const member = createUser(db())
    expect(await post(idea.id, { intent: 'comment', body: 'x' }, { userId: member.id })).toMatchObject({
      status: 400,
      body: { intent: 'comment', fields: { body: 'x' }, fieldErrors: { body: ['Write at least 2 characters.'] } },
    })
    const long = 'y'.repeat(5001)
    expect(await post(idea.id, { intent: 'comment', body: long }, { userId: member.id })).toMatchObject({
      status: 400,
      body: { fields: { body: long }, fieldErrors: { body: ['Use at most 5000 characters.'] } },
    })
  })

  test('a visitor is sent to log in and brought back', async () => {
    const { idea } = newIdea()
    expect(await post(idea.id, { intent: 'comment', body: 'Hello there' })).toMatchObject({
      status: 302,
      location: `/login?redirectTo=%2Fideas%2F${idea.id}`,
    })
  })

  test('a suspended member is refused with 403; a locked or merged idea with 409', async () => {
    const { idea } = newIdea()
    const suspended = createUser(db(), { suspendedUntil: new Date(Date.now() + 86_400_000), suspensionReason: 'spam' })
    expect((await post(idea.id, { intent: 'comment', body: 'Hello there' }, { userId: suspended.id })).status).toBe(403)
    const member = createUser(db())
    db().update(ideas).set({ lockedAt: new Date() }).where(eq(ideas.id, idea.id)).run()
    expect(await post(idea.id, { intent: 'comment', body: 'Hello there' }, { userId: member.id })).toMatchObject({
      status: 409,
      body: 'This idea is locked; comments are closed.',
    })
    const { idea: merged } = newIdea()
    db().update(ideas).set({ status: 'merged', mergedIntoId: idea.id }).where(eq(ideas.id, merged.id)).run()
    expect((await post(merged.id, { intent: 'comment', body: 'Hello there' }, { userId: member.id })).status).toBe(409)
  })
})

describe('editing comments', () => {
  function commentBy(authorId: number, ideaId: number, minutesAgo = 0) {
    return createTestComment(db(), {
      target: { type: 'idea', id: ideaId },
      authorId,
      bodyMd: 'First *version*.',
      now: new Date(Date.now() - minutesAgo * MINUTE),
    })
  }
  const revisionsOf = (commentId: number) =>
    db()
      .select({ bodyMd: postRevisions.bodyMd, editorId: postRevisions.editorId })
      .from(postRevisions)
      .where(and(eq(postRevisions.targetType, 'comment'), eq(postRevisions.targetId, commentId)))
      .all()

  test('the author edits within 15 minutes; the earlier version is kept and shown', async () => {
    const { idea } = newIdea()
    const member = createUser(db())
    const comment = commentBy(member.id, idea.id, 10)
    const before = db().select({ at: ideas.lastActivityAt }).from(ideas).where(eq(ideas.id, idea.id)).get()!.at
    const res = await post(
      idea.id,
      { intent: 'edit-comment', commentId: String(comment.id), body: 'Second version.' },
      { userId: member.id },
    )
    expect(res).toMatchObject({ status: 302, location: `/ideas/${idea.id}#comment-${comment.id}` })
    expect(db().select({ bodyHtml: comments.bodyHtml }).from(comments).where(eq(comments.id, comment.id)).get()).toEqual({
      bodyHtml: '<p>Second version.</p>',
    })
    expect(revisionsOf(comment.id)).toEqual([{ bodyMd: 'First *version*.', editorId: member.id }])
    expect(db().select({ at: ideas.lastActivityAt }).from(ideas).where(eq(ideas.id, idea.id)).get()!.at.getTime()).toBeGreaterThan(
      before.getTime(),
    )

    const shown = (await pageOf(`/ideas/${idea.id}`)).comments.find((c) => c.id === comment.id)!
    expect(shown).toMatchObject({
      revisionCount: 1,
      canEdit: false,
      bodyMd: null,
      revisions: [expect.objectContaining({ bodyMd: 'First *version*.' })],
    })
    // The same text again changes nothing and keeps no new revision.
    await post(idea.id, { intent: 'edit-comment', commentId: String(comment.id), body: 'Second version.' }, { userId: member.id })
    expect(revisionsOf(comment.id)).toHaveLength(1)
  })

  test('after the window the author gets 409; a moderator may still edit, and that is logged', async () => {
    const { idea } = newIdea()
    const member = createUser(db())
    const comment = commentBy(member.id, idea.id, 16)
    expect((await pageOf(`/ideas/${idea.id}`, member.id)).comments.find((c) => c.id === comment.id)!.canEdit).toBe(false)
    const late = await post(
      idea.id,
      { intent: 'edit-comment', commentId: String(comment.id), body: 'Too late now.' },
      { userId: member.id },
    )
    expect(late.status).toBe(409)
    expect(late.body).toMatch(/^The edit window has closed\./)
    const moderator = createUser(db(), { role: 'moderator' })
    expect((await pageOf(`/ideas/${idea.id}`, moderator.id)).comments.find((c) => c.id === comment.id)).toMatchObject({
      canEdit: true,
      bodyMd: 'First *version*.',
    })
    expect(
      (
        await post(
          idea.id,
          { intent: 'edit-comment', commentId: String(comment.id), body: 'Removed a phone number.' },
          { userId: moderator.id },
        )
      ).status,
    ).toBe(302)
    expect(revisionsOf(comment.id)).toEqual([{ bodyMd: 'First *version*.', editorId: moderator.id }])
    const log = db()
      .select()
      .from(moderationLog)
      .where(and(eq(moderationLog.targetType, 'comment'), eq(moderationLog.targetId, comment.id)))
      .all()
    expect(log).toEqual([
      expect.objectContaining({
        actorId: moderator.id,
        action: 'edit_comment',
        before: { bodyMd: 'First *version*.' },
        after: { bodyMd: 'Removed a phone number.' },
      }),
    ])
  })

  test('someone else’s comment is 403 for a member; a comment of another idea is 404; bad text is 400', async () => {
    const { idea } = newIdea()
    const { idea: other } = newIdea()
    const author = createUser(db())
    const comment = commentBy(author.id, idea.id)
    const stranger = createUser(db())
    expect(
      (await post(idea.id, { intent: 'edit-comment', commentId: String(comment.id), body: 'Mine now.' }, { userId: stranger.id })).status,
    ).toBe(403)
    expect(
      (await post(other.id, { intent: 'edit-comment', commentId: String(comment.id), body: 'Wrong idea.' }, { userId: author.id })).status,
    ).toBe(404)
    expect(await post(idea.id, { intent: 'edit-comment', commentId: String(comment.id), body: ' ' }, { userId: author.id })).toMatchObject({
      status: 400,
      body: {
        intent: 'edit-comment',
        fields: { commentId: String(comment.id), body: ' ' },
        fieldErrors: { body: ['Write at least 2 characters.'] },
      },
    })
    expect((await post(idea.id, { intent: 'edit-comment', commentId: 'abc', body: 'Fine text' }, { userId: author.id })).status).toBe(400)
  })
})

describe('comment pages', () => {
  test('the newest comments show in reading order, older ones behind a cursor', async () => {
    const { idea } = newIdea()
    const member = createUser(db())
    const start = Date.now() - 60 * MINUTE
    const ids = Array.from({ length: 5 }, (_, i) => commentAt(i))
    function commentAt(i: number) {
      return createTestComment(db(), {
        target: { type: 'idea', id: idea.id },
        authorId: member.id,
        bodyMd: `Comment ${i}`,
        now: new Date(start + i * MINUTE),
      }).id
    }
    const first = listIdeaComments(db(), { ideaId: idea.id, pageSize: 3 })
    expect(first.items.map((c) => c.id)).toEqual(ids.slice(2))
    expect(first.olderCursor).not.toBeNull()
    const older = listIdeaComments(db(), { ideaId: idea.id, pageSize: 3, before: decodeCursor(first.olderCursor) })
    expect(older.items.map((c) => c.id)).toEqual(ids.slice(0, 2))
    expect(older.olderCursor).toBeNull()
    // A malformed cursor is the first page.
    expect((await pageOf(`/ideas/${idea.id}?before=garbage`)).comments.map((c) => c.id)).toEqual(ids)
  })

  test('a long thread’s page holds its newest IDEA_COMMENTS_PAGE_SIZE comments; the older ones are on the next page', async () => {
    const { idea } = newIdea()
    const member = createUser(db())
    const start = Date.now() - 600 * MINUTE
    const ids = Array.from(
      { length: IDEA_COMMENTS_PAGE_SIZE + 3 },
      (_, i) =>
        createTestComment(db(), {
          target: { type: 'idea', id: idea.id },
          authorId: member.id,
          bodyMd: `Comment ${i}`,
          now: new Date(start + i * MINUTE),
        }).id,
    )
    const page = await pageOf(`/ideas/${idea.id}`)
    expect(page.comments.map((c) => c.id)).toEqual(ids.slice(3))
    const older = await pageOf(`/ideas/${idea.id}?before=${encodeURIComponent(page.olderCommentsCursor!)}`)
    expect(older.comments.map((c) => c.id)).toEqual(ids.slice(0, 3))
    expect(older.olderCommentsCursor).toBeNull()
  })
})

describe('following', () => {
  test('the request names the state; replays are harmless; the page shows the count and my state', async () => {
    const { idea } = newIdea()
    const member = createUser(db())
    const follow = (following: string) => post(idea.id, { intent: 'follow', following }, { userId: member.id })
    expect(await follow('true')).toMatchObject({ status: 302, location: `/ideas/${idea.id}#follow` })
    expect((await follow('true')).status).toBe(302)
    let page = await pageOf(`/ideas/${idea.id}`, member.id)
    expect(page.idea.followerCount).toBe(1)
    expect(page.viewer).toEqual({ voted: false, follows: true })
    await follow('false')
    await follow('false')
    page = await pageOf(`/ideas/${idea.id}`, member.id)
    expect(page.idea.followerCount).toBe(0)
    expect(page.viewer).toEqual({ voted: false, follows: false })
    expect((await follow('maybe')).status).toBe(400)
  })

  test('a visitor is sent to log in', async () => {
    const { idea } = newIdea()
    expect((await post(idea.id, { intent: 'follow', following: 'true' })).location).toBe(`/login?redirectTo=%2Fideas%2F${idea.id}`)
  })
})

describe('changing the status', () => {
  test('members and moderators get 403; the product team and admins change it with a note', async () => {
    const { idea, author } = newIdea()
    const voter = createUser(db())
    setIdeaVote(db(), { ideaId: idea.id, userId: voter.id, voted: true })
    for (const role of ['member', 'moderator'] as const) {
      const user = createUser(db(), { role })
      expect((await post(idea.id, { intent: 'change-status', status: 'planned', note: 'Yes' }, { userId: user.id })).status).toBe(403)
      expect((await pageOf(`/ideas/${idea.id}`, user.id)).can.changeStatus).toBe(false)
    }
    const pat = createUser(db(), { role: 'product' })
    expect((await pageOf(`/ideas/${idea.id}`, pat.id)).can).toMatchObject({ changeStatus: true, respond: true, merge: true })
    const res = await post(idea.id, { intent: 'change-status', status: 'planned', note: 'Coming in **Q3**.' }, { userId: pat.id })
    expect(res).toMatchObject({ status: 302, location: `/ideas/${idea.id}?done=status#timeline` })
    const page = await pageOf(`/ideas/${idea.id}?done=status`)
    expect(page.idea.status).toBe('planned')
    expect(page.timeline.at(-1)).toMatchObject({
      fromStatus: 'open',
      toStatus: 'planned',
      noteHtml: '<p>Coming in <strong>Q3</strong>.</p>',
    })
    expect(page.notice).toMatch(/^The status was changed/)
    const told = db()
      .select({ userId: notifications.userId })
      .from(notifications)
      .where(and(eq(notifications.kind, 'idea_status'), eq(notifications.subjectId, idea.id)))
      .all()
    expect(told.map((n) => n.userId).sort()).toEqual([author.id, voter.id].sort())

    const admin = createUser(db(), { role: 'admin' })
    expect((await post(idea.id, { intent: 'change-status', status: 'in_progress' }, { userId: admin.id })).status).toBe(302)
  })

  test('a no-op change is a 409; a bad status or an oversized note is a 400 keeping the note', async () => {
    const { idea } = newIdea()
    const pat = createUser(db(), { role: 'product' })
    expect((await post(idea.id, { intent: 'change-status', status: 'open' }, { userId: pat.id })).status).toBe(409)
    expect((await post(idea.id, { intent: 'change-status', status: 'merged' }, { userId: pat.id })).status).toBe(400)
    const note = 'n'.repeat(5001)
    expect(await post(idea.id, { intent: 'change-status', status: 'planned', note }, { userId: pat.id })).toMatchObject({
      status: 400,
      body: { intent: 'change-status', fields: { note }, fieldErrors: { note: ['Use at most 5000 characters.'] } },
    })
    expect((await pageOf(`/ideas/${idea.id}`, pat.id)).statusOptions.map((o) => o.value)).not.toContain('open')
  })
})

describe('official responses', () => {
  test('only the product team responds; a new response is pinned and the old one stays in the thread', async () => {
    const { idea, author } = newIdea()
    const follower = createUser(db())
    await post(idea.id, { intent: 'follow', following: 'true' }, { userId: follower.id })
    const moderator = createUser(db(), { role: 'moderator' })
    expect((await post(idea.id, { intent: 'respond', body: 'We hear you.' }, { userId: moderator.id })).status).toBe(403)
    const pat = createUser(db(), { role: 'product' })
    expect(await post(idea.id, { intent: 'respond', body: 'x' }, { userId: pat.id })).toMatchObject({
      status: 400,
      body: { fields: { body: 'x' } },
    })
    expect(await post(idea.id, { intent: 'respond', body: 'We are looking into it.' }, { userId: pat.id })).toMatchObject({
      status: 302,
      location: `/ideas/${idea.id}?done=response#official-response`,
    })
    await post(idea.id, { intent: 'respond', body: 'It is planned for the summer.' }, { userId: pat.id })
    const page = await pageOf(`/ideas/${idea.id}`)
    expect(page.officialResponse).toMatchObject({ bodyHtml: '<p>It is planned for the summer.</p>', authorRole: 'product' })
    expect(page.comments.map((c) => c.bodyHtml)).toEqual(['<p>We are looking into it.</p>'])
    expect(page.idea.commentCount).toBe(2)
    const pinned = db()
      .select({ n: count() })
      .from(comments)
      .where(and(eq(comments.targetId, idea.id), eq(comments.targetType, 'idea'), eq(comments.isOfficial, true)))
      .get()!.n
    expect(pinned).toBe(1)
    const told = db()
      .select({ userId: notifications.userId })
      .from(notifications)
      .where(and(eq(notifications.kind, 'idea_response'), eq(notifications.subjectId, idea.id)))
      .all()
    expect(told.map((n) => n.userId).sort()).toEqual([author.id, follower.id, author.id, follower.id].sort())
  })
})

describe('editing an idea', () => {
  /** Tags whose cached idea count differs from their links. */
  const tagCounts = () =>
    db().all<{ name: string; cached: number; actual: number }>(sql`
      select t.name, t.idea_count as cached, (select count(*) from idea_tags it where it.tag_id = t.id) as actual
      from tags t where cached != actual`)

  test('the author edits title, category and tags while nobody else voted; the old title is kept', async () => {
    const { idea, author } = newIdea()
    const tagA = unique('tag-a'),
      tagB = unique('tag-b')
    // New tags need the create-tags privilege (500 reputation).
    const refused = await post(idea.id, { intent: 'edit-idea', title: idea.title, categoryId: '', tags: tagA }, { userId: author.id })
    // A field error on the tags, the text kept, as for any other refused field.
    expect(refused).toMatchObject({
      status: 400,
      body: { fields: { tags: tagA }, fieldErrors: { tags: [expect.stringContaining('You need 500 reputation to create new tags.')] } },
    })
    db().transaction((tx) => adjustReputation(tx, { userId: author.id, delta: 499, actorId: null }))
    const res = await post(
      idea.id,
      { intent: 'edit-idea', title: 'Export reports as CSV files', categoryId: '', tags: `${tagA}, ${tagB.toUpperCase()}` },
      { userId: author.id },
    )
    expect(res).toMatchObject({ status: 302, location: `/ideas/${idea.id}?done=edited` })
    let page = await pageOf(`/ideas/${idea.id}`, author.id)
    expect(page.idea.title).toBe('Export reports as CSV files')
    expect(page.tags).toEqual([tagA, tagB].sort())
    const revision = db()
      .select({ title: postRevisions.title, editorId: postRevisions.editorId })
      .from(postRevisions)
      .where(and(eq(postRevisions.targetType, 'idea'), eq(postRevisions.targetId, idea.id)))
      .all()
    expect(revision).toEqual([{ title: idea.title, editorId: author.id }])
    expect(
      db()
        .select({ n: count() })
        .from(moderationLog)
        .where(and(eq(moderationLog.targetType, 'idea'), eq(moderationLog.targetId, idea.id)))
        .get()!.n,
    ).toBe(0)

    // Once someone else votes, the author may no longer edit: 409, and the page says why.
    setIdeaVote(db(), { ideaId: idea.id, userId: createUser(db()).id, voted: true })
    page = await pageOf(`/ideas/${idea.id}`, author.id)
    expect(page.can.editIdea).toBe(false)
    expect(page.editRefusal).toMatch(/Others have voted/)
    expect((await post(idea.id, { intent: 'edit-idea', title: 'Something else entirely', tags: '' }, { userId: author.id })).status).toBe(
      409,
    )
    expect(tagCounts()).toEqual([])
  })

  test('another member gets 403; a moderator edits anyone’s idea, logged with before and after; tag counts stay exact', async () => {
    const author = createUser(db())
    const keep = unique('keep'),
      drop = unique('drop'),
      add = unique('add')
    const idea = createTestIdea(db(), { authorId: author.id, tagNames: [keep, drop] })
    setIdeaVote(db(), { ideaId: idea.id, userId: createUser(db()).id, voted: true })
    expect(
      (await post(idea.id, { intent: 'edit-idea', title: 'A hijacked title here', tags: '' }, { userId: createUser(db()).id })).status,
    ).toBe(403)
    const mo = createUser(db(), { role: 'moderator' })
    expect(
      (await post(idea.id, { intent: 'edit-idea', title: 'A clearer title for this', tags: `${keep}, ${add}` }, { userId: mo.id })).status,
    ).toBe(302)
    const log = db()
      .select()
      .from(moderationLog)
      .where(and(eq(moderationLog.targetType, 'idea'), eq(moderationLog.targetId, idea.id)))
      .all()
    expect(log).toEqual([
      expect.objectContaining({
        actorId: mo.id,
        action: 'edit_idea',
        before: { title: idea.title, categoryId: null, tags: [drop, keep].sort() },
        after: { title: 'A clearer title for this', categoryId: null, tags: [add, keep].sort() },
      }),
    ])
    expect(tagCounts()).toEqual([])
  })

  test('the author edits the description too: the earlier text stays in the history; a locked idea’s text does not change', async () => {
    const { idea, author } = newIdea()
    let page = await pageOf(`/ideas/${idea.id}`, author.id)
    const before = db().select({ bodyMd: ideas.bodyMd }).from(ideas).where(eq(ideas.id, idea.id)).get()!.bodyMd
    expect(page.bodySource).toBe(before)
    const res = await post(
      idea.id,
      { intent: 'edit-idea', title: idea.title, body: 'Export **every** report as CSV, with the filters applied.', tags: '' },
      { userId: author.id },
    )
    expect(res).toMatchObject({ status: 302, location: `/ideas/${idea.id}?done=edited` })
    page = await pageOf(`/ideas/${idea.id}`, author.id)
    expect(page.idea.bodyHtml).toContain('<strong>every</strong>')
    const revisions = db()
      .select({ bodyMd: postRevisions.bodyMd })
      .from(postRevisions)
      .where(and(eq(postRevisions.targetType, 'idea'), eq(postRevisions.targetId, idea.id)))
      .all()
    expect(revisions.map((r) => r.bodyMd)).toContain(before)
    // Members who may not edit never get the source.
    expect((await pageOf(`/ideas/${idea.id}`, createUser(db()).id)).bodySource).toBeNull()
    // A locked idea: staff may still fix its title, not its text.
    db().update(ideas).set({ lockedAt: new Date() }).where(eq(ideas.id, idea.id)).run()
    const mo = createUser(db(), { role: 'moderator' })
    expect(
      (
        await post(
          idea.id,
          { intent: 'edit-idea', title: idea.title, body: 'Something else entirely, typed by staff.', tags: '' },
          { userId: mo.id },
        )
      ).status,
    ).toBe(409)
    expect((await post(idea.id, { intent: 'edit-idea', title: 'A clearer title for this idea', tags: '' }, { userId: mo.id })).status).toBe(
      302,
    )
  })

  test('bad input is a 400 per field keeping the text; an unknown category is refused', async () => {
    const { idea, author } = newIdea()
    expect(await post(idea.id, { intent: 'edit-idea', title: 'Short', tags: 'a, b, c, d, e, f' }, { userId: author.id })).toMatchObject({
      status: 400,
      body: {
        fields: { title: 'Short', tags: 'a, b, c, d, e, f' },
        fieldErrors: { title: ['Use at least 10 characters.'], tags: ['Use at most 5 tags.'] },
      },
    })
    expect(
      (await post(idea.id, { intent: 'edit-idea', title: 'A perfectly fine title', categoryId: 'x' }, { userId: author.id })).status,
    ).toBe(400)
    expect(
      (await post(idea.id, { intent: 'edit-idea', title: 'A perfectly fine title', categoryId: '999999' }, { userId: author.id })).status,
    ).toBe(400)
  })
})

describe('the timeline', () => {
  test('keeps every change in order, each with its note', async () => {
    const { idea } = newIdea()
    const pat = createUser(db(), { role: 'product' })
    await post(idea.id, { intent: 'change-status', status: 'under_review' }, { userId: pat.id })
    await post(idea.id, { intent: 'change-status', status: 'declined', note: 'Not for now.' }, { userId: pat.id })
    const rows = db()
      .select({ to: ideaStatusChanges.toStatus, note: ideaStatusChanges.noteMd })
      .from(ideaStatusChanges)
      .where(eq(ideaStatusChanges.ideaId, idea.id))
      .all()
    expect(rows).toEqual([
      { to: 'under_review', note: '' },
      { to: 'declined', note: 'Not for now.' },
    ])
  })
})
