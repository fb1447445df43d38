/**
 * Support questions: asking, the lists that show them, the question page's read (getQuestionPage)
 * and editing. Their views are counted in question-views.server.ts, their history read in
 * question-history.server.ts.
 */
import { and, count, desc, eq, inArray, isNotNull, isNull, or, type SQL, sql } from 'drizzle-orm'
import { answers, comments, postRevisions, postVotes, questions, questionTags, tags, users } from '#db/schema'
import { type QuestionTab } from '~/domain'
import { type Db, inJsonList, jsonList, prepared, type Tx, writeTransaction } from '~/lib/db.server'
import { ConflictError, DomainError, NotFoundError } from '~/lib/errors'
import { excerpt } from '~/lib/markdown.server'
import { type Cursor, DEFAULT_PAGE_SIZE, toPage } from '~/lib/pagination.server'
import { assertUnderLimit, isNewMember, NEW_MEMBER_QUESTIONS_PER_DAY, QUESTIONS_PER_DAY, recordHits } from '~/lib/rate-limit.server'
import { awardBadge } from './badges.server'
import { notifyMentions, renderWithMentions } from './mentions.server'
import { logModeration } from './moderation-log.server'
import { holdsForPremoderation } from './moderation.server'
import { type NewPost, publishPost } from './publish.server'
import { memoUntilWrite } from '~/lib/read-cache.server'
import { similarPosts } from './search.server'
import { ensureTags, findUnknownTags, tagPost } from './tags.server'
import { laterOf, type PostVoteValue } from './votes.server'

export type NewQuestion = { authorId: number; title: string; bodyMd: string; tagNames?: string[]; now?: Date }

export function createQuestion(db: Db, input: NewQuestion) {
  const now = input.now ?? new Date()
  const bodyHtml = renderWithMentions(db, input.bodyMd)
  return writeTransaction(db, (tx) => {
    const held = holdsForPremoderation(tx, input.authorId, now)
    const question = tx
      .insert(questions)
      .values({
        authorId: input.authorId,
        title: input.title.trim(),
        bodyMd: input.bodyMd,
        bodyHtml,
        createdAt: now,
        updatedAt: now,
        lastActivityAt: now,
      })
      .returning({ id: questions.id })
      .get()
    tagPost(tx, { type: 'question', id: question.id }, ensureTags(tx, input.tagNames ?? [], input.authorId))
    awardBadge(tx, input.authorId, 'first_question', { type: 'question', id: question.id }, now)
    const post: NewPost = {
      type: 'question',
      id: question.id,
      authorId: input.authorId,
      source: input.bodyMd,
      postTitle: input.title.trim(),
      url: `/questions/${question.id}`,
      now,
    }
    publishPost(tx, post, { held })
    return question
  })
}

export const visibleQuestion = and(isNull(questions.deletedAt), isNull(questions.hiddenAt))
/** An answer neither deleted nor hidden, on a question neither deleted nor hidden (for queries joining answers to questions). */
export const visibleAnswerOnVisibleQuestion = and(
  isNull(answers.deletedAt),
  isNull(answers.hiddenAt),
  isNull(questions.deletedAt),
  isNull(questions.hiddenAt),
)!

/** The newest questions, for the home page. */
export function listRecentQuestions(db: Db, { limit = 10 }: { limit?: number } = {}) {
  const rows = db
    .select({
      id: questions.id,
      title: questions.title,
      bodyMd: questions.bodyMd,
      score: questions.score,
      answerCount: questions.answerCount,
      viewCount: questions.viewCount,
      hasAcceptedAnswer: questions.acceptedAnswerId,
      status: questions.status,
      createdAt: questions.createdAt,
      authorName: users.displayName,
      authorUsername: users.username,
    })
    .from(questions)
    .innerJoin(users, eq(users.id, questions.authorId))
    .where(visibleQuestion)
    .orderBy(desc(questions.createdAt), desc(questions.id))
    .limit(limit)
    .all()
  return rows.map(({ bodyMd, hasAcceptedAnswer, ...row }) => ({
    ...row,
    hasAcceptedAnswer: hasAcceptedAnswer != null,
    excerpt: excerpt(bodyMd, 160),
  }))
}

/**
 * Visible questions: all questions (counted from an index alone) minus the hidden or deleted ones
 * (questions_removed_idx); never a read of every row. Reused until the next write (see read-cache).
 */
export function countVisibleQuestions(db: Db) {
  return memoUntilWrite(db, 'visible questions', () => {
    const n = (where?: SQL) => db.select({ n: count() }).from(questions).where(where).get()?.n ?? 0
    return n() - n(or(isNotNull(questions.deletedAt), isNotNull(questions.hiddenAt)))
  })
}

/**
 * One page of questions: newest (by creation), active (by last activity) or unanswered (no
 * accepted answer and no answer scored above 0, newest first), optionally only those with a tag.
 * Keyset pagination on (time, id).
 */
export function listQuestions(db: Db, input: { tab: QuestionTab; tagId?: number | null; cursor?: Cursor | null; pageSize?: number }) {
  const pageSize = input.pageSize ?? DEFAULT_PAGE_SIZE
  const column = input.tab === 'active' ? questions.lastActivityAt : questions.createdAt
  const conditions: (SQL | undefined)[] = [visibleQuestion]
  if (input.tab === 'unanswered') conditions.push(eq(questions.isUnanswered, true))
  if (input.tagId != null) {
    conditions.push(sql`exists (select 1 from question_tags qt where qt.question_id = ${questions.id} and qt.tag_id = ${input.tagId})`)
  }
  if (input.cursor) conditions.push(sql`(${column}, ${questions.id}) < (${input.cursor.sort}, ${input.cursor.id})`)
  const rows = db
    .select({
      id: questions.id,
      title: questions.title,
      bodyMd: questions.bodyMd,
      score: questions.score,
      answerCount: questions.answerCount,
      viewCount: questions.viewCount,
      acceptedAnswerId: questions.acceptedAnswerId,
      status: questions.status,
      createdAt: questions.createdAt,
      lastActivityAt: questions.lastActivityAt,
      authorName: users.displayName,
      authorUsername: users.username,
    })
    .from(questions)
    .innerJoin(users, eq(users.id, questions.authorId))
    .where(and(...conditions))
    .orderBy(desc(column), desc(questions.id))
    .limit(pageSize + 1)
    .all()
  const page = toPage(rows, pageSize, (row) => (input.tab === 'active' ? row.lastActivityAt : row.createdAt).getTime())
  return {
    items: page.items.map(({ bodyMd, acceptedAnswerId, lastActivityAt: _, ...row }) => ({
      ...row,
      hasAcceptedAnswer: acceptedAnswerId != null,
      excerpt: excerpt(bodyMd, 180),
    })),
    nextCursor: page.nextCursor,
  }
}

/** Most answers shown on one question page. */
export const QUESTION_ANSWERS_LIMIT = 100

/**
 * Everything the question page shows: the question, its tags, its answers (accepted first, then
 * score, then age), the comments on all of them, which posts were edited, and (for a signed-in
 * viewer) their own votes. A fixed number of queries, whatever the number of answers.
 *
 * What everyone may see is the same for every viewer, so the page's posts are read once, with
 * the hidden ones marked, and kept until the next write (memoUntilWrite); each request then keeps
 * the hidden posts only for staff and for their authors, and reads the viewer's own votes.
 */
export function getQuestionPage(
  db: Db,
  { questionId, viewerId = null, staffView = false }: { questionId: number; viewerId?: number | null; staffView?: boolean },
) {
  const kept = memoUntilWrite(db, `question page ${questionId}`, () => questionPageRows(db, questionId))
  let rows = staffView ? kept : seenBy(kept, viewerId)
  // The answers stop at QUESTION_ANSWERS_LIMIT: when hidden ones filled some of those places, the
  // viewer's own page is read as such (rare: a hundred answers, some hidden).
  if (rows && rows !== kept && kept.answers.length === QUESTION_ANSWERS_LIMIT && rows.answers.length < QUESTION_ANSWERS_LIMIT) {
    rows = seenBy(questionPageRows(db, questionId, viewerId), viewerId)
  }
  if (!rows?.question) throw new NotFoundError('question')
  const { question, answers: answerRows, comments: commentRows, edits } = rows
  const answerIds = answerRows.map((a) => a.id)
  const viewerVotes = viewerId ? prepared(db, viewerVotesQuery).all({ userId: viewerId, questionId, answerIds: jsonList(answerIds) }) : []
  const commentsOf = (type: 'question' | 'answer', id: number) =>
    commentRows.filter((c) => c.targetType === type && c.targetId === id).map(({ hiddenAt: _, ...c }) => c)
  const editedAt = (type: 'question' | 'answer', id: number) => {
    const edit = edits.find((e) => e.targetType === type && e.targetId === id)
    return edit ? new Date(edit.lastEditedAt) : null
  }
  const voteOf = (type: 'question' | 'answer', id: number) =>
    (viewerVotes.find((v) => v.targetType === type && v.targetId === id)?.value ?? 0) as PostVoteValue
  const { hiddenAt: _, ...shownQuestion } = question
  return {
    question: {
      ...shownQuestion,
      duplicateOf: rows.duplicateOf,
      comments: commentsOf('question', questionId),
      editedAt: editedAt('question', questionId),
      viewerVote: voteOf('question', questionId),
    },
    tags: rows.tags,
    answers: answerRows.map(({ hiddenAt: __, ...answer }) => ({
      ...answer,
      comments: commentsOf('answer', answer.id),
      editedAt: editedAt('answer', answer.id),
      viewerVote: voteOf('answer', answer.id),
    })),
  }
}

type QuestionPageRows = ReturnType<typeof questionPageRows>

/** The rows a viewer may see: hidden posts only their authors' (staff see them all), or null for a question hidden from them. */
function seenBy(rows: QuestionPageRows, viewerId: number | null): QuestionPageRows | null {
  const seen = (post: { hiddenAt: Date | null; authorId: number }) => !post.hiddenAt || (viewerId != null && post.authorId === viewerId)
  if (!rows.question || !seen(rows.question)) return null
  if (rows.answers.every(seen) && rows.comments.every(seen)) return rows
  return { ...rows, answers: rows.answers.filter(seen), comments: rows.comments.filter(seen) }
}

/** Posts of the question page, by type and id: the question and the given answers. */
/** The member's votes on a question and its answers (a jsonList). */
const viewerVotesQuery = (db: Db | Tx) =>
  db
    .select({ targetType: postVotes.targetType, targetId: postVotes.targetId, value: postVotes.value })
    .from(postVotes)
    .where(
      and(
        eq(postVotes.userId, sql.placeholder('userId')),
        or(
          and(eq(postVotes.targetType, 'question'), eq(postVotes.targetId, sql.placeholder('questionId'))),
          and(eq(postVotes.targetType, 'answer'), inJsonList(postVotes.targetId, 'answerIds')),
        ),
      ),
    )
    .prepare()

function onQuestionPage(table: typeof comments | typeof postRevisions | typeof postVotes, questionId: number, answerIds: number[]) {
  return or(
    and(eq(table.targetType, 'question'), eq(table.targetId, questionId)),
    answerIds.length ? and(eq(table.targetType, 'answer'), inArray(table.targetId, answerIds)) : undefined,
  )
}

/**
 * The question page's posts with their hidden ones marked (hiddenAt), deleted ones left out: all
 * of them, or with `viewerId`, only those that viewer may see (the rare exact read).
 */
function questionPageRows(db: Db, questionId: number, viewerId?: number | null) {
  const seenHidden = (table: typeof questions | typeof answers | typeof comments) =>
    viewerId === undefined ? undefined : or(isNull(table.hiddenAt), viewerId != null ? eq(table.authorId, viewerId) : undefined)
  const question =
    db
      .select({
        id: questions.id,
        authorId: questions.authorId,
        title: questions.title,
        bodyHtml: questions.bodyHtml,
        score: questions.score,
        answerCount: questions.answerCount,
        viewCount: questions.viewCount,
        status: questions.status,
        closeReason: questions.closeReason,
        duplicateOfId: questions.duplicateOfId,
        convertedToIdeaId: questions.convertedToIdeaId,
        acceptedAnswerId: questions.acceptedAnswerId,
        lockedAt: questions.lockedAt,
        createdAt: questions.createdAt,
        authorName: users.displayName,
        authorUsername: users.username,
        authorRole: users.role,
        hiddenAt: questions.hiddenAt,
        hiddenReason: questions.hiddenReason,
      })
      .from(questions)
      .innerJoin(users, eq(users.id, questions.authorId))
      .where(and(eq(questions.id, questionId), isNull(questions.deletedAt), seenHidden(questions)))
      .get() ?? null
  if (!question) return { question, tags: [], answers: [], comments: [], edits: [], duplicateOf: null }
  const tagRows = db
    .select({ name: tags.name })
    .from(questionTags)
    .innerJoin(tags, eq(tags.id, questionTags.tagId))
    .where(eq(questionTags.questionId, questionId))
    .orderBy(tags.name)
    .all()
  const answerRows = db
    .select({
      id: answers.id,
      authorId: answers.authorId,
      bodyHtml: answers.bodyHtml,
      score: answers.score,
      isAccepted: answers.isAccepted,
      isOfficial: answers.isOfficial,
      createdAt: answers.createdAt,
      authorName: users.displayName,
      authorUsername: users.username,
      authorRole: users.role,
      hiddenAt: answers.hiddenAt,
      hiddenReason: answers.hiddenReason,
    })
    .from(answers)
    .innerJoin(users, eq(users.id, answers.authorId))
    .where(and(eq(answers.questionId, questionId), isNull(answers.deletedAt), seenHidden(answers)))
    .orderBy(desc(answers.isAccepted), desc(answers.score), answers.createdAt, answers.id)
    .limit(QUESTION_ANSWERS_LIMIT)
    .all()
  const answerIds = answerRows.map((a) => a.id)
  const commentRows = db
    .select({
      id: comments.id,
      targetType: comments.targetType,
      targetId: comments.targetId,
      bodyHtml: comments.bodyHtml,
      createdAt: comments.createdAt,
      authorId: comments.authorId,
      authorName: users.displayName,
      authorUsername: users.username,
      hiddenAt: comments.hiddenAt,
      hiddenReason: comments.hiddenReason,
    })
    .from(comments)
    .innerJoin(users, eq(users.id, comments.authorId))
    .where(and(onQuestionPage(comments, questionId, answerIds), isNull(comments.deletedAt), seenHidden(comments)))
    .orderBy(comments.createdAt, comments.id)
    .all()
  const edits = db
    .select({
      targetType: postRevisions.targetType,
      targetId: postRevisions.targetId,
      lastEditedAt: sql<number>`max(${postRevisions.createdAt})`,
    })
    .from(postRevisions)
    .where(onQuestionPage(postRevisions, questionId, answerIds))
    .groupBy(postRevisions.targetType, postRevisions.targetId)
    .all()
  const duplicateOf = question.duplicateOfId ? findVisibleQuestionTitle(db, question.duplicateOfId) : null
  return { question, tags: tagRows.map((t) => t.name), answers: answerRows, comments: commentRows, edits, duplicateOf }
}

/** The id and title of a question members may see, or null (a removed duplicate target). */
function findVisibleQuestionTitle(db: Db, questionId: number) {
  return (
    db
      .select({ id: questions.id, title: questions.title })
      .from(questions)
      .where(and(eq(questions.id, questionId), visibleQuestion))
      .get() ?? null
  )
}

// ---------------------------------------------------------------------------------------------
// Editing, with the previous version kept in post_revisions.
// ---------------------------------------------------------------------------------------------

/** The author (and the state that decides what may be done) of a visible question. */
export function getQuestionOwner(db: Db, questionId: number) {
  const row = db
    .select({ authorId: questions.authorId, title: questions.title, status: questions.status, lockedAt: questions.lockedAt })
    .from(questions)
    .where(and(eq(questions.id, questionId), visibleQuestion))
    .get()
  if (!row) throw new NotFoundError('question')
  return row
}

/** The source of a visible question, for its edit form. */
export function getQuestionForEdit(db: Db, questionId: number) {
  const row = db
    .select({
      id: questions.id,
      authorId: questions.authorId,
      title: questions.title,
      bodyMd: questions.bodyMd,
      lockedAt: questions.lockedAt,
    })
    .from(questions)
    .where(and(eq(questions.id, questionId), visibleQuestion))
    .get()
  if (!row) throw new NotFoundError('question')
  return row
}

/**
 * Saves an edit of a question. The version it replaces goes into post_revisions first; an edit
 * that changes nothing records nothing. Locked questions cannot be edited.
 */
export function updateQuestion(
  db: Db,
  input: { questionId: number; editorId: number; title: string; bodyMd: string; reason?: string; now?: Date },
) {
  const now = input.now ?? new Date()
  const bodyHtml = renderWithMentions(db, input.bodyMd)
  return writeTransaction(db, (tx) => applyQuestionEdit(tx, { ...input, bodyHtml, now }))
}

/** updateQuestion inside a caller's transaction (an approved suggested edit), with the body already rendered. */
export function applyQuestionEdit(
  tx: Tx,
  input: { questionId: number; editorId: number; title: string; bodyMd: string; bodyHtml: string; reason?: string; now: Date },
) {
  const { now, bodyHtml } = input
  const title = input.title.trim()
  const current = tx
    .select({ title: questions.title, bodyMd: questions.bodyMd, lockedAt: questions.lockedAt, authorId: questions.authorId })
    .from(questions)
    .where(and(eq(questions.id, input.questionId), visibleQuestion))
    .get()
  if (!current) throw new NotFoundError('question')
  if (current.lockedAt) throw new ConflictError('This question is locked; it cannot be edited.')
  if (current.title === title && current.bodyMd === input.bodyMd) return { changed: false }
  // Someone else's edit (staff or a trusted member) is also a moderation record.
  if (current.authorId !== input.editorId) {
    logModeration(tx, {
      actorId: input.editorId,
      action: 'edit_question',
      target: { type: 'question', id: input.questionId },
      reason: input.reason?.trim() ?? '',
      before: { title: current.title, bodyMd: current.bodyMd },
      after: { title, bodyMd: input.bodyMd },
      now,
    })
  }
  tx.insert(postRevisions)
    .values({
      targetType: 'question',
      targetId: input.questionId,
      editorId: input.editorId,
      title: current.title,
      bodyMd: current.bodyMd,
      reason: input.reason?.trim() ?? '',
      createdAt: now,
    })
    .run()
  tx.update(questions)
    .set({ title, bodyMd: input.bodyMd, bodyHtml, updatedAt: now, lastActivityAt: laterOf(questions.lastActivityAt, now) })
    .where(eq(questions.id, input.questionId))
    .run()
  notifyMentions(tx, {
    source: input.bodyMd,
    previousSource: current.bodyMd,
    actorId: input.editorId,
    subjectType: 'question',
    subjectId: input.questionId,
    postTitle: title,
    url: `/questions/${input.questionId}`,
    now,
  })
  return { changed: true }
}

/**
 * The author of a visible question or answer, with the question it belongs to and that question's
 * asker: what the permission rules for voting, commenting and accepting look at.
 */
export function getQaPostOwner(db: Db, target: { type: 'question' | 'answer'; id: number }) {
  const row =
    target.type === 'question'
      ? db
          .select({ authorId: questions.authorId, questionId: questions.id, askerId: questions.authorId })
          .from(questions)
          .where(and(eq(questions.id, target.id), visibleQuestion))
          .get()
      : db
          .select({ authorId: answers.authorId, questionId: questions.id, askerId: questions.authorId })
          .from(answers)
          .innerJoin(questions, eq(questions.id, answers.questionId))
          .where(and(eq(answers.id, target.id), isNull(answers.deletedAt), isNull(answers.hiddenAt), visibleQuestion))
          .get()
  if (!row) throw new NotFoundError(target.type)
  return row
}

// ---------------------------------------------------------------------------------------------
// Asking: the daily limit, tags that must exist, the preview.
// ---------------------------------------------------------------------------------------------

/** Some tags named in a question do not exist, and the asker may not create tags: a 400 on the tags field. */
export class UnknownTagsError extends DomainError {
  constructor(readonly names: string[]) {
    super(`No tag named ${names.map((n) => `“${n}”`).join(', ')} exists yet.`, 400)
  }
}

/**
 * A member asks a question. Refused with RateLimitedError over the daily limit (3 a day for new
 * members, 20 for others, counted in SQLite), and with UnknownTagsError when a tag does not exist
 * and `mayCreateTags` is false. The hit is recorded once the question exists, so a refused or
 * failed question costs nothing; the limit is per account, so two tabs racing may pass one extra.
 */
export function askQuestion(
  db: Db,
  input: { authorId: number; title: string; bodyMd: string; tagNames: string[]; mayCreateTags: boolean; now?: Date },
) {
  const now = input.now ?? new Date()
  const member = db
    .select({ createdAt: users.createdAt, reputation: users.reputation })
    .from(users)
    .where(eq(users.id, input.authorId))
    .get()
  if (!member) throw new NotFoundError('account')
  const isNew = isNewMember(member, now)
  const rule = isNew ? NEW_MEMBER_QUESTIONS_PER_DAY : QUESTIONS_PER_DAY
  const key = `ask:user:${input.authorId}`
  const message = `You can ask ${rule.limit} questions a day${isNew ? ' while your account is new' : ''}.`
  assertUnderLimit(db, [{ key, rule, message }], now)
  if (!input.mayCreateTags) {
    const unknown = findUnknownTags(db, input.tagNames)
    if (unknown.length) throw new UnknownTagsError(unknown)
  }
  const question = createQuestion(db, { authorId: input.authorId, title: input.title, bodyMd: input.bodyMd, tagNames: input.tagNames, now })
  recordHits(db, [key], now)
  return question
}

/** What the ask page's Preview shows: the body as it will look, and posts like the title. */
export function previewQuestion(db: Db, { title, bodyMd }: { title: string; bodyMd: string }) {
  return { bodyHtml: renderWithMentions(db, bodyMd.slice(0, 20_000)), similar: similarPosts(db, { title }) }
}
