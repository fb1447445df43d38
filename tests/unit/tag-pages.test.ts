/** Tag pages and the tag filter of the question list. */
import { eq } from 'drizzle-orm'
import { describe, expect, test } from 'vitest'
import { ideas, questions } from '#db/schema'
import { getDb } from '~/lib/db.server'
import { decodeCursor } from '~/lib/pagination.server'
import { listTaggedQuestions, listTags } from '~/models/tags.server'
import { loader as questionsLoader } from '~/routes/questions._index'
import { loader as tagLoader } from '~/routes/tags.$name'
import { loader as tagsLoader } from '~/routes/tags._index'
import { createTestIdea, createTestQuestion, createUser, unique } from '#tests/factories'
import { getRequest, settle } from '#tests/route-helpers'

const db = () => getDb()

async function tagPage(name: string, search = '') {
  const request = await getRequest(`/tags/${encodeURIComponent(name)}${search}`)
  return settle(() => tagLoader({ request, params: { name }, context: {} }))
}

async function questionList(search: string) {
  const request = await getRequest(`/questions${search}`)
  const res = await settle(() => questionsLoader({ request, params: {}, context: {} }))
  return res.body as { items: Array<{ id: number }>; tag: { name: string; exists: boolean } | null }
}

describe('the tag list', () => {
  test('most used first (questions and ideas together), searchable by name prefix, bounded', async () => {
    const prefix = unique('zz')
    const author = createUser(db())
    createTestQuestion(db(), { authorId: author.id, tagNames: [`${prefix}-one`] })
    createTestIdea(db(), { authorId: author.id, tagNames: [`${prefix}-two`, `${prefix}-one`] })
    createTestIdea(db(), { authorId: author.id, tagNames: [`${prefix}-two`] })
    createTestQuestion(db(), { authorId: author.id, tagNames: [`${prefix}-two`, `${prefix}-three`] })
    expect(listTags(db(), { prefix }).map((t) => [t.name, t.questionCount, t.ideaCount])).toEqual([
      [`${prefix}-two`, 1, 2],
      [`${prefix}-one`, 1, 1],
      [`${prefix}-three`, 1, 0],
    ])
    expect(listTags(db(), { prefix: `${prefix}-t` }).map((t) => t.name)).toEqual([`${prefix}-two`, `${prefix}-three`])
    expect(listTags(db(), { limit: 2 })).toHaveLength(2)

    const res = await settle(async () =>
      tagsLoader({ request: await getRequest(`/tags?q=${prefix.toUpperCase()}-T`), params: {}, context: {} }),
    )
    expect((res.body as { tags: Array<{ name: string }> }).tags.map((t) => t.name)).toEqual([`${prefix}-two`, `${prefix}-three`])
    for (const q of ['%', '_', "'", '"', '\\', '🙂', 'x'.repeat(500), '../']) {
      const nasty = await settle(async () =>
        tagsLoader({ request: await getRequest(`/tags?q=${encodeURIComponent(q)}`), params: {}, context: {} }),
      )
      expect(nasty.status).toBe(200)
    }
  })
})

describe('a tag page', () => {
  test('lists the questions or the ideas with the tag, newest first, in keyset pages', async () => {
    const name = unique('paging')
    const author = createUser(db())
    const created = Array.from({ length: 5 }, () => createTestQuestion(db(), { authorId: author.id, tagNames: [name] }).id)
    const idea = createTestIdea(db(), { authorId: author.id, tagNames: [name] })
    const first = await tagPage(name)
    expect(first).toMatchObject({ status: 200, body: { tag: { name, questionCount: 5, ideaCount: 1 }, show: 'questions' } })
    const tagId = (first.body as { tag: { id: number } }).tag.id
    const seen: number[] = []
    let cursor: string | null = null
    do {
      const page = listTaggedQuestions(db(), { tagId, cursor: decodeCursor(cursor), pageSize: 2 })
      seen.push(...page.items.map((q) => q.id))
      cursor = page.nextCursor
    } while (cursor)
    expect(seen).toEqual([...created].reverse())
    const ideasPage = await tagPage(name, '?show=ideas')
    expect((ideasPage.body as { ideas: { items: Array<{ id: number }> } }).ideas.items.map((i) => i.id)).toEqual([idea.id])
    // Odd query strings fall back to the defaults.
    expect(await tagPage(name, '?show=bogus&cursor=%%%')).toMatchObject({ status: 200, body: { show: 'questions' } })
  })

  test('an unknown tag is a 404; a name written differently redirects to the tag', async () => {
    expect(await tagPage(unique('nosuchtag'))).toMatchObject({ status: 404 })
    expect(await tagPage('')).toMatchObject({ status: 404 })
    const name = unique('canon')
    createTestQuestion(db(), { authorId: createUser(db()).id, tagNames: [name] })
    expect(await tagPage(name.toUpperCase())).toMatchObject({ status: 302, location: `/tags/${name}` })
  })
})

describe('hidden and deleted posts', () => {
  test('never appear in the question list, its tag filter or the tag pages', async () => {
    const name = unique('vis')
    const author = createUser(db())
    const shown = createTestQuestion(db(), { authorId: author.id, tagNames: [name] })
    const hidden = createTestQuestion(db(), { authorId: author.id, tagNames: [name] })
    const deleted = createTestQuestion(db(), { authorId: author.id, tagNames: [name] })
    db().update(questions).set({ hiddenAt: new Date() }).where(eq(questions.id, hidden.id)).run()
    db().update(questions).set({ deletedAt: new Date() }).where(eq(questions.id, deleted.id)).run()
    const shownIdea = createTestIdea(db(), { authorId: author.id, tagNames: [name] })
    const hiddenIdea = createTestIdea(db(), { authorId: author.id, tagNames: [name] })
    const mergedIdea = createTestIdea(db(), { authorId: author.id, tagNames: [name] })
    db().update(ideas).set({ hiddenAt: new Date() }).where(eq(ideas.id, hiddenIdea.id)).run()
    db().update(ideas).set({ status: 'merged', mergedIntoId: shownIdea.id }).where(eq(ideas.id, mergedIdea.id)).run()

    for (const tab of ['newest', 'active', 'unanswered']) {
      expect((await questionList(`?tab=${tab}&tag=${name}`)).items.map((q) => q.id)).toEqual([shown.id])
      const all = (await questionList(`?tab=${tab}`)).items.map((q) => q.id)
      expect(all).not.toContain(hidden.id)
      expect(all).not.toContain(deleted.id)
    }
    expect(((await tagPage(name)).body as { questions: { items: Array<{ id: number }> } }).questions.items.map((q) => q.id)).toEqual([
      shown.id,
    ])
    expect(((await tagPage(name, '?show=ideas')).body as { ideas: { items: Array<{ id: number }> } }).ideas.items.map((i) => i.id)).toEqual(
      [shownIdea.id],
    )
  })

  test('an unknown tag filter lists nothing rather than everything', async () => {
    const list = await questionList(`?tag=${unique('missing')}`)
    expect(list.items).toEqual([])
    expect(list.tag).toMatchObject({ exists: false })
    expect((await questionList('?tag=%00%27%22')).items).toEqual([])
  })
})
