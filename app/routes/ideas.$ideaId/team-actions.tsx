/** Editing the idea (its author or staff) and the product team's actions: status, response, merge. */
import { Form } from '@remix-run/react'
import { FormErrors, MARKDOWN_HINT, SelectField, TextAreaField, TextField } from '~/components/forms'
import { IDEA_BODY_MAX } from '~/schemas/idea-limits'
import { type IdeaActionData, type IdeaPageData, resultFor, useSubmitting } from './fields'

const NOTE_HINT = 'Optional, but it is what the voters, the followers and the author receive. Markdown works.'

export function EditIdeaForm({ page, result }: { page: IdeaPageData; result: IdeaActionData }) {
  const mine = resultFor(result, 'edit-idea')
  const busy = useSubmitting('edit-idea')
  const { idea, tags, categories } = page
  const categoryOptions = [{ value: '', label: 'No category' }, ...categories.map((c) => ({ value: String(c.id), label: c.name }))]
  return (
    <details className="edit-idea" open={!!mine}>
      <summary>Edit the idea</summary>
      <Form method="post" className="form" noValidate key={`${idea.title}|${idea.categoryId}|${tags.join(',')}`}>
        <input type="hidden" name="intent" value="edit-idea" />
        <FormErrors result={mine} id="edit-idea-error" />
        <TextField name="title" label="Title" hint="10 to 140 characters." maxLength={140} defaultValue={idea.title} result={mine} />
        {page.bodySource !== null && !idea.lockedAt ? (
          <TextAreaField
            name="body"
            label="Description"
            hint={`Up to ${IDEA_BODY_MAX.toLocaleString('en')} characters. ${MARKDOWN_HINT} The earlier version stays in the idea's history.`}
            rows={8}
            maxLength={IDEA_BODY_MAX}
            defaultValue={page.bodySource}
            result={mine}
          />
        ) : null}
        <SelectField
          name="categoryId"
          label="Category"
          options={categoryOptions}
          defaultValue={idea.categoryId ? String(idea.categoryId) : ''}
          result={mine}
        />
        <TextField
          name="tags"
          label="Tags"
          hint="Up to 5, separated by commas."
          maxLength={400}
          defaultValue={tags.join(', ')}
          result={mine}
        />
        {page.moderation && page.idea.authorId !== page.viewerId ? (
          <TextField name="reason" label="Why this edit (kept in the moderation log)" maxLength={500} result={mine} />
        ) : null}
        <button type="submit" disabled={busy}>
          Save the idea
        </button>
      </Form>
    </details>
  )
}

export function TeamActions({ page, result }: { page: IdeaPageData; result: IdeaActionData }) {
  const { can } = page
  return (
    <section className="team-actions card" aria-labelledby="team-actions-title">
      <h2 id="team-actions-title">
        Product team <span className="badge team-badge">Team</span>
      </h2>
      {can.changeStatus ? <StatusForm page={page} result={result} /> : null}
      {can.respond ? <ResponseForm page={page} result={result} /> : null}
      {can.merge ? <MergeForm result={result} /> : null}
    </section>
  )
}

function StatusForm({ page, result }: { page: IdeaPageData; result: IdeaActionData }) {
  const mine = resultFor(result, 'change-status')
  const busy = useSubmitting('change-status')
  return (
    <div className="team-action" aria-labelledby="change-status-title" role="group">
      <h3 id="change-status-title">Change the status</h3>
      <Form method="post" className="form form-wide" noValidate key={page.timeline.length}>
        <input type="hidden" name="intent" value="change-status" />
        <FormErrors result={mine} id="change-status-error" />
        <SelectField name="status" id="new-status" label="New status" options={page.statusOptions} result={mine} />
        <TextAreaField name="note" id="status-note" label="Official note" hint={NOTE_HINT} maxLength={5000} result={mine} />
        <button type="submit" disabled={busy}>
          Change status
        </button>
      </Form>
    </div>
  )
}

function ResponseForm({ page, result }: { page: IdeaPageData; result: IdeaActionData }) {
  const mine = resultFor(result, 'respond')
  const busy = useSubmitting('respond')
  return (
    <div className="team-action" aria-labelledby="respond-title" role="group">
      <h3 id="respond-title">Official response</h3>
      <Form method="post" className="form form-wide" noValidate key={page.officialResponse?.id ?? 0}>
        <input type="hidden" name="intent" value="respond" />
        <FormErrors result={mine} id="respond-error" />
        <TextAreaField
          name="body"
          id="response-body"
          label="Response"
          hint={[
            'Pinned on the idea and marked Team.',
            page.officialResponse ? 'It replaces the pinned response, which stays in the thread.' : null,
            'The voters, the followers and the author are notified. Markdown works.',
          ]
            .filter(Boolean)
            .join(' ')}
          maxLength={5000}
          result={mine}
        />
        <button type="submit" disabled={busy}>
          Post the official response
        </button>
      </Form>
    </div>
  )
}

function MergeForm({ result }: { result: IdeaActionData }) {
  const mine = resultFor(result, 'merge')
  const busy = useSubmitting('merge')
  return (
    <div className="team-action" aria-labelledby="merge-title" role="group">
      <h3 id="merge-title">Merge into another idea</h3>
      <p className="muted">
        The votes and followers of this idea move to the other one (nobody is counted twice), and this page then leads there. Its comments
        stay readable. A merge cannot be undone.
      </p>
      <Form method="post" className="form form-wide" noValidate>
        <input type="hidden" name="intent" value="merge" />
        <FormErrors result={mine} id="merge-error" />
        <TextField name="target" label="The idea to merge into" hint="Its number (#123) or its link." maxLength={300} result={mine} />
        <TextAreaField name="note" id="merge-note" label="Note for the voters" hint={NOTE_HINT} maxLength={5000} result={mine} />
        <button type="submit" disabled={busy}>
          Merge this idea
        </button>
      </Form>
    </div>
  )
}
