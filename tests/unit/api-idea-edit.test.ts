/** editIdeaFields: the API's one-request edit of an idea's title, body, category and tags, by the site's edit rules. */
import { and, asc, eq, sql } from 'drizzle-orm'
import { describe, expect, test } from 'vitest'
import { ideas, moderationLog, notifications, postRevisions, webhookDeliveries } from '#db/schema'
import { getDb } from '~/lib/db.server'
import { ConflictError, NotFoundError } from '~/lib/errors'
import { editIdeaFields, type IdeaFieldsEdit } from '~/models/idea-edit.server'
import { createApiToken } from '~/models/api-tokens.server'
import { mergeIdea } from '~/models/idea-merge.server'
import { getIdeaPage } from '~/models/ideas.server'
import { moderatePost } from '~/models/moderation.server'
import { setIdeaVote } from '~/models/votes.server'
import { createWebhookEndpoint } from '~/models/webhooks.server'
import { action as ideaAction } from '~/routes/api.v1.ideas.$ideaId'
import { action as mergeAction } from '~/routes/api.v1.ideas.$ideaId.merge'
import { createCategory, createTestIdea, createUser } from '#tests/factories'

const db = () => getDb()
const ideaRow = (id: number) =>
  db()
    .select({ title: ideas.title, bodyMd: ideas.bodyMd, bodyHtml: ideas.bodyHtml, categoryId: ideas.categoryId })
    .from(ideas)
    .where(eq(ideas.id, id))
    .get()!
const tagsOf = (id: number) => getIdeaPage(db(), { ideaId: id, staffView: true, showMerged: true }) as { tags: string[] }
const revisionsOf = (id: number) =>
  db()
    .select({ editorId: postRevisions.editorId, title: postRevisions.title, bodyMd: postRevisions.bodyMd, reason: postRevisions.reason })
    .from(postRevisions)
    .where(and(eq(postRevisions.targetType, 'idea'), eq(postRevisions.targetId, id)))
    .orderBy(asc(postRevisions.id))
    .all()
const logOf = (id: number) =>
  db()
    .select({
      actorId: moderationLog.actorId,
      action: moderationLog.action,
      reason: moderationLog.reason,
      before: moderationLog.before,
      after: moderationLog.after,
    })
    .from(moderationLog)
    .where(and(eq(moderationLog.targetType, 'idea'), eq(moderationLog.targetId, id), eq(moderationLog.action, 'edit_idea')))
    .orderBy(asc(moderationLog.id))
    .all()
const ftsFinds = (word: string) =>
  db()
    .all<{ id: number }>(sql`select rowid as id from ideas_fts where ideas_fts match ${`"${word}"`}`)
    .map((r) => r.id)

const edit = (input: Omit<IdeaFieldsEdit, 'tagRefusal'> & { tagRefusal?: string | null }) =>
  editIdeaFields(db(), { tagRefusal: null, ...input })

function authorsIdea() {
  const author = createUser(db())
  const idea = createTestIdea(db(), {
    authorId: author.id,
    title: 'Schedule the weekly digest e-mail',
    bodyMd: 'Pick the day it goes out.',
    tagNames: ['email'],
  })
  return { author, idea }
}

describe('the author', () => {
  test('edits title, body, category and tags in one request while the idea is open and nobody else voted; each change is a revision', () => {
    const { author, idea } = authorsIdea()
    const category = createCategory(db())
    const word = `quokka${Math.random()
      .toString(36)
      .replace(/[^a-z]/g, '')
      .slice(0, 6)}`
    const result = edit({
      ideaId: idea.id,
      editorId: author.id,
      asStaff: false,
      title: '  Schedule the weekly digest for any day  ',
      bodyMd: `Pick the **day** and the hour; ${word} time zones too.`,
      categoryId: category.id,
      tagNames: ['email', 'Digest'],
    })
    expect(result).toEqual({ ok: true, changed: ['title', 'body', 'category', 'tags'] })
    expect(ideaRow(idea.id)).toMatchObject({
      title: 'Schedule the weekly digest for any day',
      bodyMd: `Pick the **day** and the hour; ${word} time zones too.`,
      bodyHtml: expect.stringContaining('<strong>day</strong>'),
      categoryId: category.id,
    })
    expect(tagsOf(idea.id).tags).toEqual(['digest', 'email'])
    // The text first (the old title and body), then the category and tags (the text they replaced).
    expect(revisionsOf(idea.id)).toEqual([
      {
        editorId: author.id,
        title: 'Schedule the weekly digest e-mail',
        bodyMd: 'Pick the day it goes out.',
        reason: 'Changed the title, body.',
      },
      {
        editorId: author.id,
        title: 'Schedule the weekly digest for any day',
        bodyMd: `Pick the **day** and the hour; ${word} time zones too.`,
        reason: 'Changed the category, tags.',
      },
    ])
    expect(ftsFinds(word)).toEqual([idea.id])
    expect(logOf(idea.id)).toEqual([]) // an author's own edit is not a moderation action
  })

  test('a single field changes only that field; the same values again change nothing and write nothing', () => {
    const { author, idea } = authorsIdea()
    expect(edit({ ideaId: idea.id, editorId: author.id, asStaff: false, bodyMd: 'Pick the day and the hour.' })).toEqual({
      ok: true,
      changed: ['body'],
    })
    expect(ideaRow(idea.id).title).toBe('Schedule the weekly digest e-mail')
    expect(tagsOf(idea.id).tags).toEqual(['email'])
    expect(
      edit({
        ideaId: idea.id,
        editorId: author.id,
        asStaff: false,
        title: 'Schedule the weekly digest e-mail',
        bodyMd: 'Pick the day and the hour.',
        tagNames: ['EMAIL'],
      }),
    ).toEqual({
      ok: true,
      changed: [],
    })
    expect(revisionsOf(idea.id)).toHaveLength(1)
  })

  test('is refused once someone else voted, for the body too, and nothing changes', () => {
    const { author, idea } = authorsIdea()
    setIdeaVote(db(), { ideaId: idea.id, userId: createUser(db()).id, voted: true })
    for (const change of [
      { bodyMd: 'A different text.' },
      { title: 'A different title for it' },
      { tagNames: ['other'] },
      { bodyMd: 'Text.', tagNames: ['x'] },
    ]) {
      expect(() => edit({ ideaId: idea.id, editorId: author.id, asStaff: false, ...change })).toThrow(
        new ConflictError('Others have voted for this idea as it is, so only the team can edit it now.'),
      )
    }
    expect(ideaRow(idea.id)).toMatchObject({ title: 'Schedule the weekly digest e-mail', bodyMd: 'Pick the day it goes out.' })
    expect(revisionsOf(idea.id)).toEqual([])
  })

  test('may not edit someone else’s idea without the staff rule', () => {
    const { idea } = authorsIdea()
    expect(() => edit({ ideaId: idea.id, editorId: createUser(db()).id, asStaff: false, bodyMd: 'Mine now.' })).toThrow(
      'You can only edit your own ideas.',
    )
  })
})

describe('staff', () => {
  test('edit someone else’s idea after votes; the text change and the tag change are logged with the reason', () => {
    const { author, idea } = authorsIdea()
    const moderator = createUser(db(), { role: 'moderator' })
    setIdeaVote(db(), { ideaId: idea.id, userId: createUser(db()).id, voted: true })
    const result = edit({
      ideaId: idea.id,
      editorId: moderator.id,
      asStaff: true,
      bodyMd: 'Pick the day it goes out (no links to other shops).',
      tagNames: ['email', 'scheduling'],
      reason: 'Removed an advert.',
    })
    expect(result).toEqual({ ok: true, changed: ['body', 'tags'] })
    expect(revisionsOf(idea.id).map((r) => [r.editorId, r.reason])).toEqual([
      [moderator.id, 'Changed the body. Removed an advert.'],
      [moderator.id, 'Changed the tags. Removed an advert.'],
    ])
    const log = logOf(idea.id)
    expect(log).toHaveLength(2)
    expect(log[0]).toMatchObject({
      actorId: moderator.id,
      reason: 'Removed an advert.',
      before: { title: 'Schedule the weekly digest e-mail', bodyMd: 'Pick the day it goes out.' },
      after: { bodyMd: 'Pick the day it goes out (no links to other shops).' },
    })
    expect(log[1]).toMatchObject({ reason: 'Removed an advert.', before: { tags: ['email'] }, after: { tags: ['email', 'scheduling'] } })
    expect(author.id).not.toBe(moderator.id)
  })

  test('change a locked idea’s title and tags but not its text; a refusal in the text step leaves every field as it was', () => {
    const { author, idea } = authorsIdea()
    const moderator = createUser(db(), { role: 'moderator' })
    moderatePost(db(), { actorId: moderator.id, target: { type: 'idea', id: idea.id }, action: 'lock', reason: 'Heated.' })
    expect(() => edit({ ideaId: idea.id, editorId: moderator.id, asStaff: true, bodyMd: 'New text.', tagNames: ['calm'] })).toThrow(
      new ConflictError('This idea is locked.'),
    )
    expect(tagsOf(idea.id).tags).toEqual(['email'])
    expect(ideaRow(idea.id).bodyMd).toBe('Pick the day it goes out.')
    expect(
      edit({ ideaId: idea.id, editorId: moderator.id, asStaff: true, title: 'Schedule the weekly digest (locked)', tagNames: ['calm'] }),
    ).toEqual({ ok: true, changed: ['title', 'tags'] })
    // The same body as now is no text change, so it does not trip the lock.
    expect(edit({ ideaId: idea.id, editorId: moderator.id, asStaff: true, bodyMd: 'Pick the day it goes out.' })).toEqual({
      ok: true,
      changed: [],
    })
    expect(() => edit({ ideaId: idea.id, editorId: author.id, asStaff: false, title: 'The author tries after the lock' })).toThrow(
      new ConflictError('This idea is locked.'),
    )
  })
})

describe('refusals', () => {
  test('an unknown category or a new tag from someone who may not create tags is a field refusal, and nothing is written', () => {
    const { author, idea } = authorsIdea()
    expect(
      edit({ ideaId: idea.id, editorId: author.id, asStaff: false, title: 'A title that must not be saved', categoryId: 2 ** 31 }),
    ).toEqual({
      ok: false,
      field: 'categoryId',
      message: 'Choose a category from the list.',
    })
    const refused = edit({
      ideaId: idea.id,
      editorId: author.id,
      asStaff: false,
      bodyMd: 'Not saved.',
      tagNames: ['email', 'brand-new-tag-zq'],
      tagRefusal: 'You need 500 reputation to create new tags.',
    })
    expect(refused).toMatchObject({ ok: false, field: 'tags', message: expect.stringContaining('“brand-new-tag-zq”') })
    expect(ideaRow(idea.id)).toMatchObject({ title: 'Schedule the weekly digest e-mail', bodyMd: 'Pick the day it goes out.' })
    expect(revisionsOf(idea.id)).toEqual([])
    // Existing tags need no permission; null clears the category.
    expect(
      edit({ ideaId: idea.id, editorId: author.id, asStaff: false, tagNames: ['email'], categoryId: null, tagRefusal: 'No.' }),
    ).toEqual({ ok: true, changed: [] })
  })

  test('a merged idea is a 409; a hidden, deleted or missing one is not there', () => {
    const { author, idea } = authorsIdea()
    const product = createUser(db(), { role: 'product' })
    const target = createTestIdea(db(), { authorId: createUser(db()).id })
    mergeIdea(db(), { ideaId: idea.id, targetId: target.id, actorId: product.id })
    expect(() => edit({ ideaId: idea.id, editorId: product.id, asStaff: true, bodyMd: 'After the merge.' })).toThrow(
      new ConflictError('This idea was merged into another one.'),
    )
    expect(() => edit({ ideaId: idea.id, editorId: product.id, asStaff: true, title: 'After the merge, a title' })).toThrow(ConflictError)
    const hidden = authorsIdea()
    moderatePost(db(), { actorId: product.id, target: { type: 'idea', id: hidden.idea.id }, action: 'hide', reason: 'Spam.' })
    expect(() => edit({ ideaId: hidden.idea.id, editorId: hidden.author.id, asStaff: false, bodyMd: 'Hidden.' })).toThrow(NotFoundError)
    expect(() => edit({ ideaId: 2 ** 40, editorId: author.id, asStaff: true, bodyMd: 'Nothing.' })).toThrow(NotFoundError)
  })
})

test('a new @mention in the body notifies the member once; the ones already there do not again', () => {
  const { author, idea } = authorsIdea()
  const mentioned = createUser(db())
  const mentionsOf = () =>
    db()
      .select({ id: notifications.id })
      .from(notifications)
      .where(and(eq(notifications.userId, mentioned.id), eq(notifications.kind, 'mention')))
      .all()
  edit({ ideaId: idea.id, editorId: author.id, asStaff: false, bodyMd: `Ask @${mentioned.username} about the schedule.` })
  expect(mentionsOf()).toHaveLength(1)
  edit({ ideaId: idea.id, editorId: author.id, asStaff: false, bodyMd: `Ask @${mentioned.username} about the schedule, please.` })
  expect(mentionsOf()).toHaveLength(1)
  expect(ideaRow(idea.id).bodyHtml).toContain(`/u/${mentioned.username}`)
})

describe('the routes', () => {
  const call = async (route: typeof mergeAction, path: string, ideaId: number, token: string, method: string, body: unknown) =>
    route({
      request: new Request(`http://localhost:3000/api/v1/ideas/${ideaId}${path}`, {
        method,
        headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
        body: JSON.stringify(body),
      }),
      params: { ideaId: String(ideaId) },
      context: { clientIp: '203.0.113.7' },
    }) as Promise<Response>

  test('a merge through the API queues the idea.merged webhook and answers the idea merged into', async () => {
    const admin = createUser(db(), { role: 'admin' })
    const endpoint = createWebhookEndpoint(db(), {
      actorId: admin.id,
      input: { url: 'https://hooks.example.com/summit', description: 'merge receiver', kind: 'standard', events: ['idea.merged'] },
    })
    const product = createUser(db(), { role: 'product' })
    const { token } = createApiToken(db(), {
      userId: product.id,
      role: 'product',
      name: 'merge',
      scopes: ['read', 'write'],
      expiresAt: null,
    })
    const [a, b] = [createTestIdea(db(), { authorId: createUser(db()).id }), createTestIdea(db(), { authorId: createUser(db()).id })]
    const response = await call(mergeAction, '/merge', a.id, token, 'POST', { into: b.id, note: 'One place.' })
    expect(response.status).toBe(200)
    expect(await response.json()).toMatchObject({ id: b.id, voteCount: 2 })
    const queued = db()
      .select({ eventType: webhookDeliveries.eventType, payload: webhookDeliveries.payload })
      .from(webhookDeliveries)
      .where(eq(webhookDeliveries.endpointId, endpoint.id))
      .all()
    expect(queued.map((d) => d.eventType)).toEqual(['idea.merged'])
    expect(JSON.parse(queued[0]!.payload)).toMatchObject({
      type: 'idea.merged',
      data: { idea: { id: a.id, status: 'merged' }, into: { id: b.id } },
    })
    // The model's refusals are problems, never a 500: a missing target is the field's 422, a merged one a 409.
    const missing = await call(mergeAction, '/merge', b.id, token, 'POST', { into: 2 ** 40 })
    expect(missing.status).toBe(422)
    expect(await missing.json()).toMatchObject({ errors: { into: [`There is no idea #${2 ** 40} to merge into.`] } })
    expect((await call(mergeAction, '/merge', a.id, token, 'POST', { into: b.id })).status).toBe(409)
  })

  test('PATCH answers the idea after the edit, and a model field refusal as a 422 on that field', async () => {
    const author = createUser(db())
    const { token } = createApiToken(db(), { userId: author.id, role: 'member', name: 'edit', scopes: ['read', 'write'], expiresAt: null })
    const idea = createTestIdea(db(), { authorId: author.id })
    const edited = await call(ideaAction, '', idea.id, token, 'PATCH', { title: 'A title edited through the API' })
    expect(edited.status).toBe(200)
    expect(await edited.json()).toMatchObject({ id: idea.id, title: 'A title edited through the API' })
    const refused = await call(ideaAction, '', idea.id, token, 'PATCH', { categoryId: 2 ** 31 })
    expect(refused.status).toBe(422)
    expect(refused.headers.get('Content-Type')).toMatch(/^application\/problem\+json/)
    expect(await refused.json()).toMatchObject({ errors: { categoryId: ['Choose a category from the list.'] } })
  })
})
