/**
 * Idea form schemas, shared by the routes and the tests. The limits live in idea-limits.ts, so pages
 * can label their fields without shipping zod to the browser.
 */
import { z } from 'zod'
import { IDEA_BODY_MAX, IDEA_TAG_NAME_MAX, IDEA_TAGS_MAX, IDEA_TITLE_MAX, IDEA_TITLE_MIN } from './idea-limits'

export const IdeaTitle = z
  .string({ error: 'Give your idea a title.' })
  .trim()
  .min(IDEA_TITLE_MIN, `Use at least ${IDEA_TITLE_MIN} characters.`)
  .max(IDEA_TITLE_MAX, `Use at most ${IDEA_TITLE_MAX} characters.`)
  .regex(/^[^\u0000-\u001f\u007f]*$/, 'Use letters, digits, spaces and punctuation.')

/** Markdown; it may be short, but it must say something. */
export const IdeaBody = z
  .string({ error: 'Describe your idea.' })
  .max(IDEA_BODY_MAX, `Use at most ${IDEA_BODY_MAX.toLocaleString('en')} characters.`)
  .refine((body) => body.trim().length > 0, 'Describe your idea.')
  .transform((body) => body.trimEnd())

/**
 * Up to five tags, separated by commas or spaces. Each may use the characters a tag name keeps
 * (normalizeTagName in tags.server.ts lower-cases them), so nothing typed is silently dropped.
 */
export const IdeaTags = z
  .string()
  .max(400, 'Use fewer tags.')
  .optional()
  .default('')
  .transform((value) => [
    ...new Set(
      value
        .toLowerCase()
        .split(/[\s,]+/)
        .filter(Boolean),
    ),
  ])
  .refine((names) => names.length <= IDEA_TAGS_MAX, `Use at most ${IDEA_TAGS_MAX} tags.`)
  .refine((names) => names.every((name) => /^[a-z0-9.+#-]+$/.test(name)), 'Tags may use letters a–z, digits and . + # -')
  .refine((names) => names.every((name) => name.length <= IDEA_TAG_NAME_MAX), `Use at most ${IDEA_TAG_NAME_MAX} characters per tag.`)

/** A category id from the select; empty means none (the model requires one when categories exist). */
export const IdeaCategoryId = z
  .string()
  .optional()
  .default('')
  .refine((value) => value === '' || /^[1-9]\d{0,15}$/.test(value), 'Choose a category from the list.')
  .transform((value) => (value === '' ? null : Number(value)))

/**
 * The new-idea form, given the ids of the site's categories: once there are any, one of them is
 * required, so every mistake is reported at once (postIdea checks again, in case one was removed).
 */
export function newIdeaForm(categoryIds: readonly number[]) {
  return z.object({
    title: IdeaTitle,
    body: IdeaBody,
    categoryId: IdeaCategoryId.refine((id) => id != null || categoryIds.length === 0, 'Choose a category.').refine(
      (id) => id == null || categoryIds.includes(id),
      'Choose a category from the list.',
    ),
    tags: IdeaTags,
  })
}

/** The Preview button: any title (it only looks for similar ideas), a body within the size limit. */
export const IdeaDraftForm = z.object({
  title: z
    .string()
    .optional()
    .default('')
    .transform((title) => title.slice(0, 500)),
  body: z
    .string()
    .optional()
    .default('')
    .pipe(z.string().max(IDEA_BODY_MAX, `Use at most ${IDEA_BODY_MAX.toLocaleString('en')} characters.`)),
})

export const NewIdeaIntent = z.object({ intent: z.enum(['post', 'preview']).catch('post') })

/** A comment on an idea, and the team's official response (Markdown). */
export const CommentBody = z
  .string({ error: 'Write a comment.' })
  .trim()
  .min(2, 'Write at least 2 characters.')
  .max(5000, 'Use at most 5000 characters.')

/** The official note of a status change or a merge: optional, but it is what voters read. */
export const OfficialNote = z.string().trim().max(5000, 'Use at most 5000 characters.').optional().default('')

/** An idea chosen by its number (#12, 12) or its link (https://…/ideas/12). */
export const IdeaReference = z
  .string({ error: 'Enter the number or the link of the other idea.' })
  .trim()
  .transform((value, ctx) => {
    const match = /^(?:#?(\d{1,15})|(?:https?:\/\/[^/\s]+)?\/ideas\/(\d{1,15})(?:[/?#]\S*)?)$/i.exec(value)
    const id = Number(match?.[1] ?? match?.[2] ?? NaN)
    if (!Number.isSafeInteger(id) || id < 1) {
      ctx.addIssue({ code: 'custom', message: 'Enter the number or the link of the other idea.' })
      return z.NEVER
    }
    return id
  })
