/**
 * Single sign-on on /admin/settings in the browser: the page with providers configured passes axe;
 * a provider is added, edited and removed with plain form posts; a generated JWT secret is shown
 * once; no secret is ever in the page's HTML.
 */
import crypto from 'node:crypto'
import { getDb } from '~/lib/db.server'
import { addProvider } from '~/models/oidc-providers.server'
import { createSegment, createUser, unique } from '#tests/factories'
import { expect, expectAccessible, test } from './fixtures'

const slugOf = (prefix: string) => `${prefix}-${crypto.randomBytes(4).toString('hex')}`
const secretOf = (prefix: string) => `${prefix}-${crypto.randomBytes(16).toString('hex')}`

test('the single sign-on settings with providers configured are accessible and hold no secret', async ({ page, loginAs, request }) => {
  const db = getDb()
  const admin = createUser(db, { role: 'admin' })
  const segment = createSegment(db, { name: unique('Customers ') })
  const secrets = [secretOf('okta-secret'), secretOf('entra-secret')]
  const okta = slugOf('okta')
  addProvider(db, {
    slug: okta,
    label: 'Okta',
    issuer: 'https://acme.okta.example',
    clientId: 'okta-client',
    clientSecret: secrets[0],
    role: 'member',
    segmentId: segment.id,
    linkVerifiedEmail: true,
    enabled: true,
    actorId: admin.id,
  })
  addProvider(db, {
    slug: slugOf('entra'),
    label: 'Entra ID',
    issuer: 'https://login.entra.example/tenant/v2.0',
    clientId: 'entra-client',
    clientSecret: secrets[1],
    role: 'moderator',
    segmentId: null,
    linkVerifiedEmail: false,
    enabled: false,
    actorId: admin.id,
  })
  await loginAs('admin')

  await page.goto('/admin/settings#sso')
  const sso = page.getByRole('region', { name: 'Single sign-on' })
  const providers = sso.getByRole('region', { name: 'Identity providers (OpenID Connect)' })
  const oktaCard = providers.getByRole('article', { name: 'Okta' })
  await expect(oktaCard).toContainText(`/sso/oidc/${okta}/callback`)
  await expect(oktaCard).toContainText(segment.name)
  await expect(providers.getByRole('article', { name: 'Entra ID (disabled)' })).toBeVisible()
  await expectAccessible(page)

  // The edit form and the add form open, and stay accessible with every field shown.
  await oktaCard.getByText('Edit Okta').click()
  await expect(oktaCard.getByLabel('Client secret')).toHaveValue('')
  await providers.getByText('Add an identity provider', { exact: true }).click()
  await expectAccessible(page)

  // The confirmation step of a removal.
  await oktaCard.getByRole('link', { name: 'Remove Okta…' }).click()
  await expect(page.getByRole('button', { name: 'Yes, remove Okta' })).toBeVisible()
  await expectAccessible(page)

  // Neither the page nor its data hold a secret (the HTML includes the serialized loader data).
  const cookies = await page.context().cookies()
  const html = await (
    await request.get('/admin/settings', { headers: { Cookie: cookies.map((c) => `${c.name}=${c.value}`).join('; ') } })
  ).text()
  expect(html).toContain('okta-client')
  for (const secret of secrets) expect(html).not.toContain(secret)
})

test('a refused provider keeps what was typed except the secret, and says why beside each field', async ({ page, loginAs }) => {
  await loginAs('admin')
  await page.goto('/admin/settings')
  const providers = page.getByRole('region', { name: 'Identity providers (OpenID Connect)' })
  await providers.getByText('Add an identity provider', { exact: true }).click()
  const form = providers.getByRole('form', { name: 'Add an identity provider' })
  const secret = secretOf('typed-secret')
  await form.getByLabel('Button label').fill('Plain HTTP')
  await form.getByLabel('Short name').fill('plain-http')
  await form.getByLabel('Issuer URL').fill('http://idp.example.com')
  await form.getByLabel('Client ID').fill('client-1')
  await form.getByLabel('Client secret').fill(secret)
  await form.getByRole('button', { name: 'Add provider' }).click()
  await expect(form.getByLabel('Issuer URL')).toHaveAccessibleDescription(
    /Use https:\/\/ \(http:\/\/ only for 127\.0\.0\.1, localhost or ::1\)\./,
  )
  await expect(form.getByLabel('Issuer URL')).toHaveAttribute('aria-invalid', 'true')
  await expect(form.getByLabel('Button label')).toHaveValue('Plain HTTP')
  expect(await page.content()).not.toContain(secret)
  await expectAccessible(page)
})

test.describe('without JavaScript', () => {
  test.use({ javaScriptEnabled: false })

  test('an admin adds, edits, disables and removes a provider with plain form posts', async ({ page, loginAs }) => {
    await loginAs('admin')
    const slug = slugOf('keycloak')
    const secret = secretOf('keycloak-secret')
    await page.goto('/admin/settings')
    const providers = page.getByRole('region', { name: 'Identity providers (OpenID Connect)' })
    await providers.getByText('Add an identity provider', { exact: true }).click() // <details> opens without scripts
    const form = providers.getByRole('form', { name: 'Add an identity provider' })
    await form.getByLabel('Button label').fill('Keycloak')
    await form.getByLabel('Short name').fill(slug)
    await form.getByLabel('Issuer URL').fill('http://127.0.0.1:9400/realms/summit')
    await form.getByLabel('Client ID').fill('summit-web')
    await form.getByLabel('Client secret').fill(secret)
    await form.getByLabel('Least role on log-in').selectOption('product')
    await form.getByLabel('Link a first login to an existing account when the provider has verified its e-mail').check()
    await form.getByRole('button', { name: 'Add provider' }).click()

    await expect(page.getByRole('status')).toHaveText('The identity provider was added.')
    const card = providers.getByRole('article', { name: 'Keycloak' })
    const origin = new URL(page.url()).origin
    await expect(card).toContainText(`${origin}/sso/oidc/${slug}/callback`)
    await expect(card).toContainText('Product')
    expect(await page.content()).not.toContain(secret)
    await expectAccessible(page)

    // Edit with the secret left empty: it is kept.
    await card.getByText('Edit Keycloak').click()
    const edit = card.getByRole('form', { name: 'Edit Keycloak' })
    await expect(edit.getByLabel('Client secret')).toHaveValue('')
    await edit.getByLabel('Button label').fill('Keycloak SSO')
    await edit.getByRole('button', { name: 'Save Keycloak' }).click()
    await expect(page.getByRole('status')).toHaveText('The identity provider was saved.')
    const renamed = providers.getByRole('article', { name: 'Keycloak SSO' })
    await expect(renamed).toContainText('Set (never shown)')

    await renamed.getByRole('button', { name: 'Disable Keycloak SSO' }).click()
    await expect(page.getByRole('status')).toHaveText('The identity provider was disabled.')
    await expect(providers.getByRole('article', { name: 'Keycloak SSO (disabled)' })).toBeVisible()

    // Removing asks first, on a page of its own; Cancel leaves it.
    const disabled = providers.getByRole('article', { name: 'Keycloak SSO (disabled)' })
    await disabled.getByRole('link', { name: 'Remove Keycloak SSO…' }).click()
    await page.getByRole('link', { name: 'Cancel' }).click()
    await expect(page.getByRole('button', { name: 'Yes, remove Keycloak SSO' })).toHaveCount(0)
    await disabled.getByRole('link', { name: 'Remove Keycloak SSO…' }).click()
    await expectAccessible(page)
    await page.getByRole('button', { name: 'Yes, remove Keycloak SSO' }).click()
    await expect(page.getByRole('status')).toHaveText('The identity provider was removed.')
    await expect(providers.getByRole('article', { name: /^Keycloak SSO/ })).toHaveCount(0)
  })

  test('a generated JWT secret is shown once and then only as "a secret is set"', async ({ page, loginAs }) => {
    await loginAs('admin')
    await page.goto('/admin/settings')
    const jwt = page.getByRole('region', { name: 'Log-in from your own app (signed JWT)' })
    await jwt.getByRole('button', { name: 'Generate a new secret' }).click()
    const shown = jwt.getByRole('status')
    await expect(shown).toContainText('Copy it into your app now')
    const secret = (await shown.locator('code').textContent())!.trim()
    expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/)
    await expectAccessible(page)

    await page.goto('/admin/settings')
    await expect(jwt).toContainText(/A secret is set \(saved .+\)\./)
    expect(await page.content()).not.toContain(secret)
  })
})
