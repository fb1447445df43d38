import { and, eq } from 'drizzle-orm'
import { describe, expect, test } from 'vitest'
import { ideaFollows, notifications } from '#db/schema'
import { getDb, type Tx } from '~/lib/db.server'
import { NotFoundError } from '~/lib/errors'
import { decodeCursor } from '~/lib/pagination.server'
import { changeIdeaStatus } from '~/models/idea-status.server'
import {
  countUnreadNotifications,
  listNotifications,
  markAllNotificationsRead,
  markNotificationRead,
  notifyUser,
} from '~/models/notifications.server'
import { setIdeaVote } from '~/models/votes.server'
import { action, loader } from '~/routes/notifications'
import { createTestIdea, createUser } from '#tests/factories'
import { formRequest, getRequest, settle } from '#tests/route-helpers'

const db = () => getDb()

function notify(userId: number, title: string, createdAt: Date, url = '/ideas/1') {
  db().transaction((tx: Tx) =>
    notifyUser(tx, userId, { kind: 'test', subjectType: 'idea', subjectId: 1, actorId: null, title, url, now: createdAt }),
  )
  return db()
    .select({ id: notifications.id })
    .from(notifications)
    .where(and(eq(notifications.userId, userId), eq(notifications.title, title)))
    .get()!.id
}

type Listed = { items: Array<{ id: number; title: string; isUnread: boolean; url: string }>; nextCursor: string | null }

async function pageOf(userId: number, search = '') {
  const res = await settle(async () =>
    loader({ request: await getRequest(`/notifications${search}`, { userId }), params: {}, context: {} }),
  )
  expect(res.status).toBe(200)
  return res.body as Listed
}

async function send(userId: number | undefined, fields: Record<string, string>, path = '/notifications') {
  const request = await formRequest(path, fields, { userId })
  return settle(() => action({ request, params: {}, context: {} }))
}

describe('notification model', () => {
  test('lists only my own, newest first, in keyset pages', () => {
    const me = createUser(db())
    const other = createUser(db())
    const ids = [1, 2, 3].map((day) => notify(me.id, `Mine ${day}`, new Date(`2030-01-0${day}T00:00:00Z`)))
    notify(other.id, 'Not mine', new Date('2030-01-04T00:00:00Z'))
    const first = listNotifications(db(), { userId: me.id, pageSize: 2 })
    expect(first.items.map((n) => n.title)).toEqual(['Mine 3', 'Mine 2'])
    expect(first.items.every((n) => n.isUnread)).toBe(true)
    expect(first.items[0]).not.toHaveProperty('userId')
    const second = listNotifications(db(), { userId: me.id, pageSize: 2, cursor: decodeCursor(first.nextCursor) })
    expect(second.items.map((n) => n.id)).toEqual([ids[0]])
    expect(second.nextCursor).toBeNull()
  })

  test('marks one read (only the owner’s; another’s is not found), and all read', () => {
    const me = createUser(db())
    const other = createUser(db())
    const a = notify(me.id, 'A', new Date('2030-02-01T00:00:00Z'), '/ideas/7')
    notify(me.id, 'B', new Date('2030-02-02T00:00:00Z'))
    const theirs = notify(other.id, 'Theirs', new Date('2030-02-03T00:00:00Z'))
    expect(countUnreadNotifications(db(), me.id)).toBe(2)

    expect(markNotificationRead(db(), { userId: me.id, notificationId: a, now: new Date('2030-03-01T00:00:00Z') })).toEqual({
      url: '/ideas/7',
    })
    expect(countUnreadNotifications(db(), me.id)).toBe(1)
    // A second time keeps the first read time.
    markNotificationRead(db(), { userId: me.id, notificationId: a, now: new Date('2030-04-01T00:00:00Z') })
    expect(db().select({ readAt: notifications.readAt }).from(notifications).where(eq(notifications.id, a)).get()!.readAt).toEqual(
      new Date('2030-03-01T00:00:00Z'),
    )

    expect(() => markNotificationRead(db(), { userId: me.id, notificationId: theirs })).toThrow(NotFoundError)
    expect(countUnreadNotifications(db(), other.id)).toBe(1)

    expect(markAllNotificationsRead(db(), { userId: me.id })).toBe(1)
    expect(countUnreadNotifications(db(), me.id)).toBe(0)
    expect(countUnreadNotifications(db(), other.id)).toBe(1)
  })

  test('the list uses notifications_user_idx, in order', () => {
    const plan = db()
      .$client.prepare(
        'explain query plan select id, kind, title, body, url, read_at, created_at from notifications where user_id = ? and (created_at, id) < (?, ?) order by created_at desc, id desc limit 21',
      )
      .all(1, Date.now(), 1e9) as Array<{ detail: string }>
    const details = plan.map((p) => p.detail).join('\n')
    expect(details).toMatch(/USING (COVERING )?INDEX notifications_user_idx/)
    expect(details).not.toMatch(/TEMP B-TREE/)
  })
})

describe('/notifications', () => {
  test('closing the loop: after a status change each voter, the author and each follower sees it once; the actor does not', async () => {
    const author = createUser(db())
    const team = createUser(db(), { role: 'product' })
    const voters = [createUser(db()), createUser(db()), createUser(db())]
    const follower = createUser(db())
    const idea = createTestIdea(db(), { authorId: author.id })
    for (const voter of voters) setIdeaVote(db(), { ideaId: idea.id, userId: voter.id, voted: true })
    setIdeaVote(db(), { ideaId: idea.id, userId: team.id, voted: true })
    // A voter who also follows is still told once.
    db()
      .insert(ideaFollows)
      .values([
        { ideaId: idea.id, userId: follower.id },
        { ideaId: idea.id, userId: voters[0]!.id },
      ])
      .run()

    changeIdeaStatus(db(), { ideaId: idea.id, actorId: team.id, toStatus: 'planned', noteMd: 'Coming in **Q3**.' })
    // Moving it to the status it already has is refused and tells nobody anything new.
    expect(() => changeIdeaStatus(db(), { ideaId: idea.id, actorId: team.id, toStatus: 'planned' })).toThrow()

    for (const member of [author, follower, ...voters]) {
      const { items } = await pageOf(member.id)
      const about = items.filter((n) => n.url === `/ideas/${idea.id}`)
      expect(about).toEqual([expect.objectContaining({ title: `“${idea.title}” is now planned`, isUnread: true })])
      // Besides it, only the badges the author earned (First idea, Idea planned).
      const badges = items.filter((n) => n.title.startsWith('You earned')).length
      expect(badges).toBe(member === author ? 2 : 0)
      expect(countUnreadNotifications(db(), member.id)).toBe(1 + badges)
    }
    expect((await pageOf(team.id)).items.filter((n) => n.url === `/ideas/${idea.id}`)).toEqual([])

    // The voter follows the notification: it is marked read on the way to the idea.
    const voter = voters[1]!
    const [notification] = (await pageOf(voter.id)).items
    expect(await send(voter.id, { intent: 'open', id: String(notification!.id) })).toMatchObject({
      status: 302,
      location: `/ideas/${idea.id}`,
    })
    expect((await pageOf(voter.id)).items[0]).toMatchObject({ id: notification!.id, isUnread: false })
    expect(countUnreadNotifications(db(), voter.id)).toBe(0)
  })

  test('mark one read and mark all read, with post/redirect/get', async () => {
    const me = createUser(db())
    const one = notify(me.id, 'One', new Date('2030-05-01T00:00:00Z'))
    notify(me.id, 'Two', new Date('2030-05-02T00:00:00Z'))
    notify(me.id, 'Three', new Date('2030-05-03T00:00:00Z'))
    expect(await send(me.id, { intent: 'read', id: String(one) }, '/notifications?cursor=abc')).toMatchObject({
      status: 302,
      location: '/notifications?cursor=abc',
    })
    expect(countUnreadNotifications(db(), me.id)).toBe(2)
    expect(await send(me.id, { intent: 'read-all' })).toMatchObject({ status: 302, location: '/notifications' })
    expect(countUnreadNotifications(db(), me.id)).toBe(0)
    expect((await pageOf(me.id)).items.map((n) => n.isUnread)).toEqual([false, false, false])
  })

  test('another member’s notification is a 404, and bad input is a 400', async () => {
    const me = createUser(db())
    const theirs = notify(createUser(db()).id, 'Theirs', new Date('2030-06-01T00:00:00Z'))
    expect((await send(me.id, { intent: 'read', id: String(theirs) })).status).toBe(404)
    expect((await send(me.id, { intent: 'open', id: String(theirs) })).status).toBe(404)
    expect((await send(me.id, { intent: 'read', id: 'abc' })).status).toBe(400)
    expect((await send(me.id, { intent: 'explode' })).status).toBe(400)
  })

  test('needs a session: the page and its forms send a visitor to log in', async () => {
    const page = await settle(async () => loader({ request: await getRequest('/notifications'), params: {}, context: {} }))
    expect(page).toMatchObject({ status: 302, location: '/login?redirectTo=%2Fnotifications' })
    expect(await send(undefined, { intent: 'read-all' })).toMatchObject({ status: 302, location: '/login?redirectTo=%2Fnotifications' })
  })

  test('a bad cursor gives the first page', async () => {
    const me = createUser(db())
    notify(me.id, 'Only', new Date('2030-07-01T00:00:00Z'))
    expect((await pageOf(me.id, '?cursor=%%%')).items.map((n) => n.title)).toEqual(['Only'])
  })
})
