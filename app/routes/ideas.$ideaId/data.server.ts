/**
 * The idea page's server half (/ideas/:ideaId): the loader, which hands the address and the viewer
 * to the page's model (app/models/idea-page.server.ts), and the action, one `intent` per form.
 * route.tsx re-exports both; the page's sections in this folder take the data's type from here
 * (fields.tsx), never from the route module that imports them.
 */
import { type ActionFunctionArgs, data, type LoaderFunctionArgs, redirect } from '@remix-run/node'
import { z } from 'zod'
import { getUser, requireUser } from '~/lib/auth.server'
import { getDb } from '~/lib/db.server'
import { fieldFailure, keepFormOnRateLimit, parseForm, readForm } from '~/lib/forms.server'
import { limitPosting } from '~/lib/rate-limit.server'
import { orHttpError } from '~/lib/http.server'
import { decodeCursor } from '~/lib/pagination.server'
import { parseId } from '~/lib/params.server'
import { check } from '~/lib/permissions'
import { assertCan, requirePermission } from '~/lib/permissions.server'
import { addComment, editComment, getCommentOwner, postOfficialResponse } from '~/models/comments.server'
import { mergeIdea } from '~/models/idea-merge.server'
import { changeIdeaStatus, SETTABLE_STATUSES } from '~/models/idea-status.server'
import { getIdeaOwner, setIdeaFollow } from '~/models/ideas.server'
import { editIdeaFields } from '~/models/idea-edit.server'
import { addIdeaLink, DuplicateLinkError, removeIdeaLink, updateIdeaLink } from '~/models/idea-links.server'
import { getIdeaPageView } from '~/models/idea-page.server'
import { addIdeaNote } from '~/models/idea-notes.server'
import { CommentBody, IdeaBody, IdeaReference, IdeaTags, IdeaTitle, OfficialNote } from '~/schemas/idea'
import { LinkIdField, LinkState, LinkTitle, LinkUrl } from '~/schemas/idea-link'
import { ModerationReason } from '~/schemas/moderation'

export async function loader({ request, params }: LoaderFunctionArgs) {
  const ideaId = parseId(params.ideaId, 'idea')
  const url = new URL(request.url)
  const viewer = await getUser(request)
  const page = orHttpError(() =>
    getIdeaPageView(getDb(), viewer, {
      ideaId,
      commentsBefore: decodeCursor(url.searchParams.get('before')),
      showMerged: url.searchParams.get('show') === 'merged',
      mergedId: Number(url.searchParams.get('merged')),
      done: url.searchParams.get('done'),
    }),
  )
  if ('redirectTo' in page) throw redirect(`/ideas/${page.redirectTo}?merged=${ideaId}`)
  return page
}

const CommentId = z
  .string({ error: 'Choose a comment.' })
  .regex(/^[1-9]\d{0,15}$/, 'Choose a comment.')
  .transform(Number)
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
      assertCan(
        user,
        'update:comment',
        orHttpError(() => getCommentOwner(db, { commentId, target })),
      )
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
      assertCan(
        user,
        'update:idea',
        orHttpError(() => getIdeaOwner(db, ideaId)),
      )
      const { title, body, categoryId, tags, reason } = parsed.data
      const asStaff = check(user, 'update:idea').ok
      const createTag = check(user, 'create:tag')
      const tagRefusal = createTag.ok ? null : createTag.reason
      const result = orHttpError(() =>
        editIdeaFields(db, { ideaId, editorId: user.id, asStaff, title, bodyMd: body, categoryId, tagNames: tags, tagRefusal, reason }),
      )
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
      if (added instanceof DuplicateLinkError)
        return data({ ...fieldFailure(form, 'url', added.message), intent: 'add-link' }, { status: 409 })
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
