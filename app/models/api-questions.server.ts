/**
 * Questions as /api/v1 shows them: the site's own queries (listQuestions, getQuestionPage) with the
 * site's visibility rules, shaped into the API's documented representation (app/schemas/api.ts). A
 * hidden or held question or answer shows only to its author and to moderators, and a deleted one to
 * no one, as on the question page.
 */
import { type z } from 'zod'
import { type Db } from '~/lib/db.server'
import { decodeCursor } from '~/lib/pagination.server'
import { type Actor, check } from '~/lib/permissions'
import { NotFoundError } from '~/lib/errors'
import { type Answer, type QuestionDetail, type QuestionList, type QuestionListQuery } from '~/schemas/api'
import { getQuestionPage, listQuestions } from './questions.server'
import { findTagByName } from './tags.server'

type Viewer = Actor | null

export function apiListQuestions(db: Db, query: z.infer<typeof QuestionListQuery>): z.infer<typeof QuestionList> {
  const tag = query.tag ? findTagByName(db, query.tag) : null
  // An unknown tag lists nothing, as on the site.
  if (query.tag && !tag) return { data: [], nextCursor: null }
  const page = listQuestions(db, { tab: query.sort, tagId: tag?.id ?? null, cursor: decodeCursor(query.cursor), pageSize: query.limit })
  return {
    data: page.items.map((q) => ({
      id: q.id,
      title: q.title,
      excerpt: q.excerpt,
      status: q.status,
      score: q.score,
      answerCount: q.answerCount,
      viewCount: q.viewCount,
      hasAcceptedAnswer: q.hasAcceptedAnswer,
      author: { username: q.authorUsername, displayName: q.authorName },
      createdAt: q.createdAt.toISOString(),
      url: `/questions/${q.id}`,
    })),
    nextCursor: page.nextCursor,
  }
}

export function apiGetQuestion(db: Db, questionId: number, viewer: Viewer): z.infer<typeof QuestionDetail> {
  // The question page's rule: moderators see hidden posts; authors see their own.
  const staffView = check(viewer, 'moderate:post').ok
  const { question, tags, answers } = getQuestionPage(db, { questionId, viewerId: viewer?.id ?? null, staffView })
  return {
    id: question.id,
    title: question.title,
    bodyHtml: question.bodyHtml,
    status: question.status,
    closeReason: question.closeReason ?? null,
    duplicateOfId: question.duplicateOf?.id ?? null,
    convertedToIdeaId: question.convertedToIdeaId ?? null,
    score: question.score,
    answerCount: question.answerCount,
    viewCount: question.viewCount,
    acceptedAnswerId: question.acceptedAnswerId ?? null,
    isLocked: question.lockedAt != null,
    tags,
    author: { username: question.authorUsername, displayName: question.authorName },
    createdAt: question.createdAt.toISOString(),
    editedAt: question.editedAt?.toISOString() ?? null,
    url: `/questions/${question.id}`,
    answers: answers.map((a) => ({
      id: a.id,
      bodyHtml: a.bodyHtml,
      score: a.score,
      isAccepted: a.isAccepted,
      isOfficial: a.isOfficial,
      author: { username: a.authorUsername, displayName: a.authorName },
      createdAt: a.createdAt.toISOString(),
      editedAt: a.editedAt?.toISOString() ?? null,
    })),
  }
}

/** An answer just posted, as its author sees it on the question page. */
export function apiGetNewAnswer(db: Db, questionId: number, answerId: number, viewer: Viewer): z.infer<typeof Answer> {
  const answer = apiGetQuestion(db, questionId, viewer).answers.find((a) => a.id === answerId)
  if (!answer) throw new NotFoundError('answer')
  return answer
}
