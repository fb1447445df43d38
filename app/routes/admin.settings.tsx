/**
 * /admin/settings (admins only): site name, categories, segments and weights, vote budget,
 * pre-moderation and e-mail. Each form has its own intent and works without JavaScript; every
 * change is logged in moderation_log with the state before and after.
 */
import { type ActionFunctionArgs, data, type LoaderFunctionArgs, type MetaFunction, redirect } from '@remix-run/node'
import { Form, useActionData, useLoaderData, useNavigation } from '@remix-run/react'
import { type ReactNode } from 'react'
import { z } from 'zod'
import { GeneralErrorBoundary } from '~/components/error-boundary'
import { FormErrors, type FormResult, TextField } from '~/components/forms'
import { getDb } from '~/lib/db.server'
import { env } from '~/lib/env.server'
import { fieldFailure, parseForm, readForm } from '~/lib/forms.server'
import { orHttpError } from '~/lib/http.server'
import { requirePermission } from '~/lib/permissions.server'
import {
  addCategory,
  addSegment,
  type FieldResult,
  getSiteSettings,
  moveListItem,
  updateCategory,
  updateSegment,
  updateSiteSetting,
} from '~/models/site-admin.server'

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
}

export async function loader({ request }: LoaderFunctionArgs) {
  await requirePermission(request, 'manage:settings')
  const done = new URL(request.url).searchParams.get('done')
  return { ...getSiteSettings(getDb()), envSiteName: env().SITE_NAME, notice: done ? (NOTICES[done] ?? null) : null }
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
])

export async function action({ request }: ActionFunctionArgs) {
  const form = await readForm(request)
  const user = await requirePermission(request, 'manage:settings')
  const parsed = parseForm(form, Intent)
  const intent = String(form.get('intent') ?? '')
  if (!parsed.ok) return data({ ...parsed, intent }, { status: 400 })
  const db = getDb()
  const actorId = user.id
  const input = parsed.data
  let outcome: FieldResult = { ok: true }
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
  }
  if (!outcome.ok) return data({ ...fieldFailure(form, outcome.field, outcome.message), intent }, { status: 400 })
  const section = input.intent.startsWith('category') ? 'categories' : input.intent.startsWith('segment') ? 'segments' : input.intent
  return redirect(`/admin/settings?done=${input.intent}#${section}`)
}

type ActionData = (FormResult & { intent?: string }) | undefined

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

function CheckboxField({ name, id, label, defaultChecked }: { name: string; id: string; label: string; defaultChecked: boolean }) {
  return (
    <div className="field field-checkbox">
      <input type="checkbox" name={name} id={id} defaultChecked={defaultChecked} />
      <label htmlFor={id}>{label}</label>
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
  const result = useActionData<typeof action>()
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
          Segments are private to staff. In the weighted score each vote counts its voter's segment weight; members
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
    </div>
  )
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />
}
