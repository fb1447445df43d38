/** Inputs of the flag control and the moderation forms, shared by their routes and tests. */
import { z } from 'zod'
import { FLAG_REASONS, POST_TYPES } from '~/domain'

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
