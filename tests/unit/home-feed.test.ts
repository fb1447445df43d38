/** The home feed is kept until the next write: the same answer while nothing changes, a new idea at once after. */
import { expect, test } from 'vitest'
import { getDb } from '~/lib/db.server'
import { getHomeFeed } from '~/models/home.server'
import { setIdeaVote } from '~/models/votes.server'
import { createTestIdea, createUser } from '#tests/factories'

test('kept while nothing is written, fresh after any write', () => {
  const db = getDb()
  const first = getHomeFeed(db)
  expect(getHomeFeed(db)).toBe(first)
  const idea = createTestIdea(db, { authorId: createUser(db).id })
  // Enough votes to reach the top eight of this test database.
  for (let i = 0; i < 40; i++) setIdeaVote(db, { ideaId: idea.id, userId: createUser(db).id, voted: true })
  const after = getHomeFeed(db)
  expect(after).not.toBe(first)
  expect(after.ideaCount).toBe(first.ideaCount + 1)
  expect(after.topIdeas.map((i) => i.id)).toContain(idea.id)
})
