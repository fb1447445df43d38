/**
 * POST /moderate: a moderator's action on any post (hide, restore, delete, lock, unlock, move an
 * idea's category), sent by the moderation menu. Logged with before/after; redirects back.
 */
import { type ActionFunctionArgs, redirect } from '@remix-run/node'
import { z } from 'zod'
import { POST_ACTIONS, POST_TYPES } from '~/domain'
import { safeRedirectPath } from '~/lib/auth.server'
import { getDb } from '~/lib/db.server'
import { parseForm, readForm } from '~/lib/forms.server'
import { httpError, notFound, orHttpError } from '~/lib/http.server'
import { requirePermission } from '~/lib/permissions.server'
import { moderatePost, moveIdeaCategory } from '~/models/moderation.server'
import { ModerationReason, PostId } from '~/schemas/moderation'

const Common = {
  type: z.enum(POST_TYPES),
  id: PostId,
  reason: ModerationReason,
  redirectTo: z.string().max(2000).optional(),
}
const Intent = z.discriminatedUnion('intent', [
  z.object({ intent: z.enum(POST_ACTIONS), ...Common }),
  z.object({
    intent: z.literal('move'),
    ...Common,
    categoryId: z
      .string()
      .regex(/^(?:[1-9]\d{0,15})?$/, 'Choose a category.')
      .transform((v) => (v ? Number(v) : null)),
  }),
])

export async function loader() {
  return notFound()
}

export async function action({ request }: ActionFunctionArgs) {
  const form = await readForm(request)
  const user = await requirePermission(request, 'moderate:post')
  const parsed = parseForm(form, Intent)
  if (!parsed.ok) httpError(400, Object.values(parsed.fieldErrors).flat()[0] ?? parsed.formErrors[0] ?? 'The form could not be read.')
  const { type, id, reason } = parsed.data
  const db = getDb()
  const back = safeRedirectPath(parsed.data.redirectTo, '/admin/flags')
  if (parsed.data.intent === 'move') {
    if (type !== 'idea') httpError(400, 'Only ideas have categories.')
    const { categoryId } = parsed.data
    orHttpError(() => moveIdeaCategory(db, { actorId: user.id, ideaId: id, categoryId, reason }))
  } else {
    const action = parsed.data.intent
    orHttpError(() =>
      moderatePost(db, {
        actorId: user.id,
        target: { type, id },
        action,
        reason,
      }),
    )
  }
  return redirect(back)
}
