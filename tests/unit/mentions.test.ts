import { and, eq } from 'drizzle-orm'
import { describe, expect, test } from 'vitest'
import { answers, comments, emailOutbox, notifications } from '#db/schema'
import { getDb } from '~/lib/db.server'
import { markdownOutsideCode } from '~/lib/markdown.server'
import { updateAnswer } from '~/models/answers.server'
import { editComment } from '~/models/comments.server'
import { MAX_MENTIONS_NOTIFIED, mentionedNames } from '~/models/mentions.server'
import { decidePendingPosts } from '~/models/moderation.server'
import { setSetting } from '~/models/settings.server'
import { createTestAnswer, createTestComment, createTestIdea, createTestQuestion, createUser, unique } from '#tests/factories'

const db = () => getDb()

const mentionsOf = (userId: number) =>
  db()
    .select({ title: notifications.title, url: notifications.url, actorId: notifications.actorId, subjectType: notifications.subjectType })
    .from(notifications)
    .where(and(eq(notifications.userId, userId), eq(notifications.kind, 'mention')))
    .all()

const kindsOf = (userId: number) =>
  db()
    .select({ kind: notifications.kind })
    .from(notifications)
    .where(eq(notifications.userId, userId))
    .all()
    .map((n) => n.kind)

function member() {
  const username = unique('m').toLowerCase()
  return createUser(db(), { username, displayName: `Member ${username}` })
}

describe('mentionedNames', () => {
  test('finds @names in prose, once each, lower-cased, in order', () => {
    expect(mentionedNames('Thanks @Alice and @bob_2! Also @alice again, and @carol-x.')).toEqual(['alice', 'bob_2', 'carol-x'])
  })

  test('leaves out code, links, e-mail addresses and raw HTML', () => {
    const source = [
      'Write to ops@example.com or see `@dave` and [@erin](https://example.com).',
      '',
      '```',
      '@frank in a code block',
      '```',
      '',
      '<div>',
      '@gina in an HTML block',
      '</div>',
      '',
      '- a list item for @hank',
      '',
      '| who |',
      '| --- |',
      '| @ivan |',
      '',
      '> **@judy** quoted',
    ].join('\n')
    expect(mentionedNames(source)).toEqual(['hank', 'ivan', 'judy'])
    expect(markdownOutsideCode(source)).not.toContain('@frank')
  })

  test('needs at least two characters after the @', () => {
    expect(mentionedNames('@ a @b @cd')).toEqual(['cd'])
  })
})

describe('mentions in posts', () => {
  test('a comment links a member who exists and tells them; an unknown @name stays text', () => {
    const author = member()
    const mentioned = member()
    const commenter = member()
    const idea = createTestIdea(db(), { authorId: author.id, title: 'Scheduled exports to S3' })
    const comment = createTestComment(db(), {
      target: { type: 'idea', id: idea.id },
      authorId: commenter.id,
      bodyMd: `@${mentioned.username.toUpperCase()} does this cover your case? Ask @nobody_here_${unique('x')} too.`,
    })
    const { bodyHtml } = db().select({ bodyHtml: comments.bodyHtml }).from(comments).where(eq(comments.id, comment.id)).get()!
    expect(bodyHtml).toContain(`<a href="/u/${mentioned.username}" rel="nofollow ugc noopener">@${mentioned.username.toUpperCase()}</a>`)
    expect(bodyHtml).toContain('Ask @nobody_here_')
    expect(mentionsOf(mentioned.id)).toEqual([
      {
        title: `Member ${commenter.username} mentioned you in “Scheduled exports to S3”`,
        url: `/ideas/${idea.id}#comment-${comment.id}`,
        actorId: commenter.id,
        subjectType: 'comment',
      },
    ])
  })

  test('no one hears of their own mention, and the post’s author hears once (of the answer, not of the mention)', () => {
    const asker = member()
    const answerer = member()
    const question = createTestQuestion(db(), { authorId: asker.id, title: 'How do I rotate keys?' })
    createTestAnswer(db(), {
      questionId: question.id,
      authorId: answerer.id,
      bodyMd: `@${asker.username} see Settings. (I am @${answerer.username}.)`,
    })
    expect(kindsOf(asker.id).filter((kind) => kind !== 'badge')).toEqual(['new_answer'])
    expect(mentionsOf(answerer.id)).toEqual([])
  })

  test('ideas and questions tell the members they name', () => {
    const author = member()
    const a = member()
    const b = member()
    const idea = createTestIdea(db(), {
      authorId: author.id,
      title: 'Dark mode for reports',
      bodyMd: `As @${a.username} asked on the forum.`,
    })
    const question = createTestQuestion(db(), {
      authorId: author.id,
      title: 'Where is the audit log?',
      bodyMd: `@${b.username} might know.`,
    })
    expect(mentionsOf(a.id).map((n) => n.url)).toEqual([`/ideas/${idea.id}`])
    expect(mentionsOf(b.id).map((n) => n.url)).toEqual([`/questions/${question.id}`])
  })

  test('an edit tells only the members it adds', () => {
    const asker = member()
    const answerer = member()
    const first = member()
    const second = member()
    const question = createTestQuestion(db(), { authorId: asker.id })
    const answer = createTestAnswer(db(), { questionId: question.id, authorId: answerer.id, bodyMd: `Ask @${first.username}.` })
    updateAnswer(db(), { answerId: answer.id, editorId: answerer.id, bodyMd: `Ask @${first.username} or @${second.username}.` })
    expect(mentionsOf(first.id)).toHaveLength(1)
    expect(mentionsOf(second.id)).toHaveLength(1)
    expect(mentionsOf(second.id)[0]!.url).toBe(`/questions/${question.id}#answer-${answer.id}`)
    const html = db().select({ bodyHtml: answers.bodyHtml }).from(answers).where(eq(answers.id, answer.id)).get()!.bodyHtml
    expect(html).toContain(`href="/u/${second.username}"`)

    const comment = createTestComment(db(), {
      target: { type: 'answer', id: answer.id },
      authorId: asker.id,
      bodyMd: 'Thanks, that worked.',
    })
    editComment(db(), {
      commentId: comment.id,
      target: { type: 'answer', id: answer.id },
      editorId: asker.id,
      bodyMd: `Thanks @${first.username}, that worked.`,
      asModerator: false,
    })
    expect(mentionsOf(first.id)).toHaveLength(2)
  })

  test(`at most ${MAX_MENTIONS_NOTIFIED} members are told per post, and each is e-mailed as their choices allow`, () => {
    const author = member()
    const many = Array.from({ length: MAX_MENTIONS_NOTIFIED + 3 }, () => member())
    setSetting(db(), 'email', { enabled: true })
    try {
      createTestIdea(db(), { authorId: author.id, bodyMd: many.map((m) => `@${m.username}`).join(' ') })
    } finally {
      setSetting(db(), 'email', { enabled: false })
    }
    const told = many.filter((m) => mentionsOf(m.id).length === 1)
    expect(told.map((m) => m.id)).toEqual(many.slice(0, MAX_MENTIONS_NOTIFIED).map((m) => m.id))
    const mails = db().select({ kind: emailOutbox.kind }).from(emailOutbox).where(eq(emailOutbox.userId, many[0]!.id)).all()
    expect(mails).toEqual([{ kind: 'mention' }])
  })

  test('a post held for review tells no one until it is approved', () => {
    const mod = createUser(db(), { role: 'moderator' })
    const mentioned = member()
    setSetting(db(), 'premoderation', { enabled: true, firstPosts: 1 })
    try {
      const newcomer = member()
      const idea = createTestIdea(db(), { authorId: newcomer.id, bodyMd: `Like @${mentioned.username} said.` })
      expect(mentionsOf(mentioned.id)).toEqual([])
      decidePendingPosts(db(), { actorId: mod.id, targets: [{ type: 'idea', id: idea.id }], approve: true })
      expect(mentionsOf(mentioned.id).map((n) => [n.url, n.actorId])).toEqual([[`/ideas/${idea.id}`, newcomer.id]])
    } finally {
      setSetting(db(), 'premoderation', { enabled: false, firstPosts: 1 })
    }
  })
})
