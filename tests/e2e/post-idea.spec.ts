/** Posting an idea: similar ideas while typing the title, the preview, errors kept beside their fields. */
import { getDb } from '~/lib/db.server'
import { createTestIdea, createUser } from '#tests/factories'
import { expect, expectAccessible, makeUser, submitLogin, test, unique } from './fixtures'

/** An existing idea with a word no other idea has, so the suggestion to look for is certain. */
function distinctiveIdea() {
  const word = unique('narwhal')
  const idea = createTestIdea(getDb(), { authorId: createUser(getDb()).id, title: `Archive ${word} projects automatically` })
  return { ...idea, word }
}

test('post an idea: a similar idea is suggested while typing the title, the preview follows the text', async ({ page, loginAs }) => {
  const existing = distinctiveIdea()
  await loginAs('member', { reputation: 500 }) // its tags may be new ones
  await page.goto('/ideas')
  await page.getByRole('link', { name: 'Post an idea' }).click()
  await expect(page.getByRole('heading', { level: 1, name: 'Post an idea' })).toBeVisible()
  await expectAccessible(page)

  const form = page.getByRole('main')
  const title = `Move old ${existing.word} projects to an archive`
  await form.getByLabel('Title').pressSequentially(title)
  const suggestion = form.getByRole('link', { name: existing.title })
  await expect(suggestion).toBeVisible()
  await expect(suggestion).toHaveAttribute('href', `/ideas/${existing.id}`)
  await expect(form.getByRole('heading', { name: 'Similar ideas' })).toBeVisible()
  await expect(form.getByRole('listitem').filter({ hasText: existing.title })).toContainText('1 vote')

  await form
    .getByLabel('Description')
    .fill('Projects untouched for a **year** should move to the archive.\n\n- less clutter\n- faster search')
  const preview = page.getByRole('region', { name: 'Preview' })
  await expect(preview.locator('strong')).toHaveText('year')
  await expect(preview.getByRole('listitem')).toHaveCount(2)
  await form.getByLabel('Category').selectOption({ label: 'Integrations' })
  await form.getByLabel('Tags (optional)').fill('Archive, projects')
  await expectAccessible(page)

  await form.getByRole('button', { name: 'Post idea' }).click()
  await expect(page).toHaveURL(/\/ideas\/\d+$/)
  await expect(page.getByRole('heading', { level: 1, name: title })).toBeVisible()
  await expect(page.getByRole('list', { name: 'Tags' })).toContainText('archive')
  await expectAccessible(page)
})

test('a logged-out visitor who wants to post is asked to log in and comes back to the form', async ({ page }) => {
  const user = makeUser()
  await page.goto('/')
  await page.getByRole('main').getByRole('link', { name: 'Post an idea' }).click()
  await expect(page).toHaveURL('/login?redirectTo=%2Fideas%2Fnew')
  await submitLogin(page, user.username, user.password)
  await expect(page).toHaveURL('/ideas/new')
  await expect(page.getByRole('heading', { level: 1, name: 'Post an idea' })).toBeVisible()
})

test.describe('without JavaScript', () => {
  test.use({ javaScriptEnabled: false })

  test('the form, its Preview button and its errors work as plain form posts', async ({ page, loginAs }) => {
    const existing = distinctiveIdea()
    await loginAs('member', { reputation: 500 }) // its tag may be a new one
    await page.goto('/ideas/new')
    await expectAccessible(page)

    const form = page.getByRole('main')
    await form.getByLabel('Title').fill('Too short')
    await form.getByLabel('Description').fill('Old *projects* clutter the list.')
    await form.getByLabel('Tags (optional)').fill('archive')
    const [failed] = await Promise.all([
      page.waitForResponse((r) => r.request().method() === 'POST'),
      form.getByRole('button', { name: 'Post idea' }).click(),
    ])
    expect(failed.status()).toBe(400)
    const titleField = form.getByLabel('Title')
    await expect(titleField).toHaveValue('Too short')
    await expect(titleField).toHaveAttribute('aria-invalid', 'true')
    await expect(titleField).toHaveAccessibleDescription(/Use at least 10 characters\./)
    await expect(form.getByLabel('Category')).toHaveAttribute('aria-invalid', 'true')
    await expect(form.getByText('Choose a category.')).toBeVisible()
    await expect(form.getByLabel('Description')).toHaveValue('Old *projects* clutter the list.')
    await expect(form.getByLabel('Tags (optional)')).toHaveValue('archive')
    await expectAccessible(page)

    const title = `Archive stale ${existing.word} projects`
    await form.getByLabel('Title').fill(title)
    await form.getByLabel('Category').selectOption({ label: 'Integrations' })
    await form.getByRole('button', { name: 'Preview' }).click()
    const preview = page.getByRole('region', { name: 'Preview' })
    await expect(preview.locator('em')).toHaveText('projects')
    await expect(form.getByRole('link', { name: existing.title })).toHaveAttribute('href', `/ideas/${existing.id}`)
    await expect(form.getByLabel('Title')).toHaveValue(title)
    await expect(form.getByLabel('Category')).toHaveValue(/\d+/)
    await expectAccessible(page)

    await form.getByRole('button', { name: 'Post idea' }).click()
    await expect(page).toHaveURL(/\/ideas\/\d+$/)
    await expect(page.getByRole('heading', { level: 1, name: title })).toBeVisible()
    await expectAccessible(page)
  })
})
