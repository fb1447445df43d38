/** Ideas: creation, status workflow and the lists that show them. */
import { and, count, desc, eq, isNull, ne } from 'drizzle-orm'
import { categories, type IdeaStatus, ideas, ideaStatusChanges, users } from '#db/schema'
import { type Db, type Tx } from '~/lib/db.server'
import { ConflictError, NotFoundError } from '~/lib/errors'
import { IDEA_STATUS_LABELS } from '~/lib/labels'
import { excerpt, renderMarkdown } from '~/lib/markdown.server'
import { notifyIdeaStakeholders } from './notifications.server'
import { recordReputation } from './reputation.server'
import { ensureTags, tagPost } from './tags.server'
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
  const bodyHtml = renderMarkdown(input.bodyMd)
  return db.transaction(
    (tx) => {
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
      return idea
    },
    { behavior: 'immediate' },
  )
}

/** Statuses an idea can be moved to by the product team (merging has its own action). */
export const SETTABLE_STATUSES = ['open', 'under_review', 'planned', 'in_progress', 'shipped', 'declined'] as const
export type SettableStatus = (typeof SETTABLE_STATUSES)[number]

/**
 * Moves an idea to a new status with an official note: records the change, pays the author's
 * planned/shipped bonus the first time, and notifies every voter, the author and every follower.
 */
export function changeIdeaStatus(
  db: Db,
  input: { ideaId: number; actorId: number; toStatus: SettableStatus; noteMd?: string; now?: Date },
) {
  const now = input.now ?? new Date()
  const noteMd = input.noteMd?.trim() ?? ''
  const noteHtml = noteMd ? renderMarkdown(noteMd) : ''
  return db.transaction(
    (tx) => {
      const idea = tx
        .select({ id: ideas.id, title: ideas.title, status: ideas.status, authorId: ideas.authorId })
        .from(ideas)
        .where(and(eq(ideas.id, input.ideaId), isNull(ideas.deletedAt)))
        .get()
      if (!idea) throw new NotFoundError('idea')
      if (idea.status === 'merged') throw new ConflictError('This idea was merged into another one.')
      if (idea.status === input.toStatus) throw new ConflictError(`This idea is already ${IDEA_STATUS_LABELS[idea.status].toLowerCase()}.`)
      const change = tx
        .insert(ideaStatusChanges)
        .values({ ideaId: idea.id, fromStatus: idea.status, toStatus: input.toStatus, actorId: input.actorId, noteMd, noteHtml, createdAt: now })
        .returning({ id: ideaStatusChanges.id })
        .get()
      tx.update(ideas)
        .set({ status: input.toStatus, statusChangedAt: now, lastActivityAt: now, updatedAt: now })
        .where(eq(ideas.id, idea.id))
        .run()
      const bonus = input.toStatus === 'planned' ? 'idea_planned' : input.toStatus === 'shipped' ? 'idea_shipped' : null
      if (bonus && !hasEverReached(tx, idea.id, input.toStatus, change.id)) {
        recordReputation(tx, { userId: idea.authorId, reason: bonus, source: { type: 'idea', id: idea.id }, actorId: input.actorId, now })
      }
      const notified = notifyIdeaStakeholders(tx, idea.id, {
        kind: 'idea_status',
        subjectType: 'idea',
        subjectId: idea.id,
        actorId: input.actorId,
        title: `“${idea.title}” is now ${IDEA_STATUS_LABELS[input.toStatus].toLowerCase()}`,
        body: noteMd ? excerpt(noteMd, 280) : '',
        url: `/ideas/${idea.id}`,
        now,
      })
      return { changeId: change.id, notified }
    },
    { behavior: 'immediate' },
  )
}


function hasEverReached(tx: Tx, ideaId: number, status: IdeaStatus, exceptChangeId: number) {
  return !!tx
    .select({ id: ideaStatusChanges.id })
    .from(ideaStatusChanges)
    .where(and(eq(ideaStatusChanges.ideaId, ideaId), eq(ideaStatusChanges.toStatus, status), ne(ideaStatusChanges.id, exceptChangeId)))
    .get()
}

const visibleIdea = and(isNull(ideas.deletedAt), isNull(ideas.hiddenAt))

/** The most-voted ideas still open to votes (merged ones excluded), for the home page. */
export function listTopIdeas(db: Db, { limit = 10 }: { limit?: number } = {}) {
  const rows = db
    .select({
      id: ideas.id,
      title: ideas.title,
      bodyMd: ideas.bodyMd,
      status: ideas.status,
      voteCount: ideas.voteCount,
      commentCount: ideas.commentCount,
      createdAt: ideas.createdAt,
      category: categories.name,
      categorySlug: categories.slug,
      authorName: users.displayName,
    })
    .from(ideas)
    .innerJoin(users, eq(users.id, ideas.authorId))
    .leftJoin(categories, eq(categories.id, ideas.categoryId))
    .where(and(visibleIdea, ne(ideas.status, 'merged')))
    .orderBy(desc(ideas.voteCount), desc(ideas.id))
    .limit(limit)
    .all()
  return rows.map(({ bodyMd, ...row }) => ({ ...row, excerpt: excerpt(bodyMd, 160) }))
}

export function countVisibleIdeas(db: Db) {
  return db.select({ n: count() }).from(ideas).where(and(visibleIdea, ne(ideas.status, 'merged'))).get()?.n ?? 0
}

export function listCategories(db: Db) {
  return db
    .select({ id: categories.id, slug: categories.slug, name: categories.name, description: categories.description })
    .from(categories)
    .orderBy(categories.position, categories.id)
    .all()
}

