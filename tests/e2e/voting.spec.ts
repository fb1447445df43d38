/** Voting from the idea list: with a fetcher, with plain form posts, logged out, and with the vote budget on. */
import { type Page } from '@playwright/test'
import { type Db, getDb, openDatabase } from '~/lib/db.server'
import { setSetting } from '~/models/settings.server'
import { createCategory, createTestIdea, createUser } from '#tests/factories'
import { expect, expectAccessible, makeUser, submitLogin, test } from './fixtures'
import { removeDatabaseFiles, startOwnServer, tmpDatabaseFile } from './own-server'

/** Ideas in a category of their own, so the test's list holds only them. */
function ideasInNewCategory(count: number, db: Db = getDb()) {
  const category = createCategory(db)
  const author = createUser(db)
  const ideas = Array.from({ length: count }, () => createTestIdea(db, { authorId: author.id, categoryId: category.id }))
  return { category, ideas, url: `/ideas?sort=new&category=${category.slug}` }
}

function rowOf(page: Page, title: string) {
  return page.getByRole('list', { name: 'Ideas' }).getByRole('listitem').filter({ hasText: title })
}

test('a member votes and unvotes from the list: the button changes at once and the count survives a reload', async ({ page, loginAs }) => {
  await loginAs()
  const { ideas, url } = ideasInNewCategory(1)
  const idea = ideas[0]!
  await page.goto(url)
  const row = rowOf(page, idea.title)
  await expectAccessible(page)

  // Hold the vote request back, to see the optimistic state while it is under way.
  let release = () => {}
  const held = new Promise<void>((resolve) => (release = resolve))
  await page.route('**/vote.data', async (route) => {
    await held
    await route.continue()
  })
  await row.getByRole('button', { name: 'Vote for this idea (1 vote)' }).click()
  const voted = row.getByRole('button', { name: 'Remove your vote (2 votes)' })
  await expect(voted).toHaveAttribute('aria-pressed', 'true')
  const answered = page.waitForResponse((r) => r.url().includes('/vote.data') && r.request().method() === 'POST')
  release()
  expect((await answered).status()).toBe(200)
  await page.unroute('**/vote.data')
  await expect(page).toHaveURL(url) // a fetcher: no navigation

  await page.reload()
  await expect(voted).toBeVisible()
  await expect(voted).toHaveAttribute('aria-pressed', 'true')
  await expectAccessible(page)

  const unvoteAnswered = page.waitForResponse((r) => r.url().includes('/vote.data') && r.request().method() === 'POST')
  await voted.click()
  const unvoted = row.getByRole('button', { name: 'Vote for this idea (1 vote)' })
  await expect(unvoted).toHaveAttribute('aria-pressed', 'false')
  expect((await unvoteAnswered).status()).toBe(200)
  await page.reload()
  await expect(unvoted).toBeVisible()
})

test.describe('without JavaScript', () => {
  test.use({ javaScriptEnabled: false })

  test('voting and unvoting are plain form posts that come back to the same list, at the idea', async ({ page, loginAs }) => {
    await loginAs()
    const { ideas, url } = ideasInNewCategory(2)
    const idea = ideas[0]!
    await page.goto(url)
    await expectAccessible(page)

    await rowOf(page, idea.title).getByRole('button', { name: 'Vote for this idea (1 vote)' }).click()
    await expect(page).toHaveURL(`${url}#idea-${idea.id}`)
    const voted = rowOf(page, idea.title).getByRole('button', { name: 'Remove your vote (2 votes)' })
    await expect(voted).toHaveAttribute('aria-pressed', 'true')
    await expectAccessible(page)

    await voted.click()
    const unvoted = rowOf(page, idea.title).getByRole('button', { name: 'Vote for this idea (1 vote)' })
    await expect(unvoted).toHaveAttribute('aria-pressed', 'false')
    await page.goto(url)
    await expect(unvoted).toBeVisible()
  })
})

test('a logged-out visitor who votes is asked to log in and comes back to the list', async ({ page }) => {
  const member = makeUser()
  const { ideas, url } = ideasInNewCategory(1)
  await page.goto(url)
  await expectAccessible(page)
  await rowOf(page, ideas[0]!.title).getByRole('button', { name: 'Vote for this idea (1 vote)' }).click()

  await expect(page).toHaveURL(/\/login\?redirectTo=/)
  expect(new URL(page.url()).searchParams.get('redirectTo')).toBe(`${url}#idea-${ideas[0]!.id}`)
  await expectAccessible(page)
  await submitLogin(page, member.username, member.password)
  await expect(page).toHaveURL(`${url}#idea-${ideas[0]!.id}`)
  // Logging in does not vote on the visitor's behalf: they now vote themselves.
  await rowOf(page, ideas[0]!.title).getByRole('button', { name: 'Vote for this idea (1 vote)' }).click()
  await expect(rowOf(page, ideas[0]!.title).getByRole('button', { name: 'Remove your vote (2 votes)' })).toBeVisible()
  await expectAccessible(page)
})

test.describe('with the vote budget on', () => {
  // The budget is a site-wide setting. Turned on in the database of the server every other test
  // uses, it would reach the tests running beside this one: any of their members' third open vote
  // refused with a 409 (the backup test's load, for one), a budget line and disabled buttons on
  // their idea lists. So this test serves the build a second time, on a database that only it uses.
  test('the list says how many votes are left, and a spent budget disables new votes with the reason', async ({ page }) => {
    test.setTimeout(60_000)
    const file = tmpDatabaseFile('budget')
    const server = await startOwnServer(file)
    const db = openDatabase(file)
    try {
      setSetting(db, 'voteBudget', { enabled: true, votesPerMember: 2 })
      const member = createUser(db)
      const { ideas, url } = ideasInNewCategory(3, db)
      const [a, b, c] = ideas as [(typeof ideas)[number], (typeof ideas)[number], (typeof ideas)[number]]
      await page.goto(`${server.origin}/login?${new URLSearchParams({ redirectTo: url })}`)
      await submitLogin(page, member.username, member.password)
      await expect(page).toHaveURL(`${server.origin}${url}`)

      const budget = page.getByRole('status').filter({ hasText: /votes? left|of your votes/ })
      await expect(budget).toHaveText('2 of 2 votes left')
      await rowOf(page, a.title)
        .getByRole('button', { name: /^Vote for this idea/ })
        .click()
      await expect(budget).toHaveText('1 of 2 votes left')
      await rowOf(page, b.title)
        .getByRole('button', { name: /^Vote for this idea/ })
        .click()
      const spent = 'You have used all 2 of your votes. Votes come back when ideas ship or are declined; you can also take back a vote.'
      await expect(budget).toHaveText(spent)

      const blocked = rowOf(page, c.title).getByRole('button', { name: 'Vote for this idea (1 vote)' })
      await expect(blocked).toBeDisabled()
      await expect(blocked).toHaveAccessibleDescription(spent)
      // Taking a vote back is still possible, and gives it back.
      await expect(rowOf(page, a.title).getByRole('button', { name: /^Remove your vote/ })).toBeEnabled()
      await expectAccessible(page)
      await rowOf(page, a.title)
        .getByRole('button', { name: /^Remove your vote/ })
        .click()
      await expect(budget).toHaveText('1 of 2 votes left')
      await expect(blocked).toBeEnabled()
    } finally {
      db.$client.close()
      await server.stop()
      removeDatabaseFiles(file)
    }
  })
})
