/**
 * The question page's server half (/questions/:questionId): the loader, which hands the address and
 * the viewer to the page's model (app/models/question-page.server.ts, which also counts the view,
 * for the page cache too), and the action, one `intent` per form (answer, comment, vote, accept,
 * close, reopen, convert …). route.tsx re-exports both; the page's parts in this folder take the
 * action's type from here, never from the route module that imports them.
 */
import { type ActionFunctionArgs, data, type LoaderFunctionArgs, redirect } from '@remix-run/node'
import { z } from 'zod'
import { CLOSE_REASONS } from '~/domain'
import { getUser, requireUser } from '~/lib/auth.server'
import { getDb } from '~/lib/db.server'
import { fieldFailure, keepFormOnRateLimit, parseForm, readForm, refusalOf } from '~/lib/forms.server'
import { limitPosting } from '~/lib/rate-limit.server'
import { notFound, orHttpError } from '~/lib/http.server'
import { parseId } from '~/lib/params.server'
import { assertCan, requirePermission } from '~/lib/permissions.server'
import { acceptAnswer, createAnswer, unacceptAnswer } from '~/models/answers.server'
import { addComment } from '~/models/comments.server'
import {
  closeQuestion,
  convertQuestionToIdea,
  DuplicateTargetError,
  reopenQuestion,
  setAnswerOfficial,
} from '~/models/question-moderation.server'
import { getQuestionPageView, questionVisitorView } from '~/models/question-page.server'
import { getQaPostOwner } from '~/models/questions.server'
import { castVote } from '~/models/votes.server'
import { AnswerBody, CloseNote, FormId, parseQuestionRef, QaCommentBody } from '~/schemas/question'

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const questionId = parseId(params.questionId, 'question')
  const viewer = await getUser(request)
  const db = getDb()
  context.keptPage?.countsView(questionVisitorView(db, questionId))
  const looker = { ip: context.clientIp ?? null, userAgent: request.headers.get('User-Agent') }
  return orHttpError(() => getQuestionPageView(db, viewer, { questionId, ...looker }))
}

const Target = z.enum(['question', 'answer'])
const Flag = z.enum(['true', 'false']).transform((v) => v === 'true')
const Intent = z.discriminatedUnion('intent', [
  z.object({
    intent: z.literal('vote'),
    target: Target,
    targetId: FormId,
    value: z.enum(['1', '-1', '0']).transform((v) => Number(v) as 1 | -1 | 0),
    respond: z.literal('data').optional(),
  }),
  z.object({ intent: z.literal('answer'), body: AnswerBody }),
  z.object({ intent: z.literal('comment'), target: Target, targetId: FormId, body: QaCommentBody }),
  z.object({ intent: z.literal('accept'), answerId: FormId, accepted: Flag }),
  z.object({ intent: z.literal('official'), answerId: FormId, official: Flag }),
  z
    .object({
      intent: z.literal('close'),
      reason: z.enum(CLOSE_REASONS, { error: 'Pick a reason.' }),
      duplicateOf: z.string().max(2000).optional().default('').transform(parseQuestionRef),
      note: CloseNote,
    })
    .refine((v) => v.reason !== 'duplicate' || v.duplicateOf != null, {
      path: ['duplicateOf'],
      message: 'Enter the number or the address of the original question.',
    }),
  z.object({ intent: z.literal('reopen'), note: CloseNote }),
  z.object({
    intent: z.literal('convert'),
    categoryId: z
      .string({ error: 'Pick a category.' })
      .regex(/^[1-9]\d{0,15}$/, 'Pick a category.')
      .transform(Number),
  }),
])

export async function action({ request, params, context }: ActionFunctionArgs) {
  const questionId = parseId(params.questionId, 'question')
  const here = `/questions/${questionId}`
  const form = await readForm(request)
  const parsed = parseForm(form, Intent)
  if (!parsed.ok) {
    const formKey = `${form.get('target') ?? ''}-${form.get('targetId') ?? ''}`
    return data({ ...parsed, intent: String(form.get('intent') ?? ''), formKey }, { status: 400 })
  }
  const db = getDb()
  /** The post named by the form, which must belong to this question (else it is not on this page: 404). */
  const ownerOf = (target: { type: 'question' | 'answer'; id: number }) => {
    const owner = orHttpError(() => getQaPostOwner(db, target))
    return owner.questionId === questionId ? owner : notFound(target.type)
  }
  switch (parsed.data.intent) {
    case 'vote': {
      const { target, targetId, value, respond } = parsed.data
      const user = await requireUser(request, here)
      const { authorId } = ownerOf({ type: target, id: targetId })
      const vote = () => castVote(db, { member: user, ip: context.clientIp }, { type: target, id: targetId, authorId, value })
      if (respond !== 'data') {
        orHttpError(vote) // a refusal, or a busy or full database: its own Response (503 with Retry-After)
        return redirect(target === 'question' ? here : `${here}#answer-${targetId}`)
      }
      // The vote control's fetcher: a refusal is said beside the buttons, with its real status.
      try {
        return { ok: true as const, ...vote() }
      } catch (error) {
        const refused = refusalOf(error)
        if (!refused) throw error
        return data({ ok: false as const, error: refused.message }, { status: refused.status, headers: refused.headers })
      }
    }
    case 'answer': {
      const { body } = parsed.data
      const user = await requirePermission(request, 'answer:question')
      return keepFormOnRateLimit(
        form,
        async () => {
          const answer = limitPosting(db, { kind: 'answer', member: user, ip: context.clientIp }, () =>
            orHttpError(() => createAnswer(db, { questionId, authorId: user.id, authorRole: user.role, bodyMd: body })),
          )
          return redirect(`${here}#answer-${answer.id}`)
        },
        { intent: 'answer', formKey: '' },
      )
    }
    case 'comment': {
      const { target, targetId, body } = parsed.data
      const user = await requireUser(request, here)
      assertCan(user, target === 'question' ? 'comment:question' : 'comment:answer', ownerOf({ type: target, id: targetId }))
      return keepFormOnRateLimit(
        form,
        async () => {
          const comment = limitPosting(db, { kind: 'comment', member: user, ip: context.clientIp }, () =>
            orHttpError(() => addComment(db, { target: { type: target, id: targetId }, authorId: user.id, bodyMd: body })),
          )
          return redirect(`${here}#comment-${comment.id}`)
        },
        { intent: 'comment', formKey: `${target}-${targetId}` },
      )
    }
    case 'accept': {
      const { answerId, accepted } = parsed.data
      const user = await requireUser(request, here)
      assertCan(user, 'accept:answer', { authorId: ownerOf({ type: 'answer', id: answerId }).askerId })
      orHttpError(() => (accepted ? acceptAnswer : unacceptAnswer)(db, { answerId, userId: user.id }))
      return redirect(`${here}#answer-${answerId}`)
    }
    case 'official': {
      const { answerId, official } = parsed.data
      const user = await requirePermission(request, 'mark-official:answer')
      ownerOf({ type: 'answer', id: answerId })
      orHttpError(() => setAnswerOfficial(db, { answerId, actorId: user.id, isOfficial: official }))
      return redirect(`${here}#answer-${answerId}`)
    }
    case 'close': {
      const { reason, duplicateOf, note } = parsed.data
      const user = await requirePermission(request, 'close:question')
      const refused = orHttpError(() => {
        try {
          closeQuestion(db, { questionId, actorId: user.id, reason, duplicateOfId: duplicateOf, note })
          return null
        } catch (error) {
          if (error instanceof DuplicateTargetError) return error // a field error, shown next to the field
          throw error
        }
      })
      if (refused) return data({ ...fieldFailure(form, 'duplicateOf', refused.message), intent: 'close', formKey: '' }, { status: 400 })
      return redirect(here)
    }
    case 'reopen': {
      const { note } = parsed.data
      const user = await requirePermission(request, 'close:question')
      orHttpError(() => reopenQuestion(db, { questionId, actorId: user.id, note }))
      return redirect(here)
    }
    case 'convert': {
      const { categoryId } = parsed.data
      const user = await requirePermission(request, 'convert:question')
      const { ideaId } = orHttpError(() => convertQuestionToIdea(db, { questionId, actorId: user.id, categoryId }))
      return redirect(`/ideas/${ideaId}`)
    }
  }
}
