/**
 * The vote toggle of an idea, in lists and on the idea page. A real form posting to
 * /ideas/:id/vote: without JavaScript it posts and the page comes back; with it, a fetcher posts
 * and the button shows the new state and count at once (from the pending form data), then the
 * page's loaders confirm them. The form names the state wanted, so a double click cannot undo itself.
 */
import { useFetcher, useLocation } from '@remix-run/react'
import { useId } from 'react'
import type { action } from '~/routes/ideas.$ideaId.vote'

export type VoteButtonProps = {
  ideaId: number
  voted: boolean
  voteCount: number
  /** Why the visitor cannot vote (a check() refusal, a locked idea, a spent budget), or null. */
  reason?: string | null
  /**
   * The only refusal is "log in first": the button still submits, and the endpoint sends the
   * visitor to the login page and back here.
   */
  loginFirst?: boolean
  /**
   * The id of an element elsewhere on the page that already shows `reason` (a list shows a spent
   * budget once, above the rows); the button points at it instead of repeating the sentence.
   */
  reasonId?: string
  /** Where a post without JavaScript (or a visitor after logging in) comes back to; this page by default. */
  redirectTo?: string
  /** A short line under the button, e.g. "3 of 10 votes left". */
  note?: string | null
}

const votes = (n: number) => `${n} ${n === 1 ? 'vote' : 'votes'}`

export function VoteButton(props: VoteButtonProps) {
  const { ideaId, voted, voteCount, reason = null, loginFirst = false, reasonId, redirectTo, note = null } = props
  const fetcher = useFetcher<typeof action>()
  const location = useLocation()
  const id = useId()
  const blocked = reason != null && !loginFirst
  // Optimistic: while the post (and the reload of the page's data after it) is under way, show the
  // state it asked for. A visitor on the way to the login page has not voted yet.
  const pending = loginFirst ? null : fetcher.formData?.get('voted')
  const shownVoted = pending === 'true' ? true : pending === 'false' ? false : voted
  const shownCount = Math.max(0, voteCount + (shownVoted === voted ? 0 : shownVoted ? 1 : -1))
  const answer = fetcher.state === 'idle' ? fetcher.data : undefined
  const error = answer && !answer.ok ? answer.error : null

  const ownReasonId = blocked && !reasonId ? `${id}-reason` : undefined
  const describedBy = [blocked ? (reasonId ?? ownReasonId) : null, note ? `${id}-note` : null, error ? `${id}-error` : null]
    .filter(Boolean)
    .join(' ')
  return (
    <fetcher.Form method="post" action={`/ideas/${ideaId}/vote`} className="vote-form">
      <input type="hidden" name="voted" value={String(!shownVoted)} />
      <input type="hidden" name="redirectTo" value={redirectTo ?? `${location.pathname}${location.search}`} />
      <button
        type="submit"
        className={shownVoted ? 'vote-button is-voted' : 'vote-button'}
        aria-pressed={shownVoted}
        aria-label={shownVoted ? `Remove your vote (${votes(shownCount)})` : `Vote for this idea (${votes(shownCount)})`}
        aria-describedby={describedBy || undefined}
        disabled={blocked}
      >
        <span className="vote-icon" aria-hidden="true">
          {shownVoted ? '✓' : '▲'}
        </span>
        <strong>{shownCount}</strong> {shownCount === 1 ? 'vote' : 'votes'}
      </button>
      {ownReasonId ? (
        <small id={ownReasonId} className="vote-reason">
          {reason}
        </small>
      ) : null}
      {note ? (
        <small id={`${id}-note`} className="vote-note">
          {note}
        </small>
      ) : null}
      {error ? (
        <small id={`${id}-error`} className="vote-error" role="alert">
          {error}
        </small>
      ) : null}
    </fetcher.Form>
  )
}
