/**
 * getQuestionPage keeps the page's posts (hidden ones marked) until the next write and filters
 * them for each viewer: a hidden answer or comment is seen by its author and staff only, however
 * the viewers take turns, and each viewer gets their own votes.
 */
import { expect, test } from 'vitest'
import { getDb } from '~/lib/db.server'
import { getQuestionPage } from '~/models/questions.server'
import { setPostState } from '~/models/posts.server'
import { setPostVote } from '~/models/votes.server'
import { createTestAnswer, createTestComment, createTestQuestion, createUser } from '#tests/factories'

test('hidden posts stay their authors’ and staff’s while the page is kept; votes are each viewer’s own', () => {
  const db = getDb()
  const asker = createUser(db)
  const question = createTestQuestion(db, { authorId: asker.id })
  const answerer = createUser(db)
  const shown = createTestAnswer(db, { questionId: question.id, authorId: createUser(db).id })
  const hidden = createTestAnswer(db, { questionId: question.id, authorId: answerer.id })
  const commenter = createUser(db)
  const comment = createTestComment(db, { target: { type: 'answer', id: shown.id }, authorId: commenter.id })
  db.transaction(
    (tx) => {
      setPostState(tx, { type: 'answer', id: hidden.id }, { hiddenAt: new Date(), hiddenReason: 'moderator' })
      setPostState(tx, { type: 'comment', id: comment.id }, { hiddenAt: new Date(), hiddenReason: 'moderator' })
    },
    { behavior: 'immediate' },
  )
  const voter = createUser(db, { reputation: 100 })
  setPostVote(db, { targetType: 'answer', targetId: shown.id, userId: voter.id, value: 1 })

  const answersFor = (viewerId: number | null, staffView = false) =>
    getQuestionPage(db, { questionId: question.id, viewerId, staffView }).answers
  const ids = (viewerId: number | null, staffView = false) =>
    answersFor(viewerId, staffView)
      .map((a) => a.id)
      .sort((a, b) => a - b)
  const commentIds = (viewerId: number | null) => answersFor(viewerId).flatMap((a) => a.comments.map((c) => c.id))
  for (let round = 0; round < 2; round++) {
    expect(ids(null)).toEqual([shown.id])
    expect(ids(answerer.id)).toEqual([shown.id, hidden.id].sort((a, b) => a - b))
    expect(ids(createUser(db).id)).toEqual([shown.id]) // a write in between: the page is read again
    expect(ids(voter.id, true)).toEqual([shown.id, hidden.id].sort((a, b) => a - b))
    expect(ids(null)).toEqual([shown.id])
    expect(commentIds(commenter.id)).toEqual([comment.id])
    expect(commentIds(null)).toEqual([])
    expect(answersFor(voter.id).find((a) => a.id === shown.id)!.viewerVote).toBe(1)
    expect(answersFor(asker.id).find((a) => a.id === shown.id)!.viewerVote).toBe(0)
  }
  // No hiddenAt leaks into the page's data.
  expect(Object.keys(answersFor(answerer.id)[0]!)).not.toContain('hiddenAt')
  // A hidden question is its author's and staff's alone.
  db.transaction((tx) => setPostState(tx, { type: 'question', id: question.id }, { hiddenAt: new Date(), hiddenReason: 'moderator' }), {
    behavior: 'immediate',
  })
  expect(() => getQuestionPage(db, { questionId: question.id, viewerId: null })).toThrow()
  expect(getQuestionPage(db, { questionId: question.id, viewerId: asker.id }).question.id).toBe(question.id)
  expect(getQuestionPage(db, { questionId: question.id, viewerId: null, staffView: true }).question.id).toBe(question.id)
  expect(() => getQuestionPage(db, { questionId: question.id, viewerId: voter.id })).toThrow()
})
