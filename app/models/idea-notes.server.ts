/** The team's internal notes on an idea: staff only, never shown to members nor exported. */
import { and, count, desc, eq, isNull } from 'drizzle-orm'
import { ideaNotes, ideas, users } from '#db/schema'
import { type Db, writeTransaction } from '~/lib/db.server'
import { NotFoundError } from '~/lib/errors'
import { renderMarkdown } from '~/lib/markdown.server'

export const NOTES_SHOWN = 50

/** Adds a staff-only note to an idea (Markdown, sanitized once here). */
export function addIdeaNote(db: Db, input: { ideaId: number; authorId: number; bodyMd: string; now?: Date }) {
  const now = input.now ?? new Date()
  const bodyMd = input.bodyMd.trim()
  const bodyHtml = renderMarkdown(bodyMd)
  return writeTransaction(db, (tx) => {
    const idea = tx
      .select({ id: ideas.id })
      .from(ideas)
      .where(and(eq(ideas.id, input.ideaId), isNull(ideas.deletedAt)))
      .get()
    if (!idea) throw new NotFoundError('idea')
    return tx
      .insert(ideaNotes)
      .values({ ideaId: idea.id, authorId: input.authorId, bodyMd, bodyHtml, createdAt: now })
      .returning({ id: ideaNotes.id })
      .get()
  })
}

/** The latest NOTES_SHOWN notes on an idea, oldest first (idea_notes_idea_idx), and how many there are. */
export function listIdeaNotes(db: Db, ideaId: number) {
  const latest = db
    .select({ id: ideaNotes.id, bodyHtml: ideaNotes.bodyHtml, createdAt: ideaNotes.createdAt, authorName: users.displayName })
    .from(ideaNotes)
    .innerJoin(users, eq(users.id, ideaNotes.authorId))
    .where(eq(ideaNotes.ideaId, ideaId))
    .orderBy(desc(ideaNotes.createdAt), desc(ideaNotes.id))
    .limit(NOTES_SHOWN)
    .all()
  const total = db.select({ n: count() }).from(ideaNotes).where(eq(ideaNotes.ideaId, ideaId)).get()?.n ?? 0
  return { items: latest.reverse(), total }
}
