import { eq, sql } from 'drizzle-orm'
import { describe, expect, test } from 'vitest'
import { questionTags, tags } from '#db/schema'
import { getDb } from '~/lib/db.server'
import { ensureTags, normalizeTagNames, retagPost } from '~/models/tags.server'
import { createTestIdea, createTestQuestion, createUser, unique } from '#tests/factories'

const db = () => getDb()
const mismatches = () =>
  db().all<{ name: string }>(sql`
    select name from tags t
    where t.idea_count != (select count(*) from idea_tags x where x.tag_id = t.id)
       or t.question_count != (select count(*) from question_tags x where x.tag_id = t.id)`)

describe('retagging', () => {
  test('links only what was added, unlinks only what was removed, and keeps every count exact', () => {
    const user = createUser(db())
    const [a, b, c] = [unique('a'), unique('b'), unique('c')]
    const question = createTestQuestion(db(), { authorId: user.id, tagNames: [a, b] })
    createTestIdea(db(), { authorId: user.id, tagNames: [a, b] })
    const result = db().transaction((tx) => retagPost(tx, { type: 'question', id: question.id }, ensureTags(tx, [b, c], user.id)))
    expect(result).toEqual({ added: 1, removed: 1 })
    const names = db()
      .select({ name: tags.name })
      .from(questionTags)
      .innerJoin(tags, eq(tags.id, questionTags.tagId))
      .where(eq(questionTags.questionId, question.id))
      .all()
    expect(names.map((n) => n.name).sort()).toEqual([b, c].sort())
    expect(db().select({ q: tags.questionCount, i: tags.ideaCount }).from(tags).where(eq(tags.name, a)).get()).toEqual({ q: 0, i: 1 })
    expect(db().transaction((tx) => retagPost(tx, { type: 'question', id: question.id }, ensureTags(tx, [c, b], user.id)))).toEqual({
      added: 0,
      removed: 0,
    })
    expect(mismatches()).toEqual([])
  })

  test('typed names are normalized and de-duplicated, at most five', () => {
    expect(normalizeTagNames([' Dark Mode ', 'dark-mode', 'UI', '', 'a', 'b', 'c', 'd'])).toEqual(['dark-mode', 'ui', 'a', 'b', 'c'])
  })
})
