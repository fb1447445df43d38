/**
 * Inbound hooks: the addresses a tracker calls (POST /api/v1/inbound/:hookId) to move the ideas
 * linked to a work item, so closing an issue ships the idea and notifies every voter.
 *
 * - Admins make and revoke them on /admin/webhooks/inbound ('manage:webhooks'); the secret is shown
 *   once. Both are logged in the moderation log, never with the secret.
 * - A call is authenticated by a Standard Webhooks signature with the hook's secret (the package
 *   enforces the 5-minute timestamp tolerance; a webhook-id seen before is refused, so a captured
 *   message cannot be replayed), or, for trackers that cannot sign (Jira Automation), by the secret
 *   itself as `Authorization: Bearer <secret>`, compared in constant time.
 * - The call acts as the admin who made the hook, checked by the site's policy on every call: a
 *   demoted or suspended creator's hook can no longer move ideas.
 */
import crypto from 'node:crypto'
import { and, desc, eq, isNull, lt } from 'drizzle-orm'
import { Webhook, WebhookVerificationError } from 'standardwebhooks'
import { inboundHookMessages, inboundHooks, ideas, users } from '#db/schema'
import { type Db, writeTransaction } from '~/lib/db.server'
import { DomainError, ConflictError, ForbiddenError, NotFoundError } from '~/lib/errors'
import { check, type Permission } from '~/lib/permissions'
import { type InboundCall } from '~/schemas/api-links'
import { applyIdeaStatusChange } from './idea-status.server'
import { findLinksByUrl, type IdeaLinkRow, insertIdeaLink, setLinkDetails } from './idea-links.server'
import { logModeration } from './moderation-log.server'

/** The Standard Webhooks tolerance is 5 minutes either way; ids are kept a little longer than that. */
const MESSAGE_ID_KEEP_MS = 15 * 60_000
const MESSAGE_ID_MAX_LENGTH = 200

/** A call whose signature or secret does not hold: 401. */
export class InboundAuthError extends DomainError {
  constructor(message: string) {
    super(message, 401)
  }
}

export function generateInboundSecret() {
  return `whsec_${crypto.randomBytes(32).toString('base64')}`
}

// ---------------------------------------------------------------------------------------------
// Admin: make, list, revoke
// ---------------------------------------------------------------------------------------------

/** Makes a hook acting as `actorId`; returns its secret, which is shown this once. */
export function createInboundHook(db: Db, { actorId, name, now = new Date() }: { actorId: number; name: string; now?: Date }) {
  const secret = generateInboundSecret()
  return writeTransaction(db, (tx) => {
    const { id } = tx
      .insert(inboundHooks)
      .values({ name, secret, createdBy: actorId, createdAt: now })
      .returning({ id: inboundHooks.id })
      .get()
    logModeration(tx, { actorId, action: 'inbound_hook.create', target: { type: 'inbound_hook', id }, after: { name }, now })
    return { id, secret }
  })
}

/** Every hook, newest first, with who made it; never a secret. */
export function listInboundHooks(db: Db) {
  return db
    .select({
      id: inboundHooks.id,
      name: inboundHooks.name,
      createdAt: inboundHooks.createdAt,
      lastUsedAt: inboundHooks.lastUsedAt,
      revokedAt: inboundHooks.revokedAt,
      createdByName: users.displayName,
    })
    .from(inboundHooks)
    .leftJoin(users, eq(users.id, inboundHooks.createdBy))
    .orderBy(desc(inboundHooks.createdAt), desc(inboundHooks.id))
    .all()
}

/** Revokes a hook (once; revoking again changes nothing). Its calls are then 404s. */
export function revokeInboundHook(db: Db, { actorId, id, now = new Date() }: { actorId: number; id: number; now?: Date }) {
  return writeTransaction(db, (tx) => {
    const hook = tx
      .select({ id: inboundHooks.id, name: inboundHooks.name, revokedAt: inboundHooks.revokedAt })
      .from(inboundHooks)
      .where(eq(inboundHooks.id, id))
      .get()
    if (!hook) throw new NotFoundError('inbound hook')
    if (hook.revokedAt) return
    tx.update(inboundHooks).set({ revokedAt: now }).where(eq(inboundHooks.id, id)).run()
    logModeration(tx, { actorId, action: 'inbound_hook.revoke', target: { type: 'inbound_hook', id }, before: { name: hook.name }, now })
  })
}

// ---------------------------------------------------------------------------------------------
// A call
// ---------------------------------------------------------------------------------------------

/** Equal secrets, in time that does not depend on where they differ (hashes have one length). */
function secretsMatch(given: string, secret: string) {
  const a = crypto.createHash('sha256').update(given).digest()
  const b = crypto.createHash('sha256').update(secret).digest()
  return crypto.timingSafeEqual(a, b)
}

/**
 * Who may make this call: 404 for an unknown or revoked hook, 401 for a signature or secret that
 * does not hold. `body` is the raw body, as signed. Returns the webhook-id of a signed message, to
 * be recorded with the change (applyInboundCall), or null for a bearer secret.
 */
export function authenticateInboundCall(db: Db, { hookId, headers, body }: { hookId: number; headers: Headers; body: Uint8Array }) {
  const hook = db
    .select({ secret: inboundHooks.secret, revokedAt: inboundHooks.revokedAt })
    .from(inboundHooks)
    .where(eq(inboundHooks.id, hookId))
    .get()
  if (!hook || hook.revokedAt) throw new NotFoundError('inbound hook')
  const messageId = headers.get('webhook-id')
  const signature = headers.get('webhook-signature')
  if (messageId !== null || signature !== null) {
    if (messageId && messageId.length > MESSAGE_ID_MAX_LENGTH)
      throw new InboundAuthError(`The webhook-id may be at most ${MESSAGE_ID_MAX_LENGTH} characters.`)
    try {
      new Webhook(hook.secret).verify(
        body,
        {
          'webhook-id': messageId ?? '',
          'webhook-timestamp': headers.get('webhook-timestamp') ?? '',
          'webhook-signature': signature ?? '',
        },
        { jsonParse: false },
      )
    } catch (error) {
      if (error instanceof WebhookVerificationError) throw new InboundAuthError(`The signature does not hold: ${error.message}.`)
      throw error
    }
    return { messageId: messageId! }
  }
  const bearer = /^Bearer\s+(\S+)\s*$/i.exec(headers.get('Authorization') ?? '')?.[1]
  if (!bearer)
    throw new InboundAuthError('Sign the message (Standard Webhooks headers) or send the hook’s secret as Authorization: Bearer whsec_…')
  if (!secretsMatch(bearer, hook.secret)) throw new InboundAuthError('The secret does not match this hook.')
  return { messageId: null }
}

export type InboundOutcome = {
  ideas: { id: number; title: string; status: string; changed: boolean }[]
  links: Pick<IdeaLinkRow, 'id' | 'ideaId' | 'url' | 'title' | 'state'>[]
}

/**
 * Does what an authenticated call asks, in one transaction: records its webhook-id (a repeat is a
 * 409), finds the ideas (ideaId, or every idea linked to linkUrl; with both, the link is added when
 * missing), stores the link's new state or title, and moves each idea to `status` through the same
 * change as the idea page (history, bonuses, the idea.status_changed webhook, every voter notified).
 * An idea already at that status, or merged, is left as it is. A URL no idea is linked to touches nothing.
 */
export function applyInboundCall(
  db: Db,
  { hookId, messageId, call, now = new Date() }: { hookId: number; messageId: string | null; call: InboundCall; now?: Date },
): InboundOutcome {
  return writeTransaction(db, (tx) => {
    const hook = tx
      .select({ createdBy: inboundHooks.createdBy, revokedAt: inboundHooks.revokedAt })
      .from(inboundHooks)
      .where(eq(inboundHooks.id, hookId))
      .get()
    if (!hook || hook.revokedAt) throw new NotFoundError('inbound hook')
    if (messageId !== null) {
      tx.delete(inboundHookMessages)
        .where(
          and(eq(inboundHookMessages.hookId, hookId), lt(inboundHookMessages.receivedAt, new Date(now.getTime() - MESSAGE_ID_KEEP_MS))),
        )
        .run()
      const recorded = tx.insert(inboundHookMessages).values({ hookId, messageId, receivedAt: now }).onConflictDoNothing().returning().all()
      if (recorded.length === 0) throw new ConflictError('This message (webhook-id) was received before; send each message once.')
    }

    const actor = hook.createdBy
      ? tx
          .select({
            id: users.id,
            role: users.role,
            reputation: users.reputation,
            suspendedUntil: users.suspendedUntil,
            suspensionReason: users.suspensionReason,
          })
          .from(users)
          .where(and(eq(users.id, hook.createdBy), isNull(users.deletedAt)))
          .get()
      : undefined
    const require = (permission: Permission) => {
      if (!actor) throw new ForbiddenError('The admin who made this hook no longer has an account. Make a new hook.')
      const decision = check(actor, permission, undefined, now)
      if (!decision.ok)
        throw new ForbiddenError(`The hook acts as the admin who made it, who may no longer ${decisionLabel(permission)}. Make a new hook.`)
      return actor
    }
    if (call.status) require('change-status:idea')

    let links: IdeaLinkRow[] = []
    let ideaIds: number[]
    if (call.linkUrl !== undefined) {
      links = findLinksByUrl(tx, call.linkUrl).filter((l) => call.ideaId === undefined || l.ideaId === call.ideaId)
      if (links.length > 0 && (call.linkState !== undefined || call.linkTitle !== undefined)) {
        require('link:idea')
        setLinkDetails(
          tx,
          links.map((l) => l.id),
          { title: call.linkTitle, state: call.linkState, now },
        )
        links = links.map((l) => ({ ...l, title: call.linkTitle ?? l.title, state: call.linkState ?? l.state }))
      }
      if (links.length === 0 && call.ideaId !== undefined) {
        const { id } = require('link:idea')
        const title = call.linkTitle ?? call.linkUrl.slice(0, 200)
        links = [insertIdeaLink(tx, { ideaId: call.ideaId, actorId: id, url: call.linkUrl, title, state: call.linkState ?? '', now })]
      }
      ideaIds = [...new Set(links.map((l) => l.ideaId))]
    } else {
      ideaIds = [call.ideaId!]
    }

    const touched: InboundOutcome['ideas'] = []
    for (const ideaId of ideaIds) {
      const idea = tx
        .select({ id: ideas.id, title: ideas.title, status: ideas.status, deletedAt: ideas.deletedAt })
        .from(ideas)
        .where(eq(ideas.id, ideaId))
        .get()
      if (!idea || idea.deletedAt) {
        if (call.ideaId === ideaId) throw new NotFoundError('idea')
        continue // a link left on a deleted idea moves nothing
      }
      let changed = false
      if (call.status && idea.status !== call.status && idea.status !== 'merged') {
        applyIdeaStatusChange(tx, { ideaId, actorId: require('change-status:idea').id, toStatus: call.status, noteMd: call.note, now })
        changed = true
      }
      touched.push({ id: idea.id, title: idea.title, status: changed ? call.status! : idea.status, changed })
    }
    tx.update(inboundHooks).set({ lastUsedAt: now }).where(eq(inboundHooks.id, hookId)).run()
    return { ideas: touched, links: links.map(({ id, ideaId, url, title, state }) => ({ id, ideaId, url, title, state })) }
  })
}

function decisionLabel(permission: Permission) {
  return permission === 'link:idea' ? 'link ideas to the tracker' : 'change the status of ideas'
}
