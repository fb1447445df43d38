/**
 * Categories, tags, idea comments, notifications, public profiles and search as /api/v1 shows them:
 * the site's own queries (listCategories, listTags, getIdeaPage's discussion, listNotifications,
 * getPublicProfile, search) with the site's visibility rules, shaped into
 * the API's documented representation (app/schemas/api.ts).
 */
import { and, count, isNotNull, isNull, ne } from 'drizzle-orm'
import { type z } from 'zod'
import { ideas } from '#db/schema'
import { type Db } from '~/lib/db.server'
import { NotFoundError } from '~/lib/errors'
import { decodeCursor } from '~/lib/pagination.server'
import { type Actor, check } from '~/lib/permissions'
import {
  type CategoryList,
  type Comment,
  type CommentList,
  type NotificationList,
  type NotificationListQuery,
  type SearchQuery,
  type SearchResults,
  type TagList,
  type TagListQuery,
  type UserProfile,
  USERNAME_PATTERN,
} from '~/schemas/api'
import { listIdeaComments } from './comments.server'
import { listCategories } from './categories.server'
import { getIdeaPage } from './ideas.server'
import { listNotifications } from './notifications.server'
import { getPublicProfile } from './profiles.server'
import { MARK_END, MARK_START, search } from './search.server'
import { listTags } from './tags.server'

type Viewer = Actor | null

/**
 * The categories in the site's order, each with the number of ideas the idea list shows in it (not
 * hidden, deleted or merged away). The site shows no such count, so the query is here: one grouped
 * count, whatever the number of categories.
 */
export function apiListCategories(db: Db): z.infer<typeof CategoryList> {
  const counts = new Map(
    db
      .select({ categoryId: ideas.categoryId, n: count() })
      .from(ideas)
      .where(and(isNotNull(ideas.categoryId), isNull(ideas.deletedAt), isNull(ideas.hiddenAt), ne(ideas.status, 'merged')))
      .groupBy(ideas.categoryId)
      .all()
      .map((row) => [row.categoryId, row.n]),
  )
  return {
    data: listCategories(db).map(({ id, slug, name, description }) => ({ id, slug, name, description, ideaCount: counts.get(id) ?? 0 })),
  }
}

export function apiListTags(db: Db, query: z.infer<typeof TagListQuery>): z.infer<typeof TagList> {
  return {
    data: listTags(db, { prefix: query.prefix ?? '', limit: query.limit }).map((tag) => ({
      name: tag.name,
      description: tag.description ?? null,
      questionCount: tag.questionCount,
      ideaCount: tag.ideaCount,
      url: `/tags/${encodeURIComponent(tag.name)}`,
    })),
  }
}

type IdeaComment = ReturnType<typeof listIdeaComments>['items'][number]

function toComment(c: IdeaComment): z.infer<typeof Comment> {
  return {
    id: c.id,
    bodyHtml: c.bodyHtml,
    isOfficial: c.isOfficial,
    isHidden: c.hiddenAt != null,
    author: { username: c.authorUsername, displayName: c.authorName },
    createdAt: c.createdAt.toISOString(),
    editedAt: c.revisionCount > 0 ? c.updatedAt.toISOString() : null,
  }
}

/**
 * One page of an idea's discussion, exactly as its page shows it (the idea page's query and its
 * rules: the idea must be one the viewer may see; hidden comments only to their author and to
 * moderators; a merged idea's comments stay readable).
 */
export function apiListIdeaComments(db: Db, ideaId: number, viewer: Viewer, cursor: string | undefined): z.infer<typeof CommentList> {
  const before = decodeCursor(cursor)
  const page = getIdeaPage(db, {
    ideaId,
    viewerId: viewer?.id ?? null,
    commentsBefore: before,
    showMerged: true,
    staffView: check(viewer, 'moderate:post').ok,
  })
  if ('redirectTo' in page) throw new Error('unreachable: showMerged returns the idea itself')
  // The official response is pinned on the first page only, as on the site.
  const official = !before && page.officialResponse ? [page.officialResponse] : []
  return { data: [...official, ...page.comments].map(toComment), nextCursor: page.olderCommentsCursor }
}

/** A comment just posted, as its author sees it. */
export function apiGetNewIdeaComment(db: Db, ideaId: number, commentId: number, viewer: Viewer): z.infer<typeof Comment> {
  const { items } = listIdeaComments(db, {
    ideaId,
    viewerId: viewer?.id ?? null,
    pageSize: 20,
    staffView: check(viewer, 'moderate:post').ok,
  })
  const comment = items.find((c) => c.id === commentId)
  if (!comment) throw new NotFoundError('comment')
  return toComment(comment)
}

/** One page of the member's own notifications, as /notifications lists them. */
export function apiListNotifications(
  db: Db,
  userId: number,
  query: z.infer<typeof NotificationListQuery>,
): z.infer<typeof NotificationList> {
  const page = listNotifications(db, { userId, cursor: decodeCursor(query.cursor), pageSize: query.limit })
  return {
    data: page.items.map((n) => ({
      id: n.id,
      kind: n.kind,
      title: n.title,
      body: n.body ?? null,
      url: n.url,
      isUnread: n.isUnread,
      createdAt: n.createdAt.toISOString(),
    })),
    nextCursor: page.nextCursor,
  }
}

/**
 * A member's public profile: what /u/:username shows of them, and nothing else (never the e-mail
 * address, segment or company). Staff carry the "team" badge, as on their posts.
 */
export function apiGetUserProfile(db: Db, username: string): z.infer<typeof UserProfile> {
  if (!new RegExp(USERNAME_PATTERN).test(username)) throw new NotFoundError('member')
  const profile = getPublicProfile(db, username)
  return {
    username: profile.username,
    displayName: profile.displayName,
    reputation: profile.reputation,
    badge: profile.role === 'member' ? null : 'team',
    joinedAt: profile.createdAt.toISOString(),
    url: `/u/${profile.username}`,
  }
}

/** A snippet's text in parts, the search's marked words flagged (never HTML built from the text). */
function snippetParts(snippet: string) {
  const parts: { text: string; match: boolean }[] = []
  let match = false
  for (const piece of snippet.split(new RegExp(`(${MARK_START}|${MARK_END})`))) {
    if (piece === MARK_START) match = true
    else if (piece === MARK_END) match = false
    else if (piece) parts.push({ text: piece, match })
  }
  return parts
}

/** The site's search, with its rule: moderators also find hidden posts (marked); nobody finds deleted ones. */
export function apiSearch(db: Db, query: z.infer<typeof SearchQuery>, viewer: Viewer): z.infer<typeof SearchResults> {
  const includeHidden = check(viewer, 'moderate:post').ok
  const result = search(db, {
    q: query.q,
    type: query.type ?? null,
    page: query.page,
    status: query.status ?? null,
    tag: query.tag || null,
    includeHidden,
  })
  return {
    data: result.hits.map((hit) => ({
      type: hit.type,
      id: hit.id,
      title: snippetParts(hit.title)
        .map((part) => part.text)
        .join(''),
      snippet: snippetParts(hit.snippet),
      status: hit.status,
      votes: hit.votes,
      isHidden: hit.hidden,
      url: hit.url,
    })),
    page: result.page,
    nextPage: result.hasMore ? result.page + 1 : null,
  }
}
