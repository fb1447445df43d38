/**
 * Staff actions on questions and answers: marking an answer official, closing and reopening
 * questions, converting a question into an idea. Each one writes its moderation_log row (actor,
 * action, target, reason, before/after) in the same transaction as the change.
 */
import { and, asc, eq, isNull, ne } from 'drizzle-orm'
import { answers, categories, ideas, postVotes, questions, questionTags } from '#db/schema'
import { type CloseReason } from '~/domain'
import { type Db, type Tx, writeTransaction } from '~/lib/db.server'
import { ConflictError, DomainError, NotFoundError } from '~/lib/errors'
import { logModeration } from './moderation-log.server'
import { notifyUser } from './notifications.server'
import { tagPost } from './tags.server'
import { applyIdeaVote } from './votes.server'
import { visibleAnswerOnVisibleQuestion } from './questions.server'

/** Staff mark an answer official (or take the mark back). Setting the state it already has logs nothing. */
export function setAnswerOfficial(
  db: Db,
  { answerId, actorId, isOfficial, now = new Date() }: { answerId: number; actorId: number; isOfficial: boolean; now?: Date },
) {
  return writeTransaction(db, (tx) => {
    const answer = tx
      .select({ isOfficial: answers.isOfficial, questionId: answers.questionId })
      .from(answers)
      .innerJoin(questions, eq(questions.id, answers.questionId))
      .where(and(eq(answers.id, answerId), visibleAnswerOnVisibleQuestion))
      .get()
    if (!answer) throw new NotFoundError('answer')
    if (answer.isOfficial === isOfficial) return { isOfficial, questionId: answer.questionId }
    tx.update(answers).set({ isOfficial }).where(eq(answers.id, answerId)).run()
    logModeration(tx, {
      actorId,
      action: isOfficial ? 'mark_official' : 'unmark_official',
      target: { type: 'answer', id: answerId },
      before: { isOfficial: answer.isOfficial },
      after: { isOfficial },
      now,
    })
    return { isOfficial, questionId: answer.questionId }
  })
}

/** The original named for a duplicate cannot be used (missing, the question itself, a cycle): a 400 on that field. */
export class DuplicateTargetError extends DomainError {
  constructor(message: string) {
    super(message, 400)
  }
}

/** How far a chain of duplicates is followed to its original before giving up. */
export const MAX_DUPLICATE_HOPS = 10

const visibleQuestion = (questionId: number) => and(eq(questions.id, questionId), isNull(questions.deletedAt), isNull(questions.hiddenAt))

/**
 * The question a duplicate should point at. No chains: when the named original is itself closed as
 * a duplicate, its own original is used (followed up to MAX_DUPLICATE_HOPS; a removed question
 * ends the walk at the last visible one). Refused: the question itself, a missing or removed
 * question, and a chain that leads back to the question being closed.
 */
function resolveOriginal(tx: Tx, questionId: number, namedId: number) {
  if (namedId === questionId) throw new DuplicateTargetError('A question cannot be a duplicate of itself.')
  let current = namedId
  let lastVisible: number | null = null
  for (let hop = 0; hop <= MAX_DUPLICATE_HOPS; hop++) {
    if (current === questionId) throw new DuplicateTargetError(`Question #${namedId} is already closed as a duplicate of this one.`)
    const row = tx
      .select({ id: questions.id, status: questions.status, closeReason: questions.closeReason, duplicateOfId: questions.duplicateOfId })
      .from(questions)
      .where(visibleQuestion(current))
      .get()
    if (!row) break
    lastVisible = row.id
    if (row.status !== 'closed' || row.closeReason !== 'duplicate' || row.duplicateOfId == null) break
    current = row.duplicateOfId
  }
  if (lastVisible == null) throw new DuplicateTargetError(`There is no question #${namedId}.`)
  return lastVisible
}

/**
 * Closes an open question as a duplicate (of `duplicateOfId`), off-topic or resolved. A closed
 * question takes no new answers; comments, votes and accepting still work.
 */
export function closeQuestion(
  db: Db,
  input: { questionId: number; actorId: number; reason: CloseReason; duplicateOfId?: number | null; note?: string; now?: Date },
) {
  const now = input.now ?? new Date()
  return writeTransaction(db, (tx) => {
    const question = tx
      .select({ status: questions.status, closeReason: questions.closeReason, duplicateOfId: questions.duplicateOfId })
      .from(questions)
      .where(visibleQuestion(input.questionId))
      .get()
    if (!question) throw new NotFoundError('question')
    if (question.status === 'closed') throw new ConflictError('This question is already closed.')
    let duplicateOfId: number | null = null
    if (input.reason === 'duplicate') {
      if (input.duplicateOfId == null) throw new DuplicateTargetError('Name the question this one duplicates.')
      duplicateOfId = resolveOriginal(tx, input.questionId, input.duplicateOfId)
    }
    tx.update(questions).set({ status: 'closed', closeReason: input.reason, duplicateOfId }).where(eq(questions.id, input.questionId)).run()
    logModeration(tx, {
      actorId: input.actorId,
      action: 'close',
      target: { type: 'question', id: input.questionId },
      reason: input.note?.trim() ?? '',
      before: question,
      after: { status: 'closed', closeReason: input.reason, duplicateOfId },
      now,
    })
    return { duplicateOfId }
  })
}

/** Reopens a closed question: it takes answers again and no longer points at an original. */
export function reopenQuestion(db: Db, input: { questionId: number; actorId: number; note?: string; now?: Date }) {
  const now = input.now ?? new Date()
  return writeTransaction(db, (tx) => {
    const question = tx
      .select({ status: questions.status, closeReason: questions.closeReason, duplicateOfId: questions.duplicateOfId })
      .from(questions)
      .where(visibleQuestion(input.questionId))
      .get()
    if (!question) throw new NotFoundError('question')
    if (question.status === 'open') throw new ConflictError('This question is already open.')
    tx.update(questions).set({ status: 'open', closeReason: null, duplicateOfId: null }).where(eq(questions.id, input.questionId)).run()
    logModeration(tx, {
      actorId: input.actorId,
      action: 'reopen',
      target: { type: 'question', id: input.questionId },
      reason: input.note?.trim() ?? '',
      before: question,
      after: { status: 'open', closeReason: null, duplicateOfId: null },
      now,
    })
  })
}

/**
 * Turns a question that is really a feature request into an idea, in one transaction:
 * - the idea keeps the question's author, title, body and tags, in the chosen category, and
 *   links back (`ideas.from_question_id`), as the question links forward (`converted_to_idea_id`);
 * - its voters are the author (the automatic vote, which earns nothing) and every member who
 *   upvoted the question, each once, through applyIdeaVote: the author earns `idea_upvoted` for
 *   each carried vote as if it had been cast on the idea, with the voter as actor. The question
 *   keeps its own votes and the reputation they earned, so every ledger stays exact;
 * - an open question is closed as resolved (answers stay on it; new discussion goes to the idea);
 * - the asker is notified, and the moderation log records the conversion.
 */
export function convertQuestionToIdea(db: Db, input: { questionId: number; actorId: number; categoryId: number; now?: Date }) {
  const now = input.now ?? new Date()
  return writeTransaction(db, (tx) => {
    const question = tx
      .select({
        id: questions.id,
        authorId: questions.authorId,
        title: questions.title,
        bodyMd: questions.bodyMd,
        bodyHtml: questions.bodyHtml,
        status: questions.status,
        closeReason: questions.closeReason,
        convertedToIdeaId: questions.convertedToIdeaId,
      })
      .from(questions)
      .where(visibleQuestion(input.questionId))
      .get()
    if (!question) throw new NotFoundError('question')
    if (question.convertedToIdeaId != null) throw new ConflictError('This question was already turned into an idea.')
    if (!tx.select({ id: categories.id }).from(categories).where(eq(categories.id, input.categoryId)).get()) {
      throw new DomainError('Pick a category from the list.', 400)
    }
    const idea = tx
      .insert(ideas)
      .values({
        authorId: question.authorId,
        categoryId: input.categoryId,
        title: question.title,
        bodyMd: question.bodyMd,
        bodyHtml: question.bodyHtml, // sanitized when the question was written
        fromQuestionId: question.id,
        createdAt: now,
        updatedAt: now,
        lastActivityAt: now,
        statusChangedAt: now,
      })
      .returning({ id: ideas.id })
      .get()
    const tagIds = tx.select({ tagId: questionTags.tagId }).from(questionTags).where(eq(questionTags.questionId, question.id)).all()
    tagPost(
      tx,
      { type: 'idea', id: idea.id },
      tagIds.map((t) => t.tagId),
    )
    applyIdeaVote(tx, { ideaId: idea.id, userId: question.authorId, voted: true, now })
    const upvoters = tx
      .select({ userId: postVotes.userId })
      .from(postVotes)
      .where(
        and(
          eq(postVotes.targetType, 'question'),
          eq(postVotes.targetId, question.id),
          eq(postVotes.value, 1),
          ne(postVotes.userId, question.authorId),
        ),
      )
      .orderBy(asc(postVotes.createdAt), asc(postVotes.userId))
      .all()
    for (const { userId } of upvoters) applyIdeaVote(tx, { ideaId: idea.id, userId, voted: true, now })
    const closes = question.status === 'open'
    tx.update(questions)
      .set({ convertedToIdeaId: idea.id, ...(closes ? { status: 'closed' as const, closeReason: 'resolved' as const } : {}) })
      .where(eq(questions.id, question.id))
      .run()
    notifyUser(tx, question.authorId, {
      kind: 'question_converted',
      subjectType: 'idea',
      subjectId: idea.id,
      actorId: input.actorId,
      title: `Your question “${question.title}” is now an idea`,
      body: 'The team turned it into an idea; your question’s upvoters are its first voters.',
      url: `/ideas/${idea.id}`,
      now,
    })
    logModeration(tx, {
      actorId: input.actorId,
      action: 'convert_to_idea',
      target: { type: 'question', id: question.id },
      before: { status: question.status, closeReason: question.closeReason, convertedToIdeaId: null },
      after: {
        status: closes ? 'closed' : question.status,
        closeReason: closes ? 'resolved' : question.closeReason,
        convertedToIdeaId: idea.id,
        categoryId: input.categoryId,
        carriedVotes: upvoters.length,
      },
      now,
    })
    return { ideaId: idea.id, carriedVotes: upvoters.length }
  })
}
