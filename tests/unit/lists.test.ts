import { eq, sql } from 'drizzle-orm'
import { describe, expect, test } from 'vitest'
import { ideas } from '#db/schema'
import { getDb } from '~/lib/db.server'
import { decodeCursor, encodeCursor } from '~/lib/pagination.server'
import { listIdeas } from '~/models/idea-lists.server'
import { changeIdeaStatus } from '~/models/idea-status.server'
import { getIdeaPage } from '~/models/ideas.server'
import { getRoadmap } from '~/models/roadmap.server'
import { getQuestionPage, listQuestions } from '~/models/questions.server'
import { setIdeaVote } from '~/models/votes.server'
import { createCategory, createTestAnswer, createTestIdea, createTestQuestion, createUser } from '#tests/factories'

describe('cursors', () => {
  test('round-trip, and anything malformed means the first page', () => {
    expect(decodeCursor(encodeCursor({ sort: 42, id: 7 }))).toEqual({ sort: 42, id: 7 })
    for (const bad of [
      '',
      'not-base64!',
      Buffer.from('{"a":1}').toString('base64url'),
      Buffer.from('[1.5,2]').toString('base64url'),
      'x'.repeat(200),
      Buffer.from('[1,0]').toString('base64url'),
    ]) {
      expect(decodeCursor(bad)).toBeNull()
    }
  })
})

describe('idea lists', () => {
  test('keyset pages of the top list cover every idea once, in order', () => {
    const db = getDb()
    const category = createCategory(db)
    const voters = Array.from({ length: 4 }, () => createUser(db))
    const author = createUser(db)
    const created = Array.from({ length: 7 }, (_, i) => {
      const idea = createTestIdea(db, { authorId: author.id, categoryId: category.id })
      for (const voter of voters.slice(0, i % 4)) setIdeaVote(db, { ideaId: idea.id, userId: voter.id, voted: true })
      return idea.id
    })
    const seen: number[] = []
    let cursor = null
    do {
      const page = listIdeas(db, { sort: 'top', categoryId: category.id, cursor: decodeCursor(cursor), pageSize: 3 })
      seen.push(...page.items.map((i) => i.id))
      cursor = page.nextCursor
    } while (cursor)
    expect([...seen].sort()).toEqual([...created].sort())
    const votes = seen.map((id) => db.select({ v: ideas.voteCount }).from(ideas).where(eq(ideas.id, id)).get()!.v)
    expect(votes).toEqual([...votes].sort((a, b) => b - a))
  })

  test('a merged idea redirects to its target, a hidden one is missing', () => {
    const db = getDb()
    const author = createUser(db)
    const target = createTestIdea(db, { authorId: author.id })
    const dup = createTestIdea(db, { authorId: author.id })
    db.update(ideas).set({ status: 'merged', mergedIntoId: target.id }).where(eq(ideas.id, dup.id)).run()
    expect(getIdeaPage(db, { ideaId: dup.id })).toEqual({ redirectTo: target.id })
    db.update(ideas).set({ hiddenAt: new Date() }).where(eq(ideas.id, target.id)).run()
    expect(() => getIdeaPage(db, { ideaId: target.id })).toThrow('does not exist')
  })

  test('the roadmap shows planned ideas with their latest official note', () => {
    const db = getDb()
    const pat = createUser(db, { role: 'product' })
    const category = createCategory(db)
    const idea = createTestIdea(db, { authorId: createUser(db).id, categoryId: category.id })
    changeIdeaStatus(db, { ideaId: idea.id, actorId: pat.id, toStatus: 'under_review', noteMd: 'Looking into it.' })
    changeIdeaStatus(db, { ideaId: idea.id, actorId: pat.id, toStatus: 'planned', noteMd: 'On the **Q3** plan.' })
    const columns = getRoadmap(db, { categoryId: category.id })
    expect(columns.map((c) => [c.status, c.cards.map((card) => card.id)])).toEqual([
      ['under_review', []],
      ['planned', [idea.id]],
      ['in_progress', []],
      ['shipped', []],
    ])
    expect(columns[1]!.cards[0]!.latestNote).toBe('On the Q3 plan.')
  })
})

describe('question lists', () => {
  test('unanswered lists questions without an accepted or positively scored answer', () => {
    const db = getDb()
    const asker = createUser(db)
    const open = createTestQuestion(db, { authorId: asker.id })
    const answered = createTestQuestion(db, { authorId: asker.id })
    createTestAnswer(db, { questionId: answered.id, authorId: createUser(db).id })
    const ids = listQuestions(db, { tab: 'unanswered', pageSize: 100 }).items.map((q) => q.id)
    expect(ids).toContain(open.id)
    expect(ids).toContain(answered.id) // an answer with score 0 does not count yet
  })

  test('the question page loads answers accepted first and comments per post', () => {
    const db = getDb()
    const question = createTestQuestion(db, { authorId: createUser(db).id })
    const first = createTestAnswer(db, { questionId: question.id, authorId: createUser(db).id })
    const page = getQuestionPage(db, { questionId: question.id })
    expect(page.answers.map((a) => a.id)).toEqual([first.id])
    expect(page.question.comments).toEqual([])
  })
})

describe('query plans', () => {
  const plan = (query: ReturnType<typeof sql>) =>
    getDb()
      .all<{ detail: string }>(sql`explain query plan ${query}`)
      .map((r) => r.detail)
      .join('\n')

  test.each([
    [
      'top ideas',
      sql`select id from ideas where deleted_at is null and hidden_at is null and status != 'merged' order by vote_count desc, id desc limit 21`,
      'ideas_top_idx',
    ],
    [
      'new ideas',
      sql`select id from ideas where deleted_at is null and hidden_at is null and status != 'merged' order by created_at desc, id desc limit 21`,
      'ideas_new_idx',
    ],
    [
      'active ideas',
      sql`select id from ideas where deleted_at is null and hidden_at is null and status != 'merged' order by last_activity_at desc, id desc limit 21`,
      'ideas_active_idx',
    ],
    [
      'newest questions',
      sql`select id from questions where deleted_at is null and hidden_at is null order by created_at desc, id desc limit 21`,
      'questions_new_idx',
    ],
    [
      'unanswered questions',
      sql`select id from questions where is_unanswered = 1 and deleted_at is null and hidden_at is null order by created_at desc, id desc limit 21`,
      'questions_unanswered_idx',
    ],
    [
      'answers of a question',
      sql`select id from answers where question_id = 1 and deleted_at is null order by is_accepted desc, score desc, created_at, id`,
      'answers_question_order_idx',
    ],
    [
      'comments of an idea',
      sql`select id from comments where target_type = 'idea' and target_id = 1 order by created_at, id`,
      'comments_target_idx',
    ],
  ])('%s use their index without a sort step', (_name, query, index) => {
    const detail = plan(query)
    expect(detail).toContain(index)
    expect(detail).not.toContain('USE TEMP B-TREE')
  })
})
