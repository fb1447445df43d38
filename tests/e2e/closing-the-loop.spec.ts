/**
 * The whole loop through the UI: a member votes on an idea's page, the product team moves it to
 * planned with a note, and the voter hears about it and finds it on the roadmap.
 */
import { getDb } from '~/lib/db.server'
import { createCategory, createTestIdea, createUser, unique } from '#tests/factories'
import { expect, expectAccessible, test } from './fixtures'

test('vote on the idea page, the team plans it, the voter is notified and sees it on the roadmap', async ({ page, browser, loginAs }) => {
  const db = getDb()
  const category = createCategory(db, { name: unique('Loop ') })
  const title = `Keyboard shortcuts for the editor ${unique('')}`
  const idea = createTestIdea(db, { authorId: createUser(db).id, categoryId: category.id, title })

  // The member votes from the idea's own page; the count moves at once and survives a reload.
  await loginAs('member')
  await page.goto(`/ideas/${idea.id}`)
  await expectAccessible(page)
  // The button updates before the post lands; wait for the vote's answer before reloading.
  const voted = page.waitForResponse(
    (r) => new URL(r.url()).pathname.startsWith(`/ideas/${idea.id}/vote`) && r.request().method() === 'POST',
  )
  await page.getByRole('button', { name: 'Vote for this idea (1 vote)' }).click()
  await expect(page.getByRole('button', { name: 'Remove your vote (2 votes)' })).toBeVisible()
  expect((await voted).ok()).toBe(true)
  await page.reload()
  await expect(page.getByRole('button', { name: 'Remove your vote (2 votes)' })).toHaveAttribute('aria-pressed', 'true')

  // A product-team user moves it to planned with an official note, in another browser context.
  const team = await browser.newContext({ extraHTTPHeaders: { 'X-Forwarded-For': '10.200.0.1' } })
  const pat = createUser(db, { role: 'product', displayName: unique('Pat ') })
  const { startSession } = await import('~/lib/auth.server')
  const cookie = await startSession(pat.id)
  await team.addCookies([{ name: cookie.name, value: cookie.value, url: page.url() }])
  const teamPage = await team.newPage()
  await teamPage.goto(`/ideas/${idea.id}`)
  await teamPage.getByLabel('New status').selectOption('planned')
  await teamPage.getByLabel('Official note').fill('This is on the plan for **next quarter**.')
  await teamPage.getByRole('button', { name: 'Change status' }).click()
  await expect(teamPage.getByRole('region', { name: 'Status updates' }).getByText('next quarter')).toBeVisible()
  await expectAccessible(teamPage)
  await team.close()

  // The voter sees the unread count, the notification with the note, and the idea on the roadmap.
  await page.goto('/')
  const bell = page.getByRole('banner').getByRole('link', { name: /^Notifications, \d+ unread$/ })
  await expect(bell).toBeVisible()
  await bell.click()
  await expect(page.getByRole('heading', { level: 1, name: 'Notifications' })).toBeVisible()
  const item = page.getByRole('listitem').filter({ hasText: title })
  const open = item.getByRole('button', { name: `“${title}” is now planned`, exact: true })
  await expect(open).toBeVisible()
  await expect(item).toContainText('This is on the plan for next quarter.')
  await expectAccessible(page)
  await open.click()
  await expect(page).toHaveURL(new RegExp(`/ideas/${idea.id}`))

  await page.goto(`/roadmap?category=${category.slug}`)
  const planned = page.getByRole('region', { name: /^Planned/ })
  await expect(planned.getByRole('link', { name: title })).toBeVisible()
  await expect(planned).toContainText('This is on the plan for next quarter.')
  await expectAccessible(page)
})

test.describe('without JavaScript', () => {
  test.use({ javaScriptEnabled: false })

  test('vote and unvote on the idea page with plain form posts', async ({ page, loginAs }) => {
    const db = getDb()
    const idea = createTestIdea(db, { authorId: createUser(db).id })
    await loginAs('member')
    await page.goto(`/ideas/${idea.id}`)
    await page.getByRole('button', { name: 'Vote for this idea (1 vote)' }).click()
    await expect(page).toHaveURL(new RegExp(`/ideas/${idea.id}$`))
    await expect(page.getByRole('button', { name: 'Remove your vote (2 votes)' })).toBeVisible()
    await page.getByRole('button', { name: 'Remove your vote (2 votes)' }).click()
    await expect(page.getByRole('button', { name: 'Vote for this idea (1 vote)' })).toBeVisible()
    await expectAccessible(page)
  })
})
