/**
 * The /api/v1 contract: Editing and merging ideas. The routes validate with exactly these schemas,
 * so the OpenAPI document cannot drift from what they accept.
 */
import { z } from 'zod'
import { ApiId as Id, type ApiOperation } from './api-common'
import { IdeaDetail } from './api'
import { IdeaBody, IdeaTitle } from './idea'
import { IDEA_TAG_NAME_MAX, IDEA_TAGS_MAX } from './idea-limits'
import { MODERATION_REASON_MAX } from './moderation'

/** The note a merge sends to the merged idea's voters, as the idea page's merge form allows. */
export const MERGE_NOTE_MAX = 5000

const EDITABLE_FIELDS = ['title', 'body', 'categoryId', 'tags'] as const

export const IdeaEditBody = z
  .object({
    title: IdeaTitle.optional(),
    body: IdeaBody.optional().describe('Markdown.'),
    categoryId: Id.nullable().optional().describe('A category’s id, or null for none.'),
    tags: z
      .array(
        z
          .string()
          .max(IDEA_TAG_NAME_MAX)
          .regex(/^[a-z0-9.+#-]+$/i, 'Tags may use letters a–z, digits and . + # -'),
      )
      .max(IDEA_TAGS_MAX, `Use at most ${IDEA_TAGS_MAX} tags.`)
      .optional()
      .describe('The idea’s tags, all of them (the list replaces the current one).'),
    reason: z
      .string()
      .trim()
      .max(MODERATION_REASON_MAX, `Keep the reason under ${MODERATION_REASON_MAX} characters.`)
      .optional()
      .describe('Why the idea is edited: kept in its revision history and, when staff edit someone else’s idea, in the moderation log.'),
  })
  .strict()
  .refine((body) => EDITABLE_FIELDS.some((field) => body[field] !== undefined), {
    message: `Send at least one of ${EDITABLE_FIELDS.join(', ')}.`,
  })
  .describe('Any subset of the fields; the ones left out stay as they are.')

export const IdeaMergeBody = z
  .object({
    into: Id.describe('The idea this one is merged into: its votes and followers move there.'),
    note: z
      .string()
      .trim()
      .max(MERGE_NOTE_MAX, `Use at most ${MERGE_NOTE_MAX} characters.`)
      .optional()
      .describe('Markdown, sent to the merged idea’s voters, followers and author, and kept on its timeline.'),
  })
  .strict()

export const IDEA_EDIT_OPERATIONS: ApiOperation[] = [
  {
    method: 'patch',
    path: '/ideas/{ideaId}',
    routeFile: 'api.v1.ideas.$ideaId.ts',
    summary:
      'Edit the idea’s title, body, category or tags, as the site allows: its author while it is open, unlocked and nobody else voted for it; moderators and up always (the body not while it is locked). Every change is kept as a revision.',
    scope: 'write',
    pathParams: { ideaId: 'The idea’s id.' },
    body: IdeaEditBody,
    response: { status: 200, schema: IdeaDetail, description: 'The idea after the change.' },
    errors: [400, 401, 403, 404, 409, 413, 415, 422, 429],
  },
  {
    method: 'post',
    path: '/ideas/{ideaId}/merge',
    routeFile: 'api.v1.ideas.$ideaId.merge.ts',
    summary:
      'Merge the idea into another one (the product team): its voters and followers move there without double votes and are notified; the merged idea then names it in mergedIntoId.',
    scope: 'write',
    pathParams: { ideaId: 'The idea’s id.' },
    body: IdeaMergeBody,
    response: { status: 200, schema: IdeaDetail, description: 'The idea it was merged into, after the merge.' },
    errors: [400, 401, 403, 404, 409, 413, 415, 422, 429],
  },
]
