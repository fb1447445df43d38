/**
 * The idea page's server half (/ideas/:ideaId): the loader, which gathers the page and what this
 * viewer may do on it, and the action, one `intent` per form. route.tsx re-exports both; the page's
 * sections in this folder take the data's type from here (fields.tsx), never from the route module
 * that imports them.
 */
import { type ActionFunctionArgs, data, type LoaderFunctionArgs, redirect } from '@remix-run/node'
import { z } from 'zod'
import { getUser, requireUser } from '~/lib/auth.server'
import { getDb } from '~/lib/db.server'
import { publicOrigin } from '~/lib/env.server'
import { fieldFailure, keepFormOnRateLimit, parseForm, readForm } from '~/lib/forms.server'
import { limitPosting } from '~/lib/rate-limit.server'
import { orHttpError } from '~/lib/http.server'
import { IDEA_STATUS_LABELS } from '~/lib/labels'
import { decodeCursor } from '~/lib/pagination.server'
import { parseId } from '~/lib/params.server'
import { check } from '~/lib/permissions'
import { assertCan, requirePermission } from '~/lib/permissions.server'
import {
  addComment,
  COMMENT_EDIT_WINDOW_MS,
  editComment,
  getCommentOwner,
  isCommentEditWindowOpen,
  postOfficialResponse,
} from '~/models/comments.server'
import {
  changeIdeaStatus,
  getIdeaOwner,
  getIdeaPage,
  listCategories,
  mergeIdea,
  SETTABLE_STATUSES,
  setIdeaFollow,
} from '~/models/ideas.server'
import { listIdeaCompanies } from '~/models/companies.server'
import { editIdeaFields, getIdeaBodySource } from '~/models/idea-edit.server'
import { addIdeaLink, DuplicateLinkError, listIdeaLinks, removeIdeaLink, updateIdeaLink } from '~/models/idea-links.server'
import { addIdeaNote, listIdeaNotes } from '~/models/product.server'
import { countPendingSuggestedEdits } from '~/models/suggested-edits.server'
import { flaggedByViewer } from '~/models/flags.server'
import { getVoteBudgetState, ideaVoteBlock } from '~/models/votes.server'
import { CommentBody, IdeaBody, IdeaReference, IdeaTags, IdeaTitle, OfficialNote } from '~/schemas/idea'
import { LinkIdField, LinkState, LinkTitle, LinkUrl } from '~/schemas/idea-link'
import { ModerationReason } from '~/schemas/moderation'

const NOTICES = {
  status: 'The status was changed. The voters, the followers and the author were notified.',
  response: 'Your official response is pinned on the idea. The voters, the followers and the author were notified.',
  edited: 'The idea was saved.',
  note: 'Your internal note was added. Only the team sees it.',
} as const


export async function loader({ request, params }: LoaderFunctionArgs) {
  const ideaId = parseId(params.ideaId, 'idea')
  const url = new URL(request.url)
  const viewer = await getUser(request)
  const db = getDb()
  const page = orHttpError(() =>
    getIdeaPage(db, {
      ideaId,
      viewerId: viewer?.id ?? null,
      commentsBefore: decodeCursor(url.searchParams.get('before')),
      showMerged: url.searchParams.get('show') === 'merged',
      staffView: check(viewer, 'moderate:post').ok,
    }),
  )
  if ('redirectTo' in page) throw redirect(`/ideas/${page.redirectTo}?merged=${ideaId}`)
  const { idea } = page
  const now = new Date()

  // Decisions, not booleans, where the UI explains a refusal.
  const staffMayEdit = check(viewer, 'update:idea').ok
  const authorMayEdit = check(viewer, 'update:idea', idea).ok && idea.authorId === viewer?.id && !idea.authorEditRefusal
  const mayEditAnyComment = check(viewer, 'update:comment').ok
  const mayEditOwnComments = !!viewer && check(viewer, 'update:comment', { authorId: viewer.id }).ok
  const takesComments = !idea.lockedAt && idea.status !== 'merged'
  const present = <T extends { authorId: number; bodyMd: string; createdAt: Date }>({ authorId, bodyMd, ...comment }: T) => {
    const canEdit =
      mayEditAnyComment || (mayEditOwnComments && authorId === viewer?.id && takesComments && isCommentEditWindowOpen(comment.createdAt, now))
    return { ...comment, canEdit, isOwn: authorId === viewer?.id, bodyMd: canEdit ? bodyMd : null } // the source only goes to who may edit it
  }
  const canEditIdea = idea.status !== 'merged' && (staffMayEdit || authorMayEdit)

  // The vote button: who may vote at all, then what blocks this idea (a lock, a spent budget).
  const voteDecision = check(viewer, 'vote:idea')
  const budget = viewer ? getVoteBudgetState(db, viewer.id) : null
  const voteBlock = ideaVoteBlock({ ...idea, viewerVoted: page.viewer?.voted ?? false }, viewer, budget)
  const vote = {
    loginFirst: !voteDecision.ok && voteDecision.status === 401,
    reason: voteDecision.ok ? voteBlock : voteDecision.reason,
    note: budget && budget.left > 0 ? `${budget.left} of ${budget.votesPerMember} votes left` : null,
    open: idea.status !== 'merged',
  }

  const isEditable = idea.status !== 'merged' && !idea.lockedAt
  const suggestedEdits = {
    canSuggest: isEditable && !staffMayEdit && check(viewer, 'suggest-edit:post', idea).ok,
    canReview: check(viewer, 'review:suggested-edit', idea).ok,
    ...((viewer ? countPendingSuggestedEdits(db, [{ type: 'idea', id: idea.id }], viewer.id).get(`idea:${idea.id}`) : null) ?? {
      pending: 0,
      isViewerPending: false,
    }),
  }
  // Flags and moderation: what this viewer flagged already, and the moderators' menu.
  const flagDecision = check(viewer, 'flag:post')
  const flagged = viewer && flagDecision.ok
    ? [...flaggedByViewer(db, viewer.id, [{ type: 'idea', id: idea.id }, ...page.comments.map((c) => ({ type: 'comment' as const, id: c.id }))])]
    : []
  const moderate = check(viewer, 'moderate:post').ok

  const mergedId = Number(url.searchParams.get('merged'))
  const done = url.searchParams.get('done')
  return {
    ...page,
    vote,
    officialResponse: page.officialResponse ? present(page.officialResponse) : null,
    comments: page.comments.map(present),
    mergedNotice: page.mergedFrom.find((m) => m.id === mergedId) ?? null,
    notice: done && done in NOTICES ? NOTICES[done as keyof typeof NOTICES] : null,
    // Absolute only with PUBLIC_URL; else the path, which the page completes in the browser.
    shareUrl: `${publicOrigin() ?? ''}/ideas/${idea.id}`,
    viewerId: viewer?.id ?? null,
    flagging: viewer ? { decision: flagDecision, flagged } : null,
    moderation: moderate
      ? { categories: listCategories(db).map(({ id, name }) => ({ id, name })), state: { hidden: !!idea.hiddenAt, hiddenReason: idea.hiddenReason, deleted: false, locked: !!idea.lockedAt } }
      : null,
    commentEditMinutes: COMMENT_EDIT_WINDOW_MS / 60_000,
    can: {
      comment: check(viewer, 'comment:idea'),
      follow: check(viewer, 'follow:idea'),
      changeStatus: check(viewer, 'change-status:idea').ok,
      respond: check(viewer, 'respond:idea').ok,
      merge: check(viewer, 'merge:idea').ok,
      editIdea: canEditIdea,
    },
    suggestedEdits,
    // The author sees why they can no longer edit; nobody else needs to.
    editRefusal: !canEditIdea && viewer?.id === idea.authorId ? idea.authorEditRefusal : null,
    categories: canEditIdea ? listCategories(db) : [],
    // The description's Markdown: only for those who may edit it.
    bodySource: canEditIdea ? getIdeaBodySource(db, idea.id) : null,
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

const CommentId = z.string({ error: 'Choose a comment.' }).regex(/^[1-9]\d{0,15}$/, 'Choose a comment.').transform(Number)
const CategoryChoice = z
  .string()
  .regex(/^(?:[1-9]\d{0,15})?$/, 'Choose a category from the list.')
  .optional()
  .default('')
  .transform((v) => (v ? Number(v) : null))

const Intent = z.discriminatedUnion('intent', [
  z.object({ intent: z.literal('comment'), body: CommentBody }),
  z.object({ intent: z.literal('edit-comment'), commentId: CommentId, body: CommentBody }),
  z.object({ intent: z.literal('follow'), following: z.enum(['true', 'false']).transform((v) => v === 'true') }),
  z.object({ intent: z.literal('change-status'), status: z.enum(SETTABLE_STATUSES, { error: 'Choose a status.' }), note: OfficialNote }),
  z.object({ intent: z.literal('respond'), body: CommentBody }),
  z.object({
    intent: z.literal('edit-idea'),
    title: IdeaTitle,
    // Left out of the form while the idea is locked: its text cannot change then.
    body: IdeaBody.optional(),
    categoryId: CategoryChoice,
    tags: IdeaTags,
    reason: ModerationReason,
  }),
  z.object({ intent: z.literal('merge'), target: IdeaReference, note: OfficialNote }),
  z.object({ intent: z.literal('internal-note'), body: CommentBody }),
  z.object({ intent: z.literal('add-link'), url: LinkUrl, title: LinkTitle, state: LinkState }),
  z.object({ intent: z.literal('update-link'), linkId: LinkIdField, state: LinkState }),
  z.object({ intent: z.literal('remove-link'), linkId: LinkIdField }),
])

export async function action({ request, params, context }: ActionFunctionArgs) {
  const ideaId = parseId(params.ideaId, 'idea')
  const form = await readForm(request)
  const parsed = parseForm(form, Intent)
  if (!parsed.ok) return data({ ...parsed, intent: String(form.get('intent') ?? '') }, { status: 400 })
  const db = getDb()
  const target = { type: 'idea', id: ideaId } as const
  switch (parsed.data.intent) {
    case 'comment': {
      const user = await requirePermission(request, 'comment:idea')
      const { body } = parsed.data
      return keepFormOnRateLimit(
        form,
        async () => {
          const comment = limitPosting(db, { kind: 'comment', member: user, ip: context.clientIp }, () =>
            orHttpError(() => addComment(db, { target, authorId: user.id, bodyMd: body })),
          )
          return redirect(`/ideas/${ideaId}#comment-${comment.id}`)
        },
        { intent: 'comment' },
      )
    }
    case 'edit-comment': {
      const user = await requireUser(request)
      const { commentId, body } = parsed.data
      assertCan(user, 'update:comment', orHttpError(() => getCommentOwner(db, { commentId, target })))
      const asModerator = check(user, 'update:comment').ok
      orHttpError(() => editComment(db, { commentId, target, editorId: user.id, bodyMd: body, asModerator }))
      return redirect(`/ideas/${ideaId}#comment-${commentId}`)
    }
    case 'follow': {
      const user = await requirePermission(request, 'follow:idea')
      const { following } = parsed.data
      orHttpError(() => setIdeaFollow(db, { ideaId, userId: user.id, following }))
      return redirect(`/ideas/${ideaId}#follow`)
    }
    case 'change-status': {
      const user = await requirePermission(request, 'change-status:idea')
      const { status, note } = parsed.data
      orHttpError(() => changeIdeaStatus(db, { ideaId, actorId: user.id, toStatus: status, noteMd: note }))
      return redirect(`/ideas/${ideaId}?done=status#timeline`)
    }
    case 'respond': {
      const user = await requirePermission(request, 'respond:idea')
      const { body } = parsed.data
      orHttpError(() => postOfficialResponse(db, { ideaId, authorId: user.id, bodyMd: body }))
      return redirect(`/ideas/${ideaId}?done=response#official-response`)
    }
    case 'edit-idea': {
      const user = await requireUser(request)
      assertCan(user, 'update:idea', orHttpError(() => getIdeaOwner(db, ideaId)))
      const { title, body, categoryId, tags, reason } = parsed.data
      const asStaff = check(user, 'update:idea').ok
      const createTag = check(user, 'create:tag')
      const tagRefusal = createTag.ok ? null : createTag.reason
      const result = orHttpError(() => editIdeaFields(db, { ideaId, editorId: user.id, asStaff, title, bodyMd: body, categoryId, tagNames: tags, tagRefusal, reason }))
      if (!result.ok) return data({ ...fieldFailure(form, result.field, result.message), intent: 'edit-idea' }, { status: 400 })
      return redirect(`/ideas/${ideaId}?done=edited`)
    }
    case 'merge': {
      const user = await requirePermission(request, 'merge:idea')
      const { target: targetId, note } = parsed.data
      const merged = orHttpError(() => mergeIdea(db, { ideaId, targetId, actorId: user.id, noteMd: note }))
      return redirect(`/ideas/${merged.targetId}?merged=${ideaId}`)
    }
    case 'internal-note': {
      const user = await requirePermission(request, 'note:idea')
      const { body } = parsed.data
      const note = orHttpError(() => addIdeaNote(db, { ideaId, authorId: user.id, bodyMd: body }))
      return redirect(`/ideas/${ideaId}?done=note#note-${note.id}`)
    }
    case 'add-link': {
      const user = await requirePermission(request, 'link:idea')
      const { url, title, state } = parsed.data
      const added = orHttpError(() => {
        try {
          return addIdeaLink(db, { ideaId, actorId: user.id, url, title, state })
        } catch (error) {
          if (error instanceof DuplicateLinkError) return error
          throw error
        }
      })
      if (added instanceof DuplicateLinkError) return data({ ...fieldFailure(form, 'url', added.message), intent: 'add-link' }, { status: 409 })
      return redirect(`/ideas/${ideaId}#tracker-links`)
    }
    case 'update-link': {
      await requirePermission(request, 'link:idea')
      const { linkId, state } = parsed.data
      orHttpError(() => updateIdeaLink(db, { ideaId, linkId, state }))
      return redirect(`/ideas/${ideaId}#link-${linkId}`)
    }
    case 'remove-link': {
      const user = await requirePermission(request, 'link:idea')
      const { linkId } = parsed.data
      orHttpError(() => removeIdeaLink(db, { ideaId, linkId, actorId: user.id }))
      return redirect(`/ideas/${ideaId}#tracker-links`)
    }
  }
}
