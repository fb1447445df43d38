/**
 * The flag control under a post, and the flag form it opens, posting to /flag.
 *
 * The form is not in the page: under every comment and answer it was most of a member's page (31
 * forms, 38 KB of a 74 KB idea page). The page carries a link to the flag page (/flag?type&id),
 * which is what works without JavaScript; once the page is hydrated the link becomes a button that
 * opens the same form in place.
 */
import { Form } from '@remix-run/react'
import { useState } from 'react'
import { FormErrors, type FormResult } from '~/components/forms'
import { useHydrated } from './use-hydrated'

const REASONS = [
  ['spam', 'Spam'],
  ['rude', 'Rude or abusive'],
  ['off_topic', 'Off-topic'],
  ['duplicate', 'Duplicate'],
  ['other', 'Something else'],
] as const

type Target = { type: 'idea' | 'question' | 'answer' | 'comment'; id: number }

/** The fields and button; `result` brings back a refused flag with what was typed. */
export function FlagFields({
  target,
  redirectTo,
  result,
  idPrefix,
}: {
  target: Target
  redirectTo: string
  result: FormResult
  idPrefix: string
}) {
  const fields = result?.fields ?? {}
  const textError = result?.fieldErrors?.text?.[0]
  const reasonError = result?.fieldErrors?.reason?.[0]
  const base = `${idPrefix}-${target.type}-${target.id}`
  return (
    <Form method="post" action="/flag" className="form flag-form" noValidate>
      <FormErrors result={result} id={`${base}-error`} />
      <input type="hidden" name="type" value={target.type} />
      <input type="hidden" name="id" value={target.id} />
      <input type="hidden" name="redirectTo" value={redirectTo} />
      <fieldset className="field" aria-describedby={reasonError ? `${base}-reason-error` : undefined}>
        <legend>What is wrong with it?</legend>
        {REASONS.map(([value, label]) => (
          <label key={value} className="radio">
            <input type="radio" name="reason" value={value} defaultChecked={fields.reason === value} /> {label}
          </label>
        ))}
        {reasonError ? (
          <p id={`${base}-reason-error`} className="field-error">
            {reasonError}
          </p>
        ) : null}
      </fieldset>
      <div className="field">
        <label htmlFor={`${base}-text`}>Details (required for “Something else”)</label>
        <textarea
          id={`${base}-text`}
          name="text"
          rows={2}
          maxLength={500}
          defaultValue={fields.text}
          aria-invalid={textError ? true : undefined}
          aria-describedby={textError ? `${base}-text-error` : undefined}
        />
        {textError ? (
          <p id={`${base}-text-error`} className="field-error">
            {textError}
          </p>
        ) : null}
      </div>
      <button type="submit" className="button-secondary">
        Send flag
      </button>
    </Form>
  )
}

/**
 * The control shown under a post. Hidden for the post's own author and for visitors; a member
 * without the privilege sees nothing; one who already flagged it sees that.
 */
export function FlagControl({
  target,
  redirectTo,
  viewer,
}: {
  target: Target
  redirectTo: string
  viewer: {
    isOwn: boolean
    flagged: boolean
    decision: { ok: true } | { ok: false; status: number; reason: string }
  } | null
}) {
  const hydrated = useHydrated()
  const [open, setOpen] = useState(false)
  if (!viewer || viewer.isOwn) return null
  if (viewer.flagged) return <p className="muted flag-note">You flagged this {target.type}.</p>
  // Below the privilege, no control: one note under every comment would drown the page.
  if (!viewer.decision.ok) return null
  const label = (
    <>
      Flag<span className="visually-hidden"> this {target.type}</span>
    </>
  )
  if (!hydrated) {
    return (
      <a className="flag-control" href={`/flag?type=${target.type}&id=${target.id}`}>
        {label}
      </a>
    )
  }
  return (
    <div className={open ? 'flag-control flag-control-open' : 'flag-control'}>
      <button type="button" className="link-button" aria-expanded={open} onClick={() => setOpen(!open)}>
        {label}
      </button>
      {open ? <FlagFields target={target} redirectTo={redirectTo} result={null} idPrefix="flag" /> : null}
    </div>
  )
}
