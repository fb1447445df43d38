/**
 * The product team moves an idea through its statuses: the timeline entry with its official note,
 * the author's planned and shipped bonuses, the webhook event and the notice to every stakeholder.
 */
import { and, eq, isNull, sql } from 'drizzle-orm'
import { ideas, ideaStatusChanges } from '#db/schema'
import { type Db, type Tx, writeTransaction } from '~/lib/db.server'
import { ConflictError, NotFoundError } from '~/lib/errors'
import { IDEA_STATUS_LABELS } from '~/lib/labels'
import { excerpt, renderMarkdown } from '~/lib/markdown.server'
import { awardBadge } from './badges.server'
import { notifyIdeaStakeholders } from './notifications.server'
import { hasEarned, recordReputation } from './reputation.server'
import { laterOf } from './votes.server'
import { queueIdeaEvent } from './webhook-events.server'

/** Statuses an idea can be moved to by the product team (merging has its own action). */
export const SETTABLE_STATUSES = ['open', 'under_review', 'planned', 'in_progress', 'shipped', 'declined'] as const
export type SettableStatus = (typeof SETTABLE_STATUSES)[number]

/**
 * Moves an idea to a new status with an official note: records the change, pays the author's
 * planned/shipped bonus the first time, and notifies every voter, the author and every follower.
 */
export function changeIdeaStatus(
  db: Db,
  input: { ideaId: number; actorId: number; toStatus: SettableStatus; noteMd?: string; now?: Date },
) {
  return writeTransaction(db, (tx) => applyIdeaStatusChange(tx, input))
}

/**
 * changeIdeaStatus's work inside a caller's transaction, so a bulk change of several ideas is one
 * transaction whose every idea gets exactly what a single change gives it.
 */
export function applyIdeaStatusChange(
  tx: Tx,
  input: { ideaId: number; actorId: number; toStatus: SettableStatus; noteMd?: string; now?: Date },
) {
  const now = input.now ?? new Date()
  const noteMd = input.noteMd?.trim() ?? ''
  const noteHtml = noteMd ? renderMarkdown(noteMd) : ''
  const idea = tx
    .select({ id: ideas.id, title: ideas.title, status: ideas.status, authorId: ideas.authorId })
    .from(ideas)
    .where(and(eq(ideas.id, input.ideaId), isNull(ideas.deletedAt)))
    .get()
  if (!idea) throw new NotFoundError('idea')
  if (idea.status === 'merged') throw new ConflictError('This idea was merged into another one.')
  if (idea.status === input.toStatus) throw new ConflictError(`This idea is already ${IDEA_STATUS_LABELS[idea.status].toLowerCase()}.`)
  const change = tx
    .insert(ideaStatusChanges)
    .values({
      ideaId: idea.id,
      fromStatus: idea.status,
      toStatus: input.toStatus,
      actorId: input.actorId,
      noteMd,
      noteHtml,
      createdAt: now,
    })
    .returning({ id: ideaStatusChanges.id })
    .get()
  tx.update(ideas)
    .set({ status: input.toStatus, statusChangedAt: now, lastActivityAt: laterOf(ideas.lastActivityAt, now), updatedAt: now })
    .where(eq(ideas.id, idea.id))
    .run()
  payStatusBonuses(tx, { idea, toStatus: input.toStatus, actorId: input.actorId, now })
  queueIdeaEvent(tx, 'idea.status_changed', idea.id, { fromStatus: idea.status, toStatus: input.toStatus, note: noteMd }, now)
  const notified = notifyIdeaStakeholders(tx, idea.id, {
    kind: 'idea_status',
    subjectType: 'idea',
    subjectId: idea.id,
    actorId: input.actorId,
    title: `“${idea.title}” is now ${IDEA_STATUS_LABELS[input.toStatus].toLowerCase()}`,
    body: noteMd ? excerpt(noteMd, 280) : '',
    url: `/ideas/${idea.id}`,
    now,
  })
  return { changeId: change.id, notified }
}

/**
 * The bonuses of reaching planned or shipped (see REPUTATION): each paid once per idea and person,
 * checked on the ledger, so leaving the status and coming back pays nothing twice. Shipping also
 * pays the author of a question turned into the idea, or into an idea merged into it, when that is
 * someone else; each co-creator gets the Co-creator badge.
 */
function payStatusBonuses(
  tx: Tx,
  { idea, toStatus, actorId, now }: { idea: { id: number; authorId: number }; toStatus: SettableStatus; actorId: number; now: Date },
) {
  const source = { type: 'idea', id: idea.id } as const
  if (toStatus === 'planned') {
    if (!hasEarned(tx, { userId: idea.authorId, reason: 'idea_planned', source })) {
      recordReputation(tx, { userId: idea.authorId, reason: 'idea_planned', source, actorId, now })
    }
    awardBadge(tx, idea.authorId, 'idea_planned', source, now)
  }
  if (toStatus === 'shipped') {
    // The askers of questions turned into this idea or into an idea merged into it.
    const askers = tx.all<{ authorId: number }>(sql`
      select q.author_id as authorId from ideas i join questions q on q.id = i.from_question_id
      where i.id = ${idea.id} or i.merged_into_id = ${idea.id}
      order by q.id`)
    const coCreators = new Set([idea.authorId, ...askers.map((a) => a.authorId)])
    for (const userId of coCreators) {
      if (!hasEarned(tx, { userId, reason: 'idea_shipped', source })) {
        recordReputation(tx, { userId, reason: 'idea_shipped', source, actorId, now })
      }
      awardBadge(tx, userId, 'co_creator', source, now)
    }
  }
}
