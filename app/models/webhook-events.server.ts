/**
 * Queueing webhook events, inside the transaction of the change they announce (the model functions
 * that post ideas, change statuses, merge, vote, comment, ask, answer, accept and sign up call
 * these), so a rolled-back action sends nothing and a committed one is never lost. Kept apart from
 * the endpoint admin (webhooks.server.ts) so that the models calling it load only what queueing needs.
 *
 * Payloads follow the Standard Webhooks shape `{ type, timestamp, data }` and hold public facts
 * only: ids, titles, statuses, URL paths and usernames; never e-mail addresses, segments,
 * companies or internal notes. Events about posts that are not public (held for pre-moderation,
 * hidden or deleted) are not sent at all, not even later when such a post is approved.
 *
 * Endpoints of kind `slack` get a Slack Block Kit message instead (`{ text, blocks }`), for
 * idea.created and idea.status_changed only, without signature headers (Slack takes none).
 */
import crypto from 'node:crypto'
import { and, eq, isNull, sql } from 'drizzle-orm'
import { answers, comments, ideas, questions, users, webhookDeliveries, webhookEndpoints } from '#db/schema'
import { IDEA_STATUSES, WEBHOOK_KINDS, type WebhookEvent } from '~/domain'
import { type Db, prepared, type Tx } from '~/lib/db.server'
import { IDEA_STATUS_LABELS } from '~/lib/labels'
import { publicBaseUrl } from './email.server'

export type WebhookKind = (typeof WEBHOOK_KINDS)[number]
/** The events a Slack endpoint can take: the ones that read well as a chat message. */
export const SLACK_EVENTS = ['idea.created', 'idea.status_changed'] as const satisfies readonly WebhookEvent[]
/** idea.voted is batched per idea: a batch is sent no sooner than this after its first vote. */
export const VOTE_BATCH_MS = 60_000

export function newMessageId() {
  return `msg_${crypto.randomBytes(16).toString('base64url')}`
}

// ---------------------------------------------------------------------------------------------
// Queueing events (inside the caller's transaction)
// ---------------------------------------------------------------------------------------------

type Subscriber = { id: number; kind: WebhookKind }

function subscribersOf(tx: Tx, type: WebhookEvent): Subscriber[] {
  return prepared(tx, subscribersQuery)
    .all({ pattern: `%,${type},%` })
    .filter((e) => e.kind === 'standard' || (SLACK_EVENTS as readonly string[]).includes(type))
}

/** Enabled endpoints whose comma-separated events match `pattern` (asked on every vote, in its transaction). */
const subscribersQuery = (db: Db | Tx) =>
  db
    .select({ id: webhookEndpoints.id, kind: webhookEndpoints.kind })
    .from(webhookEndpoints)
    .where(and(eq(webhookEndpoints.enabled, true), sql`(',' || ${webhookEndpoints.events} || ',') like ${sql.placeholder('pattern')}`))
    .prepare()

export type WebhookData = Record<string, unknown>

/**
 * Queues one delivery per enabled endpoint subscribed to `type`, in the caller's transaction.
 * idea.voted is coalesced: while a batch for the idea has not been sent, the vote updates it
 * (the count now, votes added in the batch) instead of queueing another message, and the batch
 * goes no sooner than VOTE_BATCH_MS after its first vote.
 */
export function queueWebhookEvent(tx: Tx, type: WebhookEvent, data: WebhookData, now = new Date()) {
  const endpoints = subscribersOf(tx, type)
  if (endpoints.length === 0) return 0
  const timestamp = now.toISOString()
  for (const endpoint of endpoints) {
    if (type === 'idea.voted') {
      queueVoteBatch(tx, endpoint.id, data, now)
      continue
    }
    const payload = endpoint.kind === 'slack' ? slackPayload(type, data) : { type, timestamp, data }
    if (!payload) continue
    tx.insert(webhookDeliveries)
      .values({
        endpointId: endpoint.id,
        messageId: newMessageId(),
        eventType: type,
        payload: JSON.stringify(payload),
        nextAttemptAt: now,
        createdAt: now,
      })
      .run()
  }
  return endpoints.length
}

function queueVoteBatch(tx: Tx, endpointId: number, data: WebhookData, now: Date) {
  const idea = data.idea as { id: number }
  const batchKey = `idea:${idea.id}`
  // attempts = 0: a batch the worker has started sending is left alone (its payload is already out).
  const open = tx
    .select({ id: webhookDeliveries.id, payload: webhookDeliveries.payload })
    .from(webhookDeliveries)
    .where(
      and(
        eq(webhookDeliveries.endpointId, endpointId),
        eq(webhookDeliveries.batchKey, batchKey),
        isNull(webhookDeliveries.deliveredAt),
        isNull(webhookDeliveries.failedAt),
        eq(webhookDeliveries.attempts, 0),
      ),
    )
    .get()
  if (open) {
    const previous = JSON.parse(open.payload) as { data: { votesAdded: number; batchStartedAt: string } }
    const payload = {
      type: 'idea.voted',
      timestamp: now.toISOString(),
      data: { ...data, votesAdded: previous.data.votesAdded + 1, batchStartedAt: previous.data.batchStartedAt },
    }
    tx.update(webhookDeliveries)
      .set({ payload: JSON.stringify(payload) })
      .where(eq(webhookDeliveries.id, open.id))
      .run()
    return
  }
  const payload = { type: 'idea.voted', timestamp: now.toISOString(), data: { ...data, votesAdded: 1, batchStartedAt: now.toISOString() } }
  tx.insert(webhookDeliveries)
    .values({
      endpointId,
      messageId: newMessageId(),
      eventType: 'idea.voted',
      batchKey,
      payload: JSON.stringify(payload),
      nextAttemptAt: new Date(now.getTime() + VOTE_BATCH_MS),
      createdAt: now,
    })
    .run()
}

/** Whether any enabled endpoint wants this event: the hooks skip building a payload when none does. */
function wanted(tx: Tx, type: WebhookEvent) {
  return subscribersOf(tx, type).length > 0
}

/** A public idea's facts for a payload, or null when it is hidden or deleted. */
function publicIdea(tx: Tx, ideaId: number) {
  const row = tx
    .select({ id: ideas.id, title: ideas.title, status: ideas.status, voteCount: ideas.voteCount, author: users.username })
    .from(ideas)
    .innerJoin(users, eq(users.id, ideas.authorId))
    .where(and(eq(ideas.id, ideaId), isNull(ideas.hiddenAt), isNull(ideas.deletedAt)))
    .get()
  return row
    ? {
        id: row.id,
        title: row.title,
        status: row.status,
        voteCount: row.voteCount,
        url: `/ideas/${row.id}`,
        author: { username: row.author },
      }
    : null
}

function publicQuestion(tx: Tx, questionId: number) {
  const row = tx
    .select({ id: questions.id, title: questions.title, author: users.username })
    .from(questions)
    .innerJoin(users, eq(users.id, questions.authorId))
    .where(and(eq(questions.id, questionId), isNull(questions.hiddenAt), isNull(questions.deletedAt)))
    .get()
  return row ? { id: row.id, title: row.title, url: `/questions/${row.id}`, author: { username: row.author } } : null
}

function publicAnswer(tx: Tx, answerId: number) {
  const row = tx
    .select({ id: answers.id, questionId: answers.questionId, isAccepted: answers.isAccepted, author: users.username })
    .from(answers)
    .innerJoin(users, eq(users.id, answers.authorId))
    .where(and(eq(answers.id, answerId), isNull(answers.hiddenAt), isNull(answers.deletedAt)))
    .get()
  if (!row) return null
  const question = publicQuestion(tx, row.questionId)
  if (!question) return null
  return {
    answer: {
      id: row.id,
      isAccepted: row.isAccepted,
      url: `/questions/${row.questionId}#answer-${row.id}`,
      author: { username: row.author },
    },
    question,
  }
}

/** idea.created, idea.status_changed, idea.voted: the idea's public facts plus `extra`; nothing for a hidden idea. */
export function queueIdeaEvent(
  tx: Tx,
  type: 'idea.created' | 'idea.status_changed' | 'idea.voted',
  ideaId: number,
  extra: WebhookData,
  now: Date,
) {
  if (!wanted(tx, type)) return
  const idea = publicIdea(tx, ideaId)
  if (idea) queueWebhookEvent(tx, type, { idea, ...extra }, now)
}

export function queueIdeaMerged(tx: Tx, { ideaId, targetId, now }: { ideaId: number; targetId: number; now: Date }) {
  if (!wanted(tx, 'idea.merged')) return
  const idea = publicIdea(tx, ideaId)
  const into = publicIdea(tx, targetId)
  if (idea && into) queueWebhookEvent(tx, 'idea.merged', { idea, into }, now)
}

export function queueQuestionCreated(tx: Tx, questionId: number, now: Date) {
  if (!wanted(tx, 'question.created')) return
  const question = publicQuestion(tx, questionId)
  if (question) queueWebhookEvent(tx, 'question.created', { question }, now)
}

export function queueAnswerEvent(tx: Tx, type: 'answer.created' | 'answer.accepted', answerId: number, now: Date) {
  if (!wanted(tx, type)) return
  const found = publicAnswer(tx, answerId)
  if (found) queueWebhookEvent(tx, type, found, now)
}

/** comment.created: the comment and the idea or question it sits under, when all of them are public. */
export function queueCommentCreated(tx: Tx, commentId: number, now: Date) {
  if (!wanted(tx, 'comment.created')) return
  const row = tx
    .select({ id: comments.id, targetType: comments.targetType, targetId: comments.targetId, author: users.username })
    .from(comments)
    .innerJoin(users, eq(users.id, comments.authorId))
    .where(and(eq(comments.id, commentId), isNull(comments.hiddenAt), isNull(comments.deletedAt)))
    .get()
  if (!row) return
  const comment = { id: row.id, author: { username: row.author } }
  if (row.targetType === 'idea') {
    const idea = publicIdea(tx, row.targetId)
    if (idea)
      queueWebhookEvent(
        tx,
        'comment.created',
        { comment: { ...comment, url: `/ideas/${idea.id}#comment-${row.id}` }, on: 'idea', idea },
        now,
      )
  } else if (row.targetType === 'question') {
    const question = publicQuestion(tx, row.targetId)
    if (question)
      queueWebhookEvent(
        tx,
        'comment.created',
        { comment: { ...comment, url: `/questions/${question.id}#comment-${row.id}` }, on: 'question', question },
        now,
      )
  } else {
    const found = publicAnswer(tx, row.targetId)
    if (found) {
      const url = `/questions/${found.question.id}#comment-${row.id}`
      queueWebhookEvent(tx, 'comment.created', { comment: { ...comment, url }, on: 'answer', ...found }, now)
    }
  }
}

/** member.created: the public profile only (never the e-mail, role source, segment or company). */
export function queueMemberCreated(tx: Tx, userId: number, now: Date) {
  if (!wanted(tx, 'member.created')) return
  const row = tx
    .select({ id: users.id, username: users.username, displayName: users.displayName })
    .from(users)
    .where(eq(users.id, userId))
    .get()
  if (row) queueWebhookEvent(tx, 'member.created', { member: { ...row, url: `/u/${row.username}` } }, now)
}

// ---------------------------------------------------------------------------------------------
// Slack messages
// ---------------------------------------------------------------------------------------------

/** Slack's mrkdwn gives &, < and > meaning; user text must not make links or mentions. */
export function slackEscape(text: string) {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
}

export function slackMessage(text: string, blocks: unknown[]) {
  return { text, blocks }
}

function statusLabel(status: string) {
  return (IDEA_STATUSES as readonly string[]).includes(status) ? IDEA_STATUS_LABELS[status as keyof typeof IDEA_STATUS_LABELS] : status
}

function slackPayload(type: WebhookEvent, data: WebhookData) {
  const idea = data.idea as { title: string; url: string; status: string; author: { username: string } } | undefined
  if (!idea) return null
  const link = `<${publicBaseUrl()}${idea.url}|${slackEscape(idea.title)}>`
  if (type === 'idea.created') {
    const text = `New idea: ${idea.title}`
    return slackMessage(text, [
      { type: 'section', text: { type: 'mrkdwn', text: `*New idea:* ${link}` } },
      { type: 'context', elements: [{ type: 'mrkdwn', text: `Posted by ${slackEscape(idea.author.username)}` }] },
    ])
  }
  if (type === 'idea.status_changed') {
    const status = statusLabel(idea.status)
    const text = `“${idea.title}” is now ${status.toLowerCase()}`
    return slackMessage(text, [{ type: 'section', text: { type: 'mrkdwn', text: `${link} is now *${slackEscape(status)}*` } }])
  }
  return null
}
