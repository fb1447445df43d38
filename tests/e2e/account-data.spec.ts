/** A member downloads their data and deletes their account from the settings. */
import { getDb } from '~/lib/db.server'
import { createTestComment, createTestIdea, createUser, unique } from '#tests/factories'
import { expect, expectAccessible, test } from './fixtures'

test('download your data, then delete the account keeping the posts under “Deleted member”', async ({ page, loginAs }) => {
  const member = await loginAs('member', { displayName: 'Pat Parting' })
  const db = getDb()
  const idea = createTestIdea(db, { authorId: createUser(db).id, title: `Leaving note ${unique('')}` })
  const words = unique('farewell remark')
  createTestComment(db, { target: { type: 'idea', id: idea.id }, authorId: member.id, bodyMd: words })

  await page.goto('/settings')
  await page.getByRole('link', { name: 'Download your data or delete your account' }).click()
  await expect(page.getByRole('heading', { level: 1, name: 'Your data' })).toBeVisible()
  await expectAccessible(page)

  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('link', { name: 'Download your data (JSON)' }).click(),
  ])
  expect(download.suggestedFilename()).toMatch(new RegExp(`^summit-${member.username}-\\d{4}-\\d{2}-\\d{2}\\.json$`))
  const exported = JSON.parse(await (await import('node:fs/promises')).readFile((await download.path())!, 'utf8'))
  expect(exported.account.username).toBe(member.username)
  expect(exported.comments[0].body).toBe(words)

  const form = page.getByRole('region', { name: 'Delete your account' })
  await form.getByLabel('Your password').fill('not-my-password')
  await form.getByLabel('I understand that my account is deleted for good').check()
  await form.getByRole('button', { name: 'Delete my account' }).click()
  await expect(form.getByText('That is not your password.')).toBeVisible()
  await expectAccessible(page)

  await form.getByLabel('Your password').fill(member.password)
  await form.getByLabel('I understand that my account is deleted for good').check()
  await form.getByRole('button', { name: 'Delete my account' }).click()
  await expect(page.getByRole('heading', { level: 1, name: 'Your account was deleted' })).toBeVisible()
  await expect(page.getByRole('banner').getByRole('link', { name: 'Log in' })).toBeVisible()
  await expectAccessible(page)

  // The comment stays, under the deleted name, with no link to a profile.
  await page.goto(`/ideas/${idea.id}`)
  const comment = page.getByRole('list', { name: 'Comments' }).getByRole('listitem').filter({ hasText: words })
  await expect(comment).toContainText('Deleted member')
  await expect(comment.getByRole('link', { name: 'Deleted member' })).toHaveCount(0)
  await expect(page.getByText('Pat Parting')).toHaveCount(0)
})
