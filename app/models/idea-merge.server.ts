/** Merging an idea into another: votes, followers and reputation move, everyone concerned is told. */
import { and, eq, sql } from 'drizzle-orm'
import { ideaFollows, ideas, ideaStatusChanges, ideaVotes } from '#db/schema'
import { type Db, writeTransaction } from '~/lib/db.server'
import { ConflictError, DomainError, NotFoundError } from '~/lib/errors'
import { excerpt, renderMarkdown } from '~/lib/markdown.server'
import { checkPopularIdeaBadge } from './badges.server'
import { visibleIdea } from './ideas.server'
import { logModeration } from './moderation-log.server'
import { notifyIdeaStakeholders } from './notifications.server'
import { recordReputation, reverseReputation } from './reputation.server'
import { laterOf } from './votes.server'
import { queueIdeaMerged } from './webhook-events.server'

/**
 * Merges an idea into another one, in one transaction:
 * - the merged idea's author, voters and followers are notified (once each, never the actor);
 * - its voters become the target's voters without double votes, and both vote counts are
 *   recomputed from the rows; its author's `idea_upvoted` events are reversed, and each vote that
 *   is new on the target pays the target's author (a voter who had voted for both pays nothing new);
 * - its followers follow the target;
 * - it becomes `merged` with `merged_into_id`, a timeline entry (with the note) and a log entry.
 * Refused with 409: merging into itself, into a merged idea (which also rules out cycles), or an
 * idea already merged.
 */
export function mergeIdea(db: Db, input: { ideaId: number; targetId: number; actorId: number; noteMd?: string; now?: Date }) {
  const { ideaId, targetId, actorId } = input
  const now = input.now ?? new Date()
  const noteMd = input.noteMd?.trim() ?? ''
  const noteHtml = noteMd ? renderMarkdown(noteMd) : ''
  return writeTransaction(db, (tx) => {
    const ideaColumns = {
      id: ideas.id,
      title: ideas.title,
      status: ideas.status,
      authorId: ideas.authorId,
      voteCount: ideas.voteCount,
      mergedIntoId: ideas.mergedIntoId,
    }
    const source = tx
      .select(ideaColumns)
      .from(ideas)
      .where(and(eq(ideas.id, ideaId), visibleIdea))
      .get()
    if (!source) throw new NotFoundError('idea')
    if (source.status === 'merged') throw new ConflictError('This idea was already merged into another one.')
    if (targetId === ideaId) throw new ConflictError('An idea cannot be merged into itself.')
    const target = tx
      .select(ideaColumns)
      .from(ideas)
      .where(and(eq(ideas.id, targetId), visibleIdea))
      .get()
    if (!target) throw new DomainError(`There is no idea #${targetId} to merge into.`, 404)
    if (target.status === 'merged') {
      throw new ConflictError(
        target.mergedIntoId === source.id
          ? `That would make a cycle: “${target.title}” was merged into this idea.`
          : `“${target.title}” was itself merged into another idea; merge into that one instead.`,
      )
    }

    // Before anything moves, so the merged idea's own voters and followers are the ones told.
    const notified = notifyIdeaStakeholders(tx, source.id, {
      kind: 'idea_merged',
      subjectType: 'idea',
      subjectId: source.id,
      actorId,
      title: `“${source.title}” was merged into “${target.title}”`,
      body: noteMd ? excerpt(noteMd, 280) : 'Its votes and followers moved with it.',
      url: `/ideas/${target.id}?merged=${source.id}`,
      now,
    })

    const voters = tx.select({ userId: ideaVotes.userId }).from(ideaVotes).where(eq(ideaVotes.ideaId, source.id)).all()
    // A WHERE clause is required here: it tells SQLite's parser that ON CONFLICT is the upsert's.
    const moved = tx.all<{ userId: number }>(sql`
      insert into idea_votes (idea_id, user_id, created_at)
      select ${target.id}, user_id, created_at from idea_votes where idea_id = ${source.id}
      on conflict do nothing
      returning user_id as userId`)
    tx.delete(ideaVotes).where(eq(ideaVotes.ideaId, source.id)).run()
    for (const { userId } of voters) {
      if (userId !== source.authorId) {
        reverseReputation(tx, { reason: 'idea_upvoted', source: { type: 'idea', id: source.id }, actorId: userId, now })
      }
    }
    for (const { userId } of moved) {
      if (userId !== target.authorId) {
        recordReputation(tx, {
          userId: target.authorId,
          reason: 'idea_upvoted',
          source: { type: 'idea', id: target.id },
          actorId: userId,
          now,
        })
      }
    }

    tx.run(sql`
      insert into idea_follows (idea_id, user_id, created_at)
      select ${target.id}, user_id, created_at from idea_follows where idea_id = ${source.id}
      on conflict do nothing`)
    tx.delete(ideaFollows).where(eq(ideaFollows.ideaId, source.id)).run()

    tx.update(ideas)
      .set({ status: 'merged', mergedIntoId: target.id, voteCount: 0, statusChangedAt: now, updatedAt: now })
      .where(eq(ideas.id, source.id))
      .run()
    // Recomputed from the rows (not moved by a delta): the union is what counts.
    const merged = tx
      .update(ideas)
      .set({
        voteCount: sql`(select count(*) from idea_votes where idea_id = ${target.id})`,
        lastActivityAt: laterOf(ideas.lastActivityAt, now),
      })
      .where(eq(ideas.id, target.id))
      .returning({ voteCount: ideas.voteCount })
      .get()!
    checkPopularIdeaBadge(tx, { id: target.id, authorId: target.authorId, voteCount: merged.voteCount }, now)
    tx.insert(ideaStatusChanges)
      .values({ ideaId: source.id, fromStatus: source.status, toStatus: 'merged', actorId, noteMd, noteHtml, createdAt: now })
      .run()
    logModeration(tx, {
      actorId,
      action: 'merge_idea',
      target: { type: 'idea', id: source.id },
      reason: noteMd,
      before: { status: source.status, voteCount: source.voteCount },
      after: { status: 'merged', mergedIntoId: target.id, votesMoved: moved.length },
      now,
    })
    queueIdeaMerged(tx, { ideaId: source.id, targetId: target.id, now })
    return { targetId: target.id, votesMoved: moved.length, notified }
  })
}
