/**
 * A member posts an idea from the form or the API: the category and tags are checked, and the
 * daily posting limit (fewer ideas a day while the account is new) is applied before createIdea.
 */
import { eq } from 'drizzle-orm'
import { users } from '#db/schema'
import { type Db } from '~/lib/db.server'
import { NotFoundError } from '~/lib/errors'
import { assertUnderLimit, IDEA_POSTS_PER_DAY, IDEA_POSTS_PER_DAY_NEW_MEMBER, isNewMember, recordHits } from '~/lib/rate-limit.server'
import { checkCategory } from './categories.server'
import { createIdea } from './ideas.server'
import { renderWithMentions } from './mentions.server'
import { similarIdeas } from './search.server'
import { refuseNewTags } from './tags.server'

export type PostIdeaResult = { ok: true; ideaId: number } | { ok: false; field: 'categoryId' | 'tags'; message: string }

/**
 * A member posts an idea from the form: the category must be one of the site's (and is required
 * once categories exist), and members post at most 3 ideas a day while new, 20 a day after that
 * (throws RateLimitedError). Tags are normalized and created as needed, unless `tagRefusal` says
 * the member may not create tags (then an unknown tag is a field error).
 */
export function postIdea(
  db: Db,
  input: {
    authorId: number
    title: string
    bodyMd: string
    categoryId: number | null
    tagNames: string[]
    tagRefusal?: string | null
    now?: Date
  },
): PostIdeaResult {
  const now = input.now ?? new Date()
  const category = checkCategory(db, input.categoryId)
  if (!category.ok) return category
  const tagsRefused = refuseNewTags(db, input.tagNames, input.tagRefusal)
  if (tagsRefused) return { ok: false, field: 'tags', message: tagsRefused }
  const author = db
    .select({ createdAt: users.createdAt, reputation: users.reputation })
    .from(users)
    .where(eq(users.id, input.authorId))
    .get()
  if (!author) throw new NotFoundError('account')
  const key = `idea:user:${input.authorId}`
  const rule = isNewMember(author, now) ? IDEA_POSTS_PER_DAY_NEW_MEMBER : IDEA_POSTS_PER_DAY
  const message = `You can post ${rule.limit} ideas a day${rule === IDEA_POSTS_PER_DAY_NEW_MEMBER ? ' while your account is new' : ''}.`
  assertUnderLimit(db, [{ key, rule, message }], now)
  const idea = createIdea(db, {
    authorId: input.authorId,
    categoryId: input.categoryId,
    title: input.title,
    bodyMd: input.bodyMd,
    tagNames: input.tagNames,
    now,
  })
  recordHits(db, [key], now)
  return { ok: true, ideaId: idea.id }
}

/** What the Preview button shows: the body as it will look, and ideas that may already say the same. */
export function previewIdea(db: Db, { title, bodyMd }: { title: string; bodyMd: string }) {
  return { previewHtml: bodyMd.trim() ? renderWithMentions(db, bodyMd) : '', similar: similarIdeas(db, title) }
}
