/**
 * Links from an idea to work items in the product team's tracker (Jira, Linear, GitHub …): a URL,
 * a title and the tracker's state of the item. Only the product team sees and edits them
 * ('link:idea'); adding and removing one is logged in the moderation log, like the team's other
 * actions on an idea. One link per address and idea (idea_links_url_unique).
 */
import { and, asc, eq, isNull } from 'drizzle-orm'
import { ideaLinks, ideas } from '#db/schema'
import { type Db, type Tx, writeTransaction } from '~/lib/db.server'
import { ConflictError, NotFoundError } from '~/lib/errors'
import { logModeration } from './moderation-log.server'

/** A second link to the same address on one idea: a field error on `url`, not a failure. */
export class DuplicateLinkError extends ConflictError {
  readonly field = 'url'
  constructor() {
    super('This idea is already linked to that address.')
  }
}

export const MAX_LINKS_PER_IDEA = 50

const linkColumns = {
  id: ideaLinks.id,
  ideaId: ideaLinks.ideaId,
  url: ideaLinks.url,
  title: ideaLinks.title,
  state: ideaLinks.state,
  createdAt: ideaLinks.createdAt,
  updatedAt: ideaLinks.updatedAt,
}
export type IdeaLinkRow = { id: number; ideaId: number; url: string; title: string; state: string; createdAt: Date; updatedAt: Date }

/** An idea's links, oldest first (idea_links_idea_idx). */
export function listIdeaLinks(db: Db | Tx, ideaId: number): IdeaLinkRow[] {
  return db.select(linkColumns).from(ideaLinks).where(eq(ideaLinks.ideaId, ideaId)).orderBy(asc(ideaLinks.id)).all()
}

/** Every link to `url`, whichever idea it is on (idea_links_url_idx). */
export function findLinksByUrl(db: Db | Tx, url: string): IdeaLinkRow[] {
  return db.select(linkColumns).from(ideaLinks).where(eq(ideaLinks.url, url)).orderBy(asc(ideaLinks.id)).all()
}

/** The idea's links for the page and the API: a 404 for an idea that does not exist or was deleted. */
export function getIdeaLinks(db: Db, ideaId: number) {
  requireIdea(db, ideaId)
  return listIdeaLinks(db, ideaId)
}

function requireIdea(tx: Db | Tx, ideaId: number) {
  const idea = tx
    .select({ id: ideas.id })
    .from(ideas)
    .where(and(eq(ideas.id, ideaId), isNull(ideas.deletedAt)))
    .get()
  if (!idea) throw new NotFoundError('idea')
  return idea
}

function requireLink(tx: Tx, ideaId: number, linkId: number) {
  const link = tx
    .select(linkColumns)
    .from(ideaLinks)
    .where(and(eq(ideaLinks.id, linkId), eq(ideaLinks.ideaId, ideaId)))
    .get()
  if (!link) throw new NotFoundError('link')
  return link
}

export type NewIdeaLink = { ideaId: number; actorId: number; url: string; title: string; state: string; now?: Date }

/**
 * Adds a link inside the caller's transaction (the inbound call adds one alongside a status change).
 * The idea must exist; the same address twice on one idea is a DuplicateLinkError.
 */
export function insertIdeaLink(tx: Tx, { ideaId, actorId, url, title, state, now = new Date() }: NewIdeaLink): IdeaLinkRow {
  requireIdea(tx, ideaId)
  const existing = listIdeaLinks(tx, ideaId)
  if (existing.some((l) => l.url === url)) throw new DuplicateLinkError()
  if (existing.length >= MAX_LINKS_PER_IDEA)
    throw new ConflictError(`An idea can have at most ${MAX_LINKS_PER_IDEA} links. Remove one first.`)
  const link = tx
    .insert(ideaLinks)
    .values({ ideaId, url, title, state, createdBy: actorId, createdAt: now, updatedAt: now })
    .returning(linkColumns)
    .get()
  logModeration(tx, {
    actorId,
    action: 'idea_link.add',
    target: { type: 'idea', id: ideaId },
    after: { linkId: link.id, url, title, state },
    now,
  })
  return link
}

export function addIdeaLink(db: Db, input: NewIdeaLink) {
  return writeTransaction(db, (tx) => insertIdeaLink(tx, input))
}

/** Changes a link's title, state or both (what is not given stays). */
export function updateIdeaLink(
  db: Db,
  { ideaId, linkId, title, state, now = new Date() }: { ideaId: number; linkId: number; title?: string; state?: string; now?: Date },
) {
  return writeTransaction(db, (tx) => {
    requireLink(tx, ideaId, linkId)
    return tx
      .update(ideaLinks)
      .set({ ...(title !== undefined ? { title } : {}), ...(state !== undefined ? { state } : {}), updatedAt: now })
      .where(eq(ideaLinks.id, linkId))
      .returning(linkColumns)
      .get()!
  })
}

/** Sets the title or state of links inside the caller's transaction (the inbound call). */
export function setLinkDetails(tx: Tx, linkIds: number[], { title, state, now }: { title?: string; state?: string; now: Date }) {
  if (title === undefined && state === undefined) return
  for (const id of linkIds) {
    tx.update(ideaLinks)
      .set({ ...(title !== undefined ? { title } : {}), ...(state !== undefined ? { state } : {}), updatedAt: now })
      .where(eq(ideaLinks.id, id))
      .run()
  }
}

export function removeIdeaLink(
  db: Db,
  { ideaId, linkId, actorId, now = new Date() }: { ideaId: number; linkId: number; actorId: number; now?: Date },
) {
  return writeTransaction(db, (tx) => {
    const link = requireLink(tx, ideaId, linkId)
    tx.delete(ideaLinks).where(eq(ideaLinks.id, linkId)).run()
    logModeration(tx, {
      actorId,
      action: 'idea_link.remove',
      target: { type: 'idea', id: ideaId },
      before: { linkId, url: link.url, title: link.title, state: link.state },
      now,
    })
  })
}
