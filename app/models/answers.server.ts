/** Answers: posting and accepting. */
import { and, eq, isNull, sql } from 'drizzle-orm'
import { answers, postRevisions, questions } from '#db/schema'
import { type Role } from '~/domain'
import { type Db, type Tx, writeTransaction } from '~/lib/db.server'
import { ConflictError, ForbiddenError, NotFoundError } from '~/lib/errors'
import { logModeration } from './moderation-log.server'
import { holdsForPremoderation } from './moderation.server'
import { type NewPost, publishPost } from './publish.server'
import { STAFF_ROLES } from '~/lib/permissions'
import { awardBadge, checkAcceptedBadge } from './badges.server'
import { notifyMentions, renderWithMentions } from './mentions.server'
import { notifyUser } from './notifications.server'
import { recordReputation, reverseReputation } from './reputation.server'
import { laterOf, refreshUnanswered } from './votes.server'
import { queueAnswerEvent } from './webhook-events.server'
import { visibleAnswerOnVisibleQuestion } from './questions.server'

export function createAnswer(db: Db, input: { questionId: number; authorId: number; authorRole?: Role; bodyMd: string; now?: Date }) {
  const now = input.now ?? new Date()
  const bodyHtml = renderWithMentions(db, input.bodyMd)
  return writeTransaction(db, (tx) => {
    const question = tx
      .select({
        id: questions.id,
        title: questions.title,
        authorId: questions.authorId,
        status: questions.status,
        lockedAt: questions.lockedAt,
      })
      .from(questions)
      .where(and(eq(questions.id, input.questionId), isNull(questions.deletedAt), isNull(questions.hiddenAt)))
      .get()
    if (!question) throw new NotFoundError('question')
    if (question.status === 'closed') throw new ConflictError('This question is closed; it takes no new answers.')
    if (question.lockedAt) throw new ConflictError('This question is locked; it takes no new answers.')
    const held = holdsForPremoderation(tx, input.authorId, now)
    const answer = tx
      .insert(answers)
      .values({
        questionId: question.id,
        authorId: input.authorId,
        bodyMd: input.bodyMd,
        bodyHtml,
        isOfficial: input.authorRole ? STAFF_ROLES.includes(input.authorRole) : false,
        createdAt: now,
        updatedAt: now,
      })
      .returning({ id: answers.id })
      .get()
    awardBadge(tx, input.authorId, 'first_answer', { type: 'answer', id: answer.id }, now)
    const url = `/questions/${question.id}#answer-${answer.id}`
    // A held answer is neither counted nor announced until it is approved (setPostState counts it).
    if (!held) {
      tx.update(questions)
        .set({ answerCount: sql`${questions.answerCount} + 1`, lastActivityAt: laterOf(questions.lastActivityAt, now) })
        .where(eq(questions.id, question.id))
        .run()
      notifyUser(tx, question.authorId, {
        kind: 'new_answer',
        subjectType: 'answer',
        subjectId: answer.id,
        actorId: input.authorId,
        title: `New answer to “${question.title}”`,
        url,
        now,
      })
    }
    const post: NewPost = {
      type: 'answer',
      id: answer.id,
      authorId: input.authorId,
      source: input.bodyMd,
      postTitle: question.title,
      url,
      except: [question.authorId],
      now,
    }
    publishPost(tx, post, { held })
    return answer
  })
}

/**
 * The asker accepts an answer (replacing any earlier choice). +15 for the answerer, +2 for the
 * asker, never for accepting one's own answer. Accepting the accepted answer again changes nothing.
 */
export function acceptAnswer(db: Db, { answerId, userId, now = new Date() }: { answerId: number; userId: number; now?: Date }) {
  return writeTransaction(db, (tx) => {
    const row = tx
      .select({
        questionId: answers.questionId,
        answerAuthorId: answers.authorId,
        askerId: questions.authorId,
        acceptedAnswerId: questions.acceptedAnswerId,
        title: questions.title,
      })
      .from(answers)
      .innerJoin(questions, eq(questions.id, answers.questionId))
      .where(and(eq(answers.id, answerId), visibleAnswerOnVisibleQuestion))
      .get()
    if (!row) throw new NotFoundError('answer')
    if (row.askerId !== userId) throw new ForbiddenError('Only the person who asked can accept an answer.')
    if (row.acceptedAnswerId === answerId) return { accepted: answerId }
    if (row.acceptedAnswerId != null) unaccept(tx, row.acceptedAnswerId, userId, now)
    tx.update(answers).set({ isAccepted: true }).where(eq(answers.id, answerId)).run()
    tx.update(questions)
      .set({ acceptedAnswerId: answerId, lastActivityAt: laterOf(questions.lastActivityAt, now) })
      .where(eq(questions.id, row.questionId))
      .run()
    if (row.answerAuthorId !== userId) {
      const source = { type: 'answer', id: answerId } as const
      recordReputation(tx, { userId: row.answerAuthorId, reason: 'answer_accepted', source, actorId: userId, now })
      recordReputation(tx, { userId, reason: 'accepted_an_answer', source, actorId: userId, now })
      notifyUser(tx, row.answerAuthorId, {
        kind: 'answer_accepted',
        subjectType: 'answer',
        subjectId: answerId,
        actorId: userId,
        title: `Your answer to “${row.title}” was accepted`,
        url: `/questions/${row.questionId}#answer-${answerId}`,
        now,
      })
      checkAcceptedBadge(tx, row.answerAuthorId, answerId, now)
    }
    refreshUnanswered(tx, row.questionId)
    queueAnswerEvent(tx, 'answer.accepted', answerId, now)
    return { accepted: answerId }
  })
}

function unaccept(tx: Tx, answerId: number, userId: number, now: Date) {
  tx.update(answers).set({ isAccepted: false }).where(eq(answers.id, answerId)).run()
  const source = { type: 'answer', id: answerId } as const
  reverseReputation(tx, { reason: 'answer_accepted', source, actorId: userId, now })
  reverseReputation(tx, { reason: 'accepted_an_answer', source, actorId: userId, now })
}

/**
 * The asker takes back their acceptance. The answerer's +15 and the asker's +2 are reversed by
 * new ledger events. Un-accepting an answer that is not (or no longer) accepted changes nothing,
 * so a replayed request is harmless.
 */
export function unacceptAnswer(db: Db, { answerId, userId, now = new Date() }: { answerId: number; userId: number; now?: Date }) {
  return writeTransaction(db, (tx) => {
    const row = tx
      .select({ questionId: answers.questionId, askerId: questions.authorId, acceptedAnswerId: questions.acceptedAnswerId })
      .from(answers)
      .innerJoin(questions, eq(questions.id, answers.questionId))
      .where(and(eq(answers.id, answerId), visibleAnswerOnVisibleQuestion))
      .get()
    if (!row) throw new NotFoundError('answer')
    if (row.askerId !== userId) throw new ForbiddenError('Only the person who asked can accept an answer.')
    if (row.acceptedAnswerId !== answerId) return { accepted: row.acceptedAnswerId }
    unaccept(tx, answerId, userId, now)
    tx.update(questions).set({ acceptedAnswerId: null }).where(eq(questions.id, row.questionId)).run()
    refreshUnanswered(tx, row.questionId)
    return { accepted: null }
  })
}

/** The source of a visible answer (on a visible question), for its edit form. */
export function getAnswerForEdit(db: Db, answerId: number) {
  const row = db
    .select({
      id: answers.id,
      questionId: answers.questionId,
      questionTitle: questions.title,
      authorId: answers.authorId,
      bodyMd: answers.bodyMd,
      lockedAt: questions.lockedAt,
    })
    .from(answers)
    .innerJoin(questions, eq(questions.id, answers.questionId))
    .where(and(eq(answers.id, answerId), visibleAnswerOnVisibleQuestion))
    .get()
  if (!row) throw new NotFoundError('answer')
  return row
}

/**
 * Saves an edit of an answer, keeping the version it replaces in post_revisions. An edit that
 * changes nothing records nothing; answers on a locked question cannot be edited.
 */
export function updateAnswer(db: Db, input: { answerId: number; editorId: number; bodyMd: string; reason?: string; now?: Date }) {
  const now = input.now ?? new Date()
  const bodyHtml = renderWithMentions(db, input.bodyMd)
  return writeTransaction(db, (tx) => applyAnswerEdit(tx, { ...input, bodyHtml, now }))
}

/** updateAnswer inside a caller's transaction (an approved suggested edit), with the body already rendered. */
export function applyAnswerEdit(
  tx: Tx,
  input: { answerId: number; editorId: number; bodyMd: string; bodyHtml: string; reason?: string; now: Date },
) {
  const { now, bodyHtml } = input
  const current = tx
    .select({
      bodyMd: answers.bodyMd,
      questionId: answers.questionId,
      title: questions.title,
      lockedAt: questions.lockedAt,
      authorId: answers.authorId,
    })
    .from(answers)
    .innerJoin(questions, eq(questions.id, answers.questionId))
    .where(and(eq(answers.id, input.answerId), visibleAnswerOnVisibleQuestion))
    .get()
  if (!current) throw new NotFoundError('answer')
  if (current.lockedAt) throw new ConflictError('This question is locked; its answers cannot be edited.')
  if (current.bodyMd === input.bodyMd) return { changed: false, questionId: current.questionId }
  if (current.authorId !== input.editorId) {
    logModeration(tx, {
      actorId: input.editorId,
      action: 'edit_answer',
      target: { type: 'answer', id: input.answerId },
      reason: input.reason?.trim() ?? '',
      before: { bodyMd: current.bodyMd },
      after: { bodyMd: input.bodyMd },
      now,
    })
  }
  tx.insert(postRevisions)
    .values({
      targetType: 'answer',
      targetId: input.answerId,
      editorId: input.editorId,
      bodyMd: current.bodyMd,
      reason: input.reason?.trim() ?? '',
      createdAt: now,
    })
    .run()
  tx.update(answers).set({ bodyMd: input.bodyMd, bodyHtml, updatedAt: now }).where(eq(answers.id, input.answerId)).run()
  tx.update(questions)
    .set({ lastActivityAt: laterOf(questions.lastActivityAt, now) })
    .where(eq(questions.id, current.questionId))
    .run()
  notifyMentions(tx, {
    source: input.bodyMd,
    previousSource: current.bodyMd,
    actorId: input.editorId,
    subjectType: 'answer',
    subjectId: input.answerId,
    postTitle: current.title,
    url: `/questions/${current.questionId}#answer-${input.answerId}`,
    now,
  })
  return { changed: true, questionId: current.questionId }
}
