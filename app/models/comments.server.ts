/** Comments on ideas, questions and answers. */
import { and, desc, eq, isNull, or, sql } from 'drizzle-orm'
import { answers, comments, ideas, postRevisions, questions, users } from '#db/schema'
import { type Db, type Tx, writeTransaction } from '~/lib/db.server'
import { ConflictError, ForbiddenError, NotFoundError } from '~/lib/errors'
import { excerpt } from '~/lib/markdown.server'
import { type Cursor, toPage } from '~/lib/pagination.server'
import { logModeration } from './moderation-log.server'
import { notifyMentions, renderWithMentions } from './mentions.server'
import { notifyIdeaStakeholders, notifyUser } from './notifications.server'
import { commentedPostTable } from './posts.server'
import { laterOf } from './votes.server'
import { queueCommentCreated } from './webhook-events.server'
import { visibleAnswerOnVisibleQuestion } from './questions.server'

const MERGED_IDEA_MESSAGE = 'This idea was merged into another one; comment there.'

export type CommentTarget = { type: 'idea' | 'question' | 'answer'; id: number }

/**
 * The post a comment goes on, with what decides whether it may take one: missing, hidden or
 * deleted posts (or an answer whose question is) are not found; a locked idea or question is a
 * conflict. Closed questions still take comments, as on Stack Overflow.
 */
function commentablePost(tx: Tx, target: CommentTarget) {
  if (target.type === 'idea') {
    const idea = tx
      .select({ lockedAt: ideas.lockedAt, status: ideas.status })
      .from(ideas)
      .where(and(eq(ideas.id, target.id), isNull(ideas.deletedAt), isNull(ideas.hiddenAt)))
      .get()
    if (!idea) throw new NotFoundError('idea')
    return { lockedAt: idea.lockedAt, isMerged: idea.status === 'merged', ideaId: target.id, questionId: null }
  }
  const question =
    target.type === 'question'
      ? tx
          .select({ id: questions.id, lockedAt: questions.lockedAt })
          .from(questions)
          .where(and(eq(questions.id, target.id), isNull(questions.deletedAt), isNull(questions.hiddenAt)))
          .get()
      : tx
          .select({ id: questions.id, lockedAt: questions.lockedAt })
          .from(answers)
          .innerJoin(questions, eq(questions.id, answers.questionId))
          .where(and(eq(answers.id, target.id), visibleAnswerOnVisibleQuestion))
          .get()
  if (!question) throw new NotFoundError(target.type)
  return { lockedAt: question.lockedAt, isMerged: false, ideaId: null, questionId: question.id }
}

export function addComment(
  db: Db,
  { target, authorId, bodyMd, now = new Date() }: { target: CommentTarget; authorId: number; bodyMd: string; now?: Date },
) {
  const bodyHtml = renderWithMentions(db, bodyMd) // slow pure work before taking the write lock
  return writeTransaction(db, (tx) => {
    const post = commentablePost(tx, target)
    if (post.lockedAt) throw new ConflictError(`This ${target.type === 'idea' ? 'idea' : 'question'} is locked; comments are closed.`)
    if (post.isMerged) throw new ConflictError(MERGED_IDEA_MESSAGE)
    const comment = tx
      .insert(comments)
      .values({ targetType: target.type, targetId: target.id, authorId, bodyMd, bodyHtml, createdAt: now, updatedAt: now })
      .returning({ id: comments.id })
      .get()
    const table = commentedPostTable(target.type)
    const { postAuthorId } = tx
      .update(table)
      .set({ commentCount: sql`${table.commentCount} + 1` })
      .where(eq(table.id, target.id))
      .returning({ postAuthorId: table.authorId })
      .get()!
    bumpActivity(tx, post, now)
    const { postTitle, ...notice } = commentNotice(tx, target, post, comment.id)
    notifyUser(tx, postAuthorId, { ...notice, actorId: authorId, now })
    notifyMentions(tx, {
      source: bodyMd,
      actorId: authorId,
      except: [postAuthorId],
      subjectType: 'comment',
      subjectId: comment.id,
      postTitle,
      url: notice.url,
      now,
    })
    queueCommentCreated(tx, comment.id, now)
    return comment
  })
}

/** What the post's author is told about a new comment ("comment on your post"): a title and a link; and the post's own title. */
function commentNotice(tx: Tx, target: CommentTarget, post: { ideaId: number | null; questionId: number | null }, commentId: number) {
  const base = { kind: 'comment', subjectType: 'comment', subjectId: commentId }
  if (post.ideaId) {
    const { title } = tx.select({ title: ideas.title }).from(ideas).where(eq(ideas.id, post.ideaId)).get()!
    return { ...base, postTitle: title, title: `New comment on your idea “${title}”`, url: `/ideas/${post.ideaId}#comment-${commentId}` }
  }
  const questionId = post.questionId!
  const { title } = tx.select({ title: questions.title }).from(questions).where(eq(questions.id, questionId)).get()!
  return {
    ...base,
    postTitle: title,
    title: target.type === 'question' ? `New comment on your question “${title}”` : `New comment on your answer to “${title}”`,
    url: `/questions/${questionId}#comment-${commentId}`,
  }
}

/** A comment (or an edit of one) is activity on the idea or question it belongs to. */
function bumpActivity(tx: Tx, post: { ideaId: number | null; questionId: number | null }, now: Date) {
  if (post.ideaId)
    tx.update(ideas)
      .set({ lastActivityAt: laterOf(ideas.lastActivityAt, now) })
      .where(eq(ideas.id, post.ideaId))
      .run()
  if (post.questionId) {
    tx.update(questions)
      .set({ lastActivityAt: laterOf(questions.lastActivityAt, now) })
      .where(eq(questions.id, post.questionId))
      .run()
  }
}

/** Authors may edit a comment this long after posting it (DESIGN: "for a while"); moderators always. */
export const COMMENT_EDIT_WINDOW_MS = 15 * 60_000

export function isCommentEditWindowOpen(createdAt: Date, now: Date) {
  return now.getTime() - createdAt.getTime() < COMMENT_EDIT_WINDOW_MS
}

const visibleCommentOn = (target: CommentTarget) =>
  and(eq(comments.targetType, target.type), eq(comments.targetId, target.id), isNull(comments.deletedAt), isNull(comments.hiddenAt))

/** The author of a visible comment on `target`, for the route's permission check; anything else is not found. */
export function getCommentOwner(db: Db, { commentId, target }: { commentId: number; target: CommentTarget }) {
  const comment = db
    .select({ authorId: comments.authorId })
    .from(comments)
    .where(and(eq(comments.id, commentId), visibleCommentOn(target)))
    .get()
  if (!comment) throw new NotFoundError('comment')
  return comment
}

/**
 * Replaces a comment's text and keeps the version it replaces in post_revisions. The author may
 * edit within COMMENT_EDIT_WINDOW_MS of posting while the post takes comments; a moderator
 * (`asModerator`, decided by the route's permission check) may always, and an edit of someone
 * else's comment goes into the moderation log. An unchanged text writes nothing.
 */
export function editComment(
  db: Db,
  input: { commentId: number; target: CommentTarget; editorId: number; bodyMd: string; asModerator: boolean; now?: Date },
) {
  const { commentId, target, editorId, bodyMd, asModerator } = input
  const now = input.now ?? new Date()
  const bodyHtml = renderWithMentions(db, bodyMd)
  return writeTransaction(db, (tx) => {
    const post = commentablePost(tx, target)
    const comment = tx
      .select({ authorId: comments.authorId, bodyMd: comments.bodyMd, createdAt: comments.createdAt })
      .from(comments)
      .where(and(eq(comments.id, commentId), visibleCommentOn(target)))
      .get()
    if (!comment) throw new NotFoundError('comment')
    if (!asModerator) {
      if (comment.authorId !== editorId) throw new ForbiddenError('You can only edit your own comments.')
      if (!isCommentEditWindowOpen(comment.createdAt, now)) {
        throw new ConflictError(
          `The edit window has closed. Comments can be edited for ${COMMENT_EDIT_WINDOW_MS / 60_000} minutes after posting.`,
        )
      }
      if (post.lockedAt) throw new ConflictError(`This ${target.type === 'idea' ? 'idea' : 'question'} is locked; comments are closed.`)
      if (post.isMerged) throw new ConflictError(MERGED_IDEA_MESSAGE)
    }
    if (comment.bodyMd === bodyMd) return { id: commentId, changed: false }
    tx.insert(postRevisions).values({ targetType: 'comment', targetId: commentId, editorId, bodyMd: comment.bodyMd, createdAt: now }).run()
    tx.update(comments).set({ bodyMd, bodyHtml, updatedAt: now }).where(eq(comments.id, commentId)).run()
    bumpActivity(tx, post, now)
    const notice = commentNotice(tx, target, post, commentId)
    notifyMentions(tx, {
      source: bodyMd,
      previousSource: comment.bodyMd,
      actorId: editorId,
      subjectType: 'comment',
      subjectId: commentId,
      postTitle: notice.postTitle,
      url: notice.url,
      now,
    })
    if (comment.authorId !== editorId) {
      logModeration(tx, {
        actorId: editorId,
        action: 'edit_comment',
        target: { type: 'comment', id: commentId },
        before: { bodyMd: comment.bodyMd },
        after: { bodyMd },
        now,
      })
    }
    return { id: commentId, changed: true }
  })
}

/**
 * Posts the product team's official response on an idea: a comment pinned at the top and marked
 * Team. The response it replaces stays in the thread as an ordinary comment. Locked ideas still
 * take one (the team may explain why it is locked); merged ideas do not. The voters, the author
 * and the followers hear about it, like a status change, since a response is often the answer
 * they are waiting for.
 */
export function postOfficialResponse(db: Db, input: { ideaId: number; authorId: number; bodyMd: string; now?: Date }) {
  const { ideaId, authorId, bodyMd } = input
  const now = input.now ?? new Date()
  const bodyHtml = renderWithMentions(db, bodyMd)
  return writeTransaction(db, (tx) => {
    const post = commentablePost(tx, { type: 'idea', id: ideaId })
    if (post.isMerged) throw new ConflictError(MERGED_IDEA_MESSAGE)
    const { title } = tx.select({ title: ideas.title }).from(ideas).where(eq(ideas.id, ideaId)).get()!
    tx.update(comments)
      .set({ isOfficial: false })
      .where(and(eq(comments.targetType, 'idea'), eq(comments.targetId, ideaId), eq(comments.isOfficial, true)))
      .run()
    const comment = tx
      .insert(comments)
      .values({ targetType: 'idea', targetId: ideaId, authorId, bodyMd, bodyHtml, isOfficial: true, createdAt: now, updatedAt: now })
      .returning({ id: comments.id })
      .get()
    tx.update(ideas)
      .set({ commentCount: sql`${ideas.commentCount} + 1`, lastActivityAt: laterOf(ideas.lastActivityAt, now) })
      .where(eq(ideas.id, ideaId))
      .run()
    const notified = notifyIdeaStakeholders(tx, ideaId, {
      kind: 'idea_response',
      subjectType: 'idea',
      subjectId: ideaId,
      actorId: authorId,
      title: `The team responded to “${title}”`,
      body: excerpt(bodyMd, 280),
      url: `/ideas/${ideaId}#official-response`,
      now,
    })
    return { id: comment.id, notified }
  })
}

/**
 * Most comments shown on one page of an idea's thread, the newest; older ones are a link away
 * ("Show older comments"), as Discourse loads a long topic a part at a time. 200 made a long
 * thread's page 170 KB of HTML and its render 50 ms of CPU for each member who opened it.
 */
export const IDEA_COMMENTS_PAGE_SIZE = 50
/** Earlier versions listed under one comment (the newest ones). */
const REVISIONS_SHOWN = 10

const ideaCommentColumns = {
  id: comments.id,
  authorId: comments.authorId,
  bodyMd: comments.bodyMd,
  bodyHtml: comments.bodyHtml,
  isOfficial: comments.isOfficial,
  createdAt: comments.createdAt,
  updatedAt: comments.updatedAt,
  authorName: users.displayName,
  authorUsername: users.username,
  authorRole: users.role,
  hiddenAt: comments.hiddenAt,
  hiddenReason: comments.hiddenReason,
}

/**
 * An idea's discussion: the pinned official response, and one page of the other comments in
 * reading order: the newest IDEA_COMMENTS_PAGE_SIZE, or those before `before`. Each comment
 * carries its earlier versions (newest first, at most REVISIONS_SHOWN). Three queries.
 */
export function listIdeaComments(
  db: Db,
  {
    ideaId,
    before = null,
    pageSize = IDEA_COMMENTS_PAGE_SIZE,
    viewerId = null,
    staffView = false,
  }: { ideaId: number; before?: Cursor | null; pageSize?: number; viewerId?: number | null; staffView?: boolean },
) {
  // Hidden comments stay visible to their author (marked) and to staff.
  const onIdea = and(
    eq(comments.targetType, 'idea'),
    eq(comments.targetId, ideaId),
    isNull(comments.deletedAt),
    staffView ? undefined : or(isNull(comments.hiddenAt), viewerId != null ? eq(comments.authorId, viewerId) : undefined),
  )
  const official =
    db
      .select(ideaCommentColumns)
      .from(comments)
      .innerJoin(users, eq(users.id, comments.authorId))
      .where(and(onIdea, eq(comments.isOfficial, true)))
      .orderBy(desc(comments.id))
      .limit(1)
      .get() ?? null
  const rows = db
    .select(ideaCommentColumns)
    .from(comments)
    .innerJoin(users, eq(users.id, comments.authorId))
    .where(
      and(
        onIdea,
        eq(comments.isOfficial, false),
        before ? sql`(${comments.createdAt}, ${comments.id}) < (${before.sort}, ${before.id})` : undefined,
      ),
    )
    .orderBy(desc(comments.createdAt), desc(comments.id))
    .limit(pageSize + 1)
    .all()
  const page = toPage(rows, pageSize, (row) => row.createdAt.getTime())
  const shown = official ? [official, ...page.items] : page.items
  const revisions = listCommentRevisions(
    db,
    shown.map((c) => c.id),
  )
  const withHistory = <T extends { id: number }>(comment: T) => {
    const history = revisions.get(comment.id) ?? []
    return { ...comment, revisionCount: history[0]?.total ?? 0, revisions: history.map(({ total: _, ...r }) => r) }
  }
  return {
    official: official ? withHistory(official) : null,
    items: page.items.reverse().map(withHistory),
    olderCursor: page.nextCursor,
  }
}

function listCommentRevisions(db: Db, commentIds: number[]) {
  const byComment = new Map<number, Array<{ id: number; bodyMd: string; replacedAt: Date; editorName: string; total: number }>>()
  if (commentIds.length === 0) return byComment
  const rows = db.all<{ id: number; commentId: number; bodyMd: string; replacedAt: number; editorName: string; total: number }>(sql`
    select id, comment_id as commentId, body_md as bodyMd, created_at as replacedAt, editor_name as editorName, total
    from (
      select r.id, r.target_id as comment_id, r.body_md, r.created_at, u.display_name as editor_name,
        row_number() over (partition by r.target_id order by r.created_at desc, r.id desc) as n,
        count(*) over (partition by r.target_id) as total
      from post_revisions r join users u on u.id = r.editor_id
      where r.target_type = 'comment' and r.target_id in (${sql.join(
        commentIds.map((id) => sql`${id}`),
        sql`, `,
      )})
    )
    where n <= ${REVISIONS_SHOWN}
    order by comment_id, n`)
  for (const { commentId, replacedAt, ...row } of rows) {
    const list = byComment.get(commentId) ?? []
    list.push({ ...row, replacedAt: new Date(replacedAt) })
    byComment.set(commentId, list)
  }
  return byComment
}
