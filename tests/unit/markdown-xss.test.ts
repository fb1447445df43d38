/**
 * The Markdown sanitizer against a corpus of XSS vectors, checked by parsing the output, not by
 * looking for substrings: a substring check passes `<a href="&#106;avascript:…">` and fails on a
 * harmless `javascript:` in a code span.
 *
 * For every vector, the rendered HTML (with and without a linkable mention) must hold, as parsed by
 * htmlparser2:
 * - only the tags of the sanitizer's own allow-list (SANITIZE_OPTIONS), and nothing else: no
 *   comments, CDATA, doctypes or processing instructions;
 * - only the attributes allowed for each tag, never an `on*` handler or `style`;
 * - every URL attribute (href, src, srcset, cite, action, formaction, xlink:href, …) relative or
 *   http, https or mailto, read as a browser reads it: entities decoded once (the parser does it)
 *   and whitespace and control characters dropped; never protocol-relative (`//host`, `/\host`);
 * - every link carries rel="nofollow ugc noopener";
 * - every `<` in the text starts one of the allowed tags (a lexical check that does not depend on
 *   how one parser builds the tree);
 * and it must be stable: serialized from the parsed tree, parsed again and sanitized again, it is
 * the same HTML, and it passes the same checks (a mutation-XSS output changes when parsed twice).
 */
import sanitizeHtml from 'sanitize-html'
import { DomUtils, ElementType, parseDocument } from 'htmlparser2'
import { describe, expect, test } from 'vitest'
import { renderMarkdown, SANITIZE_OPTIONS } from '~/lib/markdown.server'

type Parsed = ReturnType<typeof parseDocument>
type DomNode = Parsed['children'][number]

const ALLOWED_TAGS = new Set(SANITIZE_OPTIONS.allowedTags || [])
const ALLOWED_ATTRIBUTES = (tag: string) => {
  const byTag = SANITIZE_OPTIONS.allowedAttributes || {}
  return new Set([...(byTag[tag] ?? []), ...(byTag['*'] ?? [])].map((a) => (typeof a === 'string' ? a : a.name)))
}
const SAFE_SCHEMES = new Set(['http', 'https', 'mailto'])
/** Attributes a browser reads as a URL (or a list of them), in HTML, SVG and MathML. */
const URL_ATTRIBUTES = new Set([
  'href',
  'src',
  'srcset',
  'cite',
  'action',
  'formaction',
  'xlink:href',
  'data',
  'poster',
  'background',
  'codebase',
  'longdesc',
  'usemap',
  'manifest',
  'ping',
  'lowsrc',
  'dynsrc',
  'icon',
  'profile',
  'classid',
  'archive',
  'values',
  'from',
  'to',
  'by',
  'imagesrcset',
])

/** Why a URL (as the parser decoded it) is not allowed, or null. */
function badUrl(raw: string): string | null {
  // What a browser ignores, and what launder strips too: whitespace and C0 controls, DEL.
  const url = raw.replace(/[\u0000-\u0020\u007f]/g, '')
  if (/^[\\/]{2}/.test(url)) return `protocol-relative URL ${JSON.stringify(raw)}`
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(url)?.[1]?.toLowerCase()
  if (scheme !== undefined && !SAFE_SCHEMES.has(scheme)) return `scheme ${scheme}: in ${JSON.stringify(raw)}`
  return null
}

/** Every way the HTML breaks the rules above; empty when it is clean. */
function violations(html: string): string[] {
  const found: string[] = []
  for (const match of html.matchAll(/<\/?([^\s/>]*)/g)) {
    const name = match[1]!.toLowerCase()
    if (!ALLOWED_TAGS.has(name)) found.push(`markup <${match[0].slice(1)}… outside the allow-list`)
  }
  const walk = (nodes: readonly DomNode[]) => {
    for (const node of nodes) {
      if (node.type === 'text') continue
      if (!ElementType.isTag(node) || !('attribs' in node)) {
        found.push(`${node.type} node`)
        continue
      }
      const tag = node.name.toLowerCase()
      if (!ALLOWED_TAGS.has(tag)) found.push(`tag <${tag}>`)
      const allowed = ALLOWED_ATTRIBUTES(tag)
      for (const [attribute, value] of Object.entries(node.attribs)) {
        const name = attribute.toLowerCase()
        if (name.startsWith('on')) found.push(`event handler ${name} on <${tag}>`)
        if (name === 'style') found.push(`style on <${tag}>`)
        if (!allowed.has(name)) found.push(`attribute ${name} on <${tag}>`)
        if (URL_ATTRIBUTES.has(name)) {
          const urls = name.endsWith('srcset') ? value.split(',').map((c) => c.trim().split(/\s+/)[0] ?? '') : [value]
          for (const url of urls) {
            const why = badUrl(url)
            if (why) found.push(`${name} on <${tag}>: ${why}`)
          }
        }
      }
      if (tag === 'a' && node.attribs.rel !== 'nofollow ugc noopener') found.push(`<a> without rel="nofollow ugc noopener"`)
      walk(node.children)
    }
  }
  walk(parseDocument(html).children)
  return found
}

/** The HTML serialized from htmlparser2's tree of it. */
const reserialize = (html: string) => DomUtils.getOuterHTML(parseDocument(html).children)

/** The rendered HTML, checked as above; returned for the vectors that pin an exact output. */
function renderChecked(source: string, mentions?: ReadonlySet<string>) {
  const html = renderMarkdown(source, { mentions })
  expect(violations(html), html).toEqual([])
  expect(sanitizeHtml(html, SANITIZE_OPTIONS).trim(), 'sanitizing the output again changes it').toBe(html)
  const again = reserialize(html)
  expect(violations(again), again).toEqual([])
  expect(sanitizeHtml(again, SANITIZE_OPTIONS).trim(), 'parsed, serialized and sanitized again, it changes').toBe(html)
  return html
}

/** [what it tries, source]. Sources are Markdown, so raw HTML goes through marked first, as on the site. */
const VECTORS: [string, string][] = [
  // Schemes other than javascript:
  ['data: link', '[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)'],
  ['data: link, raw HTML', '<a href="data:text/html,<script>alert(1)</script>">x</a>'],
  ['data: link with leading space and mixed case', '<a href=" DaTa:text/html,x">x</a>'],
  ['vbscript: link', '[x](vbscript:msgbox(1))'],
  ['vbscript: link, raw HTML, upper case', '<a href="VBSCRIPT:msgbox(1)">x</a>'],
  ['file: link', '[x](file:///etc/passwd)'],
  ['protocol-relative link', '[x](//evil.example/path)'],
  ['protocol-relative with a backslash', '<a href="/\\evil.example">x</a>'],
  ['protocol-relative with two backslashes', '<a href="\\\\evil.example">x</a>'],
  ['protocol-relative behind a tab', '<a href="&#9;//evil.example">x</a>'],
  // Entity-encoded javascript:
  ['decimal entity', '<a href="&#106;avascript:alert(1)">x</a>'],
  ['hex entity', '<a href="&#x6A;avascript:alert(1)">x</a>'],
  ['upper-case hex entity', '<a href="&#X6a;avascript:alert(1)">x</a>'],
  ['decimal entities without semicolons', '<a href="&#106&#97&#118&#97&#115&#99&#114&#105&#112&#116&#58alert(1)">x</a>'],
  ['hex entities without semicolons', '<a href="&#x6A&#x61&#x76&#x61&#x73&#x63&#x72&#x69&#x70&#x74&#x3A;alert(1)">x</a>'],
  ['zero-padded decimal entities', '<a href="&#0000106&#0000097vascript:alert(1)">x</a>'],
  ['named entity for the colon', '<a href="javascript&colon;alert(1)">x</a>'],
  ['named entities for tab and newline', '<a href="java&Tab;scr&NewLine;ipt:alert(1)">x</a>'],
  ['entity in a Markdown link', '[x](&#106;avascript:alert(1))'],
  ['named colon in a Markdown link', '[x](javascript&colon;alert(1))'],
  ['double-encoded entity (a harmless relative URL once decoded)', '<a href="&amp;#106;avascript:alert(1)">x</a>'],
  // Case, whitespace and control characters
  ['mixed case', '[x](JaVaScRiPt:alert(1))'],
  ['mixed case, raw HTML, unquoted', '<a href=JaVaScRiPt:alert(1)>x</a>'],
  ['tab inside the scheme', '<a href="java\tscript:alert(1)">x</a>'],
  ['encoded tab inside the scheme', '<a href="java&#x09;script:alert(1)">x</a>'],
  ['encoded newline inside the scheme', '<a href="java&#x0A;script:alert(1)">x</a>'],
  ['encoded carriage return inside the scheme', '<a href="java&#13;script:alert(1)">x</a>'],
  ['leading control character', '<a href="\u0001javascript:alert(1)">x</a>'],
  ['leading encoded control character and spaces', '<a href=" &#14; javascript:alert(1)">x</a>'],
  ['encoded NUL inside the scheme', '<a href="java&#0;script:alert(1)">x</a>'],
  ['space before the colon', '<a href="javascript :alert(1)">x</a>'],
  ['Markdown link, angle brackets and spaces', '[x](< javascript:alert(1)>)'],
  ['percent-encoded (a relative URL to a browser)', '[x](java%0Ascript:alert(1))'],
  ['javascript: with a // comment', '[x](javascript://%0Aalert(1))'],
  // Markdown links and images
  ['Markdown link', '[click](javascript:alert(1))'],
  ['Markdown link with a title', '[click](javascript:alert(1) "title")'],
  ['Markdown image', '![x](javascript:alert(1))'],
  ['Markdown image, data: SVG', '![x](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)'],
  ['image alt breaking out of its attribute', '![x" onerror="alert(1)](https://example.com/x.png)'],
  ['image inside a link', '[![x](https://example.com/x.png)](javascript:alert(1))'],
  ['link title breaking out of its attribute', '[a](https://example.com "t\\" onmouseover=\\"alert(1)")'],
  ['reference-style link', '[x][r]\n\n[r]: javascript:alert(1)'],
  ['reference-style link in angle brackets', '[x][r]\n\n[r]: <javascript:alert(1)> "t"'],
  ['collapsed reference with an entity', '[r][]\n\n[r]: &#106;avascript:alert(1)'],
  ['reference-style image', '![x][r]\n\n[r]: javascript:alert(1)'],
  ['autolink with javascript:', '<javascript:alert(1)>'],
  ['autolink with data:', '<data:text/html,<script>alert(1)</script>>'],
  ['autolink with vbscript:', '<vbscript:msgbox(1)>'],
  ['GFM bare URL next to raw HTML', 'www.example.com/<img src=x onerror=alert(1)>'],
  ['link text holding HTML', '[<img src=x onerror=alert(1)>](https://example.com)'],
  ['mention inside a javascript: link', '[@alice](javascript:alert(1))'],
  ['mention next to raw HTML', '@alice<img src=x onerror=alert(1)>'],
  // Raw elements that run, load or submit something
  ['script', '<script>alert(1)</script>'],
  ['script split by another script', '<scr<script>ipt>alert(1)</script>'],
  ['img onerror', '<img src=x onerror=alert(1)>'],
  ['form with a javascript: action', '<form action="javascript:alert(1)"><input type=submit></form>'],
  ['button formaction', '<form><button formaction="javascript:alert(1)">x</button></form>'],
  ['input formaction', '<input type="submit" formaction="javascript:alert(1)" value="x">'],
  ['object', '<object data="javascript:alert(1)"></object>'],
  ['object with a param', '<object><param name="src" value="javascript:alert(1)"></object>'],
  ['embed', '<embed src="javascript:alert(1)">'],
  ['iframe', '<iframe src="https://evil.example"></iframe>'],
  ['iframe srcdoc', '<iframe srcdoc="&lt;script&gt;alert(1)&lt;/script&gt;"></iframe>'],
  ['frameset', '<frameset onload=alert(1)>'],
  ['base href', '<base href="javascript:alert(1)//">[x](/relative)'],
  ['meta refresh', '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">'],
  ['link import', '<link rel="import" href="data:text/html,<script>alert(1)</script>">'],
  ['isindex', '<isindex action="javascript:alert(1)" type="submit">'],
  ['video source onerror', '<video><source onerror="alert(1)"></video>'],
  ['audio src', '<audio src=x onerror=alert(1)>'],
  ['details ontoggle', '<details open ontoggle=alert(1)><summary>x</summary></details>'],
  ['input autofocus onfocus', '<input autofocus onfocus=alert(1)>'],
  ['body onload', '<body onload=alert(1)>'],
  ['marquee onstart', '<marquee onstart=alert(1)>x</marquee>'],
  ['template', '<template><img src=x onerror=alert(1)></template>'],
  ['table background', '<table background="javascript:alert(1)"><tr><td>x</td></tr></table>'],
  ['td background', '<td background="javascript:alert(1)">x</td>'],
  ['blockquote cite', '<blockquote cite="javascript:alert(1)">x</blockquote>'],
  ['img srcset', '<img srcset="javascript:alert(1) 1x, https://example.com/x.png 2x">'],
  ['picture source srcset', '<picture><source srcset="javascript:alert(1)"><img src="x.png"></picture>'],
  // SVG and MathML
  ['svg onload', '<svg onload=alert(1)>'],
  ['svg a xlink:href', '<svg><a xlink:href="javascript:alert(1)"><text x="0" y="20">x</text></a></svg>'],
  ['svg a href', '<svg><a href="javascript:alert(1)"><text>x</text></a></svg>'],
  ['svg animate', '<svg><a><animate attributeName="href" values="javascript:alert(1)"/><text>x</text></a></svg>'],
  ['svg set', '<svg><set attributeName="onmouseover" to="alert(1)"/></svg>'],
  ['svg script', '<svg><script>alert(1)</script></svg>'],
  ['svg foreignObject', '<svg><foreignObject><img src=x onerror=alert(1)></foreignObject></svg>'],
  ['math href', '<math href="javascript:alert(1)">x</math>'],
  ['math maction', '<math><maction actiontype="statusline" xlink:href="javascript:alert(1)">x</maction></math>'],
  ['math mglyph style', '<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>'],
  // Styles
  ['style attribute', '<div style="position:fixed;inset:0">x</div>'],
  ['style attribute on an allowed tag', '<a href="https://example.com" style="color:red">x</a>'],
  ['STYLE attribute in upper case', '<p STYLE="background:url(javascript:alert(1))">x</p>'],
  ['style element', '<style>*{background:url(javascript:alert(1))}</style>'],
  ['style element with an import', '<style>@import "https://evil.example/x.css";</style>'],
  // Event handlers in every casing, and attributes that break out
  ['onclick, lower case', '<a href="https://example.com" onclick="alert(1)">x</a>'],
  ['OnMouseOver and oNcLiCk', '<a href="https://example.com" OnMouseOver="alert(1)" oNcLiCk=alert(1)>x</a>'],
  ['ONERROR, upper case', '<p ONERROR=alert(1)>x</p>'],
  ['handler after a slash', '<p/onclick=alert(1)>x</p>'],
  ['handler after a NUL', '<a href="https://example.com"\u0000onclick="alert(1)">x</a>'],
  ['handler on an allowed list', '<ol start="1" onclick="alert(1)"><li>x</li></ol>'],
  ['handler text in an allowed attribute', '<ol start="1 onclick=alert(1)"><li>x</li></ol>'],
  ['title breaking out with entities', '<a href="https://example.com" title="x&quot; onmouseover=&quot;alert(1)">x</a>'],
  ['markup in a title', '<a title="<img src=x onerror=alert(1)>" href="https://example.com">x</a>'],
  ['duplicate href', '<a href="https://example.com" href="javascript:alert(1)">x</a>'],
  ['id and name (DOM clobbering)', '<a id="location" name="cookie" href="https://example.com">x</a>'],
  ['slash between tag and attribute', '<a/href="javascript:alert(1)">x</a>'],
  // Mutation XSS: markup that means one thing to the sanitizer and another once parsed again
  ['noscript title', '<noscript><p title="</noscript><img src=x onerror=alert(1)>">'],
  ['svg, p and style', '<svg></p><style><a id="</style><img src=1 onerror=alert(1)>">'],
  ['comment that closes at once', '<!--><img src=x onerror=alert(1)>-->'],
  ['comment closed by --!>', '<!-- x --!><img src=x onerror=alert(1)>-->'],
  ['nested comments', '<!-- <!-- --><img src=x onerror=alert(1)> -->'],
  ['conditional comment', '<!--[if]><script>alert(1)</script -->'],
  ['comment in an attribute', '<a href="java<!-- -->script:alert(1)">x</a>'],
  ['CDATA', '<![CDATA[<img src=x onerror=alert(1)>]]>'],
  ['CDATA in svg', '<svg><![CDATA[><img src=x onerror=alert(1)>]]></svg>'],
  ['processing instruction', '<?xml version="1.0"?><img src=x onerror=alert(1)>'],
  ['textarea', '<textarea><img src=x onerror=alert(1)></textarea>'],
  ['title element', '<title><img src=x onerror=alert(1)></title>'],
  ['xmp', '<xmp><img src=x onerror=alert(1)></xmp>'],
  ['plaintext', '<plaintext><img src=x onerror=alert(1)>'],
  ['noembed', '<noembed><img title="</noembed><img src=x onerror=alert(1)>"></noembed>'],
  ['noframes', '<noframes><img title="</noframes><img src=x onerror=alert(1)>"></noframes>'],
  ['select and template', '<select><template><style><img src=x onerror=alert(1)></style></template></select>'],
  ['form in a table', '<table><form><tr><td><a href="javascript:alert(1)">x</a></td></tr></form></table>'],
  ['math, table, mglyph, style', '<math><mtext><table><mglyph><style><!--</style><img title="--&gt;&lt;img src=1 onerror=alert(1)&gt;">'],
  ['p inside an unknown inline wrapper', '<span><p title="</span><img src=x onerror=alert(1)>">x</p></span>'],
  // HTML that is only text: code spans and blocks
  ['code span', '`<img src=x onerror=alert(1)>`'],
  ['code span with a javascript: link', '`<a href="javascript:alert(1)">x</a>`'],
  ['fenced code block', '```\n<script>alert(1)</script>\n```'],
  ['fenced code block with an info string', '```html onload=alert(1)\n<svg onload=alert(1)>\n```'],
  ['indented code block', '    <script>alert(1)</script>'],
  ['HTML in a table cell', '| a |\n| - |\n| <img src=x onerror=alert(1)> |'],
  ['HTML in a heading', '# <img src=x onerror=alert(1)>'],
  ['HTML in a blockquote', '> <iframe src="https://evil.example"></iframe>'],
  ['HTML in a list item', '- <a href="javascript:alert(1)">x</a>'],
  ['HTML block with Markdown inside', '<div>\n\n[x](javascript:alert(1))\n\n</div>'],
]

describe('the sanitizer against XSS vectors', () => {
  test('the corpus is large enough to mean something', () => {
    expect(VECTORS.length).toBeGreaterThanOrEqual(50)
    expect(new Set(VECTORS.map(([name]) => name)).size).toBe(VECTORS.length)
  })

  test.each(VECTORS)('%s', (_name, source) => {
    renderChecked(source)
    renderChecked(source, new Set(['alice']))
  })

  test('the safe part of a vector survives: text, allowed links, code', () => {
    expect(renderChecked('`<img src=x onerror=alert(1)>`')).toBe('<p><code>&lt;img src=x onerror=alert(1)&gt;</code></p>')
    expect(renderChecked('[docs](https://example.com "Docs") [mail](mailto:a@example.com) [rel](/ideas/1)')).toBe(
      '<p><a href="https://example.com" title="Docs" rel="nofollow ugc noopener">docs</a> ' +
        '<a href="mailto:a@example.com" rel="nofollow ugc noopener">mail</a> ' +
        '<a href="/ideas/1" rel="nofollow ugc noopener">rel</a></p>',
    )
    expect(renderChecked('@alice says hi', new Set(['alice']))).toBe(
      '<p><a href="/u/alice" rel="nofollow ugc noopener">@alice</a> says hi</p>',
    )
    expect(renderChecked('1. one\n2. two', undefined)).toBe('<ol>\n<li>one</li>\n<li>two</li>\n</ol>')
  })
})

describe('the checks themselves', () => {
  // A check that passes everything proves nothing: each of these must be caught.
  test.each([
    ['<script>alert(1)</script>', 'tag <script>'],
    ['<img src=x onerror=alert(1)>', 'tag <img>'],
    ['<p onclick="x">y</p>', 'event handler onclick on <p>'],
    ['<p STYLE="x">y</p>', 'style on <p>'],
    ['<a href="java&#x09;script:alert(1)" rel="nofollow ugc noopener">x</a>', 'href on <a>: scheme javascript:'],
    ['<a href="&#106avascript:alert(1)" rel="nofollow ugc noopener">x</a>', 'href on <a>: scheme javascript:'],
    ['<a href=" data:text/html,x" rel="nofollow ugc noopener">x</a>', 'href on <a>: scheme data:'],
    ['<a href="/\\evil.example" rel="nofollow ugc noopener">x</a>', 'href on <a>: protocol-relative'],
    ['<a href="https://example.com">x</a>', '<a> without rel'],
    ['<a id="x" href="https://example.com" rel="nofollow ugc noopener">x</a>', 'attribute id on <a>'],
    ['<p><!-- x --></p>', 'comment node'],
    ['<p>&lt;b&gt;</p><svg>', 'markup <svg'],
  ])('flags %s', (html, expected) => {
    expect(violations(html).join('\n')).toContain(expected)
  })

  test('passes clean HTML', () => {
    expect(violations('<p><a href="https://example.com/?a=1&amp;b=2" title="t" rel="nofollow ugc noopener">x</a> &lt;b&gt;</p>')).toEqual(
      [],
    )
    expect(violations('<ol start="3"><li><code>&lt;script&gt;</code></li></ol>')).toEqual([])
  })

  test('the allow-list the corpus is checked against is itself safe', () => {
    const dangerousTags = [
      'script',
      'style',
      'iframe',
      'object',
      'embed',
      'form',
      'input',
      'button',
      'svg',
      'math',
      'img',
      'base',
      'meta',
      'link',
      'noscript',
      'textarea',
      'xmp',
      'template',
      'frame',
      'frameset',
      'title',
      'select',
      'option',
    ]
    expect([...ALLOWED_TAGS].filter((tag) => dangerousTags.includes(tag))).toEqual([])
    for (const tag of ALLOWED_TAGS) {
      for (const attribute of ALLOWED_ATTRIBUTES(tag)) {
        expect(attribute, `<${tag} ${attribute}>`).not.toMatch(/^(on|style$|srcdoc$|formaction$|action$|xlink:|id$|name$|class$)/i)
      }
    }
    expect(Object.keys(SANITIZE_OPTIONS.allowedAttributes || {})).not.toContain('*')
    const schemes = SANITIZE_OPTIONS.allowedSchemes
    expect(Array.isArray(schemes) && schemes.every((scheme) => SAFE_SCHEMES.has(scheme))).toBe(true)
    expect(SANITIZE_OPTIONS.allowedSchemesByTag).toBeUndefined()
    expect(SANITIZE_OPTIONS.allowProtocolRelative).toBe(false)
    expect(SANITIZE_OPTIONS.allowVulnerableTags).toBeFalsy()
  })
})
