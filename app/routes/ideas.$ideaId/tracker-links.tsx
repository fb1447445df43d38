/**
 * The product team's panel of links from the idea to work items in their tracker: each link with
 * its state, a form to change the state, one to remove it, and one to add a link. The loader sends
 * links only to viewers who may 'link:idea', so members and visitors never see this panel or the
 * links. Every form is a plain post (intents add-link, update-link, remove-link).
 */
import { Form } from '@remix-run/react'
import { FormErrors, TextField } from '~/components/forms'
import { LINK_STATE_MAX, LINK_TITLE_MAX, LINK_URL_MAX } from '~/schemas/idea-link'
import { type IdeaActionData, type IdeaPageData, resultFor, useSubmitting } from './fields'

type Links = NonNullable<IdeaPageData['trackerLinks']>

export function TrackerLinks({ links, result }: { links: Links; result: IdeaActionData }) {
  const added = resultFor(result, 'add-link')
  const adding = useSubmitting('add-link')
  return (
    <section className="card" aria-labelledby="tracker-links-title" id="tracker-links">
      <h2 id="tracker-links-title">
        Tracker links <span className="badge team-badge">Team</span>
      </h2>
      <p className="muted">
        Work items in your tracker for this idea. Only the product team sees them; an inbound hook can update their state.
      </p>
      {links.length ? (
        <div className="table-scroll" role="region" aria-labelledby="tracker-links-caption" tabIndex={0}>
          <table className="admin-table">
            <caption id="tracker-links-caption">Linked work items</caption>
            <thead>
              <tr>
                <th scope="col">Work item</th>
                <th scope="col">State</th>
                <th scope="col">Change</th>
              </tr>
            </thead>
            <tbody>
              {links.map((link) => (
                <LinkRow key={link.id} link={link} result={result} />
              ))}
            </tbody>
          </table>
        </div>
      ) : (
        <p>No links yet.</p>
      )}
      <Form method="post" className="form" noValidate key={links.length} aria-labelledby="add-link-title">
        <h3 id="add-link-title">Link a work item</h3>
        <input type="hidden" name="intent" value="add-link" />
        <FormErrors result={added} id="add-link-error" />
        <TextField
          name="url"
          id="add-link-url"
          label="Address (URL)"
          hint="The issue’s http or https address."
          maxLength={LINK_URL_MAX}
          inputMode="url"
          result={added}
        />
        <TextField name="title" id="add-link-title-field" label="Title" maxLength={LINK_TITLE_MAX} result={added} />
        <TextField
          name="state"
          id="add-link-state"
          label="State"
          hint="As the tracker says it: open, closed, Done … Optional."
          maxLength={LINK_STATE_MAX}
          result={added}
        />
        <button type="submit" className="button-secondary" disabled={adding}>
          Add link
        </button>
      </Form>
    </section>
  )
}

function LinkRow({ link, result }: { link: Links[number]; result: IdeaActionData }) {
  const match = { linkId: String(link.id) }
  const mine = resultFor(result, 'update-link', match)
  const saving = useSubmitting('update-link', match)
  const removing = useSubmitting('remove-link', match)
  return (
    <tr id={`link-${link.id}`}>
      <td>
        <a href={link.url} rel="noopener noreferrer">
          {link.title}
        </a>
      </td>
      <td>{link.state || <span className="muted">none</span>}</td>
      <td>
        <Form method="post" className="form inline-form" noValidate key={link.state} aria-label={`Change the state of ${link.title}`}>
          <input type="hidden" name="intent" value="update-link" />
          <input type="hidden" name="linkId" value={link.id} />
          <TextField
            name="state"
            id={`link-${link.id}-state`}
            label="New state"
            maxLength={LINK_STATE_MAX}
            defaultValue={link.state}
            result={mine}
          />
          <button type="submit" className="button-secondary" disabled={saving}>
            Save state<span className="visually-hidden"> of {link.title}</span>
          </button>
        </Form>
        <Form method="post" className="inline-form" aria-label={`Remove ${link.title}`}>
          <input type="hidden" name="intent" value="remove-link" />
          <input type="hidden" name="linkId" value={link.id} />
          <button type="submit" className="button-danger" disabled={removing}>
            Remove<span className="visually-hidden"> {link.title}</span>
          </button>
        </Form>
      </td>
    </tr>
  )
}
