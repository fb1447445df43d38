/**
 * Ideas: posting one (with its author's vote), the idea page's read (getIdeaPage), and what is done
 * to an idea from its page: editing its fields or text, following it. The lists, trending, the
 * roadmap, the changelog, categories, status changes, merging and posting limits have their own
 * modules (idea-lists, trending, roadmap, changelog, categories, idea-status, idea-merge and
 * idea-posting .server.ts).
 */
import { and, count, desc, eq, isNull, ne, sql } from 'drizzle-orm'
import { categories, ideaFollows, ideas, ideaStatusChanges, ideaTags, ideaVotes, postRevisions, tags, users } from '#db/schema'
import { type IdeaStatus } from '~/domain'
import { type Db, prepared, type Tx, writeTransaction } from '~/lib/db.server'
import { ConflictError, DomainError, ForbiddenError, NotFoundError } from '~/lib/errors'
import { type Cursor } from '~/lib/pagination.server'
import { memoUntilWrite } from '~/lib/read-cache.server'
import { awardBadge } from './badges.server'
import { listIdeaComments } from './comments.server'
import { notifyMentions, renderWithMentions } from './mentions.server'
import { logModeration } from './moderation-log.server'
import { holdsForPremoderation } from './moderation.server'
import { type NewPost, publishPost } from './publish.server'
import { ensureTags, normalizeTagNames, refuseNewTags, retagPost, tagPost } from './tags.server'
import { applyIdeaVote } from './votes.server'

export type NewIdea = {
  authorId: number
  categoryId: number | null
  title: string
  bodyMd: string
  tagNames?: string[]
  now?: Date
}

/** Posts an idea; its author's automatic vote comes with it (and earns nothing). */
export function createIdea(db: Db, input: NewIdea) {
  const now = input.now ?? new Date()
  const bodyHtml = renderWithMentions(db, input.bodyMd)
  return writeTransaction(db, (tx) => {
    const held = holdsForPremoderation(tx, input.authorId, now)
    const idea = tx
      .insert(ideas)
      .values({
        authorId: input.authorId,
        categoryId: input.categoryId,
        title: input.title.trim(),
        bodyMd: input.bodyMd,
        bodyHtml,
        createdAt: now,
        updatedAt: now,
        lastActivityAt: now,
        statusChangedAt: now,
      })
      .returning({ id: ideas.id })
      .get()
    tagPost(tx, { type: 'idea', id: idea.id }, ensureTags(tx, input.tagNames ?? [], input.authorId))
    applyIdeaVote(tx, { ideaId: idea.id, userId: input.authorId, voted: true, now })
    awardBadge(tx, input.authorId, 'first_idea', { type: 'idea', id: idea.id }, now)
    // Held for review after the author's vote, which needs a visible idea.
    const post: NewPost = {
      type: 'idea',
      id: idea.id,
      authorId: input.authorId,
      source: input.bodyMd,
      postTitle: input.title.trim(),
      url: `/ideas/${idea.id}`,
      now,
    }
    publishPost(tx, post, { held })
    return idea
  })
}

export const visibleIdea = and(isNull(ideas.deletedAt), isNull(ideas.hiddenAt))

/** Whether the member has a row in idea_votes or idea_follows for the idea (its vote, its follow). */
const hasVoteQuery = (db: Db | Tx) =>
  db
    .select({ one: sql`1` })
    .from(ideaVotes)
    .where(and(eq(ideaVotes.ideaId, sql.placeholder('ideaId')), eq(ideaVotes.userId, sql.placeholder('userId'))))
    .prepare()
const followsQuery = (db: Db | Tx) =>
  db
    .select({ one: sql`1` })
    .from(ideaFollows)
    .where(and(eq(ideaFollows.ideaId, sql.placeholder('ideaId')), eq(ideaFollows.userId, sql.placeholder('userId'))))
    .prepare()

/** Ideas merged into one idea, listed on its page (newest merges first). */
const MERGED_FROM_SHOWN = 50

/**
 * Everything the idea page shows: the idea, its timeline of status changes with official notes,
 * its tags, its discussion (see listIdeaComments), the ideas merged into it, its followers, and
 * what the viewer has done (voted, followed). A merged idea answers with the id to redirect to,
 * unless `showMerged` asks for the idea itself (its comments stay readable).
 *
 * What is the same for every viewer is read once and kept until the next write (read-cache), as a
 * staff member sees it; each request then reads only the viewer's own rows (their vote, their
 * follow) and leaves out what the viewer may not see: a hidden idea or comment is shown to its
 * author (marked) and to staff only. A page of comments can therefore show fewer than the page
 * size to others when some of its comments are hidden; the link to older comments is the same.
 */
export function getIdeaPage(
  db: Db,
  {
    ideaId,
    viewerId = null,
    commentsBefore = null,
    showMerged = false,
    staffView = false,
  }: { ideaId: number; viewerId?: number | null; commentsBefore?: Cursor | null; showMerged?: boolean; staffView?: boolean },
) {
  const before = commentsBefore ? `${commentsBefore.sort}:${commentsBefore.id}` : ''
  const shared = memoUntilWrite(db, `idea page ${ideaId} ${before}`, () => readIdeaPage(db, ideaId, commentsBefore))
  const { idea } = shared
  if (!idea || (idea.hiddenAt && !staffView && idea.authorId !== viewerId)) throw new NotFoundError('idea')
  if (idea.status === 'merged' && idea.mergedIntoId && !showMerged) return { redirectTo: idea.mergedIntoId } as const
  const seen = <T extends { hiddenAt: Date | null; authorId: number }>(post: T) => staffView || !post.hiddenAt || post.authorId === viewerId
  const official = shared.official && seen(shared.official) ? shared.official : shared.publicOfficial
  const mine = { ideaId, userId: viewerId }
  const viewer = viewerId ? { voted: !!prepared(db, hasVoteQuery).get(mine), follows: !!prepared(db, followsQuery).get(mine) } : null
  return {
    idea: { ...idea, followerCount: shared.followerCount, authorEditRefusal: shared.authorEditRefusal },
    timeline: shared.timeline,
    tags: shared.tags,
    officialResponse: official,
    comments: staffView ? shared.comments : shared.comments.filter(seen),
    olderCommentsCursor: shared.olderCommentsCursor,
    mergedInto: shared.mergedInto,
    mergedFrom: shared.mergedFrom,
    viewer,
  } as const
}

/** The idea page as staff see it, for getIdeaPage to keep; `idea` is null when there is none. */
function readIdeaPage(db: Db, ideaId: number, commentsBefore: Cursor | null) {
  const idea = db
    .select({
      id: ideas.id,
      title: ideas.title,
      bodyHtml: ideas.bodyHtml,
      status: ideas.status,
      voteCount: ideas.voteCount,
      commentCount: ideas.commentCount,
      mergedIntoId: ideas.mergedIntoId,
      fromQuestionId: ideas.fromQuestionId,
      createdAt: ideas.createdAt,
      lockedAt: ideas.lockedAt,
      categoryId: ideas.categoryId,
      category: categories.name,
      categorySlug: categories.slug,
      authorId: ideas.authorId,
      authorName: users.displayName,
      authorUsername: users.username,
      authorRole: users.role,
      hiddenAt: ideas.hiddenAt,
      hiddenReason: ideas.hiddenReason,
    })
    .from(ideas)
    .innerJoin(users, eq(users.id, ideas.authorId))
    .leftJoin(categories, eq(categories.id, ideas.categoryId))
    .where(and(eq(ideas.id, ideaId), isNull(ideas.deletedAt)))
    .get()
  if (!idea) return { idea: null } as const
  const mergedInto = idea.mergedIntoId
    ? (db
        .select({ id: ideas.id, title: ideas.title })
        .from(ideas)
        .where(and(eq(ideas.id, idea.mergedIntoId), visibleIdea))
        .get() ?? null)
    : null
  const timeline = db
    .select({
      id: ideaStatusChanges.id,
      fromStatus: ideaStatusChanges.fromStatus,
      toStatus: ideaStatusChanges.toStatus,
      noteHtml: ideaStatusChanges.noteHtml,
      createdAt: ideaStatusChanges.createdAt,
      actorName: users.displayName,
    })
    .from(ideaStatusChanges)
    .innerJoin(users, eq(users.id, ideaStatusChanges.actorId))
    .where(eq(ideaStatusChanges.ideaId, ideaId))
    .orderBy(ideaStatusChanges.createdAt, ideaStatusChanges.id)
    .all()
  const ideaTagRows = db
    .select({ name: tags.name })
    .from(ideaTags)
    .innerJoin(tags, eq(tags.id, ideaTags.tagId))
    .where(eq(ideaTags.ideaId, ideaId))
    .orderBy(tags.name)
    .all()
  const discussion = listIdeaComments(db, { ideaId, before: commentsBefore, staffView: true })
  // The response others see when the newest official one is hidden: the newest that is not.
  const publicOfficial = discussion.official?.hiddenAt ? listIdeaComments(db, { ideaId, pageSize: 0 }).official : discussion.official
  const mergedFrom = db
    .select({ id: ideas.id, title: ideas.title })
    .from(ideas)
    .where(and(eq(ideas.mergedIntoId, ideaId), eq(ideas.status, 'merged'), visibleIdea))
    .orderBy(desc(ideas.statusChangedAt), desc(ideas.id))
    .limit(MERGED_FROM_SHOWN)
    .all()
  const followerCount = db.select({ n: count() }).from(ideaFollows).where(eq(ideaFollows.ideaId, ideaId)).get()?.n ?? 0
  return {
    idea,
    authorEditRefusal: ideaAuthorEditRefusal({ ...idea, othersVoted: othersVoted(db, idea) }),
    followerCount,
    timeline,
    tags: ideaTagRows.map((t) => t.name),
    official: discussion.official,
    publicOfficial,
    comments: discussion.items,
    olderCommentsCursor: discussion.olderCursor,
    mergedInto,
    mergedFrom,
  }
}

// ---------------------------------------------------------------------------------------------
// The idea page's actions: following, editing, merging
// ---------------------------------------------------------------------------------------------

/** The author of a visible idea, for the route's permission check. */
export function getIdeaOwner(db: Db, ideaId: number) {
  const idea = db
    .select({ authorId: ideas.authorId })
    .from(ideas)
    .where(and(eq(ideas.id, ideaId), visibleIdea))
    .get()
  if (!idea) throw new NotFoundError('idea')
  return idea
}

function othersVoted(db: Db | Tx, idea: { id: number; authorId: number }) {
  return !!db
    .select({ one: sql`1` })
    .from(ideaVotes)
    .where(and(eq(ideaVotes.ideaId, idea.id), ne(ideaVotes.userId, idea.authorId)))
    .limit(1)
    .get()
}

/**
 * Why the author may not edit their own idea's title, category and tags now (null: they may).
 * Once someone else has voted, the title is what they voted for, and once the team has picked the
 * idea up it is the team's record: from then on only staff (moderators and up) edit it.
 */
function ideaAuthorEditRefusal(idea: { status: IdeaStatus; lockedAt: Date | null; othersVoted: boolean }) {
  if (idea.status === 'merged') return 'This idea was merged into another one.'
  if (idea.lockedAt) return 'This idea is locked.'
  if (idea.status !== 'open') return 'The product team has picked this idea up, so only the team can edit it now.'
  if (idea.othersVoted) return 'Others have voted for this idea as it is, so only the team can edit it now.'
  return null
}

/**
 * Edits an idea's title, category and tags. The previous title and body go into post_revisions;
 * tag counts move with the tags; a staff edit of someone else's idea is logged with before and
 * after. `asStaff` (decided by the route's permission check) lifts the author's edit rules
 * (ideaAuthorEditRefusal). Nothing changed: nothing written.
 */
export function editIdea(
  db: Db,
  input: {
    ideaId: number
    editorId: number
    asStaff: boolean
    title: string
    categoryId: number | null
    tagNames: string[]
    /** Why the editor may not create tags (check('create:tag')), or null when they may. */
    tagRefusal?: string | null
    /** Why staff edited someone else's idea: kept in the revision and the moderation log. */
    reason?: string
    now?: Date
  },
) {
  const { ideaId, editorId, asStaff, categoryId } = input
  const now = input.now ?? new Date()
  const title = input.title.trim()
  const tagNames = normalizeTagNames(input.tagNames)
  return writeTransaction(db, (tx) => {
    const idea = tx
      .select({
        id: ideas.id,
        authorId: ideas.authorId,
        title: ideas.title,
        bodyMd: ideas.bodyMd,
        categoryId: ideas.categoryId,
        status: ideas.status,
        lockedAt: ideas.lockedAt,
      })
      .from(ideas)
      .where(and(eq(ideas.id, ideaId), visibleIdea))
      .get()
    if (!idea) throw new NotFoundError('idea')
    if (idea.status === 'merged') throw new ConflictError('This idea was merged into another one.')
    if (!asStaff) {
      if (idea.authorId !== editorId) throw new ForbiddenError('You can only edit your own ideas.')
      const refusal = ideaAuthorEditRefusal({ ...idea, othersVoted: othersVoted(tx, idea) })
      if (refusal) throw new ConflictError(refusal)
    }
    if (categoryId !== null && !tx.select({ id: categories.id }).from(categories).where(eq(categories.id, categoryId)).get()) {
      throw new DomainError('Choose a category from the list.', 400)
    }
    const tagsRefused = refuseNewTags(tx, tagNames, input.tagRefusal)
    if (tagsRefused) throw new DomainError(tagsRefused, 400)
    const tagsBefore = tx
      .select({ name: tags.name })
      .from(ideaTags)
      .innerJoin(tags, eq(tags.id, ideaTags.tagId))
      .where(eq(ideaTags.ideaId, ideaId))
      .orderBy(tags.name)
      .all()
      .map((t) => t.name)
    const tagsAfter = [...tagNames].sort()
    const changed = [
      title !== idea.title ? 'title' : null,
      categoryId !== idea.categoryId ? 'category' : null,
      tagsAfter.join(' ') !== tagsBefore.join(' ') ? 'tags' : null,
    ].filter((field): field is string => field !== null)
    if (changed.length === 0) return { changed }
    tx.insert(postRevisions)
      .values({
        targetType: 'idea',
        targetId: ideaId,
        editorId,
        title: idea.title,
        bodyMd: idea.bodyMd,
        reason: [`Changed the ${changed.join(', ')}.`, input.reason?.trim()].filter(Boolean).join(' '),
        createdAt: now,
      })
      .run()
    tx.update(ideas).set({ title, categoryId, updatedAt: now }).where(eq(ideas.id, ideaId)).run()
    if (changed.includes('tags')) retagPost(tx, { type: 'idea', id: ideaId }, ensureTags(tx, tagNames, editorId))
    if (idea.authorId !== editorId) {
      logModeration(tx, {
        actorId: editorId,
        action: 'edit_idea',
        target: { type: 'idea', id: ideaId },
        reason: input.reason?.trim() ?? '',
        before: { title: idea.title, categoryId: idea.categoryId, tags: tagsBefore },
        after: { title, categoryId, tags: tagsAfter },
        now,
      })
    }
    return { changed }
  })
}

/**
 * Replaces an idea's title and text (an approved suggested edit, inside the caller's transaction):
 * the version it replaces goes into post_revisions, the FTS triggers follow the update. Merged or
 * locked ideas are not edited, and unless `asStaff`, the title obeys the author's edit rules
 * (ideaAuthorEditRefusal): once others voted for it, only the team changes it.
 */
export function applyIdeaTextEdit(
  tx: Tx,
  input: {
    ideaId: number
    editorId: number
    asStaff: boolean
    title: string
    bodyMd: string
    bodyHtml: string
    reason?: string
    now: Date
  },
) {
  const { now } = input
  const title = input.title.trim()
  const idea = tx
    .select({
      id: ideas.id,
      authorId: ideas.authorId,
      title: ideas.title,
      bodyMd: ideas.bodyMd,
      status: ideas.status,
      lockedAt: ideas.lockedAt,
    })
    .from(ideas)
    .where(and(eq(ideas.id, input.ideaId), visibleIdea))
    .get()
  if (!idea) throw new NotFoundError('idea')
  if (idea.status === 'merged') throw new ConflictError('This idea was merged into another one.')
  if (idea.lockedAt) throw new ConflictError('This idea is locked.')
  if (!input.asStaff && title !== idea.title) {
    const refusal = ideaAuthorEditRefusal({ ...idea, othersVoted: othersVoted(tx, idea) })
    if (refusal) throw new ConflictError(`${refusal} (The title cannot change; a suggestion that keeps it can be approved.)`)
  }
  if (idea.title === title && idea.bodyMd === input.bodyMd) return { changed: false }
  tx.insert(postRevisions)
    .values({
      targetType: 'idea',
      targetId: input.ideaId,
      editorId: input.editorId,
      title: idea.title,
      bodyMd: idea.bodyMd,
      reason: input.reason?.trim() ?? '',
      createdAt: now,
    })
    .run()
  tx.update(ideas).set({ title, bodyMd: input.bodyMd, bodyHtml: input.bodyHtml, updatedAt: now }).where(eq(ideas.id, input.ideaId)).run()
  notifyMentions(tx, {
    source: input.bodyMd,
    previousSource: idea.bodyMd,
    actorId: input.editorId,
    subjectType: 'idea',
    subjectId: input.ideaId,
    postTitle: title,
    url: `/ideas/${input.ideaId}`,
    now,
  })
  return { changed: true }
}

/**
 * Puts one member's follow of an idea into the requested state (the request names it, so a replay
 * is harmless). Followers hear about status changes like voters do.
 */
export function setIdeaFollow(
  db: Db,
  { ideaId, userId, following, now = new Date() }: { ideaId: number; userId: number; following: boolean; now?: Date },
) {
  return writeTransaction(db, (tx) => {
    const idea = tx
      .select({ status: ideas.status })
      .from(ideas)
      .where(and(eq(ideas.id, ideaId), visibleIdea))
      .get()
    if (!idea) throw new NotFoundError('idea')
    if (following && idea.status === 'merged') throw new ConflictError('This idea was merged into another one; follow that one instead.')
    if (following) tx.insert(ideaFollows).values({ ideaId, userId, createdAt: now }).onConflictDoNothing().run()
    else
      tx.delete(ideaFollows)
        .where(and(eq(ideaFollows.ideaId, ideaId), eq(ideaFollows.userId, userId)))
        .run()
    const followerCount = tx.select({ n: count() }).from(ideaFollows).where(eq(ideaFollows.ideaId, ideaId)).get()?.n ?? 0
    return { following, followerCount }
  })
}
