/**
 * Changing one's username (a name made from single sign-on claims is often not the one a member
 * wants): once per 30 days, never to a taken or formerly used name, logged, the old profile
 * address redirecting, and a break-glass entry following the account.
 */
import { describe, expect, test } from 'vitest'
import { getDb } from '~/lib/db.server'
import { getSsoPolicy, setSetting } from '~/models/settings.server'
import { changeUsername, findRenamedUsername } from '~/models/users.server'
import { action as settingsAction } from '~/routes/settings'
import { loader as profileLoader } from '~/routes/u.$username'
import { createUser, unique } from '#tests/factories'
import { formRequest, getRequest, settle } from '#tests/route-helpers'

const db = () => getDb()
const DAY = 86_400_000

describe('changing a username', () => {
  test('from the settings form: the new name is saved and the old profile address redirects to it', async () => {
    const member = createUser(db())
    const wanted = unique('new').toLowerCase()
    const saved = await settle(async () =>
      settingsAction({
        request: await formRequest('/settings', { intent: 'change-username', username: wanted.toUpperCase() }, { userId: member.id }),
        params: {},
        context: {},
      }),
    )
    expect(saved).toMatchObject({ status: 302, location: '/settings?done=username' })
    const old = await settle(async () =>
      profileLoader({ request: await getRequest(`/u/${member.username}?tab=answers`), params: { username: member.username }, context: {} }),
    )
    expect(old).toMatchObject({ status: 301, location: `/u/${wanted}?tab=answers` })
    expect(findRenamedUsername(db(), member.username)).toBe(wanted)
  })

  test('a bad or taken name keeps the form with a field error', async () => {
    const member = createUser(db())
    const other = createUser(db())
    for (const [username, status, message] of [
      ['x', 400, 'Use at least 2 characters.'],
      ['deleted-12', 400, 'Names starting with “deleted-” are kept for deleted accounts.'],
      [other.username, 400, 'This username is taken.'],
    ] as const) {
      const result = await settle(async () =>
        settingsAction({
          request: await formRequest('/settings', { intent: 'change-username', username }, { userId: member.id }),
          params: {},
          context: {},
        }),
      )
      expect(result.status).toBe(status)
      expect(result.body).toMatchObject({ intent: 'change-username', fieldErrors: { username: [message] } })
    }
  })

  test('once per 30 days; a former name stays its owner’s, who may take it back', () => {
    const member = createUser(db())
    const original = member.username
    const t0 = new Date()
    changeUsername(db(), { userId: member.id, username: unique('second'), now: t0 })
    expect(() => changeUsername(db(), { userId: member.id, username: unique('third'), now: new Date(t0.getTime() + 29 * DAY) })).toThrow(
      /You changed your username recently\. You can change it again on \d{4}-\d{2}-\d{2}\./,
    )
    const someoneElse = createUser(db())
    expect(() => changeUsername(db(), { userId: someoneElse.id, username: original })).toThrow('This username is taken.')
    expect(changeUsername(db(), { userId: member.id, username: original, now: new Date(t0.getTime() + 31 * DAY) })).toEqual({
      changed: true,
    })
  })

  test('a break-glass admin keeps their break-glass log-in after a rename', () => {
    const admin = createUser(db(), { role: 'admin' })
    setSetting(db(), 'ssoPolicy', { require: 'staff', breakGlass: [admin.username] })
    try {
      const renamed = unique('root').toLowerCase()
      changeUsername(db(), { userId: admin.id, username: renamed })
      expect(getSsoPolicy(db()).breakGlass).toEqual([renamed])
    } finally {
      setSetting(db(), 'ssoPolicy', { require: 'off', breakGlass: [] })
    }
  })
})
