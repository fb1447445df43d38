/**
 * listIdeas keeps a page that is the same for everyone until the next write, and reads only the
 * viewer's votes per request: each member still sees their own votes, at once after voting.
 */
import { expect, test } from 'vitest'
import { getDb } from '~/lib/db.server'
import { listIdeas } from '~/models/idea-lists.server'
import { setIdeaVote } from '~/models/votes.server'
import { createTestIdea, createUser } from '#tests/factories'

test('two members see the same page with their own votes, and a vote shows at once', () => {
  const db = getDb()
  const idea = createTestIdea(db, { authorId: createUser(db).id })
  const ana = createUser(db)
  const ben = createUser(db)
  setIdeaVote(db, { ideaId: idea.id, userId: ana.id, voted: true })
  const row = (viewerId: number | null) => listIdeas(db, { sort: 'new', viewerId }).items.find((i) => i.id === idea.id)!
  expect(row(ana.id)).toMatchObject({ viewerVoted: true, voteCount: 2 })
  expect(row(ben.id)).toMatchObject({ viewerVoted: false, voteCount: 2 })
  expect(row(null)).toMatchObject({ viewerVoted: false })
  setIdeaVote(db, { ideaId: idea.id, userId: ben.id, voted: true })
  expect(row(ben.id)).toMatchObject({ viewerVoted: true, voteCount: 3 })
  expect(row(ana.id)).toMatchObject({ viewerVoted: true, voteCount: 3 })
})

test('“mine” lists are the viewer’s own, never a page kept for someone else', () => {
  const db = getDb()
  const ana = createUser(db)
  const ben = createUser(db)
  const anas = createTestIdea(db, { authorId: ana.id })
  const bens = createTestIdea(db, { authorId: ben.id })
  const mine = (viewerId: number) => listIdeas(db, { sort: 'new', viewerId, mine: 'posted' }).items.map((i) => i.id)
  expect(mine(ana.id)).toEqual([anas.id])
  expect(mine(ben.id)).toEqual([bens.id])
})
