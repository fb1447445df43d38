/** /admin/settings: validation keeps the form, every change is logged with before and after, reordering, the site name. */
import { and, desc, eq } from 'drizzle-orm'
import { describe, expect, test } from 'vitest'
import { categories, moderationLog, segments } from '#db/schema'
import { getDb } from '~/lib/db.server'
import { getSetting } from '~/models/settings.server'
import { getSiteSettings, moveListItem } from '~/models/site-admin.server'
import { loader as rootLoader } from '~/root'
import { action } from '~/routes/admin.settings/route'
import { createCategory, createSegment, createUser, unique } from '#tests/factories'
import { formRequest, getRequest, settle } from '#tests/route-helpers'

const db = () => getDb()
const admin = createUser(db(), { role: 'admin' })

async function post(fields: Record<string, string>) {
  const request = await formRequest('/admin/settings', fields, { userId: admin.id })
  return settle(() => action({ request, params: {}, context: {} }))
}

const lastLog = (action: string) =>
  db()
    .select({
      action: moderationLog.action,
      targetType: moderationLog.targetType,
      targetId: moderationLog.targetId,
      reason: moderationLog.reason,
      before: moderationLog.before,
      after: moderationLog.after,
    })
    .from(moderationLog)
    .where(and(eq(moderationLog.action, action), eq(moderationLog.actorId, admin.id)))
    .orderBy(desc(moderationLog.id))
    .get()

describe('admin settings', () => {
  test('bad input gets 400 with a message per field and the text kept; nothing is stored', async () => {
    expect(await post({ intent: 'segment-add', name: 'Gold', weight: '250' })).toMatchObject({
      status: 400,
      body: { intent: 'segment-add', fields: { name: 'Gold', weight: '250' }, fieldErrors: { weight: ['Enter a weight from 0 to 100.'] } },
    })
    expect(await post({ intent: 'vote-budget', enabled: 'on', votesPerMember: '0' })).toMatchObject({
      status: 400,
      body: { fieldErrors: { votesPerMember: ['Enter a number from 1 to 1000.'] } },
    })
    expect(await post({ intent: 'category-add', name: '   ' })).toMatchObject({
      status: 400,
      body: { fieldErrors: { name: ['Enter a name.'] } },
    })
    expect(await post({ intent: 'category-move', categoryId: 'abc', direction: 'sideways' })).toMatchObject({ status: 400 })
    expect(await post({ intent: 'nonsense' })).toMatchObject({ status: 400 })
    expect(await post({ intent: 'category-update', categoryId: '999999', name: 'Ghost' })).toMatchObject({ status: 404 })
    expect(db().select().from(segments).where(eq(segments.name, 'Gold')).get()).toBeUndefined()
  })

  test('a duplicate name is a field error, not a 500', async () => {
    const name = unique('Dup ')
    expect(await post({ intent: 'category-add', name })).toMatchObject({ status: 302 })
    expect(await post({ intent: 'category-add', name })).toMatchObject({
      status: 400,
      body: { fields: { name }, fieldErrors: { name: ['A category with this name already exists.'] } },
    })
    const segment = createSegment(db())
    expect(await post({ intent: 'segment-add', name: segment.name.toUpperCase(), weight: '1' })).toMatchObject({
      status: 400,
      body: { fieldErrors: { name: ['A segment with this name already exists.'] } },
    })
  })

  test('settings are stored and logged as settings.update with before and after', async () => {
    expect(await post({ intent: 'vote-budget', enabled: 'on', votesPerMember: '7' })).toMatchObject({
      status: 302,
      location: '/admin/settings?done=vote-budget#vote-budget',
    })
    expect(getSetting(db(), 'voteBudget')).toEqual({ enabled: true, votesPerMember: 7 })
    expect(lastLog('settings.update')).toEqual({
      action: 'settings.update',
      targetType: 'setting',
      targetId: 0,
      reason: 'voteBudget',
      before: { voteBudget: { enabled: false, votesPerMember: 10 } },
      after: { voteBudget: { enabled: true, votesPerMember: 7 } },
    })
    await post({ intent: 'premoderation', firstPosts: '3' }) // an unticked box is "off"
    expect(getSetting(db(), 'premoderation')).toEqual({ enabled: false, firstPosts: 3 })
    await post({ intent: 'email', enabled: 'on' })
    expect(getSetting(db(), 'email')).toEqual({ enabled: true })
    await post({ intent: 'vote-budget', votesPerMember: '10' })
  })

  test('the site name shows in the header data, and empty falls back to SITE_NAME', async () => {
    const root = async () =>
      ((await settle(async () => rootLoader({ request: await getRequest('/'), params: {}, context: {} }))).body as { siteName: string })
        .siteName
    const envName = await root()
    await post({ intent: 'site-name', siteName: '  Acme Community ' })
    expect(await root()).toBe('Acme Community')
    expect(lastLog('settings.update')).toMatchObject({ reason: 'siteName', after: { siteName: 'Acme Community' } })
    await post({ intent: 'site-name', siteName: '' })
    expect(getSetting(db(), 'siteName')).toBeNull()
    expect(await root()).toBe(envName)
  })

  test('categories and segments are renamed and reordered, each change logged', async () => {
    const c1 = createCategory(db(), { position: 100 })
    const c2 = createCategory(db(), { position: 100 })
    const order = () =>
      getSiteSettings(db())
        .categories.map((c) => c.id)
        .filter((id) => id === c1.id || id === c2.id)
    expect(order()).toEqual([c1.id, c2.id])
    expect(await post({ intent: 'category-move', categoryId: String(c2.id), direction: 'up' })).toMatchObject({ status: 302 })
    expect(order()).toEqual([c2.id, c1.id])
    expect(lastLog('category.move')).toMatchObject({ targetType: 'category', targetId: c2.id })
    const last = getSiteSettings(db()).categories.at(-1)!
    expect(moveListItem(db(), { actorId: admin.id, kind: 'category', id: last.id, direction: 'down' })).toEqual({ moved: false })

    await post({ intent: 'category-update', categoryId: String(c1.id), name: 'Integrations', description: 'APIs and webhooks' })
    const renamed = db().select().from(categories).where(eq(categories.id, c1.id)).get()!
    expect(renamed).toMatchObject({ name: 'Integrations', description: 'APIs and webhooks', slug: c1.slug }) // links keep working
    expect(lastLog('category.update')).toMatchObject({ before: { name: c1.name }, after: { name: 'Integrations' } })

    const s = createSegment(db(), { name: unique('Team ') })
    await post({ intent: 'segment-update', segmentId: String(s.id), name: s.name, weight: '12.5' })
    expect(db().select({ weight: segments.weight }).from(segments).where(eq(segments.id, s.id)).get()).toEqual({ weight: 12.5 })
    expect(lastLog('segment.update')).toMatchObject({ before: { weight: 1 }, after: { weight: 12.5 } })
  })
})
