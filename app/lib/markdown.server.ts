/**
 * Markdown is rendered once, on write: the source (`*_md`) is kept for editing, the sanitized HTML
 * (`*_html`) for display. No HTML reaches a page without passing through renderMarkdown().
 */
import { Marked, type Token, type Tokens } from 'marked'
import sanitizeHtml from 'sanitize-html'

const marked = new Marked({ gfm: true, breaks: false })

/**
 * `@username` of a member, found before rendering (models/mentions.server.ts), becomes a link to
 * their profile; any other `@word` stays text. Not inside code or link text, and not the middle of
 * an e-mail address. The names to link are set for the length of one synchronous render.
 */
let linkableMentions: ReadonlySet<string> = new Set()
/** An @name not inside a word, an e-mail address or a path; use with matchAll (it is global). */
export const MENTION_PATTERN = /(?<![\p{L}\p{N}_.@/-])@([a-z0-9_-]{2,30})(?![a-z0-9_-])/giu
/** The same, for search(), which ignores the global flag and lastIndex; and anchored, for the tokenizer. */
const MENTION_START = new RegExp(MENTION_PATTERN.source, 'iu')
const MENTION_HERE = new RegExp(`^${MENTION_PATTERN.source}`, 'iu')
marked.use({
  extensions: [
    {
      name: 'mention',
      level: 'inline',
      start(src: string) {
        if (linkableMentions.size === 0) return undefined
        const index = src.search(MENTION_START)
        return index === -1 ? undefined : index
      },
      tokenizer(src: string) {
        if (linkableMentions.size === 0 || this.lexer.state.inLink) return undefined
        const match = MENTION_HERE.exec(src)
        const username = match?.[1]?.toLowerCase()
        if (!match || !username || !linkableMentions.has(username)) return undefined
        return { type: 'mention', raw: match[0], username }
      },
      renderer(token) {
        return `<a href="/u/${token.username as string}">${token.raw}</a>`
      },
    },
  ],
})

/**
 * What survives sanitizing: these tags, these attributes, links to these schemes (or relative).
 * Exported so the tests derive their allow-list from it (tests/unit/markdown-xss.test.ts).
 */
export const SANITIZE_OPTIONS: sanitizeHtml.IOptions = {
  allowedTags: [
    'p',
    'br',
    'strong',
    'em',
    'del',
    'code',
    'pre',
    'blockquote',
    'hr',
    'ul',
    'ol',
    'li',
    'a',
    'h3',
    'h4',
    'table',
    'thead',
    'tbody',
    'tr',
    'th',
    'td',
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

/**
 * The prose of a Markdown source: its text without code blocks, code spans, raw HTML or links
 * (the places where an @name is not a mention), pieces joined by spaces.
 */
export function markdownOutsideCode(source: string) {
  const pieces: string[] = []
  const walk = (tokens: readonly Token[]) => {
    for (const token of tokens) {
      if (token.type === 'code' || token.type === 'codespan' || token.type === 'html' || token.type === 'link') continue
      if (token.type === 'list') walk((token as Tokens.List).items)
      else if (token.type === 'table') {
        const table = token as Tokens.Table
        for (const cell of [...table.header, ...table.rows.flat()]) walk(cell.tokens)
      } else if ('tokens' in token && token.tokens) walk(token.tokens)
      else if (token.type === 'text' || token.type === 'escape') pieces.push(token.text)
    }
  }
  walk(marked.lexer(source))
  return pieces.join(' ')
}

/** Sanitized HTML of a Markdown source; `mentions` are the (lower-case) usernames to link. */
export function renderMarkdown(source: string, { mentions }: { mentions?: ReadonlySet<string> } = {}) {
  linkableMentions = mentions ?? new Set()
  try {
    // Twice: sanitize-html keeps the children of a tag it drops, so `<p><noscript><p>` or
    // `<p><span><table>` comes out as a <p> holding a <p> or a <table>, which every HTML parser
    // (browsers included) rebuilds as siblings. Its own parser rebuilds them the same way on the
    // second pass, so what is kept is what a page shows, and parsing it again changes nothing.
    const once = sanitizeHtml(marked.parse(source, { async: false }), SANITIZE_OPTIONS)
    return sanitizeHtml(once, SANITIZE_OPTIONS).trim()
  } finally {
    linkableMentions = new Set()
  }
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
