/** The webhook endpoint form (/admin/webhooks and an endpoint's page). */
import { z } from 'zod'
import { WEBHOOK_EVENTS, WEBHOOK_KINDS } from '~/domain'

export const WEBHOOK_URL_MAX = 2000
export const WEBHOOK_DESCRIPTION_MAX = 200
/** Events a Slack endpoint takes (the model keeps the same list: SLACK_EVENTS). */
export const SLACK_EVENT_CHOICES = ['idea.created', 'idea.status_changed'] as const

export const EVENT_LABELS: Record<(typeof WEBHOOK_EVENTS)[number], string> = {
  'idea.created': 'An idea is posted',
  'idea.status_changed': 'An idea changes status',
  'idea.merged': 'An idea is merged into another',
  'idea.voted': 'Votes on an idea (batched per idea, at most one message a minute)',
  'comment.created': 'A comment is posted',
  'question.created': 'A question is asked',
  'answer.created': 'A question is answered',
  'answer.accepted': 'An answer is accepted',
  'member.created': 'A member signs up',
}

/**
 * The form's fields. The event checkboxes share the name `events`; the route joins them into
 * `eventList` first, because a form's repeated fields reach the schema as one string.
 */
export const WebhookEndpointForm = z
  .object({
    url: z
      .string()
      .trim()
      .min(1, 'Enter the URL that receives the webhooks.')
      .max(WEBHOOK_URL_MAX, `At most ${WEBHOOK_URL_MAX} characters.`)
      .pipe(z.url({ protocol: /^https?$/, message: 'Enter an http:// or https:// URL.' })),
    description: z.string().trim().max(WEBHOOK_DESCRIPTION_MAX, `At most ${WEBHOOK_DESCRIPTION_MAX} characters.`).default(''),
    kind: z.enum(WEBHOOK_KINDS, 'Choose standard or Slack.'),
    eventList: z
      .string()
      .default('')
      .transform((text) => text.split(',').filter(Boolean))
      .pipe(z.array(z.enum(WEBHOOK_EVENTS, 'Choose events from the list.')).min(1, 'Choose at least one event.')),
  })
  .superRefine((value, ctx) => {
    if (value.kind === 'slack' && value.eventList.some((e) => !(SLACK_EVENT_CHOICES as readonly string[]).includes(e))) {
      ctx.addIssue({
        code: 'custom',
        path: ['eventList'],
        message: 'Slack endpoints take only “An idea is posted” and “An idea changes status”.',
      })
    }
  })
