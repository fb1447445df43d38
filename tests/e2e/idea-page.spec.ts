/** The idea page: comments, following, sharing, and the product team's status changes, responses and merges. */
import { startSession } from '~/lib/auth.server'
import { getDb } from '~/lib/db.server'
import { setIdeaVote } from '~/models/votes.server'
import { createTestIdea, createUser, unique } from '#tests/factories'
import { expect, expectAccessible, test } from './fixtures'

function newIdea(title?: string) {
  const db = getDb()
  const author = createUser(db)
  return { author, ...createTestIdea(db, { authorId: author.id, title }) }
}

test('a member comments, edits the comment within the window, and the earlier version stays readable', async ({ page, loginAs }) => {
  const idea = newIdea()
  await loginAs('member')
  await page.goto(`/ideas/${idea.id}`)
  await expect(page.getByRole('heading', { level: 1, name: idea.title })).toBeVisible()
  await expectAccessible(page)

  const text = `Count me in: ${unique('we export every Monday')}`
  await page.getByLabel('Your comment').fill(text)
  await page.getByRole('button', { name: 'Post comment' }).click()
  await expect(page).toHaveURL(new RegExp(`/ideas/${idea.id}#comment-\\d+$`))
  const comment = page.getByRole('list', { name: 'Comments' }).getByRole('listitem').filter({ hasText: text })
  await expect(comment).toBeVisible()
  await expect(page.getByRole('heading', { level: 2, name: 'Comments (1)' })).toBeVisible()
  await expect(page.getByLabel('Your comment')).toHaveValue('')

  await comment.getByText('Edit this comment').click()
  await comment.getByLabel('Edit the comment').fill(`${text} (and on Fridays)`)
  await comment.getByRole('button', { name: 'Save the comment' }).click()
  const edited = page.getByRole('list', { name: 'Comments' }).getByRole('listitem').filter({ hasText: 'and on Fridays' })
  await expect(edited).toBeVisible()
  await edited.getByText('Edited · show the earlier version').click()
  await expect(edited.locator('pre')).toHaveText(text)
  await expectAccessible(page)
})

test('the product team moves an idea to planned with a note, and responds officially', async ({ page, loginAs }) => {
  const idea = newIdea()
  await loginAs('product')
  await page.goto(`/ideas/${idea.id}`)
  const team = page.getByRole('region', { name: /Product team/ })
  await expect(team).toBeVisible()
  await expectAccessible(page)

  await team.getByLabel('New status').selectOption({ label: 'Planned' })
  await team.getByLabel('Official note').fill('We will build this in **Q3**, starting with CSV.')
  await team.getByRole('button', { name: 'Change status' }).click()
  await expect(page.getByRole('status').filter({ hasText: 'The status was changed.' })).toBeVisible()
  const timeline = page.getByRole('region', { name: 'Status updates' })
  await expect(timeline.getByText('We will build this in Q3, starting with CSV.')).toBeVisible()
  await expect(timeline.getByText('Planned', { exact: true })).toBeVisible()
  await expect(timeline.getByText('Team', { exact: true })).toBeVisible()
  await expectAccessible(page)

  await team.getByRole('textbox', { name: 'Response' }).fill('Thanks everyone: the **beta** opens in June.')
  await team.getByRole('button', { name: 'Post the official response' }).click()
  const response = page.getByRole('region', { name: /Official response/ })
  await expect(response.getByText('Thanks everyone: the beta opens in June.')).toBeVisible()
  await expect(response.getByText('Team', { exact: true }).first()).toBeVisible()
  await expectAccessible(page)
})

test('merging moves the votes: the target counts each voter once, and the merged idea leads there with a notice', async ({
  page,
  context,
  baseURL,
  loginAs,
}) => {
  const db = getDb()
  const a = newIdea(`Dark mode ${unique('')} for the reporting dashboard`)
  const b = newIdea(`A dark theme ${unique('')} across the whole app`)
  const [v1, v2, v3, v4] = Array.from({ length: 4 }, () => createUser(db))
  for (const v of [v1!, v2!, v3!]) setIdeaVote(db, { ideaId: a.id, userId: v.id, voted: true })
  for (const v of [v3!, v4!]) setIdeaVote(db, { ideaId: b.id, userId: v.id, voted: true })

  await loginAs('product')
  await page.goto(`/ideas/${a.id}`)
  await expect(page.getByText('4 people voted')).toBeVisible()
  const team = page.getByRole('region', { name: /Product team/ })
  await team.getByLabel('The idea to merge into').fill(`${baseURL}/ideas/${b.id}`)
  await team.getByLabel('Note for the voters').fill('The same request; let us keep the votes in one place.')
  await team.getByRole('button', { name: 'Merge this idea' }).click()

  await expect(page).toHaveURL(new RegExp(`/ideas/${b.id}\\?merged=${a.id}$`))
  // A: its author + v1, v2, v3. B: its author + v3, v4. Together: six people, v3 once.
  await expect(page.getByText('6 people voted')).toBeVisible()
  await expect(page.getByRole('button', { name: 'Vote for this idea (6 votes)' })).toBeVisible()
  await expect(page.getByRole('status').filter({ hasText: `“${a.title}” was merged into this idea` })).toBeVisible()
  await expect(page.getByRole('region', { name: 'Merged into this idea' }).getByRole('link', { name: a.title })).toBeVisible()
  await expectAccessible(page)

  // A voter of the merged idea follows an old link and lands on the target, told where the vote went.
  await context.clearCookies()
  const cookie = await startSession(v1!.id)
  await context.addCookies([{ name: cookie.name, value: cookie.value, url: baseURL! }])
  await page.goto(`/ideas/${a.id}`)
  await expect(page).toHaveURL(new RegExp(`/ideas/${b.id}\\?merged=${a.id}$`))
  await expect(page.getByRole('status').filter({ hasText: 'was merged into this idea' })).toHaveText(
    `“${a.title}” was merged into this idea; your vote moved with it. Read its comments`,
  )
  await expect(page.getByText('You voted for this idea', { exact: true })).toBeVisible()
  await expectAccessible(page)

  await page.getByRole('link', { name: 'Read its comments' }).click()
  await expect(page).toHaveURL(new RegExp(`/ideas/${a.id}\\?show=merged$`))
  await expect(page.getByRole('note')).toContainText('This idea was merged into')
  await expect(page.getByText('0 people voted')).toBeVisible()
  await expect(page.getByRole('button', { name: 'Post comment' })).toHaveCount(0)
  await expectAccessible(page)
})

test('follow and unfollow an idea, and copy its link', async ({ page, context, baseURL, loginAs }) => {
  const idea = newIdea()
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: baseURL })
  await loginAs('member')
  await page.goto(`/ideas/${idea.id}`)
  await expect(page.getByText('0 followers')).toBeVisible()
  await expect(page.getByLabel('Link to this idea')).toHaveValue(`${baseURL}/ideas/${idea.id}`)
  await expectAccessible(page)

  await page.getByRole('button', { name: 'Follow', exact: true }).click()
  await expect(page.getByRole('button', { name: 'Unfollow' })).toBeVisible()
  await expect(page.getByText('1 follower', { exact: true })).toBeVisible()
  await expect(page.getByText('You follow this idea')).toBeVisible()
  await expectAccessible(page)

  await page.getByRole('button', { name: 'Unfollow' }).click()
  await expect(page.getByRole('button', { name: 'Follow', exact: true })).toBeVisible()
  await expect(page.getByText('0 followers')).toBeVisible()

  await page.getByRole('button', { name: 'Copy the link' }).click()
  await expect(page.getByRole('status').filter({ hasText: 'Link copied.' })).toBeVisible()
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(`${baseURL}/ideas/${idea.id}`)
})

test.describe('without JavaScript', () => {
  test.use({ javaScriptEnabled: false })

  test('commenting is a plain form post: a refused comment keeps its text, a good one appears', async ({ page, loginAs }) => {
    const idea = newIdea()
    await loginAs('member')
    await page.goto(`/ideas/${idea.id}`)
    await expect(page.getByRole('button', { name: /^Copy/ })).toHaveCount(0) // the Copy button needs scripts
    await expectAccessible(page)

    await page.getByLabel('Your comment').fill('x')
    const [refused] = await Promise.all([
      page.waitForResponse((r) => r.request().method() === 'POST'),
      page.getByRole('button', { name: 'Post comment' }).click(),
    ])
    expect(refused.status()).toBe(400)
    const field = page.getByLabel('Your comment')
    await expect(field).toHaveValue('x')
    await expect(field).toHaveAttribute('aria-invalid', 'true')
    await expect(page.getByText('Write at least 2 characters.')).toBeVisible()
    await expectAccessible(page)

    const text = `Works without scripts too ${unique('')}`
    await field.fill(text)
    await page.getByRole('button', { name: 'Post comment' }).click()
    await expect(page).toHaveURL(new RegExp(`/ideas/${idea.id}#comment-\\d+$`))
    await expect(page.getByRole('list', { name: 'Comments' }).getByRole('listitem').filter({ hasText: text })).toBeVisible()

    await page.getByRole('button', { name: 'Follow', exact: true }).click()
    await expect(page.getByRole('button', { name: 'Unfollow' })).toBeVisible()
    await expectAccessible(page)
  })

  test('the author edits the description with a plain form post; an empty one is refused in place', async ({ page, loginAs }) => {
    const author = await loginAs('member')
    const idea = createTestIdea(getDb(), { authorId: author.id })
    await page.goto(`/ideas/${idea.id}`)
    await page.getByText('Edit the idea').click()
    const description = page.getByLabel('Description')
    await description.fill('   ')
    await page.getByRole('button', { name: 'Save the idea' }).click()
    await expect(page.getByText('Describe your idea.')).toBeVisible()
    await expect(page.getByLabel('Description')).toHaveAttribute('aria-invalid', 'true')
    await expectAccessible(page)
    await page.getByLabel('Description').fill('Export every report as CSV, **with the filters** applied.')
    await page.getByRole('button', { name: 'Save the idea' }).click()
    await expect(page).toHaveURL(new RegExp(`/ideas/${idea.id}\\?done=edited$`))
    await expect(page.locator('article strong', { hasText: 'with the filters' })).toBeVisible()
  })
})

test('an @mention in a comment links to the member’s profile and tells them', async ({ page, loginAs, browser, baseURL }) => {
  const idea = newIdea()
  const mentioned = createUser(getDb(), { username: unique('mentioned').toLowerCase(), displayName: 'Mira Mentioned' })
  await loginAs('member', { displayName: 'Cole Commenter' })
  await page.goto(`/ideas/${idea.id}`)
  await page.getByLabel('Your comment').fill(`@${mentioned.username} would this fix your export problem?`)
  await page.getByRole('button', { name: 'Post comment' }).click()
  const comment = page.getByRole('list', { name: 'Comments' }).getByRole('listitem').filter({ hasText: 'export problem' })
  await expect(comment.getByRole('link', { name: `@${mentioned.username}` })).toHaveAttribute('href', `/u/${mentioned.username}`)
  await expectAccessible(page)

  const theirs = await browser.newContext({ baseURL })
  const cookie = await startSession(mentioned.id)
  await theirs.addCookies([{ name: cookie.name, value: cookie.value, url: baseURL! }])
  const theirPage = await theirs.newPage()
  await theirPage.goto('/notifications')
  const notice = theirPage.getByRole('list', { name: 'Notifications' }).getByRole('listitem').first()
  await expect(notice).toContainText(`Cole Commenter mentioned you in “${idea.title}”`)
  await notice.getByRole('button', { name: `Cole Commenter mentioned you in “${idea.title}”`, exact: true }).click()
  await expect(theirPage).toHaveURL(new RegExp(`/ideas/${idea.id}#comment-\\d+$`))
  await theirs.close()
})
