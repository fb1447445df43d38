/** Following an idea, and a link to share it. */
import { Form, Link, useLocation } from '@remix-run/react'
import { useEffect, useState } from 'react'
import { type IdeaPageData, useSubmitting } from './fields'

export function FollowBox({ page }: { page: IdeaPageData }) {
  const location = useLocation()
  const busy = useSubmitting('follow')
  const { viewer, can } = page
  const follows = !!viewer?.follows
  return (
    <div className="follow-box" id="follow">
      <h2 className="tool-title">Follow</h2>
      {can.follow.ok ? (
        <>
          <p className="field-hint">
            {follows
              ? 'You follow this idea: you will hear about every status change.'
              : viewer?.voted
                ? 'You voted for this idea, so you will hear about its status changes anyway.'
                : 'Hear about every status change of this idea without voting for it.'}
          </p>
          <Form method="post" preventScrollReset>
            <input type="hidden" name="intent" value="follow" />
            <input type="hidden" name="following" value={follows ? 'false' : 'true'} />
            <button type="submit" className={follows ? 'button-secondary' : undefined} disabled={busy}>
              {follows ? 'Unfollow' : 'Follow'}
            </button>
          </Form>
        </>
      ) : can.follow.status === 401 ? (
        <p className="field-hint">
          <Link to={`/login?${new URLSearchParams({ redirectTo: `${location.pathname}#follow` })}`}>Log in</Link> to follow this idea.
        </p>
      ) : (
        <p className="field-hint">{can.follow.reason}</p>
      )}
    </div>
  )
}

/**
 * The idea's address in a read-only field anyone can select and copy, and as a plain link. The
 * Copy button appears only once scripts run: a progressive enhancement, never the only way.
 */
export function ShareLink({ url: given }: { url: string }) {
  const [canCopy, setCanCopy] = useState(false)
  const [message, setMessage] = useState('')
  // Without PUBLIC_URL the server sends the path alone (never a host taken from the request);
  // the browser knows the address it is on.
  const [url, setUrl] = useState(given)
  useEffect(() => setUrl(new URL(given, window.location.href).href), [given])
  useEffect(() => setCanCopy(typeof navigator.clipboard?.writeText === 'function'), [])
  async function copy() {
    try {
      await navigator.clipboard.writeText(url)
      setMessage('Link copied.')
    } catch {
      setMessage('Could not copy. Select the link and copy it yourself.')
    }
  }
  return (
    <div className="share-box">
      <h2 className="tool-title">Share</h2>
      <div className="field">
        <label htmlFor="share-url">Link to this idea</label>
        <div className="share-row">
          <input id="share-url" type="text" readOnly value={url} onFocus={(event) => event.currentTarget.select()} />
          {canCopy ? (
            <button type="button" className="button-secondary" onClick={copy}>
              Copy<span className="visually-hidden"> the link</span>
            </button>
          ) : null}
        </div>
      </div>
      <p className="field-hint">
        <a href={url}>Permanent link</a>
      </p>
      <p className="copy-status" role="status">
        {message}
      </p>
    </div>
  )
}
