/**
 * Suggested edits: a member below the edit privilege proposes a new title and text for someone
 * else's idea, question or answer; the post's author, or a member with the edit privilege (2000
 * reputation, or staff), approves or rejects it. Approving applies the edit through the post's own
 * edit path (revision kept, body rendered on write, FTS kept in sync by its triggers) and pays the
 * suggester REPUTATION.suggested_edit_approved; both outcomes notify the suggester. Who may
 * suggest and review is decided by the routes with check(); the state rules live here.
 */
import { and, count, eq, inArray, isNull, sql } from 'drizzle-orm'
import { answers, ideas, questions, suggestedEdits, users } from '#db/schema'
import { type Db, type Tx, writeTransaction } from '~/lib/db.server'
import { ConflictError, DomainError, ForbiddenError, NotFoundError } from '~/lib/errors'
import { type Cursor, DEFAULT_PAGE_SIZE, toPage } from '~/lib/pagination.server'
import { memoUntilWrite } from '~/lib/read-cache.server'
import { applyAnswerEdit } from './answers.server'
import { applyIdeaTextEdit } from './ideas.server'
import { renderWithMentions } from './mentions.server'
import { notifyUser } from './notifications.server'
import { applyQuestionEdit, visibleAnswerOnVisibleQuestion } from './questions.server'
import { recordReputation } from './reputation.server'

export const SUGGESTABLE_TYPES = ['idea', 'question', 'answer'] as const
export type SuggestableType = (typeof SUGGESTABLE_TYPES)[number]
export type SuggestTarget = { type: SuggestableType; id: number }

export type PostForSuggestion = {
  type: SuggestableType
  id: number
  authorId: number
  /** Null for answers, which have no title. */
  title: string | null
  bodyMd: string
  /** The title of the post, or of the question an answer belongs to, for headings and notifications. */
  heading: string
  url: string
  isLocked: boolean
}

function loadPost(db: Db | Tx, target: SuggestTarget): PostForSuggestion | null {
  return loadPosts(db, [target]).get(`${target.type}:${target.id}`) ?? null
}

/** A visible post that can receive a suggested edit (404 otherwise). */
export function getPostForSuggestion(db: Db, target: SuggestTarget) {
  const post = loadPost(db, target)
  if (!post) throw new NotFoundError(target.type)
  return post
}

/**
 * Records a suggested edit. One pending suggestion per member per post (409); not on one's own
 * post (403: edit it instead); not on a locked or merged post (409); it must change something (400).
 */
export function suggestEdit(
  db: Db,
  input: { target: SuggestTarget; authorId: number; title: string | null; bodyMd: string; comment: string; now?: Date },
) {
  const now = input.now ?? new Date()
  const bodyHtml = renderWithMentions(db, input.bodyMd)
  const title = input.title?.trim() ?? null
  return writeTransaction(db, (tx) => {
    const post = loadPost(tx, input.target)
    if (!post) throw new NotFoundError(input.target.type)
    if (post.authorId === input.authorId) throw new ForbiddenError('This is your own post: edit it instead.')
    if (post.isLocked) throw new ConflictError('This post is locked; it takes no edits.')
    const newTitle = post.title === null ? null : (title ?? post.title)
    if (newTitle === post.title && input.bodyMd === post.bodyMd)
      throw new DomainError('Change something before you send the suggestion.', 400)
    const pending = tx
      .select({ id: suggestedEdits.id })
      .from(suggestedEdits)
      .where(
        and(
          eq(suggestedEdits.targetType, post.type),
          eq(suggestedEdits.targetId, post.id),
          eq(suggestedEdits.status, 'pending'),
          eq(suggestedEdits.authorId, input.authorId),
        ),
      )
      .get()
    if (pending) throw new ConflictError('You already have a suggested edit waiting for review on this post.')
    const edit = tx
      .insert(suggestedEdits)
      .values({
        targetType: post.type,
        targetId: post.id,
        authorId: input.authorId,
        title: newTitle,
        bodyMd: input.bodyMd,
        bodyHtml,
        comment: input.comment.trim(),
        createdAt: now,
      })
      .returning({ id: suggestedEdits.id })
      .get()
    notifyUser(tx, post.authorId, {
      kind: 'suggested_edit',
      subjectType: post.type,
      subjectId: post.id,
      actorId: input.authorId,
      title: `An edit was suggested for your post “${post.heading}”`,
      url: '/review/edits',
      now,
    })
    return edit
  })
}

/** The post a suggested edit points at, for the route's permission check (review:suggested-edit). */
export function getSuggestedEditOwner(db: Db, editId: number) {
  const edit = db
    .select({ targetType: suggestedEdits.targetType, targetId: suggestedEdits.targetId, authorId: suggestedEdits.authorId })
    .from(suggestedEdits)
    .where(eq(suggestedEdits.id, editId))
    .get()
  if (!edit) throw new NotFoundError('suggested edit')
  const post = loadPost(db, { type: edit.targetType, id: edit.targetId })
  if (!post) throw new NotFoundError('suggested edit')
  return { suggesterId: edit.authorId, postAuthorId: post.authorId }
}

/**
 * Approves or rejects a pending suggested edit. Approval applies it as an edit by the suggester
 * (the revision names them) and pays them +2; rejection needs a reason. Either way the suggester
 * is told. A suggestion already reviewed is a 409; reviewing one's own suggestion is a 403.
 */
export function reviewSuggestedEdit(
  db: Db,
  input: {
    editId: number
    reviewerId: number
    /** Staff may change an idea's title after others voted for it; other reviewers may not. */
    reviewerIsStaff?: boolean
    decision: 'approve' | 'reject'
    reason?: string
    now?: Date
  },
) {
  const now = input.now ?? new Date()
  const reason = input.reason?.trim() ?? ''
  if (input.decision === 'reject' && !reason) throw new DomainError('Say why the edit is rejected.', 400)
  return writeTransaction(db, (tx) => {
    const edit = tx.select().from(suggestedEdits).where(eq(suggestedEdits.id, input.editId)).get()
    if (!edit) throw new NotFoundError('suggested edit')
    if (edit.status !== 'pending') throw new ConflictError(`This suggested edit was already ${edit.status}.`)
    if (edit.authorId === input.reviewerId) throw new ForbiddenError('You cannot review your own suggested edit.')
    const post = loadPost(tx, { type: edit.targetType, id: edit.targetId })
    if (!post) throw new NotFoundError('suggested edit')
    const note = edit.comment ? `Suggested edit: ${edit.comment}` : 'Suggested edit.'
    if (input.decision === 'approve') {
      const common = { editorId: edit.authorId, bodyMd: edit.bodyMd, bodyHtml: edit.bodyHtml, reason: note.slice(0, 200), now }
      const asStaff = input.reviewerIsStaff ?? false
      if (edit.targetType === 'idea') applyIdeaTextEdit(tx, { ...common, ideaId: edit.targetId, asStaff, title: edit.title ?? post.title! })
      else if (edit.targetType === 'question')
        applyQuestionEdit(tx, { ...common, questionId: edit.targetId, title: edit.title ?? post.title! })
      else applyAnswerEdit(tx, { ...common, answerId: edit.targetId })
      recordReputation(tx, {
        userId: edit.authorId,
        reason: 'suggested_edit_approved',
        source: { type: edit.targetType, id: edit.targetId },
        actorId: input.reviewerId,
        now,
      })
    }
    const status = input.decision === 'approve' ? ('approved' as const) : ('rejected' as const)
    tx.update(suggestedEdits)
      .set({ status, reviewedById: input.reviewerId, reviewedAt: now, reviewReason: reason })
      .where(eq(suggestedEdits.id, edit.id))
      .run()
    notifyUser(tx, edit.authorId, {
      kind: 'suggested_edit',
      subjectType: edit.targetType,
      subjectId: edit.targetId,
      actorId: input.reviewerId,
      title: `Your suggested edit on “${post.heading}” was ${status}`,
      body: reason,
      url: post.url,
      now,
    })
    return { status, url: post.url }
  })
}

/** Pending suggestions are few (they are reviewed); past this many they are counted by query. */
const PENDING_KEPT_MAX = 2000

/**
 * Every pending suggestion (its post, its author and its post's author), and their authors by post
 * (`type:id`), kept until the next write, or null when there are too many to keep. Every member's
 * page asks (the account menu's count; the idea and question pages' posts).
 */
function keptPendingEdits(db: Db) {
  return memoUntilWrite(db, 'pending suggested edits', () => {
    const rows = db
      .select({
        type: suggestedEdits.targetType,
        id: suggestedEdits.targetId,
        authorId: suggestedEdits.authorId,
        targetAuthorId: sql<number | null>`${authorOfTarget}`,
      })
      .from(suggestedEdits)
      .where(eq(suggestedEdits.status, 'pending'))
      .limit(PENDING_KEPT_MAX + 1)
      .all()
    if (rows.length > PENDING_KEPT_MAX) return null
    const byPost = new Map<string, number[]>()
    for (const row of rows) {
      const key = `${row.type}:${row.id}`
      const authors = byPost.get(key)
      if (authors) authors.push(row.authorId)
      else byPost.set(key, [row.authorId])
    }
    return { rows, byPost }
  })
}

/**
 * Pending suggestions on each of the given posts, and whether the viewer wrote one of them, keyed
 * `type:id`: from the kept list of pending suggestions, or one grouped query per type over
 * suggested_edits_target_idx when there are too many to keep.
 */
export function countPendingSuggestedEdits(db: Db, targets: SuggestTarget[], viewerId: number | null = null) {
  const counts = new Map<string, { pending: number; isViewerPending: boolean }>()
  const kept = keptPendingEdits(db)
  if (kept) {
    for (const target of targets) {
      const key = `${target.type}:${target.id}`
      const authors = kept.byPost.get(key)
      if (authors) counts.set(key, { pending: authors.length, isViewerPending: viewerId !== null && authors.includes(viewerId) })
    }
    return counts
  }
  for (const type of SUGGESTABLE_TYPES) {
    const ids = targets.filter((t) => t.type === type).map((t) => t.id)
    if (!ids.length) continue
    const rows = db
      .select({
        targetId: suggestedEdits.targetId,
        n: count(),
        mine: sql<number>`coalesce(sum(${suggestedEdits.authorId} = ${viewerId ?? 0}), 0)`,
      })
      .from(suggestedEdits)
      .where(and(eq(suggestedEdits.targetType, type), inArray(suggestedEdits.targetId, ids), eq(suggestedEdits.status, 'pending')))
      .groupBy(suggestedEdits.targetId)
      .all()
    for (const row of rows) counts.set(`${type}:${row.targetId}`, { pending: row.n, isViewerPending: row.mine > 0 })
  }
  return counts
}

const authorOfTarget = sql`case ${suggestedEdits.targetType}
  when 'idea' then (select author_id from ideas where id = ${suggestedEdits.targetId})
  when 'question' then (select author_id from questions where id = ${suggestedEdits.targetId})
  else (select author_id from answers where id = ${suggestedEdits.targetId}) end`

/** Counted up to this many for the account menu ("99+" past it): the count walks the pending rows. */
export const REVIEWABLE_COUNT_CAP = 100

/**
 * How many pending suggestions the viewer may review (the same rule as the list below), for the
 * account menu; at most REVIEWABLE_COUNT_CAP. Reads the pending rows only (suggested_edits_pending_idx).
 */
export function countReviewableSuggestedEdits(db: Db, who: { viewerId: number; mayReviewAny: boolean }) {
  const kept = keptPendingEdits(db)
  if (kept) {
    let n = 0
    for (const edit of kept.rows) {
      if (edit.authorId !== who.viewerId && (who.mayReviewAny || edit.targetAuthorId === who.viewerId)) n++
      if (n >= REVIEWABLE_COUNT_CAP) break
    }
    return n
  }
  return (
    db.get<{ n: number }>(sql`select count(*) as n from (
      select 1 from ${suggestedEdits} where ${reviewableBy(who)} limit ${REVIEWABLE_COUNT_CAP})`)?.n ?? 0
  )
}

/** The pending suggestions a viewer may review: on their own posts, or on anyone's; never their own. */
function reviewableBy({ viewerId, mayReviewAny }: { viewerId: number; mayReviewAny: boolean }) {
  return and(
    eq(suggestedEdits.status, 'pending'),
    sql`${suggestedEdits.authorId} <> ${viewerId}`,
    mayReviewAny ? undefined : sql`${authorOfTarget} = ${viewerId}`,
  )!
}

/**
 * The pending suggestions the viewer may review, oldest first (keyset on created_at, id over
 * suggested_edits_pending_idx): on their own posts, or on anyone's when `mayReviewAny`; never
 * their own suggestions. Each comes with the post's current title and text, loaded per type in one
 * query for the page.
 */
export function listReviewableSuggestedEdits(
  db: Db,
  {
    viewerId,
    mayReviewAny,
    cursor,
    pageSize = DEFAULT_PAGE_SIZE,
  }: { viewerId: number; mayReviewAny: boolean; cursor?: Cursor | null; pageSize?: number },
) {
  const rows = db
    .select({
      id: suggestedEdits.id,
      targetType: suggestedEdits.targetType,
      targetId: suggestedEdits.targetId,
      title: suggestedEdits.title,
      bodyMd: suggestedEdits.bodyMd,
      comment: suggestedEdits.comment,
      createdAt: suggestedEdits.createdAt,
      suggesterUsername: users.username,
      suggesterName: users.displayName,
    })
    .from(suggestedEdits)
    .innerJoin(users, eq(users.id, suggestedEdits.authorId))
    .where(
      and(
        reviewableBy({ viewerId, mayReviewAny }),
        cursor ? sql`(${suggestedEdits.createdAt}, ${suggestedEdits.id}) > (${cursor.sort}, ${cursor.id})` : undefined,
      ),
    )
    .orderBy(suggestedEdits.createdAt, suggestedEdits.id)
    .limit(pageSize + 1)
    .all()
  const page = toPage(rows, pageSize, (row) => row.createdAt.getTime())
  const posts = loadPosts(
    db,
    page.items.map((r) => ({ type: r.targetType, id: r.targetId })),
  )
  return {
    items: page.items.flatMap((row) => {
      const post = posts.get(`${row.targetType}:${row.targetId}`)
      return post ? [{ ...row, post }] : [] // the post was removed since: nothing to review
    }),
    nextCursor: page.nextCursor,
  }
}

/** Many posts at once: one query per type for the whole page. */
function loadPosts(db: Db | Tx, targets: SuggestTarget[]) {
  const result = new Map<string, PostForSuggestion>()
  const idsOf = (type: SuggestableType) => [...new Set(targets.filter((t) => t.type === type).map((t) => t.id))]
  const ideaIds = idsOf('idea'),
    questionIds = idsOf('question'),
    answerIds = idsOf('answer')
  if (ideaIds.length) {
    for (const row of db
      .select({
        id: ideas.id,
        authorId: ideas.authorId,
        title: ideas.title,
        bodyMd: ideas.bodyMd,
        lockedAt: ideas.lockedAt,
        status: ideas.status,
      })
      .from(ideas)
      .where(and(inArray(ideas.id, ideaIds), isNull(ideas.deletedAt), isNull(ideas.hiddenAt)))
      .all()) {
      const isLocked = row.lockedAt != null || row.status === 'merged'
      result.set(`idea:${row.id}`, {
        type: 'idea',
        id: row.id,
        authorId: row.authorId,
        title: row.title,
        bodyMd: row.bodyMd,
        heading: row.title,
        url: `/ideas/${row.id}`,
        isLocked,
      })
    }
  }
  if (questionIds.length) {
    for (const row of db
      .select({
        id: questions.id,
        authorId: questions.authorId,
        title: questions.title,
        bodyMd: questions.bodyMd,
        lockedAt: questions.lockedAt,
      })
      .from(questions)
      .where(and(inArray(questions.id, questionIds), isNull(questions.deletedAt), isNull(questions.hiddenAt)))
      .all()) {
      result.set(`question:${row.id}`, {
        type: 'question',
        id: row.id,
        authorId: row.authorId,
        title: row.title,
        bodyMd: row.bodyMd,
        heading: row.title,
        url: `/questions/${row.id}`,
        isLocked: row.lockedAt != null,
      })
    }
  }
  if (answerIds.length) {
    for (const row of db
      .select({
        id: answers.id,
        authorId: answers.authorId,
        bodyMd: answers.bodyMd,
        questionId: questions.id,
        heading: questions.title,
        lockedAt: questions.lockedAt,
      })
      .from(answers)
      .innerJoin(questions, eq(questions.id, answers.questionId))
      .where(and(inArray(answers.id, answerIds), visibleAnswerOnVisibleQuestion))
      .all()) {
      result.set(`answer:${row.id}`, {
        type: 'answer',
        id: row.id,
        authorId: row.authorId,
        title: null,
        bodyMd: row.bodyMd,
        heading: row.heading,
        url: `/questions/${row.questionId}#answer-${row.id}`,
        isLocked: row.lockedAt != null,
      })
    }
  }
  return result
}

/** Whether the member already has a suggestion waiting for review on this post. */
export function hasOwnPendingSuggestion(db: Db, { target, authorId }: { target: SuggestTarget; authorId: number }) {
  return !!db
    .select({ id: suggestedEdits.id })
    .from(suggestedEdits)
    .where(
      and(
        eq(suggestedEdits.targetType, target.type),
        eq(suggestedEdits.targetId, target.id),
        eq(suggestedEdits.status, 'pending'),
        eq(suggestedEdits.authorId, authorId),
      ),
    )
    .get()
}
