/**
 * The product team's admin pages in the browser: ranking by a segment and a bulk status change
 * that reaches the voters, the CSV export with its formula escaping, internal notes that members
 * never see, and the admin frame (nav, settings, dashboard) checked for accessibility.
 */
import { readFile } from 'node:fs/promises'
import { type BrowserContext } from '@playwright/test'
import { startSession } from '~/lib/auth.server'
import { getDb } from '~/lib/db.server'
import { changeIdeaStatus } from '~/models/idea-status.server'
import { setIdeaVote } from '~/models/votes.server'
import { createCategory, createSegment, createTestIdea, createUser, unique } from '#tests/factories'
import { expect, expectAccessible, test } from './fixtures'

/** Logs the context in as `userId` instead of whoever it was. */
async function switchUser(context: BrowserContext, baseURL: string, userId: number) {
  await context.clearCookies()
  const cookie = await startSession(userId)
  await context.addCookies([{ name: cookie.name, value: cookie.value, url: baseURL }])
}

test('a product user ranks by a segment, moves two ideas to planned in bulk, and a voter is notified', async ({
  page,
  context,
  baseURL,
  loginAs,
}) => {
  const db = getDb()
  const segment = createSegment(db, { name: unique('Enterprise '), weight: 3 })
  const category = createCategory(db, { name: unique('Bulk ') })
  const author = createUser(db)
  const titles = [`Single sign-on with SAML ${unique('')}`, `Audit log export ${unique('')}`, `Dark mode for reports ${unique('')}`]
  const [sso, audit, dark] = titles.map((title) => createTestIdea(db, { authorId: author.id, categoryId: category.id, title }))
  const voter = createUser(db, { segmentId: segment.id, displayName: unique('Voter ') })
  setIdeaVote(db, { ideaId: sso!.id, userId: voter.id, voted: true })
  setIdeaVote(db, { ideaId: sso!.id, userId: createUser(db, { segmentId: segment.id }).id, voted: true })
  setIdeaVote(db, { ideaId: audit!.id, userId: createUser(db, { segmentId: segment.id }).id, voted: true })
  setIdeaVote(db, { ideaId: dark!.id, userId: createUser(db).id, voted: true }) // no segment vote: not ranked

  await loginAs('product')
  await page.goto('/')
  await page.getByRole('banner').getByRole('link', { name: 'Admin' }).click()
  await expect(page.getByRole('heading', { level: 1, name: 'Dashboard' })).toBeVisible()
  const nav = page.getByRole('navigation', { name: 'Admin' })
  await expect(nav.getByRole('link', { name: 'Dashboard' })).toHaveAttribute('aria-current', 'page')
  await expect(nav.getByRole('link', { name: 'Settings' })).toHaveCount(0)
  await expectAccessible(page)

  await nav.getByRole('link', { name: 'Ideas' }).click()
  await expect(page.getByRole('heading', { level: 1, name: 'Ideas' })).toBeVisible()
  await page.getByLabel('Rank by').selectOption('segment')
  await page.getByLabel('Segment').selectOption({ label: segment.name })
  await page.getByLabel('Category').selectOption({ label: category.name })
  await page.getByRole('button', { name: 'Show ideas' }).click()
  const table = page.getByRole('table', { name: new RegExp(`ranked by votes from a segment \\(${segment.name}\\)`) })
  await expect(table).toBeVisible()
  await expect(table.getByRole('columnheader', { name: `Votes from ${segment.name}` })).toBeVisible()
  const rows = table.getByRole('row')
  await expect(rows).toHaveCount(3) // the header and the two ideas with Enterprise votes
  await expect(rows.nth(1).getByRole('rowheader')).toContainText(titles[0]!)
  await expect(rows.nth(2).getByRole('rowheader')).toContainText(titles[1]!)
  await expectAccessible(page)

  await page.getByRole('checkbox', { name: `Select “${titles[0]}”` }).check()
  await page.getByRole('checkbox', { name: `Select “${titles[1]}”` }).check()
  await page.getByLabel('New status').selectOption('planned')
  await page.getByLabel('Official note').fill('Both are on the **Q3** plan.')
  await page.getByRole('button', { name: 'Change status of selected ideas' }).click()
  await expect(page.getByRole('status')).toContainText('2 ideas were moved')
  await expect(rows.nth(1)).toContainText('Planned')
  await expect(rows.nth(2)).toContainText('Planned')

  // The voter of the first idea hears about it, with the note.
  await switchUser(context, baseURL!, voter.id)
  await page.goto('/notifications')
  const item = page.getByRole('listitem').filter({ hasText: titles[0]! })
  await expect(item).toContainText(`“${titles[0]}” is now planned`)
  await expect(item).toContainText('Both are on the Q3 plan.')
  await expect(page.getByRole('listitem').filter({ hasText: titles[1]! })).toHaveCount(0) // not a voter of the second
})

test('the ideas CSV downloads with formula cells escaped', async ({ page, loginAs }) => {
  const db = getDb()
  const category = createCategory(db, { name: unique('Csv ') })
  const title = `=HYPERLINK("https://evil.example","open") exploit idea ${unique('')}`
  createTestIdea(db, { authorId: createUser(db).id, categoryId: category.id, title })
  await loginAs('product')
  await page.goto(`/admin/ideas?category=${category.id}`)
  await expect(page.getByRole('rowheader').filter({ hasText: 'exploit idea' })).toBeVisible()
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('link', { name: 'Download these ideas as CSV' }).click(),
  ])
  expect(download.suggestedFilename()).toMatch(/^ideas-all-\d{4}-\d{2}-\d{2}\.csv$/)
  const csv = (await readFile((await download.path())!, 'utf8')).replace(/^\uFEFF/, '')
  const [header, row, end] = csv.split('\r\n')
  expect(header).toMatch(/^id,title,status,category,votes,weighted score,/)
  expect(row).toContain(`,"'=HYPERLINK(""https://evil.example"",""open"") exploit idea`)
  expect(row).not.toMatch(/,=HYPERLINK/)
  expect(end).toBe('')

  // The voters of one idea: its author's automatic vote, without e-mail addresses.
  const [voters] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('link', { name: /^Voters of “=HYPERLINK.*” as CSV$/ }).click(),
  ])
  expect(voters.suggestedFilename()).toMatch(/^idea-\d+-voters\.csv$/)
  const votersCsv = (await readFile((await voters.path())!, 'utf8')).replace(/^\uFEFF/, '')
  expect(votersCsv.split('\r\n')[0]).toBe('username,display name,segment,voted at')
  expect(votersCsv).not.toContain('@example.com')
})

test('a member never sees an internal note: not on the page, in search, nor in the changelog feed', async ({
  page,
  context,
  baseURL,
  loginAs,
}) => {
  const db = getDb()
  const title = `Bulk user import from CSV ${unique('')}`
  const idea = createTestIdea(db, { authorId: createUser(db).id, title })
  const secret = `quokka${Date.now().toString(36)}`

  const product = await loginAs('product')
  await page.goto(`/ideas/${idea.id}`)
  const notes = page.getByRole('region', { name: 'Internal notes' })
  await notes.getByLabel('Add an internal note').fill(`Acme asked again: ${secret}`)
  await notes.getByRole('button', { name: 'Add note' }).click()
  await expect(notes.getByText(secret)).toBeVisible()
  await expectAccessible(page)
  changeIdeaStatus(db, { ideaId: idea.id, actorId: product.id, toStatus: 'shipped', noteMd: 'Out now for every plan.' })

  const member = createUser(db)
  await switchUser(context, baseURL!, member.id)
  await page.goto(`/ideas/${idea.id}`)
  await expect(page.getByRole('heading', { level: 1, name: title })).toBeVisible()
  await expect(page.getByRole('region', { name: 'Internal notes' })).toHaveCount(0)
  expect(await page.content()).not.toContain(secret)

  await page.goto(`/search?q=${secret}`)
  await expect(page.getByRole('heading', { level: 1 })).toBeVisible()
  await expect(page.getByRole('main')).not.toContainText('Acme asked again')
  expect(await page.content()).not.toContain('Acme asked again')

  const feed = await page.request.get('/changelog.atom')
  const xml = await feed.text()
  expect(xml).toContain(title)
  expect(xml).not.toContain(secret)
})

test('members get no Admin link and a 403 page; admins reach the settings', async ({ page, context, baseURL, loginAs }) => {
  await loginAs('member')
  await page.goto('/')
  await expect(page.getByRole('banner').getByRole('link', { name: 'Admin' })).toHaveCount(0)
  const response = await page.goto('/admin')
  expect(response?.status()).toBe(403)
  await expect(page.getByRole('heading', { level: 1, name: 'Not allowed' })).toBeVisible()

  const admin = createUser(getDb(), { role: 'admin' })
  await switchUser(context, baseURL!, admin.id)
  await page.goto('/admin/settings')
  await expect(page.getByRole('heading', { level: 1, name: 'Settings' })).toBeVisible()
  await expectAccessible(page)
  const name = unique('Plan ')
  const add = page.getByRole('form', { name: 'Add a segment' })
  await add.getByLabel('Name').fill(name)
  await add.getByLabel('Weight (0–100)').fill('250')
  await add.getByRole('button', { name: 'Add segment' }).click()
  await expect(add.getByText('Enter a weight from 0 to 100.')).toBeVisible()
  await expect(add.getByLabel('Name')).toHaveValue(name)
  await add.getByLabel('Weight (0–100)').fill('4')
  await add.getByRole('button', { name: 'Add segment' }).click()
  await expect(page.getByRole('status')).toHaveText('The segment was added.')
  await expect(page.getByRole('form', { name: `Edit segment ${name}` })).toBeVisible()
})

test.describe('without JavaScript', () => {
  test.use({ javaScriptEnabled: false })

  test('an admin reorders categories and moves an idea in bulk with plain form posts', async ({ page, loginAs }) => {
    const db = getDb()
    const first = createCategory(db, { name: unique('Alpha '), position: 500 })
    const second = createCategory(db, { name: unique('Beta '), position: 500 })
    const idea = createTestIdea(db, { authorId: createUser(db).id, categoryId: second.id, title: `Offline bulk move ${unique('')}` })
    await loginAs('admin')

    await page.goto('/admin/settings')
    const names = page.getByRole('region', { name: 'Categories' }).getByRole('form', { name: /^Edit category / })
    const position = async (name: string) =>
      (await names.evaluateAll((forms) => forms.map((f) => f.getAttribute('aria-label')))).indexOf(`Edit category ${name}`)
    // Polled: without JavaScript the answer page may still be arriving when the status shows.
    const gap = async () => {
      const [a, b] = [await position(first.name), await position(second.name)]
      return a < 0 || b < 0 ? null : b - a
    }
    await expect.poll(gap).toBe(1)
    await page.getByRole('button', { name: `Move ${second.name} up` }).click()
    await expect(page.getByRole('status')).toHaveText('The categories were reordered.')
    await expect.poll(gap).toBe(-1)
    await expectAccessible(page)

    await page.goto(`/admin/ideas?category=${second.id}`)
    await page.getByRole('checkbox', { name: `Select “${idea.title}”` }).check()
    await page.getByLabel('New status').selectOption('under_review')
    await page.getByRole('button', { name: 'Change status of selected ideas' }).click()
    await expect(page.getByRole('status')).toContainText('1 idea was moved')
    await expect(page.getByRole('row').filter({ hasText: idea.title })).toContainText('Under review')
    await expectAccessible(page)
  })
})
