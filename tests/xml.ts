/**
 * A small, strict XML 1.0 well-formedness check for tests (Node has no DOMParser). It refuses what
 * a feed reader's parser would refuse: characters XML forbids, unknown or bare `&`, `<` in text or
 * attributes, unquoted or repeated attributes, mismatched or unclosed tags, text outside the root.
 * It returns the element tree with entities decoded, so tests can assert on structure and values.
 * Not supported (and refused): DOCTYPE declarations.
 */
export type XmlElement = { name: string; attributes: Record<string, string>; children: XmlElement[]; text: string }

const NAME = /[A-Za-z_:][A-Za-z0-9._:-]*/y
const INVALID_CHAR = /[^\u0009\u000A\u000D\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u
const PREDEFINED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" }

export function parseXml(xml: string): XmlElement {
  const bad = INVALID_CHAR.exec(xml)
  if (bad) throw new Error(`character U+${bad[0].codePointAt(0)!.toString(16).padStart(4, '0')} is not allowed in XML at ${bad.index}`)
  let at = 0
  const fail = (message: string): never => {
    throw new Error(`${message} at offset ${at}: ${JSON.stringify(xml.slice(at, at + 40))}`)
  }
  const skipSpace = () => {
    while (at < xml.length && /[ \t\r\n]/.test(xml[at]!)) at++
  }
  const readName = () => {
    NAME.lastIndex = at
    const match = NAME.exec(xml)
    if (!match) fail('expected a name')
    at += match![0].length
    return match![0]
  }
  const decode = (raw: string) =>
    raw.replace(/&([^;]*);|&/g, (whole, ref: string | undefined) => {
      if (ref === undefined) fail(`bare "&" in ${JSON.stringify(raw.slice(0, 40))}`)
      if (ref! in PREDEFINED) return PREDEFINED[ref!]!
      const code = /^#x[0-9a-fA-F]+$/.test(ref!) ? parseInt(ref!.slice(2), 16) : /^#[0-9]+$/.test(ref!) ? parseInt(ref!.slice(1), 10) : NaN
      const char = Number.isNaN(code) || code > 0x10ffff ? null : String.fromCodePoint(code)
      if (!char || INVALID_CHAR.test(char)) fail(`unknown or invalid reference ${whole}`)
      return char!
    })
  const skipMisc = () => {
    for (;;) {
      skipSpace()
      if (xml.startsWith('<!--', at)) {
        const end = xml.indexOf('-->', at + 4)
        if (end < 0) fail('unclosed comment')
        at = end + 3
      } else if (xml.startsWith('<?', at)) {
        const end = xml.indexOf('?>', at + 2)
        if (end < 0) fail('unclosed processing instruction')
        at = end + 2
      } else if (xml.startsWith('<!DOCTYPE', at)) {
        fail('DOCTYPE is not supported')
      } else return
    }
  }

  function readElement(): XmlElement {
    if (xml[at] !== '<') fail('expected "<"')
    at++
    const element: XmlElement = { name: readName(), attributes: {}, children: [], text: '' }
    for (;;) {
      const before = at
      skipSpace()
      if (xml.startsWith('/>', at)) {
        at += 2
        return element
      }
      if (xml[at] === '>') {
        at++
        break
      }
      if (at === before) fail('expected whitespace between attributes')
      const name = readName()
      if (name in element.attributes) fail(`repeated attribute ${name}`)
      skipSpace()
      if (xml[at] !== '=') fail('expected "="')
      at++
      skipSpace()
      const quote = xml[at]
      if (quote !== '"' && quote !== "'") fail('attribute values must be quoted')
      const end = xml.indexOf(quote!, at + 1)
      if (end < 0) fail('unclosed attribute value')
      const raw = xml.slice(at + 1, end)
      if (raw.includes('<')) fail('"<" inside an attribute value')
      element.attributes[name] = decode(raw)
      at = end + 1
    }
    for (;;) {
      if (at >= xml.length) fail(`<${element.name}> is never closed`)
      if (xml.startsWith('</', at)) {
        at += 2
        const name = readName()
        if (name !== element.name) fail(`</${name}> closes <${element.name}>`)
        skipSpace()
        if (xml[at] !== '>') fail('expected ">"')
        at++
        return element
      }
      if (xml.startsWith('<![CDATA[', at)) {
        const end = xml.indexOf(']]>', at)
        if (end < 0) fail('unclosed CDATA section')
        element.text += xml.slice(at + 9, end)
        at = end + 3
      } else if (xml.startsWith('<!--', at) || xml.startsWith('<?', at)) {
        skipMisc()
      } else if (xml[at] === '<') {
        element.children.push(readElement())
      } else {
        const end = xml.indexOf('<', at)
        const raw = xml.slice(at, end < 0 ? xml.length : end)
        if (raw.includes(']]>')) fail('"]]>" in text')
        element.text += decode(raw)
        at += raw.length
      }
    }
  }

  if (xml.charCodeAt(0) === 0xfeff) at = 1
  skipMisc()
  const root = readElement()
  skipMisc()
  if (at < xml.length) fail('content after the root element')
  return root
}

/** The child elements named `name`. */
export function childrenNamed(element: XmlElement, name: string) {
  return element.children.filter((child) => child.name === name)
}

/** The one child element named `name`; throws when there is none or several. */
export function child(element: XmlElement, name: string) {
  const found = childrenNamed(element, name)
  if (found.length !== 1) throw new Error(`<${element.name}> has ${found.length} <${name}> children, expected 1`)
  return found[0]!
}
