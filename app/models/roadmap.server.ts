/** The public roadmap: the columns of ideas the team has picked up, with each card's latest note. */
import { and, desc, eq, inArray, type SQL, sql } from 'drizzle-orm'
import { categories, ideas, ideaStatusChanges } from '#db/schema'
import { type Db } from '~/lib/db.server'
import { excerpt } from '~/lib/markdown.server'
import { visibleIdea } from './ideas.server'

export const ROADMAP_COLUMNS = ['under_review', 'planned', 'in_progress', 'shipped'] as const
/** Shipped ideas stay on the roadmap this long; the changelog keeps them for good. */
export const ROADMAP_SHIPPED_DAYS = 90
const ROADMAP_CARDS_PER_COLUMN = 50

/**
 * The public roadmap: ideas under review, planned, in progress and recently shipped, by votes,
 * with each card's latest official note. Three queries, whatever the number of cards.
 */
export function getRoadmap(db: Db, { categoryId, now = new Date() }: { categoryId?: number | null; now?: Date } = {}) {
  const shippedSince = new Date(now.getTime() - ROADMAP_SHIPPED_DAYS * 86_400_000)
  const columns = ROADMAP_COLUMNS.map((status) => {
    const conditions: (SQL | undefined)[] = [visibleIdea, eq(ideas.status, status)]
    if (categoryId) conditions.push(eq(ideas.categoryId, categoryId))
    if (status === 'shipped') conditions.push(sql`${ideas.statusChangedAt} >= ${shippedSince.getTime()}`)
    const cards = db
      .select({
        id: ideas.id,
        title: ideas.title,
        voteCount: ideas.voteCount,
        category: categories.name,
        statusChangedAt: ideas.statusChangedAt,
      })
      .from(ideas)
      .leftJoin(categories, eq(categories.id, ideas.categoryId))
      .where(and(...conditions))
      .orderBy(desc(ideas.voteCount), desc(ideas.id))
      .limit(ROADMAP_CARDS_PER_COLUMN)
      .all()
    return { status, cards }
  })
  const ids = columns.flatMap((c) => c.cards.map((card) => card.id))
  const notes = ids.length
    ? db
        .select({ ideaId: ideaStatusChanges.ideaId, noteMd: ideaStatusChanges.noteMd })
        .from(ideaStatusChanges)
        .where(
          and(
            inArray(ideaStatusChanges.ideaId, ids),
            sql`${ideaStatusChanges.id} = (select max(s.id) from idea_status_changes s where s.idea_id = ${ideaStatusChanges.ideaId} and s.note_md != '')`,
          ),
        )
        .all()
    : []
  const noteByIdea = new Map(notes.map((n) => [n.ideaId, excerpt(n.noteMd, 140)]))
  return columns.map((column) => ({
    ...column,
    cards: column.cards.map((card) => ({ ...card, latestNote: noteByIdea.get(card.id) ?? null })),
  }))
}
