/** "See vote breakdowns" (1000 reputation, and staff): the upvotes and downvotes behind each score. */
import { describe, expect, test } from 'vitest'
import { getDb } from '~/lib/db.server'
import { PRIVILEGE_REPUTATION } from '~/lib/permissions'
import { setPostVote } from '~/models/votes.server'
import { loader } from '~/routes/questions.$questionId/route'
import { createTestAnswer, createTestQuestion, createUser } from '#tests/factories'
import { getRequest, settle } from '#tests/route-helpers'

const db = () => getDb()

async function breakdownsSeenBy(questionId: number, userId?: number) {
  const request = await getRequest(`/questions/${questionId}`, { userId, headers: { 'User-Agent': 'Mozilla/5.0 Firefox/128.0' } })
  const res = await settle(() => loader({ request, params: { questionId: String(questionId) }, context: { clientIp: '10.9.9.9' } }))
  expect(res.status).toBe(200)
  return (res.body as { breakdowns: Record<string, { up: number; down: number }> | null }).breakdowns
}

describe('vote breakdowns', () => {
  test('members from 1000 reputation and staff see the up and down counts of the question and each answer; others see only scores', async () => {
    const question = createTestQuestion(db(), { authorId: createUser(db()).id })
    const liked = createTestAnswer(db(), { questionId: question.id, authorId: createUser(db()).id })
    const quiet = createTestAnswer(db(), { questionId: question.id, authorId: createUser(db()).id })
    const voters = Array.from({ length: 4 }, () => createUser(db(), { reputation: 200 }))
    for (const [i, voter] of voters.entries()) {
      setPostVote(db(), { targetType: 'answer', targetId: liked.id, userId: voter.id, value: i === 3 ? -1 : 1 })
      if (i < 2) setPostVote(db(), { targetType: 'question', targetId: question.id, userId: voter.id, value: -1 })
    }
    const expected = { [`question:${question.id}`]: { up: 0, down: 2 }, [`answer:${liked.id}`]: { up: 3, down: 1 } }

    expect(await breakdownsSeenBy(question.id, createUser(db(), { reputation: PRIVILEGE_REPUTATION.seeVoteBreakdowns }).id)).toEqual(
      expected,
    )
    expect(await breakdownsSeenBy(question.id, createUser(db(), { role: 'moderator' }).id)).toEqual(expected)
    expect(expected).not.toHaveProperty(`answer:${quiet.id}`) // no votes: shown as 0 and 0 by the page
    expect(await breakdownsSeenBy(question.id, createUser(db(), { reputation: PRIVILEGE_REPUTATION.seeVoteBreakdowns - 1 }).id)).toBeNull()
    expect(await breakdownsSeenBy(question.id)).toBeNull()
  })
})
