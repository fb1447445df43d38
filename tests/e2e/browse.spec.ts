/** Browsing the demo community read-only: idea and question lists, their pages, the roadmap, search. */
import { getDb } from '~/lib/db.server'
import { acceptAnswer } from '~/models/answers.server'
import { createTestAnswer, createTestQuestion, createUser, unique } from '#tests/factories'
import { expect, expectAccessible, test } from './fixtures'

test('ideas: sort and filter live in the URL, pages follow, and an idea shows its timeline', async ({ page }) => {
  await page.goto('/ideas')
  await expect(page.getByRole('heading', { level: 1, name: 'Ideas' })).toBeVisible()
  const sortNav = page.getByRole('navigation', { name: 'Sort ideas' })
  await expect(sortNav.getByRole('link', { name: 'Top' })).toHaveAttribute('aria-current', 'page')
  await expectAccessible(page)

  // Top sort: vote counts never increase down the list.
  const ideaList = page.getByRole('list', { name: 'Ideas' })
  const counts = await ideaList.getByRole('listitem').locator('.counts strong').allTextContents()
  const votes = counts.map(Number)
  expect(votes.length).toBe(20)
  expect(votes).toEqual([...votes].sort((a, b) => b - a))

  await page.getByRole('navigation', { name: 'Ideas pages' }).getByRole('link', { name: 'Next page' }).click()
  await expect(page).toHaveURL(/cursor=/)
  await expect(ideaList.getByRole('listitem').first()).toBeVisible()

  await page.getByLabel('Status').selectOption('shipped')
  await page.getByRole('button', { name: 'Filter' }).click()
  await expect(page).toHaveURL(/status=shipped/)
  await expect(page).not.toHaveURL(/cursor=/)
  const badges = ideaList.getByRole('listitem').getByText('Shipped', { exact: true })
  await expect(badges.first()).toBeVisible()
  await expectAccessible(page)

  await ideaList.getByRole('listitem').first().getByRole('heading').getByRole('link').click()
  await expect(page.getByRole('heading', { level: 2, name: 'Status updates' })).toBeVisible()
  await expect(page.getByRole('region', { name: 'Status updates' }).getByText('Shipped', { exact: true }).last()).toBeVisible()
  await expectAccessible(page)
})

test('questions: the unanswered tab and a question page with its accepted answer first', async ({ page }) => {
  await page.goto('/questions?tab=unanswered')
  await expect(page.getByRole('navigation', { name: 'Question lists' }).getByRole('link', { name: 'Unanswered' })).toHaveAttribute(
    'aria-current',
    'page',
  )
  await expectAccessible(page)

  // A question of its own with an accepted answer: the newest list's first page belongs to
  // whatever other tests asked last, answered or not.
  const db = getDb()
  const asker = createUser(db)
  const title = `Which export format keeps the filters? ${unique('q')}`
  const question = createTestQuestion(db, { authorId: asker.id, title })
  createTestAnswer(db, { questionId: question.id, authorId: createUser(db).id })
  const accepted = createTestAnswer(db, { questionId: question.id, authorId: createUser(db).id })
  acceptAnswer(db, { answerId: accepted.id, userId: asker.id })
  await page.goto('/questions')
  const answered = page.getByRole('list', { name: 'Questions' }).getByRole('listitem').filter({ hasText: title })
  await expect(answered.getByText('Answered', { exact: true })).toBeVisible()
  await answered.getByRole('heading').getByRole('link').click()
  await expect(page.getByRole('heading', { level: 1 })).toBeVisible()
  const firstAnswer = page
    .getByRole('region', { name: /answers?$/ })
    .getByRole('listitem')
    .first()
  await expect(firstAnswer.getByText('Accepted answer')).toBeVisible()
  await expectAccessible(page)
})

test('the roadmap shows the four columns with seeded cards, and filters by category', async ({ page }) => {
  await page.goto('/roadmap')
  for (const column of ['Under review', 'Planned', 'In progress', 'Shipped']) {
    await expect(page.getByRole('heading', { level: 2, name: new RegExp(`^${column}`) })).toBeVisible()
  }
  await expect(
    page
      .getByRole('region', { name: /^Planned/ })
      .getByRole('listitem')
      .first(),
  ).toBeVisible()
  await expectAccessible(page)
  await page.getByLabel('Category').selectOption({ label: 'Integrations' })
  await page.getByRole('button', { name: 'Filter' }).click()
  await expect(page).toHaveURL(/category=integrations/)
  await expectAccessible(page)
})

test('search from the header finds a just-posted answer by a word in its body and highlights it', async ({ page }) => {
  const db = getDb()
  const word = unique('flamingo')
  const question = createTestQuestion(db, { authorId: createUser(db).id, title: 'How do I rotate the signing key?' })
  createTestAnswer(db, { questionId: question.id, authorId: createUser(db).id, bodyMd: `Use the ${word} command in the admin console.` })

  await page.goto('/')
  await page.getByRole('search').getByLabel('Search ideas and questions').fill(word)
  await page.getByRole('search').getByRole('button', { name: 'Search' }).click()
  await expect(page).toHaveURL(new RegExp(`/search\\?q=${word}`))
  const hit = page.getByRole('main').getByRole('listitem').filter({ hasText: 'How do I rotate the signing key?' })
  await expect(hit).toHaveCount(1)
  await expect(hit.locator('mark')).toHaveText(word)
  await expectAccessible(page)

  await hit.getByRole('link').click()
  await expect(page).toHaveURL(new RegExp(`/questions/${question.id}#answer-\\d+$`))
})

test('hostile search input gives an empty page, never an error', async ({ page }) => {
  for (const q of ['"NEAR(', '*** ((( ', '🙂', 'x'.repeat(3000)]) {
    const response = await page.goto(`/search?q=${encodeURIComponent(q)}`)
    expect(response?.status()).toBe(200)
  }
  await expect(page.getByRole('status')).toContainText('Nothing matches')
  await expectAccessible(page)
})
