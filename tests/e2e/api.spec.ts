/**
 * /api/v1 over real HTTP against the running server, with real tokens: the authorization matrix
 * (every operation × anonymous, member, product, admin, revoked, expired, wrong-scope and malformed
 * tokens), visibility (hidden and deleted ideas never show), problem details, the cross-site rules,
 * and a fuzz of the inputs that must never get a 5xx.
 */
import { eq } from 'drizzle-orm'
import { ideas, questions } from '#db/schema'
import { getDb } from '~/lib/db.server'
import { setPostState } from '~/models/posts.server'
import { createCategory, createTestAnswer, createTestComment, createTestIdea, createTestQuestion, createUser } from '#tests/factories'
import { expect, expectAccessible, test } from './fixtures'
import { categoryId, OLD, questionBody, runAuthorizationMatrix, tagName, tokenFor } from './api-callers'
import { type APIRequestContext } from '@playwright/test'

/**
 * Hides an answer or a comment as a moderator's hide does, through the model, so its question's or
 * post's visible count moves with it: other tests (the backup's recount) check every counter in
 * this shared database.
 */
function hidePost(ref: { type: 'answer' | 'comment'; id: number }) {
  // Immediate, as the app's writes are: a deferred transaction that reads first cannot wait for
  // another writer (SQLite answers SQLITE_BUSY at once rather than risk a deadlock).
  getDb().transaction((tx) => setPostState(tx, ref, { hiddenAt: new Date(), hiddenReason: 'moderator' }), { behavior: 'immediate' })
}

type Operation = {
  name: string
  send: (
    request: APIRequestContext,
    headers: Record<string, string>,
  ) => Promise<{ status: () => number; headers: () => Record<string, string>; text: () => Promise<string> }>
}

function operations(): Operation[] {
  const author = createUser(getDb(), { createdAt: OLD })
  const idea = () => createTestIdea(getDb(), { authorId: author.id })
  const question = () => createTestQuestion(getDb(), { authorId: author.id })
  return [
    { name: 'GET /ideas', send: (r, h) => r.get('/api/v1/ideas?sort=new&limit=5', { headers: h }) },
    { name: 'GET /ideas/:id', send: (r, h) => r.get(`/api/v1/ideas/${idea().id}`, { headers: h }) },
    {
      name: 'POST /ideas',
      send: (r, h) =>
        r.post('/api/v1/ideas', {
          headers: h,
          data: {
            title: `An idea from the API ${Math.random().toString(36).slice(2, 8)}`,
            body: 'Please add it.',
            categoryId: categoryId(),
          },
        }),
    },
    { name: 'PUT /ideas/:id/vote', send: (r, h) => r.put(`/api/v1/ideas/${idea().id}/vote`, { headers: h }) },
    { name: 'DELETE /ideas/:id/vote', send: (r, h) => r.delete(`/api/v1/ideas/${idea().id}/vote`, { headers: h }) },
    {
      name: 'POST /ideas/:id/status',
      send: (r, h) => r.post(`/api/v1/ideas/${idea().id}/status`, { headers: h, data: { status: 'planned', note: 'On the roadmap.' } }),
    },
    { name: 'GET /ideas/:id/comments', send: (r, h) => r.get(`/api/v1/ideas/${idea().id}/comments`, { headers: h }) },
    {
      name: 'POST /ideas/:id/comments',
      send: (r, h) => r.post(`/api/v1/ideas/${idea().id}/comments`, { headers: h, data: { body: 'Same here, from our integration.' } }),
    },
    {
      name: 'POST /questions',
      send: (r, h) =>
        r.post('/api/v1/questions', { headers: h, data: questionBody(`Asked through the API ${Math.random().toString(36).slice(2, 8)}?`) }),
    },
    {
      name: 'POST /questions/:id/answers',
      send: (r, h) =>
        r.post(`/api/v1/questions/${question().id}/answers`, { headers: h, data: { body: 'Use the export button on the settings page.' } }),
    },
    {
      // Only the asker may accept: none of the callers asked this question.
      name: 'POST /questions/:id/accept',
      send: (r, h) => {
        const q = question()
        const answer = createTestAnswer(getDb(), { questionId: q.id, authorId: createUser(getDb(), { createdAt: OLD }).id })
        return r.post(`/api/v1/questions/${q.id}/accept`, { headers: h, data: { answerId: answer.id } })
      },
    },
    { name: 'GET /notifications', send: (r, h) => r.get('/api/v1/notifications?limit=5', { headers: h }) },
    { name: 'GET /users/:username', send: (r, h) => r.get(`/api/v1/users/${author.username}`, { headers: h }) },
    { name: 'GET /search', send: (r, h) => r.get('/api/v1/search?q=export', { headers: h }) },
    { name: 'GET /categories', send: (r, h) => r.get('/api/v1/categories', { headers: h }) },
    { name: 'GET /tags', send: (r, h) => r.get('/api/v1/tags?limit=5', { headers: h }) },
    { name: 'GET /questions', send: (r, h) => r.get('/api/v1/questions?sort=newest&limit=5', { headers: h }) },
    {
      name: 'GET /questions/:id',
      send: (r, h) => r.get(`/api/v1/questions/${createTestQuestion(getDb(), { authorId: author.id }).id}`, { headers: h }),
    },
  ]
}

// Rows: operations; columns: callers, in the order of callers().
const EXPECTED: Record<string, number[]> = {
  //                         anon member product admin revoked expired read-only write-only malformed
  'GET /ideas': /*          */ [200, 200, 200, 200, 401, 401, 200, 403, 401],
  'GET /ideas/:id': /*      */ [200, 200, 200, 200, 401, 401, 200, 403, 401],
  'POST /ideas': /*         */ [401, 201, 201, 201, 401, 401, 403, 201, 401],
  'PUT /ideas/:id/vote': /* */ [401, 200, 200, 200, 401, 401, 403, 200, 401],
  'DELETE /ideas/:id/vote': [401, 200, 200, 200, 401, 401, 403, 200, 401],
  'POST /ideas/:id/status': [401, 403, 200, 200, 401, 401, 403, 200, 401],
  'GET /ideas/:id/comments': [200, 200, 200, 200, 401, 401, 200, 403, 401],
  'POST /ideas/:id/comments': [401, 201, 201, 201, 401, 401, 403, 201, 401],
  'POST /questions': /*     */ [401, 201, 201, 201, 401, 401, 403, 201, 401],
  'POST /questions/:id/answers': [401, 201, 201, 201, 401, 401, 403, 201, 401],
  'POST /questions/:id/accept': [401, 403, 403, 403, 401, 401, 403, 403, 401],
  'GET /notifications': /*  */ [401, 200, 200, 200, 401, 401, 200, 403, 401],
  'GET /users/:username': /**/ [200, 200, 200, 200, 401, 401, 200, 403, 401],
  'GET /search': /*         */ [200, 200, 200, 200, 401, 401, 200, 403, 401],
  'GET /categories': /*     */ [200, 200, 200, 200, 401, 401, 200, 403, 401],
  'GET /tags': /*           */ [200, 200, 200, 200, 401, 401, 200, 403, 401],
  'GET /questions': /*      */ [200, 200, 200, 200, 401, 401, 200, 403, 401],
  'GET /questions/:id': /*  */ [200, 200, 200, 200, 401, 401, 200, 403, 401],
}

test('the authorization matrix: every operation × every kind of caller', async ({ request }) => {
  const got = await runAuthorizationMatrix(request, operations())
  expect(got).toEqual(EXPECTED)
})

test('anonymous reads follow the site’s visibility: hidden and deleted ideas are 404 and never listed', async ({ request }) => {
  const author = createUser(getDb(), { createdAt: OLD })
  const hidden = createTestIdea(getDb(), { authorId: author.id, title: `Hidden from the API ${Date.now()}` })
  const deleted = createTestIdea(getDb(), { authorId: author.id, title: `Deleted from the API ${Date.now()}` })
  getDb().update(ideas).set({ hiddenAt: new Date(), hiddenReason: 'moderator' }).where(eq(ideas.id, hidden.id)).run()
  getDb().update(ideas).set({ deletedAt: new Date() }).where(eq(ideas.id, deleted.id)).run()
  for (const id of [hidden.id, deleted.id]) {
    const response = await request.get(`/api/v1/ideas/${id}`)
    expect(response.status()).toBe(404)
  }
  const list = (await (await request.get('/api/v1/ideas?sort=new&limit=100')).json()) as { data: { id: number }[] }
  expect(list.data.map((i) => i.id)).not.toContain(hidden.id)
  expect(list.data.map((i) => i.id)).not.toContain(deleted.id)
})

test('questions follow the site’s visibility: hidden and deleted questions and answers show only to those who may see them', async ({
  request,
}) => {
  const author = createUser(getDb(), { createdAt: OLD })
  const answerer = createUser(getDb(), { createdAt: OLD })
  const hidden = createTestQuestion(getDb(), { authorId: author.id })
  const deleted = createTestQuestion(getDb(), { authorId: author.id })
  getDb().update(questions).set({ hiddenAt: new Date(), hiddenReason: 'moderator' }).where(eq(questions.id, hidden.id)).run()
  getDb().update(questions).set({ deletedAt: new Date() }).where(eq(questions.id, deleted.id)).run()
  for (const id of [hidden.id, deleted.id]) expect((await request.get(`/api/v1/questions/${id}`)).status()).toBe(404)
  const list = (await (await request.get('/api/v1/questions?sort=newest&limit=100')).json()) as { data: { id: number }[] }
  expect(list.data.map((q) => q.id)).not.toContain(hidden.id)
  expect(list.data.map((q) => q.id)).not.toContain(deleted.id)
  // A moderator sees the hidden one, as on the question page; a member does not.
  const admin = tokenFor('admin')
  const member = tokenFor('member')
  expect((await request.get(`/api/v1/questions/${hidden.id}`, { headers: { Authorization: `Bearer ${admin.token}` } })).status()).toBe(200)
  expect((await request.get(`/api/v1/questions/${hidden.id}`, { headers: { Authorization: `Bearer ${member.token}` } })).status()).toBe(404)
  expect((await request.get(`/api/v1/questions/${deleted.id}`, { headers: { Authorization: `Bearer ${admin.token}` } })).status()).toBe(404)
  // Answers: a hidden one is left out for others; the accepted one is marked and first.
  const question = createTestQuestion(getDb(), { authorId: author.id })
  const shown = createTestAnswer(getDb(), { questionId: question.id, authorId: answerer.id })
  const hiddenAnswer = createTestAnswer(getDb(), { questionId: question.id, authorId: answerer.id, bodyMd: 'A hidden answer.' })
  hidePost({ type: 'answer', id: hiddenAnswer.id })
  const detail = (await (await request.get(`/api/v1/questions/${question.id}`)).json()) as {
    answers: { id: number; isAccepted: boolean }[]
    acceptedAnswerId: number | null
    author: Record<string, unknown>
  }
  expect(detail.answers.map((a) => a.id)).toEqual([shown.id])
  expect(detail.acceptedAnswerId).toBeNull()
  expect(Object.keys(detail.author).sort()).toEqual(['displayName', 'username'])
})

test('comments: a token comments on an idea; hidden comments and hidden or locked ideas follow the site’s rules', async ({ request }) => {
  const author = createUser(getDb(), { createdAt: OLD })
  const member = tokenFor('member')
  const auth = { Authorization: `Bearer ${member.token}` }
  const idea = createTestIdea(getDb(), { authorId: author.id })
  const posted = await request.post(`/api/v1/ideas/${idea.id}/comments`, { headers: auth, data: { body: 'We need this **too**.' } })
  expect(posted.status()).toBe(201)
  const comment = (await posted.json()) as { id: number; bodyHtml: string; author: { username: string }; isHidden: boolean }
  expect(comment).toMatchObject({
    bodyHtml: expect.stringContaining('<strong>too</strong>'),
    author: { username: member.user.username },
    isHidden: false,
  })
  const other = createTestComment(getDb(), {
    target: { type: 'idea', id: idea.id },
    authorId: author.id,
    bodyMd: 'A comment a moderator hid.',
  })
  hidePost({ type: 'comment', id: other.id })
  const anonymous = (await (await request.get(`/api/v1/ideas/${idea.id}/comments`)).json()) as {
    data: { id: number }[]
    nextCursor: string | null
  }
  expect(anonymous).toEqual({ data: [expect.objectContaining({ id: comment.id })], nextCursor: null })
  const admin = tokenFor('admin')
  const staff = (await (
    await request.get(`/api/v1/ideas/${idea.id}/comments`, { headers: { Authorization: `Bearer ${admin.token}` } })
  ).json()) as { data: { id: number; isHidden: boolean }[] }
  expect(staff.data.map((c) => [c.id, c.isHidden])).toEqual([
    [comment.id, false],
    [other.id, true],
  ])
  // Unknown fields are refused; a short body has its field message.
  expect(
    (await request.post(`/api/v1/ideas/${idea.id}/comments`, { headers: auth, data: { body: 'Fine text', authorId: 1 } })).status(),
  ).toBe(422)
  const short = await request.post(`/api/v1/ideas/${idea.id}/comments`, { headers: auth, data: { body: 'x' } })
  expect(((await short.json()) as { errors: Record<string, string[]> }).errors).toEqual({ body: ['Write at least 2 characters.'] })
  // A hidden idea is not there; a locked one takes no comments.
  const hidden = createTestIdea(getDb(), { authorId: author.id })
  getDb().update(ideas).set({ hiddenAt: new Date(), hiddenReason: 'moderator' }).where(eq(ideas.id, hidden.id)).run()
  expect((await request.get(`/api/v1/ideas/${hidden.id}/comments`)).status()).toBe(404)
  expect((await request.post(`/api/v1/ideas/${hidden.id}/comments`, { headers: auth, data: { body: 'Hello there' } })).status()).toBe(404)
  const locked = createTestIdea(getDb(), { authorId: author.id })
  getDb().update(ideas).set({ lockedAt: new Date() }).where(eq(ideas.id, locked.id)).run()
  expect((await request.post(`/api/v1/ideas/${locked.id}/comments`, { headers: auth, data: { body: 'Hello there' } })).status()).toBe(409)
})

test('a token asks, another answers, and only the asker accepts; the accepted answer is marked and first', async ({ request }) => {
  const asker = tokenFor('member')
  const answerer = tokenFor('member')
  const bearer = (t: { token: string }) => ({ Authorization: `Bearer ${t.token}` })
  const asked = await request.post('/api/v1/questions', {
    headers: bearer(asker),
    data: questionBody('How do I export every idea as CSV?'),
  })
  expect(asked.status()).toBe(201)
  const question = (await asked.json()) as { id: number; tags: string[]; author: { username: string } }
  expect(asked.headers()['location']).toBe(`/api/v1/questions/${question.id}`)
  expect(question).toMatchObject({ tags: [tagName()], author: { username: asker.user.username } })
  const first = (await (
    await request.post(`/api/v1/questions/${question.id}/answers`, {
      headers: bearer(answerer),
      data: { body: 'Open the ideas list and press **Export**.' },
    })
  ).json()) as { id: number; bodyHtml: string; isAccepted: boolean }
  expect(first).toMatchObject({ isAccepted: false, bodyHtml: expect.stringContaining('<strong>Export</strong>') })
  const second = createTestAnswer(getDb(), { questionId: question.id, authorId: createUser(getDb(), { createdAt: OLD }).id })
  // Not the asker: refused, as on the site; an answer to another question: not found.
  expect(
    (await request.post(`/api/v1/questions/${question.id}/accept`, { headers: bearer(answerer), data: { answerId: second.id } })).status(),
  ).toBe(403)
  const elsewhere = createTestAnswer(getDb(), {
    questionId: createTestQuestion(getDb(), { authorId: asker.user.id }).id,
    authorId: answerer.user.id,
  })
  expect(
    (await request.post(`/api/v1/questions/${question.id}/accept`, { headers: bearer(asker), data: { answerId: elsewhere.id } })).status(),
  ).toBe(404)
  const accepted = await request.post(`/api/v1/questions/${question.id}/accept`, { headers: bearer(asker), data: { answerId: second.id } })
  expect(accepted.status()).toBe(200)
  const after = (await accepted.json()) as { acceptedAnswerId: number; answers: { id: number; isAccepted: boolean }[] }
  expect(after.acceptedAnswerId).toBe(second.id)
  expect(after.answers.map((a) => [a.id, a.isAccepted])).toEqual([
    [second.id, true],
    [first.id, false],
  ])
  // Unknown fields and missing tags are refused with their field.
  const bad = await request.post('/api/v1/questions', {
    headers: bearer(asker),
    data: { ...questionBody('A question with an extra field?'), authorId: 1, tags: [] },
  })
  expect(bad.status()).toBe(422)
  expect(Object.keys(((await bad.json()) as { errors: Record<string, string[]> }).errors).sort()).toEqual(['(body)', 'tags'])
})

test('notifications are the token’s user’s own; a profile shows only its public fields', async ({ request }) => {
  const owner = tokenFor('member')
  const other = tokenFor('product')
  const idea = createTestIdea(getDb(), { authorId: owner.user.id })
  expect(
    (
      await request.post(`/api/v1/ideas/${idea.id}/comments`, {
        headers: { Authorization: `Bearer ${other.token}` },
        data: { body: 'A comment that notifies.' },
      })
    ).status(),
  ).toBe(201)
  const mine = (await (await request.get('/api/v1/notifications', { headers: { Authorization: `Bearer ${owner.token}` } })).json()) as {
    data: { kind: string; url: string; isUnread: boolean }[]
  }
  // Besides the comment, the idea may have earned its author a badge.
  expect(mine.data.filter((n) => n.kind === 'comment')).toEqual([
    expect.objectContaining({ url: expect.stringContaining(`/ideas/${idea.id}#comment-`), isUnread: true }),
  ])
  const theirs = (await (await request.get('/api/v1/notifications', { headers: { Authorization: `Bearer ${other.token}` } })).json()) as {
    data: { url: string }[]
  }
  expect(theirs.data.filter((n) => n.url.startsWith(`/ideas/${idea.id}`))).toEqual([])

  const staff = (await (await request.get(`/api/v1/users/${other.user.username.toUpperCase()}`)).json()) as Record<string, unknown>
  expect(Object.keys(staff).sort()).toEqual(['badge', 'displayName', 'joinedAt', 'reputation', 'url', 'username'])
  expect(staff).toMatchObject({ username: other.user.username, badge: 'team', reputation: 200 })
  const member = (await (await request.get(`/api/v1/users/${owner.user.username}`)).json()) as Record<string, unknown>
  expect(member.badge).toBeNull()
  expect(JSON.stringify(member)).not.toContain(owner.user.email)
  for (const name of ['nobody-here-at-all', 'x', '..', '%00', 'a'.repeat(40)])
    expect((await request.get(`/api/v1/users/${name}`)).status()).toBe(404)
})

test('search finds what the site finds: hidden posts only for moderators, deleted ones never; snippets come in marked parts', async ({
  request,
}) => {
  const author = createUser(getDb(), { createdAt: OLD })
  const word = `zebrafish${Math.random()
    .toString(36)
    .replace(/[^a-z]/g, '')
    .slice(0, 6)}`
  const shown = createTestIdea(getDb(), {
    authorId: author.id,
    title: `Import ${word} records from CSV files`,
    bodyMd: `Our ${word} data lives in <b>spreadsheets</b>.`,
  })
  const hidden = createTestQuestion(getDb(), { authorId: author.id, title: `How do I export ${word} records?` })
  const deleted = createTestIdea(getDb(), { authorId: author.id, title: `Delete ${word} records in bulk please` })
  getDb().update(questions).set({ hiddenAt: new Date(), hiddenReason: 'moderator' }).where(eq(questions.id, hidden.id)).run()
  getDb().update(ideas).set({ deletedAt: new Date() }).where(eq(ideas.id, deleted.id)).run()
  type Results = {
    data: { type: string; id: number; isHidden: boolean; snippet: { text: string; match: boolean }[] }[]
    nextPage: number | null
  }
  const anonymous = (await (await request.get(`/api/v1/search?q=${word}`)).json()) as Results
  expect(anonymous.data.map((h) => [h.type, h.id])).toEqual([['idea', shown.id]])
  expect(anonymous.nextPage).toBeNull()
  const hit = anonymous.data[0] as Results['data'][number] & { title: string }
  expect(hit.title).toBe(`Import ${word} records from CSV files`)
  expect(hit.snippet.filter((p) => p.match).map((p) => p.text.toLowerCase())).toEqual([word])
  expect(hit.snippet.map((p) => p.text).join('')).not.toMatch(/[\u0002\u0003]/)
  const admin = tokenFor('admin')
  const staff = (await (
    await request.get(`/api/v1/search?q=${word}`, { headers: { Authorization: `Bearer ${admin.token}` } })
  ).json()) as Results
  expect(staff.data.map((h) => [h.type, h.id, h.isHidden]).sort()).toEqual(
    [
      ['idea', shown.id, false],
      ['question', hidden.id, true],
    ].sort(),
  )
  const ideasOnly = (await (await request.get(`/api/v1/search?q=${word}&type=question`)).json()) as Results
  expect(ideasOnly.data).toEqual([])
  expect((await request.get('/api/v1/search')).status()).toBe(400)
  expect((await request.get('/api/v1/search?q=x&page=11')).status()).toBe(400)
})

test('categories count the ideas their list shows; tags carry their counts', async ({ request }) => {
  const author = createUser(getDb(), { createdAt: OLD })
  const category = createCategory(getDb())
  const [shown, hidden, deleted] = [0, 1, 2].map(() =>
    createTestIdea(getDb(), { authorId: author.id, categoryId: category.id, tagNames: ['api-count-test'] }),
  )
  getDb().update(ideas).set({ hiddenAt: new Date(), hiddenReason: 'moderator' }).where(eq(ideas.id, hidden!.id)).run()
  getDb().update(ideas).set({ deletedAt: new Date() }).where(eq(ideas.id, deleted!.id)).run()
  const list = (await (await request.get('/api/v1/categories')).json()) as { data: { id: number; slug: string; ideaCount: number }[] }
  expect(list.data.find((c) => c.id === category.id)).toMatchObject({ slug: category.slug, ideaCount: 1 })
  const listed = (await (await request.get(`/api/v1/ideas?category=${category.slug}&limit=100`)).json()) as { data: { id: number }[] }
  expect(listed.data.map((i) => i.id)).toEqual([shown!.id])
  const tagList = (await (await request.get('/api/v1/tags?prefix=api-count')).json()) as {
    data: { name: string; ideaCount: number; url: string }[]
  }
  expect(tagList.data).toEqual([expect.objectContaining({ name: 'api-count-test', url: '/tags/api-count-test' })])
})

test('a list pages by keyset cursor, and each answer carries RateLimit headers', async ({ request }) => {
  const first = await request.get('/api/v1/ideas?sort=new&limit=2')
  expect(first.status()).toBe(200)
  expect(first.headers()['ratelimit-policy']).toMatch(/^"minute";q=\d+;w=60$/)
  expect(first.headers()['ratelimit']).toMatch(/^"minute";r=\d+;t=\d+$/)
  const page1 = (await first.json()) as { data: { id: number }[]; nextCursor: string }
  expect(page1.data).toHaveLength(2)
  const page2 = (await (await request.get(`/api/v1/ideas?sort=new&limit=2&cursor=${page1.nextCursor}`)).json()) as {
    data: { id: number }[]
  }
  expect(page2.data[0]!.id).toBeLessThan(page1.data[1]!.id)
})

test('a token posts an idea, votes, and the product team moves it with a note; the answers are the documented shapes', async ({
  request,
}) => {
  const member = tokenFor('member')
  const product = tokenFor('product')
  const created = await request.post('/api/v1/ideas', {
    headers: { Authorization: `Bearer ${member.token}` },
    data: { title: 'Export the roadmap as a PDF file', body: 'For our **board** meetings.', tags: ['export'], categoryId: categoryId() },
  })
  expect(created.status()).toBe(201)
  const idea = (await created.json()) as {
    id: number
    voteCount: number
    bodyHtml: string
    viewerVoted: boolean
    author: { username: string }
  }
  expect(created.headers()['location']).toBe(`/api/v1/ideas/${idea.id}`)
  expect(idea).toMatchObject({ voteCount: 1, viewerVoted: true, author: { username: member.user.username } })
  expect(idea.bodyHtml).toContain('<strong>board</strong>')

  const vote = await request.put(`/api/v1/ideas/${idea.id}/vote`, { headers: { Authorization: `Bearer ${product.token}` } })
  expect(await vote.json()).toEqual({ ideaId: idea.id, voted: true, voteCount: 2 })

  const moved = await request.post(`/api/v1/ideas/${idea.id}/status`, {
    headers: { Authorization: `Bearer ${product.token}` },
    data: { status: 'shipped', note: 'Shipped in 4.2.' },
  })
  expect(moved.status()).toBe(200)
  const after = (await moved.json()) as { status: string; statusHistory: { from: string; to: string; noteHtml: string }[] }
  expect(after.status).toBe('shipped')
  expect(after.statusHistory.at(-1)).toMatchObject({ from: 'open', to: 'shipped', noteHtml: expect.stringContaining('Shipped in 4.2.') })

  const bad = await request.post(`/api/v1/ideas/${idea.id}/status`, {
    headers: { Authorization: `Bearer ${product.token}` },
    data: { status: 'merged', extra: 1 },
  })
  expect(bad.status()).toBe(422)
  expect(((await bad.json()) as { errors: Record<string, string[]> }).errors).toHaveProperty('status')
})

test('the API never acts on a browser session: a cross-site POST with a session cookie and no token is a 401', async ({
  request,
  loginAs,
  page,
  baseURL,
}) => {
  await loginAs('member')
  const cookies = await page.context().cookies()
  const cookie = cookies.map((c) => `${c.name}=${c.value}`).join('; ')
  const response = await request.post('/api/v1/ideas', {
    headers: { Cookie: cookie, Origin: 'https://evil.example' },
    data: { title: 'Posted by a forged cross-site request', body: 'Should never appear.' },
  })
  expect(response.status()).toBe(401)
  // A path that only looks like the API is not let through the Origin check.
  const sneaky = await request.post('/api/v1/%2e%2e/%2e%2e/settings', {
    headers: { Cookie: cookie, Origin: 'https://evil.example', 'Content-Type': 'application/x-www-form-urlencoded' },
    data: 'intent=end-other-sessions',
  })
  expect(sneaky.status()).toBe(403)
  expect(baseURL).toBeTruthy()
})

test('fuzz: wrong types, huge and deep JSON, unknown fields, bad cursors and ids never get a 5xx', async ({ request }) => {
  const { token } = tokenFor('product')
  const auth = { Authorization: `Bearer ${token}` }
  const author = createUser(getDb(), { createdAt: OLD })
  const ideaId = createTestIdea(getDb(), { authorId: author.id }).id
  const questionId = createTestQuestion(getDb(), { authorId: author.id }).id
  const questionPaths = ['/api/v1/questions', `/api/v1/questions/${questionId}/answers`, `/api/v1/questions/${questionId}/accept`]
  const deep = (n: number): unknown => (n === 0 ? 1 : { a: deep(n - 1) })
  const bodies: unknown[] = [
    null,
    1,
    'text',
    [],
    {},
    { title: 1, body: 2 },
    { title: 'x'.repeat(200), body: 'y' },
    { title: 'A perfectly fine title', body: 'fine', unknown: true },
    { title: 'A perfectly fine title', body: 'fine', categoryId: -1 },
    { title: 'A perfectly fine title', body: 'fine', categoryId: 'one' },
    { title: 'A perfectly fine title', body: 'fine', tags: 'not-an-array' },
    { title: 'A perfectly fine title', body: 'fine', tags: Array.from({ length: 50 }, (_, i) => `t${i}`) },
    { title: 'A perfectly fine title', body: 'fine', tags: ['bad tag!'] },
    { title: '\u0000\u0001 control', body: 'fine' },
    { title: 'A perfectly fine title', body: 'z'.repeat(70_000) },
    deep(100),
    { status: 'nope' },
    { status: 'planned', note: 5 },
    { status: ['planned'] },
    { body: 1 },
    { body: ['text'] },
    { body: ' ' },
    { body: '~'.repeat(5001) }, // punctuation: an answer this long is accepted, and must not turn up in other tests' searches
    { body: '@nobody <script>alert(1)</script> \u0000' },
    { body: 'fine text', isOfficial: true },
    { title: 'A perfectly fine question title?', body: 'A body long enough to be a real question here.', tags: [] },
    { title: 'A perfectly fine question title?', body: 'A body long enough to be a real question here.', tags: ['no such tag!'] },
    { title: 'A perfectly fine question title?', body: 'A body long enough to be a real question here.', tags: 'api' },
    { answerId: 'one' },
    { answerId: -1 },
    { answerId: 1.5 },
    { answerId: 2 ** 60 },
  ]
  const raws = ['{', '{"title":', '\u0000', '[[[[[[[[[[', '{"a":1}'.repeat(1000), '']
  let sent = 0
  const expectNo5xx = (status: number, what: string) => {
    sent++
    expect(status, what).toBeLessThan(500)
  }
  for (const body of bodies) {
    for (const path of ['/api/v1/ideas', `/api/v1/ideas/${ideaId}/status`, `/api/v1/ideas/${ideaId}/comments`, ...questionPaths]) {
      const r = await request.post(path, { headers: auth, data: body as object })
      expectNo5xx(r.status(), `${path} ${JSON.stringify(body).slice(0, 60)}`)
    }
  }
  for (const raw of raws) {
    for (const type of ['application/json', 'text/plain', 'application/x-www-form-urlencoded', 'application/merge-patch+json']) {
      const r = await request.post('/api/v1/ideas', { headers: { ...auth, 'Content-Type': type }, data: raw })
      expectNo5xx(r.status(), `${type} ${raw.slice(0, 20)}`)
    }
  }
  const queries = [
    'sort=bogus',
    'limit=0',
    'limit=101',
    'limit=abc',
    'limit=1e3',
    'cursor=%%%',
    'cursor=' + 'A'.repeat(200),
    'cursor=WzEsMl0',
    'cursor=W251bGwsbnVsbF0',
    'status=merged',
    'category=' + 'x'.repeat(100),
    'tag=%00',
    'unknown=1',
    'sort=top&sort=new',
  ]
  for (const q of queries) expectNo5xx((await request.get(`/api/v1/ideas?${q}`)).status(), q)
  const listQueries = [
    ...queries,
    'sort=unanswered',
    'sort=active&limit=3',
    'prefix=' + 'p'.repeat(100),
    'prefix=%00',
    'prefix=%F0%9F%92%A1',
    'tag=' + 'x'.repeat(100),
    'tag="NEAR(',
  ]
  for (const path of [
    '/api/v1/questions',
    '/api/v1/tags',
    '/api/v1/categories',
    `/api/v1/ideas/${ideaId}/comments`,
    '/api/v1/notifications',
  ]) {
    for (const q of listQueries) expectNo5xx((await request.get(`${path}?${q}`, { headers: auth })).status(), `${path}?${q}`)
  }
  const searches = [
    '',
    'q=',
    'q=%20%20',
    'q="',
    'q=NEAR(a b)',
    'q=*',
    'q=a*b^c OR AND NOT',
    'q=%F0%9F%92%A1%F0%9F%92%A1',
    'q=%00%01',
    'q=' + 'word '.repeat(1000),
    'q=x&type=bogus',
    'q=x&status=idea:merged',
    'q=x&status=question:answered&type=idea',
    'q=x&tag=' + 'y'.repeat(200),
    'q=x&tag=%22',
    'q=x&page=0',
    'q=x&page=10',
    'q=x&page=abc',
    'q=x&page=1e9',
    'q=x&q=y',
    'q=x&unknown=1',
  ]
  for (const q of searches) expectNo5xx((await request.get(`/api/v1/search?${q}`, { headers: auth })).status(), `search ${q.slice(0, 40)}`)
  for (const id of ['0', '-1', 'abc', '1e5', '99999999999999999999', '%00', '1.5']) {
    expectNo5xx((await request.get(`/api/v1/questions/${id}`)).status(), `question ${id}`)
    expectNo5xx((await request.get(`/api/v1/ideas/${id}/comments`)).status(), `comments of ${id}`)
    expectNo5xx((await request.get(`/api/v1/users/${id}`)).status(), `user ${id}`)
    expectNo5xx(
      (
        await request.post(`/api/v1/questions/${id}/answers`, { headers: auth, data: { body: 'An answer long enough to be posted.' } })
      ).status(),
      `answer ${id}`,
    )
    expectNo5xx(
      (await request.post(`/api/v1/questions/${id}/accept`, { headers: auth, data: { answerId: 1 } })).status(),
      `accept on ${id}`,
    )
    expectNo5xx(
      (await request.post(`/api/v1/ideas/${id}/comments`, { headers: auth, data: { body: 'Hello there' } })).status(),
      `comment on ${id}`,
    )
    expectNo5xx((await request.get(`/api/v1/ideas/${id}`)).status(), id)
    expectNo5xx((await request.put(`/api/v1/ideas/${id}/vote`, { headers: auth })).status(), `vote ${id}`)
  }
  // A large body refused before it is read (no token, not JSON, a method without a body, nowhere) is
  // still answered, not cut off.
  const large = JSON.stringify({ title: 'x'.repeat(300_000) })
  for (const [path, headers] of [
    ['/api/v1/ideas', {}],
    ['/api/v1/ideas', { ...auth, 'Content-Type': 'text/plain' }],
    [`/api/v1/ideas/${ideaId}`, auth],
    ['/api/v1/nothing', auth],
    ['/api/v1/ideas', { ...auth, 'Content-Type': 'application/json' }],
  ] as const) {
    const r = await request.post(path, { headers, data: large })
    expectNo5xx(r.status(), `large body to ${path}`)
    expect(r.status()).toBeGreaterThanOrEqual(400)
  }
  for (const method of ['PATCH', 'DELETE', 'PUT'] as const) {
    expectNo5xx((await request.fetch('/api/v1/ideas', { method, headers: auth })).status(), `${method} /ideas`)
  }
  expectNo5xx((await request.get('/api/v1/nothing/here')).status(), 'unknown path')
  // Then random values of every JSON type, shallow and deep, into the known fields and beside them
  // (a fixed seed, so a failure can be replayed).
  let seed = 20261207
  const rand = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31
  const pick = <T>(items: T[]) => items[Math.floor(rand() * items.length)]!
  const value = (depth: number): unknown => {
    const kind = pick(['string', 'number', 'bool', 'null', 'array', 'object', 'huge', 'unicode'])
    if (depth > 4 && (kind === 'array' || kind === 'object')) return 'leaf'
    switch (kind) {
      case 'string':
        return 'abc'.repeat(Math.floor(rand() * 60))
      case 'number':
        return pick([0, -1, 1.5, 1e308, -0, 2 ** 53 + 1, 42])
      case 'bool':
        return rand() < 0.5
      case 'null':
        return null
      case 'array':
        return Array.from({ length: Math.floor(rand() * 4) }, () => value(depth + 1))
      case 'object':
        return Object.fromEntries(
          Array.from({ length: Math.floor(rand() * 4) }, (_, i) => [
            pick(['title', 'body', 'tags', 'categoryId', 'status', 'note', `k${i}`, '__proto__', 'constructor']),
            value(depth + 1),
          ]),
        )
      case 'huge':
        // Punctuation, not letters: whatever the fuzz gets stored must not turn up in other tests' searches.
        return '~'.repeat(20_000 + Math.floor(rand() * 60_000))
      default:
        return pick(['\u202e\u0000', '💡'.repeat(50), '<script>alert(1)</script>', '\ud800'])
    }
  }
  for (let i = 0; i < 150; i++) {
    const body = pick([
      value(0),
      { title: value(1), body: value(1), categoryId: value(1), tags: value(1) },
      { status: value(1), note: value(1) },
      { body: value(1) },
      { answerId: value(1) },
    ])
    const path = pick(['/api/v1/ideas', `/api/v1/ideas/${ideaId}/status`, `/api/v1/ideas/${ideaId}/comments`, ...questionPaths])
    const data = JSON.stringify(body) ?? 'null'
    const r = await request.post(path, { headers: { ...auth, 'Content-Type': 'application/json' }, data }).catch((error: Error) => {
      throw new Error(`${path} #${i} (${data.length} bytes: ${data.slice(0, 80)}): ${error.message}`)
    })
    expectNo5xx(r.status(), `${path} #${i}`)
  }
  expect(sent).toBeGreaterThan(200)
  test.info().annotations.push({ type: 'fuzz', description: `${sent} requests` })
})

test.describe('without JavaScript', () => {
  test.use({ javaScriptEnabled: false })

  test('a member makes a token on /settings/tokens, sees it once, uses it, and revokes it', async ({ page, loginAs, request }) => {
    await loginAs('member')
    await page.goto('/settings/tokens')
    await expectAccessible(page)
    await page.getByLabel('Name').fill('My script')
    await page.getByLabel(/^write:/).check()
    await page.getByRole('button', { name: 'Create token' }).click()
    await expect(page.getByText('Copy it now: it is not shown again.')).toBeVisible()
    const token = (await page.locator('.token-value').textContent())!
    expect(token).toMatch(/^smt_[\w-]{43}$/)
    await expectAccessible(page)

    const used = await request.get('/api/v1/ideas?limit=1', { headers: { Authorization: `Bearer ${token}` } })
    expect(used.status()).toBe(200)

    await page.goto('/settings/tokens')
    await expect(page.getByText(token)).toHaveCount(0) // never shown again
    await expect(page.getByRole('row', { name: /My script/ })).toContainText('read, write')
    await page.getByRole('button', { name: 'Revoke My script' }).click()
    await expect(page.getByRole('status')).toHaveText('The token was revoked. Requests with it now get 401.')
    expect((await request.get('/api/v1/ideas?limit=1', { headers: { Authorization: `Bearer ${token}` } })).status()).toBe(401)
  })

  test('the reference page at /api lists every operation and passes axe', async ({ page }) => {
    await page.goto('/api')
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('API reference')
    for (const op of [
      'GET /api/v1/ideas',
      'POST /api/v1/ideas',
      'PUT /api/v1/ideas/{ideaId}/vote',
      'POST /api/v1/ideas/{ideaId}/status',
      'GET /api/v1/questions/{questionId}',
      'GET /api/v1/tags',
    ]) {
      await expect(page.getByRole('heading', { level: 3, name: op, exact: true })).toBeVisible()
    }
    await expectAccessible(page)
  })
})
