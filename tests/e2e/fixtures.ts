/**
 * Fixtures for the end-to-end tests. They write straight to the server's database (the config
 * points DATABASE_URL in every worker at the file the server uses), so a test creates the users it
 * needs without going through the forms it is not testing.
 *
 * Every test also gets a client address of its own. The login and signup limits count per IP,
 * and every test comes from 127.0.0.1; the server trusts X-Forwarded-For from the loopback proxy
 * (TRUST_PROXY=loopback in playwright.config.ts), so each test sends its own address there, just
 * as real visitors arrive with different addresses behind a reverse proxy.
 */
import crypto from 'node:crypto'
import AxeBuilder from '@axe-core/playwright'
import { test as base, expect, type Page } from '@playwright/test'
import { type Role } from '~/domain'
import { startSession } from '~/lib/auth.server'
import { getDb } from '~/lib/db.server'
import { createUser, unique, type UserOverrides } from '#tests/factories'

export { expect }

export type TestUser = ReturnType<typeof createUser>

type Fixtures = {
  /** This test's client address, sent as X-Forwarded-For by its pages and API requests. */
  clientIp: string
  /** Creates a user and logs this test's browser context in as them (no login form involved). */
  loginAs: (role?: Role, overrides?: UserOverrides) => Promise<TestUser>
}

/** A random private address: unique per test and per retry, so no rate-limit counter is shared. */
function randomClientIp() {
  const [a = 0, b = 0, c = 0] = crypto.randomBytes(3)
  return `10.${a}.${b}.${Math.max(1, c % 255)}`
}

/** Whether the running test's pages execute scripts (`test.use({ javaScriptEnabled: false })`). */
let scriptsEnabled = true

export const test = base.extend<Fixtures & { trackScripts: void }>({
  trackScripts: [
    async ({ javaScriptEnabled }, use) => {
      scriptsEnabled = javaScriptEnabled !== false
      await use()
    },
    { auto: true },
  ],
  clientIp: async ({}, use) => {
    await use(randomClientIp())
  },
  // Applies to `page`, `context`, `request` and browser.newContext() in the test alike.
  extraHTTPHeaders: async ({ extraHTTPHeaders, clientIp }, use) => {
    await use({ ...extraHTTPHeaders, 'X-Forwarded-For': clientIp })
  },
  loginAs: async ({ context, baseURL }, use) => {
    await use(async (role = 'member', overrides = {}) => {
      const user = createUser(getDb(), { role, ...overrides })
      const cookie = await startSession(user.id) // a lucia session row, written to the server's database
      await context.addCookies([{ name: cookie.name, value: cookie.value, url: baseURL! }])
      return user
    })
  },
})

/** A username that is valid for the signup form and unique across workers and runs. */
export function newUsername(prefix = 'e2e') {
  return `${prefix}_${Date.now().toString(36)}${crypto.randomBytes(3).toString('hex')}`.slice(0, 30)
}

/** A user straight in the database, not logged in anywhere (password: user.password). */
export function makeUser(overrides: UserOverrides = {}) {
  return createUser(getDb(), overrides)
}

export { unique }

const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']

type AxeResults = Awaited<ReturnType<AxeBuilder['analyze']>>

function describeViolations(scheme: string, violations: AxeResults['violations']) {
  return violations.map((v) => {
    const nodes = v.nodes.slice(0, 8).map((node) => {
      const summary = node.failureSummary?.replace(/\s+/g, ' ').trim()
      return `      - ${node.target.join(' ')}${summary ? `\n        ${summary}` : ''}`
    })
    if (v.nodes.length > 8) nodes.push(`      … and ${v.nodes.length - 8} more`)
    return `  [${scheme}] ${v.id} (${v.impact ?? 'unknown impact'}): ${v.help}\n    ${v.helpUrl}\n${nodes.join('\n')}`
  })
}

async function axeViolations(page: Page) {
  const problems: string[] = []
  for (const colorScheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme })
    // Legacy mode runs axe inside the page (and its frames) instead of finishing the run in a new
    // blank page: the same rules, in less than half the time.
    const results = await new AxeBuilder({ page }).withTags(AXE_TAGS).setLegacyMode().analyze()
    problems.push(...describeViolations(colorScheme, results.violations))
  }
  return problems
}

const SCRIPT_TAG = /<script\b[^>]*>[\s\S]*?<\/script>/gi

/**
 * axe runs as a script, which a page loaded with JavaScript disabled cannot do (its timers never
 * fire). It checks a copy instead: the same HTML without its scripts, at the same URL (so the
 * stylesheets load from the server), in a context of its own that allows axe to run.
 */
async function axeViolationsWithoutScripts(page: Page) {
  const url = page.url()
  const html = (await page.content()).replace(SCRIPT_TAG, '')
  const browser = page.context().browser()
  if (!browser) throw new Error('expectAccessible: the page has no browser to open a copy in')
  const context = await browser.newContext({ javaScriptEnabled: true, viewport: page.viewportSize() })
  try {
    const copy = await context.newPage()
    await copy.route(
      (requested) => requested.href === url,
      (route) => route.fulfill({ contentType: 'text/html; charset=utf-8', body: html }),
    )
    await copy.goto(url)
    return await axeViolations(copy)
  } finally {
    await context.close()
  }
}

/**
 * Runs axe (WCAG 2.0–2.2 A and AA) on the page in the light and in the dark colour scheme and
 * expects no violations; the message lists each one with its selectors. Restores the scheme the
 * page had before.
 */
export async function expectAccessible(page: Page) {
  await test.step(
    `accessibility of ${new URL(page.url()).pathname}`,
    async () => {
      let problems: string[]
      if (scriptsEnabled) {
        const wasDark = await page.evaluate(() => window.matchMedia('(prefers-color-scheme: dark)').matches)
        try {
          problems = await axeViolations(page)
        } finally {
          await page.emulateMedia({ colorScheme: wasDark ? 'dark' : 'light' })
        }
      } else {
        problems = await axeViolationsWithoutScripts(page)
      }
      expect(problems.length, `axe found accessibility violations on ${page.url()}:\n${problems.join('\n')}\n`).toBe(0)
    },
    { box: true },
  )
}

/**
 * The summary of the header's account menu, a native <details> disclosure: "Account menu for
 * <display name>, reputation <n>". Playwright gives <summary> no ARIA role and the <details> group
 * no name (Chromium exposes the summary as a disclosure button), so this matches the summary's text
 * inside the banner's group; clicking it opens the menu.
 */
export function accountMenu(page: Page, displayName: string) {
  const escaped = displayName.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
  return page
    .getByRole('banner')
    .getByRole('group')
    .getByText(new RegExp(`^Account menu for ${escaped}\\s*, reputation \\d+`))
}

/** Opens the account menu and presses "Log out". */
export async function logOut(page: Page, displayName: string) {
  await accountMenu(page, displayName).click()
  await page.getByRole('banner').getByRole('button', { name: 'Log out' }).click()
  await expect(page.getByRole('banner').getByRole('link', { name: 'Log in' })).toBeVisible()
}

/** Fills the login form and submits it; resolves with the response to the form POST. */
export async function submitLogin(page: Page, identifier: string, password: string) {
  const form = page.getByRole('main')
  await form.getByLabel('Username or e-mail').fill(identifier)
  await form.getByLabel('Password').fill(password)
  const [response] = await Promise.all([
    page.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname.startsWith('/login')),
    form.getByRole('button', { name: 'Log in' }).click(),
  ])
  return response
}
