/**
 * Summit's database schema (SQLite through drizzle).
 *
 * Conventions: SQL names are snake_case and spelled out; ids are `integer primary key autoincrement`
 * so a removed row's id is never reused; timestamps are integer milliseconds since the epoch
 * (`mode: 'timestamp_ms'`), except `sessions.expires_at`, which the lucia adapter defines in seconds.
 * Every list order has an index ending in `id`, the tie-breaker for keyset pagination.
 * `reputation_events`, `idea_status_changes` and `moderation_log` are append-only.
 */
import { sql } from 'drizzle-orm'
import { type AnySQLiteColumn, check, index, integer, primaryKey, real, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core'
// Relative, so that tools that load the schema on its own (drizzle-kit, drizzle.config.ts) need no path aliases.
import {
  ACCOUNT_TOKEN_PURPOSES,
  CLOSE_REASONS,
  FLAG_REASONS,
  FLAG_STATUSES,
  HIDDEN_REASONS,
  IDEA_STATUSES,
  POST_TYPES,
  QUESTION_STATUSES,
  REPUTATION_SOURCE_TYPES,
  ROLES,
  SUGGESTED_EDIT_STATUSES,
  WEBHOOK_KINDS,
} from '../app/domain'

/** A SQL default, so hand-written inserts get the same millisecond timestamps as drizzle's. */
const nowMs = sql`(cast(unixepoch('subsec') * 1000 as integer))`
const createdAt = () => integer('created_at', { mode: 'timestamp_ms' }).notNull().default(nowMs)

const inList = (values: readonly string[]) => sql.raw(values.map((v) => `'${v}'`).join(', '))

// ---------------------------------------------------------------------------------------------
// People
// ---------------------------------------------------------------------------------------------

/** Customer segments (Free, Pro, Enterprise …), defined by admins. Private to staff. */
export const segments = sqliteTable(
  'segments',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    name: text('name').notNull(),
    /** Weight of one vote from this segment in the staff-only weighted idea score. */
    weight: real('weight').notNull().default(1),
    position: integer('position').notNull().default(0),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('segments_name_unique').on(t.name),
    index('segments_position_idx').on(t.position, t.id),
    check('segments_weight_range', sql`${t.weight} >= 0 and ${t.weight} <= 100`),
  ],
)

export const users = sqliteTable(
  'users',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    username: text('username').notNull(),
    /** Stored lower-case. */
    email: text('email').notNull(),
    /** Empty for an account made through single sign-on that has not set a password: it cannot log in with one. */
    passwordHash: text('password_hash').notNull(),
    displayName: text('display_name').notNull(),
    bioMd: text('bio_md').notNull().default(''),
    bioHtml: text('bio_html').notNull().default(''),
    role: text('role', { enum: ROLES }).notNull().default('member'),
    segmentId: integer('segment_id').references(() => segments.id, { onDelete: 'set null' }),
    /** The customer company the member belongs to (staff-only knowledge). Deleting a member keeps the company. */
    companyId: integer('company_id').references((): AnySQLiteColumn => companies.id, { onDelete: 'set null' }),
    /** Cached: 1 + sum(reputation_events.delta). Never floored, so a recount matches. */
    reputation: integer('reputation').notNull().default(1),
    createdAt: createdAt(),
    passwordChangedAt: integer('password_changed_at', { mode: 'timestamp_ms' }),
    lastSeenAt: integer('last_seen_at', { mode: 'timestamp_ms' }),
    suspendedUntil: integer('suspended_until', { mode: 'timestamp_ms' }),
    suspensionReason: text('suspension_reason'),
    deletedAt: integer('deleted_at', { mode: 'timestamp_ms' }),
    /** The member's e-mail choices as JSON (see app/models/email.server.ts); '{}' means the defaults. */
    emailPrefs: text('email_prefs', { mode: 'json' })
      .notNull()
      .default(sql`'{}'`),
    /**
     * When the member proved the address is theirs (app/models/account-recovery.server.ts); null
     * for a password sign-up that has not followed its link yet. Accounts made by an admin, through
     * single sign-on or before this column existed count as verified.
     */
    emailVerifiedAt: integer('email_verified_at', { mode: 'timestamp_ms' }),
  },
  (t) => [
    uniqueIndex('users_username_unique').on(t.username),
    uniqueIndex('users_email_unique').on(t.email),
    index('users_reputation_idx').on(t.reputation, t.id),
    index('users_created_idx').on(t.createdAt, t.id),
    index('users_segment_idx').on(t.segmentId),
    index('users_company_idx').on(t.companyId),
    index('users_role_idx').on(t.role, t.id),
    check('users_role_valid', sql`${t.role} in (${inList(ROLES)})`),
    check('users_username_format', sql`length(${t.username}) between 2 and 30`),
    check('users_email_lower', sql`${t.email} = lower(${t.email})`),
  ],
)

/**
 * Customer companies (B2B accounts): from signed-JWT claims, an admin CSV import or /admin/companies.
 * Names, plans and revenue are private to staff. `monthly_revenue` is in whole currency units.
 */
export const companies = sqliteTable(
  'companies',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    name: text('name').notNull(),
    /** The company's id in the customer's own systems (the JWT's company.id, the CSV's external_id). */
    externalId: text('external_id'),
    plan: text('plan'),
    monthlyRevenue: integer('monthly_revenue').notNull().default(0),
    segmentId: integer('segment_id').references(() => segments.id, { onDelete: 'set null' }),
    createdAt: createdAt(),
    updatedAt: integer('updated_at', { mode: 'timestamp_ms' }).notNull().default(nowMs),
  },
  (t) => [
    uniqueIndex('companies_external_id_unique').on(t.externalId),
    index('companies_name_idx').on(t.name, t.id),
    index('companies_plan_idx').on(t.plan, t.id),
    check('companies_name_length', sql`length(${t.name}) between 1 and 100`),
    check('companies_revenue_range', sql`${t.monthlyRevenue} >= 0 and ${t.monthlyRevenue} <= 1000000000000`),
  ],
)

/**
 * OpenID Connect providers an admin connected. The client secret is write-only: no page or command
 * shows it again after it is saved.
 */
export const oidcProviders = sqliteTable(
  'oidc_providers',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    /** The provider's part of the callback URL: /sso/oidc/<slug>/callback. */
    slug: text('slug').notNull(),
    label: text('label').notNull(),
    issuer: text('issuer').notNull(),
    clientId: text('client_id').notNull(),
    clientSecret: text('client_secret').notNull(),
    /** The least role a login through this provider gets (raised to, never lowered). */
    role: text('role', { enum: ROLES }).notNull().default('member'),
    /** The segment given to members who have none yet. */
    segmentId: integer('segment_id').references(() => segments.id, { onDelete: 'set null' }),
    /** Whether a first login may join an existing account whose e-mail the provider says it verified. */
    linkVerifiedEmail: integer('link_verified_email', { mode: 'boolean' }).notNull().default(false),
    enabled: integer('enabled', { mode: 'boolean' }).notNull().default(true),
    createdAt: createdAt(),
    updatedAt: integer('updated_at', { mode: 'timestamp_ms' }).notNull().default(nowMs),
  },
  (t) => [uniqueIndex('oidc_providers_slug_unique').on(t.slug), check('oidc_providers_role_valid', sql`${t.role} in (${inList(ROLES)})`)],
)

/**
 * Who an account is at an outside identity system: an OpenID provider's (iss, sub), or the
 * company's own app for a signed JWT (issuer `jwt`, subject the customer's id). A login finds the
 * member by this pair, never by e-mail alone.
 */
export const userIdentities = sqliteTable(
  'user_identities',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    providerId: integer('provider_id').references(() => oidcProviders.id, { onDelete: 'set null' }),
    issuer: text('issuer').notNull(),
    subject: text('subject').notNull(),
    /** The e-mail the identity system last gave, for the member's settings page. */
    email: text('email'),
    createdAt: createdAt(),
    lastLoginAt: integer('last_login_at', { mode: 'timestamp_ms' }),
  },
  (t) => [uniqueIndex('user_identities_subject_unique').on(t.issuer, t.subject), index('user_identities_user_idx').on(t.userId, t.id)],
)

/**
 * A log-in through an OpenID provider between the redirect and the callback: the PKCE verifier,
 * state and nonce. The browser holds a random key in a cookie; the row is its SHA-256 and is used once.
 */
export const ssoFlows = sqliteTable(
  'sso_flows',
  {
    id: text('id').primaryKey(),
    providerId: integer('provider_id')
      .notNull()
      .references(() => oidcProviders.id, { onDelete: 'cascade' }),
    state: text('state').notNull(),
    nonce: text('nonce').notNull(),
    codeVerifier: text('code_verifier').notNull(),
    redirectTo: text('redirect_to').notNull().default('/'),
    /** Set when a logged-in member connects this provider to their account from their settings. */
    linkUserId: integer('link_user_id').references(() => users.id, { onDelete: 'cascade' }),
    expiresAt: integer('expires_at', { mode: 'timestamp_ms' }).notNull(),
  },
  (t) => [index('sso_flows_expires_idx').on(t.expiresAt)],
)

/** The `jti` of every signed-JWT login until its token expires, so a token logs in once. */
export const jwtReplays = sqliteTable(
  'jwt_replays',
  {
    jti: text('jti').primaryKey(),
    expiresAt: integer('expires_at', { mode: 'timestamp_ms' }).notNull(),
  },
  (t) => [index('jwt_replays_expires_idx').on(t.expiresAt)],
)

/**
 * Single-use account tokens: e-mail verification and password reset links. The row keeps only the
 * SHA-256 of the token the link carries, so a copy of the database holds no working link. A token
 * is spent when `used_at` is set; expired and spent rows are pruned as new ones are issued.
 */
export const accountTokens = sqliteTable(
  'account_tokens',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    purpose: text('purpose', { enum: ACCOUNT_TOKEN_PURPOSES }).notNull(),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    /** SHA-256 (hex) of the token in the link. */
    tokenHash: text('token_hash').notNull(),
    expiresAt: integer('expires_at', { mode: 'timestamp_ms' }).notNull(),
    usedAt: integer('used_at', { mode: 'timestamp_ms' }),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('account_tokens_hash_unique').on(t.tokenHash),
    index('account_tokens_user_idx').on(t.userId, t.purpose, t.createdAt),
    index('account_tokens_expires_idx').on(t.expiresAt),
    check('account_tokens_purpose_valid', sql`${t.purpose} in (${inList(ACCOUNT_TOKEN_PURPOSES)})`),
  ],
)

/** Lucia's session table: `expires_at` is in seconds, as the adapter defines it. */
export const sessions = sqliteTable(
  'sessions',
  {
    id: text('id').primaryKey(),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    expiresAt: integer('expires_at').notNull(),
  },
  (t) => [index('sessions_user_idx').on(t.userId)],
)

// ---------------------------------------------------------------------------------------------
// Ideas
// ---------------------------------------------------------------------------------------------

export const categories = sqliteTable(
  'categories',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    slug: text('slug').notNull(),
    name: text('name').notNull(),
    description: text('description').notNull().default(''),
    position: integer('position').notNull().default(0),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('categories_slug_unique').on(t.slug), index('categories_position_idx').on(t.position, t.id)],
)

export const ideas = sqliteTable(
  'ideas',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    authorId: integer('author_id')
      .notNull()
      .references(() => users.id),
    categoryId: integer('category_id').references(() => categories.id, { onDelete: 'set null' }),
    title: text('title').notNull(),
    bodyMd: text('body_md').notNull(),
    bodyHtml: text('body_html').notNull(),
    status: text('status', { enum: IDEA_STATUSES }).notNull().default('open'),
    voteCount: integer('vote_count').notNull().default(0),
    commentCount: integer('comment_count').notNull().default(0),
    mergedIntoId: integer('merged_into_id').references((): AnySQLiteColumn => ideas.id),
    /** Set when staff converted a question into this idea. */
    fromQuestionId: integer('from_question_id').references((): AnySQLiteColumn => questions.id),
    createdAt: createdAt(),
    updatedAt: integer('updated_at', { mode: 'timestamp_ms' }).notNull().default(nowMs),
    lastActivityAt: integer('last_activity_at', { mode: 'timestamp_ms' }).notNull().default(nowMs),
    /** When the status last changed: orders the roadmap columns and the changelog. */
    statusChangedAt: integer('status_changed_at', { mode: 'timestamp_ms' }).notNull().default(nowMs),
    lockedAt: integer('locked_at', { mode: 'timestamp_ms' }),
    hiddenAt: integer('hidden_at', { mode: 'timestamp_ms' }),
    /** Why hidden_at is set: 'flags' (three pending flags), 'moderator', or 'premoderation'. */
    hiddenReason: text('hidden_reason', { enum: HIDDEN_REASONS }),
    deletedAt: integer('deleted_at', { mode: 'timestamp_ms' }),
  },
  (t) => [
    index('ideas_top_idx')
      .on(t.voteCount, t.id)
      .where(sql`deleted_at is null and hidden_at is null`),
    index('ideas_new_idx')
      .on(t.createdAt, t.id)
      .where(sql`deleted_at is null and hidden_at is null`),
    index('ideas_active_idx')
      .on(t.lastActivityAt, t.id)
      .where(sql`deleted_at is null and hidden_at is null`),
    index('ideas_category_top_idx').on(t.categoryId, t.voteCount, t.id),
    index('ideas_status_top_idx').on(t.status, t.voteCount, t.id),
    index('ideas_status_changed_idx').on(t.status, t.statusChangedAt, t.id),
    index('ideas_author_idx').on(t.authorId, t.createdAt, t.id),
    index('ideas_merged_into_idx').on(t.mergedIntoId),
    // Only hidden and deleted ideas (few): the count of visible ones (all, or a member's) is all
    // ideas minus these, each count from an index alone.
    index('ideas_removed_idx')
      .on(t.authorId, t.id)
      .where(sql`deleted_at is not null or hidden_at is not null`),
    check('ideas_status_valid', sql`${t.status} in (${inList(IDEA_STATUSES)})`),
    check('ideas_vote_count_non_negative', sql`${t.voteCount} >= 0`),
    check('ideas_comment_count_non_negative', sql`${t.commentCount} >= 0`),
    check('ideas_title_length', sql`length(${t.title}) between 1 and 200`),
  ],
)

/** Current votes: one row per member per idea. History lives in the reputation ledger. */
export const ideaVotes = sqliteTable(
  'idea_votes',
  {
    ideaId: integer('idea_id')
      .notNull()
      .references(() => ideas.id, { onDelete: 'cascade' }),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.ideaId, t.userId] }),
    index('idea_votes_user_idx').on(t.userId, t.createdAt),
    // "votes in the last N days" for trending, per idea.
    index('idea_votes_idea_time_idx').on(t.ideaId, t.createdAt),
    index('idea_votes_time_idx').on(t.createdAt, t.ideaId),
  ],
)

/** Append-only: every status change of an idea, with the team's official note. */
export const ideaStatusChanges = sqliteTable(
  'idea_status_changes',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    ideaId: integer('idea_id')
      .notNull()
      .references(() => ideas.id, { onDelete: 'cascade' }),
    fromStatus: text('from_status', { enum: IDEA_STATUSES }).notNull(),
    toStatus: text('to_status', { enum: IDEA_STATUSES }).notNull(),
    actorId: integer('actor_id')
      .notNull()
      .references(() => users.id),
    noteMd: text('note_md').notNull().default(''),
    noteHtml: text('note_html').notNull().default(''),
    createdAt: createdAt(),
  },
  (t) => [
    index('idea_status_changes_idea_idx').on(t.ideaId, t.createdAt, t.id),
    index('idea_status_changes_to_idx').on(t.toStatus, t.createdAt, t.id),
  ],
)

export const ideaFollows = sqliteTable(
  'idea_follows',
  {
    ideaId: integer('idea_id')
      .notNull()
      .references(() => ideas.id, { onDelete: 'cascade' }),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.ideaId, t.userId] }), index('idea_follows_user_idx').on(t.userId, t.createdAt)],
)

// ---------------------------------------------------------------------------------------------
// Questions and answers
// ---------------------------------------------------------------------------------------------

export const questions = sqliteTable(
  'questions',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    authorId: integer('author_id')
      .notNull()
      .references(() => users.id),
    title: text('title').notNull(),
    bodyMd: text('body_md').notNull(),
    bodyHtml: text('body_html').notNull(),
    score: integer('score').notNull().default(0),
    answerCount: integer('answer_count').notNull().default(0),
    commentCount: integer('comment_count').notNull().default(0),
    viewCount: integer('view_count').notNull().default(0),
    acceptedAnswerId: integer('accepted_answer_id').references((): AnySQLiteColumn => answers.id, {
      onDelete: 'set null',
    }),
    /** True while no answer is accepted and none has a positive score: the "unanswered" tab. */
    isUnanswered: integer('is_unanswered', { mode: 'boolean' }).notNull().default(true),
    status: text('status', { enum: QUESTION_STATUSES }).notNull().default('open'),
    closeReason: text('close_reason', { enum: CLOSE_REASONS }),
    duplicateOfId: integer('duplicate_of_id').references((): AnySQLiteColumn => questions.id),
    convertedToIdeaId: integer('converted_to_idea_id').references((): AnySQLiteColumn => ideas.id),
    createdAt: createdAt(),
    updatedAt: integer('updated_at', { mode: 'timestamp_ms' }).notNull().default(nowMs),
    lastActivityAt: integer('last_activity_at', { mode: 'timestamp_ms' }).notNull().default(nowMs),
    lockedAt: integer('locked_at', { mode: 'timestamp_ms' }),
    hiddenAt: integer('hidden_at', { mode: 'timestamp_ms' }),
    /** Why hidden_at is set: 'flags' (three pending flags), 'moderator', or 'premoderation'. */
    hiddenReason: text('hidden_reason', { enum: HIDDEN_REASONS }),
    deletedAt: integer('deleted_at', { mode: 'timestamp_ms' }),
  },
  (t) => [
    index('questions_new_idx')
      .on(t.createdAt, t.id)
      .where(sql`deleted_at is null and hidden_at is null`),
    index('questions_active_idx')
      .on(t.lastActivityAt, t.id)
      .where(sql`deleted_at is null and hidden_at is null`),
    index('questions_unanswered_idx')
      .on(t.createdAt, t.id)
      .where(sql`is_unanswered = 1 and deleted_at is null and hidden_at is null`),
    index('questions_author_idx').on(t.authorId, t.createdAt, t.id),
    index('questions_duplicate_of_idx').on(t.duplicateOfId),
    // Only hidden and deleted questions (few): the count of visible ones (all, or a member's) is
    // all questions minus these, each count from an index alone.
    index('questions_removed_idx')
      .on(t.authorId, t.id)
      .where(sql`deleted_at is not null or hidden_at is not null`),
    check('questions_status_valid', sql`${t.status} in (${inList(QUESTION_STATUSES)})`),
    check('questions_close_reason_valid', sql`${t.closeReason} is null or ${t.closeReason} in (${inList(CLOSE_REASONS)})`),
    check('questions_answer_count_non_negative', sql`${t.answerCount} >= 0`),
  ],
)

export const answers = sqliteTable(
  'answers',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    questionId: integer('question_id')
      .notNull()
      .references((): AnySQLiteColumn => questions.id, { onDelete: 'cascade' }),
    authorId: integer('author_id')
      .notNull()
      .references(() => users.id),
    bodyMd: text('body_md').notNull(),
    bodyHtml: text('body_html').notNull(),
    score: integer('score').notNull().default(0),
    commentCount: integer('comment_count').notNull().default(0),
    isAccepted: integer('is_accepted', { mode: 'boolean' }).notNull().default(false),
    /** Marked official ("Team") by staff. */
    isOfficial: integer('is_official', { mode: 'boolean' }).notNull().default(false),
    createdAt: createdAt(),
    updatedAt: integer('updated_at', { mode: 'timestamp_ms' }).notNull().default(nowMs),
    hiddenAt: integer('hidden_at', { mode: 'timestamp_ms' }),
    /** Why hidden_at is set: 'flags' (three pending flags), 'moderator', or 'premoderation'. */
    hiddenReason: text('hidden_reason', { enum: HIDDEN_REASONS }),
    deletedAt: integer('deleted_at', { mode: 'timestamp_ms' }),
  },
  (t) => [
    // The question page: accepted first, then score, then age.
    index('answers_question_order_idx').on(t.questionId, sql`${t.isAccepted} desc`, sql`${t.score} desc`, t.createdAt, t.id),
    // At most one accepted answer per question, enforced by SQLite.
    uniqueIndex('answers_one_accepted_per_question')
      .on(t.questionId)
      .where(sql`is_accepted = 1`),
    index('answers_author_idx').on(t.authorId, t.createdAt, t.id),
    index('answers_new_idx').on(t.createdAt, t.id),
    // Only hidden and deleted answers (few): a member's visible answers are all theirs minus these.
    index('answers_removed_idx')
      .on(t.authorId, t.id)
      .where(sql`deleted_at is not null or hidden_at is not null`),
  ],
)

/**
 * Who viewed a question on which UTC day, so a view counts at most once per viewer per question per
 * day. `viewer_key` is `u:<user id>` for members and `a:<hash of IP and user agent>` for visitors.
 * Rows of past days are pruned as new views arrive; `questions.view_count` keeps the total.
 */
export const questionViews = sqliteTable(
  'question_views',
  {
    questionId: integer('question_id')
      .notNull()
      .references(() => questions.id, { onDelete: 'cascade' }),
    viewerKey: text('viewer_key').notNull(),
    /** Days since the epoch (UTC). */
    day: integer('day').notNull(),
  },
  (t) => [primaryKey({ columns: [t.questionId, t.viewerKey, t.day] }), index('question_views_day_idx').on(t.day)],
)

/** Current up/down votes on questions and answers. History lives in the reputation ledger. */
export const postVotes = sqliteTable(
  'post_votes',
  {
    targetType: text('target_type', { enum: ['question', 'answer'] }).notNull(),
    targetId: integer('target_id').notNull(),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    value: integer('value').notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.targetType, t.targetId, t.userId] }),
    index('post_votes_user_idx').on(t.userId, t.createdAt),
    check('post_votes_value_valid', sql`${t.value} in (1, -1)`),
    check('post_votes_target_valid', sql`${t.targetType} in ('question', 'answer')`),
  ],
)

/** Comments on ideas, questions and answers (one level of replies through parent_id). */
export const comments = sqliteTable(
  'comments',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    targetType: text('target_type', { enum: ['idea', 'question', 'answer'] }).notNull(),
    targetId: integer('target_id').notNull(),
    parentId: integer('parent_id').references((): AnySQLiteColumn => comments.id),
    authorId: integer('author_id')
      .notNull()
      .references(() => users.id),
    bodyMd: text('body_md').notNull(),
    bodyHtml: text('body_html').notNull(),
    /** A product-team response pinned on its idea. */
    isOfficial: integer('is_official', { mode: 'boolean' }).notNull().default(false),
    createdAt: createdAt(),
    updatedAt: integer('updated_at', { mode: 'timestamp_ms' }).notNull().default(nowMs),
    hiddenAt: integer('hidden_at', { mode: 'timestamp_ms' }),
    /** Why hidden_at is set: 'flags' (three pending flags), 'moderator', or 'premoderation'. */
    hiddenReason: text('hidden_reason', { enum: HIDDEN_REASONS }),
    deletedAt: integer('deleted_at', { mode: 'timestamp_ms' }),
  },
  (t) => [
    index('comments_target_idx').on(t.targetType, t.targetId, t.createdAt, t.id),
    index('comments_author_idx').on(t.authorId, t.createdAt, t.id),
    check('comments_target_valid', sql`${t.targetType} in ('idea', 'question', 'answer')`),
  ],
)

/** Edit history of ideas, questions, answers and comments: the version before each edit. */
export const postRevisions = sqliteTable(
  'post_revisions',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    targetType: text('target_type', { enum: POST_TYPES }).notNull(),
    targetId: integer('target_id').notNull(),
    editorId: integer('editor_id')
      .notNull()
      .references(() => users.id),
    title: text('title'),
    bodyMd: text('body_md').notNull(),
    reason: text('reason').notNull().default(''),
    createdAt: createdAt(),
  },
  (t) => [index('post_revisions_target_idx').on(t.targetType, t.targetId, t.createdAt, t.id)],
)

// ---------------------------------------------------------------------------------------------
// Tags
// ---------------------------------------------------------------------------------------------

export const tags = sqliteTable(
  'tags',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    name: text('name').notNull(),
    description: text('description').notNull().default(''),
    questionCount: integer('question_count').notNull().default(0),
    ideaCount: integer('idea_count').notNull().default(0),
    createdById: integer('created_by_id').references(() => users.id, { onDelete: 'set null' }),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('tags_name_unique').on(t.name),
    index('tags_question_count_idx').on(t.questionCount, t.id),
    // The tag list: most used (questions and ideas together) first.
    index('tags_total_count_idx').on(sql`(${t.questionCount} + ${t.ideaCount}) desc`, t.name),
    check('tags_name_format', sql`length(${t.name}) between 1 and 35 and ${t.name} = lower(${t.name})`),
  ],
)

export const questionTags = sqliteTable(
  'question_tags',
  {
    questionId: integer('question_id')
      .notNull()
      .references(() => questions.id, { onDelete: 'cascade' }),
    tagId: integer('tag_id')
      .notNull()
      .references(() => tags.id, { onDelete: 'cascade' }),
  },
  (t) => [primaryKey({ columns: [t.questionId, t.tagId] }), index('question_tags_tag_idx').on(t.tagId, t.questionId)],
)

export const ideaTags = sqliteTable(
  'idea_tags',
  {
    ideaId: integer('idea_id')
      .notNull()
      .references(() => ideas.id, { onDelete: 'cascade' }),
    tagId: integer('tag_id')
      .notNull()
      .references(() => tags.id, { onDelete: 'cascade' }),
  },
  (t) => [primaryKey({ columns: [t.ideaId, t.tagId] }), index('idea_tags_tag_idx').on(t.tagId, t.ideaId)],
)

// ---------------------------------------------------------------------------------------------
// Reputation, notifications, moderation
// ---------------------------------------------------------------------------------------------

/** Append-only ledger. users.reputation = 1 + sum(delta), kept in the same transaction. */
export const reputationEvents = sqliteTable(
  'reputation_events',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    delta: integer('delta').notNull(),
    reason: text('reason').notNull(),
    sourceType: text('source_type', { enum: REPUTATION_SOURCE_TYPES }).notNull(),
    sourceId: integer('source_id').notNull(),
    actorId: integer('actor_id').references(() => users.id, { onDelete: 'set null' }),
    /** A reversing event names the event it undoes; each event is reversed at most once. */
    reversesId: integer('reverses_id').references((): AnySQLiteColumn => reputationEvents.id),
    /** True for kinds that count against the daily vote cap. */
    isCapped: integer('is_capped', { mode: 'boolean' }).notNull().default(false),
    createdAt: createdAt(),
  },
  (t) => [
    // A member's ledger in order (keyset on created_at, id), and covering for the sums over it
    // (the profile chart, the daily vote cap): no row lookups for delta or is_capped.
    index('reputation_events_member_idx').on(t.userId, t.createdAt, t.id, t.delta, t.isCapped),
    // One post's events by reason, and by voter newest first (the event a vote's undo reverses);
    // delta after id, so the per-idea cap's sum over a popular idea's votes reads the index alone.
    index('reputation_events_source_idx').on(t.sourceType, t.sourceId, t.reason, t.actorId, t.id, t.delta),
    // The leaderboard's period totals (a covering range scan), and any scan by time.
    index('reputation_events_period_idx').on(t.createdAt, t.userId, t.delta),
    uniqueIndex('reputation_events_reverses_unique')
      .on(t.reversesId)
      .where(sql`reverses_id is not null`),
  ],
)

export const notifications = sqliteTable(
  'notifications',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    kind: text('kind').notNull(),
    subjectType: text('subject_type').notNull(),
    subjectId: integer('subject_id').notNull(),
    actorId: integer('actor_id').references(() => users.id, { onDelete: 'set null' }),
    /** Plain text, shown as text (never as HTML). */
    title: text('title').notNull(),
    body: text('body').notNull().default(''),
    url: text('url').notNull(),
    readAt: integer('read_at', { mode: 'timestamp_ms' }),
    createdAt: createdAt(),
  },
  (t) => [
    index('notifications_user_idx').on(t.userId, t.createdAt, t.id),
    index('notifications_unread_idx')
      .on(t.userId)
      .where(sql`read_at is null`),
  ],
)

export const flags = sqliteTable(
  'flags',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    targetType: text('target_type', { enum: POST_TYPES }).notNull(),
    targetId: integer('target_id').notNull(),
    reason: text('reason', { enum: FLAG_REASONS }).notNull(),
    text: text('text').notNull().default(''),
    /** Moves once, from pending to accepted or rejected; the decision is also in moderation_log. */
    status: text('status', { enum: FLAG_STATUSES }).notNull().default('pending'),
    handledById: integer('handled_by_id').references(() => users.id, { onDelete: 'set null' }),
    handledAt: integer('handled_at', { mode: 'timestamp_ms' }),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('flags_one_per_user_target').on(t.userId, t.targetType, t.targetId),
    index('flags_pending_idx')
      .on(t.createdAt, t.id)
      .where(sql`status = 'pending'`),
    index('flags_target_idx').on(t.targetType, t.targetId, t.status),
    index('flags_user_status_idx').on(t.userId, t.status),
    check('flags_reason_valid', sql`${t.reason} in (${inList(FLAG_REASONS)})`),
    check('flags_status_valid', sql`${t.status} in (${inList(FLAG_STATUSES)})`),
  ],
)

/** Append-only: every staff action, with before/after as JSON where it applies. */
export const moderationLog = sqliteTable(
  'moderation_log',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    actorId: integer('actor_id')
      .notNull()
      .references(() => users.id),
    action: text('action').notNull(),
    targetType: text('target_type').notNull(),
    targetId: integer('target_id').notNull(),
    reason: text('reason').notNull().default(''),
    before: text('before', { mode: 'json' }),
    after: text('after', { mode: 'json' }),
    createdAt: createdAt(),
  },
  (t) => [
    index('moderation_log_time_idx').on(t.createdAt, t.id),
    index('moderation_log_actor_idx').on(t.actorId, t.createdAt, t.id),
    index('moderation_log_action_idx').on(t.action, t.createdAt, t.id),
    index('moderation_log_target_idx').on(t.targetType, t.targetId, t.createdAt),
  ],
)

// ---------------------------------------------------------------------------------------------
// Infrastructure
// ---------------------------------------------------------------------------------------------

/**
 * Durable rate-limit hits (login and signup): one row per counted attempt, so a sliding window
 * survives a restart. Old rows are pruned as new ones are written.
 */
export const rateLimitHits = sqliteTable(
  'rate_limit_hits',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    key: text('key').notNull(),
    at: integer('at', { mode: 'timestamp_ms' }).notNull(),
  },
  (t) => [index('rate_limit_hits_key_idx').on(t.key, t.at), index('rate_limit_hits_at_idx').on(t.at)],
)

/** Site settings set by admins (site name, vote budget, …): one JSON value per key. */
export const settings = sqliteTable('settings', {
  key: text('key').primaryKey(),
  value: text('value', { mode: 'json' }).notNull(),
  updatedAt: integer('updated_at', { mode: 'timestamp_ms' }).notNull().default(nowMs),
})

// ---------------------------------------------------------------------------------------------
// Badges, suggested edits, internal notes, e-mail
// ---------------------------------------------------------------------------------------------

/** Badges held: each badge at most once per member (app/lib/badges.ts lists them). */
export const userBadges = sqliteTable(
  'user_badges',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    badge: text('badge').notNull(),
    /** The post (or user) whose event earned it. */
    sourceType: text('source_type', { enum: REPUTATION_SOURCE_TYPES }),
    sourceId: integer('source_id'),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('user_badges_one_per_user').on(t.userId, t.badge),
    index('user_badges_badge_idx').on(t.badge, t.createdAt, t.id),
    index('user_badges_user_idx').on(t.userId, t.createdAt, t.id),
  ],
)

/** An edit proposed by a member below the edit privilege, reviewed by the author or an editor. */
export const suggestedEdits = sqliteTable(
  'suggested_edits',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    targetType: text('target_type', { enum: ['idea', 'question', 'answer'] }).notNull(),
    targetId: integer('target_id').notNull(),
    authorId: integer('author_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    /** The proposed title (ideas and questions), null for answers. */
    title: text('title'),
    bodyMd: text('body_md').notNull(),
    bodyHtml: text('body_html').notNull(),
    /** Why the edit helps, shown to the reviewer. */
    comment: text('comment').notNull().default(''),
    status: text('status', { enum: SUGGESTED_EDIT_STATUSES }).notNull().default('pending'),
    reviewedById: integer('reviewed_by_id').references(() => users.id, { onDelete: 'set null' }),
    reviewedAt: integer('reviewed_at', { mode: 'timestamp_ms' }),
    reviewReason: text('review_reason').notNull().default(''),
    createdAt: createdAt(),
  },
  (t) => [
    index('suggested_edits_pending_idx')
      .on(t.createdAt, t.id)
      .where(sql`status = 'pending'`),
    index('suggested_edits_target_idx').on(t.targetType, t.targetId, t.status),
    index('suggested_edits_author_idx').on(t.authorId, t.createdAt, t.id),
    check('suggested_edits_target_valid', sql`${t.targetType} in ('idea', 'question', 'answer')`),
    check('suggested_edits_status_valid', sql`${t.status} in (${inList(SUGGESTED_EDIT_STATUSES)})`),
  ],
)

/** Staff-only notes on an idea: never in a public page, feed, search or member export. */
export const ideaNotes = sqliteTable(
  'idea_notes',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    ideaId: integer('idea_id')
      .notNull()
      .references(() => ideas.id, { onDelete: 'cascade' }),
    authorId: integer('author_id')
      .notNull()
      .references(() => users.id),
    bodyMd: text('body_md').notNull(),
    bodyHtml: text('body_html').notNull(),
    createdAt: createdAt(),
  },
  (t) => [index('idea_notes_idea_idx').on(t.ideaId, t.createdAt, t.id)],
)

/** E-mail waiting to be sent, written in the same transaction as its notification. */
export const emailOutbox = sqliteTable(
  'email_outbox',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    userId: integer('user_id').references(() => users.id, { onDelete: 'cascade' }),
    toAddress: text('to_address').notNull(),
    subject: text('subject').notNull(),
    bodyText: text('body_text').notNull(),
    kind: text('kind').notNull(),
    attempts: integer('attempts').notNull().default(0),
    lastError: text('last_error'),
    nextAttemptAt: integer('next_attempt_at', { mode: 'timestamp_ms' }).notNull().default(nowMs),
    sentAt: integer('sent_at', { mode: 'timestamp_ms' }),
    createdAt: createdAt(),
  },
  (t) => [
    index('email_outbox_due_idx')
      .on(t.nextAttemptAt, t.id)
      .where(sql`sent_at is null`),
    index('email_outbox_user_idx').on(t.userId, t.createdAt),
  ],
)

// ---------------------------------------------------------------------------------------------
// The public API and webhooks
// ---------------------------------------------------------------------------------------------

/**
 * Personal access tokens for /api/v1. The token is shown once; the row keeps its SHA-256 and a
 * short prefix to recognise it by. Scopes are a subset of API_SCOPES (app/domain.ts), as a comma-separated list.
 */
export const apiTokens = sqliteTable(
  'api_tokens',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    tokenHash: text('token_hash').notNull(),
    /** The first characters of the token (e.g. `smt_ab12`), shown in lists. */
    prefix: text('prefix').notNull(),
    scopes: text('scopes').notNull(),
    expiresAt: integer('expires_at', { mode: 'timestamp_ms' }),
    lastUsedAt: integer('last_used_at', { mode: 'timestamp_ms' }),
    revokedAt: integer('revoked_at', { mode: 'timestamp_ms' }),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('api_tokens_hash_unique').on(t.tokenHash),
    index('api_tokens_user_idx').on(t.userId, t.id),
    check('api_tokens_name_length', sql`length(${t.name}) between 1 and 60`),
  ],
)

/** Endpoints admins registered on /admin/webhooks. `events` is a comma-separated subset of WEBHOOK_EVENTS (app/domain.ts). */
export const webhookEndpoints = sqliteTable(
  'webhook_endpoints',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    url: text('url').notNull(),
    description: text('description').notNull().default(''),
    kind: text('kind', { enum: WEBHOOK_KINDS }).notNull().default('standard'),
    /** Standard Webhooks secret (`whsec_` + base64); write-only after it is shown once. */
    secret: text('secret').notNull(),
    events: text('events').notNull(),
    enabled: integer('enabled', { mode: 'boolean' }).notNull().default(true),
    /** Why the endpoint was turned off by Summit (failing for 3 days), or null. */
    disabledReason: text('disabled_reason'),
    /** When the current run of failures began; null after a success. */
    failingSince: integer('failing_since', { mode: 'timestamp_ms' }),
    createdBy: integer('created_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: createdAt(),
    updatedAt: integer('updated_at', { mode: 'timestamp_ms' }).notNull().default(nowMs),
  },
  (t) => [check('webhook_endpoints_kind_valid', sql`${t.kind} in (${inList(WEBHOOK_KINDS)})`)],
)

/**
 * The webhook outbox and delivery log: one row per message per endpoint, queued in the same
 * transaction as its event, sent by the worker with retries. `payload` is the JSON body as sent.
 */
export const webhookDeliveries = sqliteTable(
  'webhook_deliveries',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    endpointId: integer('endpoint_id')
      .notNull()
      .references(() => webhookEndpoints.id, { onDelete: 'cascade' }),
    /** The Standard Webhooks `webhook-id` (`msg_…`), the same for every retry of this message. */
    messageId: text('message_id').notNull(),
    eventType: text('event_type').notNull(),
    /** For batched events (idea.voted): the key of the batch, e.g. `idea:42`; null otherwise. */
    batchKey: text('batch_key'),
    payload: text('payload').notNull(),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: integer('next_attempt_at', { mode: 'timestamp_ms' }).notNull().default(nowMs),
    deliveredAt: integer('delivered_at', { mode: 'timestamp_ms' }),
    /** Gave up (retries used up, or the endpoint was disabled). */
    failedAt: integer('failed_at', { mode: 'timestamp_ms' }),
    lastStatus: integer('last_status'),
    lastError: text('last_error'),
    /** The first characters of the last response body, for the delivery log. */
    lastResponse: text('last_response'),
    lastDurationMs: integer('last_duration_ms'),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('webhook_deliveries_message_unique').on(t.endpointId, t.messageId),
    index('webhook_deliveries_due_idx')
      .on(t.nextAttemptAt, t.id)
      .where(sql`delivered_at is null and failed_at is null`),
    index('webhook_deliveries_endpoint_idx').on(t.endpointId, t.id),
    index('webhook_deliveries_batch_idx')
      .on(t.endpointId, t.batchKey)
      .where(sql`batch_key is not null and delivered_at is null and failed_at is null`),
  ],
)

/** Work items in the product team's tracker (Jira, Linear, GitHub …) linked to an idea. */
export const ideaLinks = sqliteTable(
  'idea_links',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    ideaId: integer('idea_id')
      .notNull()
      .references(() => ideas.id, { onDelete: 'cascade' }),
    url: text('url').notNull(),
    title: text('title').notNull(),
    state: text('state').notNull().default(''),
    createdBy: integer('created_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: createdAt(),
    updatedAt: integer('updated_at', { mode: 'timestamp_ms' }).notNull().default(nowMs),
  },
  (t) => [
    index('idea_links_idea_idx').on(t.ideaId, t.id),
    uniqueIndex('idea_links_url_unique').on(t.ideaId, t.url),
    // An inbound call names a work item by its URL and touches every idea linked to it.
    index('idea_links_url_idx').on(t.url, t.id),
  ],
)

/**
 * Inbound hooks: addresses (/api/v1/inbound/:id) a tracker calls to move linked ideas, made by admins
 * on /admin/webhooks/inbound. The caller signs with `secret` (Standard Webhooks) or sends it as a
 * bearer secret; the change is made as `created_by`, whose permission is checked on every call.
 */
export const inboundHooks = sqliteTable(
  'inbound_hooks',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    name: text('name').notNull(),
    /** Standard Webhooks secret (`whsec_` + base64), shown once when the hook is made. */
    secret: text('secret').notNull(),
    createdBy: integer('created_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: createdAt(),
    lastUsedAt: integer('last_used_at', { mode: 'timestamp_ms' }),
    revokedAt: integer('revoked_at', { mode: 'timestamp_ms' }),
  },
  (t) => [
    index('inbound_hooks_created_idx').on(t.createdAt, t.id),
    check('inbound_hooks_name_length', sql`length(${t.name}) between 1 and 80`),
  ],
)

/**
 * The webhook-ids an inbound hook accepted, so a signed message replayed within the signature's
 * 5-minute tolerance is refused. Rows older than the tolerance are pruned: the timestamp check refuses those messages anyway.
 */
export const inboundHookMessages = sqliteTable(
  'inbound_hook_messages',
  {
    hookId: integer('hook_id')
      .notNull()
      .references(() => inboundHooks.id, { onDelete: 'cascade' }),
    messageId: text('message_id').notNull(),
    receivedAt: integer('received_at', { mode: 'timestamp_ms' }).notNull().default(nowMs),
  },
  (t) => [primaryKey({ columns: [t.hookId, t.messageId] }), index('inbound_hook_messages_received_idx').on(t.receivedAt)],
)
