/** Staff controls on the question page: close (with a reason, and the original for duplicates) and reopen. */
import { Form, useActionData, useNavigation } from '@remix-run/react'
import { FormErrors, TextField } from '~/components/forms'
import { CLOSE_NOTE_MAX_LENGTH } from '~/schemas/question'
import type { action } from './data.server'

function useResult(intent: string) {
  const result = useActionData<typeof action>()
  return result && 'fieldErrors' in result && result.intent === intent ? result : null
}

function useBusy(intent: string) {
  return useNavigation().formData?.get('intent') === intent
}

export function CloseForm() {
  const failed = useResult('close')
  const busy = useBusy('close')
  const reasonError = failed?.fieldErrors.reason?.[0]
  return (
    <details className="moderation-disclosure" open={failed ? true : undefined}>
      <summary>Close this question</summary>
      <Form method="post" className="form" noValidate>
        <input type="hidden" name="intent" value="close" />
        <FormErrors result={failed} id="close-form-error" />
        <div className="field">
          <label htmlFor="close-reason">Reason</label>
          <select
            id="close-reason"
            name="reason"
            defaultValue={failed?.fields.reason ?? 'duplicate'}
            aria-invalid={reasonError ? true : undefined}
            aria-describedby={reasonError ? 'close-reason-error' : undefined}
          >
            <option value="duplicate">A duplicate of another question</option>
            <option value="off_topic">Off-topic</option>
            <option value="resolved">Resolved</option>
          </select>
          {reasonError ? (
            <p id="close-reason-error" className="field-error">
              {reasonError}
            </p>
          ) : null}
        </div>
        <TextField
          id="close-duplicate-of"
          name="duplicateOf"
          label="Original question"
          hint="For duplicates: its number or its address, e.g. 42 or /questions/42."
          maxLength={2000}
          result={failed}
        />
        <TextField
          id="close-note"
          name="note"
          label="Note for the moderation log (optional)"
          maxLength={CLOSE_NOTE_MAX_LENGTH}
          result={failed}
        />
        <div>
          <button type="submit" disabled={busy}>
            Close question
          </button>
        </div>
      </Form>
    </details>
  )
}

export function ReopenForm() {
  const busy = useBusy('reopen')
  return (
    <Form method="post">
      <input type="hidden" name="intent" value="reopen" />
      <button type="submit" className="button-secondary" disabled={busy}>
        Reopen question
      </button>
    </Form>
  )
}

/** The product team turns a feature request into an idea, in the category they pick. */
export function ConvertForm({ categories }: { categories: ReadonlyArray<{ id: number; name: string }> }) {
  const failed = useResult('convert')
  const busy = useBusy('convert')
  const error = failed?.fieldErrors.categoryId?.[0]
  return (
    <details className="moderation-disclosure" open={failed ? true : undefined}>
      <summary>Turn into an idea</summary>
      <Form method="post" className="form" noValidate>
        <input type="hidden" name="intent" value="convert" />
        <p className="field-hint">
          The idea keeps the author, title, text and tags; everyone who upvoted the question becomes a voter. Answers stay here, and the
          question is closed as resolved.
        </p>
        <div className="field">
          <label htmlFor="convert-category">Category for the idea</label>
          <select
            id="convert-category"
            name="categoryId"
            defaultValue={failed?.fields.categoryId ?? ''}
            aria-invalid={error ? true : undefined}
            aria-describedby={error ? 'convert-category-error' : undefined}
          >
            <option value="">Choose a category</option>
            {categories.map((c) => (
              <option key={c.id} value={c.id}>
                {c.name}
              </option>
            ))}
          </select>
          {error ? (
            <p id="convert-category-error" className="field-error">
              {error}
            </p>
          ) : null}
        </div>
        <div>
          <button type="submit" disabled={busy}>
            Convert into an idea
          </button>
        </div>
      </Form>
    </details>
  )
}
