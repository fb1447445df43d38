/**
 * Beside a post's edit link: "Suggest an edit" for a member who may not edit it directly, a note
 * when their suggestion is waiting, and for whoever may review, how many suggestions are pending.
 */
import { Link } from '@remix-run/react'

export type SuggestedEditState = {
  /** The viewer may suggest an edit (and may not edit directly). */
  canSuggest: boolean
  /** The viewer may review this post's suggestions. */
  canReview: boolean
  pending: number
  isViewerPending: boolean
}

export function SuggestedEditLinks({ type, id, state }: { type: 'idea' | 'question' | 'answer'; id: number; state: SuggestedEditState }) {
  return (
    <>
      {state.isViewerPending ? (
        <span className="muted">Your suggested edit is waiting for review</span>
      ) : state.canSuggest ? (
        <Link to={`/suggest-edit/${type}/${id}`}>Suggest an edit</Link>
      ) : null}
      {state.canReview && state.pending > 0 ? (
        <Link to="/review/edits">
          {state.pending} suggested {state.pending === 1 ? 'edit' : 'edits'} pending
        </Link>
      ) : null}
    </>
  )
}
