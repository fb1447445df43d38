/**
 * The idea page (/ideas/:ideaId) as one viewer sees it: getIdeaPage's idea, timeline and
 * discussion (kept until the next write, with only the viewer's own rows read per request), and
 * what this viewer may do on it, each decided once here. The route's loader parses the address,
 * gets the viewer and returns this.
 */
import { type Db } from '~/lib/db.server'
import { publicOrigin } from '~/lib/env.server'
import { IDEA_STATUS_LABELS } from '~/lib/labels'
import { type Cursor } from '~/lib/pagination.server'
import { type Actor, check } from '~/lib/permissions'
import { COMMENT_EDIT_WINDOW_MS, isCommentEditWindowOpen } from './comments.server'
import { listIdeaCompanies } from './companies.server'
import { flaggedByViewer } from './flags.server'
import { getIdeaBodySource } from './idea-edit.server'
import { listIdeaLinks } from './idea-links.server'
import { listIdeaNotes } from './idea-notes.server'
import { listCategories } from './categories.server'
import { SETTABLE_STATUSES } from './idea-status.server'
import { getIdeaPage } from './ideas.server'
import { countPendingSuggestedEdits } from './suggested-edits.server'
import { getVoteBudgetState, ideaVoteState } from './votes.server'

/** The notice shown after an action of the page, named by its `done` query parameter. */
const NOTICES = {
  status: 'The status was changed. The voters, the followers and the author were notified.',
  response: 'Your official response is pinned on the idea. The voters, the followers and the author were notified.',
  edited: 'The idea was saved.',
  note: 'Your internal note was added. Only the team sees it.',
} as const

export type IdeaPageRequest = {
  ideaId: number
  /** The older comments' page (`?before=`). */
  commentsBefore: Cursor | null
  /** A merged idea itself rather than a redirect to its target (`?show=merged`). */
  showMerged: boolean
  /** The idea just merged into this one (`?merged=`), for the notice that says so. */
  mergedId: number
  /** The action just done (`?done=`), for its notice. */
  done: string | null
}

/**
 * Everything the idea page shows this viewer, or `{ redirectTo }` for a merged idea (throws
 * NotFoundError for an idea they may not see). Staff-only parts (internal notes, companies,
 * tracker links, the moderators' menu) are in the data only of viewers who may see them.
 */
export function getIdeaPageView(db: Db, viewer: Actor | null, request: IdeaPageRequest) {
  const { ideaId } = request
  const moderate = check(viewer, 'moderate:post').ok
  const page = getIdeaPage(db, {
    ideaId,
    viewerId: viewer?.id ?? null,
    commentsBefore: request.commentsBefore,
    showMerged: request.showMerged,
    staffView: moderate,
  })
  if ('redirectTo' in page) return { redirectTo: page.redirectTo } as const
  const { idea } = page
  const merged = idea.status === 'merged'
  const editing = ideaEditing(db, viewer, idea, merged)
  const presentComment = commentPresenter(viewer, { takesComments: !idea.lockedAt && !merged })
  const flagDecision = check(viewer, 'flag:post')
  const flagged =
    viewer && flagDecision.ok
      ? [
          ...flaggedByViewer(db, viewer.id, [
            { type: 'idea', id: idea.id },
            ...page.comments.map((c) => ({ type: 'comment' as const, id: c.id })),
          ]),
        ]
      : []
  const budget = viewer ? getVoteBudgetState(db, viewer.id) : null
  const { loginFirst, reason, note } = ideaVoteState(viewer, { ...idea, viewerVoted: page.viewer?.voted ?? false }, budget)
  return {
    ...page,
    vote: { loginFirst, reason, note, open: !merged },
    officialResponse: page.officialResponse ? presentComment(page.officialResponse) : null,
    comments: page.comments.map(presentComment),
    mergedNotice: page.mergedFrom.find((m) => m.id === request.mergedId) ?? null,
    notice: request.done && request.done in NOTICES ? NOTICES[request.done as keyof typeof NOTICES] : null,
    // Absolute only with PUBLIC_URL; else the path, which the page completes in the browser.
    shareUrl: `${publicOrigin() ?? ''}/ideas/${idea.id}`,
    viewerId: viewer?.id ?? null,
    flagging: viewer ? { decision: flagDecision, flagged } : null,
    moderation: moderate
      ? {
          categories: listCategories(db).map(({ id, name }) => ({ id, name })),
          state: { hidden: !!idea.hiddenAt, hiddenReason: idea.hiddenReason, deleted: false, locked: !!idea.lockedAt },
        }
      : null,
    commentEditMinutes: COMMENT_EDIT_WINDOW_MS / 60_000,
    can: {
      comment: check(viewer, 'comment:idea'),
      follow: check(viewer, 'follow:idea'),
      changeStatus: check(viewer, 'change-status:idea').ok,
      respond: check(viewer, 'respond:idea').ok,
      merge: check(viewer, 'merge:idea').ok,
      editIdea: editing.canEdit,
    },
    suggestedEdits: editing.suggestedEdits,
    // The author sees why they can no longer edit; nobody else needs to.
    editRefusal: !editing.canEdit && viewer?.id === idea.authorId ? idea.authorEditRefusal : null,
    categories: editing.canEdit ? listCategories(db) : [],
    // The description's Markdown: only for those who may edit it.
    bodySource: editing.canEdit ? getIdeaBodySource(db, idea.id) : null,
    // Staff-only: sent to the page only for viewers who may write internal notes.
    internalNotes: check(viewer, 'note:idea').ok ? listIdeaNotes(db, idea.id) : null,
    // Company names, plans and revenue: only in the page data of viewers who may see them.
    companies: check(viewer, 'view:companies').ok ? listIdeaCompanies(db, idea.id) : null,
    // Links to the tracker: only in the page data of the product team.
    trackerLinks: check(viewer, 'link:idea').ok ? listIdeaLinks(db, idea.id) : null,
    statusOptions: [
      { value: '', label: 'Choose a status' },
      ...SETTABLE_STATUSES.filter((s) => s !== idea.status).map((s) => ({ value: s, label: IDEA_STATUS_LABELS[s] })),
    ],
  }
}

/**
 * Who may edit the idea (staff, or its author while ideaAuthorEditRefusal allows), and the
 * suggested edits: who may suggest one, who may review them, how many wait.
 */
function ideaEditing(
  db: Db,
  viewer: Actor | null,
  idea: { id: number; authorId: number; lockedAt: Date | null; authorEditRefusal: string | null },
  merged: boolean,
) {
  const staffMayEdit = check(viewer, 'update:idea').ok
  const authorMayEdit = check(viewer, 'update:idea', idea).ok && idea.authorId === viewer?.id && !idea.authorEditRefusal
  const isEditable = !merged && !idea.lockedAt
  const pending = viewer ? countPendingSuggestedEdits(db, [{ type: 'idea', id: idea.id }], viewer.id).get(`idea:${idea.id}`) : null
  return {
    canEdit: !merged && (staffMayEdit || authorMayEdit),
    suggestedEdits: {
      canSuggest: isEditable && !staffMayEdit && check(viewer, 'suggest-edit:post', idea).ok,
      canReview: check(viewer, 'review:suggested-edit', idea).ok,
      ...(pending ?? { pending: 0, isViewerPending: false }),
    },
  }
}

/**
 * A comment as this viewer gets it: whether they may edit it (moderators any; members their own,
 * within the edit window, while the idea takes comments), and its Markdown source only if so.
 */
function commentPresenter(viewer: Actor | null, { takesComments }: { takesComments: boolean }) {
  const mayEditAny = check(viewer, 'update:comment').ok
  const mayEditOwn = !!viewer && check(viewer, 'update:comment', { authorId: viewer.id }).ok
  const now = new Date()
  return <T extends { authorId: number; bodyMd: string; createdAt: Date }>({ authorId, bodyMd, ...comment }: T) => {
    const canEdit =
      mayEditAny || (mayEditOwn && authorId === viewer?.id && takesComments && isCommentEditWindowOpen(comment.createdAt, now))
    return { ...comment, canEdit, isOwn: authorId === viewer?.id, bodyMd: canEdit ? bodyMd : null } // the source only goes to who may edit it
  }
}
