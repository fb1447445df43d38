/**
 * Editing and merging ideas through /api/v1, over real HTTP with real tokens: the authorization
 * matrix (each operation × every kind of caller, then author × member × staff where the site's
 * rules depend on who wrote the idea and its state), what an edit and a merge do on the site, the
 * merged idea's answer, field errors as problem details, and a fuzz that must never get a 5xx.
 */
import { and, asc, eq } from 'drizzle-orm'
import { type APIRequestContext } from '@playwright/test'
import { moderationLog, postRevisions } from '#db/schema'
import { getDb } from '~/lib/db.server'
import { createApiToken } from '~/models/api-tokens.server'
import { moderatePost } from '~/models/moderation.server'
import { setIdeaVote } from '~/models/votes.server'
import { createCategory, createTestIdea, createUser } from '#tests/factories'
import { expect, test } from './fixtures'
import { OLD, runAuthorizationMatrix, tagName, tokenFor } from './api-callers'

type Response = Awaited<ReturnType<APIRequestContext['get']>>
type Problem = { type: string; title: string; status: number; detail: string; errors?: Record<string, string[]> }
type IdeaDetail = {
  id: number
  title: string
  bodyHtml: string
  status: string
  voteCount: number
  category: string | null
  tags: string[]
  mergedIntoId: number | null
  statusHistory: { from: string | null; to: string; noteHtml: string | null; by: string }[]
  viewerVoted: boolean
}

const bearer = (token: string) => ({ Authorization: `Bearer ${token}` })
const newIdea = (authorId: number, title?: string) =>
  createTestIdea(getDb(), { authorId, title, bodyMd: 'Let the weekly digest go out on a day we choose.' })
const someone = () => createUser(getDb(), { createdAt: OLD })
const moderator = () => createUser(getDb(), { role: 'moderator', createdAt: OLD })
const lock = (ideaId: number) =>
  moderatePost(getDb(), { actorId: moderator().id, target: { type: 'idea', id: ideaId }, action: 'lock', reason: 'Cooling down.' })
const hide = (ideaId: number) =>
  moderatePost(getDb(), { actorId: moderator().id, target: { type: 'idea', id: ideaId }, action: 'hide', reason: 'Held back.' })

async function expectProblem(response: Response, status: number) {
  expect(response.status()).toBe(status)
  expect(response.headers()['content-type']).toMatch(/^application\/problem\+json/)
  const body = (await response.json()) as Problem
  expect(body).toMatchObject({ status, title: expect.any(String), detail: expect.any(String) })
  return body
}

// ---------------------------------------------------------------------------------------------
// Every operation × every kind of caller (the columns of api-callers)
// ---------------------------------------------------------------------------------------------

type Operation = { name: string; send: (request: APIRequestContext, headers: Record<string, string>) => Promise<Response> }

function operations(): Operation[] {
  const author = someone()
  const idea = () => newIdea(author.id)
  return [
    {
      name: 'PATCH /ideas/:id',
      send: (r, h) => r.patch(`/api/v1/ideas/${idea().id}`, { headers: h, data: { title: 'A clearer title for this idea' } }),
    },
    {
      name: 'POST /ideas/:id/merge',
      send: (r, h) => r.post(`/api/v1/ideas/${idea().id}/merge`, { headers: h, data: { into: idea().id } }),
    },
    {
      // A merged idea is read like any other (with mergedIntoId).
      name: 'GET /ideas/:id (merged)',
      send: async (r, h) => {
        const [from, into] = [idea(), idea()]
        const product = tokenFor('product')
        expect((await r.post(`/api/v1/ideas/${from.id}/merge`, { headers: bearer(product.token), data: { into: into.id } })).status()).toBe(
          200,
        )
        return r.get(`/api/v1/ideas/${from.id}`, { headers: h })
      },
    },
  ]
}

const EXPECTED: Record<string, number[]> = {
  //                          anon member product admin revoked expired read-only write-only malformed
  'PATCH /ideas/:id': /*     */ [401, 403, 200, 200, 401, 401, 403, 200, 401],
  'POST /ideas/:id/merge': /**/ [401, 403, 200, 200, 401, 401, 403, 200, 401],
  'GET /ideas/:id (merged)': [200, 200, 200, 200, 401, 401, 200, 403, 401],
}

test('the authorization matrix: each operation × every kind of caller', async ({ request }) => {
  const got = await runAuthorizationMatrix(request, operations())
  expect(got).toEqual(EXPECTED)
})

// ---------------------------------------------------------------------------------------------
// Where the answer depends on who wrote the idea and on its state: the site's own rules
// ---------------------------------------------------------------------------------------------

const ROLE_COLUMNS = ['anonymous', 'author', 'other member', 'moderator', 'product', 'admin'] as const

/** For each case, an idea by `author` in the case's state, and the request each column sends. */
type RoleCase = {
  name: string
  prepare: (authorId: number) => number
  send: (r: APIRequestContext, ideaId: number, h: Record<string, string>) => Promise<Response>
}

const patch = (data: object) => (r: APIRequestContext, ideaId: number, h: Record<string, string>) =>
  r.patch(`/api/v1/ideas/${ideaId}`, { headers: h, data })
const ROLE_CASES: RoleCase[] = [
  {
    name: 'PATCH an open idea nobody else voted for',
    prepare: (a) => newIdea(a).id,
    send: patch({ body: 'Let the digest go out on the day ~ we choose, at the hour we choose.' }),
  },
  {
    name: 'PATCH after another member voted',
    prepare: (a) => {
      const id = newIdea(a).id
      setIdeaVote(getDb(), { ideaId: id, userId: someone().id, voted: true })
      return id
    },
    send: patch({ title: 'A title the voters did not vote for' }),
  },
  {
    name: 'PATCH a locked idea’s title',
    prepare: (a) => {
      const id = newIdea(a).id
      lock(id)
      return id
    },
    send: patch({ title: 'A locked idea renamed by the team' }),
  },
  {
    name: 'PATCH a locked idea’s body',
    prepare: (a) => {
      const id = newIdea(a).id
      lock(id)
      return id
    },
    send: patch({ body: 'New text ~ for a locked idea.' }),
  },
  {
    name: 'PATCH a hidden idea',
    prepare: (a) => {
      const id = newIdea(a).id
      hide(id)
      return id
    },
    send: patch({ title: 'A hidden idea renamed somehow' }),
  },
  {
    name: 'POST merge',
    prepare: (a) => newIdea(a).id,
    send: (r, id, h) => r.post(`/api/v1/ideas/${id}/merge`, { headers: h, data: { into: newIdea(someone().id).id } }),
  },
  {
    name: 'GET a hidden idea',
    prepare: (a) => {
      const id = newIdea(a).id
      hide(id)
      return id
    },
    send: (r, id, h) => r.get(`/api/v1/ideas/${id}`, { headers: h }),
  },
]

const ROLE_EXPECTED: Record<string, number[]> = {
  //                                           anon author other moderator product admin
  'PATCH an open idea nobody else voted for': [401, 200, 403, 200, 200, 200],
  'PATCH after another member voted': /*    */ [401, 409, 403, 200, 200, 200],
  'PATCH a locked idea’s title': /*         */ [401, 409, 403, 200, 200, 200],
  'PATCH a locked idea’s body': /*          */ [401, 409, 403, 409, 409, 409],
  'PATCH a hidden idea': /*                 */ [401, 404, 404, 404, 404, 404],
  'POST merge': /*                          */ [401, 403, 403, 403, 200, 200],
  'GET a hidden idea': /*                   */ [404, 200, 404, 200, 200, 200],
}

test('who may edit and merge, by the site’s rules: author, other member and staff × the idea’s state', async ({ request }) => {
  const got: Record<string, number[]> = {}
  for (const c of ROLE_CASES) {
    got[c.name] = []
    for (const column of ROLE_COLUMNS) {
      const author = tokenFor('member')
      const ideaId = c.prepare(author.user.id)
      const headers =
        column === 'anonymous'
          ? {}
          : column === 'author'
            ? bearer(author.token)
            : bearer(tokenFor(column === 'other member' ? 'member' : column).token)
      const response = await c.send(request, ideaId, headers)
      got[c.name]!.push(response.status())
      if (response.status() >= 400) await expectProblem(response, response.status())
    }
  }
  expect(got).toEqual(ROLE_EXPECTED)
})

test('a suspended moderator’s token reads hidden ideas no more than the site shows them', async ({ request }) => {
  const author = someone()
  const hidden = newIdea(author.id)
  hide(hidden.id)
  const suspended = createUser(getDb(), {
    role: 'moderator',
    createdAt: OLD,
    suspendedUntil: new Date(Date.now() + 86_400_000),
    suspensionReason: 'Cooling off.',
  })
  const { token } = createApiToken(getDb(), {
    userId: suspended.id,
    role: 'moderator',
    name: 'test',
    scopes: ['read', 'write'],
    expiresAt: null,
  })
  await expectProblem(await request.get(`/api/v1/ideas/${hidden.id}`, { headers: bearer(token) }), 404)
  // And it edits nothing: the policy refuses a suspended account.
  const shown = newIdea(author.id)
  const refused = await expectProblem(
    await request.patch(`/api/v1/ideas/${shown.id}`, { headers: bearer(token), data: { title: 'Renamed while suspended' } }),
    403,
  )
  expect(refused.detail).toMatch(/suspended/)
})

// ---------------------------------------------------------------------------------------------
// Behaviour
// ---------------------------------------------------------------------------------------------

test('the author’s edit shows on the idea page and in its revisions; a moderator’s edit is logged with its reason', async ({ request }) => {
  const author = tokenFor('member')
  const category = createCategory(getDb())
  const idea = newIdea(author.user.id, 'Send the weekly digest on Mondays')
  const edited = await request.patch(`/api/v1/ideas/${idea.id}`, {
    headers: bearer(author.token),
    data: {
      title: 'Send the weekly digest on a chosen day',
      body: 'Let each team pick the **day** ~ it goes out.',
      categoryId: category.id,
      tags: [tagName()],
    },
  })
  expect(edited.status()).toBe(200)
  const detail = (await edited.json()) as IdeaDetail
  expect(detail).toMatchObject({
    id: idea.id,
    title: 'Send the weekly digest on a chosen day',
    bodyHtml: expect.stringContaining('<strong>day</strong>'),
    category: category.name,
    tags: [tagName()],
  })
  // The page shows the new title and text.
  const html = await (await request.get(`/ideas/${idea.id}`)).text()
  expect(html).toContain('Send the weekly digest on a chosen day')
  expect(html).toContain('Let each team pick the <strong>day</strong> ~ it goes out.')
  expect(html).not.toContain('Send the weekly digest on Mondays')
  // The site keeps the versions it replaced.
  const revisions = () =>
    getDb()
      .select({ editorId: postRevisions.editorId, title: postRevisions.title, bodyMd: postRevisions.bodyMd, reason: postRevisions.reason })
      .from(postRevisions)
      .where(and(eq(postRevisions.targetType, 'idea'), eq(postRevisions.targetId, idea.id)))
      .orderBy(asc(postRevisions.id))
      .all()
  expect(revisions()).toEqual([
    {
      editorId: author.user.id,
      title: 'Send the weekly digest on Mondays',
      bodyMd: 'Let the weekly digest go out on a day we choose.',
      reason: 'Changed the title, body.',
    },
    expect.objectContaining({
      editorId: author.user.id,
      title: 'Send the weekly digest on a chosen day',
      reason: 'Changed the category, tags.',
    }),
  ])

  // Once someone else votes, only the team edits it; the moderator's edit goes into the log with the reason.
  setIdeaVote(getDb(), { ideaId: idea.id, userId: someone().id, voted: true })
  const late = await expectProblem(
    await request.patch(`/api/v1/ideas/${idea.id}`, { headers: bearer(author.token), data: { body: 'Changed after the vote ~.' } }),
    409,
  )
  expect(late.detail).toBe('Others have voted for this idea as it is, so only the team can edit it now.')
  const mod = tokenFor('moderator')
  const fixed = await request.patch(`/api/v1/ideas/${idea.id}`, {
    headers: bearer(mod.token),
    data: { body: 'Let each team pick the day ~ it goes out.', reason: 'Removed a link ~.' },
  })
  expect(fixed.status()).toBe(200)
  expect(revisions().at(-1)).toMatchObject({ editorId: mod.user.id, reason: 'Changed the body. Removed a link ~.' })
  const log = getDb()
    .select({ actorId: moderationLog.actorId, action: moderationLog.action, reason: moderationLog.reason })
    .from(moderationLog)
    .where(and(eq(moderationLog.targetType, 'idea'), eq(moderationLog.targetId, idea.id), eq(moderationLog.action, 'edit_idea')))
    .all()
  expect(log).toEqual([{ actorId: mod.user.id, action: 'edit_idea', reason: 'Removed a link ~.' }])
  // An unchanged request is no change, and still the idea.
  const again = await request.patch(`/api/v1/ideas/${idea.id}`, {
    headers: bearer(mod.token),
    data: { title: 'Send the weekly digest on a chosen day' },
  })
  expect(again.status()).toBe(200)
  expect(revisions()).toHaveLength(3)
})

test('a merge moves the votes, tells the voters, and the merged idea says where it went', async ({ request }) => {
  const product = tokenFor('product')
  const voter = tokenFor('member')
  const both = tokenFor('member')
  const authorA = tokenFor('member')
  const a = newIdea(authorA.user.id, 'Export the roadmap as a spreadsheet')
  const b = newIdea(someone().id, 'Export the roadmap to CSV and Excel')
  for (const [t, ideaId] of [
    [voter, a.id],
    [both, a.id],
    [both, b.id],
  ] as const) {
    expect((await request.put(`/api/v1/ideas/${ideaId}/vote`, { headers: bearer(t.token) })).status()).toBe(200)
  }
  // A: its author, voter, both; B: its author, both.
  const merged = await request.post(`/api/v1/ideas/${a.id}/merge`, {
    headers: bearer(product.token),
    data: { into: b.id, note: 'Same request, **one place** ~.' },
  })
  expect(merged.status()).toBe(200)
  const into = (await merged.json()) as IdeaDetail
  expect(into).toMatchObject({ id: b.id, status: 'open', voteCount: 4, mergedIntoId: null })

  const asVoter = (await (await request.get(`/api/v1/ideas/${b.id}`, { headers: bearer(voter.token) })).json()) as IdeaDetail
  expect(asVoter.viewerVoted).toBe(true)
  type Notifications = { data: { kind: string; title: string; url: string; body: string | null }[] }
  for (const t of [voter, both, authorA]) {
    const mine = (await (await request.get('/api/v1/notifications?limit=50', { headers: bearer(t.token) })).json()) as Notifications
    expect(mine.data.filter((n) => n.kind === 'idea_merged')).toEqual([
      expect.objectContaining({
        url: `/ideas/${b.id}?merged=${a.id}`,
        title: expect.stringContaining('Export the roadmap as a spreadsheet'),
        body: expect.stringContaining('one place'),
      }),
    ])
  }
  const actor = (await (await request.get('/api/v1/notifications?limit=50', { headers: bearer(product.token) })).json()) as Notifications
  expect(actor.data.filter((n) => n.kind === 'idea_merged')).toEqual([])

  // The merged idea reads as itself, with where it went and the merge on its timeline; its page redirects there.
  const old = (await (await request.get(`/api/v1/ideas/${a.id}`)).json()) as IdeaDetail
  expect(old).toMatchObject({ id: a.id, status: 'merged', mergedIntoId: b.id, voteCount: 0 })
  expect(old.statusHistory.at(-1)).toMatchObject({
    from: 'open',
    to: 'merged',
    noteHtml: expect.stringContaining('<strong>one place</strong>'),
  })
  const page = await request.get(`/ideas/${a.id}`, { maxRedirects: 0 })
  expect([301, 302, 303, 307, 308]).toContain(page.status())
  expect(page.headers()['location']).toContain(`/ideas/${b.id}?merged=${a.id}`)

  // What the model refuses is a 409 with its reason; the merged idea takes no edits.
  const c = newIdea(someone().id)
  const refusals: [number, number, RegExp][] = [
    [a.id, b.id, /already merged/],
    [b.id, b.id, /into itself/],
    [c.id, a.id, /itself merged into another idea/],
    [b.id, a.id, /cycle/],
  ]
  for (const [from, to, reason] of refusals) {
    const problem = await expectProblem(
      await request.post(`/api/v1/ideas/${from}/merge`, { headers: bearer(product.token), data: { into: to } }),
      409,
    )
    expect(problem.detail).toMatch(reason)
  }
  await expectProblem(
    await request.patch(`/api/v1/ideas/${a.id}`, { headers: bearer(product.token), data: { title: 'Renaming a merged idea now' } }),
    409,
  )
  // Unknown ideas: the one in the path is a 404; the one named by `into` (missing or hidden) is that field's 422.
  await expectProblem(await request.post(`/api/v1/ideas/${2 ** 40}/merge`, { headers: bearer(product.token), data: { into: b.id } }), 404)
  const hidden = newIdea(someone().id)
  hide(hidden.id)
  for (const to of [2 ** 40, hidden.id]) {
    const problem = await expectProblem(
      await request.post(`/api/v1/ideas/${c.id}/merge`, { headers: bearer(product.token), data: { into: to } }),
      422,
    )
    expect(Object.keys(problem.errors ?? {})).toEqual(['into'])
  }
  await expectProblem(await request.post(`/api/v1/ideas/${hidden.id}/merge`, { headers: bearer(product.token), data: { into: c.id } }), 404)
})

test('field errors are 422 problems with the fields’ paths; unknown fields and empty edits are refused', async ({ request }) => {
  const author = tokenFor('member')
  const product = tokenFor('product')
  const idea = newIdea(author.user.id)
  const cases: [object, string[]][] = [
    [{ title: 'short' }, ['title']],
    [{ title: 7, body: ['x'] }, ['body', 'title']],
    [{ body: '   ' }, ['body']],
    [{ tags: ['bad tag!', 'ok'] }, ['tags.0']],
    [{ tags: ['a', 'b', 'c', 'd', 'e', 'f'] }, ['tags']],
    [{ categoryId: 'one' }, ['categoryId']],
    [{ categoryId: -3 }, ['categoryId']],
    [{ reason: 'r'.repeat(501), title: 'A long enough title here' }, ['reason']],
    [{}, ['(body)']],
    [{ reason: 'Only a reason.' }, ['(body)']],
    [{ title: 'A long enough title here', authorId: 1 }, ['(body)']],
  ]
  for (const [data, fields] of cases) {
    const problem = await expectProblem(await request.patch(`/api/v1/ideas/${idea.id}`, { headers: bearer(author.token), data }), 422)
    expect(Object.keys(problem.errors ?? {}).sort(), JSON.stringify(data)).toEqual(fields)
  }
  // The model's field refusals: a category that does not exist, a new tag from a member who may not create one.
  const noCategory = await expectProblem(
    await request.patch(`/api/v1/ideas/${idea.id}`, { headers: bearer(author.token), data: { categoryId: 2 ** 31 } }),
    422,
  )
  expect(noCategory.errors).toEqual({ categoryId: ['Choose a category from the list.'] })
  const newTag = await expectProblem(
    await request.patch(`/api/v1/ideas/${idea.id}`, { headers: bearer(author.token), data: { tags: ['no-such-tag-zq7'] } }),
    422,
  )
  expect(newTag.errors?.tags?.[0]).toMatch(/500 reputation/)
  const merges: [object, string[]][] = [
    [{}, ['into']],
    [{ into: 'one' }, ['into']],
    [{ into: 1.5 }, ['into']],
    [{ into: 2 ** 60 }, ['into']],
    [{ into: 1, note: 5 }, ['note']],
    [{ into: 1, note: 'n'.repeat(5001) }, ['note']],
    [{ into: 1, target: 2 }, ['(body)']],
  ]
  for (const [data, fields] of merges) {
    const problem = await expectProblem(await request.post(`/api/v1/ideas/${idea.id}/merge`, { headers: bearer(product.token), data }), 422)
    expect(Object.keys(problem.errors ?? {}).sort(), JSON.stringify(data)).toEqual(fields)
  }
  // Not JSON, and methods the paths do not have.
  expect(
    (
      await request.patch(`/api/v1/ideas/${idea.id}`, {
        headers: { ...bearer(author.token), 'Content-Type': 'text/plain' },
        data: 'title=x',
      })
    ).status(),
  ).toBe(415)
  const put = await request.put(`/api/v1/ideas/${idea.id}`, { headers: bearer(author.token), data: { title: 'A long enough title here' } })
  expect(put.status()).toBe(405)
  expect(put.headers()['allow']).toBe('GET, PATCH')
  expect((await request.get(`/api/v1/ideas/${idea.id}/merge`)).status()).toBe(405)
  // Nothing of this changed the idea.
  expect(((await (await request.get(`/api/v1/ideas/${idea.id}`)).json()) as IdeaDetail).tags).toEqual([])
})

test('fuzz: wrong types, huge and deep JSON, unknown fields and ids out of range never get a 5xx', async ({ request }) => {
  const { token } = tokenFor('product')
  const auth = bearer(token)
  const author = someone()
  const ideaId = newIdea(author.id).id
  // The merge fuzz starts from an idea merged already, so no value of `into` merges anything for real.
  const mergedId = newIdea(author.id).id
  expect((await request.post(`/api/v1/ideas/${mergedId}/merge`, { headers: auth, data: { into: newIdea(author.id).id } })).status()).toBe(
    200,
  )
  let sent = 0
  const expectNo5xx = (status: number, what: string) => {
    sent++
    expect(status, what).toBeLessThan(500)
  }
  const deep = (n: number): unknown => (n === 0 ? 1 : { title: deep(n - 1) })
  const bodies: unknown[] = [
    null,
    1,
    'text',
    [],
    [{ title: 'An array holding a title' }],
    { title: null },
    { body: null },
    { categoryId: 0 },
    { categoryId: 1.5 },
    { categoryId: 2 ** 53 + 2 },
    { categoryId: '1' },
    { tags: null },
    { tags: [1, 2] },
    { tags: [''] },
    { tags: ['~'.repeat(40)] },
    { tags: Array.from({ length: 1000 }, () => 'x') },
    { title: '~'.repeat(10_000) },
    { body: '~'.repeat(70_000) },
    { body: '~'.repeat(10_001) },
    { title: '\u0000\u0001\u202e ~~~~~~~~~~' },
    { title: '~~~~~~~~~~~~', __proto__: { admin: true } },
    { constructor: { prototype: { x: 1 } } },
    deep(19),
    deep(100),
    { into: null },
    { into: 0 },
    { into: -1 },
    { into: '7' },
    { into: [1] },
    { into: { id: 1 } },
    { into: 2 ** 53 },
    { into: 1e308 },
    { into: 1, note: null },
    { into: 1, note: { md: 'x' } },
    { into: 1, note: '~'.repeat(70_000) },
  ]
  for (const body of bodies) {
    const data = JSON.stringify(body) ?? 'null'
    const headers = { ...auth, 'Content-Type': 'application/json' }
    expectNo5xx((await request.patch(`/api/v1/ideas/${ideaId}`, { headers, data })).status(), `PATCH ${data.slice(0, 60)}`)
    expectNo5xx((await request.post(`/api/v1/ideas/${mergedId}/merge`, { headers, data })).status(), `merge ${data.slice(0, 60)}`)
  }
  for (const raw of ['{', '{"title":', '\u0000', '[[[[[[[[[[', '{"a":1}'.repeat(1000), '', '{"title":"~~~~~~~~~~~~","title":5}']) {
    for (const type of ['application/json', 'text/plain', 'application/merge-patch+json']) {
      expectNo5xx(
        (await request.patch(`/api/v1/ideas/${ideaId}`, { headers: { ...auth, 'Content-Type': type }, data: raw })).status(),
        `PATCH ${type} ${raw.slice(0, 20)}`,
      )
      expectNo5xx(
        (await request.post(`/api/v1/ideas/${mergedId}/merge`, { headers: { ...auth, 'Content-Type': type }, data: raw })).status(),
        `merge ${type} ${raw.slice(0, 20)}`,
      )
    }
  }
  for (const id of ['0', '-1', 'abc', '1e5', '1.5', '%00', '99999999999999999999', String(2 ** 53), '9'.repeat(16)]) {
    const r1 = await request.patch(`/api/v1/ideas/${id}`, { headers: auth, data: { title: 'A long enough title here' } })
    expectNo5xx(r1.status(), `PATCH ${id}`)
    expect(r1.status(), `PATCH ${id}`).toBe(404)
    const r2 = await request.post(`/api/v1/ideas/${id}/merge`, { headers: auth, data: { into: ideaId } })
    expectNo5xx(r2.status(), `merge ${id}`)
    expect(r2.status(), `merge ${id}`).toBe(404)
    expectNo5xx((await request.get(`/api/v1/ideas/${id}`)).status(), `GET ${id}`)
  }
  // A large body, read and refused (413), is answered rather than cut off.
  const large = JSON.stringify({ body: '~'.repeat(300_000) })
  for (const path of [`/api/v1/ideas/${ideaId}`, `/api/v1/ideas/${mergedId}/merge`]) {
    const r = await request.fetch(path, {
      method: path.endsWith('merge') ? 'POST' : 'PATCH',
      headers: { ...auth, 'Content-Type': 'application/json' },
      data: large,
    })
    expectNo5xx(r.status(), `large ${path}`)
    expect(r.status()).toBe(413)
  }
  expect(sent).toBeGreaterThan(100)
  test.info().annotations.push({ type: 'fuzz', description: `${sent} requests` })
})
