/** E-mail choices in /settings and the unsubscribe link of an e-mail, in the browser and as a mail client posts it. */
import { emailOutbox } from '#db/schema'
import { getDb } from '~/lib/db.server'
import { composeNotificationEmail, getEmailPrefs, siteNameOf } from '~/models/email.server'
import { getEmailSetting } from '~/models/settings.server'
import { createUser } from '#tests/factories'
import { expect, expectAccessible, test } from './fixtures'

/** An outbox row as a status change writes it (not sent: site e-mail stays as it is); returns its unsubscribe path. */
function queuedStatusEmail(user: { id: number; email: string }) {
  const db = getDb()
  const row = composeNotificationEmail(siteNameOf(db), user, {
    userId: user.id,
    kind: 'idea_status',
    title: '“Dark mode” is now planned',
    url: '/ideas/1',
  })
  db.insert(emailOutbox)
    .values({ ...row, sentAt: new Date() })
    .run()
  const link = /^Unsubscribe: (\S+)$/m.exec(row.bodyText)![1]!
  const url = new URL(link)
  return `${url.pathname}${url.search}`
}

test.describe('without JavaScript', () => {
  test.use({ javaScriptEnabled: false })

  test('a member turns off status-change e-mail in /settings and the choice sticks', async ({ page, loginAs }) => {
    const user = await loginAs('member')
    await page.goto('/settings')
    const section = page.getByRole('region', { name: 'E-mail' })
    const siteSendsEmail = getEmailSetting(getDb()).enabled
    await expect(section.getByText('The site does not send e-mail at the moment.')).toHaveCount(siteSendsEmail ? 0 : 1)
    const choices = section.getByRole('group', { name: 'E-mail me about' })
    const statusChanges = choices.getByRole('checkbox', { name: 'Status changes of ideas I voted on, follow or wrote' })
    await expect(statusChanges).toBeChecked()
    await expect(section.getByRole('radio', { name: 'One e-mail for each notification' })).toBeChecked()
    await expectAccessible(page)

    await statusChanges.uncheck()
    await section.getByRole('radio', { name: 'One daily digest of my unread notifications' }).check()
    await section.getByRole('button', { name: 'Save e-mail choices' }).click()
    await expect(page).toHaveURL('/settings?done=email')
    await expect(page.getByRole('status')).toHaveText('Your e-mail choices were saved.')

    await page.goto('/settings')
    await expect(statusChanges).not.toBeChecked()
    await expect(choices.getByRole('checkbox', { name: 'Answers and comments on my posts' })).toBeChecked()
    await expect(section.getByRole('radio', { name: 'One daily digest of my unread notifications' })).toBeChecked()
    expect(getEmailPrefs(getDb(), user.id)).toMatchObject({ statusChanges: false, answers: true, digest: 'daily' })
  })

  test('the unsubscribe link of an e-mail works without logging in', async ({ page }) => {
    const user = createUser(getDb())
    await page.goto(queuedStatusEmail(user))
    await expect(page.getByRole('heading', { level: 1, name: 'Unsubscribe' })).toBeVisible()
    await expect(page.getByText('Stop getting e-mail when ideas you voted on, follow or wrote change status?')).toBeVisible()
    await expectAccessible(page)

    await page.getByRole('button', { name: 'Unsubscribe', exact: true }).click()
    await expect(page.getByRole('status')).toHaveText(/Done\. You will no longer get e-mail when ideas you voted on/)
    await expectAccessible(page)
    expect(getEmailPrefs(getDb(), user.id)).toMatchObject({ statusChanges: false, answers: true })
  })
})

test('a forged unsubscribe link gets a clear 403 page', async ({ page }) => {
  const user = createUser(getDb())
  const path = queuedStatusEmail(user).replace(`token=${user.id}.`, `token=${user.id + 1}.`)
  const response = await page.goto(path)
  expect(response?.status()).toBe(403)
  await expect(page.getByText('This unsubscribe link is not valid.', { exact: false })).toBeVisible()
  await expectAccessible(page)
})

test('a mail client’s one-click POST (no Origin, no Referer) passes the server’s origin check; only there', async ({ request }) => {
  const user = createUser(getDb())
  const path = queuedStatusEmail(user)
  const oneClick = await request.post(path, { form: { 'List-Unsubscribe': 'One-Click' }, maxRedirects: 0 })
  expect(oneClick.status()).toBe(200)
  expect(getEmailPrefs(getDb(), user.id)).toMatchObject({ statusChanges: false, answers: true })

  const crossSite = await request.post(path, { form: { 'List-Unsubscribe': 'One-Click' }, headers: { Origin: 'https://evil.example' } })
  expect(crossSite.status()).toBe(403)
  const elsewhere = await request.post('/settings', { form: { intent: 'email-prefs', digest: 'off' }, maxRedirects: 0 })
  expect(elsewhere.status()).toBe(403)
})
