/**
 * The /api/v1 contract: the zod schemas that check every request and describe every answer, and
 * the list of operations. The OpenAPI document (/api/v1/openapi.json) is generated from exactly
 * these, so the document cannot drift from what the routes accept.
 */
import { z } from 'zod'
import { type IdeaSort } from '~/models/ideas.server'
import { LISTED_IDEA_STATUSES } from '~/lib/labels'
import { IdeaBody, IdeaTitle } from './idea'
import { IDEA_TAG_NAME_MAX, IDEA_TAGS_MAX } from './idea-limits'

export const SETTABLE_IDEA_STATUSES = ['open', 'under_review', 'planned', 'in_progress', 'shipped', 'declined'] as const
/** The site's idea orders (checked against the model's type). */
const IDEA_SORTS = ['top', 'trending', 'new', 'active'] as const satisfies readonly IdeaSort[]

const Id = z.number().int().positive()
const Timestamp = z.string().describe('An ISO 8601 date and time, UTC.')

// ---------------------------------------------------------------------------------------------
// Requests
// ---------------------------------------------------------------------------------------------

export const IdeaListQuery = z
  .object({
    sort: z.enum(IDEA_SORTS).default('top').describe('The order, as on the site.'),
    status: z.enum(LISTED_IDEA_STATUSES as [string, ...string[]]).optional(),
    category: z.string().max(60).optional().describe('A category slug.'),
    tag: z.string().max(60).optional().describe('A tag name.'),
    cursor: z.string().max(100).optional().describe('The nextCursor of the previous page.'),
    limit: z.coerce.number().int().min(1).max(100).default(20),
  })
  .strict()

export const IdeaCreateBody = z
  .object({
    title: IdeaTitle,
    body: IdeaBody.describe('Markdown.'),
    categoryId: Id.nullable().optional().describe('Required once the site has categories.'),
    tags: z
      .array(z.string().max(IDEA_TAG_NAME_MAX).regex(/^[a-z0-9.+#-]+$/i, 'Tags may use letters a–z, digits and . + # -'))
      .max(IDEA_TAGS_MAX)
      .default([]),
  })
  .strict()

export const IdeaStatusBody = z
  .object({
    status: z.enum(SETTABLE_IDEA_STATUSES),
    note: z.string().max(5000).optional().describe('An official note in Markdown, sent to every voter with the change.'),
  })
  .strict()

// ---------------------------------------------------------------------------------------------
// Answers
// ---------------------------------------------------------------------------------------------

export const Problem = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    errors: z.record(z.string(), z.array(z.string())).optional().describe('Field errors, by field path.'),
  })
  .describe('RFC 9457 problem details.')

export const IdeaSummary = z.object({
  id: Id,
  title: z.string(),
  excerpt: z.string(),
  status: z.string(),
  voteCount: z.number().int(),
  commentCount: z.number().int(),
  category: z.string().nullable(),
  author: z.object({ username: z.string(), displayName: z.string() }),
  createdAt: Timestamp,
  url: z.string().describe('The idea page, a path on this site.'),
  viewerVoted: z.boolean().describe('Whether the token’s user voted for it (false without a token).'),
})

export const IdeaList = z.object({ data: z.array(IdeaSummary), nextCursor: z.string().nullable() })

export const IdeaDetail = z.object({
  id: Id,
  title: z.string(),
  bodyHtml: z.string().describe('Sanitized HTML rendered from the Markdown.'),
  status: z.string(),
  voteCount: z.number().int(),
  commentCount: z.number().int(),
  category: z.string().nullable(),
  tags: z.array(z.string()),
  author: z.object({ username: z.string(), displayName: z.string() }),
  createdAt: Timestamp,
  url: z.string(),
  mergedIntoId: Id.nullable(),
  statusHistory: z.array(z.object({ from: z.string().nullable(), to: z.string(), noteHtml: z.string().nullable(), at: Timestamp, by: z.string() })),
  officialResponse: z.object({ bodyHtml: z.string(), at: Timestamp, by: z.string() }).nullable(),
  viewerVoted: z.boolean(),
})

export const VoteResult = z.object({ ideaId: Id, voted: z.boolean(), voteCount: z.number().int() })

// ---------------------------------------------------------------------------------------------
// Operations
// ---------------------------------------------------------------------------------------------

export type ApiOperation = {
  method: 'get' | 'post' | 'put' | 'delete' | 'patch'
  /** OpenAPI path template under /api/v1. */
  path: string
  /** The route module that serves it (app/routes/<file>), for the test that keeps both in step. */
  routeFile: string
  summary: string
  /** null: anonymous requests may call it. */
  scope: 'read' | 'write' | 'admin' | null
  query?: z.ZodObject
  body?: z.ZodType
  pathParams?: Record<string, string>
  response: { status: number; schema: z.ZodType | null; description: string }
  errors: number[]
}

export const API_OPERATIONS: ApiOperation[] = [
  {
    method: 'get',
    path: '/ideas',
    routeFile: 'api.v1.ideas.ts',
    summary: 'List ideas, with the site’s filters and orders, in keyset pages.',
    scope: null,
    query: IdeaListQuery,
    response: { status: 200, schema: IdeaList, description: 'A page of ideas.' },
    errors: [400, 401, 429],
  },
  {
    method: 'post',
    path: '/ideas',
    routeFile: 'api.v1.ideas.ts',
    summary: 'Post an idea as the token’s user (who votes for it, as on the site).',
    scope: 'write',
    body: IdeaCreateBody,
    response: { status: 201, schema: IdeaDetail, description: 'The new idea.' },
    errors: [400, 401, 403, 413, 415, 422, 429],
  },
  {
    method: 'get',
    path: '/ideas/{ideaId}',
    routeFile: 'api.v1.ideas.$ideaId.ts',
    summary: 'An idea with its tags, status history and official response.',
    scope: null,
    pathParams: { ideaId: 'The idea’s id.' },
    response: { status: 200, schema: IdeaDetail, description: 'The idea.' },
    errors: [401, 404, 429],
  },
  {
    method: 'put',
    path: '/ideas/{ideaId}/vote',
    routeFile: 'api.v1.ideas.$ideaId.vote.ts',
    summary: 'Vote for the idea as the token’s user (again is no change).',
    scope: 'write',
    pathParams: { ideaId: 'The idea’s id.' },
    response: { status: 200, schema: VoteResult, description: 'The vote as it now is.' },
    errors: [401, 403, 404, 409, 429],
  },
  {
    method: 'delete',
    path: '/ideas/{ideaId}/vote',
    routeFile: 'api.v1.ideas.$ideaId.vote.ts',
    summary: 'Take the token’s user’s vote back.',
    scope: 'write',
    pathParams: { ideaId: 'The idea’s id.' },
    response: { status: 200, schema: VoteResult, description: 'The vote as it now is.' },
    errors: [401, 403, 404, 409, 429],
  },
  {
    method: 'post',
    path: '/ideas/{ideaId}/status',
    routeFile: 'api.v1.ideas.$ideaId.status.ts',
    summary: 'Change the idea’s status with an optional official note (the product team); every voter is notified.',
    scope: 'write',
    pathParams: { ideaId: 'The idea’s id.' },
    body: IdeaStatusBody,
    response: { status: 200, schema: IdeaDetail, description: 'The idea after the change.' },
    errors: [400, 401, 403, 404, 409, 413, 415, 422, 429],
  },
  {
    method: 'get',
    path: '/openapi.json',
    routeFile: 'api.v1.openapi[.]json.ts',
    summary: 'This document.',
    scope: null,
    response: { status: 200, schema: null, description: 'The OpenAPI 3.1 document.' },
    errors: [],
  },
]
