/** Moderation end to end: flags hide a post, a moderator restores it from the queue, the log shows it; a suspended member. */
import { type Browser } from '@playwright/test'
import { startSession } from '~/lib/auth.server'
import { getDb } from '~/lib/db.server'
import { createTestComment, createTestIdea, createUser, unique } from '#tests/factories'
import { expect, expectAccessible, submitLogin, test, type TestUser } from './fixtures'

/** A second browser (its own cookies) logged in as `user`. */
async function openAs(browser: Browser, baseURL: string, user: TestUser, clientIp: string) {
  const context = await browser.newContext({ baseURL, extraHTTPHeaders: { 'X-Forwarded-For': clientIp } })
  const cookie = await startSession(user.id)
  await context.addCookies([{ name: cookie.name, value: cookie.value, url: baseURL }])
  return context.newPage()
}

test('three members flag an idea, it disappears for others, a moderator restores it from the queue and the log shows it', async ({
  page,
  browser,
  baseURL,
  clientIp,
  loginAs,
}) => {
  test.slow() // five people, and axe on every admin page
  const db = getDb()
  const author = createUser(db)
  const title = `Free ${unique('crypto')} giveaway, click my link now`
  const idea = createTestIdea(db, { authorId: author.id, title })

  for (let i = 0; i < 3; i++) {
    const flagger = createUser(db, { reputation: 20 })
    const flaggerPage = await openAs(browser, baseURL!, flagger, clientIp)
    await flaggerPage.goto(`/ideas/${idea.id}`)
    await flaggerPage.getByText('Flag this idea').click()
    // In place once the page is hydrated, else on the flag page the link leads to: the same form.
    const form = flaggerPage.locator('form.flag-form')
    await form.getByLabel('Spam').check()
    if (i === 0) await expectAccessible(flaggerPage)
    await form.getByRole('button', { name: 'Send flag' }).click()
    await expect(flaggerPage.getByRole('heading', { level: 1, name: 'Thank you for flagging' })).toBeVisible()
    await flaggerPage.context().close()
  }

  // A fourth member no longer finds it.
  const fourth = await openAs(browser, baseURL!, createUser(db, { reputation: 20 }), clientIp)
  const response = await fourth.goto(`/ideas/${idea.id}`)
  expect(response?.status()).toBe(404)
  await fourth.goto('/ideas?sort=new')
  await expect(fourth.getByRole('link', { name: title })).toHaveCount(0)
  await fourth.context().close()

  // The author still sees it, marked.
  const authorPage = await openAs(browser, baseURL!, author, clientIp)
  await authorPage.goto(`/ideas/${idea.id}`)
  await expect(authorPage.getByText(/Hidden pending review/)).toBeVisible()
  await authorPage.context().close()

  const moderator = await loginAs('moderator')
  // A moderator's search still finds it, marked hidden.
  await page.goto(`/search?q=${encodeURIComponent(title.split(' ')[1]!)}`)
  const hit = page.getByRole('listitem').filter({ has: page.getByRole('link', { name: title }) })
  await expect(hit.getByText('Hidden', { exact: true })).toBeVisible()
  await expectAccessible(page)
  await page.goto('/admin/flags')
  await expect(page.getByRole('heading', { level: 1, name: 'Moderation queue' })).toBeVisible()
  const item = page.getByRole('listitem').filter({ has: page.getByRole('link', { name: title }) })
  await expect(item.getByText('Hidden by flags')).toBeVisible()
  await expectAccessible(page)
  await item.getByRole('button', { name: new RegExp(`^Restore .*${title.slice(0, 20)}`) }).click()
  await expect(page.getByRole('status')).toHaveText(/Done/)
  await expect(page.getByRole('link', { name: title })).toHaveCount(0)

  await page.goto(`/admin/log?actor=${moderator.username}`)
  await expect(page.getByRole('heading', { level: 1, name: 'Moderation log' })).toBeVisible()
  const row = page.getByRole('row').filter({ hasText: 'reject flags' })
  await expect(row).toContainText(`idea ${idea.id}`)
  await expect(row).toContainText('hidden: true → false')
  await expectAccessible(page)

  // Visible to everyone again.
  const again = await openAs(browser, baseURL!, createUser(db), clientIp)
  await again.goto(`/ideas/${idea.id}`)
  await expect(again.getByRole('heading', { level: 1, name: title })).toBeVisible()
  await again.context().close()
})

test('a suspended member sees the reason when logging in and cannot post', async ({ page }) => {
  const member = createUser(getDb(), {
    reputation: 50,
    suspendedUntil: new Date(Date.now() + 3 * 86_400_000),
    suspensionReason: 'Posting referral links',
  })
  await page.goto('/login?redirectTo=/ideas/new')
  await submitLogin(page, member.username, member.password)
  await expect(page.getByRole('heading', { level: 1, name: 'Your account is suspended' })).toBeVisible()
  await expect(page.getByRole('alert')).toContainText('Reason: Posting referral links')
  await expectAccessible(page)
  await page.getByRole('link', { name: 'Continue' }).click()
  await expect(page.getByText(/Your account is suspended until \d{4}-\d{2}-\d{2}\. Reason: Posting referral links/)).toBeVisible()
})

test('moderators find members, suspend one with a reason, and the admin pages pass axe', async ({ page, loginAs }) => {
  await loginAs('moderator')
  const displayName = `Suspect ${unique('m')}`
  const member = createUser(getDb(), { displayName })
  await page.goto(`/admin/users?q=${member.username}`)
  await expect(page.getByRole('heading', { level: 1, name: 'Members' })).toBeVisible()
  await expectAccessible(page)
  await page.getByRole('link', { name: displayName }).click()
  await expect(page.getByRole('heading', { level: 1 })).toContainText(displayName)
  await page.getByLabel('7 days').check()
  await page.getByLabel('Reason (the member sees it)').fill('Cooling off after a heated thread')
  await page.getByRole('button', { name: 'Suspend' }).click()
  await expect(page.getByText('Reason: Cooling off after a heated thread')).toBeVisible()
  await expectAccessible(page)
  await page.goto('/admin/flags?tab=pending')
  await expect(page.getByRole('heading', { level: 1, name: 'Moderation queue' })).toBeVisible()
  await expectAccessible(page)
})

test.describe('the flag control on a comment', () => {
  test('opens the flag form in place, and the page carries no flag form until then', async ({ page, loginAs }) => {
    const db = getDb()
    const idea = createTestIdea(db, { authorId: createUser(db).id })
    createTestComment(db, { target: { type: 'idea', id: idea.id }, authorId: createUser(db).id })
    await loginAs('member', { reputation: 20 })
    const response = await page.goto(`/ideas/${idea.id}`)
    // The server's page has links, not forms: the form is built when asked for.
    expect(await response!.text()).not.toContain('class="form flag-form"')
    const control = page.getByRole('button', { name: 'Flag this comment' })
    await expect(control).toHaveAttribute('aria-expanded', 'false')
    await control.click()
    await expect(control).toHaveAttribute('aria-expanded', 'true')
    await expect(page.locator('form.flag-form')).toHaveCount(1)
    await expectAccessible(page)
    await page.locator('form.flag-form').getByLabel('Off-topic').check()
    await page.locator('form.flag-form').getByRole('button', { name: 'Send flag' }).click()
    await expect(page.getByRole('heading', { level: 1, name: 'Thank you for flagging' })).toBeVisible()
  })

  test.describe('without JavaScript', () => {
    test.use({ javaScriptEnabled: false })
    test('the flag link leads to the flag page, which sends the flag', async ({ page, loginAs }) => {
      const db = getDb()
      const idea = createTestIdea(db, { authorId: createUser(db).id })
      await loginAs('member', { reputation: 20 })
      await page.goto(`/ideas/${idea.id}`)
      await page.getByRole('link', { name: 'Flag this idea' }).click()
      await expect(page).toHaveURL(new RegExp(`/flag\\?type=idea&id=${idea.id}$`))
      await page.getByLabel('Spam').check()
      await page.getByRole('button', { name: 'Send flag' }).click()
      await expect(page.getByRole('heading', { level: 1, name: 'Thank you for flagging' })).toBeVisible()
      await page.goto(`/ideas/${idea.id}`)
      await expect(page.getByText('You flagged this idea.')).toBeVisible()
    })
  })
})
