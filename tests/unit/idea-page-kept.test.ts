/**
 * getIdeaPage keeps what every viewer sees until the next write and filters it per viewer: a hidden
 * comment or idea is seen by its author and staff only, however the viewers take turns, and each
 * viewer's vote and follow are their own.
 */
import { expect, test } from 'vitest'
import { getDb } from '~/lib/db.server'
import { getIdeaPage } from '~/models/ideas.server'
import { setPostState } from '~/models/posts.server'
import { setIdeaVote } from '~/models/votes.server'
import { createTestComment, createTestIdea, createUser } from '#tests/factories'

test('hidden comments stay their authors’ and staff’s while the page is kept; votes are each viewer’s own', () => {
  const db = getDb()
  const author = createUser(db)
  const idea = createTestIdea(db, { authorId: author.id })
  const commenter = createUser(db)
  const shown = createTestComment(db, { target: { type: 'idea', id: idea.id }, authorId: createUser(db).id })
  const hidden = createTestComment(db, { target: { type: 'idea', id: idea.id }, authorId: commenter.id })
  db.transaction((tx) => setPostState(tx, { type: 'comment', id: hidden.id }, { hiddenAt: new Date(), hiddenReason: 'moderator' }), {
    behavior: 'immediate',
  })
  const voter = createUser(db)
  setIdeaVote(db, { ideaId: idea.id, userId: voter.id, voted: true })

  const page = (viewerId: number | null, staffView = false) => getIdeaPage(db, { ideaId: idea.id, viewerId, staffView })
  const commentIds = (viewerId: number | null, staffView = false) => {
    const p = page(viewerId, staffView)
    if ('redirectTo' in p) throw new Error('not a page')
    return p.comments.map((c) => c.id)
  }
  const voted = (viewerId: number) => {
    const p = page(viewerId)
    if ('redirectTo' in p) throw new Error('not a page')
    return p.viewer?.voted
  }
  for (let round = 0; round < 2; round++) {
    expect(commentIds(null)).toEqual([shown.id])
    expect(commentIds(commenter.id)).toEqual([shown.id, hidden.id])
    expect(commentIds(createUser(db).id)).toEqual([shown.id]) // a write in between: the page is read again
    expect(commentIds(voter.id, true)).toEqual([shown.id, hidden.id])
    expect(commentIds(voter.id)).toEqual([shown.id])
    expect(voted(voter.id)).toBe(true)
    expect(voted(commenter.id)).toBe(false)
  }
  // A vote is a write: the count and the voter's own state change at once.
  const other = createUser(db)
  const before = page(other.id)
  if ('redirectTo' in before) throw new Error('not a page')
  setIdeaVote(db, { ideaId: idea.id, userId: other.id, voted: true })
  const after = page(other.id)
  if ('redirectTo' in after) throw new Error('not a page')
  expect(after.idea.voteCount).toBe(before.idea.voteCount + 1)
  expect(after.viewer?.voted).toBe(true)
  // A hidden idea is its author's and staff's alone.
  db.transaction((tx) => setPostState(tx, { type: 'idea', id: idea.id }, { hiddenAt: new Date(), hiddenReason: 'moderator' }), {
    behavior: 'immediate',
  })
  expect(() => page(null)).toThrow()
  expect(() => page(voter.id)).toThrow()
  expect(page(author.id)).toMatchObject({ idea: { id: idea.id } })
  expect(page(voter.id, true)).toMatchObject({ idea: { id: idea.id } })
})
