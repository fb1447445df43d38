/** The fields of the webhook endpoint form, shared by the add form and an endpoint's edit form. */
import { type FormResult, SelectField, TextField } from '~/components/forms'
import { WEBHOOK_EVENTS } from '~/domain'
import { EVENT_LABELS, WEBHOOK_DESCRIPTION_MAX, WEBHOOK_URL_MAX } from '~/schemas/webhook'

export function WebhookEndpointFields({
  result,
  idPrefix,
  initial,
}: {
  result?: FormResult
  idPrefix: string
  initial?: { url: string; description: string; kind: string; events: readonly string[] }
}) {
  const keptEvents = result?.fields ? (result.fields.eventList ?? '').split(',') : null
  const chosen = new Set(keptEvents ?? initial?.events ?? ['idea.created', 'idea.status_changed'])
  const eventsError = result?.fieldErrors?.eventList?.[0]
  return (
    <>
      <TextField
        name="url"
        id={`${idPrefix}-url`}
        label="URL"
        type="url"
        hint="Summit POSTs JSON here. It must be a public address unless private targets are allowed in the settings."
        maxLength={WEBHOOK_URL_MAX}
        defaultValue={initial?.url}
        result={result}
      />
      <TextField
        name="description"
        id={`${idPrefix}-description`}
        label="Description (optional)"
        maxLength={WEBHOOK_DESCRIPTION_MAX}
        defaultValue={initial?.description}
        result={result}
      />
      <SelectField
        name="kind"
        id={`${idPrefix}-kind`}
        label="Kind"
        hint="Slack: a Slack incoming-webhook URL; messages for new ideas and status changes, without signature headers."
        options={[
          { value: 'standard', label: 'Standard Webhooks (signed JSON)' },
          { value: 'slack', label: 'Slack message' },
        ]}
        defaultValue={initial?.kind ?? 'standard'}
        result={result}
      />
      <fieldset className="choice-group" aria-describedby={eventsError ? `${idPrefix}-events-error` : undefined}>
        <legend>Events</legend>
        {WEBHOOK_EVENTS.map((event) => (
          <div key={event} className="choice">
            <input type="checkbox" id={`${idPrefix}-event-${event}`} name="events" value={event} defaultChecked={chosen.has(event)} />
            <label htmlFor={`${idPrefix}-event-${event}`}>
              {EVENT_LABELS[event]} (<code>{event}</code>)
            </label>
          </div>
        ))}
        {eventsError ? (
          <p id={`${idPrefix}-events-error`} className="field-error">
            {eventsError}
          </p>
        ) : null}
      </fieldset>
    </>
  )
}
