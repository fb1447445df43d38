/**
 * The settings page's server half (/admin/settings): the loader, which reads the settings for an
 * admin (never a secret), and the action, one `intent` per form. route.tsx re-exports both; the
 * page's parts in this folder take the data's type from here, never from the route module.
 */
import { type ActionFunctionArgs, data, type LoaderFunctionArgs, redirect } from '@remix-run/node'
import { z } from 'zod'
import { getDb } from '~/lib/db.server'
import { env, publicOrigin } from '~/lib/env.server'
import { fieldFailure, formFields, parseForm, readForm, siteOrigin } from '~/lib/forms.server'
import { orHttpError } from '~/lib/http.server'
import { requirePermission } from '~/lib/permissions.server'
import { addProvider, ProviderRefusedError, removeProvider, setProviderEnabled, updateProvider } from '~/models/oidc-providers.server'
import { checkProviderConnection } from '~/models/oidc-login.server'
import {
  addCategory,
  addSegment,
  type FieldResult,
  generateJwtSecret,
  getSiteSettings,
  getSsoSettings,
  moveListItem,
  updateCategory,
  updateJwtSso,
  updateSegment,
  updateSiteSetting,
  updateSsoPolicy,
} from '~/models/site-admin.server'
import { JwtSsoForm, NewProviderForm, ProviderUpdateForm, SsoPolicyForm } from '~/schemas/sso'

const NOTICES: Record<string, string> = {
  'site-name': 'The site name was saved.',
  'category-add': 'The category was added.',
  'category-update': 'The category was saved.',
  'category-move': 'The categories were reordered.',
  'segment-add': 'The segment was added.',
  'segment-update': 'The segment was saved.',
  'segment-move': 'The segments were reordered.',
  'vote-budget': 'The vote budget was saved.',
  premoderation: 'Pre-moderation was saved.',
  email: 'The e-mail setting was saved.',
  'email-verification': 'The e-mail verification setting was saved.',
  'provider-add': 'The identity provider was added.',
  'provider-update': 'The identity provider was saved.',
  'provider-enabled': 'The identity provider was enabled.',
  'provider-disabled': 'The identity provider was disabled.',
  'provider-remove': 'The identity provider was removed.',
  'sso-policy': 'The single sign-on policy was saved.',
  'jwt-sso': 'The signed-JWT log-in was saved.',
}

/** Form fields that hold a secret: never kept in a refused form's answer. */
const isSecretField = (name: string) => /secret|password/i.test(name)

export async function loader({ request }: LoaderFunctionArgs) {
  await requirePermission(request, 'manage:settings')
  const url = new URL(request.url)
  const done = url.searchParams.get('done')
  const remove = Id.safeParse(url.searchParams.get('remove'))
  const db = getDb()
  return {
    ...getSiteSettings(db),
    sso: getSsoSettings(db),
    /** The origin of the callback URLs to register at the providers (PUBLIC_URL when set). */
    siteOrigin: siteOrigin(request),
    publicUrlSet: publicOrigin() !== null,
    /** ?remove=<id>: the provider whose removal waits for a confirmation. */
    confirmRemoveId: remove.success ? remove.data : null,
    envSiteName: env().SITE_NAME,
    notice: done ? (NOTICES[done] ?? null) : null,
  }
}

const Id = z
  .string({ error: 'Choose an item.' })
  .regex(/^[1-9]\d{0,15}$/, 'Choose an item.')
  .transform(Number)
const Checkbox = z
  .literal('on')
  .optional()
  .transform((v) => v === 'on')
const Name = z.string({ error: 'Enter a name.' }).trim().min(1, 'Enter a name.').max(40, 'Use at most 40 characters.')
const Description = z.string().trim().max(300, 'Use at most 300 characters.').optional().default('')
const Weight = z
  .string({ error: 'Enter a weight from 0 to 100.' })
  .trim()
  .regex(/^\d{1,3}(\.\d{1,2})?$/, 'Enter a weight from 0 to 100 (up to two decimals).')
  .transform(Number)
  .refine((w) => w >= 0 && w <= 100, 'Enter a weight from 0 to 100.')
const Direction = z.enum(['up', 'down'], { error: 'Choose up or down.' })
const WholeNumber = (min: number, max: number) =>
  z
    .string({ error: `Enter a number from ${min} to ${max}.` })
    .trim()
    .regex(/^\d{1,4}$/, `Enter a number from ${min} to ${max}.`)
    .transform(Number)
    .refine((n) => n >= min && n <= max, `Enter a number from ${min} to ${max}.`)

const Intent = z.discriminatedUnion('intent', [
  z.object({ intent: z.literal('site-name'), siteName: z.string().trim().max(60, 'Use at most 60 characters.').optional().default('') }),
  z.object({ intent: z.literal('category-add'), name: Name, description: Description }),
  z.object({ intent: z.literal('category-update'), categoryId: Id, name: Name, description: Description }),
  z.object({ intent: z.literal('category-move'), categoryId: Id, direction: Direction }),
  z.object({ intent: z.literal('segment-add'), name: Name, weight: Weight }),
  z.object({ intent: z.literal('segment-update'), segmentId: Id, name: Name, weight: Weight }),
  z.object({ intent: z.literal('segment-move'), segmentId: Id, direction: Direction }),
  z.object({ intent: z.literal('vote-budget'), enabled: Checkbox, votesPerMember: WholeNumber(1, 1000) }),
  z.object({ intent: z.literal('premoderation'), enabled: Checkbox, firstPosts: WholeNumber(1, 20) }),
  z.object({ intent: z.literal('email'), enabled: Checkbox }),
  z.object({ intent: z.literal('email-verification'), holdUnverifiedPosts: Checkbox }),
  NewProviderForm.extend({ intent: z.literal('provider-add') }),
  ProviderUpdateForm.extend({ intent: z.literal('provider-update'), providerId: Id }),
  z.object({
    intent: z.literal('provider-enable'),
    providerId: Id,
    enabled: z.enum(['true', 'false'], { error: 'Choose enable or disable.' }).transform((v) => v === 'true'),
  }),
  z.object({ intent: z.literal('provider-remove'), providerId: Id }),
  z.object({ intent: z.literal('provider-check'), providerId: Id }),
  SsoPolicyForm.extend({ intent: z.literal('sso-policy') }),
  JwtSsoForm.safeExtend({ intent: z.literal('jwt-sso') }),
  z.object({ intent: z.literal('jwt-generate-secret') }),
])

/** A refusal decided after validation: one field's message (400), or the whole form's (409, a state that forbids it). */
type Outcome = FieldResult | { ok: false; field: null; message: string }

/** Runs a provider change; its refusals become the form's messages (a missing provider stays a 404). */
function providerOutcome(work: () => void): Outcome {
  return orHttpError((): Outcome => {
    try {
      work()
      return { ok: true }
    } catch (error) {
      if (error instanceof ProviderRefusedError) return { ok: false, field: error.field, message: error.message }
      throw error
    }
  })
}

export async function action({ request }: ActionFunctionArgs) {
  const form = await readForm(request)
  const user = await requirePermission(request, 'manage:settings')
  const parsed = parseForm(form, Intent, { keep: (name) => !isSecretField(name) })
  const intent = String(form.get('intent') ?? '')
  if (!parsed.ok) return data({ ...parsed, intent }, { status: 400 })
  const db = getDb()
  const actorId = user.id
  const input = parsed.data
  let outcome: Outcome = { ok: true }
  let done: string = input.intent
  switch (input.intent) {
    case 'site-name':
      updateSiteSetting(db, { actorId, key: 'siteName', value: input.siteName || null })
      break
    case 'category-add':
      outcome = addCategory(db, { actorId, name: input.name, description: input.description })
      break
    case 'category-update':
      outcome = orHttpError(() =>
        updateCategory(db, { actorId, categoryId: input.categoryId, name: input.name, description: input.description }),
      )
      break
    case 'category-move':
      orHttpError(() => moveListItem(db, { actorId, kind: 'category', id: input.categoryId, direction: input.direction }))
      break
    case 'segment-add':
      outcome = addSegment(db, { actorId, name: input.name, weight: input.weight })
      break
    case 'segment-update':
      outcome = orHttpError(() => updateSegment(db, { actorId, segmentId: input.segmentId, name: input.name, weight: input.weight }))
      break
    case 'segment-move':
      orHttpError(() => moveListItem(db, { actorId, kind: 'segment', id: input.segmentId, direction: input.direction }))
      break
    case 'vote-budget':
      updateSiteSetting(db, { actorId, key: 'voteBudget', value: { enabled: input.enabled, votesPerMember: input.votesPerMember } })
      break
    case 'premoderation':
      updateSiteSetting(db, { actorId, key: 'premoderation', value: { enabled: input.enabled, firstPosts: input.firstPosts } })
      break
    case 'email':
      updateSiteSetting(db, { actorId, key: 'email', value: { enabled: input.enabled } })
      break
    case 'email-verification':
      updateSiteSetting(db, { actorId, key: 'emailVerification', value: { holdUnverifiedPosts: input.holdUnverifiedPosts } })
      break
    case 'provider-add': {
      const { intent: _, ...provider } = input
      outcome = providerOutcome(() => addProvider(db, { ...provider, actorId }))
      break
    }
    case 'provider-update': {
      const { intent: _, providerId, ...provider } = input
      outcome = providerOutcome(() => updateProvider(db, providerId, { ...provider, actorId }))
      break
    }
    case 'provider-enable':
      outcome = providerOutcome(() => setProviderEnabled(db, input.providerId, input.enabled, actorId))
      done = input.enabled ? 'provider-enabled' : 'provider-disabled'
      break
    case 'provider-remove':
      outcome = providerOutcome(() => removeProvider(db, input.providerId, actorId))
      break
    case 'sso-policy':
      outcome = updateSsoPolicy(db, { actorId, require: input.require, breakGlass: input.breakGlass })
      break
    case 'jwt-sso': {
      const { intent: _, ...jwt } = input
      outcome = updateJwtSso(db, { ...jwt, actorId })
      break
    }
    case 'provider-check':
      // Reads the provider's discovery document now; nothing is saved.
      return { intent: input.intent, providerId: String(input.providerId), check: await checkProviderConnection(db, input.providerId) }
    case 'jwt-generate-secret':
      // Shown once, in this answer only: the loader never returns it, so a reload shows "a secret is set".
      return { intent: input.intent, generatedSecret: generateJwtSecret(db, { actorId }) }
  }
  if (!outcome.ok) {
    const kept = Object.keys(formFields(form)).filter((name) => !isSecretField(name))
    const failure = fieldFailure(form, outcome.field ?? '', outcome.message, kept)
    if (outcome.field === null) return data({ ...failure, fieldErrors: {}, formErrors: [outcome.message], intent }, { status: 409 })
    return data({ ...failure, intent }, { status: 400 })
  }
  return redirect(`/admin/settings?done=${done}#${sectionOf(input.intent)}`)
}

/** The part of the page a form belongs to, where the answer scrolls back to. */
function sectionOf(intent: string) {
  if (intent.startsWith('category')) return 'categories'
  if (intent.startsWith('segment')) return 'segments'
  if (intent.startsWith('provider')) return 'sso-providers'
  return intent
}
