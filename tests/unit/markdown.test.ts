import { describe, expect, test } from 'vitest'
import { excerpt, renderMarkdown } from '~/lib/markdown.server'

describe('renderMarkdown', () => {
  test('renders the Markdown people write', () => {
    expect(renderMarkdown('**bold** and *em* and `code`')).toBe('<p><strong>bold</strong> and <em>em</em> and <code>code</code></p>')
    expect(renderMarkdown('- one\n- two')).toBe('<ul>\n<li>one</li>\n<li>two</li>\n</ul>')
  })

  test.each([
    ['<script>alert(1)</script>', '<script'],
    ['<img src=x onerror=alert(1)>', 'onerror'],
    ['[click](javascript:alert(1))', 'javascript:'],
    ['<a href="javascript:alert(1)">x</a>', 'javascript:'],
    ['<iframe src="https://evil.example"></iframe>', '<iframe'],
    ['<div style="position:fixed">x</div>', 'style='],
    ['[x](//evil.example/path)', '//evil.example'],
    ['<svg onload=alert(1)>', '<svg'],
  ])('strips hostile input %j', (source, forbidden) => {
    expect(renderMarkdown(source)).not.toContain(forbidden)
  })

  // A <p> that holds a <p> or a <table> (a dropped wrapper such as <noscript> or <span> left them
  // nested) is rebuilt by any HTML parser, browsers included: the HTML kept must already be that
  // shape, so parsing it again changes nothing (tests/unit/markdown-xss.test.ts checks every vector).
  test.each([
    ['<noscript><p title="</noscript><img src=x onerror=alert(1)>">', '<p></p><p></p>\n<p></p>'],
    ['<span><p title="</span><img src=x onerror=alert(1)>">x</p></span>', '<p></p><p>x</p><p></p>'],
    ['<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>', '<p></p><table></table><p></p>'],
  ])('blocks a dropped tag left inside a paragraph are taken out of it: %j', (source, html) => {
    expect(renderMarkdown(source)).toBe(html)
  })

  test('raw HTML inside code is shown as text, not run', () => {
    expect(renderMarkdown('`<script>x</script>`')).toBe('<p><code>&lt;script&gt;x&lt;/script&gt;</code></p>')
  })

  test('links get rel="nofollow ugc noopener"', () => {
    expect(renderMarkdown('[docs](https://example.com)')).toBe('<p><a href="https://example.com" rel="nofollow ugc noopener">docs</a></p>')
  })

  test('user headings start at h3 so the page outline stays intact', () => {
    expect(renderMarkdown('# Big\n\n## Smaller')).toBe('<h3>Big</h3>\n<h3>Smaller</h3>')
  })
})

describe('excerpt', () => {
  test('gives plain text, cut on a word boundary', () => {
    const text = excerpt('**Export** to `CSV` would help. '.repeat(20), 60)
    expect(text.length).toBeLessThanOrEqual(61)
    expect(text.endsWith('…')).toBe(true)
    expect(text).not.toContain('*')
    expect(text).not.toContain('<')
  })
})

test('excerpts are kept per source and length, and the same source gives the same excerpt', () => {
  const source = `**Bold** start of a long idea. ${'More words follow here. '.repeat(20)}`
  const short = excerpt(source, 40)
  expect(excerpt(source, 40)).toBe(short)
  expect(short.length).toBeLessThanOrEqual(41)
  expect(excerpt(source, 200)).not.toBe(short)
  expect(excerpt(source, 200).startsWith('Bold start of a long idea.')).toBe(true)
  const huge = `# Title\n\n${'x '.repeat(5000)}`
  expect(excerpt(huge, 10)).toBe(excerpt(huge, 10))
})
