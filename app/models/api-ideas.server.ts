/**
 * Ideas as /api/v1 shows them: the site's own queries (listIdeas, getIdeaPage) with the site's
 * visibility rules, shaped into the API's documented representation (app/schemas/api.ts). A hidden,
 * deleted or held idea is a 404 to everyone but staff and its author, as on the site; an idea merged
 * into another reads as itself, with mergedIntoId.
 */
import { eq } from 'drizzle-orm'
import { type z } from 'zod'
import { ideas } from '#db/schema'
import { type Db } from '~/lib/db.server'
import { decodeCursor } from '~/lib/pagination.server'
import { type Actor, isStaff } from '~/lib/permissions'
import { type IdeaDetail, type IdeaList, type IdeaListQuery } from '~/schemas/api'
import { findCategoryBySlug } from './categories.server'
import { listIdeas } from './idea-lists.server'
import { getIdeaPage } from './ideas.server'
import { findTagByName } from './tags.server'

type Viewer = Pick<Actor, 'id' | 'role'> | null

export function apiListIdeas(db: Db, query: z.infer<typeof IdeaListQuery>, viewer: Viewer): z.infer<typeof IdeaList> {
  const category = query.category ? findCategoryBySlug(db, query.category) : null
  const tag = query.tag ? findTagByName(db, query.tag) : null
  // A filter that names nothing matches nothing (the site shows all; an API client wants to know).
  if ((query.category && !category) || (query.tag && !tag)) return { data: [], nextCursor: null }
  const page = listIdeas(db, {
    sort: query.sort,
    status: (query.status as Parameters<typeof listIdeas>[1]['status']) ?? null,
    categoryId: category?.id ?? null,
    tagId: tag?.id ?? null,
    viewerId: viewer?.id ?? null,
    cursor: decodeCursor(query.cursor),
    pageSize: query.limit,
  })
  return {
    data: page.items.map((idea) => ({
      id: idea.id,
      title: idea.title,
      excerpt: idea.excerpt,
      status: idea.status,
      voteCount: idea.voteCount,
      commentCount: idea.commentCount,
      category: idea.category ?? null,
      author: { username: idea.authorUsername, displayName: idea.authorName },
      createdAt: idea.createdAt.toISOString(),
      url: `/ideas/${idea.id}`,
      viewerVoted: idea.viewerVoted,
    })),
    nextCursor: page.nextCursor,
  }
}

export function apiGetIdea(db: Db, ideaId: number, viewer: Viewer): z.infer<typeof IdeaDetail> {
  const page = getIdeaPage(db, { ideaId, viewerId: viewer?.id ?? null, showMerged: true, staffView: isStaff(viewer) })
  if ('redirectTo' in page) throw new Error('unreachable: showMerged returns the idea itself')
  const { idea } = page
  return {
    id: idea.id,
    title: idea.title,
    bodyHtml: idea.bodyHtml,
    status: idea.status,
    voteCount: idea.voteCount,
    commentCount: idea.commentCount,
    category: idea.category ?? null,
    tags: page.tags,
    author: { username: idea.authorUsername, displayName: idea.authorName },
    createdAt: idea.createdAt.toISOString(),
    url: `/ideas/${idea.id}`,
    mergedIntoId: idea.mergedIntoId ?? null,
    statusHistory: page.timeline.map((t) => ({
      from: t.fromStatus ?? null,
      to: t.toStatus,
      noteHtml: t.noteHtml ?? null,
      at: t.createdAt.toISOString(),
      by: t.actorName,
    })),
    officialResponse: page.officialResponse
      ? {
          bodyHtml: page.officialResponse.bodyHtml,
          at: page.officialResponse.createdAt.toISOString(),
          by: page.officialResponse.authorName,
        }
      : null,
    viewerVoted: page.viewer?.voted ?? false,
  }
}

/** The idea's stored vote count (0 for an idea that does not exist): what PUT and DELETE /api/v1/ideas/:ideaId/vote answer with. */
export function apiIdeaVoteCount(db: Db, ideaId: number) {
  return db.select({ n: ideas.voteCount }).from(ideas).where(eq(ideas.id, ideaId)).get()?.n ?? 0
}
