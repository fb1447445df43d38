/** The changelog: shipped ideas, the most recently shipped first, with the note that shipped each. */
import { and, desc, eq, inArray, type SQL, sql } from 'drizzle-orm'
import { categories, ideas, ideaStatusChanges } from '#db/schema'
import { type Db } from '~/lib/db.server'
import { excerpt } from '~/lib/markdown.server'
import { type Cursor, toPage } from '~/lib/pagination.server'
import { visibleIdea } from './ideas.server'

export const CHANGELOG_PAGE_SIZE = 20

/**
 * Shipped ideas, the most recently shipped first, with the official note of the change that
 * shipped each one. Keyset pages on (status_changed_at, id) through ideas_status_changed_idx; the
 * notes come in one more query for the whole page.
 */
export function listChangelog(db: Db, { cursor, pageSize = CHANGELOG_PAGE_SIZE }: { cursor?: Cursor | null; pageSize?: number } = {}) {
  const conditions: (SQL | undefined)[] = [eq(ideas.status, 'shipped'), visibleIdea]
  if (cursor) conditions.push(sql`(${ideas.statusChangedAt}, ${ideas.id}) < (${cursor.sort}, ${cursor.id})`)
  const rows = db
    .select({
      id: ideas.id,
      title: ideas.title,
      bodyMd: ideas.bodyMd,
      voteCount: ideas.voteCount,
      shippedAt: ideas.statusChangedAt,
      category: categories.name,
      categorySlug: categories.slug,
    })
    .from(ideas)
    .leftJoin(categories, eq(categories.id, ideas.categoryId))
    .where(and(...conditions))
    .orderBy(desc(ideas.statusChangedAt), desc(ideas.id))
    .limit(pageSize + 1)
    .all()
  const page = toPage(rows, pageSize, (row) => row.shippedAt.getTime())
  const ids = page.items.map((row) => row.id)
  const notes = ids.length
    ? db
        .select({ ideaId: ideaStatusChanges.ideaId, noteHtml: ideaStatusChanges.noteHtml })
        .from(ideaStatusChanges)
        .where(
          and(
            inArray(ideaStatusChanges.ideaId, ids),
            sql`${ideaStatusChanges.id} = (select max(s.id) from idea_status_changes s where s.idea_id = ${ideaStatusChanges.ideaId} and s.to_status = 'shipped')`,
          ),
        )
        .all()
    : []
  const noteByIdea = new Map(notes.map((n) => [n.ideaId, n.noteHtml]))
  return {
    items: page.items.map(({ bodyMd, ...row }) => ({ ...row, excerpt: excerpt(bodyMd, 200), noteHtml: noteByIdea.get(row.id) ?? '' })),
    nextCursor: page.nextCursor,
  }
}
