/**
 * Getting back into an account and confirming an e-mail address, in the browser with and without
 * JavaScript: "Forgot your password?" → the e-mail in the outbox → a new password → log in, with
 * the old sessions gone; a reset link made by an admin; sign-up → the verification link → verified.
 *
 * These tests switch site e-mail on (the links go out only then). The server's e-mail worker may
 * deliver a message before the test reads it, and then removes the link from the outbox row; the
 * test reads it from the delivered .eml file instead.
 */
import fs from 'node:fs'
import path from 'node:path'
import { and, desc, eq } from 'drizzle-orm'
import { emailOutbox, users } from '#db/schema'
import { countSessions } from '~/lib/auth.server'
import { getDb } from '~/lib/db.server'
import { mailDirectory } from '~/lib/mailer.server'
import { setSetting } from '~/models/settings.server'
import { accountMenu, expect, expectAccessible, makeUser, newUsername, submitLogin, test } from './fixtures'

const NEW_PASSWORD = 'lantern-quartz-meadow-81'
const SIGNUP_PASSWORD = 'pepper-island-glacier-26'

/** The path of the newest link of this kind e-mailed to the member: from the outbox row, or the delivered file. */
async function linkFor(user: { id: number; email: string }, kind: 'password_reset' | 'verify_email') {
  const page = kind === 'password_reset' ? 'reset-password' : 'verify-email'
  const pattern = new RegExp(`https?://[^/\\s]+(/${page}/[A-Za-z0-9_.-]+)`)
  let found: string | null = null
  await expect
    .poll(
      () => {
        const row = getDb()
          .select({ body: emailOutbox.bodyText })
          .from(emailOutbox)
          .where(and(eq(emailOutbox.userId, user.id), eq(emailOutbox.kind, kind)))
          .orderBy(desc(emailOutbox.id))
          .get()
        if (!row) return null
        found = pattern.exec(row.body)?.[1] ?? fromDeliveredFile(user.email, pattern)
        return found
      },
      { message: `a ${kind} e-mail to ${user.email}` },
    )
    .not.toBeNull()
  return found!
}

function fromDeliveredFile(to: string, pattern: RegExp) {
  const dir = mailDirectory()
  if (!fs.existsSync(dir)) return null
  const files = fs
    .readdirSync(dir)
    .filter((name) => name.endsWith('.eml'))
    .sort()
    .reverse()
  for (const name of files) {
    const text = fs.readFileSync(path.join(dir, name), 'utf8')
    if (text.includes(`\r\nTo: ${to}\r\n`)) {
      const match = pattern.exec(text)
      if (match) return match[1]!
    }
  }
  return null
}

test.beforeEach(() => {
  setSetting(getDb(), 'email', { enabled: true })
})

for (const javaScriptEnabled of [true, false]) {
  test.describe(javaScriptEnabled ? 'with JavaScript' : 'without JavaScript', () => {
    test.use({ javaScriptEnabled })

    test('forgot password: the e-mailed link sets a new password and ends every old session', async ({ page, browser }) => {
      const user = makeUser()
      // A session on another device, logged in with the old password.
      const otherContext = await browser.newContext({ javaScriptEnabled })
      const other = await otherContext.newPage()
      await other.goto('/login')
      await submitLogin(other, user.username, user.password)
      await expect(accountMenu(other, user.username)).toBeVisible()

      await page.goto('/login')
      await page.getByRole('main').getByRole('link', { name: 'Forgot your password?' }).click()
      await expect(page.getByRole('heading', { level: 1, name: 'Forgot your password?' })).toBeVisible()
      await expectAccessible(page)

      // A bad address is a 400 that keeps what was typed.
      await page.getByRole('main').getByLabel('E-mail').fill('not-an-address')
      await page.getByRole('button', { name: 'Send me a reset link' }).click()
      await expect(page.getByText('Enter an e-mail address.')).toBeVisible()
      await expect(page.getByRole('main').getByLabel('E-mail')).toHaveValue('not-an-address')

      // An unknown address and a known one get the same answer.
      await page
        .getByRole('main')
        .getByLabel('E-mail')
        .fill(`${newUsername('nobody')}@example.com`)
      await page.getByRole('button', { name: 'Send me a reset link' }).click()
      await expect(page).toHaveURL('/forgot-password?sent=1')
      const unknownAnswer = await page.getByRole('status').textContent()
      await page.getByRole('main').getByLabel('E-mail').fill(user.email.toUpperCase())
      await page.getByRole('button', { name: 'Send me a reset link' }).click()
      await expect(page).toHaveURL('/forgot-password?sent=1')
      await expect(page.getByRole('status')).toHaveText(unknownAnswer!)
      await expect(page.getByRole('status')).toContainText('If an account has this address, we sent it a link')
      await expectAccessible(page)

      const link = await linkFor(user, 'password_reset')
      await page.goto(link)
      await expect(page.getByRole('heading', { level: 1, name: 'Choose a new password' })).toBeVisible()
      await expect(page.getByRole('main')).toContainText(user.username)
      await expectAccessible(page)
      await page.getByRole('main').getByLabel('New password', { exact: true }).fill(NEW_PASSWORD)
      await page.getByRole('main').getByLabel('Repeat the new password').fill(`${NEW_PASSWORD}-typo`)
      await page.getByRole('button', { name: 'Save the new password' }).click()
      await expect(page.getByText('The two passwords differ.')).toBeVisible()
      await page.getByRole('main').getByLabel('New password', { exact: true }).fill(NEW_PASSWORD)
      await page.getByRole('main').getByLabel('Repeat the new password').fill(NEW_PASSWORD)
      await page.getByRole('button', { name: 'Save the new password' }).click()

      await expect(page).toHaveURL('/login?done=password-reset')
      await expect(page.getByRole('status')).toHaveText(/Your password was changed and every session of your account was logged out\./)
      await expectAccessible(page)
      expect(countSessions(getDb(), user.id)).toBe(0)
      const oldPassword = await submitLogin(page, user.username, user.password)
      expect(oldPassword.status()).toBe(400)
      const newPassword = await submitLogin(page, user.username, NEW_PASSWORD)
      expect(newPassword.status()).toBeLessThan(400)
      await expect(accountMenu(page, user.username)).toBeVisible()

      // The other device's session is gone.
      await other.reload()
      await expect(other.getByRole('banner').getByRole('link', { name: 'Log in' })).toBeVisible()
      await otherContext.close()

      // The link worked once.
      const again = await page.goto(link)
      expect(again!.status()).toBe(410)
      await expect(page.getByRole('heading', { level: 1, name: 'This reset link was already used' })).toBeVisible()
      await expect(page.getByRole('link', { name: 'Ask for a new reset link' })).toBeVisible()
      await expectAccessible(page)
    })

    test('sign-up: the verification link confirms the address, and the reminder goes away', async ({ page }) => {
      const username = newUsername('verify')
      const email = `${username}@example.com`
      await page.goto('/signup')
      const form = page.getByRole('main')
      await form.getByLabel('Username', { exact: true }).fill(username)
      await form.getByLabel('E-mail').fill(email)
      await form.getByLabel('Password').fill(SIGNUP_PASSWORD)
      await form.getByRole('button', { name: 'Sign up' }).click()
      await expect(page).toHaveURL('/')
      await expect(accountMenu(page, username)).toBeVisible()
      await expect(page.getByText('Please confirm your e-mail address')).toBeVisible()
      await expectAccessible(page)

      const member = getDb()
        .select({ id: users.id, verifiedAt: users.emailVerifiedAt })
        .from(users)
        .where(eq(users.username, username))
        .get()!
      expect(member.verifiedAt).toBeNull()
      const first = await linkFor({ id: member.id, email }, 'verify_email')

      // "Send the link again" replaces the first link.
      await page.getByRole('button', { name: 'Send the link again' }).click()
      await expect(page).toHaveURL(/\/settings\?done=verification-sent/)
      await expect(page.getByRole('status')).toHaveText('We sent a new verification link to your address. It works once, within 48 hours.')
      await expect(page.getByRole('main').getByText('Not verified', { exact: true })).toBeVisible()
      await expectAccessible(page)
      const link = await linkFor({ id: member.id, email }, 'verify_email')
      expect(link).not.toBe(first)

      const replaced = await page.goto(first)
      expect(replaced!.status()).toBe(404)
      await expect(page.getByRole('heading', { level: 1, name: 'This verification link does not work' })).toBeVisible()

      await page.goto(link)
      await expect(page.getByRole('heading', { level: 1, name: 'Confirm your e-mail address' })).toBeVisible()
      await expectAccessible(page)
      await page.getByRole('button', { name: 'Confirm my e-mail address' }).click()
      await expect(page.getByRole('heading', { level: 1, name: 'Your e-mail address is verified' })).toBeVisible()
      await expectAccessible(page)
      expect(getDb().select({ at: users.emailVerifiedAt }).from(users).where(eq(users.id, member.id)).get()!.at).not.toBeNull()

      await page.goto('/')
      await expect(accountMenu(page, username)).toBeVisible()
      await expect(page.getByText('Please confirm your e-mail address')).toHaveCount(0)
      await page.goto('/settings')
      await expect(page.getByRole('main').getByText('Not verified', { exact: true })).toHaveCount(0)
    })
  })
}

test('an admin makes a reset link on the member’s page, and the member sets a password with it', async ({ page, browser, loginAs }) => {
  await loginAs('admin')
  const member = makeUser()
  await page.goto(`/admin/users/${member.id}`)
  const section = page.getByRole('region', { name: 'Password reset link' })
  await section.getByRole('button', { name: 'Make a reset link' }).click()
  await expect(section.getByRole('status')).toContainText('Pass this link on to the member.')
  await expectAccessible(page)
  const shown = await section.locator('code').textContent()
  const link = new URL(shown!)
  expect(link.pathname).toMatch(/^\/reset-password\/[A-Za-z0-9_-]{43}\.[A-Za-z0-9_-]{43}$/)
  await expect(page.getByRole('region', { name: 'Staff actions about this member' })).toContainText('issue password reset')

  // The member, in their own browser without a session.
  const memberContext = await browser.newContext()
  const memberPage = await memberContext.newPage()
  await memberPage.goto(link.pathname)
  await memberPage.getByRole('main').getByLabel('New password', { exact: true }).fill(NEW_PASSWORD)
  await memberPage.getByRole('main').getByLabel('Repeat the new password').fill(NEW_PASSWORD)
  await memberPage.getByRole('button', { name: 'Save the new password' }).click()
  await expect(memberPage).toHaveURL('/login?done=password-reset')
  const login = await submitLogin(memberPage, member.username, NEW_PASSWORD)
  expect(login.status()).toBeLessThan(400)
  await expect(accountMenu(memberPage, member.username)).toBeVisible()
  await memberContext.close()
})
