/** Suggested edits: proposing, one pending per member and post, review by the author or an editor, +2 on approval. */
import { and, eq, sql } from 'drizzle-orm'
import { describe, expect, test } from 'vitest'
import { answers, ideas, notifications, postRevisions, questions, suggestedEdits, users } from '#db/schema'
import { getDb } from '~/lib/db.server'
import { ConflictError, DomainError, ForbiddenError } from '~/lib/errors'
import { findReputationMismatches } from '~/models/reputation.server'
import { search } from '~/models/search.server'
import { setIdeaVote } from '~/models/votes.server'
import {
  countPendingSuggestedEdits,
  countReviewableSuggestedEdits,
  listReviewableSuggestedEdits,
  reviewSuggestedEdit,
  suggestEdit,
} from '~/models/suggested-edits.server'
import { loader as ideaLoader } from '~/routes/ideas.$ideaId/route'
import { loader as questionLoader } from '~/routes/questions.$questionId/route'
import { action as reviewAction, loader as reviewLoader } from '~/routes/review.edits'
import { action as suggestAction, loader as suggestLoader } from '~/routes/suggest-edit.$type.$id'
import { createTestAnswer, createTestIdea, createTestQuestion, createUser } from '#tests/factories'
import { formRequest, getRequest, settle } from '#tests/route-helpers'

const db = () => getDb()
const reputationOf = (userId: number) => db().select({ r: users.reputation }).from(users).where(eq(users.id, userId)).get()!.r
const notificationsOf = (userId: number) =>
  db()
    .select({ title: notifications.title, body: notifications.body, url: notifications.url })
    .from(notifications)
    .where(and(eq(notifications.userId, userId), sql`kind = 'suggested_edit'`))
    .all()

describe('suggested edits (model)', () => {
  test('the account menu’s count: suggestions on the member’s own posts, or on anyone’s with the edit privilege, never their own', () => {
    const author = createUser(db())
    const editor = createUser(db(), { reputation: 2000 })
    const suggester = createUser(db())
    const question = createTestQuestion(db(), { authorId: author.id })
    const before = countReviewableSuggestedEdits(db(), { viewerId: editor.id, mayReviewAny: true })
    suggestEdit(db(), {
      target: { type: 'question', id: question.id },
      authorId: suggester.id,
      title: null,
      bodyMd: 'A clearer text for the question, with steps.',
      comment: '',
    })
    expect(countReviewableSuggestedEdits(db(), { viewerId: author.id, mayReviewAny: false })).toBe(1)
    expect(countReviewableSuggestedEdits(db(), { viewerId: editor.id, mayReviewAny: true })).toBe(before + 1)
    expect(countReviewableSuggestedEdits(db(), { viewerId: suggester.id, mayReviewAny: false })).toBe(0)
    expect(countReviewableSuggestedEdits(db(), { viewerId: createUser(db()).id, mayReviewAny: false })).toBe(0)
  })

  test('approval applies the edit as a revision, re-renders the body, keeps search in sync and pays the suggester +2', () => {
    const author = createUser(db()),
      suggester = createUser(db())
    const question = createTestQuestion(db(), { authorId: author.id })
    const edit = suggestEdit(db(), {
      target: { type: 'question', id: question.id },
      authorId: suggester.id,
      title: 'How do I rotate my API key without downtime?',
      bodyMd: 'I need to **rotate** the zanzibarkey while traffic keeps flowing.',
      comment: 'Clearer title',
    })
    expect(notificationsOf(author.id)).toEqual([expect.objectContaining({ url: '/review/edits' })])
    expect(countPendingSuggestedEdits(db(), [{ type: 'question', id: question.id }], suggester.id).get(`question:${question.id}`)).toEqual({
      pending: 1,
      isViewerPending: true,
    })

    expect(reviewSuggestedEdit(db(), { editId: edit.id, reviewerId: author.id, decision: 'approve' })).toEqual({
      status: 'approved',
      url: `/questions/${question.id}`,
    })
    const row = db().select().from(questions).where(eq(questions.id, question.id)).get()!
    expect(row.title).toBe('How do I rotate my API key without downtime?')
    expect(row.bodyHtml).toBe('<p>I need to <strong>rotate</strong> the zanzibarkey while traffic keeps flowing.</p>')
    const revisions = db()
      .select()
      .from(postRevisions)
      .where(and(eq(postRevisions.targetType, 'question'), eq(postRevisions.targetId, question.id)))
      .all()
    expect(revisions).toEqual([
      expect.objectContaining({ editorId: suggester.id, title: question.title, reason: 'Suggested edit: Clearer title' }),
    ])
    expect(search(db(), { q: 'zanzibarkey' }).hits.map((h) => h.id)).toContain(question.id)
    expect(reputationOf(suggester.id)).toBe(3)
    expect(notificationsOf(suggester.id)).toEqual([
      expect.objectContaining({ title: `Your suggested edit on “${question.title}” was approved`, url: `/questions/${question.id}` }),
    ])
    // Reviewed once only.
    expect(() => reviewSuggestedEdit(db(), { editId: edit.id, reviewerId: author.id, decision: 'reject', reason: 'No' })).toThrow(
      ConflictError,
    )
    expect(reputationOf(suggester.id)).toBe(3)
    expect(findReputationMismatches(db())).toEqual([])
  })

  test('rejection needs a reason, pays nothing and tells the suggester why', () => {
    const author = createUser(db()),
      suggester = createUser(db())
    const question = createTestQuestion(db(), { authorId: author.id })
    const answer = createTestAnswer(db(), { questionId: question.id, authorId: author.id })
    const edit = suggestEdit(db(), {
      target: { type: 'answer', id: answer.id },
      authorId: suggester.id,
      title: null,
      bodyMd: 'Open Settings, then API.',
      comment: '',
    })
    expect(() => reviewSuggestedEdit(db(), { editId: edit.id, reviewerId: author.id, decision: 'reject', reason: '  ' })).toThrow(
      DomainError,
    )
    reviewSuggestedEdit(db(), { editId: edit.id, reviewerId: author.id, decision: 'reject', reason: 'The steps were right as they were.' })
    expect(db().select({ bodyMd: answers.bodyMd }).from(answers).where(eq(answers.id, answer.id)).get()!.bodyMd).not.toBe(
      'Open Settings, then API.',
    )
    expect(db().select().from(suggestedEdits).where(eq(suggestedEdits.id, edit.id)).get()).toMatchObject({
      status: 'rejected',
      reviewedById: author.id,
      reviewReason: 'The steps were right as they were.',
    })
    expect(reputationOf(suggester.id)).toBe(1)
    expect(notificationsOf(suggester.id)).toEqual([expect.objectContaining({ body: 'The steps were right as they were.' })])
  })

  test('one pending suggestion per member per post; none on one’s own post; it must change something; nobody reviews their own', () => {
    const author = createUser(db()),
      suggester = createUser(db()),
      editor = createUser(db(), { reputation: 2000 })
    const idea = createTestIdea(db(), { authorId: author.id })
    const target = { type: 'idea', id: idea.id } as const
    const first = suggestEdit(db(), {
      target,
      authorId: suggester.id,
      title: `${idea.title}, please`,
      bodyMd: 'A clearer text.',
      comment: '',
    })
    expect(() => suggestEdit(db(), { target, authorId: suggester.id, title: null, bodyMd: 'Again.', comment: '' })).toThrow(ConflictError)
    expect(() => suggestEdit(db(), { target, authorId: author.id, title: null, bodyMd: 'Mine.', comment: '' })).toThrow(ForbiddenError)
    const body = db().select({ bodyMd: ideas.bodyMd }).from(ideas).where(eq(ideas.id, idea.id)).get()!.bodyMd
    expect(() => suggestEdit(db(), { target, authorId: editor.id, title: idea.title, bodyMd: body, comment: '' })).toThrow(DomainError)
    expect(() => reviewSuggestedEdit(db(), { editId: first.id, reviewerId: suggester.id, decision: 'approve' })).toThrow(ForbiddenError)
    // After review, the member may suggest again.
    reviewSuggestedEdit(db(), { editId: first.id, reviewerId: editor.id, decision: 'approve' })
    expect(db().select({ title: ideas.title }).from(ideas).where(eq(ideas.id, idea.id)).get()!.title).toBe(`${idea.title}, please`)
    expect(
      suggestEdit(db(), { target, authorId: suggester.id, title: null, bodyMd: 'Another improvement.', comment: '' }).id,
    ).toBeGreaterThan(first.id)
    expect(reputationOf(suggester.id)).toBe(3)
  })

  test('an idea’s title others voted for changes only with staff approval; its text may change', () => {
    const author = createUser(db()),
      suggester = createUser(db()),
      voter = createUser(db()),
      moderator = createUser(db(), { role: 'moderator' })
    const idea = createTestIdea(db(), { authorId: author.id })
    setIdeaVote(db(), { ideaId: idea.id, userId: voter.id, voted: true })
    const target = { type: 'idea', id: idea.id } as const
    const retitle = suggestEdit(db(), {
      target,
      authorId: suggester.id,
      title: 'Export every report as a CSV file',
      bodyMd: 'Same text.',
      comment: '',
    })
    expect(() => reviewSuggestedEdit(db(), { editId: retitle.id, reviewerId: author.id, decision: 'approve' })).toThrow(ConflictError)
    expect(db().select({ status: suggestedEdits.status }).from(suggestedEdits).where(eq(suggestedEdits.id, retitle.id)).get()!.status).toBe(
      'pending',
    )
    reviewSuggestedEdit(db(), { editId: retitle.id, reviewerId: moderator.id, reviewerIsStaff: true, decision: 'approve' })
    expect(db().select({ title: ideas.title }).from(ideas).where(eq(ideas.id, idea.id)).get()!.title).toBe(
      'Export every report as a CSV file',
    )
    const text = suggestEdit(db(), { target, authorId: suggester.id, title: null, bodyMd: 'A clearer text, same title.', comment: '' })
    reviewSuggestedEdit(db(), { editId: text.id, reviewerId: author.id, decision: 'approve' })
    expect(db().select({ bodyHtml: ideas.bodyHtml }).from(ideas).where(eq(ideas.id, idea.id)).get()!.bodyHtml).toBe(
      '<p>A clearer text, same title.</p>',
    )
    expect(reputationOf(suggester.id)).toBe(5)
  })

  test('the review list shows the author their posts’ suggestions, and editors everyone’s but their own', () => {
    const author = createUser(db()),
      other = createUser(db()),
      suggester = createUser(db()),
      editor = createUser(db(), { reputation: 2000 })
    const mine = createTestQuestion(db(), { authorId: author.id })
    const theirs = createTestQuestion(db(), { authorId: other.id })
    const a = suggestEdit(db(), {
      target: { type: 'question', id: mine.id },
      authorId: suggester.id,
      title: null,
      bodyMd: 'Better text for mine, with details.',
      comment: '',
    })
    const b = suggestEdit(db(), {
      target: { type: 'question', id: theirs.id },
      authorId: suggester.id,
      title: null,
      bodyMd: 'Better text for theirs, with details.',
      comment: '',
    })
    const c = suggestEdit(db(), {
      target: { type: 'question', id: theirs.id },
      authorId: editor.id,
      title: null,
      bodyMd: 'The editor’s own idea of a better text.',
      comment: '',
    })
    const ids = (viewerId: number, mayReviewAny: boolean) =>
      listReviewableSuggestedEdits(db(), { viewerId, mayReviewAny }).items.map((i) => i.id)
    expect(ids(author.id, false)).toEqual([a.id])
    expect(ids(editor.id, true)).toEqual(expect.arrayContaining([a.id, b.id]))
    expect(ids(editor.id, true)).not.toContain(c.id)
    expect(listReviewableSuggestedEdits(db(), { viewerId: author.id, mayReviewAny: false }).items[0]).toMatchObject({
      post: { bodyMd: 'I cannot find the setting anywhere in the dashboard.' },
      bodyMd: 'Better text for mine, with details.',
      suggesterUsername: suggester.username,
    })
  })
})

describe('suggested edits (routes)', () => {
  test('a member under the edit threshold gets the form; an editor is sent to edit directly', async () => {
    const author = createUser(db()),
      member = createUser(db()),
      editor = createUser(db(), { reputation: 2000 })
    const question = createTestQuestion(db(), { authorId: author.id })
    const params = { type: 'question', id: String(question.id) }
    const page = await settle(async () =>
      suggestLoader({ request: await getRequest(`/suggest-edit/question/${question.id}`, { userId: member.id }), params, context: {} }),
    )
    expect(page).toMatchObject({ status: 200, body: { post: { title: question.title, hasTitle: true } } })
    const refused = await settle(async () => suggestLoader({ request: await getRequest('/x', { userId: editor.id }), params, context: {} }))
    expect(refused).toMatchObject({ status: 302, location: `/questions/${question.id}/edit` })
    expect(await settle(async () => suggestLoader({ request: await getRequest('/x'), params, context: {} }))).toMatchObject({ status: 302 })
    expect(
      await settle(async () =>
        suggestLoader({ request: await getRequest('/x', { userId: member.id }), params: { type: 'comment', id: '1' }, context: {} }),
      ),
    ).toMatchObject({
      status: 404,
    })
  })

  test('posting a suggestion: 400 with field errors kept, then 302; a second one is a 409', async () => {
    const author = createUser(db()),
      member = createUser(db())
    const question = createTestQuestion(db(), { authorId: author.id })
    const params = { type: 'question', id: String(question.id) }
    const post = async (fields: Record<string, string>) =>
      settle(async () =>
        suggestAction({
          request: await formRequest(`/suggest-edit/question/${question.id}`, fields, { userId: member.id }),
          params,
          context: {},
        }),
      )
    expect(await post({ title: 'short', body: 'x', comment: '' })).toMatchObject({
      status: 400,
      body: { fields: { title: 'short' }, fieldErrors: { title: expect.any(Array) } },
    })
    const fields = { title: question.title, body: 'A longer, clearer description of the API key problem.', comment: 'Clarified' }
    expect(await post(fields)).toMatchObject({ status: 302, location: `/questions/${question.id}` })
    expect(await post(fields)).toMatchObject({ status: 409 })
  })

  test('/review/edits: the author approves with post/redirect/get; a member who may not review gets 403', async () => {
    const author = createUser(db()),
      member = createUser(db()),
      stranger = createUser(db(), { reputation: 1999 })
    const question = createTestQuestion(db(), { authorId: author.id })
    const edit = suggestEdit(db(), {
      target: { type: 'question', id: question.id },
      authorId: member.id,
      title: null,
      bodyMd: 'A much clearer body for the question.',
      comment: '',
    })
    const list = await settle(async () =>
      reviewLoader({ request: await getRequest('/review/edits', { userId: author.id }), params: {}, context: {} }),
    )
    expect(list).toMatchObject({ status: 200, body: { items: [expect.objectContaining({ id: edit.id })] } })
    const send = async (userId: number, fields: Record<string, string>) =>
      settle(async () => reviewAction({ request: await formRequest('/review/edits', fields, { userId }), params: {}, context: {} }))
    expect(await send(stranger.id, { intent: 'approve', editId: String(edit.id) })).toMatchObject({ status: 403 })
    expect(await send(author.id, { intent: 'reject', editId: String(edit.id), reason: '' })).toMatchObject({ status: 400 })
    expect(await send(author.id, { intent: 'approve', editId: String(edit.id) })).toMatchObject({ status: 302, location: '/review/edits' })
    expect(reputationOf(member.id)).toBe(3)
    expect(db().get<{ n: number }>(sql`select count(*) as n from suggested_edits where id = ${edit.id} and status = 'approved'`)!.n).toBe(1)
  })

  test('post pages offer “Suggest an edit” to members who cannot edit, and show reviewers how many are pending', async () => {
    const author = createUser(db()),
      member = createUser(db()),
      editor = createUser(db(), { reputation: 2000 })
    const idea = createTestIdea(db(), { authorId: author.id })
    const question = createTestQuestion(db(), { authorId: author.id })
    type Page = { suggestedEdits: unknown; question: { can: { suggestedEdits: unknown } } }
    const ideaState = async (userId?: number) =>
      (
        (
          await settle(async () =>
            ideaLoader({ request: await getRequest(`/ideas/${idea.id}`, { userId }), params: { ideaId: String(idea.id) }, context: {} }),
          )
        ).body as Page
      ).suggestedEdits
    const questionState = async (userId?: number) =>
      (
        (
          await settle(async () =>
            questionLoader({
              request: await getRequest(`/questions/${question.id}`, { userId }),
              params: { questionId: String(question.id) },
              context: {},
            }),
          )
        ).body as Page
      ).question.can.suggestedEdits
    expect(await ideaState()).toEqual({ canSuggest: false, canReview: false, pending: 0, isViewerPending: false })
    expect(await ideaState(member.id)).toEqual({ canSuggest: true, canReview: false, pending: 0, isViewerPending: false })
    suggestEdit(db(), { target: { type: 'idea', id: idea.id }, authorId: member.id, title: null, bodyMd: 'A clearer text.', comment: '' })
    expect(await ideaState(member.id)).toEqual({ canSuggest: true, canReview: false, pending: 1, isViewerPending: true })
    expect(await ideaState(author.id)).toEqual({ canSuggest: false, canReview: true, pending: 1, isViewerPending: false })
    expect(await questionState(member.id)).toEqual({ canSuggest: true, canReview: false, pending: 0, isViewerPending: false })
    expect(await questionState(editor.id)).toEqual({ canSuggest: false, canReview: true, pending: 0, isViewerPending: false })
  })
})
