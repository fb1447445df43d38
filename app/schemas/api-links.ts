/**
 * The /api/v1 contract: Tracker links and inbound status calls. The link fields (./idea-link) are
 * also the idea page's form fields, so the page and the API accept the same input.
 */
import { z } from 'zod'
import { SETTABLE_IDEA_STATUSES } from './api'
import { ApiId as Id, type ApiOperation, Timestamp } from './api-common'
import { LinkState, LinkTitle, LinkUrl } from './idea-link'

export const IdeaLinkCreateBody = z.object({ url: LinkUrl, title: LinkTitle, state: LinkState.optional().default('') }).strict()

export const IdeaLinkUpdateBody = z
  .object({ title: LinkTitle.optional(), state: LinkState.optional() })
  .strict()
  .refine((body) => body.title !== undefined || body.state !== undefined, { message: 'Send a title, a state or both.', path: ['state'] })

export const InboundCallBody = z
  .object({
    ideaId: Id.optional().describe('The idea to act on.'),
    linkUrl: LinkUrl.optional().describe(
      'A work item’s address: every idea linked to it is acted on. With ideaId, the link is added to that idea when it is missing.',
    ),
    status: z
      .enum(SETTABLE_IDEA_STATUSES)
      .optional()
      .describe('Move each idea to this status; every voter is notified. The same status again changes nothing.'),
    note: z.string().max(5000).optional().describe('An official note in Markdown, sent with the status change.'),
    linkState: LinkState.optional().describe('The work item’s new state in the tracker, stored on each link with linkUrl.'),
    linkTitle: LinkTitle.optional().describe('The work item’s title, stored on each link with linkUrl.'),
  })
  .strict()
  .superRefine((body, ctx) => {
    if (body.ideaId === undefined && body.linkUrl === undefined)
      ctx.addIssue({ code: 'custom', message: 'Name an idea (ideaId), a work item (linkUrl) or both.', path: ['ideaId'] })
    if (body.note !== undefined && body.status === undefined)
      ctx.addIssue({ code: 'custom', message: 'A note goes with a status change: send status too.', path: ['note'] })
    for (const field of ['linkState', 'linkTitle'] as const) {
      if (body[field] !== undefined && body.linkUrl === undefined)
        ctx.addIssue({ code: 'custom', message: 'Name the work item (linkUrl) whose link this describes.', path: [field] })
    }
  })
export type InboundCall = z.infer<typeof InboundCallBody>

export const IdeaLink = z.object({
  id: Id,
  ideaId: Id,
  url: z.string(),
  title: z.string(),
  state: z.string(),
  createdAt: Timestamp,
  updatedAt: Timestamp,
})

export const IdeaLinkList = z.object({ items: z.array(IdeaLink) })

export const InboundResult = z.object({
  ideas: z.array(
    z.object({
      id: Id,
      title: z.string(),
      status: z.string(),
      changed: z
        .boolean()
        .describe('Whether this call moved the idea (false: it already had the status, was merged, or no status was sent).'),
    }),
  ),
  links: z
    .array(IdeaLink.pick({ id: true, ideaId: true, url: true, title: true, state: true }))
    .describe('The links this call matched or added.'),
})

const linkPathParams = { ideaId: 'The idea’s id.', linkId: 'The link’s id.' }

export const LINK_OPERATIONS: ApiOperation[] = [
  {
    method: 'get',
    path: '/ideas/{ideaId}/links',
    routeFile: 'api.v1.ideas.$ideaId.links.ts',
    summary: 'The idea’s links to work items in the tracker, oldest first (the product team).',
    scope: 'read',
    pathParams: { ideaId: linkPathParams.ideaId },
    response: { status: 200, schema: IdeaLinkList, description: 'The links.' },
    errors: [401, 403, 404, 429],
  },
  {
    method: 'post',
    path: '/ideas/{ideaId}/links',
    routeFile: 'api.v1.ideas.$ideaId.links.ts',
    summary: 'Link the idea to a work item in the tracker (the product team); one link per address and idea.',
    scope: 'write',
    pathParams: { ideaId: linkPathParams.ideaId },
    body: IdeaLinkCreateBody,
    response: { status: 201, schema: IdeaLink, description: 'The new link.' },
    errors: [401, 403, 404, 409, 413, 415, 422, 429],
  },
  {
    method: 'patch',
    path: '/ideas/{ideaId}/links/{linkId}',
    routeFile: 'api.v1.ideas.$ideaId.links.$linkId.ts',
    summary: 'Change a link’s title or state (the product team).',
    scope: 'write',
    pathParams: linkPathParams,
    body: IdeaLinkUpdateBody,
    response: { status: 200, schema: IdeaLink, description: 'The link after the change.' },
    errors: [401, 403, 404, 413, 415, 422, 429],
  },
  {
    method: 'delete',
    path: '/ideas/{ideaId}/links/{linkId}',
    routeFile: 'api.v1.ideas.$ideaId.links.$linkId.ts',
    summary: 'Remove a link (the product team).',
    scope: 'write',
    pathParams: linkPathParams,
    response: { status: 204, schema: null, description: 'Removed.' },
    errors: [401, 403, 404, 429],
  },
  {
    method: 'post',
    path: '/inbound/{hookId}',
    routeFile: 'api.v1.inbound.$hookId.ts',
    summary:
      'An inbound hook (made by an admin on /admin/webhooks/inbound): the tracker moves linked ideas and updates their links. Authenticated by a Standard Webhooks signature with the hook’s secret (webhook-id, webhook-timestamp, webhook-signature) or by `Authorization: Bearer <the hook’s secret>`, not by a token.',
    scope: null,
    auth: 'hook',
    pathParams: { hookId: 'The inbound hook’s id.' },
    body: InboundCallBody,
    response: { status: 200, schema: InboundResult, description: 'The ideas and links the call touched.' },
    errors: [400, 401, 403, 404, 409, 413, 415, 422, 429],
  },
]
