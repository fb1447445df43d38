/** /questions/ask: validation, tags that must exist, the daily limit, the preview and similar posts. */
import { eq } from 'drizzle-orm'
import { describe, expect, test } from 'vitest'
import { ideas, questions, questionTags, tags } from '#db/schema'
import { getDb } from '~/lib/db.server'
import { NEW_MEMBER_QUESTIONS_PER_DAY, QUESTIONS_PER_DAY } from '~/lib/rate-limit.server'
import { similarPosts } from '~/models/search.server'
import { action, loader } from '~/routes/questions.ask'
import { loader as similarLoader } from '~/routes/resources.similar-questions'
import { createTestIdea, createTestQuestion, createUser, unique } from '#tests/factories'
import { formRequest, getRequest, settle } from '#tests/route-helpers'

const db = () => getDb()
const DAY = 86_400_000

async function ask(fields: Record<string, string>, userId?: number) {
  const request = await formRequest('/questions/ask', fields, { userId })
  return settle(() => action({ request, params: {}, context: {} }))
}

/** A member past the new-member limits: older than a day, with 20 reputation. */
const regularMember = () => createUser(db(), { reputation: 20, createdAt: new Date(Date.now() - 3 * DAY) })

function existingTag() {
  const name = unique('tag')
  db().insert(tags).values({ name }).run()
  return name
}

const valid = (tagNames: string) => ({
  intent: 'post',
  title: `How do I share a dashboard with a client? ${unique('')}`,
  body: 'I want to give a client read-only access to one dashboard, without an account.',
  tags: tagNames,
})

describe('asking', () => {
  test('logged-out visitors are sent to log in and brought back', async () => {
    const res = await settle(async () => loader({ request: await getRequest('/questions/ask'), params: {}, context: {} }))
    expect(res).toMatchObject({ status: 302, location: '/login?redirectTo=%2Fquestions%2Fask' })
  })

  test('a valid question is posted with its tags and the asker lands on it', async () => {
    const [a, b] = [existingTag(), existingTag()]
    const member = regularMember()
    const res = await ask(valid(`${a.toUpperCase()}, ${b} ${a}`), member.id)
    expect(res.status).toBe(302)
    const id = Number(res.location!.replace('/questions/', ''))
    const row = db().select({ authorId: questions.authorId }).from(questions).where(eq(questions.id, id)).get()
    expect(row).toEqual({ authorId: member.id })
    const tagged = db()
      .select({ name: tags.name, count: tags.questionCount })
      .from(questionTags)
      .innerJoin(tags, eq(tags.id, questionTags.tagId))
      .where(eq(questionTags.questionId, id))
      .all()
    expect(tagged.map((t) => t.name).sort()).toEqual([a, b].sort())
    expect(tagged.every((t) => t.count === 1)).toBe(true)
  })

  test('bad input is a 400 with a message beside each field, the text kept', async () => {
    const member = regularMember()
    const res = await ask({ intent: 'post', title: 'Help', body: 'It broke.', tags: '' }, member.id)
    expect(res).toMatchObject({
      status: 400,
      body: {
        fields: { title: 'Help', body: 'It broke.', tags: '' },
        fieldErrors: {
          title: ['Write at least 15 characters.'],
          body: ['Write at least 30 characters.'],
          tags: ['Add at least one tag.'],
        },
      },
    })
    expect(await ask({ ...valid('a b c d e f'), title: 'x'.repeat(151) }, member.id)).toMatchObject({
      status: 400,
      body: { fieldErrors: { title: ['Use at most 150 characters.'], tags: ['Use at most 5 tags.'] } },
    })
    expect(await ask({ ...valid('!!! ???'), body: 'y'.repeat(10_001) }, member.id)).toMatchObject({
      status: 400,
      body: { fieldErrors: { body: ['Use at most 10,000 characters.'], tags: ['Add at least one tag.'] } },
    })
    expect(await ask({ intent: 'bogus' }, member.id)).toMatchObject({ status: 400 })
  })

  test('members below 500 reputation cannot create tags: a 400 naming the unknown ones and the rule', async () => {
    const known = existingTag()
    const fresh = unique('newtag')
    const res = await ask(valid(`${known} ${fresh}`), regularMember().id)
    expect(res).toMatchObject({
      status: 400,
      body: {
        fields: { tags: `${known} ${fresh}` },
        fieldErrors: {
          tags: [
            `No tag named “${fresh}” exists yet. You need 500 reputation to create new tags. Use existing tags, or ask without the new ones.`,
          ],
        },
      },
    })
    expect(db().select().from(tags).where(eq(tags.name, fresh)).get()).toBeUndefined()
    // 500 reputation (or staff) may create it.
    const trusted = createUser(db(), { reputation: 500, createdAt: new Date(Date.now() - 3 * DAY) })
    expect(await ask(valid(`${known} ${fresh}`), trusted.id)).toMatchObject({ status: 302 })
    expect(db().select({ createdById: tags.createdById }).from(tags).where(eq(tags.name, fresh)).get()).toEqual({ createdById: trusted.id })
  })

  test('new members may ask 3 questions a day: the 4th is a 429 that keeps the text', async () => {
    const tag = existingTag()
    const newcomer = createUser(db())
    for (let i = 0; i < NEW_MEMBER_QUESTIONS_PER_DAY.limit; i++) expect(await ask(valid(tag), newcomer.id)).toMatchObject({ status: 302 })
    const fields = valid(tag)
    const res = await ask(fields, newcomer.id)
    expect(res.status).toBe(429)
    expect(Number(res.headers.get('Retry-After'))).toBeGreaterThan(0)
    expect(res.body).toMatchObject({
      fields: { title: fields.title, body: fields.body, tags: tag },
      formErrors: [expect.stringMatching(/^You can ask 3 questions a day while your account is new\. Try again in 24 hours\.$/)],
    })
    expect(db().select().from(questions).where(eq(questions.title, fields.title)).all()).toEqual([])
  })

  test('other members may ask 20 a day; refused attempts do not count', async () => {
    const tag = existingTag()
    const member = regularMember()
    await ask(valid(unique('unknown')), member.id) // refused for its tag: not counted
    for (let i = 0; i < QUESTIONS_PER_DAY.limit; i++) expect((await ask(valid(tag), member.id)).status).toBe(302)
    expect(await ask(valid(tag), member.id)).toMatchObject({
      status: 429,
      body: { formErrors: [expect.stringMatching(/^You can ask 20 questions a day\./)] },
    })
  })
})

describe('preview and similar posts', () => {
  test('the preview renders the body safely and lists similar questions and ideas; nothing is saved', async () => {
    const word = unique('wallboard')
    const question = createTestQuestion(db(), { authorId: createUser(db()).id, title: `Why is my ${word} blank after login?` })
    const idea = createTestIdea(db(), { authorId: createUser(db()).id, title: `A ${word} mode for office screens` })
    const before = db().select({ id: questions.id }).from(questions).all().length
    const res = await ask(
      { intent: 'preview', title: `How do I set up a ${word}?`, body: 'It **fails** <script>alert(1)</script>', tags: 'x' },
      regularMember().id,
    )
    expect(res.status).toBe(200)
    const body = res.body as {
      fields: Record<string, string>
      preview: { bodyHtml: string; similar: Array<{ type: string; id: number; url: string }> }
    }
    expect(body.fields).toEqual({ title: `How do I set up a ${word}?`, body: 'It **fails** <script>alert(1)</script>', tags: 'x' })
    expect(body.preview.bodyHtml).toBe('<p>It <strong>fails</strong> </p>')
    expect(body.preview.similar.map((p) => p.url).sort()).toEqual([`/ideas/${idea.id}`, `/questions/${question.id}`].sort())
    expect(db().select({ id: questions.id }).from(questions).all().length).toBe(before)
  })

  test('stop words alone find nothing; hidden, deleted and merged posts never appear', () => {
    const word = unique('kiosk')
    const author = createUser(db())
    const hidden = createTestQuestion(db(), { authorId: author.id, title: `Hidden ${word} question` })
    const merged = createTestIdea(db(), { authorId: author.id, title: `Merged ${word} idea` })
    const visible = createTestIdea(db(), { authorId: author.id, title: `Visible ${word} idea` })
    db().update(questions).set({ hiddenAt: new Date() }).where(eq(questions.id, hidden.id)).run()
    db().update(ideas).set({ status: 'merged', mergedIntoId: visible.id }).where(eq(ideas.id, merged.id)).run()
    expect(similarPosts(db(), { title: `${word}` }).map((p) => p.id)).toEqual([visible.id])
    expect(similarPosts(db(), { title: 'how do I do it? what is the' })).toEqual([])
  })

  test('the resource route answers JSON for any input', async () => {
    const word = unique('beacon')
    const question = createTestQuestion(db(), { authorId: createUser(db()).id, title: `Where is the ${word} setting?` })
    const get = async (title: string) => {
      const response = (await similarLoader({
        request: await getRequest(`/resources/similar-questions?${new URLSearchParams({ title })}`),
        params: {},
        context: {},
      })) as Response
      expect(response.status).toBe(200)
      return (await response.json()) as { results: Array<{ id: number }> }
    }
    expect((await get(`${word} setting`)).results.map((r) => r.id)).toContain(question.id)
    for (const nasty of ['"', 'NEAR(a b)', '*', '🙂', 'x'.repeat(5000), "'; drop table questions; --", 'OR AND NOT']) {
      await get(nasty)
    }
    const none = await similarLoader({ request: await getRequest('/resources/similar-questions'), params: {}, context: {} })
    expect(await (none as Response).json()).toEqual({ results: [] })
  })
})
