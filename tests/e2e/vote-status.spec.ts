/**
 * The vote endpoint's HTTP status, as the real server sends it. The button's fetcher posts to
 * `/ideas/:id/vote.data` (single fetch) and shows `{ ok: false, error }` beside itself; the HTTP
 * answer must still carry the refusal's status (400, 404, 429) and a 429's Retry-After, as must a
 * fetch() of `/ideas/:id/vote` and a plain form post, so clients, proxies and logs see what happened.
 */
import { type APIRequestContext } from '@playwright/test'
import { getDb } from '~/lib/db.server'
import { NEW_ACCOUNT_VOTE_LIMIT } from '~/lib/rate-limit.server'
import { createTestIdea, createTestQuestion } from '#tests/factories'
import { expect, expectAccessible, makeUser, test } from './fixtures'

const HTML = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8'
const TOO_FAST = /^You are voting very fast: at most 20 votes a minute\. Try again in \d+ seconds?\.$/

const newIdea = () => createTestIdea(getDb(), { authorId: makeUser().id })
const voteCountOf = (ideaId: number) =>
  (getDb().$client.prepare('select vote_count as v from ideas where id = ?').get(ideaId) as { v: number }).v

function vote(request: APIRequestContext, origin: string, path: string, voted: string, accept = '*/*') {
  return request.post(path, { form: { voted }, headers: { Origin: origin, Accept: accept }, maxRedirects: 0 })
}

/** A new account may vote 20 times a minute: spend them on another idea. */
async function spendVoteLimit(request: APIRequestContext, origin: string) {
  const other = newIdea()
  for (let i = 0; i < NEW_ACCOUNT_VOTE_LIMIT.limit; i++) {
    expect((await vote(request, origin, `/ideas/${other.id}/vote.data`, String(i % 2 === 0))).status()).toBe(200)
  }
}

test('refusals keep their status for the button’s data request, a fetch() and a plain form post; a 429 keeps Retry-After', async ({
  page,
  loginAs,
  baseURL,
}) => {
  await loginAs()
  const idea = newIdea()
  const request = page.request // shares the page's session cookie

  for (const path of [`/ideas/${idea.id}/vote.data`, `/ideas/${idea.id}/vote`]) {
    const malformed = await vote(request, baseURL!, path, 'maybe')
    expect(malformed.status()).toBe(400)
    expect(await malformed.text()).toContain('Send voted=true to vote or voted=false to take the vote back.')
  }
  for (const path of ['/ideas/999999999/vote.data', '/ideas/999999999/vote']) {
    expect((await vote(request, baseURL!, path, 'true')).status()).toBe(404)
  }

  await loginAs() // a member of their own for the limit (the 404s above counted as votes)
  await spendVoteLimit(request, baseURL!)
  for (const [path, accept] of [
    [`/ideas/${idea.id}/vote.data`, '*/*'],
    [`/ideas/${idea.id}/vote`, '*/*'],
    [`/ideas/${idea.id}/vote`, HTML],
  ] as const) {
    const refused = await vote(request, baseURL!, path, 'true', accept)
    expect(refused.status(), `${path} (${accept})`).toBe(429)
    expect(Number(refused.headers()['retry-after']), `${path} (${accept})`).toBeGreaterThan(0)
    expect(await refused.text()).toContain('You are voting very fast')
  }
  expect(voteCountOf(idea.id)).toBe(1) // the author's own; nothing refused was counted
})

test('the vote button with the limit spent: the browser’s request gets 429 with Retry-After, and the button says why', async ({
  page,
  loginAs,
  baseURL,
}) => {
  await loginAs()
  const idea = newIdea()
  await page.goto(`/ideas/${idea.id}`)
  await spendVoteLimit(page.request, baseURL!)

  const answered = page.waitForResponse(
    (r) => r.request().method() === 'POST' && new URL(r.url()).pathname.startsWith(`/ideas/${idea.id}/vote`),
  )
  await page.getByRole('button', { name: 'Vote for this idea (1 vote)' }).click()
  const response = await answered
  expect(new URL(response.url()).pathname).toBe(`/ideas/${idea.id}/vote.data`) // what the fetcher really posts to
  expect(response.status()).toBe(429)
  expect(Number(response.headers()['retry-after'])).toBeGreaterThan(0)
  await expect(page.getByRole('alert').filter({ hasText: TOO_FAST })).toBeVisible()
  await expect(page.getByRole('button', { name: 'Vote for this idea (1 vote)' })).toHaveAttribute('aria-pressed', 'false')
  await expectAccessible(page)
})

test('a question or answer vote with the limit spent: 429 with Retry-After, said beside the buttons, and the page stays', async ({
  page,
  loginAs,
  baseURL,
}) => {
  await loginAs('member', { reputation: 50 })
  const question = createTestQuestion(getDb(), { authorId: makeUser().id })
  await page.goto(`/questions/${question.id}`)
  await spendVoteLimit(page.request, baseURL!)

  const answered = page.waitForResponse(
    (r) => r.request().method() === 'POST' && new URL(r.url()).pathname.startsWith(`/questions/${question.id}`),
  )
  const votes = page.getByRole('group', { name: 'Votes on the question' })
  await votes.getByRole('button', { name: 'Upvote' }).click()
  const response = await answered
  expect(response.status()).toBe(429)
  expect(Number(response.headers()['retry-after'])).toBeGreaterThan(0)
  await expect(page.getByRole('alert').filter({ hasText: TOO_FAST })).toBeVisible()
  await expect(page.getByRole('heading', { level: 1, name: question.title })).toBeVisible()
  await expect(votes.getByRole('button', { name: 'Upvote' })).toHaveAttribute('aria-pressed', 'false')
  await expectAccessible(page)
})

test.describe('without JavaScript', () => {
  test.use({ javaScriptEnabled: false })

  test('the plain form post with the limit spent gets 429 with Retry-After and the sentence', async ({ page, loginAs, baseURL }) => {
    await loginAs()
    const idea = newIdea()
    await page.goto(`/ideas/${idea.id}`)
    await spendVoteLimit(page.request, baseURL!)

    const answered = page.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname === `/ideas/${idea.id}/vote`)
    await page.getByRole('button', { name: 'Vote for this idea (1 vote)' }).click()
    const response = await answered
    expect(response.status()).toBe(429)
    expect(Number(response.headers()['retry-after'])).toBeGreaterThan(0)
    await expect(page.getByText(TOO_FAST)).toBeVisible()
  })
})
