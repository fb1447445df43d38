/** Labelled form controls that show their error next to them and keep what was typed. */
import { type InputHTMLAttributes, type ReactNode, type SelectHTMLAttributes, type TextareaHTMLAttributes } from 'react'

export type FormResult =
  | { ok: false; fields?: Record<string, string>; fieldErrors?: Record<string, string[] | undefined>; formErrors?: string[] }
  | null
  | undefined

/** One line of what Markdown is allowed, shown under each Markdown field. */
export const MARKDOWN_HINT = 'Markdown: **bold**, *italic*, `code`, lists and links; @username tells a member. No images or HTML.'

type FieldProps = { name: string; label: ReactNode; hint?: ReactNode; result?: FormResult; id?: string }

/** What every field shares: its id, its first error, the text kept from a refused post, and what describes it. */
function fieldState({ name, hint, result, id }: Omit<FieldProps, 'label'>, keepText = true) {
  const fieldId = id ?? `field-${name}`
  const error = result?.fieldErrors?.[name]?.[0]
  const describedBy = [hint ? `${fieldId}-hint` : null, error ? `${fieldId}-error` : null].filter(Boolean).join(' ') || undefined
  return { id: fieldId, error, kept: keepText ? result?.fields?.[name] : undefined, describedBy }
}

/** The label above, the hint under it, the control, then the error, all tied together by ids. */
function FieldShell({
  id,
  label,
  hint,
  error,
  children,
}: {
  id: string
  label: ReactNode
  hint?: ReactNode
  error?: string
  children: ReactNode
}) {
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

export function TextField({ name, label, hint, result, id: givenId, ...input }: FieldProps & InputHTMLAttributes<HTMLInputElement>) {
  // A refused password is never sent back into the page.
  const { id, error, kept, describedBy } = fieldState({ name, hint, result, id: givenId }, input.type !== 'password')
  return (
    <FieldShell id={id} label={label} hint={hint} error={error}>
      <input
        id={id}
        name={name}
        type="text"
        {...input}
        defaultValue={kept ?? input.defaultValue}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy}
      />
    </FieldShell>
  )
}

export function TextAreaField({
  name,
  label,
  hint,
  result,
  id: givenId,
  ...textarea
}: FieldProps & TextareaHTMLAttributes<HTMLTextAreaElement>) {
  const { id, error, kept, describedBy } = fieldState({ name, hint, result, id: givenId })
  return (
    <FieldShell id={id} label={label} hint={hint} error={error}>
      <textarea
        id={id}
        name={name}
        rows={5}
        {...textarea}
        defaultValue={kept ?? textarea.defaultValue}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy}
      />
    </FieldShell>
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
  const { id, error, kept, describedBy } = fieldState({ name, hint, result, id: givenId })
  return (
    <FieldShell id={id} label={label} hint={hint} error={error}>
      <select
        id={id}
        name={name}
        {...select}
        defaultValue={kept ?? select.defaultValue}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy}
      >
        {options.map((option) => (
          <option key={option.value} value={option.value}>
            {option.label}
          </option>
        ))}
      </select>
    </FieldShell>
  )
}

export function FormErrors({ result, id = 'form-error' }: { result?: FormResult; id?: string }) {
  const messages = result?.formErrors ?? []
  if (messages.length === 0) return null
  return (
    <div id={id} className="form-error" role="alert">
      {messages.map((m) => (
        <p key={m}>{m}</p>
      ))}
    </div>
  )
}
