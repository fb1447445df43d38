/**
 * Up/down votes on a question or an answer, with the score between them.
 *
 * A real form: each button posts the state it wants (`value=1|-1|0`), so a replayed or
 * double-clicked request cannot flip the vote back. Without JavaScript the form posts and the page
 * redirects back (post/redirect/get); with it, a fetcher posts and the new score shows at once.
 * The `respond` field, added only once the page is hydrated, asks the action for data instead of a
 * redirect. A refused vote (`check()` said no) disables its button and shows the reason; a
 * logged-out visitor's vote leads to the login page.
 */
import { useFetcher } from '@remix-run/react'
import { type Decision } from '~/lib/permissions'
import { useHydrated } from './use-hydrated'

export type VoteValue = -1 | 0 | 1

function pendingValue(formData: FormData | undefined): VoteValue | null {
  const value = formData?.get('value')
  return value === '1' ? 1 : value === '-1' ? -1 : value === '0' ? 0 : null
}

/** A refusal worth explaining (403): a logged-out visitor (401) may press and is asked to log in. */
const refused = (decision: Decision) => !decision.ok && decision.status === 403

export function VoteControl({
  target,
  targetId,
  score,
  viewerVote,
  up,
  down,
  isOwn,
  label,
  breakdown = null,
}: {
  target: 'question' | 'answer'
  targetId: number
  score: number
  viewerVote: VoteValue
  up: Decision
  down: Decision
  /** The viewer wrote the post: only the score is shown. */
  isOwn: boolean
  label: string
  /** The upvotes and downvotes behind the score, for viewers with the privilege; null hides them. */
  breakdown?: { up: number; down: number } | null
}) {
  const fetcher = useFetcher({ key: `vote-${target}-${targetId}` })
  const hydrated = useHydrated()
  const pending = pendingValue(fetcher.formData)
  const current = pending ?? viewerVote
  // A refused vote (too fast, the database busy) is said beside the buttons; the score stays.
  const answer = fetcher.state === 'idle' ? (fetcher.data as { ok: boolean; error?: string } | undefined) : undefined
  const error = answer && !answer.ok ? (answer.error ?? 'Your vote could not be counted.') : null
  const errorId = `${target}-${targetId}-vote-error`
  const shownScore = score - viewerVote + current
  const scoreId = `${target}-${targetId}-score`
  // Each refused button is described by its own reason ("You need 125 reputation to downvote."),
  // shown as visible text too.
  const upReasonId = `${target}-${targetId}-upvote-reason`
  const downReasonId = `${target}-${targetId}-downvote-reason`
  const upReason = refused(up) && !up.ok ? up.reason : null
  const downReason = refused(down) && !down.ok ? down.reason : null

  if (isOwn) {
    return (
      <div className="vote-control" role="group" aria-label={label}>
        <span className="vote-score" id={scoreId}>
          <strong>{score}</strong> <span className="vote-score-label">{Math.abs(score) === 1 ? 'vote' : 'votes'}</span>
        </span>
        <Breakdown breakdown={breakdown} />
      </div>
    )
  }
  return (
    <fetcher.Form method="post" className="vote-control" role="group" aria-label={label}>
      <input type="hidden" name="intent" value="vote" />
      <input type="hidden" name="target" value={target} />
      <input type="hidden" name="targetId" value={targetId} />
      {hydrated ? <input type="hidden" name="respond" value="data" /> : null}
      <button
        type="submit"
        name="value"
        value={current === 1 ? '0' : '1'}
        className="vote-button"
        aria-pressed={current === 1}
        disabled={refused(up) && current !== 1 /* taking a vote back needs no privilege */}
        aria-describedby={upReason ? upReasonId : undefined}
      >
        <svg aria-hidden="true" focusable="false" width="18" height="18" viewBox="0 0 20 20">
          <path d="M10 4 L18 15 L2 15 Z" fill="currentColor" />
        </svg>
        <span className="visually-hidden">Upvote</span>
      </button>
      <span className="vote-score" id={scoreId}>
        <strong>{shownScore}</strong> <span className="vote-score-label">{Math.abs(shownScore) === 1 ? 'vote' : 'votes'}</span>
      </span>
      <button
        type="submit"
        name="value"
        value={current === -1 ? '0' : '-1'}
        className="vote-button"
        aria-pressed={current === -1}
        disabled={refused(down) && current !== -1}
        aria-describedby={downReason ? (downReason === upReason ? upReasonId : downReasonId) : undefined}
      >
        <svg aria-hidden="true" focusable="false" width="18" height="18" viewBox="0 0 20 20">
          <path d="M10 16 L18 5 L2 5 Z" fill="currentColor" />
        </svg>
        <span className="visually-hidden">Downvote</span>
      </button>
      <Breakdown breakdown={breakdown} />
      {upReason ? (
        <small id={upReasonId} className="vote-reason">
          {upReason}
        </small>
      ) : null}
      {downReason && downReason !== upReason ? (
        <small id={downReasonId} className="vote-reason">
          {downReason}
        </small>
      ) : null}
      {error ? (
        <small id={errorId} className="vote-error" role="alert">
          {error}
        </small>
      ) : null}
    </fetcher.Form>
  )
}

/** "+12 / −3" under a score: what it is made of (read out as "12 up, 3 down"). */
function Breakdown({ breakdown }: { breakdown: { up: number; down: number } | null }) {
  if (!breakdown) return null
  return (
    <small className="vote-breakdown">
      <span aria-hidden="true">
        +{breakdown.up} / −{breakdown.down}
      </span>
      <span className="visually-hidden">
        {breakdown.up} up, {breakdown.down} down
      </span>
    </small>
  )
}
