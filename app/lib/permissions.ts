/**
 * Summit's whole permission policy, in one table. Shared by the server (which enforces it in every
 * loader and action) and the UI (which explains a disabled control with the same decision).
 *
 * A permission is `action:entity`. Each has an `own` rule (the actor wrote the resource) and/or an
 * `any` rule. A rule needs a minimum role, a minimum reputation, or is 'never'. Staff
 * (moderator and up) meet every reputation rule. *Who* may act is decided here; *when* (locked,
 * closed, an edit window) is state that the model checks in its transaction.
 */
import { type Role, ROLES } from '~/domain'

export const STAFF_ROLES: readonly Role[] = ['moderator', 'product', 'admin']

type Rule = { role: Role } | { reputation: number } | 'never'
type Grant = { own?: Rule; any?: Rule; label: string }

/** The reputation thresholds of the privileges, named so the UI and the help page can quote them. */
export const PRIVILEGE_REPUTATION = {
  upvote: 15,
  flag: 15,
  commentEverywhere: 15,
  downvote: 125,
  createTags: 500,
  seeVoteBreakdowns: 1000,
  editOthers: 2000,
  voteToClose: 3000,
} as const

const R = PRIVILEGE_REPUTATION

export const GRANTS = {
  // Ideas
  'create:idea': { any: { role: 'member' }, label: 'post ideas' },
  'vote:idea': { any: { role: 'member' }, label: 'vote on ideas' },
  'update:idea': { own: { role: 'member' }, any: { role: 'moderator' }, label: 'edit this idea' },
  'delete:idea': { own: { role: 'member' }, any: { role: 'moderator' }, label: 'delete this idea' },
  'change-status:idea': { any: { role: 'product' }, label: 'change the status of ideas' },
  'merge:idea': { any: { role: 'product' }, label: 'merge ideas' },
  'respond:idea': { any: { role: 'product' }, label: 'post official responses' },
  'comment:idea': { any: { role: 'member' }, label: 'comment on ideas' },
  'follow:idea': { any: { role: 'member' }, label: 'follow ideas' },
  // Comments: their author for a while (a state rule, checked by the model), moderators always.
  'update:comment': { own: { role: 'member' }, any: { role: 'moderator' }, label: 'edit this comment' },
  // Questions and answers
  'create:question': { any: { role: 'member' }, label: 'ask questions' },
  'update:question': { own: { role: 'member' }, any: { reputation: R.editOthers }, label: 'edit this question' },
  'answer:question': { any: { role: 'member' }, label: 'answer questions' },
  'update:answer': { own: { role: 'member' }, any: { reputation: R.editOthers }, label: 'edit this answer' },
  'upvote:post': { own: 'never', any: { reputation: R.upvote }, label: 'upvote' },
  'downvote:post': { own: 'never', any: { reputation: R.downvote }, label: 'downvote' },
  'comment:question': { own: { role: 'member' }, any: { reputation: R.commentEverywhere }, label: 'comment on questions' },
  'comment:answer': { own: { role: 'member' }, any: { reputation: R.commentEverywhere }, label: 'comment on answers' },
  'accept:answer': { own: { role: 'member' }, any: 'never', label: 'accept an answer to this question' },
  'mark-official:answer': { any: { role: 'moderator' }, label: 'mark answers official' },
  'close:question': { any: { reputation: R.voteToClose }, label: 'vote to close questions' },
  'convert:question': { any: { role: 'product' }, label: 'convert questions into ideas' },
  'create:tag': { any: { reputation: R.createTags }, label: 'create new tags' },
  'view:vote-breakdown': { any: { reputation: R.seeVoteBreakdowns }, label: 'see vote breakdowns' },
  'suggest-edit:post': { own: 'never', any: { role: 'member' }, label: 'suggest edits' },
  'review:suggested-edit': { own: { role: 'member' }, any: { reputation: R.editOthers }, label: 'review suggested edits' },
  // Moderation and admin
  'flag:post': { own: 'never', any: { reputation: R.flag }, label: 'flag posts' },
  'review:flag': { any: { role: 'moderator' }, label: 'review flags' },
  'moderate:post': { any: { role: 'moderator' }, label: 'hide, lock or delete posts' },
  'suspend:user': { any: { role: 'moderator' }, label: 'suspend members' },
  'view:moderation-log': { any: { role: 'moderator' }, label: 'read the moderation log' },
  'view:admin': { any: { role: 'moderator' }, label: 'open the admin area' },
  'view:product-dashboard': { any: { role: 'product' }, label: 'open the product dashboard' },
  'note:idea': { any: { role: 'product' }, label: 'write internal notes' },
  'export:ideas': { any: { role: 'product' }, label: 'export ideas' },
  'change-role:user': { any: { role: 'admin' }, label: 'change roles and segments' },
  // A reset link opens the account: admins only, so a moderator can never take over an admin's.
  'reset-password:user': { any: { role: 'admin' }, label: 'issue password reset links' },
  'manage:settings': { any: { role: 'admin' }, label: 'change site settings' },
  // Customer companies: who is behind the votes (names, plans, revenue) is for the product team.
  'view:companies': { any: { role: 'product' }, label: 'see the companies behind ideas' },
  'manage:companies': { any: { role: 'admin' }, label: 'manage companies' },
  // Integrations: webhooks to other tools, and links from ideas to the tracker's work items.
  'manage:webhooks': { any: { role: 'admin' }, label: 'manage webhooks' },
  'link:idea': { any: { role: 'product' }, label: 'link ideas to work items in the tracker' },
  'create:api-token': { any: { role: 'member' }, label: 'create API tokens' },
} satisfies Record<string, Grant>

export type Permission = keyof typeof GRANTS

/** The facts about a user that the policy reads. */
export type Actor = {
  id: number
  role: Role
  reputation: number
  suspendedUntil: Date | null
  suspensionReason?: string | null
}

export type Decision = { ok: true } | { ok: false; status: 401 | 403; reason: string }

export function roleRank(role: Role) {
  return ROLES.indexOf(role)
}

export function isStaff(actor: Pick<Actor, 'role'> | null | undefined) {
  return !!actor && roleRank(actor.role) >= roleRank('moderator')
}

export function hasRole(actor: Pick<Actor, 'role'> | null | undefined, min: Role) {
  return !!actor && roleRank(actor.role) >= roleRank(min)
}

export function isSuspended(actor: Pick<Actor, 'suspendedUntil'>, now = new Date()) {
  return !!actor.suspendedUntil && actor.suspendedUntil.getTime() > now.getTime()
}

const ROLE_NAMES: Record<Role, string> = {
  member: 'members',
  moderator: 'moderators',
  product: 'the product team',
  admin: 'admins',
}

/**
 * Decides whether `actor` may do `permission` (on `resource`, when the rule depends on authorship).
 * Returns a reason the UI can show as it is.
 */
export function check(
  actor: Actor | null | undefined,
  permission: Permission,
  resource?: { authorId: number | null },
  now = new Date(),
): Decision {
  const grant: Grant = GRANTS[permission]
  if (!actor) return { ok: false, status: 401, reason: `Log in to ${grant.label}.` }
  if (isSuspended(actor, now)) {
    const until = actor.suspendedUntil!.toISOString().slice(0, 10)
    const why = actor.suspensionReason ? ` Reason: ${actor.suspensionReason}` : ''
    return { ok: false, status: 403, reason: `Your account is suspended until ${until}.${why}` }
  }
  const isOwn = resource != null && resource.authorId != null && resource.authorId === actor.id
  const rule = isOwn ? (grant.own ?? grant.any) : grant.any
  if (!rule) return { ok: false, status: 403, reason: `You cannot ${grant.label}.` }
  if (rule === 'never') {
    return { ok: false, status: 403, reason: isOwn ? `You cannot ${grant.label} your own post.` : `You cannot ${grant.label}.` }
  }
  if ('role' in rule) {
    if (roleRank(actor.role) >= roleRank(rule.role)) return { ok: true }
    return { ok: false, status: 403, reason: `Only ${ROLE_NAMES[rule.role]} can ${grant.label}.` }
  }
  if (isStaff(actor) || actor.reputation >= rule.reputation) return { ok: true }
  return { ok: false, status: 403, reason: `You need ${rule.reputation} reputation to ${grant.label}.` }
}
