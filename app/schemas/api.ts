/**
 * The /api/v1 contract: the zod schemas that check every request and describe every answer, and
 * the list of operations. The OpenAPI document (/api/v1/openapi.json) is generated from exactly
 * these, so the document cannot drift from what the routes accept.
 */
import { z } from 'zod'
import { type IdeaSort, type QuestionTab, type SearchStatus, type SearchType } from '~/domain'
import { LISTED_IDEA_STATUSES } from '~/lib/labels'
import { CommentBody, IdeaBody, IdeaTitle } from './idea'
import { IDEA_TAG_NAME_MAX, IDEA_TAGS_MAX } from './idea-limits'
import { AnswerBody, QuestionBody, QuestionTitle } from './question'
import { ApiId as Id, Timestamp, USERNAME_PATTERN, type ApiOperation } from './api-common'

export const SETTABLE_IDEA_STATUSES = ['open', 'under_review', 'planned', 'in_progress', 'shipped', 'declined'] as const
/** The site's idea orders (checked against the type in app/domain.ts). */
const IDEA_SORTS = ['top', 'trending', 'new', 'active'] as const satisfies readonly IdeaSort[]
/** The site's question lists (checked against the type in app/domain.ts). */
const QUESTION_TABS = ['newest', 'active', 'unanswered'] as const satisfies readonly QuestionTab[]

export { ApiId, Problem, Timestamp, USERNAME_PATTERN, type ApiOperation } from './api-common'

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

export const TagListQuery = z
  .object({
    prefix: z.string().max(40).optional().describe('Only tags whose name starts with this.'),
    limit: z.coerce.number().int().min(1).max(100).default(100),
  })
  .strict()

export const QuestionListQuery = z
  .object({
    sort: z.enum(QUESTION_TABS).default('newest').describe('The list, as on the site: newest, active, or unanswered (newest first).'),
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
      .array(
        z
          .string()
          .max(IDEA_TAG_NAME_MAX)
          .regex(/^[a-z0-9.+#-]+$/i, 'Tags may use letters a–z, digits and . + # -'),
      )
      .max(IDEA_TAGS_MAX)
      .default([]),
  })
  .strict()

export const CommentListQuery = z
  .object({ cursor: z.string().max(100).optional().describe('The nextCursor of the previous page (older comments).') })
  .strict()

export const CommentCreateBody = z.object({ body: CommentBody.describe('Markdown; @username mentions notify.') }).strict()

const TagNames = z.array(
  z
    .string()
    .max(IDEA_TAG_NAME_MAX)
    .regex(/^[a-z0-9.+#-]+$/i, 'Tags may use letters a–z, digits and . + # -'),
)

export const QuestionCreateBody = z
  .object({
    title: QuestionTitle,
    body: QuestionBody.describe('Markdown.'),
    tags: TagNames.min(1, 'Add at least one tag.').max(IDEA_TAGS_MAX, `Use at most ${IDEA_TAGS_MAX} tags.`),
  })
  .strict()

export const AnswerCreateBody = z.object({ body: AnswerBody.describe('Markdown.') }).strict()

export const AcceptAnswerBody = z.object({ answerId: Id.describe('An answer to this question.') }).strict()

export const NotificationListQuery = z
  .object({
    cursor: z.string().max(100).optional().describe('The nextCursor of the previous page.'),
    limit: z.coerce.number().int().min(1).max(100).default(20),
  })
  .strict()

/** The site's search filters (checked against the types in app/domain.ts). */
const SEARCH_TYPES = ['idea', 'question', 'answer'] as const satisfies readonly SearchType[]
const SEARCH_STATUSES = [
  ...SETTABLE_IDEA_STATUSES.map((s) => `idea:${s}` as const),
  'question:open',
  'question:closed',
  'question:answered',
] as const satisfies readonly SearchStatus[]
/** The search's deepest page, as on the site (the hits are ranked, so pages are numbered). */
const SEARCH_MAX_PAGES = 10

export const SearchQuery = z
  .object({
    q: z.string().trim().min(1, 'Enter some words to search for.').max(500),
    type: z.enum(SEARCH_TYPES).optional(),
    status: z.enum(SEARCH_STATUSES).optional().describe('An idea status (idea:planned) or a question state (question:answered).'),
    tag: z.string().max(100).optional().describe('A tag name.'),
    page: z.coerce.number().int().min(1).max(SEARCH_MAX_PAGES).default(1),
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
  statusHistory: z.array(
    z.object({ from: z.string().nullable(), to: z.string(), noteHtml: z.string().nullable(), at: Timestamp, by: z.string() }),
  ),
  officialResponse: z.object({ bodyHtml: z.string(), at: Timestamp, by: z.string() }).nullable(),
  viewerVoted: z.boolean(),
})

export const Category = z.object({
  id: Id,
  slug: z.string(),
  name: z.string(),
  description: z.string(),
  ideaCount: z.number().int().describe('Ideas the idea list shows in it (not hidden, deleted or merged away).'),
})
export const CategoryList = z.object({ data: z.array(Category) })

export const Tag = z.object({
  name: z.string(),
  description: z.string().nullable(),
  questionCount: z.number().int(),
  ideaCount: z.number().int(),
  url: z.string(),
})
export const TagList = z.object({ data: z.array(Tag).describe('Most used first, at most 100 (narrow with prefix).') })

const Author = z.object({ username: z.string(), displayName: z.string() })

export const QuestionSummary = z.object({
  id: Id,
  title: z.string(),
  excerpt: z.string(),
  status: z.string().describe('open or closed.'),
  score: z.number().int(),
  answerCount: z.number().int(),
  viewCount: z.number().int(),
  hasAcceptedAnswer: z.boolean(),
  author: Author,
  createdAt: Timestamp,
  url: z.string().describe('The question page, a path on this site.'),
})
export const QuestionList = z.object({ data: z.array(QuestionSummary), nextCursor: z.string().nullable() })

export const Answer = z.object({
  id: Id,
  bodyHtml: z.string(),
  score: z.number().int(),
  isAccepted: z.boolean(),
  isOfficial: z.boolean(),
  author: Author,
  createdAt: Timestamp,
  editedAt: Timestamp.nullable(),
})

export const QuestionDetail = z.object({
  id: Id,
  title: z.string(),
  bodyHtml: z.string().describe('Sanitized HTML rendered from the Markdown.'),
  status: z.string(),
  closeReason: z.string().nullable(),
  duplicateOfId: Id.nullable(),
  convertedToIdeaId: Id.nullable(),
  score: z.number().int(),
  answerCount: z.number().int(),
  viewCount: z.number().int(),
  acceptedAnswerId: Id.nullable(),
  isLocked: z.boolean(),
  tags: z.array(z.string()),
  author: Author,
  createdAt: Timestamp,
  editedAt: Timestamp.nullable(),
  url: z.string(),
  answers: z.array(Answer).describe('The accepted answer first, then by score and age; at most 100.'),
})

export const Comment = z.object({
  id: Id,
  bodyHtml: z.string(),
  isOfficial: z.boolean().describe('The product team’s official response.'),
  isHidden: z.boolean().describe('Hidden by moderation or held for review: shown only to its author and to moderators.'),
  author: Author,
  createdAt: Timestamp,
  editedAt: Timestamp.nullable(),
})
export const CommentList = z.object({
  data: z.array(Comment).describe('In reading order (oldest first); the first page has the newest comments and the official response.'),
  nextCursor: z.string().nullable().describe('Older comments.'),
})

export const Notification = z.object({
  id: Id,
  kind: z.string(),
  title: z.string(),
  body: z.string().nullable(),
  url: z.string().describe('What it is about, a path on this site.'),
  isUnread: z.boolean(),
  createdAt: Timestamp,
})
export const NotificationList = z.object({ data: z.array(Notification).describe('Newest first.'), nextCursor: z.string().nullable() })

export const UserProfile = z
  .object({
    username: z.string(),
    displayName: z.string(),
    reputation: z.number().int(),
    badge: z.enum(['team']).nullable().describe('“team” for staff, as their posts and profile show; null for members.'),
    joinedAt: Timestamp,
    url: z.string(),
  })
  .describe('The public profile: never the e-mail address, segment or company.')

export const SearchHit = z.object({
  type: z.enum(SEARCH_TYPES),
  id: Id,
  title: z.string().describe('Plain text (an answer’s is its question’s).'),
  snippet: z
    .array(z.object({ text: z.string(), match: z.boolean() }))
    .describe('The matching passage, in parts; match marks the words found.'),
  status: z.string(),
  votes: z.number().int(),
  isHidden: z.boolean().describe('Found only by moderators.'),
  url: z.string().describe('The idea or question (an answer links to its question), a path on this site.'),
})
export const SearchResults = z.object({
  data: z.array(SearchHit).describe('Best first.'),
  page: z.number().int(),
  nextPage: z.number().int().nullable(),
})

export const VoteResult = z.object({ ideaId: Id, voted: z.boolean(), voteCount: z.number().int() })

// ---------------------------------------------------------------------------------------------
// Operations
// ---------------------------------------------------------------------------------------------

/** The community's operations; app/schemas/api-operations.ts lists them with the others. */
export const CORE_OPERATIONS: ApiOperation[] = [
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
    path: '/ideas/{ideaId}/comments',
    routeFile: 'api.v1.ideas.$ideaId.comments.ts',
    summary: 'An idea’s comments, as on its page: the newest page first, each page in reading order.',
    scope: null,
    pathParams: { ideaId: 'The idea’s id.' },
    query: CommentListQuery,
    response: { status: 200, schema: CommentList, description: 'A page of comments.' },
    errors: [400, 401, 404, 429],
  },
  {
    method: 'post',
    path: '/ideas/{ideaId}/comments',
    routeFile: 'api.v1.ideas.$ideaId.comments.ts',
    summary: 'Comment on the idea as the token’s user (the site’s rules and posting limits).',
    scope: 'write',
    pathParams: { ideaId: 'The idea’s id.' },
    body: CommentCreateBody,
    response: { status: 201, schema: Comment, description: 'The new comment.' },
    errors: [401, 403, 404, 409, 413, 415, 422, 429],
  },
  {
    method: 'get',
    path: '/categories',
    routeFile: 'api.v1.categories.ts',
    summary: 'The idea categories, in the site’s order, with their idea counts.',
    scope: null,
    response: { status: 200, schema: CategoryList, description: 'Every category.' },
    errors: [401, 429],
  },
  {
    method: 'get',
    path: '/tags',
    routeFile: 'api.v1.tags.ts',
    summary: 'Tags with their question and idea counts, most used first.',
    scope: null,
    query: TagListQuery,
    response: { status: 200, schema: TagList, description: 'The tags.' },
    errors: [400, 401, 429],
  },
  {
    method: 'get',
    path: '/questions',
    routeFile: 'api.v1.questions.ts',
    summary: 'List questions, with the site’s lists and tag filter, in keyset pages.',
    scope: null,
    query: QuestionListQuery,
    response: { status: 200, schema: QuestionList, description: 'A page of questions.' },
    errors: [400, 401, 429],
  },
  {
    method: 'post',
    path: '/questions',
    routeFile: 'api.v1.questions.ts',
    summary: 'Ask a question as the token’s user (the site’s daily limits; new tags only for those who may create them).',
    scope: 'write',
    body: QuestionCreateBody,
    response: { status: 201, schema: QuestionDetail, description: 'The new question.' },
    errors: [401, 403, 413, 415, 422, 429],
  },
  {
    method: 'post',
    path: '/questions/{questionId}/answers',
    routeFile: 'api.v1.questions.$questionId.answers.ts',
    summary: 'Answer the question as the token’s user (the site’s rules and posting limits).',
    scope: 'write',
    pathParams: { questionId: 'The question’s id.' },
    body: AnswerCreateBody,
    response: { status: 201, schema: Answer, description: 'The new answer.' },
    errors: [401, 403, 404, 409, 413, 415, 422, 429],
  },
  {
    method: 'post',
    path: '/questions/{questionId}/accept',
    routeFile: 'api.v1.questions.$questionId.accept.ts',
    summary: 'Accept one of its answers (only the person who asked, as on the site); another accepted answer is unaccepted.',
    scope: 'write',
    pathParams: { questionId: 'The question’s id.' },
    body: AcceptAnswerBody,
    response: { status: 200, schema: QuestionDetail, description: 'The question after the change.' },
    errors: [401, 403, 404, 409, 413, 415, 422, 429],
  },
  {
    method: 'get',
    path: '/questions/{questionId}',
    routeFile: 'api.v1.questions.$questionId.ts',
    summary: 'A question with its tags and answers, the accepted answer marked and first.',
    scope: null,
    pathParams: { questionId: 'The question’s id.' },
    response: { status: 200, schema: QuestionDetail, description: 'The question.' },
    errors: [401, 404, 429],
  },
  {
    method: 'get',
    path: '/notifications',
    routeFile: 'api.v1.notifications.ts',
    summary: 'The token’s user’s notifications, newest first, in keyset pages.',
    scope: 'read',
    query: NotificationListQuery,
    response: { status: 200, schema: NotificationList, description: 'A page of notifications.' },
    errors: [400, 401, 403, 429],
  },
  {
    method: 'get',
    path: '/users/{username}',
    routeFile: 'api.v1.users.$username.ts',
    summary: 'A member’s public profile.',
    scope: null,
    pathParams: { username: 'The member’s username.' },
    pathParamPatterns: { username: USERNAME_PATTERN },
    response: { status: 200, schema: UserProfile, description: 'The profile.' },
    errors: [401, 404, 429],
  },
  {
    method: 'get',
    path: '/search',
    routeFile: 'api.v1.search.ts',
    summary: 'Search ideas, questions and answers, with the site’s filters and visibility (moderators also find hidden posts).',
    scope: null,
    query: SearchQuery,
    response: { status: 200, schema: SearchResults, description: 'A page of hits.' },
    errors: [400, 401, 429],
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
