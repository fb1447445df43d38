import { eq } from 'drizzle-orm'
import { describe, expect, test } from 'vitest'
import { ideas } from '#db/schema'
import { escapeXml, renderAtomFeed, stripInvalidXmlChars } from '~/lib/atom.server'
import { getDb } from '~/lib/db.server'
import { type Cursor, decodeCursor } from '~/lib/pagination.server'
import { listChangelog } from '~/models/changelog.server'
import { changeIdeaStatus } from '~/models/idea-status.server'
import { loader as feedLoader } from '~/routes/changelog[.]atom'
import { loader as changelogLoader } from '~/routes/changelog'
import { createCategory, createTestIdea, createUser, unique } from '#tests/factories'
import { getRequest, settle } from '#tests/route-helpers'
import { child, childrenNamed, parseXml, type XmlElement } from '#tests/xml'

const db = () => getDb()
const at = (iso: string) => new Date(iso)

function shipped(title: string, shippedAt: Date, noteMd = '') {
  const team = createUser(db(), { role: 'product' })
  const idea = createTestIdea(db(), { authorId: createUser(db()).id, title })
  changeIdeaStatus(db(), { ideaId: idea.id, actorId: team.id, toStatus: 'shipped', noteMd, now: shippedAt })
  return idea
}

describe('escapeXml', () => {
  test('escapes the five special characters', () => {
    expect(escapeXml(`Tom & Jerry's <b>"fun"</b>`)).toBe('Tom &amp; Jerry&apos;s &lt;b&gt;&quot;fun&quot;&lt;/b&gt;')
    expect(escapeXml('&amp;')).toBe('&amp;amp;')
  })

  test('drops characters XML 1.0 forbids and keeps the ones it allows', () => {
    expect(stripInvalidXmlChars('a\u0000b\u0001c\u0008d\u000Be\u000Cf\u001Fg\uFFFEh\uFFFFi')).toBe('abcdefghi')
    expect(stripInvalidXmlChars('tab\there\nnew\rline é 🚀 \uE000')).toBe('tab\there\nnew\rline é 🚀 \uE000')
    expect(stripInvalidXmlChars('lone \uD800 surrogate \uDC00')).toBe('lone  surrogate ')
    expect(escapeXml('\u0000<\u0007')).toBe('&lt;')
  })

  test('whatever the text, the feed stays well-formed and says the same thing', () => {
    const nasty = `]]> & &amp; <![CDATA[ x ]]> </feed> "' \u0000\u0008 ${'🚀'.repeat(3)}`
    const xml = renderAtomFeed({
      id: 'https://example.com/changelog',
      title: nasty,
      selfUrl: 'https://example.com/changelog.atom?a=1&b=2',
      alternateUrl: 'https://example.com/changelog',
      authorName: nasty,
      updated: new Date(0),
      entries: [
        {
          id: 'https://example.com/ideas/1',
          title: nasty,
          url: 'https://example.com/ideas/1',
          published: new Date(0),
          updated: new Date(0),
          contentHtml: `<p>${nasty}</p>`,
          category: { term: nasty, label: nasty },
        },
      ],
    })
    const feed = parseXml(xml)
    const clean = stripInvalidXmlChars(nasty)
    expect(child(feed, 'title').text).toBe(clean)
    expect(childrenNamed(feed, 'link').map((l) => l.attributes.href)).toContain('https://example.com/changelog.atom?a=1&b=2')
    const entry = child(feed, 'entry')
    expect(child(entry, 'title').text).toBe(clean)
    expect(child(entry, 'content').text).toBe(`<p>${clean}</p>`)
    expect(child(entry, 'category').attributes).toEqual({ term: clean, label: clean })
  })
})

describe('the XML checker used here', () => {
  test.each([
    ['<a>&</a>', /bare "&"/],
    ['<a>&nbsp;</a>', /unknown or invalid reference/],
    ['<a><b></a></b>', /closes/],
    ['<a x=1/>', /quoted/],
    ['<a x="1" x="2"/>', /repeated attribute/],
    ['<a>\u0001</a>', /not allowed in XML/],
    ['<a/><b/>', /after the root/],
    ['<a>', /never closed/],
  ])('refuses %j', (xml, message) => {
    expect(() => parseXml(xml)).toThrow(message)
  })
})

describe('listChangelog', () => {
  test('shipped ideas, the most recently shipped first, each with the note of the change that shipped it', () => {
    const word = unique('changelog')
    const b = shipped(`${word} B: first to ship`, at('2031-01-01T10:00:00Z'), 'B is **out**.')
    const a = shipped(`${word} A: shipped second`, at('2031-02-01T10:00:00Z'), 'A is out.')
    const c = shipped(`${word} C: shipped last`, at('2031-03-01T10:00:00Z'))
    // Shipped, then moved back: no longer on the changelog.
    const backAgain = shipped(`${word} D: moved back`, at('2031-03-02T10:00:00Z'))
    changeIdeaStatus(db(), {
      ideaId: backAgain.id,
      actorId: createUser(db(), { role: 'product' }).id,
      toStatus: 'in_progress',
      now: at('2031-03-03T10:00:00Z'),
    })
    // Hidden by a moderator: gone too.
    const hidden = shipped(`${word} E: hidden`, at('2031-03-04T10:00:00Z'))
    db().update(ideas).set({ hiddenAt: new Date() }).where(eq(ideas.id, hidden.id)).run()

    const mine = new Set([a.id, b.id, c.id, backAgain.id, hidden.id])
    const { items } = listChangelog(db(), { pageSize: 100 })
    expect(items.filter((i) => mine.has(i.id)).map((i) => i.id)).toEqual([c.id, a.id, b.id])
    const byId = new Map(items.map((i) => [i.id, i]))
    expect(byId.get(b.id)).toMatchObject({
      noteHtml: '<p>B is <strong>out</strong>.</p>',
      shippedAt: at('2031-01-01T10:00:00Z'),
      voteCount: 1,
    })
    expect(byId.get(c.id)!.noteHtml).toBe('')
  })

  test('the latest shipping note wins when an idea ships twice; pages follow on without gaps or repeats', () => {
    const team = createUser(db(), { role: 'product' })
    const idea = shipped(`${unique('twice')} ships twice`, at('2032-01-01T00:00:00Z'), 'First release.')
    changeIdeaStatus(db(), { ideaId: idea.id, actorId: team.id, toStatus: 'in_progress', now: at('2032-01-02T00:00:00Z') })
    changeIdeaStatus(db(), {
      ideaId: idea.id,
      actorId: team.id,
      toStatus: 'shipped',
      noteMd: 'Fixed and *re-released*.',
      now: at('2032-01-03T00:00:00Z'),
    })
    const all = listChangelog(db(), { pageSize: 1000 }).items
    expect(all.find((i) => i.id === idea.id)).toMatchObject({
      noteHtml: '<p>Fixed and <em>re-released</em>.</p>',
      shippedAt: at('2032-01-03T00:00:00Z'),
    })

    const paged: number[] = []
    let cursor: Cursor | null = null
    do {
      const page: ReturnType<typeof listChangelog> = listChangelog(db(), { pageSize: 2, cursor })
      paged.push(...page.items.map((i) => i.id))
      cursor = decodeCursor(page.nextCursor)
    } while (cursor)
    expect(paged).toEqual(all.map((i) => i.id))
  })

  test('uses an index for the shipped ideas, in order', () => {
    const plan = db()
      .$client.prepare(
        `explain query plan select id from ideas where status = 'shipped' and deleted_at is null and hidden_at is null
         and (status_changed_at, id) < (?, ?) order by status_changed_at desc, id desc limit 21`,
      )
      .all(Date.now(), 1e9) as Array<{ detail: string }>
    expect(plan.map((p) => p.detail).join('\n')).toMatch(/USING INDEX ideas_status_changed_idx/)
    expect(plan.map((p) => p.detail).join('\n')).not.toMatch(/TEMP B-TREE/)
  })

  test('the /changelog page answers with the list and never fails on a bad cursor', async () => {
    const res = await settle(async () =>
      changelogLoader({ request: await getRequest('/changelog?cursor=%%%bogus'), params: {}, context: {} }),
    )
    expect(res.status).toBe(200)
    expect((res.body as { items: unknown[] }).items.length).toBeGreaterThan(0)
  })
})

describe('/changelog.atom', () => {
  const feedRequest = (headers: Record<string, string> = {}) => new Request('http://localhost:3000/changelog.atom', { headers })

  test('is a well-formed Atom 1.0 feed of the shipped ideas, with escaped notes and absolute links', async () => {
    const category = createCategory(db(), { name: `Reports & <Exports> ${unique('')}` })
    const team = createUser(db(), { role: 'product' })
    const idea = createTestIdea(db(), {
      authorId: createUser(db()).id,
      categoryId: category.id,
      title: `Export "CSV" & <XLSX> files\u0000 ${unique('')}`,
    })
    changeIdeaStatus(db(), {
      ideaId: idea.id,
      actorId: team.id,
      toStatus: 'shipped',
      noteMd: 'Now in **Reports → Export** & <script>alert(1)</script>',
      now: at('2099-01-01T00:00:00Z'),
    })

    const response = (await feedLoader({ request: feedRequest(), params: {}, context: {} })) as Response
    expect(response.status).toBe(200)
    expect(response.headers.get('Content-Type')).toBe('application/atom+xml; charset=utf-8')
    expect(response.headers.get('Cache-Control')).toMatch(/max-age=\d+/)
    expect(response.headers.get('ETag')).toMatch(/^"[\w-]+"$/)
    const xml = await response.text()
    expect(xml).not.toContain('<script>')
    expect(xml).not.toContain('\u0000')

    const feed = parseXml(xml)
    expect(feed.name).toBe('feed')
    expect(feed.attributes.xmlns).toBe('http://www.w3.org/2005/Atom')
    expect(child(feed, 'id').text).toBe('http://localhost:3000/changelog')
    expect(child(feed, 'title').text).toBe('Summit changelog')
    expect(child(feed, 'updated').text).toBe('2099-01-01T00:00:00.000Z')
    expect(child(child(feed, 'author'), 'name').text).toBe('Summit product team')
    const links = childrenNamed(feed, 'link').map((l) => l.attributes)
    expect(links).toContainEqual({ rel: 'self', type: 'application/atom+xml', href: 'http://localhost:3000/changelog.atom' })
    expect(links).toContainEqual({ rel: 'alternate', type: 'text/html', href: 'http://localhost:3000/changelog' })

    const entries = childrenNamed(feed, 'entry')
    expect(entries.length).toBeGreaterThan(0)
    expect(entries.length).toBeLessThanOrEqual(50)
    const entry = entries[0]! // shipped furthest in the future of any test: the newest entry
    const text = (name: string) => child(entry, name).text
    expect(text('id')).toBe(`http://localhost:3000/ideas/${idea.id}`)
    expect(text('title')).toBe(idea.title.replace('\u0000', ''))
    expect(text('published')).toBe('2099-01-01T00:00:00.000Z')
    expect(text('updated')).toBe('2099-01-01T00:00:00.000Z')
    expect(child(entry, 'link').attributes).toEqual({ rel: 'alternate', type: 'text/html', href: `http://localhost:3000/ideas/${idea.id}` })
    expect(child(entry, 'category').attributes).toEqual({ term: category.slug, label: category.name })
    expect(child(entry, 'content').attributes.type).toBe('html')
    expect(text('content')).toBe('<p>Now in <strong>Reports → Export</strong> &amp; </p>')
    for (const e of entries)
      for (const name of ['id', 'title', 'updated', 'published', 'link', 'content']) expect(childrenNamed(e, name)).toHaveLength(1)
    expectNoDuplicateIds(entries)
  })

  test('answers 304 without a body when the reader already has this version', async () => {
    const first = (await feedLoader({ request: feedRequest(), params: {}, context: {} })) as Response
    const etag = first.headers.get('ETag')!
    for (const ifNoneMatch of [etag, `W/${etag}`, `"other", ${etag}`, '*']) {
      const again = (await feedLoader({ request: feedRequest({ 'If-None-Match': ifNoneMatch }), params: {}, context: {} })) as Response
      expect(again.status).toBe(304)
      expect(again.headers.get('ETag')).toBe(etag)
      expect(await again.text()).toBe('')
    }
    const stale = (await feedLoader({ request: feedRequest({ 'If-None-Match': '"stale"' }), params: {}, context: {} })) as Response
    expect(stale.status).toBe(200)

    // A newly shipped idea changes the feed, so the old tag no longer matches.
    shipped(`${unique('fresh')} brand new release`, at('2100-01-01T00:00:00Z'))
    const changed = (await feedLoader({ request: feedRequest({ 'If-None-Match': etag }), params: {}, context: {} })) as Response
    expect(changed.status).toBe(200)
    expect(changed.headers.get('ETag')).not.toBe(etag)
  })

  test('uses PUBLIC_URL for its links when it is set', async () => {
    const { resetEnvCache } = await import('~/lib/env.server')
    process.env.PUBLIC_URL = 'https://community.example.com'
    resetEnvCache()
    try {
      const response = (await feedLoader({ request: feedRequest(), params: {}, context: {} })) as Response
      const feed = parseXml(await response.text())
      expect(childrenNamed(feed, 'link').map((l) => l.attributes.href)).toContain('https://community.example.com/changelog.atom')
      expect(child(childrenNamed(feed, 'entry')[0]!, 'id').text).toMatch(/^https:\/\/community\.example\.com\/ideas\/\d+$/)
    } finally {
      delete process.env.PUBLIC_URL
      resetEnvCache()
    }
  })
})

function expectNoDuplicateIds(entries: XmlElement[]) {
  const ids = entries.map((e) => child(e, 'id').text)
  expect(new Set(ids).size).toBe(ids.length)
}
