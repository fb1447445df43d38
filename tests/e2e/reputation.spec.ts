/** Reputation end to end: privileges explained and enforced, badges and their notifications, suggested edits. */
import { eq } from 'drizzle-orm'
import { users } from '#db/schema'
import { getDb } from '~/lib/db.server'
import { createTestAnswer, createTestQuestion, createUser } from '#tests/factories'
import { expect, expectAccessible, test } from './fixtures'

const reputationOf = (userId: number) => getDb().select({ r: users.reputation }).from(users).where(eq(users.id, userId)).get()!.r

function questionWithAnswer() {
  const db = getDb()
  const asker = createUser(db),
    answerer = createUser(db)
  const question = createTestQuestion(db, { authorId: asker.id })
  const answer = createTestAnswer(db, { questionId: question.id, authorId: answerer.id })
  return { asker, answerer, question, answer }
}

test('a new member cannot downvote and sees why; with 125 reputation the downvote works and costs 1', async ({ page, loginAs }) => {
  const { question, answer, answerer } = questionWithAnswer()
  await loginAs('member')
  await page.goto(`/questions/${question.id}`)
  const votes = page.getByRole('group', { name: `Votes on the answer by ${answerer.username}` })
  const downvote = votes.getByRole('button', { name: 'Downvote' })
  await expect(downvote).toBeDisabled()
  await expect(downvote).toHaveAccessibleDescription('You need 125 reputation to downvote.')
  await expect(votes.getByText('You need 125 reputation to downvote.')).toBeVisible()
  await expect(votes.getByText('You need 15 reputation to upvote.')).toBeVisible()
  await expectAccessible(page)

  // The same member again, now holding the points (given through the ledger).
  const voter = await loginAs('member', { reputation: 125 })
  await page.goto(`/questions/${question.id}`)
  const enabled = page.getByRole('group', { name: `Votes on the answer by ${answerer.username}` }).getByRole('button', { name: 'Downvote' })
  await expect(enabled).toBeEnabled()
  await Promise.all([page.waitForResponse((r) => r.request().method() === 'POST' && r.ok()), enabled.click()])
  await expect(enabled).toHaveAttribute('aria-pressed', 'true')
  await expect(page.locator(`#answer-${answer.id}-score`)).toContainText('-1')
  await page.reload()
  await expect(page.locator(`#answer-${answer.id}-score`)).toContainText('-1')
  expect(reputationOf(voter.id)).toBe(124)
  expect(reputationOf(answerer.id)).toBe(-1)
  await expect(page.locator(`#answer-${answer.id}`).getByText('0 up, 1 down')).toHaveCount(0)

  // From 1000 reputation a member sees what the score is made of.
  await loginAs('member', { reputation: 1000 })
  await page.goto(`/questions/${question.id}`)
  const breakdown = page.getByRole('group', { name: `Votes on the answer by ${answerer.username}` }).locator('.vote-breakdown')
  await expect(breakdown.locator('[aria-hidden="true"]')).toHaveText('+0 / −1')
  await expect(breakdown.locator('.visually-hidden')).toHaveText('0 up, 1 down')
  await expectAccessible(page)
})

test('posting a first answer awards a badge; its notification leads to the badge on the profile', async ({ page, loginAs }) => {
  const db = getDb()
  const question = createTestQuestion(db, { authorId: createUser(db).id })
  await loginAs('member')
  await page.goto(`/questions/${question.id}`)
  await page.getByLabel('Write your answer').fill('Open Settings, then API, and press Regenerate to get a new key.')
  await page.getByRole('button', { name: 'Post your answer' }).click()
  await expect(page.getByText('Open Settings, then API, and press Regenerate')).toBeVisible()
  await page.goto('/notifications')
  await expect(page.getByRole('heading', { name: 'You earned the “First answer” badge' })).toBeVisible()
  await expectAccessible(page)
  // Following the notification opens the member's profile at their badges.
  await page.getByRole('button', { name: 'You earned the “First answer” badge', exact: true }).click()
  await expect(page).toHaveURL(/\/u\/[^/]+#badges$/)
  const badges = page.getByRole('region', { name: 'Badges' })
  await expect(badges.getByText('First answer')).toBeVisible()
  await expect(badges.getByText('Answered a first question.')).toBeVisible()
})

test('/help/privileges shows a member their progress; staff hold everything; /badges lists the badges', async ({ page, loginAs }) => {
  await page.goto('/badges')
  const row = page.getByRole('row', { name: /First answer/ })
  await expect(row).toContainText('Bronze')
  await expectAccessible(page)
  await row.getByRole('link', { name: 'First answer' }).click()
  await expect(page.getByRole('heading', { level: 1, name: 'First answer' })).toBeVisible()
  await expectAccessible(page)

  await loginAs('member', { reputation: 82 })
  await page.goto('/help/privileges')
  await expect(page.getByRole('heading', { level: 1, name: 'Privileges' })).toBeVisible()
  const downvote = page.getByRole('listitem').filter({ has: page.getByRole('heading', { name: /^Downvote/ }) })
  await expect(downvote).toContainText('82 / 125')
  await expect(downvote.getByRole('progressbar', { name: 'Progress towards Downvote' })).toBeVisible()
  const upvote = page.getByRole('listitem').filter({ has: page.getByRole('heading', { name: /^Upvote/ }) })
  await expect(upvote).toContainText('You have this')
  await expectAccessible(page)

  await loginAs('moderator')
  await page.goto('/help/privileges')
  await expect(page.getByText('As a member of the team you have every privilege.')).toBeVisible()
  await expect(page.getByText('You have this')).toHaveCount(9)
})

test('a member suggests an edit; the author approves it and the suggester earns +2', async ({ page, browser, baseURL, loginAs }) => {
  const { question, asker } = questionWithAnswer()
  const suggester = await loginAs('member')
  await page.goto(`/questions/${question.id}`)
  await page.getByRole('link', { name: 'Suggest an edit' }).first().click()
  await expect(page.getByRole('heading', { level: 1, name: 'Suggest an edit' })).toBeVisible()
  await expectAccessible(page)
  await page.getByLabel('Text').fill('I cannot find the API key setting anywhere in the dashboard, not even under Settings.')
  await page.getByLabel('What does your edit improve? (optional)').fill('More detail')
  await page.getByRole('button', { name: 'Send the suggestion' }).click()
  await expect(page.getByText('Your suggested edit is waiting for review')).toBeVisible()

  // The author reviews in a browser of their own.
  const context = await browser.newContext({ baseURL })
  const { startSession } = await import('~/lib/auth.server')
  const cookie = await startSession(asker.id)
  await context.addCookies([{ name: cookie.name, value: cookie.value, url: baseURL! }])
  const author = await context.newPage()
  await author.goto(`/questions/${question.id}`)
  // The account menu says a suggestion waits for them.
  await author.getByRole('banner').locator('summary').click()
  await expect(author.getByRole('banner').getByRole('link', { name: 'Suggested edits (1 to review)' })).toBeVisible()
  await author.getByRole('link', { name: '1 suggested edit pending' }).click()
  await expect(author.getByRole('heading', { level: 1, name: 'Suggested edits' })).toBeVisible()
  await expect(author.getByRole('region', { name: 'Suggested' })).toContainText('not even under Settings')
  await expectAccessible(author)
  await author.getByRole('button', { name: 'Approve' }).click()
  await expect(author.getByText('No suggested edits are waiting for you.')).toBeVisible()
  await expect(author.getByRole('banner').getByRole('link', { name: 'Suggested edits', exact: true })).toBeAttached()
  await author.goto(`/questions/${question.id}`)
  await expect(author.getByText('not even under Settings')).toBeVisible()
  await context.close()
  expect(reputationOf(suggester.id)).toBe(3)
})
