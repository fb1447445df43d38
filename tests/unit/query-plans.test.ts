/**
 * The benchmarked pages' statements use indexes: the same check as `npm run db:plans` on the large
 * community, here on a small one (without table statistics, SQLite plans by the schema alone).
 */
import { expect, test } from 'vitest'
import { databaseFile, getDb } from '~/lib/db.server'
import { setIdeaVote } from '~/models/votes.server'
import { collectPagePlans } from '../../scripts/lib/page-plans'
import { createTestAnswer, createTestComment, createTestIdea, createTestQuestion, createUser } from '#tests/factories'

test('no statement behind a benchmarked page scans a big table', async () => {
  const db = getDb()
  const author = createUser(db)
  const idea = createTestIdea(db, { authorId: author.id, title: 'Export dashboards to PDF' })
  setIdeaVote(db, { ideaId: idea.id, userId: createUser(db).id, voted: true })
  createTestComment(db, { target: { type: 'idea', id: idea.id }, authorId: author.id })
  const question = createTestQuestion(db, { authorId: author.id, title: 'How do I share a dashboard?' })
  createTestAnswer(db, { questionId: question.id, authorId: createUser(db).id })
  createUser(db, { role: 'member' })

  const pages = await collectPagePlans(databaseFile())
  const ran = pages.filter((page) => page.queries.length > 0).map((page) => page.name)
  expect(ran).toEqual(
    expect.arrayContaining(['home', 'ideas top', 'ideas trending', 'idea page', 'question page', 'roadmap', 'vote toggle (logged in)']),
  )
  const problems = pages.flatMap((page) =>
    page.queries.filter((q) => q.problems.length).map((q) => ({ page: page.name, sql: q.sql, plan: q.plan })),
  )
  expect(problems).toEqual([])
})
