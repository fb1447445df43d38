/**
 * The last step of writing a new idea, question or answer, inside its transaction: held for review
 * when pre-moderation holds its author (holdsForPremoderation, decided before the post is written,
 * since it counts the author's earlier posts), or published. A held post is hidden with the reason
 * `premoderation` and tells no one until a moderator approves it (decidePendingPosts, in
 * moderation.server.ts); a published one tells the members it mentions and queues its webhook
 * event (idea.created, question.created, answer.created).
 */
import { eq } from 'drizzle-orm'
import { answers, ideas, questions } from '#db/schema'
import { type Tx } from '~/lib/db.server'
import { notifyMentions } from './mentions.server'
import { queueAnswerEvent, queueIdeaEvent, queueQuestionCreated } from './webhook-events.server'

export type NewPost = {
  type: 'idea' | 'question' | 'answer'
  id: number
  authorId: number
  /** The post's Markdown, for its mentions. */
  source: string
  /** The title the mention notices name (an answer's: its question's). */
  postTitle: string
  url: string
  /** Members told otherwise about this post (an answer's asker hears of the answer), never by a mention too. */
  except?: number[]
  now: Date
}

/** Holds the new post for review (`held`) or publishes it; see the module's comment. */
export function publishPost(tx: Tx, post: NewPost, { held }: { held: boolean }) {
  const { type, id, now } = post
  if (held) {
    const hold = { hiddenAt: now, hiddenReason: 'premoderation' as const }
    if (type === 'idea') tx.update(ideas).set(hold).where(eq(ideas.id, id)).run()
    else if (type === 'question') tx.update(questions).set(hold).where(eq(questions.id, id)).run()
    else tx.update(answers).set(hold).where(eq(answers.id, id)).run()
    return
  }
  notifyMentions(tx, {
    source: post.source,
    actorId: post.authorId,
    ...(post.except ? { except: post.except } : {}),
    subjectType: type,
    subjectId: id,
    postTitle: post.postTitle,
    url: post.url,
    now,
  })
  if (type === 'idea') queueIdeaEvent(tx, 'idea.created', id, {}, now)
  else if (type === 'question') queueQuestionCreated(tx, id, now)
  else queueAnswerEvent(tx, 'answer.created', id, now)
}
