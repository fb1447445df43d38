/**
 * @mentions: `@username` in an idea, question, answer or comment links to the member's profile and
 * tells them (notification kind `mention`, e-mailed when their choices allow it).
 *
 * Rules, as on Discourse: only members who exist are linked and told; no one is told of a mention of
 * themselves, nor twice for one post (an edit tells only the names it adds), nor when the same
 * change already tells them (the question's author hears of a new answer, not of a mention in it);
 * at most MAX_MENTIONS_NOTIFIED members per post, so a post cannot be used to page everyone. A post
 * held for review tells no one until it is approved.
 */
import { and, eq, inArray, isNull } from 'drizzle-orm'
import { users } from '#db/schema'
import { type Db, type Tx } from '~/lib/db.server'
import { MENTION_PATTERN, markdownOutsideCode, renderMarkdown } from '~/lib/markdown.server'
import { notifyUser } from './notifications.server'

export const MAX_MENTIONS_NOTIFIED = 10

/** The lower-case names after an @ in a Markdown source, outside code, each once, in order. */
export function mentionedNames(source: string): string[] {
  // Most posts name nobody: no need to read their Markdown for it.
  if (!source.includes('@')) return []
  const names = new Set<string>()
  for (const match of markdownOutsideCode(source).matchAll(MENTION_PATTERN)) {
    names.add(match[1]!.toLowerCase())
    if (names.size >= 50) break
  }
  return [...names]
}

type Member = { id: number; username: string }

/** The members named in a source (those that exist), in the order they are named. */
function mentionedMembers(db: Db | Tx, source: string): Member[] {
  const names = mentionedNames(source)
  if (names.length === 0) return []
  const found = db
    .select({ id: users.id, username: users.username })
    .from(users)
    .where(and(inArray(users.username, names), isNull(users.deletedAt)))
    .all()
  const byName = new Map(found.map((user) => [user.username, user]))
  return names.flatMap((name) => byName.get(name) ?? [])
}

/** A post's source rendered with the members it mentions linked to their profiles. */
export function renderWithMentions(db: Db | Tx, source: string) {
  return renderMarkdown(source, { mentions: new Set(mentionedMembers(db, source).map((user) => user.username)) })
}

/**
 * Tells the members a post mentions, in the transaction of the post or edit. `previousSource` (an
 * edit) leaves out the names it already held; `except` are members the same change already tells.
 * Returns how many were told.
 */
export function notifyMentions(
  tx: Tx,
  input: {
    source: string
    previousSource?: string
    actorId: number
    except?: number[]
    subjectType: 'idea' | 'question' | 'answer' | 'comment'
    subjectId: number
    postTitle: string
    url: string
    now: Date
  },
) {
  const before = new Set(input.previousSource === undefined ? [] : mentionedNames(input.previousSource))
  const skip = new Set([input.actorId, ...(input.except ?? [])])
  const recipients = mentionedMembers(tx, input.source)
    .filter((user) => !before.has(user.username) && !skip.has(user.id))
    .slice(0, MAX_MENTIONS_NOTIFIED)
  if (recipients.length === 0) return 0
  const actor = tx.select({ username: users.username, displayName: users.displayName }).from(users).where(eq(users.id, input.actorId)).get()
  const who = actor ? actor.displayName || actor.username : 'Someone'
  for (const user of recipients) {
    notifyUser(tx, user.id, {
      kind: 'mention',
      subjectType: input.subjectType,
      subjectId: input.subjectId,
      actorId: input.actorId,
      title: `${who} mentioned you in “${input.postTitle}”`,
      url: input.url,
      now: input.now,
    })
  }
  return recipients.length
}
