/**
 * Customer companies in the browser: an admin adds a company, puts a voter in it from the
 * member's page, and the product dashboard and the idea page show the company behind the vote; the
 * CSV import works as a plain form post without JavaScript (a file, then pasted text), reporting
 * every bad row and importing nothing until the file is right. The pages are checked with axe.
 */
import { getDb } from '~/lib/db.server'
import { setIdeaVote } from '~/models/votes.server'
import { createCategory, createTestIdea, createUser, unique } from '#tests/factories'
import { expect, expectAccessible, test } from './fixtures'

test('an admin adds a company, puts a voter in it, and the dashboard and idea page show it', async ({ page, loginAs }) => {
  const db = getDb()
  const category = createCategory(db, { name: unique('Companies ') })
  const idea = createTestIdea(db, { authorId: createUser(db).id, categoryId: category.id, title: `Audit trail for exports ${unique('')}` })
  const voterName = unique('Voter ')
  const voter = createUser(db, { displayName: voterName })
  setIdeaVote(db, { ideaId: idea.id, userId: voter.id, voted: true })
  const name = unique('Northwind Traders ')
  const externalId = unique('crm-')

  await loginAs('admin')
  await page.goto('/admin')
  await page.getByRole('navigation', { name: 'Admin' }).getByRole('link', { name: 'Companies' }).click()
  await expect(page.getByRole('heading', { level: 1, name: 'Companies' })).toBeVisible()
  await expectAccessible(page)

  const add = page.getByRole('region', { name: 'Add a company' })
  await add.getByLabel('Name').fill(name)
  await add.getByLabel('External id (optional)').fill(externalId)
  await add.getByLabel('Plan (optional)').fill('Enterprise')
  await add.getByLabel('Monthly revenue').fill('12k')
  await add.getByRole('button', { name: 'Add the company' }).click()
  await expect(add.getByText('Enter whole currency units, digits only (for example 12000).')).toBeVisible()
  await expect(add.getByLabel('Name')).toHaveValue(name)
  await add.getByLabel('Monthly revenue').fill('12000')
  await add.getByRole('button', { name: 'Add the company' }).click()
  await expect(page.getByRole('heading', { level: 1, name })).toBeVisible()
  await expect(page.getByRole('status')).toHaveText('The company was added.')
  await expect(page.getByText('12,000', { exact: true })).toBeVisible()
  await expectAccessible(page)

  // With JavaScript, the import form is sent by fetch, as multipart, the same way.
  await page.getByRole('navigation', { name: 'Admin' }).getByRole('link', { name: 'Companies' }).click()
  const importer = page.getByRole('region', { name: 'Import companies from CSV' })
  await importer.getByLabel('CSV file').setInputFiles({
    name: 'update.csv',
    mimeType: 'text/csv',
    buffer: Buffer.from(`external_id,name,monthly_revenue\r\n${externalId},${name},12500\r\n`),
  })
  await importer.getByRole('button', { name: 'Import' }).click()
  await expect(importer.getByRole('status')).toHaveText('Imported: 0 created, 1 updated, 0 unchanged.')

  // The voter joins the company from their member page.
  await page.goto(`/admin/users/${voter.id}`)
  const company = page.getByRole('region', { name: 'Company', exact: true })
  await expect(company).toContainText('Not in a company.')
  await company.getByLabel('Put in the company').fill(externalId)
  await company.getByRole('button', { name: 'Put in the company' }).click()
  await expect(company.getByRole('link', { name })).toBeVisible()
  await expectAccessible(page)
  await company.getByRole('link', { name }).click()
  await expect(page.getByRole('table', { name: new RegExp(`Members of ${name}`) }).getByRole('link', { name: voterName })).toBeVisible()

  // The product dashboard, ranked by revenue, and the idea page's panel.
  await page.goto(`/admin/ideas?sort=revenue&category=${category.id}`)
  const table = page.getByRole('table', { name: /ranked by monthly revenue of the companies that voted/ })
  await expect(table.getByRole('row')).toHaveCount(2)
  await expect(table.getByRole('row').nth(1)).toContainText('12,500')
  await expectAccessible(page)
  await table.getByRole('link', { name: idea.title, exact: true }).click()
  const panel = page.getByRole('region', { name: /Companies behind the votes/ })
  await expect(panel.getByRole('rowheader', { name })).toBeVisible()
  await expect(panel.getByRole('row').nth(1)).toContainText('Enterprise')
  await expectAccessible(page)
})

test('a member sees no company panel on the idea page', async ({ page, loginAs }) => {
  const db = getDb()
  const idea = createTestIdea(db, { authorId: createUser(db).id, title: `Scheduled digests ${unique('')}` })
  await loginAs('member')
  await page.goto(`/ideas/${idea.id}`)
  await expect(page.getByRole('heading', { level: 1, name: idea.title })).toBeVisible()
  await expect(page.getByRole('region', { name: /Companies behind the votes/ })).toHaveCount(0)
  expect((await page.goto('/admin/companies'))?.status()).toBe(403)
})

test.describe('without JavaScript', () => {
  test.use({ javaScriptEnabled: false })

  test('the CSV import reports every bad row and imports nothing, then imports the fixed file', async ({ page, loginAs }) => {
    const prefix = unique('Csv ')
    await loginAs('admin')
    await page.goto('/admin/companies')
    const importer = page.getByRole('region', { name: 'Import companies from CSV' })

    // A file with two bad rows: nothing is imported, and each is listed with its line.
    await importer.getByLabel('CSV file').setInputFiles({
      name: 'companies.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(
        `name,external_id,plan,monthly_revenue\n${prefix} Alpha,${prefix}-a,Team,100\n${prefix} Beta,${prefix}-b,Team,lots\n,${prefix}-c,,5\n`,
      ),
    })
    await importer.getByRole('button', { name: 'Import' }).click()
    await expect(importer.getByRole('alert')).toHaveText('Nothing was imported: 2 rows need fixing (listed below).')
    const errors = importer.getByRole('table', { name: 'Rows to fix (2)' })
    await expect(errors.getByRole('row').nth(1)).toContainText(
      '3monthly_revenueEnter whole currency units, digits only (for example 12000).',
    )
    await expect(errors.getByRole('row').nth(2)).toContainText('4nameEnter a name.')
    await expectAccessible(page)
    await page.goto(`/admin/companies?q=${encodeURIComponent(prefix)}`)
    await expect(page.getByText('No company matches.')).toBeVisible()

    // The fixed file, pasted this time.
    await importer
      .getByLabel('Or paste the CSV text')
      .fill(`name,external_id,plan,monthly_revenue\n${prefix} Alpha,${prefix}-a,Team,100\n${prefix} Beta,${prefix}-b,Team,250\n`)
    await importer.getByRole('button', { name: 'Import' }).click()
    await expect(importer.getByRole('status')).toHaveText('Imported: 2 created, 0 updated, 0 unchanged.')
    await expectAccessible(page)

    await page.getByRole('search', { name: 'Companies' }).getByLabel('Company name').fill(prefix)
    await page.getByRole('search', { name: 'Companies' }).getByRole('button', { name: 'Search' }).click()
    const list = page.getByRole('table', { name: `Companies by name matching “${prefix}”` })
    await expect(list.getByRole('row')).toHaveCount(3)
    await expect(list.getByRole('row').nth(2)).toContainText(`${prefix} Beta${prefix}-bTeam250`)
    await list.getByRole('link', { name: `${prefix} Beta` }).click()
    await expect(page.getByRole('heading', { level: 1, name: `${prefix} Beta` })).toBeVisible()
    await expectAccessible(page)
  })
})
