/** Form controls of the Q&A pages: a labelled Markdown textarea that keeps its text and shows its error. */
import { type ReactNode, type TextareaHTMLAttributes } from 'react'
import { type FormResult } from './forms'

export function TextAreaField({
  name,
  label,
  hint,
  result,
  id: givenId,
  ...textarea
}: { name: string; label: ReactNode; hint?: ReactNode; result?: FormResult } & TextareaHTMLAttributes<HTMLTextAreaElement>) {
  const id = givenId ?? `field-${name}`
  const error = result?.fieldErrors?.[name]?.[0]
  const kept = result?.fields?.[name]
  const describedBy = [hint ? `${id}-hint` : null, error ? `${id}-error` : null].filter(Boolean).join(' ') || undefined
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {hint ? (
        <p id={`${id}-hint`} className="field-hint">
          {hint}
        </p>
      ) : null}
      <textarea
        id={id}
        name={name}
        {...textarea}
        defaultValue={kept ?? textarea.defaultValue}
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

/** One line of what Markdown is allowed, shown under each Markdown field. */
export const MARKDOWN_HINT = 'Markdown: **bold**, *italic*, `code`, lists and links. No images or HTML.'
