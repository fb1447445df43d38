/**
 * Closing the loop: a voter hears when an idea moves (the header count, /notifications, marking
 * read), and shipped ideas reach the changelog and its Atom feed. Status changes are made through
 * the model, as the team's status form belongs to the idea page.
 */
import { getDb } from '~/lib/db.server'
import { changeIdeaStatus } from '~/models/idea-status.server'
import { setIdeaVote } from '~/models/votes.server'
import { createTestIdea, createUser } from '#tests/factories'
import { child, childrenNamed, parseXml } from '#tests/xml'
import { expect, expectAccessible, test, type TestUser, unique } from './fixtures'

/** Two ideas the voter voted on, each moved by the product team. */
function statusChangesFor(voter: TestUser) {
  const db = getDb()
  const team = createUser(db, { role: 'product' })
  const planned = createTestIdea(db, { authorId: createUser(db).id, title: `Offline ${unique('mode')} for the mobile app` })
  const reviewed = createTestIdea(db, { authorId: createUser(db).id, title: `Shared ${unique('inbox')} for support teams` })
  for (const idea of [planned, reviewed]) setIdeaVote(db, { ideaId: idea.id, userId: voter.id, voted: true })
  changeIdeaStatus(db, { ideaId: reviewed.id, actorId: team.id, toStatus: 'under_review' })
  changeIdeaStatus(db, { ideaId: planned.id, actorId: team.id, toStatus: 'planned', noteMd: 'Planned for **Q3**.' })
  return { planned, reviewed }
}

test('a voter sees the status change: the unread count, the notifications page, opening one and marking all read', async ({
  page,
  loginAs,
}) => {
  const voter = await loginAs('member')
  const { planned, reviewed } = statusChangesFor(voter)

  await page.goto('/')
  const banner = page.getByRole('banner')
  await expect(banner.getByRole('link', { name: 'Notifications, 2 unread' })).toBeVisible()
  await expectAccessible(page)
  await banner.getByRole('link', { name: 'Notifications, 2 unread' }).click()

  await expect(page.getByRole('heading', { level: 1, name: 'Notifications' })).toBeVisible()
  const list = page.getByRole('list', { name: 'Notifications' })
  const items = list.getByRole('listitem')
  await expect(items).toHaveCount(2)
  // Newest first; unread said in words, not only by colour.
  await expect(items.first()).toContainText(`“${planned.title}” is now planned`)
  await expect(items.first()).toContainText('Planned for Q3.')
  await expect(items.first().getByText('Unread', { exact: true })).toBeVisible()
  await expect(items.nth(1)).toContainText(`“${reviewed.title}” is now under review`)
  await expectAccessible(page)

  // Following one marks it read on the way to the idea.
  await items
    .first()
    .getByRole('button', { name: `“${planned.title}” is now planned`, exact: true })
    .click()
  await expect(page).toHaveURL(`/ideas/${planned.id}`)
  await expect(banner.getByRole('link', { name: 'Notifications, 1 unread' })).toBeVisible()

  await banner.getByRole('link', { name: 'Notifications, 1 unread' }).click()
  await expect(items.first().getByText('Unread', { exact: true })).toHaveCount(0)
  await expect(items.nth(1).getByText('Unread', { exact: true })).toBeVisible()
  await page.getByRole('button', { name: 'Mark all read' }).click()
  await expect(banner.getByRole('link', { name: 'Notifications', exact: true })).toBeVisible()
  await expect(list.getByText('Unread', { exact: true })).toHaveCount(0)
  await expect(page.getByRole('button', { name: 'Mark all read' })).toHaveCount(0)
  await expect(page.getByRole('status')).toHaveText('You are all caught up.')
  await expectAccessible(page)
})

test('a shipped idea appears on the changelog and in its Atom feed', async ({ page, request }) => {
  const db = getDb()
  const team = createUser(db, { role: 'product' })
  const title = `Dark mode & <high contrast> ${unique('theme')}`
  const idea = createTestIdea(db, { authorId: createUser(db).id, title })
  changeIdeaStatus(db, { ideaId: idea.id, actorId: team.id, toStatus: 'shipped', noteMd: 'Out now under **Settings → Appearance**.' })

  await page.goto('/')
  await page.getByRole('contentinfo').getByRole('link', { name: 'Changelog' }).click()
  await expect(page).toHaveURL('/changelog')
  await expect(page.getByRole('heading', { level: 1, name: 'Changelog' })).toBeVisible()
  const entry = page.getByRole('list', { name: 'Shipped ideas' }).getByRole('listitem').filter({ hasText: title })
  await expect(entry.getByRole('link', { name: title })).toHaveAttribute('href', `/ideas/${idea.id}`)
  await expect(entry.locator('strong').filter({ hasText: 'Settings → Appearance' })).toBeVisible()
  await expect(entry).toContainText('Shipped')
  await expect(page.locator('head link[rel="alternate"][type="application/atom+xml"]')).toHaveAttribute('href', '/changelog.atom')
  await expectAccessible(page)

  const response = await request.get('/changelog.atom')
  expect(response.status()).toBe(200)
  expect(response.headers()['content-type']).toBe('application/atom+xml; charset=utf-8')
  const feed = parseXml(await response.text())
  const found = childrenNamed(feed, 'entry').find((e) => child(e, 'title').text === title)
  expect(found, 'the shipped idea is in the feed').toBeDefined()
  expect(child(found!, 'id').text).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:\\d+/ideas/${idea.id}$`))
  expect(child(found!, 'content').text).toBe('<p>Out now under <strong>Settings → Appearance</strong>.</p>')

  const etag = response.headers()['etag']!
  const again = await request.get('/changelog.atom', { headers: { 'If-None-Match': etag } })
  expect(again.status()).toBe(304)
})

test.describe('without JavaScript', () => {
  test.use({ javaScriptEnabled: false })

  test('notifications are marked read one by one and all at once with plain form posts', async ({ page, loginAs }) => {
    const voter = await loginAs('member')
    const { planned } = statusChangesFor(voter)
    await page.goto('/notifications')
    await expect(page.getByRole('banner').getByRole('link', { name: 'Notifications, 2 unread' })).toBeVisible()
    await expectAccessible(page)

    const items = page.getByRole('list', { name: 'Notifications' }).getByRole('listitem')
    await items
      .first()
      .getByRole('button', { name: `Mark read: “${planned.title}” is now planned` })
      .click()
    await expect(page).toHaveURL('/notifications')
    await expect(page.getByRole('banner').getByRole('link', { name: 'Notifications, 1 unread' })).toBeVisible()
    await expect(items.first().getByText('Unread', { exact: true })).toHaveCount(0)

    await page.getByRole('button', { name: 'Mark all read' }).click()
    await expect(page.getByRole('banner').getByRole('link', { name: 'Notifications', exact: true })).toBeVisible()
    await expectAccessible(page)
  })
})
