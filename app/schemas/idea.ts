/** Idea form fields shared by the idea pages and the tests. */
import { z } from 'zod'

/** A comment on an idea, and the team's official response (Markdown). */
export const CommentBody = z
  .string({ error: 'Write a comment.' })
  .trim()
  .min(2, 'Write at least 2 characters.')
  .max(5000, 'Use at most 5000 characters.')

/** The official note of a status change or a merge: optional, but it is what voters read. */
export const OfficialNote = z.string().trim().max(5000, 'Use at most 5000 characters.').optional().default('')

export const IdeaTitle = z
  .string({ error: 'Give the idea a title.' })
  .trim()
  .min(10, 'Use at least 10 characters.')
  .max(140, 'Use at most 140 characters.')

const MAX_IDEA_TAGS = 5

/** Tags typed as one comma-separated field: "reports, export". Normalized by the model. */
export const TagList = z
  .string()
  .max(400, 'Use at most 400 characters.')
  .optional()
  .default('')
  .transform((value) => [...new Set(value.split(',').map((tag) => tag.trim().toLowerCase()).filter(Boolean))])
  .refine((names) => names.length <= MAX_IDEA_TAGS, `Use at most ${MAX_IDEA_TAGS} tags.`)
  .refine((names) => names.every((name) => name.length <= 35), 'Keep each tag to 35 characters.')

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
