/**
 * Atom 1.0 feeds (RFC 4287), written as text. Every value goes through escapeXml(), which also drops
 * the characters XML 1.0 forbids (a stray \u0000 in a title would make the whole feed unreadable).
 */

/** Characters outside XML 1.0's Char production: C0 controls but tab/newline/return, lone surrogates, U+FFFE/U+FFFF. */
const INVALID_XML_CHARS = /[^\u0009\u000A\u000D\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu

export function stripInvalidXmlChars(text: string) {
  return text.replace(INVALID_XML_CHARS, '')
}

const XML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' }

/** Text safe inside an element or a quoted attribute. */
export function escapeXml(text: string) {
  return stripInvalidXmlChars(text).replace(/[&<>"']/g, (c) => XML_ESCAPES[c]!)
}

export type AtomEntry = {
  /** A permanent IRI: the entry's absolute URL. */
  id: string
  title: string
  url: string
  published: Date
  updated: Date
  /** Sanitized HTML, sent escaped as `type="html"` content. */
  contentHtml: string
  summary?: string
  category?: { term: string; label: string } | null
}

export type AtomFeed = {
  id: string
  title: string
  subtitle?: string
  selfUrl: string
  alternateUrl: string
  authorName: string
  updated: Date
  entries: AtomEntry[]
}

const iso = (date: Date) => date.toISOString()

function renderEntry(entry: AtomEntry) {
  const lines = [
    '  <entry>',
    `    <id>${escapeXml(entry.id)}</id>`,
    `    <title type="text">${escapeXml(entry.title)}</title>`,
    `    <link rel="alternate" type="text/html" href="${escapeXml(entry.url)}"/>`,
    `    <published>${iso(entry.published)}</published>`,
    `    <updated>${iso(entry.updated)}</updated>`,
  ]
  if (entry.category) lines.push(`    <category term="${escapeXml(entry.category.term)}" label="${escapeXml(entry.category.label)}"/>`)
  if (entry.summary) lines.push(`    <summary type="text">${escapeXml(entry.summary)}</summary>`)
  lines.push(`    <content type="html">${escapeXml(entry.contentHtml)}</content>`, '  </entry>')
  return lines.join('\n')
}

export function renderAtomFeed(feed: AtomFeed) {
  return [
    '<?xml version="1.0" encoding="utf-8"?>',
    '<feed xmlns="http://www.w3.org/2005/Atom">',
    `  <id>${escapeXml(feed.id)}</id>`,
    `  <title type="text">${escapeXml(feed.title)}</title>`,
    ...(feed.subtitle ? [`  <subtitle type="text">${escapeXml(feed.subtitle)}</subtitle>`] : []),
    `  <updated>${iso(feed.updated)}</updated>`,
    `  <link rel="self" type="application/atom+xml" href="${escapeXml(feed.selfUrl)}"/>`,
    `  <link rel="alternate" type="text/html" href="${escapeXml(feed.alternateUrl)}"/>`,
    `  <author><name>${escapeXml(feed.authorName)}</name></author>`,
    ...feed.entries.map(renderEntry),
    '</feed>',
    '',
  ].join('\n')
}
