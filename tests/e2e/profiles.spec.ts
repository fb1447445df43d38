/** Member profiles and the leaderboard: badges, the ledger's links, finding a member, and editing the bio. */
import { getDb } from '~/lib/db.server'
import { setPostVote } from '~/models/votes.server'
import { awardTestBadge, createTestAnswer, createTestQuestion, createUser, unique } from '#tests/factories'
import { expect, expectAccessible, test } from './fixtures'

test('a badge shows on the profile, and the ledger row for an answer upvote leads to the answer', async ({ page, loginAs }) => {
  const db = getDb()
  const member = await loginAs('member', { displayName: unique('Grace ') })
  awardTestBadge(db, { userId: member.id, badge: 'first_answer' })
  const question = createTestQuestion(db, { authorId: createUser(db).id })
  const answer = createTestAnswer(db, { questionId: question.id, authorId: member.id })
  setPostVote(db, { targetType: 'answer', targetId: answer.id, userId: createUser(db, { reputation: 20 }).id, value: 1 })

  await page.goto(`/u/${member.username}`)
  await expect(page.getByRole('heading', { level: 1 })).toContainText('Grace')
  const badges = page.getByRole('region', { name: 'Badges' })
  await expect(badges.getByRole('heading', { name: /Bronze/ })).toBeVisible()
  await expect(badges.getByText('First answer')).toBeVisible()
  await expect(badges.getByText('Answered a first question.')).toBeVisible()
  await expect(page.getByRole('img', { name: /Reputation over time/ })).toBeVisible()
  await expect(page.getByRole('link', { name: 'Edit profile' })).toBeVisible()
  await expect(page.getByText(member.email)).toHaveCount(0)
  await expectAccessible(page)

  const row = page.getByRole('row').filter({ hasText: 'Answer upvoted' })
  await expect(row.getByRole('cell').first()).toHaveText('+10')
  const link = row.getByRole('link', { name: question.title })
  await expect(link).toHaveAttribute('href', `/questions/${question.id}#answer-${answer.id}`)
  await link.click()
  await expect(page).toHaveURL(new RegExp(`/questions/${question.id}#answer-${answer.id}$`))
  await expect(page.locator(`#answer-${answer.id}`)).toBeInViewport()
})

test('the leaderboard finds a member by name and links to their profile', async ({ page }) => {
  const db = getDb()
  const name = unique('Hopper ')
  const member = createUser(db, { displayName: name, reputation: 30 })

  await page.goto('/users')
  await expect(page.getByRole('heading', { level: 1, name: 'Members' })).toBeVisible()
  await expectAccessible(page)
  await page.getByRole('link', { name: 'All time' }).click()
  await expect(page).toHaveURL(/period=all/)
  const search = page.getByRole('search', { name: 'Find a member' })
  await search.getByLabel('Name').fill(name.toUpperCase())
  await search.getByRole('button', { name: 'Search' }).click()
  await expect(page).toHaveURL(/q=/)
  const rows = page.getByRole('table').getByRole('row')
  await expect(rows).toHaveCount(2) // the header and one member
  await expect(rows.nth(1)).toContainText('30')
  await expectAccessible(page)
  await rows.nth(1).getByRole('link', { name }).click()
  await expect(page).toHaveURL(`/u/${member.username}`)
  await expect(page.getByRole('heading', { level: 1 })).toContainText(name)
})

test.describe('without JavaScript', () => {
  test.use({ javaScriptEnabled: false })

  test('the owner writes a bio in settings and sees it rendered on the profile', async ({ page, loginAs }) => {
    const member = await loginAs('member')
    await page.goto(`/u/${member.username}`)
    await page.getByRole('link', { name: 'Edit profile' }).click()
    await expect(page).toHaveURL('/settings')
    await expectAccessible(page)
    await page.getByLabel('Bio').fill('I build **dashboards**. <script>alert(1)</script>')
    await page.getByRole('button', { name: 'Save profile' }).click()
    await expect(page.getByRole('status')).toHaveText('Your profile was saved.')
    await expect(page.getByLabel('Bio')).toHaveValue('I build **dashboards**. <script>alert(1)</script>')

    await page.getByRole('link', { name: 'See your public profile' }).click()
    const about = page.getByRole('region', { name: 'About' })
    await expect(about.locator('strong')).toHaveText('dashboards')
    await expect(about.locator('script')).toHaveCount(0)
    await expectAccessible(page)
  })
})
