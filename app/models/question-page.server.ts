/**
 * The question page (/questions/:questionId) as one viewer sees it: it counts the view, then
 * gathers getQuestionPage's question and answers (kept until the next write, with only the
 * viewer's own votes read per request) and what this viewer may do on each post.
 *
 * The view is counted here and nowhere else: for a rendered page by getQuestionPageView, and for
 * each visitor the page cache serves the kept page to by questionVisitorView, which the route hands
 * to the cache (app/lib/kept-pages.ts), so a kept page counts views exactly as a rendered one.
 */
import { type Db } from '~/lib/db.server'
import { type PageView } from '~/lib/kept-pages'
import { type Actor, check } from '~/lib/permissions'
import { flaggedByViewer } from './flags.server'
import { listCategories } from './categories.server'
import { recordQuestionView, viewerKeyFor } from './question-views.server'
import { getQuestionPage } from './questions.server'
import { countPendingSuggestedEdits } from './suggested-edits.server'
import { voteBreakdowns } from './votes.server'

/** Who is looking, as the view count's rule needs it (viewerKeyFor). */
type Looker = { userId: number | null; ip: string | null; userAgent: string | null }

/** Counts a view of the question, at most one per viewer a day (recordQuestionView's rule); crawlers' never. */
function countView(db: Db, questionId: number, looker: Looker) {
  const viewerKey = viewerKeyFor(looker)
  if (viewerKey) recordQuestionView(db, { questionId, viewerKey })
}

/**
 * The view this page counts for each visitor the page cache serves it to again. It holds the
 * question's id and nothing of the render.
 */
export function questionVisitorView(db: Db, questionId: number): PageView {
  return ({ ip, userAgent }) => countView(db, questionId, { userId: null, ip, userAgent })
}

/**
 * Counts this viewer's view, then everything the question page shows them (throws NotFoundError
 * for a question they may not see). Decisions, not booleans: a refused control says why.
 */
export function getQuestionPageView(
  db: Db,
  viewer: Actor | null,
  { questionId, ip, userAgent }: { questionId: number; ip: string | null; userAgent: string | null },
) {
  // Before the read, so the count shown includes this view.
  countView(db, questionId, { userId: viewer?.id ?? null, ip, userAgent })
  const moderate = check(viewer, 'moderate:post').ok
  const page = getQuestionPage(db, { questionId, viewerId: viewer?.id ?? null, staffView: moderate })
  const { question } = page
  const pendingEdits = viewer
    ? countPendingSuggestedEdits(
        db,
        [{ type: 'question', id: question.id }, ...page.answers.map((a) => ({ type: 'answer' as const, id: a.id }))],
        viewer.id,
      )
    : null
  const postDecisions = (post: { id: number; authorId: number }, kind: 'question' | 'answer') => {
    const edit = check(viewer, kind === 'question' ? 'update:question' : 'update:answer', post)
    return {
      isOwn: viewer?.id === post.authorId,
      up: check(viewer, 'upvote:post', post),
      down: check(viewer, 'downvote:post', post),
      comment: check(viewer, kind === 'question' ? 'comment:question' : 'comment:answer', post),
      edit,
      suggestedEdits: {
        canSuggest: !edit.ok && check(viewer, 'suggest-edit:post', post).ok,
        canReview: check(viewer, 'review:suggested-edit', post).ok,
        ...(pendingEdits?.get(`${kind}:${post.id}`) ?? { pending: 0, isViewerPending: false }),
      },
    }
  }
  const convert = check(viewer, 'convert:question')
  // Flags: what this viewer flagged already on the page (one query).
  const flagDecision = check(viewer, 'flag:post')
  const pageRefs = [
    { type: 'question' as const, id: question.id },
    ...question.comments.map((c) => ({ type: 'comment' as const, id: c.id })),
    ...page.answers.flatMap((a) => [
      { type: 'answer' as const, id: a.id },
      ...a.comments.map((c) => ({ type: 'comment' as const, id: c.id })),
    ]),
  ]
  const flagged = viewer && flagDecision.ok ? [...flaggedByViewer(db, viewer.id, pageRefs)] : []
  // Up and down counts behind each score, for members with the privilege (and staff).
  const breakdowns = check(viewer, 'view:vote-breakdown').ok
    ? voteBreakdowns(db, { questionId: question.id, answerIds: page.answers.map((a) => a.id) })
    : null
  return {
    breakdowns,
    ...page,
    // The convert form's category picker, for the product team only.
    categories: convert.ok && !question.convertedToIdeaId ? listCategories(db).map(({ id, name }) => ({ id, name })) : [],
    question: { ...question, can: postDecisions(question, 'question') },
    answers: page.answers.map((answer) => ({ ...answer, can: postDecisions(answer, 'answer') })),
    viewerId: viewer?.id ?? null,
    flagging: viewer ? { decision: flagDecision, flagged } : null,
    moderate,
    can: {
      answer: check(viewer, 'answer:question'),
      accept: check(viewer, 'accept:answer', question),
      markOfficial: check(viewer, 'mark-official:answer'),
      close: check(viewer, 'close:question'),
      convert,
    },
  }
}
