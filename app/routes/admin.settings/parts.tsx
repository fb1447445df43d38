/** The settings page's building blocks: its sections, save buttons, checkboxes and field errors. */
import { Form, useLoaderData, useNavigation } from '@remix-run/react'
import { type ReactNode } from 'react'
import { type FormResult } from '~/components/forms'
import type { loader } from './data.server'

export type ActionData = (FormResult & { intent?: string }) | undefined
/** The answer of "Check connection": for which provider, and what the discovery document said. */
export type ProviderCheck =
  ({ providerId: string } & ({ ok: true; issuer: string; supportsS256: boolean } | { ok: false; message: string })) | null
export type SettingsData = ReturnType<typeof useLoaderData<typeof loader>>

export function resultFor(result: ActionData, intent: string, match: Record<string, string> = {}) {
  if (!result || result.intent !== intent) return null
  return Object.entries(match).every(([k, v]) => result.fields?.[k] === v) ? result : null
}

export function Section({ id, title, children }: { id: string; title: string; children: ReactNode }) {
  return (
    <section className="card settings-section" aria-labelledby={`${id}-title`} id={id}>
      <h2 id={`${id}-title`}>{title}</h2>
      {children}
    </section>
  )
}

export function SaveButton({ intent, label }: { intent: string; label: string }) {
  const navigation = useNavigation()
  const busy = navigation.state === 'submitting' && navigation.formData?.get('intent') === intent
  return (
    <button type="submit" disabled={busy}>
      {label}
    </button>
  )
}

export function CheckboxField({
  name,
  id,
  label,
  defaultChecked,
  hint,
}: {
  name: string
  id: string
  label: string
  defaultChecked: boolean
  hint?: string
}) {
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

export function MoveButtons({
  intent,
  idName,
  id,
  name,
  isFirst,
  isLast,
}: {
  intent: string
  idName: string
  id: number
  name: string
  isFirst: boolean
  isLast: boolean
}) {
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

/** A checkbox's state: what a refused post sent, else what is stored. */
export function checkedState(result: FormResult, name: string, stored: boolean) {
  return result ? result.fields?.[name] === 'on' : stored
}

export function FieldError({ id, message }: { id: string; message: string | undefined }) {
  return message ? (
    <p id={id} className="field-error">
      {message}
    </p>
  ) : null
}
