/**
 * Pieces the idea page's sections share: which form an action's answer belongs to, a labelled
 * textarea and select (forms.tsx has only TextField yet; same error, hint and kept-text
 * behaviour), a timestamp and an author's name with the Team badge.
 */
import { useNavigation } from '@remix-run/react'
import { type ReactNode, type SelectHTMLAttributes, type TextareaHTMLAttributes } from 'react'
import { type FormResult } from '~/components/forms'
import { TeamBadge } from '~/components/team-badge'
import { type Role } from '~/lib/permissions'

/** What a refused form post returned: the text typed, a message per field, and which form it was. */
export type IdeaActionData = (FormResult & { intent?: string }) | undefined

/** The action's answer, when it belongs to the form of `intent` (and, for several alike, `match`). */
export function resultFor(result: IdeaActionData, intent: string, match: Record<string, string> = {}) {
  if (!result || result.intent !== intent) return null
  return Object.entries(match).every(([name, value]) => result.fields?.[name] === value) ? result : null
}

/** True while the form of `intent` (and, for several alike, `match`) is being submitted. */
export function useSubmitting(intent: string, match: Record<string, string> = {}) {
  const navigation = useNavigation()
  const form = navigation.state === 'submitting' ? navigation.formData : null
  return !!form && form.get('intent') === intent && Object.entries(match).every(([name, value]) => form.get(name) === value)
}

type FieldProps = { name: string; label: ReactNode; hint?: ReactNode; result?: FormResult; id?: string }

function describe(id: string, hint: ReactNode, error: string | undefined) {
  return [hint ? `${id}-hint` : null, error ? `${id}-error` : null].filter(Boolean).join(' ') || undefined
}

type MessagesProps = { id: string; label: ReactNode; hint?: ReactNode; error?: string; children: ReactNode }

function FieldMessages({ id, hint, error, children, label }: MessagesProps) {
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {hint ? (
        <p id={`${id}-hint`} className="field-hint">
          {hint}
        </p>
      ) : null}
      {children}
      {error ? (
        <p id={`${id}-error`} className="field-error">
          {error}
        </p>
      ) : null}
    </div>
  )
}

export function TextAreaField({ name, label, hint, result, id: givenId, ...textarea }: FieldProps & TextareaHTMLAttributes<HTMLTextAreaElement>) {
  const id = givenId ?? `field-${name}`
  const error = result?.fieldErrors?.[name]?.[0]
  return (
    <FieldMessages id={id} hint={hint} error={error} label={label}>
      <textarea
        id={id}
        name={name}
        rows={5}
        {...textarea}
        defaultValue={result?.fields?.[name] ?? textarea.defaultValue}
        aria-invalid={error ? true : undefined}
        aria-describedby={describe(id, hint, error)}
      />
    </FieldMessages>
  )
}

export function SelectField({
  name,
  label,
  hint,
  result,
  id: givenId,
  options,
  ...select
}: FieldProps & { options: ReadonlyArray<{ value: string; label: string }> } & SelectHTMLAttributes<HTMLSelectElement>) {
  const id = givenId ?? `field-${name}`
  const error = result?.fieldErrors?.[name]?.[0]
  return (
    <FieldMessages id={id} hint={hint} error={error} label={label}>
      <select
        id={id}
        name={name}
        {...select}
        defaultValue={result?.fields?.[name] ?? select.defaultValue}
        aria-invalid={error ? true : undefined}
        aria-describedby={describe(id, hint, error)}
      >
        {options.map((option) => (
          <option key={option.value} value={option.value}>
            {option.label}
          </option>
        ))}
      </select>
    </FieldMessages>
  )
}

const TIMESTAMP_FORMAT = new Intl.DateTimeFormat('en', {
  year: 'numeric',
  month: 'short',
  day: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
  timeZone: 'UTC',
})

/** A date with its time of day, in UTC so the server and the browser print the same. */
export function Timestamp({ value }: { value: string | Date }) {
  const date = typeof value === 'string' ? new Date(value) : value
  return <time dateTime={date.toISOString()}>{TIMESTAMP_FORMAT.format(date)} UTC</time>
}

/** A name, with the Team badge after it for staff (and no stray space for members). */
export function AuthorName({ name, role, className }: { name: string; role: Role; className?: string }) {
  return (
    <>
      <span className={className}>{name}</span>
      {role === 'member' ? null : (
        <>
          {' '}
          <TeamBadge role={role} />
        </>
      )}
    </>
  )
}
