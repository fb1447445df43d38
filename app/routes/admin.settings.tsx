/**
 * /admin/settings (admins only): site name, categories, segments and weights, vote budget,
 * pre-moderation, e-mail, holding unverified members' posts, and single sign-on (OpenID providers, the policy, the signed-JWT log-in).
 * Each form has its own intent and works without JavaScript; every change is logged in
 * moderation_log with the state before and after.
 *
 * Secrets are write-only: the loader never reads a client secret or the JWT secret, a refused form
 * never sends one back, and a generated JWT secret is shown once, in the answer to the post that
 * made it.
 */
import { type ActionFunctionArgs, data, type LoaderFunctionArgs, type MetaFunction, redirect } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData, useNavigation } from '@remix-run/react'
import { type ReactNode } from 'react'
import { z } from 'zod'
import { GeneralErrorBoundary } from '~/components/error-boundary'
import { FormErrors, type FormResult, SelectField, TextAreaField, TextField } from '~/components/forms'
import { DateTime } from '~/components/post-rows'
import { ROLES } from '~/domain'
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
import { JwtSsoForm, NewProviderForm, PROVIDER_LABEL_MAX, PROVIDER_SLUG_MAX, ProviderUpdateForm, SsoPolicyForm } from '~/schemas/sso'

export const meta: MetaFunction = () => [{ title: 'Settings · Admin · Summit' }]

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

const Id = z.string({ error: 'Choose an item.' }).regex(/^[1-9]\d{0,15}$/, 'Choose an item.').transform(Number)
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
      outcome = orHttpError(() => updateCategory(db, { actorId, categoryId: input.categoryId, name: input.name, description: input.description }))
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

type ActionData = (FormResult & { intent?: string }) | undefined
/** The answer of "Check connection": for which provider, and what the discovery document said. */
type ProviderCheck =
  | ({ providerId: string } & ({ ok: true; issuer: string; supportsS256: boolean } | { ok: false; message: string }))
  | null
type SettingsData = ReturnType<typeof useLoaderData<typeof loader>>

function resultFor(result: ActionData, intent: string, match: Record<string, string> = {}) {
  if (!result || result.intent !== intent) return null
  return Object.entries(match).every(([k, v]) => result.fields?.[k] === v) ? result : null
}

function Section({ id, title, children }: { id: string; title: string; children: ReactNode }) {
  return (
    <section className="card settings-section" aria-labelledby={`${id}-title`} id={id}>
      <h2 id={`${id}-title`}>{title}</h2>
      {children}
    </section>
  )
}

function SaveButton({ intent, label }: { intent: string; label: string }) {
  const navigation = useNavigation()
  const busy = navigation.state === 'submitting' && navigation.formData?.get('intent') === intent
  return (
    <button type="submit" disabled={busy}>
      {label}
    </button>
  )
}

function CheckboxField({ name, id, label, defaultChecked, hint }: { name: string; id: string; label: string; defaultChecked: boolean; hint?: string }) {
  return (
    <div className="field">
      <div className="field-checkbox">
        <input type="checkbox" name={name} id={id} defaultChecked={defaultChecked} aria-describedby={hint ? `${id}-hint` : undefined} />
        <label htmlFor={id}>{label}</label>
      </div>
      {hint ? (
        <p id={`${id}-hint`} className="field-hint">
          {hint}
        </p>
      ) : null}
    </div>
  )
}

function MoveButtons({ intent, idName, id, name, isFirst, isLast }: { intent: string; idName: string; id: number; name: string; isFirst: boolean; isLast: boolean }) {
  return (
    <Form method="post" className="move-buttons">
      <input type="hidden" name="intent" value={intent} />
      <input type="hidden" name={idName} value={id} />
      <button type="submit" name="direction" value="up" className="button-secondary" disabled={isFirst} aria-label={`Move ${name} up`}>
        ↑
      </button>
      <button type="submit" name="direction" value="down" className="button-secondary" disabled={isLast} aria-label={`Move ${name} down`}>
        ↓
      </button>
    </Form>
  )
}

export default function AdminSettings() {
  const settings = useLoaderData<typeof loader>()
  const answer = useActionData<typeof action>()
  const result = answer && 'ok' in answer ? answer : undefined
  const generatedSecret = answer && 'generatedSecret' in answer ? (answer.generatedSecret ?? null) : null
  const providerCheck: ProviderCheck = answer && 'check' in answer && answer.check && answer.providerId ? { providerId: answer.providerId, ...answer.check } : null
  const { categories, segments } = settings
  return (
    <div className="admin-settings">
      <h1>Settings</h1>
      {settings.notice ? (
        <p className="notice" role="status">
          {settings.notice}
        </p>
      ) : null}

      <Section id="site-name" title="Site name">
        <Form method="post" className="form" noValidate>
          <input type="hidden" name="intent" value="site-name" />
          <FormErrors result={resultFor(result, 'site-name')} id="site-name-error" />
          <TextField
            name="siteName"
            label="Site name"
            hint={`Shown in the header, titles and feeds. Leave empty to use the server's default, “${settings.envSiteName}”.`}
            maxLength={60}
            defaultValue={settings.siteName ?? ''}
            result={resultFor(result, 'site-name')}
          />
          <SaveButton intent="site-name" label="Save site name" />
        </Form>
      </Section>

      <Section id="categories" title="Categories">
        {categories.length ? (
          <ol className="settings-list">
            {categories.map((c, i) => {
              const mine = resultFor(result, 'category-update', { categoryId: String(c.id) })
              return (
                <li key={c.id}>
                  <Form method="post" className="form inline-form" noValidate aria-label={`Edit category ${c.name}`}>
                    <input type="hidden" name="intent" value="category-update" />
                    <input type="hidden" name="categoryId" value={c.id} />
                    <FormErrors result={mine} id={`category-${c.id}-error`} />
                    <TextField name="name" id={`category-${c.id}-name`} label="Name" maxLength={40} defaultValue={c.name} result={mine} />
                    <TextField
                      name="description"
                      id={`category-${c.id}-description`}
                      label="Description"
                      maxLength={300}
                      defaultValue={c.description}
                      result={mine}
                    />
                    <SaveButton intent="category-update" label={`Save ${c.name}`} />
                  </Form>
                  <MoveButtons intent="category-move" idName="categoryId" id={c.id} name={c.name} isFirst={i === 0} isLast={i === categories.length - 1} />
                </li>
              )
            })}
          </ol>
        ) : (
          <p>No categories yet.</p>
        )}
        <Form method="post" className="form" noValidate aria-label="Add a category">
          <h3>Add a category</h3>
          <input type="hidden" name="intent" value="category-add" />
          <FormErrors result={resultFor(result, 'category-add')} id="category-add-error" />
          <TextField name="name" id="category-add-name" label="Name" maxLength={40} result={resultFor(result, 'category-add')} />
          <TextField name="description" id="category-add-description" label="Description" maxLength={300} result={resultFor(result, 'category-add')} />
          <SaveButton intent="category-add" label="Add category" />
        </Form>
      </Section>

      <Section id="segments" title="Segments and weights">
        <p className="muted">
          Segments are private to staff. In the weighted score each vote counts its voter’s segment weight; members
          without a segment count 1.
        </p>
        {segments.length ? (
          <ol className="settings-list">
            {segments.map((s, i) => {
              const mine = resultFor(result, 'segment-update', { segmentId: String(s.id) })
              return (
                <li key={s.id}>
                  <Form method="post" className="form inline-form" noValidate aria-label={`Edit segment ${s.name}`}>
                    <input type="hidden" name="intent" value="segment-update" />
                    <input type="hidden" name="segmentId" value={s.id} />
                    <FormErrors result={mine} id={`segment-${s.id}-error`} />
                    <TextField name="name" id={`segment-${s.id}-name`} label="Name" maxLength={40} defaultValue={s.name} result={mine} />
                    <TextField
                      name="weight"
                      id={`segment-${s.id}-weight`}
                      label="Weight (0–100)"
                      inputMode="decimal"
                      defaultValue={String(s.weight)}
                      result={mine}
                    />
                    <SaveButton intent="segment-update" label={`Save ${s.name}`} />
                  </Form>
                  <MoveButtons intent="segment-move" idName="segmentId" id={s.id} name={s.name} isFirst={i === 0} isLast={i === segments.length - 1} />
                </li>
              )
            })}
          </ol>
        ) : (
          <p>No segments yet.</p>
        )}
        <Form method="post" className="form" noValidate aria-label="Add a segment">
          <h3>Add a segment</h3>
          <input type="hidden" name="intent" value="segment-add" />
          <FormErrors result={resultFor(result, 'segment-add')} id="segment-add-error" />
          <TextField name="name" id="segment-add-name" label="Name" maxLength={40} result={resultFor(result, 'segment-add')} />
          <TextField name="weight" id="segment-add-weight" label="Weight (0–100)" inputMode="decimal" defaultValue="1" result={resultFor(result, 'segment-add')} />
          <SaveButton intent="segment-add" label="Add segment" />
        </Form>
      </Section>

      <Section id="vote-budget" title="Vote budget">
        <Form method="post" className="form" noValidate>
          <input type="hidden" name="intent" value="vote-budget" />
          <FormErrors result={resultFor(result, 'vote-budget')} id="vote-budget-error" />
          <CheckboxField name="enabled" id="vote-budget-enabled" label="Limit each member's open votes" defaultChecked={settings.voteBudget.enabled} />
          <TextField
            name="votesPerMember"
            id="vote-budget-votes"
            label="Open votes per member"
            hint="1 to 1000. Votes come back when an idea ships, is declined or merged."
            inputMode="numeric"
            defaultValue={String(settings.voteBudget.votesPerMember)}
            result={resultFor(result, 'vote-budget')}
          />
          <SaveButton intent="vote-budget" label="Save vote budget" />
        </Form>
      </Section>

      <Section id="premoderation" title="Pre-moderation">
        <Form method="post" className="form" noValidate>
          <input type="hidden" name="intent" value="premoderation" />
          <FormErrors result={resultFor(result, 'premoderation')} id="premoderation-error" />
          <CheckboxField
            name="enabled"
            id="premoderation-enabled"
            label="Hold new members' first posts for review"
            defaultChecked={settings.premoderation.enabled}
          />
          <TextField
            name="firstPosts"
            id="premoderation-first-posts"
            label="Posts held per new member"
            hint="1 to 20: how many of a new member's first ideas, questions and answers wait for a moderator."
            inputMode="numeric"
            defaultValue={String(settings.premoderation.firstPosts)}
            result={resultFor(result, 'premoderation')}
          />
          <SaveButton intent="premoderation" label="Save pre-moderation" />
        </Form>
      </Section>

      <Section id="email" title="E-mail">
        <Form method="post" className="form" noValidate>
          <input type="hidden" name="intent" value="email" />
          <CheckboxField name="enabled" id="email-enabled" label="Send e-mail (members still choose what they receive)" defaultChecked={settings.email.enabled} />
          <SaveButton intent="email" label="Save e-mail setting" />
        </Form>
      </Section>

      <Section id="email-verification" title="E-mail verification">
        <p className="muted">
          Members who sign up with a password get a link to confirm their e-mail address. They can read and vote before they follow it.
        </p>
        <Form method="post" className="form" noValidate>
          <input type="hidden" name="intent" value="email-verification" />
          <CheckboxField
            name="holdUnverifiedPosts"
            id="email-verification-hold"
            label="Hold the ideas, questions and answers of members who have not confirmed their address for review"
            hint="They wait in the pre-moderation queue. Applies only while e-mail is on, since otherwise no link can reach them."
            defaultChecked={settings.emailVerification.holdUnverifiedPosts}
          />
          <SaveButton intent="email-verification" label="Save e-mail verification" />
        </Form>
      </Section>

      <Section id="sso" title="Single sign-on">
        <p className="muted">
          Members can log in with your company&apos;s identity provider (OpenID Connect), or arrive already identified from your own
          app with a signed token.
        </p>
        {settings.publicUrlSet ? null : (
          <p className="notice notice-warning">
            PUBLIC_URL is not set, so the addresses below use the address this page was opened at. Set PUBLIC_URL to the
            site&apos;s public address so they stay right behind a proxy.
          </p>
        )}
        <IdentityProviders settings={settings} result={result} providerCheck={providerCheck} />
        <SsoPolicyPart settings={settings} result={result} />
        <JwtLoginPart settings={settings} result={result} generatedSecret={generatedSecret} />
      </Section>
    </div>
  )
}

const ROLE_LABELS: Record<(typeof ROLES)[number], string> = { member: 'Member', moderator: 'Moderator', product: 'Product', admin: 'Admin' }
const ROLE_OPTIONS = ROLES.map((role) => ({ value: role, label: ROLE_LABELS[role] }))

/** A checkbox's state: what a refused post sent, else what is stored. */
function checkedState(result: FormResult, name: string, stored: boolean) {
  return result ? result.fields?.[name] === 'on' : stored
}

function FieldError({ id, message }: { id: string; message: string | undefined }) {
  return message ? (
    <p id={id} className="field-error">
      {message}
    </p>
  ) : null
}

type ProviderView = SettingsData['sso']['providers'][number]

function IdentityProviders({ settings, result, providerCheck }: { settings: SettingsData; result: ActionData; providerCheck: ProviderCheck }) {
  const { providers } = settings.sso
  return (
    <section aria-labelledby="sso-providers-title" id="sso-providers">
      <h3 id="sso-providers-title">Identity providers (OpenID Connect)</h3>
      {providers.length ? (
        <ul className="settings-list">
          {providers.map((provider) => (
            <ProviderItem key={provider.id} provider={provider} settings={settings} result={result} providerCheck={providerCheck} />
          ))}
        </ul>
      ) : (
        <p>No identity provider yet.</p>
      )}
      <details open={Boolean(resultFor(result, 'provider-add'))}>
        <summary>Add an identity provider</summary>
        <ProviderForm idPrefix="provider-add" intent="provider-add" settings={settings} result={resultFor(result, 'provider-add')} />
      </details>
    </section>
  )
}

function ProviderItem({ provider, settings, result, providerCheck }: { provider: ProviderView; settings: SettingsData; result: ActionData; providerCheck: ProviderCheck }) {
  const id = String(provider.id)
  const refused = resultFor(result, 'provider-enable', { providerId: id }) ?? resultFor(result, 'provider-remove', { providerId: id })
  const edit = resultFor(result, 'provider-update', { providerId: id })
  const confirming = settings.confirmRemoveId === provider.id
  const check = providerCheck?.providerId === id ? providerCheck : null
  return (
    <li id={`provider-${id}`}>
      <article aria-labelledby={`provider-${id}-title`} className="provider">
        <h4 id={`provider-${id}-title`}>
          {provider.label}
          {provider.enabled ? null : ' (disabled)'}
        </h4>
        {/* prose: long URLs and ids wrap instead of overflowing a narrow screen. */}
        <dl className="facts prose">
          <dt>Short name</dt>
          <dd>
            <code>{provider.slug}</code>
          </dd>
          <dt>Callback URL</dt>
          <dd>
            <code>{`${settings.siteOrigin}${provider.callbackPath}`}</code>
          </dd>
          <dt>Issuer</dt>
          <dd>
            <code>{provider.issuer}</code>
          </dd>
          <dt>Client ID</dt>
          <dd>
            <code>{provider.clientId}</code>
          </dd>
          <dt>Client secret</dt>
          <dd>{provider.hasSecret ? 'Set (never shown)' : 'Not set'}</dd>
          <dt>Least role on log-in</dt>
          <dd>{ROLE_LABELS[provider.role]}</dd>
          <dt>Segment</dt>
          <dd>{provider.segment ?? 'None'}</dd>
          <dt>Link by verified e-mail</dt>
          <dd>{provider.linkVerifiedEmail ? 'Yes' : 'No'}</dd>
          <dt>Status</dt>
          <dd>{provider.enabled ? 'Enabled: its button is on the log-in page' : 'Disabled: no button, no log-ins'}</dd>
          <dt>Members connected</dt>
          <dd>{provider.memberCount}</dd>
        </dl>
        <FormErrors result={refused} id={`provider-${id}-error`} />
        <div className="inline-form">
          <Form method="post" action="/admin/settings">
            <input type="hidden" name="intent" value="provider-enable" />
            <input type="hidden" name="providerId" value={id} />
            <input type="hidden" name="enabled" value={String(!provider.enabled)} />
            <button type="submit" className="button-secondary">
              {provider.enabled ? `Disable ${provider.label}` : `Enable ${provider.label}`}
            </button>
          </Form>
          <Form method="post" action={`/admin/settings#provider-${id}`}>
            <input type="hidden" name="intent" value="provider-check" />
            <input type="hidden" name="providerId" value={id} />
            <button type="submit" className="button-secondary">{`Check connection to ${provider.label}`}</button>
          </Form>
          {confirming ? null : <Link to={`/admin/settings?remove=${id}#provider-${id}`}>{`Remove ${provider.label}…`}</Link>}
        </div>
        {check ? (
          <div className={check.ok ? 'notice' : 'notice notice-warning'} role="status">
            {check.ok ? (
              <p>
                {`Connected: ${provider.label} publishes its configuration as issuer `}
                <code>{check.issuer}</code>
                {check.supportsS256 ? ', with PKCE (S256).' : '. It does not list PKCE S256 among its methods; log-ins may fail.'}
              </p>
            ) : (
              <p>{check.message}</p>
            )}
          </div>
        ) : null}
        {confirming ? (
          <div className="notice notice-warning" role="group" aria-labelledby={`provider-${id}-remove-title`}>
            <p id={`provider-${id}-remove-title`}>
              <strong>{`Remove ${provider.label}?`}</strong>
            </p>
            <p>
              {provider.memberCount === 0
                ? 'No member has connected an account through it yet.'
                : `${provider.memberCount === 1 ? '1 member has' : `${provider.memberCount} members have`} connected an account through it. Their accounts stay, but they cannot log in through ${provider.label} until it is added again with the same issuer.`}
            </p>
            <div className="inline-form">
              <Form method="post" action="/admin/settings">
                <input type="hidden" name="intent" value="provider-remove" />
                <input type="hidden" name="providerId" value={id} />
                <button type="submit" className="button-danger">{`Yes, remove ${provider.label}`}</button>
              </Form>
              <Link to={`/admin/settings#provider-${id}`}>Cancel</Link>
            </div>
          </div>
        ) : null}
        <details open={Boolean(edit)}>
          <summary>{`Edit ${provider.label}`}</summary>
          <ProviderForm idPrefix={`provider-${id}`} intent="provider-update" settings={settings} result={edit} provider={provider} />
        </details>
      </article>
    </li>
  )
}

function ProviderForm({
  idPrefix,
  intent,
  settings,
  result,
  provider,
}: {
  idPrefix: string
  intent: 'provider-add' | 'provider-update'
  settings: SettingsData
  result: FormResult
  provider?: ProviderView
}) {
  const segmentOptions = [{ value: '', label: 'No segment' }, ...settings.segments.map((s) => ({ value: String(s.id), label: s.name }))]
  return (
    <Form method="post" action="/admin/settings" className="form" noValidate aria-label={provider ? `Edit ${provider.label}` : 'Add an identity provider'}>
      <input type="hidden" name="intent" value={intent} />
      {provider ? <input type="hidden" name="providerId" value={provider.id} /> : null}
      <FormErrors result={result} id={`${idPrefix}-error`} />
      <TextField
        name="label"
        id={`${idPrefix}-label`}
        label="Button label"
        hint="Shown on the log-in page as “Log in with …”."
        maxLength={PROVIDER_LABEL_MAX}
        defaultValue={provider?.label}
        result={result}
      />
      <TextField
        name="slug"
        id={`${idPrefix}-slug`}
        label="Short name"
        hint={`2 to ${PROVIDER_SLUG_MAX} characters: a–z, 0–9 and -. It is part of the callback URL to register at the provider: ${settings.siteOrigin}/sso/oidc/<short name>/callback.`}
        maxLength={PROVIDER_SLUG_MAX}
        autoComplete="off"
        spellCheck={false}
        defaultValue={provider?.slug}
        result={result}
      />
      <TextField
        name="issuer"
        id={`${idPrefix}-issuer`}
        type="url"
        label="Issuer URL"
        hint="The provider's issuer, such as https://login.example.com; its discovery document is read from there. http:// only for 127.0.0.1, localhost or ::1."
        autoComplete="off"
        spellCheck={false}
        defaultValue={provider?.issuer}
        result={result}
      />
      <TextField
        name="clientId"
        id={`${idPrefix}-client-id`}
        label="Client ID"
        autoComplete="off"
        spellCheck={false}
        defaultValue={provider?.clientId}
        result={result}
      />
      <TextField
        name="clientSecret"
        id={`${idPrefix}-client-secret`}
        type="password"
        label="Client secret"
        hint={provider ? 'Leave empty to keep the current secret. It is never shown.' : 'Kept write-only: it is never shown again.'}
        autoComplete="new-password"
        spellCheck={false}
        result={result}
      />
      <SelectField
        name="role"
        id={`${idPrefix}-role`}
        label="Least role on log-in"
        hint="Members who log in through this provider get at least this role. It raises a role, never lowers it."
        options={ROLE_OPTIONS}
        defaultValue={provider?.role ?? 'member'}
        result={result}
      />
      <SelectField
        name="segmentId"
        id={`${idPrefix}-segment`}
        label="Segment"
        hint="Given to members who log in through this provider and have no segment yet."
        options={segmentOptions}
        defaultValue={provider?.segmentId == null ? '' : String(provider.segmentId)}
        result={result}
      />
      <CheckboxField
        name="linkVerifiedEmail"
        id={`${idPrefix}-link-email`}
        label="Link a first login to an existing account when the provider has verified its e-mail"
        hint="Only for a provider you trust to verify addresses: whoever holds an address there gets the Summit account with that address."
        defaultChecked={checkedState(result, 'linkVerifiedEmail', provider?.linkVerifiedEmail ?? false)}
      />
      <CheckboxField
        name="enabled"
        id={`${idPrefix}-enabled`}
        label="Enabled: show its button on the log-in page"
        defaultChecked={checkedState(result, 'enabled', provider?.enabled ?? true)}
      />
      <SaveButton intent={intent} label={provider ? `Save ${provider.label}` : 'Add provider'} />
    </Form>
  )
}

const REQUIRE_CHOICES = [
  { value: 'off', label: 'Not required: passwords and identity providers both work' },
  { value: 'staff', label: 'Required for staff: moderators, product and admins log in through an identity provider' },
  { value: 'everyone', label: 'Required for everyone: no password log-ins, and the sign-up form is closed' },
] as const

function SsoPolicyPart({ settings, result }: { settings: SettingsData; result: ActionData }) {
  const mine = resultFor(result, 'sso-policy')
  const { policy } = settings.sso
  const chosen = mine?.fields?.require ?? policy.require
  const requireError = mine?.fieldErrors?.require?.[0]
  return (
    <section aria-labelledby="sso-policy-title" id="sso-policy">
      <h3 id="sso-policy-title">Who must use single sign-on</h3>
      <Form method="post" action="/admin/settings" className="form" noValidate>
        <input type="hidden" name="intent" value="sso-policy" />
        <FormErrors result={mine} id="sso-policy-error" />
        <fieldset className="choice-group" aria-describedby={requireError ? 'sso-require-error' : undefined}>
          <legend>Require single sign-on</legend>
          {REQUIRE_CHOICES.map((choice) => (
            <div className="choice" key={choice.value}>
              <input type="radio" id={`sso-require-${choice.value}`} name="require" value={choice.value} defaultChecked={chosen === choice.value} />
              <label htmlFor={`sso-require-${choice.value}`}>{choice.label}</label>
            </div>
          ))}
          <FieldError id="sso-require-error" message={requireError} />
        </fieldset>
        <TextAreaField
          name="breakGlass"
          id="sso-break-glass"
          label="Break-glass accounts"
          hint="Admins who keep their password log-in whatever the policy, for when the provider is down. Usernames, separated by commas or new lines."
          rows={3}
          defaultValue={policy.breakGlass.join('\n')}
          result={mine}
        />
        <SaveButton intent="sso-policy" label="Save single sign-on policy" />
      </Form>
    </section>
  )
}

function JwtLoginPart({ settings, result, generatedSecret }: { settings: SettingsData; result: ActionData; generatedSecret: string | null }) {
  const mine = resultFor(result, 'jwt-sso')
  const { jwt } = settings.sso
  const keyType = mine?.fields?.keyType ?? jwt.keyType
  const keyTypeError = mine?.fieldErrors?.keyType?.[0]
  return (
    <section aria-labelledby="jwt-sso-title" id="jwt-sso">
      <h3 id="jwt-sso-title">Log-in from your own app (signed JWT)</h3>
      <p className="muted">
        Your app signs a short-lived token for a customer and sends them to <code>{`${settings.siteOrigin}/sso/jwt`}</code>.
      </p>
      {generatedSecret ? (
        <div className="notice" role="status">
          <p>
            <strong>The new shared secret.</strong> Copy it into your app now: it is not shown again.
          </p>
          <p>
            <code>{generatedSecret}</code>
          </p>
          <p>Tokens signed with the previous secret no longer work.</p>
        </div>
      ) : null}
      <Form method="post" action="/admin/settings" className="form" noValidate>
        <input type="hidden" name="intent" value="jwt-sso" />
        <FormErrors result={mine} id="jwt-sso-error" />
        <CheckboxField name="enabled" id="jwt-sso-enabled" label="Accept signed-JWT log-ins" defaultChecked={checkedState(mine, 'enabled', jwt.enabled)} />
        <TextField
          name="audience"
          id="jwt-sso-audience"
          label="Audience"
          hint="The aud claim every token must carry."
          maxLength={200}
          defaultValue={jwt.audience}
          result={mine}
        />
        <fieldset className="choice-group" aria-describedby={keyTypeError ? 'jwt-key-type-error' : undefined}>
          <legend>Signing keys</legend>
          <div className="choice">
            <input type="radio" id="jwt-key-secret" name="keyType" value="secret" defaultChecked={keyType === 'secret'} />
            <label htmlFor="jwt-key-secret">A shared secret (HS256)</label>
          </div>
          <div className="choice">
            <input type="radio" id="jwt-key-jwks" name="keyType" value="jwks" defaultChecked={keyType === 'jwks'} />
            <label htmlFor="jwt-key-jwks">Public keys at a JWKS URL (RS256, ES256 or EdDSA)</label>
          </div>
          <FieldError id="jwt-key-type-error" message={keyTypeError} />
        </fieldset>
        <p id="jwt-secret-status">
          {jwt.hasSecret ? (
            <>
              A secret is set{jwt.secretSavedAt ? (
                <>
                  {' '}
                  (saved <DateTime value={jwt.secretSavedAt} />)
                </>
              ) : null}
              .
            </>
          ) : (
            'No secret is set.'
          )}
        </p>
        <TextField
          name="secret"
          id="jwt-sso-secret"
          type="password"
          label="New shared secret"
          hint="At least 32 characters. Leave empty to keep the current secret. Choosing a JWKS URL removes it."
          autoComplete="new-password"
          spellCheck={false}
          result={mine}
        />
        <TextField
          name="jwksUrl"
          id="jwt-sso-jwks-url"
          type="url"
          label="JWKS URL"
          hint="Where your app publishes its public keys. Choosing a shared secret removes it."
          autoComplete="off"
          spellCheck={false}
          defaultValue={jwt.jwksUrl ?? ''}
          result={mine}
        />
        <SaveButton intent="jwt-sso" label="Save signed-JWT log-in" />
      </Form>
      <Form method="post" action="/admin/settings" className="form">
        <input type="hidden" name="intent" value="jwt-generate-secret" />
        <p id="jwt-generate-hint" className="field-hint">
          Saves a new random secret and shows it once, for you to copy into your app.
          {jwt.hasSecret ? ' It replaces the current secret at once: tokens signed with the old one stop working.' : ''}
        </p>
        <button type="submit" className="button-secondary" aria-describedby="jwt-generate-hint">
          Generate a new secret
        </button>
      </Form>
    </section>
  )
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />
}
