import { and, eq } from 'drizzle-orm'
import { describe, expect, test } from 'vitest'
import { ideas, ideaVotes } from '#db/schema'
import { getDb } from '~/lib/db.server'
import { recordHits } from '~/lib/rate-limit.server'
import { postIdea } from '~/models/idea-posting.server'
import { getIdeaPage } from '~/models/ideas.server'
import { action as previewAction, loader as previewLoader } from '~/routes/resources.markdown-preview'
import { action, loader } from '~/routes/ideas.new'
import { createCategory, createTestIdea, createUser, unique } from '#tests/factories'
import { formRequest, getRequest, settle } from '#tests/route-helpers'

const db = () => getDb()
const category = createCategory(db(), { name: unique('Reports ') })
const DAY = 86_400_000

/** A member past the new-member limits (an account older than a day, 15+ reputation). */
const establishedMember = () => createUser(db(), { reputation: 20, createdAt: new Date(Date.now() - 2 * DAY) })

const valid = () => ({
  title: `Schedule ${unique('report')} e-mails every Monday`,
  body: 'Our managers want the **weekly** numbers in their inbox.',
  categoryId: String(category.id),
  tags: '',
})

async function post(fields: Record<string, string>, userId?: number) {
  const request = await formRequest('/ideas/new', fields, { userId })
  return settle(() => action({ request, params: {}, context: {} }))
}

describe('posting an idea', () => {
  test('a member under 500 reputation may use existing tags but not create new ones', async () => {
    const tagger = createUser(db(), { reputation: 500, createdAt: new Date(Date.now() - 2 * DAY) })
    expect(await post({ ...valid(), tags: 'reports' }, tagger.id)).toMatchObject({ status: 302 }) // 500: creates it
    const author = establishedMember()
    const fresh = unique('fresh')
    const res = await post({ ...valid(), tags: `reports, ${fresh}` }, author.id)
    expect(res).toMatchObject({
      status: 400,
      body: {
        fieldErrors: {
          tags: [
            `No tag named “${fresh}” exists yet. You need 500 reputation to create new tags. Use existing tags, or leave the new ones out.`,
          ],
        },
        fields: { tags: `reports, ${fresh}` },
      },
    })
    expect(await post({ ...valid(), tags: 'reports' }, author.id)).toMatchObject({ status: 302 })
  })

  test('creates the idea with its author’s vote and normalized tags, and redirects to it', async () => {
    const author = createUser(db(), { reputation: 500, createdAt: new Date(Date.now() - 2 * DAY) })
    const fields = { ...valid(), title: `  Schedule ${unique('csv')} exports  `, tags: 'Reports, CSV  export,reports' }
    const res = await post(fields, author.id)
    expect(res.status).toBe(302)
    const ideaId = Number(res.location?.match(/^\/ideas\/(\d+)$/)?.[1])
    expect(ideaId).toBeGreaterThan(0)
    const row = db().select().from(ideas).where(eq(ideas.id, ideaId)).get()!
    expect(row).toMatchObject({ authorId: author.id, title: fields.title.trim(), categoryId: category.id, voteCount: 1, status: 'open' })
    expect(row.bodyHtml).toBe('<p>Our managers want the <strong>weekly</strong> numbers in their inbox.</p>')
    expect(
      db()
        .select()
        .from(ideaVotes)
        .where(and(eq(ideaVotes.ideaId, ideaId), eq(ideaVotes.userId, author.id)))
        .all(),
    ).toHaveLength(1)
    const page = getIdeaPage(db(), { ideaId })
    expect('tags' in page && page.tags).toEqual(['csv', 'export', 'reports'])
  })

  test.each([
    ['a short title', { title: 'Too short' }, 'title', 'Use at least 10 characters.'],
    ['a long title', { title: 'x'.repeat(141) }, 'title', 'Use at most 140 characters.'],
    ['a missing title', { title: undefined }, 'title', 'Give your idea a title.'],
    ['an empty body', { body: '  \n ' }, 'body', 'Describe your idea.'],
    ['a long body', { body: 'x'.repeat(10_001) }, 'body', 'Use at most 10,000 characters.'],
    ['six tags', { tags: 'a b c d e f' }, 'tags', 'Use at most 5 tags.'],
    ['a tag with odd characters', { tags: 'reports, café' }, 'tags', 'Tags may use letters a–z, digits and . + # -'],
    ['a malformed category', { categoryId: 'abc' }, 'categoryId', 'Choose a category from the list.'],
    ['an unknown category', { categoryId: '999999999' }, 'categoryId', 'Choose a category from the list.'],
    ['no category', { categoryId: '' }, 'categoryId', 'Choose a category.'],
  ])('%s is a 400 with its message, keeping what was typed', async (_label, change, field, message) => {
    const author = establishedMember()
    const fields = Object.fromEntries(Object.entries({ ...valid(), ...change }).filter(([, v]) => v !== undefined)) as Record<
      string,
      string
    >
    const res = await post(fields, author.id)
    expect(res.status).toBe(400)
    expect(res.body).toMatchObject({ fieldErrors: { [field]: [message] }, fields: { body: fields.body, tags: fields.tags } })
    expect((res.body as { fields: Record<string, string> }).fields.title).toBe(fields.title)
  })

  test('every mistake is reported at once', async () => {
    const author = establishedMember()
    const res = await post({ ...valid(), title: 'short', categoryId: '', tags: 'a b c d e f' }, author.id)
    expect(res).toMatchObject({
      status: 400,
      body: { fieldErrors: { title: ['Use at least 10 characters.'], categoryId: ['Choose a category.'], tags: ['Use at most 5 tags.'] } },
    })
  })

  test('postIdea checks the category itself, in case it was removed after the form was read', () => {
    const author = establishedMember()
    const input = { authorId: author.id, title: 'A perfectly fine title', bodyMd: 'Body', tagNames: [] }
    expect(postIdea(db(), { ...input, categoryId: 999_999_999 })).toEqual({
      ok: false,
      field: 'categoryId',
      message: 'Choose a category from the list.',
    })
    expect(postIdea(db(), { ...input, categoryId: null })).toEqual({ ok: false, field: 'categoryId', message: 'Choose a category.' })
  })

  test('an oversized request is a 413', async () => {
    const author = establishedMember()
    expect((await post({ ...valid(), body: 'x'.repeat(300_000) }, author.id)).status).toBe(413)
  })

  test('a cross-site post is refused with 403', async () => {
    const author = establishedMember()
    const request = await formRequest('/ideas/new', valid(), { userId: author.id, origin: 'https://evil.example' })
    expect((await settle(() => action({ request, params: {}, context: {} }))).status).toBe(403)
  })

  test('a logged-out visitor is sent to log in and brought back', async () => {
    expect(await post(valid())).toMatchObject({ status: 302, location: '/login?redirectTo=%2Fideas%2Fnew' })
    const page = await settle(async () => loader({ request: await getRequest('/ideas/new'), params: {}, context: {} }))
    expect(page).toMatchObject({ status: 302, location: '/login?redirectTo=%2Fideas%2Fnew' })
  })

  test('a suspended member gets 403', async () => {
    const member = createUser(db(), { suspendedUntil: new Date(Date.now() + DAY), suspensionReason: 'Spam' })
    expect((await post(valid(), member.id)).status).toBe(403)
  })

  test('a new member’s 4th idea of the day is a 429 that keeps the form', async () => {
    const member = createUser(db()) // created just now, reputation 1
    for (let i = 0; i < 3; i++) expect((await post(valid(), member.id)).status).toBe(302)
    const fields = valid()
    const res = await post(fields, member.id)
    expect(res.status).toBe(429)
    expect(res.headers.get('Retry-After')).toMatch(/^\d+$/)
    expect(res.body).toMatchObject({
      formErrors: [expect.stringMatching(/^You can post 3 ideas a day while your account is new\. Try again in \d+ hours?\.$/)],
      fields: { title: fields.title, body: fields.body, categoryId: fields.categoryId },
    })
  })

  test('an established member may post 20 a day, and the limit is kept in the database', async () => {
    const member = establishedMember()
    recordHits(
      db(),
      Array.from({ length: 19 }, () => `idea:user:${member.id}`),
    )
    expect((await post(valid(), member.id)).status).toBe(302)
    const res = await post(valid(), member.id)
    expect(res.status).toBe(429)
    expect(res.body).toMatchObject({ formErrors: [expect.stringMatching(/^You can post 20 ideas a day\./)] })
  })

  test('validation failures and previews do not count against the daily limit', async () => {
    const member = createUser(db())
    for (let i = 0; i < 5; i++) {
      expect((await post({ ...valid(), title: 'short' }, member.id)).status).toBe(400)
      expect((await post({ ...valid(), intent: 'preview' }, member.id)).status).toBe(200)
    }
    expect((await post(valid(), member.id)).status).toBe(302)
  })
})

describe('the Preview button', () => {
  test('renders the sanitized body and lists similar ideas, without posting', async () => {
    const author = establishedMember()
    const word = unique('lynx')
    const existing = createTestIdea(db(), { authorId: createUser(db()).id, title: `Show ${word} usage per team` })
    const before = db().select({ id: ideas.id }).from(ideas).all().length
    const fields = {
      intent: 'preview',
      title: `A ${word} usage report`,
      body: '**Hi** <script>alert(1)</script><a href="javascript:x()">x</a>',
      categoryId: '',
      tags: 'x y',
    }
    const res = await post(fields, author.id)
    expect(res.status).toBe(200)
    expect(res.body).toMatchObject({
      intent: 'preview',
      previewHtml: '<p><strong>Hi</strong> <a rel="nofollow ugc noopener">x</a></p>',
      fields: { title: fields.title, body: fields.body, tags: 'x y' },
    })
    expect((res.body as { similar: unknown[] }).similar[0]).toEqual({
      id: existing.id,
      title: existing.title,
      status: 'open',
      voteCount: 1,
    })
    expect(db().select({ id: ideas.id }).from(ideas).all()).toHaveLength(before)
  })

  test('a body over the limit is a 400 on that field', async () => {
    const author = establishedMember()
    const res = await post({ intent: 'preview', title: 'x', body: 'x'.repeat(10_001) }, author.id)
    expect(res).toMatchObject({ status: 400, body: { fieldErrors: { body: ['Use at most 10,000 characters.'] } } })
  })
})

describe('/resources/markdown-preview', () => {
  const preview = async (body: string, options: { userId?: number; origin?: string } = {}) => {
    const request = await formRequest('/resources/markdown-preview', { body }, options)
    return settle(() => previewAction({ request, params: {}, context: {} }))
  }

  test('answers the sanitized HTML as JSON', async () => {
    const member = createUser(db())
    const res = await preview('# Title\n\n<img src=x onerror=alert(1)> *ok*', { userId: member.id })
    expect(res.status).toBe(200)
    expect(res.body).toEqual({ html: '<h3>Title</h3>\n<p> <em>ok</em></p>' })
  })

  test('refuses logged-out (401), cross-site (403), oversized (400/413) requests and GET (405)', async () => {
    const member = createUser(db())
    expect((await preview('hi')).status).toBe(401)
    expect((await preview('hi', { userId: member.id, origin: 'https://evil.example' })).status).toBe(403)
    expect((await preview('x'.repeat(10_001), { userId: member.id })).status).toBe(400)
    expect((await preview('x'.repeat(70_000), { userId: member.id })).status).toBe(413)
    expect((await settle(() => previewLoader())).status).toBe(405)
  })

  test('is rate limited per member', async () => {
    const member = createUser(db())
    for (let i = 0; i < 60; i++) expect((await preview('hi', { userId: member.id })).status).toBe(200)
    const res = await preview('hi', { userId: member.id })
    expect(res.status).toBe(429)
    expect(res.headers.get('Retry-After')).toMatch(/^\d+$/)
    expect((await preview('hi', { userId: createUser(db()).id })).status).toBe(200)
  })
})
