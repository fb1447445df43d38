/** Inputs of the flag control and the moderation forms, shared by their routes and tests. */
import { z } from 'zod'
import { FLAG_REASONS, POST_TYPES } from '#db/schema'

export const FLAG_TEXT_MAX = 500
export const MODERATION_REASON_MAX = 500

export const PostId = z
  .string({ error: 'Choose a post.' })
  .regex(/^[1-9]\d{0,15}$/, 'Choose a post.')
  .transform(Number)

export const FlagForm = z
  .object({
    type: z.enum(POST_TYPES, { error: 'Choose a post.' }),
    id: PostId,
    reason: z.enum(FLAG_REASONS, { error: 'Choose a reason.' }),
    text: z.string().trim().max(FLAG_TEXT_MAX, `Keep it under ${FLAG_TEXT_MAX} characters.`).optional().default(''),
    redirectTo: z.string().max(2000).optional(),
  })
  .refine((v) => v.reason !== 'other' || v.text.length >= 3, {
    path: ['text'],
    message: 'Say what is wrong with this post.',
  })

export const ModerationReason = z
  .string()
  .trim()
  .max(MODERATION_REASON_MAX, `Keep the reason under ${MODERATION_REASON_MAX} characters.`)
  .optional()
  .default('')

export const RequiredReason = z
  .string({ error: 'Give a reason.' })
  .trim()
  .min(3, 'Give a reason.')
  .max(MODERATION_REASON_MAX, `Keep the reason under ${MODERATION_REASON_MAX} characters.`)

export const FLAG_REASON_LABELS: Record<(typeof FLAG_REASONS)[number], string> = {
  spam: 'Spam',
  rude: 'Rude or abusive',
  off_topic: 'Off-topic',
  duplicate: 'Duplicate',
  other: 'Something else',
}

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
] as const

/** An action of the staff log: the log's filter offers every one of them. */
export type ModerationAction = (typeof MODERATION_ACTIONS)[number]
