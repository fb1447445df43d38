/**
 * A corpus of hostile requests, sent over bare sockets to the shared end-to-end server: the bytes a
 * scanner, a broken client or an attacker sends, which a browser (or Playwright's request client)
 * would refuse to or would tidy up first. Malformed request lines, odd and duplicated headers,
 * lying lengths, mis-encoded cookies, redirect targets with control characters, bodies of the wrong
 * kind, single-fetch URLs with odd route ids, Range headers.
 *
 * For every request: an answer must come, and it must not be a 5xx. A request Node's HTTP parser
 * cannot read gets its 400 (or 431) and the connection closed, which is fine; a connection dropped
 * without any answer is not. Redirects must stay on the site, and no header may be injected. After
 * each batch, /healthz must still answer 200. Each batch attaches its full report (one line per
 * request); a failure lists every request that failed.
 */
import crypto from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { expect, makeUser, test } from './fixtures'
import { header, rawRequest, type RawResponse, type RawResult } from './raw-http'

const PORT = Number(process.env.E2E_PORT)
const HOST = `127.0.0.1:${PORT}`
const ORIGIN = `http://${HOST}`

/** A client address for this run's requests (the e2e server trusts X-Forwarded-For from loopback). */
function randomIp() {
  const [a = 0, b = 0, c = 0] = crypto.randomBytes(3)
  return `10.${a}.${b}.${Math.max(1, c % 255)}`
}

type Case = {
  name: string
  bytes: Buffer
  /** Answers expected on the connection (pipelined requests); default 1. */
  responses?: number
  head?: boolean
  /** The client ends its side after writing (a request cut short). */
  endAfterWrite?: boolean
  /** A further check of the answers: a problem, or null. */
  check?: (responses: RawResponse[]) => string | null
}

type Headers = Array<[string, string]>

type RequestOptions = {
  headers?: Headers | Record<string, string>
  body?: string | Buffer
  /** Leave out the Host header that is otherwise sent first. */
  noHost?: boolean
  /** Leave out `Connection: close` (pipelining, or an answer that is not the last). */
  keepAlive?: boolean
  /** Leave out the Content-Length computed from the body (the case sets its own framing). */
  noLength?: boolean
  /** How the head is turned into bytes: utf8 (a client's UTF-8) or latin1 (byte for byte). */
  encoding?: BufferEncoding
  /** Leave out the X-Forwarded-For that gives the request its own client address. */
  noForwardedFor?: boolean
}

/** The bytes of one HTTP/1.1 request: request line, Host, the given headers, framing, body. */
function http(method: string, target: string, options: RequestOptions = {}): Buffer {
  const given: Headers = Array.isArray(options.headers) ? options.headers : Object.entries(options.headers ?? {})
  const has = (name: string) => given.some(([key]) => key.toLowerCase() === name.toLowerCase())
  const lines = [`${method} ${target} HTTP/1.1`]
  if (!options.noHost && !has('host')) lines.push(`Host: ${HOST}`)
  for (const [key, value] of given) lines.push(key === '' ? value : `${key}: ${value}`)
  if (!options.noForwardedFor && !has('x-forwarded-for')) lines.push(`X-Forwarded-For: ${randomIp()}`)
  if (!options.keepAlive && !has('connection')) lines.push('Connection: close')
  const body = options.body === undefined ? Buffer.alloc(0) : Buffer.from(options.body)
  if (options.body !== undefined && !options.noLength && !has('content-length') && !has('transfer-encoding')) {
    lines.push(`Content-Length: ${body.length}`)
  }
  return Buffer.concat([Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, options.encoding ?? 'utf8'), body])
}

/** Bytes exactly as written (latin1: one character, one byte). */
const raw = (text: string) => Buffer.from(text, 'latin1')

const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString()
const FORM = 'application/x-www-form-urlencoded'

/** Every redirect lands on this site: a browser resolving Location (WHATWG URL rules) stays here. */
function staysOnSite(responses: RawResponse[]) {
  for (const response of responses) {
    if (header(response, 'x-injected')) return 'a header was injected into the answer'
    const location = header(response, 'location')
    if (response.status < 300 || response.status >= 400 || location === null) continue
    let target: URL
    try {
      target = new URL(location, `${ORIGIN}/login`)
    } catch {
      return `redirects to an unreadable Location ${JSON.stringify(location)}`
    }
    if (target.origin !== ORIGIN) return `redirects off the site: Location ${JSON.stringify(location)} → ${target.href}`
  }
  return null
}

function describe(result: RawResult) {
  const answers = result.responses.map((r) => {
    const location = header(r, 'location')
    return `${r.status}${location !== null ? ` → ${JSON.stringify(location)}` : ''}`
  })
  const end = result.ended === 'answered' ? '' : ` [connection ${result.ended}${result.error ? `: ${result.error}` : ''}]`
  return `${answers.length ? answers.join(', ') : 'no answer'}${end}`
}

async function healthy() {
  const result = await rawRequest(http('GET', '/healthz'), { port: PORT })
  return result.responses[0]?.status === 200
}

/** Sends each case in turn, then checks /healthz; attaches the report and fails with every problem. */
async function runBatch(batch: string, cases: Case[]) {
  const lines: string[] = []
  const problems: string[] = []
  for (const item of cases) {
    const result = await rawRequest(item.bytes, {
      port: PORT,
      responses: item.responses ?? 1,
      head: item.head,
      endAfterWrite: item.endAfterWrite,
      timeoutMs: 15_000,
    })
    const statuses = result.responses.map((r) => r.status)
    let problem: string | null = null
    if (result.responses.length === 0) problem = 'no answer'
    else if (statuses.some((status) => status >= 500)) problem = '5xx'
    else problem = item.check?.(result.responses) ?? null
    const line = `${item.name}: ${describe(result)}`
    lines.push(`${problem ? 'FAIL' : 'ok  '} ${line}${problem && problem !== '5xx' && problem !== 'no answer' ? ` (${problem})` : ''}`)
    if (problem) {
      const body = result.responses
        .find((r) => r.status >= 500)
        ?.body.toString('utf8')
        .replace(/\s+/g, ' ')
        .slice(0, 160)
      problems.push(`${line}${problem === '5xx' || problem === 'no answer' ? '' : ` (${problem})`}${body ? `\n      body: ${body}` : ''}`)
    }
  }
  const up = await healthy()
  lines.push(`${up ? 'ok  ' : 'FAIL'} /healthz after the batch`)
  if (!up) problems.push('/healthz did not answer 200 after the batch')
  // Kept in the test's output folder (test-results/…) and attached to the HTML report.
  const report = test.info().outputPath(`${batch}.txt`)
  fs.writeFileSync(report, `${lines.join('\n')}\n`)
  await test.info().attach(`${batch}.txt`, { path: report, contentType: 'text/plain' })
  expect(cases.length).toBeGreaterThan(0)
  expect(problems, `${problems.length} of ${cases.length} hostile requests (${batch}) failed:\n  ${problems.join('\n  ')}\n`).toEqual([])
}

test.describe.configure({ mode: 'parallel' })

test('request lines: methods, targets, versions, traversal, bad percent-encoding', async () => {
  const cases: Case[] = [
    { name: 'OPTIONS *', bytes: http('OPTIONS', '*') },
    { name: 'OPTIONS /', bytes: http('OPTIONS', '/') },
    { name: 'GET http://evil.example/ (absolute-form, another host)', bytes: http('GET', 'http://evil.example/') },
    { name: 'GET http://<this host>/ideas (absolute-form)', bytes: http('GET', `${ORIGIN}/ideas`) },
    { name: 'GET https://<this host>/ (absolute-form, https)', bytes: http('GET', `https://${HOST}/`) },
    { name: 'TRACE /', bytes: http('TRACE', '/') },
    {
      name: 'TRACE / with a session cookie and Origin',
      bytes: http('TRACE', '/', { headers: { Cookie: 'summit_session=x', Origin: ORIGIN } }),
    },
    { name: 'CONNECT evil.example:443', bytes: raw('CONNECT evil.example:443 HTTP/1.1\r\nHost: evil.example:443\r\n\r\n') },
    { name: 'CONNECT <this host>', bytes: raw(`CONNECT ${HOST} HTTP/1.1\r\nHost: ${HOST}\r\n\r\n`) },
    { name: 'unknown method FOO', bytes: http('FOO', '/') },
    { name: 'WebDAV PROPFIND /', bytes: http('PROPFIND', '/', { headers: { Depth: '1' } }) },
    { name: 'lower-case method "get"', bytes: http('get', '/') },
    {
      name: 'PATCH /login, same origin',
      bytes: http('PATCH', '/login', { headers: { Origin: ORIGIN, 'Content-Type': FORM }, body: 'a=1' }),
    },
    { name: 'DELETE /ideas/1, same origin', bytes: http('DELETE', '/ideas/1', { headers: { Origin: ORIGIN } }) },
    { name: 'PUT /, same origin, empty body', bytes: http('PUT', '/', { headers: { Origin: ORIGIN }, body: '' }) },
    { name: 'HTTP/1.0 without Host', bytes: raw('GET / HTTP/1.0\r\n\r\n') },
    { name: 'HTTP/2.0 in a request line', bytes: raw(`GET / HTTP/2.0\r\nHost: ${HOST}\r\n\r\n`) },
    { name: 'HTTP/9.9 in a request line', bytes: raw(`GET / HTTP/9.9\r\nHost: ${HOST}\r\n\r\n`) },
    { name: 'no version (HTTP/0.9 style)', bytes: raw('GET /\r\n\r\n') },
    { name: 'two spaces in the request line', bytes: raw(`GET  / HTTP/1.1\r\nHost: ${HOST}\r\nConnection: close\r\n\r\n`) },
    { name: 'a tab in the request target', bytes: raw(`GET /ideas\t/x HTTP/1.1\r\nHost: ${HOST}\r\nConnection: close\r\n\r\n`) },
    { name: 'a bare LF line ending', bytes: raw(`GET / HTTP/1.1\nHost: ${HOST}\nConnection: close\n\n`) },
    { name: 'URL of 8 KB (query)', bytes: http('GET', `/search?q=${'a'.repeat(8000)}`) },
    { name: 'URL of 8 KB (path)', bytes: http('GET', `/ideas/${'1'.repeat(8000)}`) },
    { name: 'URL of 20 KB', bytes: http('GET', `/search?q=${'a'.repeat(20_000)}`) },
    { name: 'URL of 64 KB', bytes: http('GET', `/${'a/'.repeat(32_000)}`) },
    { name: '%00 as the path', bytes: http('GET', '/%00') },
    { name: '%00 after an idea id', bytes: http('GET', '/ideas/1%00') },
    { name: '%00 in the query', bytes: http('GET', '/search?q=%00&hostile=nul') },
    { name: '%2e%2e/ traversal', bytes: http('GET', '/%2e%2e/%2e%2e/etc/passwd') },
    { name: '%2e%2e/ traversal out of /assets', bytes: http('GET', '/assets/%2e%2e/%2e%2e/package.json') },
    { name: '..%2f traversal out of /assets', bytes: http('GET', '/assets/..%2f..%2fpackage.json') },
    { name: 'raw ../ traversal', bytes: http('GET', '/../../package.json') },
    { name: 'overlong UTF-8 dots (%C0%AE)', bytes: http('GET', '/%C0%AE%C0%AE/%C0%AE%C0%AE/package.json') },
    { name: 'overlong UTF-8 in an asset path', bytes: http('GET', '/assets/%C0%AE%C0%AE%C0%AFpackage.json') },
    { name: 'overlong UTF-8 slash in the query', bytes: http('GET', '/search?q=%C0%AF') },
    { name: 'overlong UTF-8 NUL as a username', bytes: http('GET', '/u/%C0%80') },
    { name: 'truncated percent-encoding as the path', bytes: http('GET', '/%E0%A4%A') },
    { name: 'invalid percent-encoding as an idea id', bytes: http('GET', '/ideas/%ZZ') },
    { name: 'invalid percent-encoding in the query', bytes: http('GET', '/search?q=%ZZ&sort=%') },
    { name: 'truncated percent-encoding in the query', bytes: http('GET', '/ideas?q=%E0%A4%A') },
    { name: 'invalid UTF-8 as a tag', bytes: http('GET', '/tags/%FF%FE') },
    { name: 'encoded slashes in an idea id', bytes: http('GET', '/ideas/1%2F..%2F..%2Fadmin') },
    { name: 'path starting with //evil.example', bytes: http('GET', '//evil.example/') },
    { name: 'path starting with /\\evil.example', bytes: http('GET', '/\\evil.example') },
    { name: 'idea id of 23 digits', bytes: http('GET', '/ideas/99999999999999999999999') },
    { name: 'idea id -1', bytes: http('GET', '/ideas/-1') },
    { name: 'idea id 0x10', bytes: http('GET', '/ideas/0x10') },
    { name: 'raw UTF-8 bytes in the path', bytes: http('GET', '/tags/héllo-wörld') },
    { name: 'raw 0xFF byte in the path', bytes: http('GET', '/tags/\xff\xfe', { encoding: 'latin1' }) },
    { name: 'a script tag in the query', bytes: http('GET', '/search?q=<script>alert(1)</script>') },
    { name: '2,000 query parameters', bytes: http('GET', `/ideas?${'a=1&'.repeat(2000)}`) },
    { name: 'array- and object-style parameters', bytes: http('GET', '/ideas?sort[]=x&sort[]=y&category[$ne]=1&cursor[a]=b') },
  ]
  await runBatch('request-lines', cases)
})

test('headers: Host, forwarding headers, sizes, framing and lying lengths', async () => {
  const loginBody = form({ identifier: 'nobody-at-all', password: 'wrong-password' })
  const sameOrigin = { Origin: ORIGIN, 'Content-Type': FORM }
  const cases: Case[] = [
    { name: 'Host: a b c', bytes: http('GET', '/?hostile=host-spaces', { headers: { Host: 'a b c' } }) },
    { name: 'empty Host', bytes: http('GET', '/?hostile=host-empty', { headers: { Host: '' } }) },
    {
      name: 'two Host headers',
      bytes: http('GET', '/?hostile=host-two', {
        headers: [
          ['Host', HOST],
          ['Host', 'evil.example'],
        ],
      }),
    },
    { name: 'Host: evil.example', bytes: http('GET', '/?hostile=host-evil', { headers: { Host: 'evil.example' } }) },
    { name: 'Host: evil.example:99999', bytes: http('GET', '/?hostile=host-port', { headers: { Host: 'evil.example:99999' } }) },
    { name: 'Host: <this host>@evil.example', bytes: http('GET', '/?hostile=host-at', { headers: { Host: `${HOST}@evil.example` } }) },
    { name: 'Host: [::1]:<port>', bytes: http('GET', '/?hostile=host-v6', { headers: { Host: `[::1]:${PORT}` } }) },
    { name: 'Host: ../../etc', bytes: http('GET', '/?hostile=host-dots', { headers: { Host: '../../etc' } }) },
    { name: 'X-Forwarded-Host: evil.example', bytes: http('GET', '/?hostile=xfh', { headers: { 'X-Forwarded-Host': 'evil.example' } }) },
    { name: 'X-Forwarded-Host: a b c', bytes: http('GET', '/?hostile=xfh-spaces', { headers: { 'X-Forwarded-Host': 'a b c' } }) },
    {
      name: 'X-Forwarded-Host: evil.example on a same-origin POST /login',
      bytes: http('POST', '/login', { headers: { ...sameOrigin, 'X-Forwarded-Host': 'evil.example' }, body: loginBody }),
    },
    { name: 'X-Forwarded-Proto: gopher', bytes: http('GET', '/?hostile=xfp', { headers: { 'X-Forwarded-Proto': 'gopher' } }) },
    {
      name: 'X-Forwarded-Proto: https on a same-origin POST /login',
      bytes: http('POST', '/login', { headers: { ...sameOrigin, 'X-Forwarded-Proto': 'https' }, body: loginBody }),
    },
    {
      name: 'X-Forwarded-For: not-an-ip',
      bytes: http('POST', '/login', { headers: { ...sameOrigin, 'X-Forwarded-For': 'not-an-ip' }, body: form({}) }),
    },
    {
      name: 'X-Forwarded-For of 500 entries',
      bytes: http('GET', '/?hostile=xff-long', { headers: { 'X-Forwarded-For': Array(500).fill('1.2.3.4').join(', ') } }),
    },
    {
      name: 'Forwarded: for=evil;host=evil.example',
      bytes: http('GET', '/?hostile=fwd', { headers: { Forwarded: 'for=evil;host=evil.example;proto=gopher' } }),
    },
    { name: 'one 12 KB header', bytes: http('GET', '/?hostile=big-header', { headers: { 'X-Padding': 'x'.repeat(12_000) } }) },
    { name: '32 KB of headers', bytes: http('GET', '/?hostile=huge-headers', { headers: { 'X-Padding': 'x'.repeat(32_000) } }) },
    {
      name: '300 headers',
      bytes: http('GET', '/?hostile=many-headers', {
        headers: Array.from({ length: 300 }, (_, i): [string, string] => [`X-H${i}`, `${i}`]),
      }),
    },
    {
      name: 'obs-fold header continuation',
      bytes: http('GET', '/?hostile=fold', {
        headers: [
          ['X-Folded', 'a'],
          ['', ' continued'],
        ],
      }),
    },
    { name: 'a header line without a colon', bytes: http('GET', '/?hostile=nocolon', { headers: [['', 'NoColonHere']] }) },
    { name: 'a header name with a space', bytes: http('GET', '/?hostile=space-name', { headers: { 'Bad Header': 'x' } }) },
    { name: 'NUL in a header value', bytes: http('GET', '/?hostile=nul-header', { headers: { 'X-Nul': 'a\u0000b' } }) },
    { name: 'raw UTF-8 in User-Agent', bytes: http('GET', '/?hostile=ua', { headers: { 'User-Agent': 'Mözilla/5.0 ☃' } }) },
    { name: 'Content-Length: abc on a GET', bytes: http('GET', '/?hostile=cl-abc', { headers: { 'Content-Length': 'abc' } }) },
    {
      name: 'Content-Length: -1 on a POST',
      bytes: http('POST', '/login', { headers: { ...sameOrigin, 'Content-Length': '-1' }, body: loginBody }),
    },
    {
      name: 'two different Content-Length headers',
      bytes: http('POST', '/login', {
        headers: [
          ['Origin', ORIGIN],
          ['Content-Type', FORM],
          ['Content-Length', '3'],
          ['Content-Length', '40'],
        ],
        body: loginBody,
      }),
    },
    {
      // The rest of the body is read as a second request, which the parser refuses.
      name: 'Content-Length shorter than the body (the rest pipelined)',
      bytes: http('POST', '/login', { headers: { ...sameOrigin, 'Content-Length': '5' }, body: `${loginBody}\r\n\r\n`, keepAlive: true }),
      responses: 2,
    },
    {
      name: 'Content-Length longer than the body, then the client stops',
      bytes: http('POST', '/login', { headers: { ...sameOrigin, 'Content-Length': '500' }, body: loginBody }),
      endAfterWrite: true,
    },
    {
      name: 'Transfer-Encoding: chunked with a garbage chunk size',
      bytes: http('POST', '/login', { headers: { ...sameOrigin, 'Transfer-Encoding': 'chunked' }, body: 'zz\r\nhello\r\n0\r\n\r\n' }),
    },
    {
      name: 'Transfer-Encoding: chunked, a chunk shorter than announced',
      bytes: http('POST', '/login', {
        headers: { ...sameOrigin, 'Transfer-Encoding': 'chunked' },
        body: 'ff\r\nidentifier=x\r\n0\r\n\r\n',
      }),
      endAfterWrite: true,
    },
    {
      name: 'Transfer-Encoding: chunked and Content-Length both',
      bytes: http('POST', '/login', {
        headers: { ...sameOrigin, 'Content-Length': '3', 'Transfer-Encoding': 'chunked' },
        body: `${loginBody.length.toString(16)}\r\n${loginBody}\r\n0\r\n\r\n`,
      }),
    },
    {
      name: 'Transfer-Encoding: gzip, chunked',
      bytes: http('POST', '/login', { headers: { ...sameOrigin, 'Transfer-Encoding': 'gzip, chunked' }, body: '5\r\nhello\r\n0\r\n\r\n' }),
    },
    {
      name: 'Transfer-Encoding: xchunked',
      bytes: http('POST', '/login', { headers: { ...sameOrigin, 'Transfer-Encoding': 'xchunked' }, body: '5\r\nhello\r\n0\r\n\r\n' }),
    },
    {
      name: 'Expect: 100-continue',
      bytes: http('POST', '/login', { headers: { ...sameOrigin, Expect: '100-continue' }, body: loginBody }),
    },
    {
      name: 'Expect: something-else',
      bytes: http('POST', '/login', { headers: { ...sameOrigin, Expect: 'something-else' }, body: loginBody }),
    },
    {
      name: 'Origin: null on a POST',
      bytes: http('POST', '/login', { headers: { Origin: 'null', 'Content-Type': FORM }, body: loginBody }),
    },
    {
      name: 'Origin: http://[ on a POST',
      bytes: http('POST', '/login', { headers: { Origin: 'http://[', 'Content-Type': FORM }, body: loginBody }),
    },
    {
      name: 'Referer: garbage, no Origin, on a POST',
      bytes: http('POST', '/login', { headers: { Referer: '::not a url::', 'Content-Type': FORM }, body: loginBody }),
    },
    { name: 'If-None-Match: garbage', bytes: http('GET', '/?hostile=inm', { headers: { 'If-None-Match': 'W/"\u0001", ,,, *x' } }) },
    {
      name: 'If-None-Match: 1,000 tags',
      bytes: http('GET', '/?hostile=inm-many', {
        headers: { 'If-None-Match': Array.from({ length: 1000 }, (_, i) => `W/"${i}"`).join(', ') },
      }),
    },
    { name: 'If-Modified-Since: garbage', bytes: http('GET', '/robots.txt', { headers: { 'If-Modified-Since': 'yesterday-ish' } }) },
    {
      name: 'Upgrade: websocket',
      bytes: http('GET', '/?hostile=ws', {
        headers: {
          Connection: 'Upgrade',
          Upgrade: 'websocket',
          'Sec-WebSocket-Version': '13',
          'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ==',
        },
      }),
    },
    {
      name: 'Upgrade: h2c',
      bytes: http('GET', '/?hostile=h2c', {
        headers: { Connection: 'Upgrade, HTTP2-Settings', Upgrade: 'h2c', 'HTTP2-Settings': 'AAMAAABkAAQAAP__' },
      }),
    },
  ]
  await runBatch('headers', cases)
})

test('cookies: mis-encoded, misnamed, numerous, oversized, non-ASCII', async () => {
  const cookie = (value: string, target = '/?hostile=cookie', encoding?: BufferEncoding) =>
    http('GET', target, { headers: { Cookie: value }, encoding })
  const cases: Case[] = [
    { name: 'summit_session=%E0%A4%A on /', bytes: cookie('summit_session=%E0%A4%A') },
    { name: 'summit_session=%E0%A4%A on an idea page', bytes: cookie('summit_session=%E0%A4%A', '/ideas/1?hostile=cookie') },
    { name: 'summit_session=%E0%A4%A on a single-fetch .data URL', bytes: cookie('summit_session=%E0%A4%A', '/ideas.data') },
    {
      name: 'summit_session=%E0%A4%A on a same-origin POST /logout',
      bytes: http('POST', '/logout', { headers: { Cookie: 'summit_session=%E0%A4%A', Origin: ORIGIN, 'Content-Type': FORM }, body: '' }),
    },
    { name: 'summit%5Fsession=x', bytes: cookie('summit%5Fsession=x') },
    { name: 'summit_session=<an unknown id>', bytes: cookie('summit_session=aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa') },
    { name: 'summit_session= (empty)', bytes: cookie('summit_session=') },
    { name: 'summit_session=%00', bytes: cookie('summit_session=%00') },
    { name: 'summit_session="quoted"', bytes: cookie('summit_session="quoted"') },
    { name: 'two summit_session cookies', bytes: cookie('summit_session=a; summit_session=b') },
    { name: 'a thousand cookies', bytes: cookie(Array.from({ length: 1000 }, (_, i) => `c${i}=${i}`).join('; ')) },
    { name: 'a session cookie of 8 KB', bytes: cookie(`summit_session=${'a'.repeat(8192)}`) },
    { name: 'another cookie of 8 KB', bytes: cookie(`theme=${'%41'.repeat(2731)}`) },
    { name: 'non-ASCII cookie (UTF-8)', bytes: cookie('summit_session=ünïcødé☃') },
    { name: 'non-ASCII cookie (a raw 0xE9 byte)', bytes: cookie('summit_session=caf\xe9', '/?hostile=cookie', 'latin1') },
    { name: 'Cookie: ;;;==;=;', bytes: cookie(';;;==;=;') },
    { name: 'Cookie: =summit_session', bytes: cookie('=summit_session') },
    { name: 'a Cookie header of 15 KB', bytes: cookie(`x=${'y'.repeat(15_000)}`) },
  ]
  await runBatch('cookies', cases)
})

/** redirectTo values a login or sign-up must never follow off the site, nor turn into a 500. */
const REDIRECT_TARGETS: Array<[name: string, value: string]> = [
  ['CR LF and a header', '/\r\nX-Injected: 1'],
  ['CR', '/ideas\r'],
  ['LF', '/ideas\n'],
  ['NUL', '/ideas\u0000'],
  ['DEL', '/ideas\u007f'],
  ['U+2028', '/ideas\u2028'],
  ['//evil.example', '//evil.example'],
  ['/\\evil.example', '/\\evil.example'],
  ['tab then /evil.example (%09)', '/\t/evil.example'],
  ['literal %09 (double-encoded)', '/%09/evil.example'],
  ['javascript:', 'javascript:alert(1)'],
  ['/javascript:', '/javascript:alert(1)'],
  ['http://evil.example', 'http://evil.example/'],
  ['\\/evil.example', '\\/evil.example'],
  ['a long path', `/${'a'.repeat(1990)}`],
]

test('redirect targets on /login and /signup', async () => {
  test.setTimeout(60_000)
  const member = makeUser()
  // A session to ask the login page's loader for its redirect while logged in.
  const login = await rawRequest(
    http('POST', '/login', {
      headers: { Origin: ORIGIN, 'Content-Type': FORM },
      body: form({ identifier: member.username, password: member.password }),
    }),
    { port: PORT },
  )
  const setCookie = login.responses[0] ? header(login.responses[0], 'set-cookie') : null
  const session = /summit_session=([^;]*)/.exec(setCookie ?? '')?.[1]
  expect(session, `logging in ${member.username} gave ${describe(login)}`).toBeTruthy()
  const loggedIn = { Cookie: `summit_session=${session}` }

  const cases: Case[] = []
  for (const [name, value] of REDIRECT_TARGETS) {
    const query = new URLSearchParams({ redirectTo: value }).toString()
    cases.push(
      { name: `GET /login?redirectTo=${name}, logged out`, bytes: http('GET', `/login?${query}`), check: staysOnSite },
      {
        name: `GET /login?redirectTo=${name}, logged in`,
        bytes: http('GET', `/login?${query}`, { headers: loggedIn }),
        check: staysOnSite,
      },
      {
        name: `POST /login with redirectTo=${name}`,
        bytes: http('POST', '/login', {
          headers: { Origin: ORIGIN, 'Content-Type': FORM },
          body: form({ identifier: member.username, password: member.password, redirectTo: value }),
        }),
        check: staysOnSite,
      },
      {
        name: `POST /signup with redirectTo=${name}`,
        bytes: http('POST', '/signup', {
          headers: { Origin: ORIGIN, 'Content-Type': FORM },
          body: form({
            username: `hostile_${crypto.randomBytes(6).toString('hex')}`,
            email: `hostile-${crypto.randomBytes(6).toString('hex')}@example.com`,
            password: 'amber-orchard-whistle-73',
            redirectTo: value,
          }),
        }),
        check: staysOnSite,
      },
    )
  }
  cases.push(
    {
      name: 'GET /signup?redirectTo=CR LF, logged in',
      bytes: http('GET', `/signup?redirectTo=%2F%0D%0AX-Injected:%201`, { headers: loggedIn }),
      check: staysOnSite,
    },
    {
      name: 'GET /login?redirectTo=%0d%0a twice-encoded, logged in',
      bytes: http('GET', '/login?redirectTo=%2F%250d%250aX-Injected:%25201', { headers: loggedIn }),
      check: staysOnSite,
    },
    {
      name: 'GET /login?redirectTo=%E0%A4%A, logged in',
      bytes: http('GET', '/login?redirectTo=%E0%A4%A', { headers: loggedIn }),
      check: staysOnSite,
    },
    {
      name: 'GET /login?redirectTo= twice, logged in',
      bytes: http('GET', '/login?redirectTo=%2F%2Fevil.example&redirectTo=%2F', { headers: loggedIn }),
      check: staysOnSite,
    },
  )
  await runBatch('redirects', cases)
})

test('POST bodies of the wrong kind, with and without a same-origin Origin', async () => {
  const asset = fs.readdirSync(path.resolve('build/client/assets')).find((name) => name.endsWith('.js')) ?? 'missing.js'
  const login = form({ identifier: 'nobody-at-all', password: 'wrong-password' })
  const bodies: Array<{ name: string; target: string; type?: string; body: string | Buffer; headers?: Record<string, string> }> = [
    { name: 'text/plain', target: '/login', type: 'text/plain', body: 'identifier=x&password=y' },
    { name: 'multipart/form-data without a boundary', target: '/login', type: 'multipart/form-data', body: 'identifier=x' },
    {
      name: 'multipart/form-data with garbage after the boundary',
      target: '/login',
      type: 'multipart/form-data; boundary=XyZ',
      body: '--XyZ\r\ngarbage\r\n\r\n--XyZ',
    },
    {
      name: 'multipart/form-data with a file',
      target: '/login',
      type: 'multipart/form-data; boundary=XyZ',
      body: '--XyZ\r\nContent-Disposition: form-data; name="identifier"; filename="../../etc/passwd"\r\nContent-Type: application/octet-stream\r\n\r\n\u0000\u0001\r\n--XyZ--\r\n',
    },
    { name: 'a 300 KB form', target: '/login', type: FORM, body: `identifier=x&password=${'a'.repeat(300 * 1024)}` },
    { name: 'invalid urlencoded', target: '/login', type: FORM, body: '%%%&&==&identifier=%ZZ&password=%E0%A4%A' },
    { name: 'JSON', target: '/login', type: 'application/json', body: JSON.stringify({ identifier: 'x', password: 'y' }) },
    { name: 'JSON sent as a form', target: '/login', type: FORM, body: JSON.stringify({ identifier: 'x', password: 'y' }) },
    { name: 'a form declared UTF-16', target: '/login', type: `${FORM}; charset=utf-16`, body: Buffer.from(login, 'utf16le') },
    { name: 'Content-Encoding: gzip, not gzip', target: '/login', type: FORM, body: login, headers: { 'Content-Encoding': 'gzip' } },
    { name: 'an empty body with no Content-Type', target: '/login', body: '' },
    { name: 'a new idea, anonymous', target: '/ideas/new', type: FORM, body: form({ title: 'Hostile', body: 'x'.repeat(50) }) },
    { name: 'a vote, anonymous', target: '/ideas/1', type: FORM, body: form({ intent: 'vote', voted: 'true' }) },
    { name: 'an unknown intent', target: '/ideas/1', type: FORM, body: form({ intent: '__proto__', voted: 'maybe' }) },
    { name: 'to the home page (no action)', target: '/', type: FORM, body: login },
    { name: 'to /healthz', target: '/healthz', type: FORM, body: login },
    { name: 'to /login.data (single fetch)', target: '/login.data', type: FORM, body: login },
    { name: 'to /login?index', target: '/login?index', type: FORM, body: login },
    { name: 'to /login?_data=routes/login', target: '/login?_data=routes%2Flogin', type: FORM, body: login },
    { name: 'to a page that does not exist', target: '/no/such/page', type: FORM, body: login },
    { name: 'to an asset', target: `/assets/${asset}`, type: FORM, body: login },
  ]
  const cases: Case[] = []
  for (const item of bodies) {
    for (const origin of [true, false]) {
      const headers: Record<string, string> = {
        ...(origin ? { Origin: ORIGIN } : {}),
        ...(item.type ? { 'Content-Type': item.type } : {}),
        ...item.headers,
      }
      cases.push({
        name: `POST ${item.name} to ${item.target.slice(0, 40)} ${origin ? 'with' : 'without'} Origin`,
        bytes: http('POST', item.target, { headers, body: item.body }),
      })
    }
  }
  await runBatch('bodies', cases)
})

test('Accept headers, single-fetch and ?_data URLs, Range headers', async () => {
  const asset = fs.readdirSync(path.resolve('build/client/assets')).find((name) => name.endsWith('.css')) ?? 'missing.css'
  const get = (target: string, headers: Record<string, string> = {}) => http('GET', target, { headers })
  const cases: Case[] = [
    { name: 'Accept: application/json', bytes: get('/?hostile=accept-json', { Accept: 'application/json' }) },
    { name: 'Accept: text/event-stream', bytes: get('/?hostile=accept-sse', { Accept: 'text/event-stream' }) },
    { name: 'Accept: ;;;,,,q=', bytes: get('/?hostile=accept-junk', { Accept: ';;;,,,q=' }) },
    { name: 'Accept: */*;q=abc', bytes: get('/?hostile=accept-q', { Accept: '*/*;q=abc' }) },
    { name: 'Accept of 4 KB', bytes: get('/?hostile=accept-long', { Accept: Array(400).fill('text/x;q=0.1').join(',') }) },
    { name: 'Accept-Encoding: gzip;q=NaN, br, zstd, *', bytes: get('/?hostile=ae', { 'Accept-Encoding': 'gzip;q=NaN, br, zstd, *' }) },
    { name: 'Accept-Encoding: identity;q=0, *;q=0', bytes: get('/?hostile=ae-none', { 'Accept-Encoding': 'identity;q=0, *;q=0' }) },
    { name: 'Accept-Encoding: identity;q=0 on an asset', bytes: get(`/assets/${asset}`, { 'Accept-Encoding': 'identity;q=0, *;q=0' }) },
    { name: 'Accept-Language: xx-&&&;q=2', bytes: get('/?hostile=al', { 'Accept-Language': 'xx-&&&;q=2, *;q=-1' }) },
    { name: 'GET /_root.data', bytes: get('/_root.data') },
    { name: 'GET /.data', bytes: get('/.data') },
    { name: 'GET /ideas.data', bytes: get('/ideas.data') },
    { name: 'GET /ideas.data?_routes=routes/nope', bytes: get('/ideas.data?_routes=routes%2Fnope') },
    { name: 'GET /ideas.data?_routes=root,routes/ideas._index,%00', bytes: get('/ideas.data?_routes=root,routes%2Fideas._index,%00') },
    { name: 'GET /ideas/1.data?_routes=<script>', bytes: get('/ideas/1.data?_routes=%3Cscript%3E') },
    { name: 'GET /ideas/1.data?_routes=__proto__', bytes: get('/ideas/1.data?_routes=__proto__,constructor') },
    { name: 'GET /ideas/abc.data', bytes: get('/ideas/abc.data') },
    { name: 'GET /no/such/page.data', bytes: get('/no/such/page.data') },
    { name: 'GET /%2e%2e.data', bytes: get('/%2e%2e.data') },
    { name: 'GET /%E0%A4%A.data', bytes: get('/%E0%A4%A.data') },
    { name: 'GET /login.data?redirectTo=CR LF', bytes: get('/login.data?redirectTo=%2F%0D%0AX-Injected:%201') },
    { name: 'GET /?_data=root', bytes: get('/?_data=root') },
    { name: 'GET /?_data=routes/nope', bytes: get('/?_data=routes%2Fnope') },
    { name: 'GET /?_data=%00', bytes: get('/?_data=%00') },
    { name: 'GET /?_data= (empty)', bytes: get('/?_data=') },
    { name: 'GET /ideas?_data=routes/ideas._index', bytes: get('/ideas?_data=routes%2Fideas._index') },
    { name: 'GET /ideas/1?_data=routes/ideas.$ideaId', bytes: get('/ideas/1?_data=routes%2Fideas.%24ideaId') },
    { name: 'HEAD /ideas.data', bytes: http('HEAD', '/ideas.data'), head: true },
    { name: 'Range: bytes=0-10 on an asset', bytes: get(`/assets/${asset}`, { Range: 'bytes=0-10' }) },
    { name: 'Range: bytes=999999999- on an asset', bytes: get(`/assets/${asset}`, { Range: 'bytes=999999999-' }) },
    { name: 'Range: bytes=abc on an asset', bytes: get(`/assets/${asset}`, { Range: 'bytes=abc' }) },
    { name: 'Range: bytes=-0 on an asset', bytes: get(`/assets/${asset}`, { Range: 'bytes=-0' }) },
    { name: 'Range: bytes=5-1 on an asset', bytes: get(`/assets/${asset}`, { Range: 'bytes=5-1' }) },
    {
      name: 'Range of 1,000 parts on an asset',
      bytes: get(`/assets/${asset}`, { Range: `bytes=${Array.from({ length: 1000 }, (_, i) => `${i}-${i}`).join(',')}` }),
    },
    { name: 'Range with a garbage If-Range', bytes: get(`/assets/${asset}`, { Range: 'bytes=0-10', 'If-Range': '"\u0001nonsense' }) },
    { name: 'Range: bytes=0-10 on robots.txt', bytes: get('/robots.txt', { Range: 'bytes=0-10' }) },
    { name: 'Range: bytes=0-10 on a page', bytes: get('/?hostile=range', { Range: 'bytes=0-10' }) },
    { name: 'Range: items=0-10 on a page', bytes: get('/ideas?hostile=range', { Range: 'items=0-10' }) },
  ]
  await runBatch('accept-data-range', cases)
})
