/**
 * Badges: awarded at most once per member (user_badges_one_per_user), in the same transaction as
 * the event that earns them, with a notification; never taken back. The checks below run only
 * when their event could cross the threshold, each with at most one indexed query.
 */
import { and, count, desc, eq, sql } from 'drizzle-orm'
import { answers, userBadges, users } from '#db/schema'
import { type ReputationSourceType } from '~/domain'
import { BADGES, type BadgeId, badgeById } from '~/lib/badges'
import { type Db, type Tx } from '~/lib/db.server'
import { NotFoundError } from '~/lib/errors'
import { type Cursor, DEFAULT_PAGE_SIZE, toPage } from '~/lib/pagination.server'
import { notifyUser } from './notifications.server'

/** Answers with a score of at least 1 that earn Helpful. */
export const HELPFUL_ANSWERS = 10
/** Votes that make an idea popular. */
export const POPULAR_IDEA_VOTES = 50
/** Accepted answers (to other members' questions) that earn Problem solver. */
export const ACCEPTED_ANSWERS_FOR_BADGE = 10

export type BadgeSource = { type: ReputationSourceType; id: number } | null

/**
 * Awards `badge` to the member unless they hold it already, and tells them. Returns whether it was
 * awarded now.
 */
export function awardBadge(tx: Tx, userId: number, badge: BadgeId, source: BadgeSource, now = new Date()) {
  const inserted = tx
    .insert(userBadges)
    .values({ userId, badge, sourceType: source?.type ?? null, sourceId: source?.id ?? null, createdAt: now })
    .onConflictDoNothing()
    .returning({ id: userBadges.id })
    .all()
  if (inserted.length === 0) return false
  const user = tx.select({ username: users.username }).from(users).where(eq(users.id, userId)).get()
  const definition = badgeById(badge)!
  notifyUser(tx, userId, {
    kind: 'badge',
    subjectType: 'badge',
    subjectId: inserted[0]!.id,
    actorId: null,
    title: `You earned the “${definition.name}” badge`,
    body: definition.description,
    url: user ? `/u/${user.username}#badges` : `/badges/${badge}`,
    now,
  })
  return true
}

/** After an answer's score moved from below 1 to 1 or more: Helpful at the author's 10th such answer. */
export function checkHelpfulBadge(tx: Tx, authorId: number, answerId: number, now: Date) {
  // answers_author_idx narrows to the author's answers.
  const n =
    tx
      .select({ n: count() })
      .from(answers)
      .where(and(eq(answers.authorId, authorId), sql`${answers.score} >= 1`))
      .get()?.n ?? 0
  if (n >= HELPFUL_ANSWERS) awardBadge(tx, authorId, 'helpful', { type: 'answer', id: answerId }, now)
}

/** After an accept: Problem solver at the answerer's 10th accepted answer to someone else's question. */
export function checkAcceptedBadge(tx: Tx, authorId: number, answerId: number, now: Date) {
  const n =
    tx.get<{ n: number }>(sql`
      select count(*) as n from answers a join questions q on q.id = a.question_id
      where a.author_id = ${authorId} and a.is_accepted = 1 and q.author_id <> a.author_id`)?.n ?? 0
  if (n >= ACCEPTED_ANSWERS_FOR_BADGE) awardBadge(tx, authorId, 'accepted_10', { type: 'answer', id: answerId }, now)
}

/** After an idea gained votes: Popular idea for its author once it has 50. */
export function checkPopularIdeaBadge(tx: Tx, idea: { id: number; authorId: number; voteCount: number }, now: Date) {
  if (idea.voteCount >= POPULAR_IDEA_VOTES) awardBadge(tx, idea.authorId, 'popular_idea', { type: 'idea', id: idea.id }, now)
}

/** Every badge with how many members hold it (one grouped query over user_badges_badge_idx). */
export function listBadgesWithCounts(db: Db) {
  const rows = db.select({ badge: userBadges.badge, holders: count() }).from(userBadges).groupBy(userBadges.badge).all()
  const holders = new Map(rows.map((r) => [r.badge, r.holders]))
  return BADGES.map((b) => ({ ...b, holders: holders.get(b.id) ?? 0 }))
}

export const BADGE_HOLDERS_PAGE_SIZE = DEFAULT_PAGE_SIZE

/** The members who hold a badge, most recent first (keyset on created_at, id: user_badges_badge_idx). */
export function listBadgeHolders(
  db: Db,
  { badge, cursor, pageSize = BADGE_HOLDERS_PAGE_SIZE }: { badge: string; cursor?: Cursor | null; pageSize?: number },
) {
  const definition = badgeById(badge)
  if (!definition) throw new NotFoundError('badge')
  const rows = db
    .select({
      id: userBadges.id,
      createdAt: userBadges.createdAt,
      username: users.username,
      displayName: users.displayName,
      reputation: users.reputation,
    })
    .from(userBadges)
    .innerJoin(users, eq(users.id, userBadges.userId))
    .where(
      and(
        eq(userBadges.badge, badge),
        cursor ? sql`(${userBadges.createdAt}, ${userBadges.id}) < (${cursor.sort}, ${cursor.id})` : undefined,
      ),
    )
    .orderBy(desc(userBadges.createdAt), desc(userBadges.id))
    .limit(pageSize + 1)
    .all()
  const page = toPage(rows, pageSize, (row) => row.createdAt.getTime())
  const holders = db.select({ n: count() }).from(userBadges).where(eq(userBadges.badge, badge)).get()?.n ?? 0
  return { badge: definition, holders, items: page.items, nextCursor: page.nextCursor }
}
