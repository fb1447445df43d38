/**
 * The staff-only panel of internal notes on an idea. The idea page's loader sends notes only to
 * viewers who may write them ('note:idea'), so this never renders for anyone else.
 */
import { Form, useNavigation } from '@remix-run/react'
import { FormErrors, type FormResult, MARKDOWN_HINT, TextAreaField } from './forms'

type Note = { id: number; bodyHtml: string; createdAt: string | Date; authorName: string }

const STAMP = new Intl.DateTimeFormat('en', {
  year: 'numeric',
  month: 'short',
  day: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
  timeZone: 'UTC',
})

export function InternalNotes({ notes, total, result }: { notes: Note[]; total: number; result: FormResult }) {
  const navigation = useNavigation()
  const busy = navigation.state === 'submitting' && navigation.formData?.get('intent') === 'internal-note'
  return (
    <section className="internal-notes card" aria-labelledby="internal-notes-title" id="internal-notes">
      <h2 id="internal-notes-title">Internal notes</h2>
      <p className="muted">Only the team sees these notes: never members, search, feeds or exports.</p>
      {notes.length ? (
        <ol className="note-list">
          {total > notes.length ? <li className="muted">{total - notes.length} older notes are not shown.</li> : null}
          {notes.map((note) => {
            const at = typeof note.createdAt === 'string' ? new Date(note.createdAt) : note.createdAt
            return (
              <li key={note.id} id={`note-${note.id}`}>
                <p className="post-meta">
                  {note.authorName}, <time dateTime={at.toISOString()}>{STAMP.format(at)} UTC</time>
                </p>
                <div className="prose" dangerouslySetInnerHTML={{ __html: note.bodyHtml /* sanitized on write */ }} />
              </li>
            )
          })}
        </ol>
      ) : (
        <p>No notes yet.</p>
      )}
      <Form method="post" className="form form-wide" noValidate key={total}>
        <input type="hidden" name="intent" value="internal-note" />
        <FormErrors result={result} id="internal-note-error" />
        <TextAreaField
          name="body"
          id="internal-note-body"
          label="Add an internal note"
          hint={MARKDOWN_HINT}
          maxLength={5000}
          rows={3}
          result={result}
        />
        <button type="submit" className="button-secondary" disabled={busy}>
          Add note
        </button>
      </Form>
    </section>
  )
}
