/**
 * Member profiles: the public header, the reputation chart and ledger, badges, and the member's
 * posts. Nothing here selects e-mail, segment or password hash: every query names its columns.
 * Hidden and deleted posts never show their title to a viewer who may not open them.
 */
import { and, count, desc, eq, inArray, isNotNull, isNull, or, sql, type SQL } from 'drizzle-orm'
import { answers, comments, ideas, questions, reputationEvents, userBadges, users } from '#db/schema'
import { type IdeaStatus } from '~/domain'
import { BADGE_LEVELS, type BadgeLevel, badgeById } from '~/lib/badges'
import { type Db } from '~/lib/db.server'
import { NotFoundError } from '~/lib/errors'
import { type Cursor, toPage } from '~/lib/pagination.server'
import { ADJUSTMENT_REASON, type ReputationReason } from './reputation.server'

const DAY_MS = 86_400_000

export const LEDGER_PAGE_SIZE = 30
export const PROFILE_POSTS_PAGE_SIZE = 20
/** The chart covers at most this many days back from today (or since joining, if later). */
export const CHART_MAX_DAYS = 365
/** At most this many points: buckets grow from one day to as many days as needed. */
export const CHART_MAX_POINTS = 120

/** Who is looking: staff see hidden posts' titles; the owner and staff see their hidden posts in lists. */
export type ProfileViewer = { id: number; isStaff: boolean } | null

// ---------------------------------------------------------------------------------------------
// The header
// ---------------------------------------------------------------------------------------------

/** The public face of a member. Deleted accounts are not found; a suspended member's profile still shows. */
export function getPublicProfile(db: Db, username: string) {
  const user = db
    .select({
      id: users.id,
      username: users.username,
      displayName: users.displayName,
      bioHtml: users.bioHtml,
      role: users.role,
      reputation: users.reputation,
      createdAt: users.createdAt,
    })
    .from(users)
    .where(and(eq(users.username, username.toLowerCase()), isNull(users.deletedAt)))
    .get()
  if (!user) throw new NotFoundError('member')
  // All the member's posts (from the author index alone) minus their hidden or deleted ones (from
  // the small *_removed_idx partial indexes): no read of each row, even for a prolific member.
  const countOf = (table: typeof ideas | typeof questions | typeof answers) => {
    const n = (where: SQL | undefined) => db.select({ n: count() }).from(table).where(where).get()?.n ?? 0
    const mine = eq(table.authorId, user.id)
    return n(mine) - n(and(mine, or(isNotNull(table.deletedAt), isNotNull(table.hiddenAt))))
  }
  return { ...user, counts: { ideas: countOf(ideas), questions: countOf(questions), answers: countOf(answers) } }
}

/** The member's own bio source, for the settings form. */
export function getProfileSource(db: Db, userId: number) {
  const row = db.select({ bioMd: users.bioMd }).from(users).where(eq(users.id, userId)).get()
  if (!row) throw new NotFoundError('account')
  return row
}

// ---------------------------------------------------------------------------------------------
// Reputation chart
// ---------------------------------------------------------------------------------------------

export type ReputationPoint = { day: string; reputation: number }

/**
 * The member's reputation over time, as the total at the end of each bucket. Sums are computed in
 * SQL from reputation_events_member_idx (user_id, created_at, id, delta, …) alone, which covers
 * them: one sum before the window (the starting total, 1 + sum) and one grouped sum per bucket
 * inside it. The window is the last CHART_MAX_DAYS days, or since joining when that is later;
 * buckets are whole UTC days, widened so there are at most CHART_MAX_POINTS of them.
 */
export function getReputationHistory(db: Db, userId: number, now = new Date()) {
  const user = db.select({ createdAt: users.createdAt, reputation: users.reputation }).from(users).where(eq(users.id, userId)).get()
  if (!user) throw new NotFoundError('member')
  const today = Math.floor(now.getTime() / DAY_MS)
  const firstDay = Math.max(today - CHART_MAX_DAYS + 1, Math.min(today, Math.floor(user.createdAt.getTime() / DAY_MS)))
  const days = today - firstDay + 1
  const bucketDays = Math.ceil(days / CHART_MAX_POINTS)
  const bucketCount = Math.ceil(days / bucketDays)
  const startMs = firstDay * DAY_MS
  const mine = eq(reputationEvents.userId, userId)
  const before =
    db
      .select({ total: sql<number>`coalesce(sum(${reputationEvents.delta}), 0)` })
      .from(reputationEvents)
      .where(and(mine, sql`${reputationEvents.createdAt} < ${startMs}`))
      .get()?.total ?? 0
  const bucketMs = bucketDays * DAY_MS
  const bucket = sql<number>`cast((${reputationEvents.createdAt} - ${startMs}) / ${bucketMs} as integer)`
  const sums = db
    .select({ bucket, delta: sql<number>`sum(${reputationEvents.delta})` })
    .from(reputationEvents)
    .where(and(mine, sql`${reputationEvents.createdAt} >= ${startMs}`))
    .groupBy(bucket)
    .all()
  const deltas = new Array<number>(bucketCount).fill(0)
  // Events dated after `now` (clock skew) count in the last bucket, so the chart ends at the total.
  for (const row of sums) deltas[Math.min(Math.max(0, Math.trunc(row.bucket)), bucketCount - 1)]! += row.delta
  const start = 1 + before
  let running = start
  const points: ReputationPoint[] = deltas.map((delta, i) => {
    running += delta
    const lastDay = Math.min(firstDay + (i + 1) * bucketDays - 1, today)
    return { day: new Date(lastDay * DAY_MS).toISOString().slice(0, 10), reputation: running }
  })
  return { start, end: running, days, bucketDays, firstDay: new Date(startMs).toISOString().slice(0, 10), points }
}

// ---------------------------------------------------------------------------------------------
// The ledger
// ---------------------------------------------------------------------------------------------

const REASON_LABELS = {
  question_upvoted: 'Question upvoted',
  answer_upvoted: 'Answer upvoted',
  idea_upvoted: 'Idea upvoted',
  post_downvoted: 'Post downvoted',
  downvote_cast: 'Downvoted an answer',
  answer_accepted: 'Answer accepted',
  accepted_an_answer: 'Accepted an answer',
  idea_planned: 'Idea planned',
  idea_shipped: 'Idea shipped',
  post_removed_as_spam: 'Post removed as spam',
  suggested_edit_approved: 'Suggested edit approved',
} satisfies Record<ReputationReason, string>

/** A human label for a ledger reason; reasons this module does not know get a generic one. */
export function reputationReasonLabel(reason: string, isReversal = false) {
  const base =
    reason === ADJUSTMENT_REASON
      ? 'Adjustment by staff'
      : Object.hasOwn(REASON_LABELS, reason)
        ? REASON_LABELS[reason as ReputationReason]
        : 'Reputation change'
  return isReversal ? `${base} (undone)` : base
}

export type LedgerSource = {
  type: 'idea' | 'question' | 'answer' | 'comment' | 'user'
  /** Where the post is; null when it is hidden or deleted (or the event is about the account). */
  href: string | null
  /** The post's title (an answer's or comment's: its question's or idea's); null when the viewer may not see it. */
  title: string | null
  /** True when the post exists but is hidden or removed. */
  isRemoved: boolean
}

export type LedgerEntry = {
  id: number
  delta: number
  label: string
  createdAt: Date
  source: LedgerSource
}

type PostState = { title: string; hidden: boolean; deleted: boolean }
const stateColumns = <T extends typeof ideas | typeof questions>(t: T) => ({
  id: t.id,
  title: t.title,
  hidden: sql<boolean>`${t.hiddenAt} is not null`.mapWith(Boolean),
  deleted: sql<boolean>`${t.deletedAt} is not null`.mapWith(Boolean),
})

/**
 * Where each event's post lives, in at most four queries whatever the page size: comments first
 * (they name their post), then answers (they name their question), then questions and ideas.
 */
function resolveSources(db: Db, events: Array<{ sourceType: string; sourceId: number }>, viewer: ProfileViewer) {
  const idsOf = (type: string) => [...new Set(events.filter((e) => e.sourceType === type).map((e) => e.sourceId))]
  const commentIds = idsOf('comment')
  const commentRows = commentIds.length
    ? db
        .select({
          id: comments.id,
          targetType: comments.targetType,
          targetId: comments.targetId,
          hidden: sql<boolean>`${comments.hiddenAt} is not null`.mapWith(Boolean),
          deleted: sql<boolean>`${comments.deletedAt} is not null`.mapWith(Boolean),
        })
        .from(comments)
        .where(inArray(comments.id, commentIds))
        .all()
    : []
  const answerIds = [...new Set([...idsOf('answer'), ...commentRows.filter((c) => c.targetType === 'answer').map((c) => c.targetId)])]
  const answerRows = answerIds.length
    ? db
        .select({
          id: answers.id,
          questionId: answers.questionId,
          hidden: sql<boolean>`${answers.hiddenAt} is not null`.mapWith(Boolean),
          deleted: sql<boolean>`${answers.deletedAt} is not null`.mapWith(Boolean),
        })
        .from(answers)
        .where(inArray(answers.id, answerIds))
        .all()
    : []
  const questionIds = [
    ...new Set([
      ...idsOf('question'),
      ...answerRows.map((a) => a.questionId),
      ...commentRows.filter((c) => c.targetType === 'question').map((c) => c.targetId),
    ]),
  ]
  const questionRows = questionIds.length
    ? db.select(stateColumns(questions)).from(questions).where(inArray(questions.id, questionIds)).all()
    : []
  const ideaIds = [...new Set([...idsOf('idea'), ...commentRows.filter((c) => c.targetType === 'idea').map((c) => c.targetId)])]
  const ideaRows = ideaIds.length ? db.select(stateColumns(ideas)).from(ideas).where(inArray(ideas.id, ideaIds)).all() : []

  const byId = <T extends { id: number }>(rows: T[]) => new Map(rows.map((r) => [r.id, r]))
  const ideaMap = byId(ideaRows)
  const questionMap = byId(questionRows)
  const answerMap = byId(answerRows)
  const commentMap = byId(commentRows)

  /** A post the viewer may open gets a link; a hidden one shows its title to staff only; a deleted one shows nothing. */
  const finish = (type: LedgerSource['type'], post: PostState | undefined, hrefIfVisible: string, removed: boolean): LedgerSource => {
    if (!post) return { type, href: null, title: null, isRemoved: true }
    if (!removed) return { type, href: hrefIfVisible, title: post.title, isRemoved: false }
    return { type, href: null, title: viewer?.isStaff && !post.deleted ? post.title : null, isRemoved: true }
  }
  const gone = (p: { hidden: boolean; deleted: boolean } | undefined) => !p || p.hidden || p.deleted

  const questionSource = (type: LedgerSource['type'], questionId: number, anchor: string, alsoGone: boolean) => {
    const q = questionMap.get(questionId)
    return finish(type, q, `/questions/${questionId}${anchor}`, alsoGone || gone(q))
  }
  const answerSource = (type: LedgerSource['type'], answerId: number, anchor: string | null, alsoGone: boolean) => {
    const a = answerMap.get(answerId)
    if (!a) return finish(type, undefined, '', true)
    const q = questionMap.get(a.questionId)
    const removed = alsoGone || gone(a)
    // A deleted answer hides its question's title too: the row would otherwise say what it answered.
    const post = q ? { ...q, deleted: q.deleted || a.deleted } : undefined
    return finish(type, post, `/questions/${a.questionId}${anchor ?? `#answer-${answerId}`}`, removed || gone(q))
  }

  return (event: { sourceType: string; sourceId: number }): LedgerSource => {
    const id = event.sourceId
    switch (event.sourceType) {
      case 'idea': {
        const idea = ideaMap.get(id)
        return finish('idea', idea, `/ideas/${id}`, gone(idea))
      }
      case 'question':
        return questionSource('question', id, '', false)
      case 'answer':
        return answerSource('answer', id, null, false)
      case 'comment': {
        const c = commentMap.get(id)
        if (!c) return finish('comment', undefined, '', true)
        const anchor = `#comment-${id}`
        const commentGone = c.hidden || c.deleted
        if (c.targetType === 'idea') {
          const idea = ideaMap.get(c.targetId)
          const post = idea ? { ...idea, deleted: idea.deleted || c.deleted } : undefined
          return finish('comment', post, `/ideas/${c.targetId}${anchor}`, commentGone || gone(idea))
        }
        if (c.targetType === 'question') {
          const q = questionMap.get(c.targetId)
          const post = q ? { ...q, deleted: q.deleted || c.deleted } : undefined
          return finish('comment', post, `/questions/${c.targetId}${anchor}`, commentGone || gone(q))
        }
        const a = answerMap.get(c.targetId)
        const source = answerSource('comment', c.targetId, anchor, commentGone)
        return c.deleted || !a ? { ...source, title: null } : source
      }
      default:
        return { type: 'user', href: null, title: null, isRemoved: false }
    }
  }
}

/** One page of the member's ledger, newest first, keyset on (created_at, id) through reputation_events_member_idx. */
export function listReputationLedger(
  db: Db,
  {
    userId,
    cursor = null,
    viewer,
    pageSize = LEDGER_PAGE_SIZE,
  }: { userId: number; cursor?: Cursor | null; viewer: ProfileViewer; pageSize?: number },
) {
  const rows = db
    .select({
      id: reputationEvents.id,
      delta: reputationEvents.delta,
      reason: reputationEvents.reason,
      sourceType: reputationEvents.sourceType,
      sourceId: reputationEvents.sourceId,
      reversesId: reputationEvents.reversesId,
      createdAt: reputationEvents.createdAt,
    })
    .from(reputationEvents)
    .where(
      and(
        eq(reputationEvents.userId, userId),
        cursor ? sql`(${reputationEvents.createdAt}, ${reputationEvents.id}) < (${cursor.sort}, ${cursor.id})` : undefined,
      ),
    )
    .orderBy(desc(reputationEvents.createdAt), desc(reputationEvents.id))
    .limit(pageSize + 1)
    .all()
  const page = toPage(rows, pageSize, (r) => r.createdAt.getTime())
  const sourceOf = resolveSources(db, page.items, viewer)
  const items: LedgerEntry[] = page.items.map((e) => ({
    id: e.id,
    delta: e.delta,
    label: reputationReasonLabel(e.reason, e.reversesId != null),
    createdAt: e.createdAt,
    source: sourceOf(e),
  }))
  return { items, nextCursor: page.nextCursor }
}

// ---------------------------------------------------------------------------------------------
// Badges
// ---------------------------------------------------------------------------------------------

export type HeldBadge = { id: string; name: string; description: string; level: BadgeLevel; awardedAt: Date }

/** The member's badges grouped by level (gold first), with the catalogue's name and description. Unknown ids are skipped. */
export function listUserBadges(db: Db, userId: number) {
  const rows = db
    .select({ badge: userBadges.badge, createdAt: userBadges.createdAt })
    .from(userBadges)
    .where(eq(userBadges.userId, userId))
    .orderBy(desc(userBadges.createdAt), desc(userBadges.id))
    .all()
  const groups = Object.fromEntries(BADGE_LEVELS.map((level) => [level, [] as HeldBadge[]])) as Record<BadgeLevel, HeldBadge[]>
  for (const row of rows) {
    const def = badgeById(row.badge)
    if (def) groups[def.level].push({ ...def, awardedAt: row.createdAt })
  }
  return [...BADGE_LEVELS]
    .reverse()
    .map((level) => ({ level, badges: groups[level] }))
    .filter((g) => g.badges.length > 0)
}

// ---------------------------------------------------------------------------------------------
// The member's posts
// ---------------------------------------------------------------------------------------------

type PostListInput = { userId: number; viewer: ProfileViewer; cursor?: Cursor | null; pageSize?: number }

/** Hidden posts are listed (marked) only for their author and staff; deleted ones for nobody. */
function authorFilter(t: typeof ideas | typeof questions | typeof answers, { userId, viewer, cursor }: PostListInput): SQL | undefined {
  const mayTheySeeHidden = viewer != null && (viewer.isStaff || viewer.id === userId)
  return and(
    eq(t.authorId, userId),
    isNull(t.deletedAt),
    mayTheySeeHidden ? undefined : isNull(t.hiddenAt),
    cursor ? sql`(${t.createdAt}, ${t.id}) < (${cursor.sort}, ${cursor.id})` : undefined,
  )
}

/** The member's ideas, newest first, through ideas_author_idx (author_id, created_at, id). */
export function listProfileIdeas(db: Db, input: PostListInput) {
  const pageSize = input.pageSize ?? PROFILE_POSTS_PAGE_SIZE
  const rows = db
    .select({
      id: ideas.id,
      title: ideas.title,
      status: sql<IdeaStatus>`${ideas.status}`,
      voteCount: ideas.voteCount,
      commentCount: ideas.commentCount,
      createdAt: ideas.createdAt,
      isHidden: sql<boolean>`${ideas.hiddenAt} is not null`.mapWith(Boolean),
    })
    .from(ideas)
    .where(authorFilter(ideas, input))
    .orderBy(desc(ideas.createdAt), desc(ideas.id))
    .limit(pageSize + 1)
    .all()
  return toPage(rows, pageSize, (r) => r.createdAt.getTime())
}

/** The member's questions, newest first, through questions_author_idx. */
export function listProfileQuestions(db: Db, input: PostListInput) {
  const pageSize = input.pageSize ?? PROFILE_POSTS_PAGE_SIZE
  const rows = db
    .select({
      id: questions.id,
      title: questions.title,
      score: questions.score,
      answerCount: questions.answerCount,
      hasAcceptedAnswer: sql<boolean>`${questions.acceptedAnswerId} is not null`.mapWith(Boolean),
      status: questions.status,
      createdAt: questions.createdAt,
      isHidden: sql<boolean>`${questions.hiddenAt} is not null`.mapWith(Boolean),
    })
    .from(questions)
    .where(authorFilter(questions, input))
    .orderBy(desc(questions.createdAt), desc(questions.id))
    .limit(pageSize + 1)
    .all()
  return toPage(rows, pageSize, (r) => r.createdAt.getTime())
}

/**
 * The member's answers, newest first, through answers_author_idx, each with its question's title.
 * An answer on a question the viewer may not open is left out (its title would leak).
 */
export function listProfileAnswers(db: Db, input: PostListInput) {
  const pageSize = input.pageSize ?? PROFILE_POSTS_PAGE_SIZE
  const questionVisible = input.viewer?.isStaff ? isNull(questions.deletedAt) : and(isNull(questions.deletedAt), isNull(questions.hiddenAt))
  const rows = db
    .select({
      id: answers.id,
      questionId: answers.questionId,
      questionTitle: questions.title,
      score: answers.score,
      isAccepted: answers.isAccepted,
      createdAt: answers.createdAt,
      isHidden: sql<boolean>`${answers.hiddenAt} is not null or ${questions.hiddenAt} is not null`.mapWith(Boolean),
    })
    .from(answers)
    .innerJoin(questions, eq(questions.id, answers.questionId))
    .where(and(authorFilter(answers, input), questionVisible))
    .orderBy(desc(answers.createdAt), desc(answers.id))
    .limit(pageSize + 1)
    .all()
  return toPage(rows, pageSize, (r) => r.createdAt.getTime())
}
