import { describe, expect, test } from 'vitest'
import { type Role } from '~/domain'
import { type Actor, check, GRANTS, type Permission, PRIVILEGE_REPUTATION } from '~/lib/permissions'

const roles = ['anonymous', 'member', 'moderator', 'product', 'admin'] as const
type Who = (typeof roles)[number]

/** Every actor has id 1 and reputation 1 unless a case says otherwise. */
function actorFor(who: Who, reputation = 1): Actor | null {
  if (who === 'anonymous') return null
  return { id: 1, role: who as Role, reputation, suspendedUntil: null }
}

const own = { authorId: 1 }
const others = { authorId: 2 }
type Want = 401 | 403 | 'ok'

// One row per permission (and resource where the rule depends on authorship); one column per role.
const matrix: Array<[Permission, { authorId: number } | undefined, Want, Want, Want, Want, Want]> = [
  ['create:idea', undefined, 401, 'ok', 'ok', 'ok', 'ok'],
  ['vote:idea', undefined, 401, 'ok', 'ok', 'ok', 'ok'],
  ['update:idea', own, 401, 'ok', 'ok', 'ok', 'ok'],
  ['update:idea', others, 401, 403, 'ok', 'ok', 'ok'],
  ['delete:idea', others, 401, 403, 'ok', 'ok', 'ok'],
  ['change-status:idea', undefined, 401, 403, 403, 'ok', 'ok'],
  ['merge:idea', undefined, 401, 403, 403, 'ok', 'ok'],
  ['respond:idea', undefined, 401, 403, 403, 'ok', 'ok'],
  ['comment:idea', others, 401, 'ok', 'ok', 'ok', 'ok'],
  ['follow:idea', undefined, 401, 'ok', 'ok', 'ok', 'ok'],
  ['update:comment', own, 401, 'ok', 'ok', 'ok', 'ok'],
  ['update:comment', others, 401, 403, 'ok', 'ok', 'ok'],
  ['create:question', undefined, 401, 'ok', 'ok', 'ok', 'ok'],
  ['update:question', own, 401, 'ok', 'ok', 'ok', 'ok'],
  ['update:question', others, 401, 403, 'ok', 'ok', 'ok'],
  ['answer:question', others, 401, 'ok', 'ok', 'ok', 'ok'],
  ['update:answer', others, 401, 403, 'ok', 'ok', 'ok'],
  ['upvote:post', others, 401, 403, 'ok', 'ok', 'ok'],
  ['upvote:post', own, 401, 403, 403, 403, 403],
  ['downvote:post', others, 401, 403, 'ok', 'ok', 'ok'],
  ['downvote:post', own, 401, 403, 403, 403, 403],
  ['comment:question', own, 401, 'ok', 'ok', 'ok', 'ok'],
  ['comment:question', others, 401, 403, 'ok', 'ok', 'ok'],
  ['comment:answer', others, 401, 403, 'ok', 'ok', 'ok'],
  ['accept:answer', own, 401, 'ok', 'ok', 'ok', 'ok'],
  ['accept:answer', others, 401, 403, 403, 403, 403],
  ['mark-official:answer', undefined, 401, 403, 'ok', 'ok', 'ok'],
  ['close:question', others, 401, 403, 'ok', 'ok', 'ok'],
  ['convert:question', undefined, 401, 403, 403, 'ok', 'ok'],
  ['create:tag', undefined, 401, 403, 'ok', 'ok', 'ok'],
  ['view:vote-breakdown', undefined, 401, 403, 'ok', 'ok', 'ok'],
  ['suggest-edit:post', others, 401, 'ok', 'ok', 'ok', 'ok'],
  ['suggest-edit:post', own, 401, 403, 403, 403, 403],
  ['review:suggested-edit', own, 401, 'ok', 'ok', 'ok', 'ok'],
  ['review:suggested-edit', others, 401, 403, 'ok', 'ok', 'ok'],
  ['flag:post', others, 401, 403, 'ok', 'ok', 'ok'],
  ['flag:post', own, 401, 403, 403, 403, 403],
  ['review:flag', undefined, 401, 403, 'ok', 'ok', 'ok'],
  ['moderate:post', undefined, 401, 403, 'ok', 'ok', 'ok'],
  ['suspend:user', undefined, 401, 403, 'ok', 'ok', 'ok'],
  ['view:moderation-log', undefined, 401, 403, 'ok', 'ok', 'ok'],
  ['view:admin', undefined, 401, 403, 'ok', 'ok', 'ok'],
  ['view:product-dashboard', undefined, 401, 403, 403, 'ok', 'ok'],
  ['note:idea', undefined, 401, 403, 403, 'ok', 'ok'],
  ['export:ideas', undefined, 401, 403, 403, 'ok', 'ok'],
  ['change-role:user', undefined, 401, 403, 403, 403, 'ok'],
  ['reset-password:user', undefined, 401, 403, 403, 403, 'ok'],
  ['manage:settings', undefined, 401, 403, 403, 403, 'ok'],
  ['view:companies', undefined, 401, 403, 403, 'ok', 'ok'],
  ['manage:companies', undefined, 401, 403, 403, 403, 'ok'],
  ['manage:webhooks', undefined, 401, 403, 403, 403, 'ok'],
  ['link:idea', undefined, 401, 403, 403, 'ok', 'ok'],
  ['create:api-token', undefined, 401, 'ok', 'ok', 'ok', 'ok'],
]

describe('the policy matrix (role × permission)', () => {
  test('covers every permission in the policy', () => {
    const covered = new Set(matrix.map(([permission]) => permission))
    expect([...covered].sort()).toEqual(Object.keys(GRANTS).sort())
  })

  describe.each(matrix)('%s on %o', (permission, resource, ...expected) => {
    test.each(roles.map((role, i) => [role, expected[i]] as const))('%s → %s', (role, want) => {
      const decision = check(actorFor(role), permission, resource)
      expect(decision.ok ? 'ok' : decision.status).toBe(want)
    })
  })
})

describe('reputation rules', () => {
  test.each([
    ['upvote:post', PRIVILEGE_REPUTATION.upvote],
    ['flag:post', PRIVILEGE_REPUTATION.flag],
    ['comment:answer', PRIVILEGE_REPUTATION.commentEverywhere],
    ['downvote:post', PRIVILEGE_REPUTATION.downvote],
    ['create:tag', PRIVILEGE_REPUTATION.createTags],
    ['view:vote-breakdown', PRIVILEGE_REPUTATION.seeVoteBreakdowns],
    ['update:answer', PRIVILEGE_REPUTATION.editOthers],
    ['close:question', PRIVILEGE_REPUTATION.voteToClose],
    ['review:suggested-edit', PRIVILEGE_REPUTATION.editOthers],
  ] as const)('%s opens to members at exactly %i reputation', (permission, threshold) => {
    expect(check(actorFor('member', threshold - 1), permission, others).ok).toBe(false)
    expect(check(actorFor('member', threshold), permission, others).ok).toBe(true)
  })

  test('a refusal explains what is missing, so the UI can show it', () => {
    expect(check(actorFor('member', 10), 'downvote:post', others)).toEqual({
      ok: false,
      status: 403,
      reason: 'You need 125 reputation to downvote.',
    })
    expect(check(null, 'vote:idea')).toEqual({ ok: false, status: 401, reason: 'Log in to vote on ideas.' })
    expect(check(actorFor('member'), 'change-status:idea')).toMatchObject({
      reason: 'Only the product team can change the status of ideas.',
    })
    expect(check(actorFor('admin'), 'upvote:post', own)).toMatchObject({ reason: 'You cannot upvote your own post.' })
  })
})

describe('suspension', () => {
  const now = new Date('2026-06-01T12:00:00Z')
  test('a suspended member is refused everything with the reason, until the suspension ends', () => {
    const suspended: Actor = {
      id: 1,
      role: 'member',
      reputation: 5000,
      suspendedUntil: new Date('2026-06-08T00:00:00Z'),
      suspensionReason: 'Spamming links.',
    }
    expect(check(suspended, 'vote:idea', undefined, now)).toEqual({
      ok: false,
      status: 403,
      reason: 'Your account is suspended until 2026-06-08. Reason: Spamming links.',
    })
    expect(check(suspended, 'create:idea', undefined, new Date('2026-06-09T00:00:00Z')).ok).toBe(true)
  })

  test('suspension applies to staff too', () => {
    const mod: Actor = { id: 1, role: 'moderator', reputation: 1, suspendedUntil: new Date('2030-01-01'), suspensionReason: null }
    expect(check(mod, 'review:flag', undefined, now)).toMatchObject({ ok: false, status: 403 })
  })
})
