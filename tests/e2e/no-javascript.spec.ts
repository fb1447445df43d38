/** The account forms are plain HTML forms first: they must work before (or without) hydration. */
import { accountMenu, expect, expectAccessible, makeUser, newUsername, submitLogin, test } from './fixtures'

const PASSWORD = 'copper-meadow-lantern-58'

test.describe('without JavaScript', () => {
  test.use({ javaScriptEnabled: false })

  test('sign up, log out and log in again with plain form posts', async ({ page }) => {
    const username = newUsername('nojs')
    await page.goto('/signup')
    await expectAccessible(page)
    const form = page.getByRole('main')
    await form.getByLabel('Username', { exact: true }).fill(username)
    await form.getByLabel('E-mail').fill(`${username}@example.com`)
    await form.getByLabel('Password').fill(PASSWORD)
    await form.getByRole('button', { name: 'Sign up' }).click()

    await expect(page).toHaveURL('/')
    // No display name given: the username stands in.
    await expect(accountMenu(page, username)).toBeVisible()
    await expectAccessible(page)

    // The account menu is a native <details>: it opens without scripts.
    await accountMenu(page, username).click()
    await page.getByRole('banner').getByRole('button', { name: 'Log out' }).click()
    await expect(page.getByRole('banner').getByRole('link', { name: 'Log in' })).toBeVisible()
    await expectAccessible(page)

    await page.getByRole('banner').getByRole('link', { name: 'Log in' }).click()
    await expect(page.getByRole('heading', { level: 1, name: 'Log in' })).toBeVisible()
    await expectAccessible(page)
    const response = await submitLogin(page, username, PASSWORD)
    expect(response.status()).toBe(302)
    await expect(page).toHaveURL('/')
    await expect(accountMenu(page, username)).toBeVisible()
  })

  test('a signup error is shown next to its field and keeps what was typed', async ({ page }) => {
    const taken = makeUser()
    await page.goto('/signup')
    const form = page.getByRole('main')
    await form.getByLabel('Username', { exact: true }).fill(taken.username)
    await form.getByLabel('E-mail').fill(`${newUsername('other')}@example.com`)
    await form.getByLabel('Password').fill(PASSWORD)
    const [response] = await Promise.all([
      page.waitForResponse((r) => r.request().method() === 'POST'),
      form.getByRole('button', { name: 'Sign up' }).click(),
    ])
    expect(response.status()).toBe(400)
    const username = form.getByLabel('Username', { exact: true })
    await expect(username).toHaveValue(taken.username)
    await expect(username).toHaveAttribute('aria-invalid', 'true')
    await expect(form.getByText('This username is taken.')).toBeVisible()
    await expect(form.getByLabel('Password')).toHaveValue('')
    await expectAccessible(page)
  })

  test('a wrong password answers 400 with the error and keeps the username', async ({ page }) => {
    const user = makeUser()
    await page.goto('/login')
    const response = await submitLogin(page, user.email, 'not-my-password-at-all')
    expect(response.status()).toBe(400)
    await expect(page.getByRole('main').getByText('Wrong username, e-mail or password.')).toBeVisible()
    await expect(page.getByRole('main').getByLabel('Username or e-mail')).toHaveValue(user.email)
    await expectAccessible(page)

    const retry = await submitLogin(page, user.email, user.password)
    expect(retry.status()).toBe(302)
    await expect(accountMenu(page, user.username)).toBeVisible()
  })
})
