/**
 * Editing an idea in one request, from its page's edit form or PATCH /api/v1/ideas/:id: title,
 * body, category and tags together, by the site's own edit paths and rules, in one transaction.
 *
 * - editIdea decides who may edit and when (the author only while the idea is open, unlocked and
 *   nobody else voted for it; staff always), keeps the revision, moves the tag counts and logs a
 *   staff edit of someone else's idea with its reason.
 * - applyIdeaTextEdit changes the body as an approved suggested edit does: revision kept, Markdown
 *   rendered on write, new @mentions notified, the FTS index following by its triggers; it refuses
 *   a locked idea's text, even to staff.
 *
 * A request that changes the body first asks editIdea with nothing changed (its who-and-when checks, no write), then changes the text, then
 * the category and tags. Both model functions run as savepoints of this transaction: a refusal in
 * any step leaves the idea as it was.
 */
import { and, eq, isNull } from 'drizzle-orm'
import { categories, ideas, ideaTags, tags } from '#db/schema'
import { type Db, writeTransaction } from '~/lib/db.server'
import { NotFoundError } from '~/lib/errors'
import { applyIdeaTextEdit, editIdea } from './ideas.server'
import { renderWithMentions } from './mentions.server'
import { logModeration } from './moderation-log.server'
import { findUnknownTags, normalizeTagNames } from './tags.server'

export type IdeaFieldsEdit = {
  ideaId: number
  editorId: number
  /** check(editor, 'update:idea') without a resource: moderators and up, who edit any idea. */
  asStaff: boolean
  title?: string
  bodyMd?: string
  /** undefined: unchanged; null: no category. */
  categoryId?: number | null
  tagNames?: string[]
  /** Why the editor may not create tags (check('create:tag')), or null when they may. */
  tagRefusal: string | null
  reason?: string
  now?: Date
}

export type IdeaFieldsEditResult = { ok: true; changed: string[] } | { ok: false; field: 'categoryId' | 'tags'; message: string }

/**
 * Applies any subset of title, body, category and tags. A category that does not exist, or a new
 * tag from someone who may not create tags, is a field refusal (nothing written); the rules of
 * editIdea and applyIdeaTextEdit throw their DomainErrors (403, 404, 409).
 */
export function editIdeaFields(db: Db, input: IdeaFieldsEdit): IdeaFieldsEditResult {
  const now = input.now ?? new Date()
  const { ideaId, editorId, asStaff, tagRefusal } = input
  if (input.categoryId != null && !db.select({ id: categories.id }).from(categories).where(eq(categories.id, input.categoryId)).get()) {
    return { ok: false, field: 'categoryId', message: 'Choose a category from the list.' }
  }
  if (input.tagNames && tagRefusal) {
    const unknown = findUnknownTags(db, normalizeTagNames(input.tagNames))
    if (unknown.length) {
      const message = `No tag named ${unknown.map((n) => `“${n}”`).join(', ')} exists yet. ${tagRefusal} Use existing tags, or leave the new ones out.`
      return { ok: false, field: 'tags', message }
    }
  }
  // Rendered before the transaction, so the write lock is held briefly.
  const bodyHtml = input.bodyMd !== undefined ? renderWithMentions(db, input.bodyMd) : null
  const reason = input.reason?.trim() ?? ''

  return writeTransaction(db, (tx) => {
    const idea = tx
      .select({ authorId: ideas.authorId, title: ideas.title, bodyMd: ideas.bodyMd, categoryId: ideas.categoryId })
      .from(ideas)
      .where(and(eq(ideas.id, ideaId), isNull(ideas.deletedAt), isNull(ideas.hiddenAt)))
      .get()
    if (!idea) throw new NotFoundError('idea')
    const tagsNow = tx
      .select({ name: tags.name })
      .from(ideaTags)
      .innerJoin(tags, eq(tags.id, ideaTags.tagId))
      .where(eq(ideaTags.ideaId, ideaId))
      .all()
      .map((t) => t.name)
    const common = { ideaId, editorId, asStaff, tagRefusal, reason, now }
    const changed: string[] = []
    const title = input.title?.trim() ?? idea.title

    if (input.bodyMd !== undefined && input.bodyMd !== idea.bodyMd) {
      // Who and when first, by the site's own rules: with nothing changed, editIdea writes nothing.
      editIdea(db, { ...common, title: idea.title, categoryId: idea.categoryId, tagNames: tagsNow })
      const textChanged = [title !== idea.title ? 'title' : null, 'body'].filter((f): f is string => f !== null)
      applyIdeaTextEdit(tx, {
        ideaId,
        editorId,
        asStaff,
        title,
        bodyMd: input.bodyMd,
        bodyHtml: bodyHtml!,
        reason: [`Changed the ${textChanged.join(', ')}.`, reason].filter(Boolean).join(' '),
        now,
      })
      if (idea.authorId !== editorId) {
        logModeration(tx, {
          actorId: editorId,
          action: 'edit_idea',
          target: { type: 'idea', id: ideaId },
          reason,
          before: { title: idea.title, bodyMd: idea.bodyMd },
          after: { title, bodyMd: input.bodyMd },
          now,
        })
      }
      changed.push(...textChanged)
    }

    // The title (when the body did not carry it), the category and the tags.
    const rest = editIdea(db, {
      ...common,
      title,
      categoryId: input.categoryId !== undefined ? input.categoryId : idea.categoryId,
      tagNames: input.tagNames ?? tagsNow,
    })
    changed.push(...rest.changed)
    return { ok: true, changed } as const
  })
}

/** The Markdown of an idea's description, for the edit form of those who may edit it. */
export function getIdeaBodySource(db: Db, ideaId: number) {
  return db.select({ bodyMd: ideas.bodyMd }).from(ideas).where(eq(ideas.id, ideaId)).get()?.bodyMd ?? ''
}
