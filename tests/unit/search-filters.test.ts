/** Search filters (status and tag), visibility, and hostile input with every filter. */
import { eq } from 'drizzle-orm'
import { describe, expect, test } from 'vitest'
import { answers, ideas, questions } from '#db/schema'
import { getDb } from '~/lib/db.server'
import { acceptAnswer } from '~/models/answers.server'
import { changeIdeaStatus } from '~/models/idea-status.server'
import { closeQuestion } from '~/models/question-moderation.server'
import { search } from '~/models/search.server'
import { SEARCH_STATUSES, SEARCH_TYPES } from '~/domain'
import { loader } from '~/routes/search'
import { createTestAnswer, createTestIdea, createTestQuestion, createUser, unique } from '#tests/factories'
import { getRequest, settle } from '#tests/route-helpers'

const db = () => getDb()
const found = (q: string, filters: Omit<Parameters<typeof search>[1], 'q'> = {}) =>
  search(db(), { q, ...filters })
    .hits.map((h) => `${h.type}:${h.id}`)
    .sort()

/** A small world where every post contains `word`. */
function world() {
  const word = unique('okapi')
  const tag = unique('t')
  const author = createUser(db())
  const pat = createUser(db(), { role: 'product' })
  const openIdea = createTestIdea(db(), { authorId: author.id, title: `Export ${word} reports`, tagNames: [tag] })
  const plannedIdea = createTestIdea(db(), { authorId: author.id, title: `Schedule ${word} digests` })
  changeIdeaStatus(db(), { ideaId: plannedIdea.id, actorId: pat.id, toStatus: 'planned' })
  const openQuestion = createTestQuestion(db(), { authorId: author.id, title: `Why is ${word} slow?`, tagNames: [tag] })
  const closedQuestion = createTestQuestion(db(), { authorId: author.id, title: `Where is ${word} stored?` })
  closeQuestion(db(), { questionId: closedQuestion.id, actorId: pat.id, reason: 'off_topic' })
  const answeredQuestion = createTestQuestion(db(), { authorId: author.id, title: `Can ${word} be renamed?` })
  const answer = createTestAnswer(db(), {
    questionId: answeredQuestion.id,
    authorId: createUser(db()).id,
    bodyMd: `Yes, rename ${word} in settings.`,
  })
  acceptAnswer(db(), { answerId: answer.id, userId: author.id })
  const taggedAnswer = createTestAnswer(db(), {
    questionId: openQuestion.id,
    authorId: createUser(db()).id,
    bodyMd: `Restart ${word} nightly.`,
  })
  return { word, tag, openIdea, plannedIdea, openQuestion, closedQuestion, answeredQuestion, answer, taggedAnswer }
}

describe('search filters', () => {
  test('by idea status: only ideas in that status', () => {
    const w = world()
    expect(found(w.word, { status: 'idea:planned' })).toEqual([`idea:${w.plannedIdea.id}`])
    expect(found(w.word, { status: 'idea:open' })).toEqual([`idea:${w.openIdea.id}`])
    expect(found(w.word, { status: 'idea:shipped' })).toEqual([])
  })

  test('by question state: questions, and answers through their question', () => {
    const w = world()
    expect(found(w.word, { status: 'question:closed' })).toEqual([`question:${w.closedQuestion.id}`])
    expect(found(w.word, { status: 'question:answered' })).toEqual([`answer:${w.answer.id}`, `question:${w.answeredQuestion.id}`].sort())
    expect(found(w.word, { status: 'question:open' })).toEqual(
      [`question:${w.openQuestion.id}`, `question:${w.answeredQuestion.id}`, `answer:${w.answer.id}`, `answer:${w.taggedAnswer.id}`].sort(),
    )
    expect(found(w.word, { status: 'question:open', type: 'idea' })).toEqual([])
    expect(found(w.word, { status: 'question:open', type: 'answer' })).toEqual(
      [`answer:${w.answer.id}`, `answer:${w.taggedAnswer.id}`].sort(),
    )
  })

  test('by tag: ideas and questions with it, and answers to such questions; any spelling of the tag', () => {
    const w = world()
    const expected = [`idea:${w.openIdea.id}`, `question:${w.openQuestion.id}`, `answer:${w.taggedAnswer.id}`].sort()
    expect(found(w.word, { tag: w.tag })).toEqual(expected)
    expect(found(w.word, { tag: ` ${w.tag.toUpperCase()} ` })).toEqual(expected)
    expect(found(w.word, { tag: w.tag, status: 'idea:open' })).toEqual([`idea:${w.openIdea.id}`])
    expect(found(w.word, { tag: unique('nosuch') })).toEqual([])
  })
})

describe('visibility', () => {
  test('hidden and deleted posts, answers of hidden questions and merged ideas never appear', () => {
    const w = world()
    db().update(questions).set({ hiddenAt: new Date() }).where(eq(questions.id, w.answeredQuestion.id)).run()
    db().update(questions).set({ deletedAt: new Date() }).where(eq(questions.id, w.closedQuestion.id)).run()
    db().update(answers).set({ hiddenAt: new Date() }).where(eq(answers.id, w.taggedAnswer.id)).run()
    db().update(ideas).set({ status: 'merged', mergedIntoId: w.openIdea.id }).where(eq(ideas.id, w.plannedIdea.id)).run()
    expect(found(w.word)).toEqual([`idea:${w.openIdea.id}`, `question:${w.openQuestion.id}`].sort())
    for (const status of SEARCH_STATUSES) {
      const hits = found(w.word, { status })
      for (const gone of [
        `question:${w.answeredQuestion.id}`,
        `question:${w.closedQuestion.id}`,
        `answer:${w.answer.id}`,
        `answer:${w.taggedAnswer.id}`,
        `idea:${w.plannedIdea.id}`,
      ]) {
        expect(hits).not.toContain(gone)
      }
    }
  })
})

describe('hostile input with the new filters', () => {
  const nasty = [
    '"',
    'NEAR(',
    '*',
    '(((',
    'AND OR NOT',
    'title:secret',
    '^x',
    '🙂',
    '\u0000\u0002\u0003',
    'x'.repeat(5000),
    "'; drop table tags; --",
    '<script>',
    '%',
    '_',
  ]
  const statuses = [undefined, ...SEARCH_STATUSES]
  test.each(nasty.map((q) => [q.length > 30 ? `${q.slice(0, 10)}… (${q.length})` : q, q]))('the model never raises on %j', (_label, q) => {
    for (const status of statuses) {
      for (const type of [undefined, ...SEARCH_TYPES]) {
        expect(() => search(db(), { q, status, type, tag: q })).not.toThrow()
        expect(() => search(db(), { q: `word ${q}`, status, type, tag: 'api', page: 99 })).not.toThrow()
      }
    }
  })

  test.each(nasty.map((q) => [q.length > 30 ? `${q.slice(0, 10)}… (${q.length})` : q, q]))(
    'the page answers 200 on %j in any field',
    async (_label, q) => {
      const cases: Array<Record<string, string>> = [
        { q, status: q, tag: q, type: q, page: q },
        { q: 'report', status: 'idea:planned', tag: q },
        { q, status: 'question:answered', tag: 'api', page: '-1' },
        { q: 'report', status: 'idea:merged', type: 'answer' },
      ]
      for (const params of cases) {
        const request = await getRequest(`/search?${new URLSearchParams(params)}`)
        expect(await settle(() => loader({ request, params: {}, context: {} }))).toMatchObject({ status: 200 })
      }
    },
  )
})
