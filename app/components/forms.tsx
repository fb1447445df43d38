/** Labelled form controls that show their error next to them and keep what was typed. */
import { type InputHTMLAttributes, type ReactNode } from 'react'

export type FormResult =
  | { ok: false; fields?: Record<string, string>; fieldErrors?: Record<string, string[] | undefined>; formErrors?: string[] }
  | null
  | undefined

export function TextField({
  name,
  label,
  hint,
  result,
  ...input
}: { name: string; label: ReactNode; hint?: ReactNode; result?: FormResult } & InputHTMLAttributes<HTMLInputElement>) {
  const id = input.id ?? `field-${name}`
  const error = result?.fieldErrors?.[name]?.[0]
  const kept = input.type === 'password' ? undefined : result?.fields?.[name]
  const describedBy = [hint ? `${id}-hint` : null, error ? `${id}-error` : null].filter(Boolean).join(' ') || undefined
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {hint ? (
        <p id={`${id}-hint`} className="field-hint">
          {hint}
        </p>
      ) : null}
      <input
        id={id}
        name={name}
        type="text"
        {...input}
        defaultValue={kept ?? input.defaultValue}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy}
      />
      {error ? (
        <p id={`${id}-error`} className="field-error">
          {error}
        </p>
      ) : null}
    </div>
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
