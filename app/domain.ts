/**
 * Summit's domain vocabulary: the enumerations and their types, shared by the server and the
 * browser. db/schema.ts builds its column enums and checks from these lists; routes, components,
 * the form schemas (app/schemas) and app/lib import them from here, never from the schema, so no
 * page ships drizzle or a table definition.
 *
 * Isomorphic: this module imports nothing. Adding a value to a list that a column checks needs a
 * migration (db/migrations).
 */

/** The roles, lowest first: each role can do everything the ones before it can (app/lib/permissions.ts). */
export const ROLES = ['member', 'moderator', 'product', 'admin'] as const
export type Role = (typeof ROLES)[number]

export const IDEA_STATUSES = ['open', 'under_review', 'planned', 'in_progress', 'shipped', 'declined', 'merged'] as const
export type IdeaStatus = (typeof IDEA_STATUSES)[number]

export const QUESTION_STATUSES = ['open', 'closed'] as const
export const CLOSE_REASONS = ['duplicate', 'off_topic', 'resolved'] as const
export type CloseReason = (typeof CLOSE_REASONS)[number]

/** Things a comment, vote, flag or log entry can point at. */
export const POST_TYPES = ['idea', 'question', 'answer', 'comment'] as const
export type PostType = (typeof POST_TYPES)[number]
/** What a reputation event points at: a post, or the user themself for a staff adjustment. */
export const REPUTATION_SOURCE_TYPES = [...POST_TYPES, 'user'] as const
export type ReputationSourceType = (typeof REPUTATION_SOURCE_TYPES)[number]

export const FLAG_REASONS = ['spam', 'rude', 'off_topic', 'duplicate', 'other'] as const
export const FLAG_STATUSES = ['pending', 'accepted', 'rejected'] as const
export const HIDDEN_REASONS = ['flags', 'moderator', 'premoderation'] as const
export type HiddenReason = (typeof HIDDEN_REASONS)[number]
export const SUGGESTED_EDIT_STATUSES = ['pending', 'approved', 'rejected'] as const

/** The orders of the idea list (/ideas). */
export const IDEA_SORTS = ['top', 'trending', 'new', 'active'] as const
export type IdeaSort = (typeof IDEA_SORTS)[number]

/** The tabs of the question list (/questions). */
export const QUESTION_TABS = ['newest', 'active', 'unanswered'] as const
export type QuestionTab = (typeof QUESTION_TABS)[number]

/** The tabs of a member's profile (/u/:username). */
export const PROFILE_TABS = ['activity', 'reputation', 'badges', 'ideas', 'questions', 'answers'] as const
export type ProfileTab = (typeof PROFILE_TABS)[number]

/** What the search (/search) can be narrowed to. */
export const SEARCH_TYPES = ['idea', 'question', 'answer'] as const
export type SearchType = (typeof SEARCH_TYPES)[number]
/**
 * Status filters: an idea status (ideas only), or a question state (questions, and answers by
 * their question): open, closed, or answered (an accepted answer or one scored above 0).
 */
export const SEARCH_STATUSES = [
  ...(['open', 'under_review', 'planned', 'in_progress', 'shipped', 'declined'] as const).map((s) => `idea:${s}` as const),
  'question:open',
  'question:closed',
  'question:answered',
] as const
export type SearchStatus = (typeof SEARCH_STATUSES)[number]

/** What a moderator can do to one post from its menu (/moderate). */
export const POST_ACTIONS = ['hide', 'restore', 'delete', 'lock', 'unlock'] as const
export type PostAction = (typeof POST_ACTIONS)[number]

/** Every action the moderation log can hold, for the log's filter (the edits, merge, close, reopen and convert come from other modules). */
export const MODERATION_ACTIONS = [
  'edit_idea',
  'edit_comment',
  'edit_question',
  'edit_answer',
  'merge_idea',
  'close',
  'reopen',
  'convert_to_idea',
  'accept_flags',
  'reject_flags',
  'hide_post',
  'restore_post',
  'delete_post',
  'lock_post',
  'unlock_post',
  'move_idea',
  'approve_post',
  'reject_post',
  'suspend_user',
  'unsuspend_user',
  'change_role',
  'change_segment',
  'change_company',
  'company.create',
  'company.update',
  'company.delete',
  'company.import',
  'change_username',
  'identity_provider.create',
  'identity_provider.update',
  'identity_provider.delete',
  'settings.update',
  'category.create',
  'category.update',
  'segment.create',
  'segment.update',
  'category.move',
  'segment.move',
  'webhook.create',
  'webhook.update',
  'webhook.rotate_secret',
  'webhook.enable',
  'webhook.disable',
  'webhook.delete',
  'webhook.test',
  'webhook.redeliver',
  'webhook.auto_disable',
  'mark_official',
  'unmark_official',
  'create_member',
  'idea_link.add',
  'idea_link.remove',
  'inbound_hook.create',
  'inbound_hook.revoke',
  'issue_password_reset',
] as const
/** An action of the staff log: the log's filter offers every one of them. */
export type ModerationAction = (typeof MODERATION_ACTIONS)[number]

/** What a single-use account token is for (app/models/account-recovery.server.ts). */
export const ACCOUNT_TOKEN_PURPOSES = ['verify-email', 'reset-password'] as const
export type AccountTokenPurpose = (typeof ACCOUNT_TOKEN_PURPOSES)[number]

/** Scopes of a personal access token for /api/v1. */
export const API_SCOPES = ['read', 'write', 'admin'] as const
export type ApiScope = (typeof API_SCOPES)[number]

export const WEBHOOK_KINDS = ['standard', 'slack'] as const
export const WEBHOOK_EVENTS = [
  'idea.created',
  'idea.status_changed',
  'idea.merged',
  'idea.voted',
  'comment.created',
  'question.created',
  'answer.created',
  'answer.accepted',
  'member.created',
] as const
export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number]
