/**
 * The authorization matrix of the moderation area: every admin page and every staff action, for
 * each role (anonymous, member, moderator, product, admin), through the real route modules.
 * Anonymous visitors are sent to log in, members get 403, staff get the page or their action done.
 * A refused request must also leave the whole database as it was (helpers/db-snapshot.ts), not
 * only the row the action is about.
 */
import { and, eq } from 'drizzle-orm'
import { describe, expect, test } from 'vitest'
import { flags, ideas, users } from '#db/schema'
import { type Role } from '~/domain'
import { getDb } from '~/lib/db.server'
import { flagPost } from '~/models/flags.server'
import { setSetting } from '~/models/settings.server'
import { action as flagsAction, loader as flagsLoader } from '~/routes/admin.flags'
import { loader as logLoader } from '~/routes/admin.log'
import { action as userAction, loader as userLoader } from '~/routes/admin.users.$userId'
import { loader as usersLoader } from '~/routes/admin.users._index'
import { action as moderateAction } from '~/routes/moderate'
import { createCategory, createSegment, createTestIdea, createUser } from '#tests/factories'
import { formRequest, getRequest, settle } from '#tests/route-helpers'
import { expectNoWrites } from './helpers/db-snapshot'

const db = () => getDb()
const ROLES = ['anonymous', 'member', 'moderator', 'product', 'admin'] as const
type Who = (typeof ROLES)[number]
type Want = 'login' | 403 | 'ok'

function actor(who: Who) {
  return who === 'anonymous' ? undefined : createUser(db(), { role: who as Role, reputation: 100 }).id
}

function expectAnswer(res: { status: number; location: string | null }, want: Want, path: string) {
  if (want === 'login') {
    expect(res.status).toBe(302)
    expect(res.location).toBe(`/login?${new URLSearchParams({ redirectTo: path })}`)
  } else if (want === 403) {
    expect(res.status).toBe(403)
  } else {
    expect([200, 302]).toContain(res.status)
    if (res.status === 302) expect(res.location).not.toMatch(/^\/login/)
  }
}

/** Settles the call; when refused, checks that it wrote nothing at all. */
function answer(call: () => unknown, want: Want, label: string) {
  return want === 'ok' ? settle(call) : expectNoWrites(db(), () => settle(call), label)
}

/** A post with three pending flags, ready for a decision. */
function flaggedIdea() {
  const author = createUser(db())
  const idea = createTestIdea(db(), { authorId: author.id })
  for (let i = 0; i < 3; i++)
    flagPost(db(), { userId: createUser(db(), { reputation: 20 }).id, target: { type: 'idea', id: idea.id }, reason: 'spam' })
  return { author, idea }
}

const STAFF_ONLY: Want[] = ['login', 403, 'ok', 'ok', 'ok']
const ADMIN_ONLY: Want[] = ['login', 403, 403, 403, 'ok']

const pages: Array<[string, string, (request: Request, params: Record<string, string>) => Promise<unknown>, () => Record<string, string>]> =
  [
    ['/admin/flags', '/admin/flags', (request) => flagsLoader({ request, params: {}, context: {} }), () => ({})],
    ['/admin/flags?tab=pending', '/admin/flags?tab=pending', (request) => flagsLoader({ request, params: {}, context: {} }), () => ({})],
    ['/admin/users', '/admin/users?q=a', (request) => usersLoader({ request, params: {}, context: {} }), () => ({})],
    ['/admin/log', '/admin/log', (request) => logLoader({ request, params: {}, context: {} }), () => ({})],
  ]

describe.each(pages)('GET %s', (name, path, call) => {
  test.each(ROLES.map((who, i) => [who, STAFF_ONLY[i]!] as const))('%s -> %s', async (who, want) => {
    const request = await getRequest(path, { userId: actor(who) })
    const res = await answer(() => call(request, {}), want, `GET ${name} as ${who}`)
    expectAnswer(res, want, path)
  })
})

describe('GET /admin/users/:userId', () => {
  test.each(ROLES.map((who, i) => [who, STAFF_ONLY[i]!] as const))('%s -> %s', async (who, want) => {
    const member = createUser(db())
    const path = `/admin/users/${member.id}`
    const request = await getRequest(path, { userId: actor(who) })
    const res = await answer(
      () => userLoader({ request, params: { userId: String(member.id) }, context: {} }),
      want,
      `GET ${path} as ${who}`,
    )
    expectAnswer(res, want, path)
  })
})

type ActionCase = {
  name: string
  expected: Want[]
  /** Builds the request's path, fields and params, and returns a check of the effect when allowed. */
  setup: () => { path: string; fields: Record<string, string>; params: Record<string, string>; done: () => boolean }
  call: (request: Request, params: Record<string, string>) => Promise<unknown>
}

const flagsPost = (request: Request) => flagsAction({ request, params: {}, context: {} })
const moderatePost = (request: Request) => moderateAction({ request, params: {}, context: {} })
const userPost = (request: Request, params: Record<string, string>) => userAction({ request, params, context: {} })
const pendingFlags = (ideaId: number) =>
  db()
    .select({ id: flags.id })
    .from(flags)
    .where(and(eq(flags.targetType, 'idea'), eq(flags.targetId, ideaId), eq(flags.status, 'pending')))
    .all().length
const ideaState = (ideaId: number) => db().select().from(ideas).where(eq(ideas.id, ideaId)).get()!
const userRow = (userId: number) => db().select().from(users).where(eq(users.id, userId)).get()!

const actions: ActionCase[] = [
  ...(['reject', 'hide', 'delete'] as const).map((act) => ({
    name: `/admin/flags act=${act}`,
    expected: STAFF_ONLY,
    setup: () => {
      const { idea } = flaggedIdea()
      return { path: '/admin/flags', fields: { act: `${act}:idea:${idea.id}` }, params: {}, done: () => pendingFlags(idea.id) === 0 }
    },
    call: flagsPost,
  })),
  {
    name: '/admin/flags bulk act=reject',
    expected: STAFF_ONLY,
    setup: () => {
      const { idea } = flaggedIdea()
      return {
        path: '/admin/flags',
        fields: { act: 'reject', posts: `idea:${idea.id}` },
        params: {},
        done: () => pendingFlags(idea.id) === 0,
      }
    },
    call: flagsPost,
  },
  ...(['approve', 'decline'] as const).map((act) => ({
    name: `/admin/flags act=${act} (pending posts)`,
    expected: STAFF_ONLY,
    setup: () => {
      setSetting(db(), 'premoderation', { enabled: true, firstPosts: 1 })
      const idea = createTestIdea(db(), { authorId: createUser(db()).id })
      setSetting(db(), 'premoderation', { enabled: false, firstPosts: 1 })
      return {
        path: '/admin/flags',
        fields: { act: `${act}:idea:${idea.id}` },
        params: {},
        done: () => ideaState(idea.id).hiddenReason !== 'premoderation' || ideaState(idea.id).deletedAt != null,
      }
    },
    call: flagsPost,
  })),
  {
    name: '/moderate intent=unlock',
    expected: STAFF_ONLY,
    setup: () => {
      const idea = createTestIdea(db(), { authorId: createUser(db()).id })
      db().update(ideas).set({ lockedAt: new Date() }).where(eq(ideas.id, idea.id)).run()
      return {
        path: '/moderate',
        fields: { intent: 'unlock', type: 'idea', id: String(idea.id) },
        params: {},
        done: () => ideaState(idea.id).lockedAt == null,
      }
    },
    call: moderatePost,
  },
  ...(['hide', 'delete', 'lock'] as const).map((intent) => ({
    name: `/moderate intent=${intent}`,
    expected: STAFF_ONLY,
    setup: () => {
      const idea = createTestIdea(db(), { authorId: createUser(db()).id })
      const column = intent === 'hide' ? 'hiddenAt' : intent === 'delete' ? 'deletedAt' : 'lockedAt'
      return {
        path: '/moderate',
        fields: { intent, type: 'idea', id: String(idea.id) },
        params: {},
        done: () => (ideaState(idea.id) as unknown as Record<string, unknown>)[column] != null,
      }
    },
    call: moderatePost,
  })),
  {
    name: '/moderate intent=restore',
    expected: STAFF_ONLY,
    setup: () => {
      const { idea } = flaggedIdea()
      return {
        path: '/moderate',
        fields: { intent: 'restore', type: 'idea', id: String(idea.id) },
        params: {},
        done: () => ideaState(idea.id).hiddenAt == null,
      }
    },
    call: moderatePost,
  },
  {
    name: '/moderate intent=move',
    expected: STAFF_ONLY,
    setup: () => {
      const idea = createTestIdea(db(), { authorId: createUser(db()).id })
      const category = createCategory(db())
      return {
        path: '/moderate',
        fields: { intent: 'move', type: 'idea', id: String(idea.id), categoryId: String(category.id) },
        params: {},
        done: () => ideaState(idea.id).categoryId === category.id,
      }
    },
    call: moderatePost,
  },
  {
    name: '/admin/users/:id intent=suspend',
    expected: STAFF_ONLY,
    setup: () => {
      const member = createUser(db())
      return {
        path: `/admin/users/${member.id}`,
        fields: { intent: 'suspend', days: '3', reason: 'Repeated spam' },
        params: { userId: String(member.id) },
        done: () => userRow(member.id).suspendedUntil != null,
      }
    },
    call: userPost,
  },
  {
    name: '/admin/users/:id intent=unsuspend',
    expected: STAFF_ONLY,
    setup: () => {
      const member = createUser(db(), { suspendedUntil: new Date(Date.now() + 86_400_000), suspensionReason: 'Spam' })
      return {
        path: `/admin/users/${member.id}`,
        fields: { intent: 'unsuspend' },
        params: { userId: String(member.id) },
        done: () => userRow(member.id).suspendedUntil == null,
      }
    },
    call: userPost,
  },
  {
    name: '/admin/users/:id intent=role',
    expected: ADMIN_ONLY,
    setup: () => {
      const member = createUser(db())
      return {
        path: `/admin/users/${member.id}`,
        fields: { intent: 'role', role: 'moderator' },
        params: { userId: String(member.id) },
        done: () => userRow(member.id).role === 'moderator',
      }
    },
    call: userPost,
  },
  {
    name: '/admin/users/:id intent=segment',
    expected: ADMIN_ONLY,
    setup: () => {
      const member = createUser(db())
      const segment = createSegment(db())
      return {
        path: `/admin/users/${member.id}`,
        fields: { intent: 'segment', segmentId: String(segment.id) },
        params: { userId: String(member.id) },
        done: () => userRow(member.id).segmentId === segment.id,
      }
    },
    call: userPost,
  },
]

describe.each(actions.map((a) => [a.name, a] as const))('POST %s', (name, c) => {
  test.each(ROLES.map((who, i) => [who, c.expected[i]!] as const))('%s -> %s', async (who, want) => {
    const { path, fields, params, done } = c.setup()
    const request = await formRequest(path, fields, { userId: actor(who) })
    const res = await answer(() => c.call(request, params), want, `POST ${name} as ${who}`)
    expectAnswer(res, want, path)
    expect(done()).toBe(want === 'ok')
  })
})

describe('a suspended moderator is refused everywhere', () => {
  test('GET /admin/flags and POST /moderate answer 403 with the reason', async () => {
    const mod = createUser(db(), { role: 'moderator', suspendedUntil: new Date(Date.now() + 86_400_000), suspensionReason: 'Under review' })
    const pageRequest = await getRequest('/admin/flags', { userId: mod.id })
    const page = await answer(
      () => flagsLoader({ request: pageRequest, params: {}, context: {} }),
      403,
      'GET /admin/flags as a suspended moderator',
    )
    expect(page.status).toBe(403)
    expect(page.body).toMatch(/Under review/)
    const idea = createTestIdea(db(), { authorId: createUser(db()).id })
    const postRequest = await formRequest('/moderate', { intent: 'hide', type: 'idea', id: String(idea.id) }, { userId: mod.id })
    const res = await answer(() => moderatePost(postRequest), 403, 'POST /moderate as a suspended moderator')
    expect(res.status).toBe(403)
  })
})
