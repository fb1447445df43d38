/** Signing up, logging in and out, failed logins and their rate limits, changing the password. */
import { accountMenu, expect, expectAccessible, logOut, makeUser, newUsername, submitLogin, test } from './fixtures'

const NEW_PASSWORD = 'amber-orchard-whistle-73'
const WRONG_PASSWORD_MESSAGE = 'Wrong username, e-mail or password.'

test('sign up, log out, then log in again by username and by e-mail', async ({ page }) => {
  const username = newUsername('signup')
  const email = `${username}@example.com`
  const displayName = `Ada ${username.slice(-6)}`

  await page.goto('/')
  await expectAccessible(page)
  await page.getByRole('banner').getByRole('link', { name: 'Sign up' }).click()
  await expect(page.getByRole('heading', { level: 1, name: 'Create your account' })).toBeVisible()
  await expectAccessible(page)

  const form = page.getByRole('main')
  await form.getByLabel('Username', { exact: true }).fill(username)
  await form.getByLabel('Display name (optional)').fill(displayName)
  await form.getByLabel('E-mail').fill(email)
  await form.getByLabel('Password').fill(NEW_PASSWORD)
  await form.getByRole('button', { name: 'Sign up' }).click()

  await expect(page).toHaveURL('/')
  await expect(accountMenu(page, displayName)).toBeVisible()
  await expect(page.getByRole('banner').getByRole('link', { name: 'Log in' })).toHaveCount(0)
  await accountMenu(page, displayName).click()
  await expect(page.getByRole('banner').getByRole('button', { name: 'Log out' })).toBeVisible()
  await expectAccessible(page)

  await page.getByRole('banner').getByRole('button', { name: 'Log out' }).click()
  await expect(page.getByRole('banner').getByRole('link', { name: 'Log in' })).toBeVisible()
  await expect(accountMenu(page, displayName)).toHaveCount(0)
  await expectAccessible(page)

  await page.getByRole('banner').getByRole('link', { name: 'Log in' }).click()
  await expect(page.getByRole('heading', { level: 1, name: 'Log in' })).toBeVisible()
  await expectAccessible(page)
  const byUsername = await submitLogin(page, username, NEW_PASSWORD)
  expect(byUsername.status()).toBeLessThan(400)
  await expect(page).toHaveURL('/')
  await expect(accountMenu(page, displayName)).toBeVisible()
  await expectAccessible(page)

  await logOut(page, displayName)
  await page.goto('/login')
  const byEmail = await submitLogin(page, email.toUpperCase(), NEW_PASSWORD)
  expect(byEmail.status()).toBeLessThan(400)
  await expect(page).toHaveURL('/')
  await expect(accountMenu(page, displayName)).toBeVisible()
})

test('a wrong password shows an error next to the field and keeps the username', async ({ page }) => {
  const user = makeUser()
  await page.goto('/login')
  await expectAccessible(page)

  const response = await submitLogin(page, user.username, 'not-my-password-at-all')
  expect(response.status()).toBe(400)
  const password = page.getByRole('main').getByLabel('Password')
  await expect(page.getByRole('main').getByText(WRONG_PASSWORD_MESSAGE)).toBeVisible()
  await expect(password).toHaveAttribute('aria-invalid', 'true')
  await expect(password).toHaveAccessibleDescription(WRONG_PASSWORD_MESSAGE)
  await expect(page.getByRole('main').getByLabel('Username or e-mail')).toHaveValue(user.username)
  await expect(password).toHaveValue('')
  await expect(page.getByRole('banner').getByRole('link', { name: 'Log in' })).toBeVisible()
  await expectAccessible(page)
})

test.describe('failed-login rate limits (10 per 15 minutes)', () => {
  test('the 11th failed attempt for one account answers 429, and then even the right password is refused', async ({ page }) => {
    const user = makeUser()
    await page.goto('/login')
    await expectAccessible(page)
    for (let attempt = 1; attempt <= 10; attempt++) {
      const response = await submitLogin(page, user.username, `wrong-password-${attempt}`)
      expect(response.status(), `attempt ${attempt}`).toBe(400)
    }
    await expect(page.getByRole('main').getByText(WRONG_PASSWORD_MESSAGE)).toBeVisible()

    const eleventh = await submitLogin(page, user.username, 'wrong-password-11')
    expect(eleventh.status()).toBe(429)
    await expect(page.getByRole('alert')).toContainText('Too many failed log-in attempts for this account.')
    await expect(page.getByRole('main')).toContainText(/Try again in 1[45] minutes\./)
    await expect(page.getByRole('main').getByLabel('Username or e-mail')).toHaveValue(user.username)
    await expectAccessible(page)

    const rightPassword = await submitLogin(page, user.username, user.password)
    expect(rightPassword.status()).toBe(429)
    await expect(page.getByRole('banner').getByRole('link', { name: 'Log in' })).toBeVisible()
  })
})

test('changing the password logs out the other sessions, and the new password works', async ({ page, browser, loginAs }) => {
  const user = await loginAs()

  // A second device, logged in through the form with the old password.
  const otherContext = await browser.newContext()
  const other = await otherContext.newPage()
  await other.goto('/login')
  await submitLogin(other, user.username, user.password)
  await expect(accountMenu(other, user.username)).toBeVisible()

  await page.goto('/settings')
  await expect(page.getByRole('heading', { level: 1, name: 'Settings' })).toBeVisible()
  await expectAccessible(page)
  const section = page.getByRole('region', { name: 'Change password' })
  await section.getByLabel('Current password').fill(user.password)
  await section.getByLabel('New password', { exact: true }).fill(NEW_PASSWORD)
  await section.getByLabel('Repeat the new password').fill(NEW_PASSWORD)
  await section.getByRole('button', { name: 'Change password' }).click()
  await expect(page.getByRole('status')).toHaveText('Your password was changed. Every other session has been logged out.')
  await expect(accountMenu(page, user.username)).toBeVisible() // this browser got a fresh session
  await expectAccessible(page)

  await other.reload()
  await expect(other.getByRole('banner').getByRole('link', { name: 'Log in' })).toBeVisible()
  await expect(accountMenu(other, user.username)).toHaveCount(0)
  await expectAccessible(other)

  await other.goto('/login')
  const oldPassword = await submitLogin(other, user.username, user.password)
  expect(oldPassword.status()).toBe(400)
  await expect(other.getByRole('main').getByText(WRONG_PASSWORD_MESSAGE)).toBeVisible()
  const newPassword = await submitLogin(other, user.username, NEW_PASSWORD)
  expect(newPassword.status()).toBeLessThan(400)
  await expect(other).toHaveURL('/')
  await expect(accountMenu(other, user.username)).toBeVisible()
  await otherContext.close()
})
