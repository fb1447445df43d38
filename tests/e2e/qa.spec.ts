/** Support Q&A end to end: answering, voting, accepting, closing, converting, searching. */
import { type Browser, type Locator, type Page } from '@playwright/test'
import { startSession } from '~/lib/auth.server'
import { getDb } from '~/lib/db.server'
import { setPostVote } from '~/models/votes.server'
import { createTestAnswer, createTestQuestion, createUser, unique } from '#tests/factories'
import { expect, expectAccessible, test, type TestUser } from './fixtures'

/** A second browser (its own cookies) logged in as `user`, for tests with several people. */
async function openAs(browser: Browser, baseURL: string, user: TestUser) {
  const context = await browser.newContext({ baseURL })
  const cookie = await startSession(user.id)
  await context.addCookies([{ name: cookie.name, value: cookie.value, url: baseURL }])
  return context.newPage()
}

/** Clicks a button that posts with a fetcher and waits for the server to answer the POST. */
async function clickAndWaitForPost(page: Page, button: Locator) {
  await Promise.all([page.waitForResponse((r) => r.request().method() === 'POST' && r.ok()), button.click()])
}

const answerItem = (page: Page, answerId: number) => page.locator(`#answer-${answerId}`)

/** The ids of the answers in the order the page shows them. */
async function answerOrder(page: Page) {
  const ids = await page
    .getByRole('region', { name: /answers?$/ })
    .locator('li.answer')
    .evaluateAll((items) => items.map((li) => li.id))
  return ids.map((id) => Number(id.replace('answer-', '')))
}

test('ask a question with tags; another user answers, votes reorder the answers, and the asker accepts one', async ({
  page,
  browser,
  baseURL,
  loginAs,
}) => {
  test.slow() // four people in four browsers, and axe on every page
  const db = getDb()
  await loginAs('member')
  const word = unique('throttle')
  createTestQuestion(db, { authorId: createUser(db).id, title: `Exports ${word} when the report is large` })

  await page.goto('/questions')
  await expectAccessible(page)
  await page.getByRole('link', { name: 'Ask a question' }).click()
  await expect(page.getByRole('heading', { level: 1, name: 'Ask a question' })).toBeVisible()
  const title = `Why does the export ${word} at 10,000 rows?`
  await page.getByLabel('Title').fill(title)
  // Similar posts appear while the title is typed.
  await expect(page.getByRole('list', { name: 'Similar questions and ideas' }).getByRole('link', { name: new RegExp(word) })).toBeVisible()
  await page.getByLabel('Your question').fill('Every CSV export stops at exactly 10,000 rows, even for **large** reports.')
  await page.getByLabel('Tags').fill('performance, charts')
  await page.getByRole('button', { name: 'Preview' }).click()
  await expect(page.getByRole('region', { name: 'Preview' }).locator('strong')).toHaveText('large')
  await expectAccessible(page)
  await page.getByRole('button', { name: 'Post your question' }).click()
  await expect(page.getByRole('heading', { level: 1, name: title })).toBeVisible()
  await expect(page.getByRole('list', { name: 'Tags' })).toContainText('performance')
  await expect(page.getByRole('list', { name: 'Tags' })).toContainText('charts')
  await expectAccessible(page)
  const question = { id: Number(new URL(page.url()).pathname.split('/').pop()) }
  expect(question.id).toBeGreaterThan(0)
  const early = createTestAnswer(db, {
    questionId: question.id,
    authorId: createUser(db).id,
    bodyMd: 'The export is capped; split it by date range.',
  })

  // Someone else answers through the form.
  const helper = createUser(db, { displayName: 'Helpful Hana' })
  const helperPage = await openAs(browser, baseURL!, helper)
  await helperPage.goto(`/questions/${question.id}`)
  await expectAccessible(helperPage)
  await helperPage.getByLabel('Write your answer').fill('Switch the export to **CSV streaming** in Settings → Exports; it has no row cap.')
  await helperPage.getByRole('button', { name: 'Post your answer' }).click()
  await expect(helperPage.getByText('Switch the export to')).toBeVisible()
  await expect(helperPage.getByLabel('Write your answer')).toHaveValue('')
  const helperAnswerId = Number(new URL(helperPage.url()).hash.replace('#answer-', ''))
  expect(helperAnswerId).toBeGreaterThan(early.id)
  // Your own answer shows its score, with nothing to press.
  await expect(answerItem(helperPage, helperAnswerId).getByRole('button', { name: 'Upvote' })).toHaveCount(0)

  // Two members with enough reputation upvote the newer answer: it moves above the older one.
  await page.goto(`/questions/${question.id}`)
  await expect.poll(() => answerOrder(page)).toEqual([early.id, helperAnswerId])
  for (const displayName of ['Voter One', 'Voter Two']) {
    const voter = createUser(db, { reputation: 200, displayName })
    const voterPage = await openAs(browser, baseURL!, voter)
    await voterPage.goto(`/questions/${question.id}`)
    const upvote = answerItem(voterPage, helperAnswerId).getByRole('button', { name: 'Upvote' })
    await clickAndWaitForPost(voterPage, upvote)
    await expect(upvote).toHaveAttribute('aria-pressed', 'true')
    await voterPage.context().close()
  }
  await page.reload()
  await expect.poll(() => answerOrder(page)).toEqual([helperAnswerId, early.id])
  await expect(answerItem(page, helperAnswerId).getByRole('group', { name: /Votes on the answer/ })).toContainText('2 votes')

  // The asker (reputation 1) cannot vote, and is told why.
  await expect(answerItem(page, early.id).getByRole('button', { name: 'Upvote' })).toBeDisabled()
  await expect(answerItem(page, early.id).getByText('You need 15 reputation to upvote.')).toBeVisible()
  await expectAccessible(page)

  // Accepting puts the accepted answer first, whatever its score.
  await answerItem(page, early.id).getByRole('button', { name: 'Accept this answer' }).click()
  await expect(answerItem(page, early.id).getByText('Accepted answer')).toBeVisible()
  await expect.poll(() => answerOrder(page)).toEqual([early.id, helperAnswerId])
  await expect(answerItem(page, early.id).getByRole('button', { name: 'Unaccept this answer' })).toBeVisible()
  await expectAccessible(page)
  await helperPage.context().close()
})

test('“Add a comment” opens its one form in place; the page carries no comment forms until asked', async ({ page, loginAs }) => {
  const db = getDb()
  const question = createTestQuestion(db, { authorId: createUser(db).id })
  const answer = createTestAnswer(db, { questionId: question.id, authorId: createUser(db).id })
  await loginAs('member', { reputation: 100 })
  const response = await page.goto(`/questions/${question.id}`)
  expect(await response!.text()).not.toContain('class="form comment-form"')
  const add = answerItem(page, answer.id).getByRole('button', { name: 'Add a comment' })
  await expect(add).toHaveAttribute('aria-expanded', 'false')
  await add.click()
  await expect(add).toHaveAttribute('aria-expanded', 'true')
  await expect(page.locator('form.comment-form')).toHaveCount(1)
  await expectAccessible(page)
  await page.getByLabel('Comment on this answer').fill('Does this work on the free plan too?')
  await answerItem(page, answer.id).getByRole('button', { name: 'Add comment' }).click()
  await expect(answerItem(page, answer.id).getByRole('list', { name: /Comments/ })).toContainText('Does this work on the free plan too?')
})

test('a downvote and taking it back move the score at once', async ({ page, loginAs }) => {
  const db = getDb()
  const question = createTestQuestion(db, { authorId: createUser(db).id })
  const answer = createTestAnswer(db, { questionId: question.id, authorId: createUser(db).id })
  await loginAs('member', { reputation: 200 })
  await page.goto(`/questions/${question.id}`)
  await expectAccessible(page)
  const votes = answerItem(page, answer.id).getByRole('group', { name: /Votes on the answer/ })
  await clickAndWaitForPost(page, votes.getByRole('button', { name: 'Downvote' }))
  await expect(votes).toContainText('-1')
  await expect(votes.getByRole('button', { name: 'Downvote' })).toHaveAttribute('aria-pressed', 'true')
  await clickAndWaitForPost(page, votes.getByRole('button', { name: 'Downvote' }))
  await expect(votes).toContainText('0 votes')
  await expect(votes.getByRole('button', { name: 'Downvote' })).toHaveAttribute('aria-pressed', 'false')
  await page.reload()
  await expect(votes).toContainText('0 votes')
})

test('a moderator closes a question as a duplicate, and it points to its original', async ({ page, loginAs }) => {
  const db = getDb()
  const original = createTestQuestion(db, { authorId: createUser(db).id, title: `How do I invite my whole team at once? ${unique('o')}` })
  const duplicate = createTestQuestion(db, { authorId: createUser(db).id, title: `Bulk invite for teammates? ${unique('d')}` })
  await loginAs('moderator')
  await page.goto(`/questions/${duplicate.id}`)
  await page.getByText('Close this question').click()
  await page.getByLabel('Reason').selectOption('duplicate')
  await page.getByLabel('Original question').fill(String(duplicate.id))
  await page.getByRole('button', { name: 'Close question' }).click()
  await expect(page.getByText('A question cannot be a duplicate of itself.')).toBeVisible()
  await expectAccessible(page)

  await page.getByLabel('Original question').fill(`/questions/${original.id}`)
  await page.getByRole('button', { name: 'Close question' }).click()
  const notice = page.getByRole('note').filter({ hasText: 'Closed as a duplicate of' })
  await expect(notice.getByRole('link', { name: original.title })).toBeVisible()
  await expect(page.getByText('This question is closed, so it takes no new answers.')).toBeVisible()
  await expect(page.getByRole('button', { name: 'Reopen question' })).toBeVisible()
  await expectAccessible(page)

  await notice.getByRole('link', { name: original.title }).click()
  await expect(page).toHaveURL(`/questions/${original.id}`)
  await expect(page.getByRole('heading', { level: 1, name: original.title })).toBeVisible()
  await expectAccessible(page)
})

test('a product team member converts a question into an idea that shows the carried votes', async ({ page, loginAs }) => {
  const db = getDb()
  const question = createTestQuestion(db, {
    authorId: createUser(db).id,
    title: `Could dashboards refresh every minute? ${unique('c')}`,
    bodyMd: 'Our wallboard shows stale numbers for up to an hour.',
  })
  for (let i = 0; i < 2; i++) {
    setPostVote(db, { targetType: 'question', targetId: question.id, userId: createUser(db, { reputation: 50 }).id, value: 1 })
  }
  await loginAs('product')
  await page.goto(`/questions/${question.id}`)
  await page.getByText('Turn into an idea').click()
  await page.getByLabel('Category for the idea').selectOption({ label: 'Integrations' })
  await expectAccessible(page)
  await page.getByRole('button', { name: 'Convert into an idea' }).click()

  await expect(page).toHaveURL(/\/ideas\/\d+$/)
  await expect(page.getByRole('heading', { level: 1, name: question.title })).toBeVisible()
  // The asker's automatic vote and the question's two upvoters.
  await expect(page.getByRole('button', { name: 'Vote for this idea (3 votes)' })).toBeVisible()
  await expect(page.getByText('3 people voted')).toBeVisible()
  await expect(page.locator('.prose p', { hasText: 'Our wallboard shows stale numbers' })).toBeVisible()
  await expectAccessible(page)

  await page.getByRole('link', { name: 'see the question and its answers' }).click()
  await expect(page).toHaveURL(`/questions/${question.id}`)
  await expect(page.getByRole('note').filter({ hasText: 'The team turned this question into an idea' })).toBeVisible()
  await expect(page.getByText('Turn into an idea')).toHaveCount(0)
  await expectAccessible(page)
})

test('search finds a just-posted answer by a word in its body, highlighted, also with filters', async ({ page, loginAs }) => {
  const db = getDb()
  const word = unique('marmot')
  const tag = unique('st')
  const question = createTestQuestion(db, { authorId: createUser(db).id, title: 'How do I rotate the webhook secret?', tagNames: [tag] })
  await loginAs('member')
  await page.goto(`/questions/${question.id}`)
  await page.getByLabel('Write your answer').fill(`Open the ${word} panel under Integrations and press Rotate.`)
  await page.getByRole('button', { name: 'Post your answer' }).click()
  await expect(page.getByText(`Open the ${word} panel`)).toBeVisible()
  await expectAccessible(page)

  await page.getByRole('search').getByLabel('Search ideas and questions').fill(word)
  await page.getByRole('search').getByRole('button', { name: 'Search' }).click()
  await expect(page).toHaveURL(new RegExp(`/search\\?q=${word}`))
  const hit = page.getByRole('main').getByRole('listitem').filter({ hasText: 'How do I rotate the webhook secret?' })
  await expect(hit).toHaveCount(1)
  await expect(hit.locator('mark')).toHaveText(word)
  await expectAccessible(page)

  // Filters: an open question with this tag still matches; a closed one or an idea status does not.
  const form = page.getByRole('search', { name: 'Search the community' })
  await form.getByLabel('Status').selectOption('idea:open')
  await form.getByLabel('Tag').fill(tag)
  await form.getByRole('button', { name: 'Search' }).click()
  await expect(page).toHaveURL(/status=idea%3Aopen/)
  await expect(page.getByRole('status')).toContainText('Nothing matches')
  await form.getByLabel('Status').selectOption('question:open')
  await form.getByRole('button', { name: 'Search' }).click()
  await expect(page).toHaveURL(/status=question%3Aopen/)
  await expect(hit.locator('mark')).toHaveText(word)
  await expectAccessible(page)
  await hit.getByRole('link').click()
  await expect(page).toHaveURL(new RegExp(`/questions/${question.id}#answer-\\d+$`))
})

test('the author edits an answer and the history keeps the earlier version as text', async ({ page, loginAs }) => {
  const db = getDb()
  const author = await loginAs('member')
  const question = createTestQuestion(db, { authorId: createUser(db).id })
  const answer = createTestAnswer(db, {
    questionId: question.id,
    authorId: author.id,
    bodyMd: 'First try: <b>restart</b> the **sync** worker.',
  })
  await page.goto(`/questions/${question.id}`)
  await answerItem(page, answer.id).getByRole('link', { name: 'Edit answer' }).click()
  await expect(page.getByRole('heading', { level: 1, name: 'Edit answer' })).toBeVisible()
  await expectAccessible(page)
  await page.getByLabel('Answer').fill('Better: restart the **sync** worker, then clear the cache.')
  await page.getByLabel('What did you change? (optional)').fill('added the cache step')
  await page.getByRole('button', { name: 'Save edits' }).click()
  await expect(answerItem(page, answer.id).getByText('then clear the cache')).toBeVisible()
  await answerItem(page, answer.id)
    .getByRole('link', { name: /^edited/ })
    .click()
  await expect(page.getByRole('heading', { level: 1, name: 'Edit history' })).toBeVisible()
  const versions = page.getByRole('list', { name: /Versions of the answer/ })
  // The old source is shown as it was typed, never rendered.
  await expect(versions.getByText('First try: <b>restart</b> the **sync** worker.')).toBeVisible()
  await expect(versions.getByText('Reason: added the cache step')).toBeVisible()
  await expectAccessible(page)
})

test('tags: the directory, a tag page and the tag filter of the question list', async ({ page }) => {
  const db = getDb()
  const name = unique('tz')
  const question = createTestQuestion(db, { authorId: createUser(db).id, title: `Where do I find the ${name} settings?`, tagNames: [name] })
  await page.goto(`/tags?q=${name}`)
  await expect(page.getByRole('heading', { level: 1, name: 'Tags' })).toBeVisible()
  await expectAccessible(page)
  await page.getByRole('list', { name: 'Tags, most used first' }).getByRole('link', { name }).click()
  await expect(page).toHaveURL(`/tags/${name}`)
  await expect(page.getByRole('list', { name: 'Questions' }).getByRole('link', { name: question.title })).toBeVisible()
  await expectAccessible(page)
  await page.getByRole('link', { name: 'Ideas (0)' }).click()
  await expect(page.getByText('No ideas with this tag.')).toBeVisible()
  await expectAccessible(page)

  await page.goto(`/questions/${question.id}`)
  await expectAccessible(page)
  await page.getByRole('list', { name: 'Tags' }).getByRole('link', { name }).click()
  await expect(page).toHaveURL(`/tags/${name}`)
  await page.goto(`/questions?tag=${name}`)
  await expect(page.getByRole('list', { name: 'Questions' }).getByRole('listitem')).toHaveCount(1)
  await expectAccessible(page)
})

test.describe('without JavaScript', () => {
  test.use({ javaScriptEnabled: false })

  test('the answer, comment and vote forms work as plain form posts', async ({ page, loginAs }) => {
    const db = getDb()
    const question = createTestQuestion(db, { authorId: createUser(db).id })
    await loginAs('member', { reputation: 200 })
    await page.goto(`/questions/${question.id}`)
    await expectAccessible(page)

    // A too-short answer comes back with its message and the text kept.
    await page.getByLabel('Write your answer').fill('Too short.')
    await page.getByRole('button', { name: 'Post your answer' }).click()
    await expect(page.getByText('Write at least 20 characters.')).toBeVisible()
    await expect(page.getByLabel('Write your answer')).toHaveValue('Too short.')
    await expect(page.getByLabel('Write your answer')).toHaveAttribute('aria-invalid', 'true')
    await expectAccessible(page)

    const body = `Without scripts: restart the ${unique('sync')} worker from the admin page.`
    await page.getByLabel('Write your answer').fill(body)
    await page.getByRole('button', { name: 'Post your answer' }).click()
    await expect(page).toHaveURL(new RegExp(`/questions/${question.id}#answer-\\d+$`))
    await expect(page.getByText(body)).toBeVisible()

    // A comment through the native disclosure.
    await page.getByText('Add a comment').first().click()
    await page.getByLabel('Comment on the question').fill('Which plan are you on?')
    await page.getByRole('button', { name: 'Add comment' }).first().click()
    await expect(page.getByRole('list', { name: 'Comments on the question' })).toContainText('Which plan are you on?')

    // A vote posts and redirects back.
    await page.getByRole('group', { name: 'Votes on the question' }).getByRole('button', { name: 'Upvote' }).click()
    await expect(page.getByRole('group', { name: 'Votes on the question' })).toContainText('1 vote')
    await expectAccessible(page)
  })

  test('the ask page previews the question and lists similar posts', async ({ page, loginAs }) => {
    const db = getDb()
    const word = unique('heatmap')
    createTestQuestion(db, { authorId: createUser(db).id, title: `Can a ${word} show weekly totals?` })
    await loginAs('member')
    await page.goto('/questions/ask')
    await page.getByLabel('Title').fill(`How do I colour a ${word} by region?`)
    await page.getByLabel('Your question').fill('I would like _each region_ to get its own colour.')
    await page.getByRole('button', { name: 'Preview' }).click()
    await expect(
      page.getByRole('list', { name: 'Similar questions and ideas' }).getByRole('link', { name: new RegExp(word) }),
    ).toBeVisible()
    await expect(page.getByRole('region', { name: 'Preview' }).locator('em')).toHaveText('each region')
    await expect(page.getByLabel('Title')).toHaveValue(`How do I colour a ${word} by region?`)
    await expectAccessible(page)
    // Posting without tags keeps everything typed and says what is missing.
    await page.getByRole('button', { name: 'Post your question' }).click()
    await expect(page.getByText('Add at least one tag.')).toBeVisible()
    await expect(page.getByLabel('Your question')).toHaveValue('I would like _each region_ to get its own colour.')
    await expectAccessible(page)
  })
})
