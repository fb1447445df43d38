/**
 * Markdown is rendered once, on write: the source (`*_md`) is kept for editing, the sanitized HTML
 * (`*_html`) for display. No HTML reaches a page without passing through renderMarkdown().
 */
import { Marked } from 'marked'
import sanitizeHtml from 'sanitize-html'

const marked = new Marked({ gfm: true, breaks: false })

const ALLOWED: sanitizeHtml.IOptions = {
  allowedTags: [
    'p', 'br', 'strong', 'em', 'del', 'code', 'pre', 'blockquote', 'hr', 'ul', 'ol', 'li', 'a', 'h3', 'h4',
    'table', 'thead', 'tbody', 'tr', 'th', 'td',
  ],
  allowedAttributes: { a: ['href', 'title', 'rel'], ol: ['start'] }, // 'rel' must be listed or the transform below is stripped
  allowedSchemes: ['http', 'https', 'mailto'],
  allowProtocolRelative: false,
  // User headings start at h3 so the page outline stays intact.
  transformTags: {
    h1: 'h3',
    h2: 'h3',
    h5: 'h4',
    h6: 'h4',
    a: sanitizeHtml.simpleTransform('a', { rel: 'nofollow ugc noopener' }),
  },
}

export function renderMarkdown(source: string) {
  return sanitizeHtml(marked.parse(source, { async: false }), ALLOWED).trim()
}

/** Plain text of a Markdown source, for excerpts and feeds. */
export function markdownToText(source: string) {
  return sanitizeHtml(marked.parse(source, { async: false }), { allowedTags: [], allowedAttributes: {} })
    .replace(/&amp;/g, '&')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/\s+/g, ' ')
    .trim()
}

/**
 * Recent excerpts, by length and source: lists show the same rows to every visitor, and parsing and
 * sanitizing each row's Markdown again on every request is most of a list's cost. A pure function,
 * so a kept result is always right. Bounded: sources up to 4,000 characters, 2,000 entries.
 */
const EXCERPTS_KEPT = 2000
const EXCERPT_SOURCE_MAX = 4000
const excerpts = new Map<string, string>()

export function excerpt(source: string, maxLength = 180) {
  const key = source.length <= EXCERPT_SOURCE_MAX ? `${maxLength}:${source}` : null
  const kept = key === null ? undefined : excerpts.get(key)
  if (kept !== undefined) return kept
  const value = excerptNow(source, maxLength)
  if (key !== null) {
    if (excerpts.size >= EXCERPTS_KEPT) excerpts.delete(excerpts.keys().next().value!)
    excerpts.set(key, value)
  }
  return value
}

function excerptNow(source: string, maxLength: number) {
  const text = markdownToText(source)
  if (text.length <= maxLength) return text
  const cut = text.slice(0, maxLength)
  return `${cut.slice(0, Math.max(cut.lastIndexOf(' '), maxLength - 20)).trimEnd()}…`
}
