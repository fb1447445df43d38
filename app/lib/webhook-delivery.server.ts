/**
 * Sending one webhook: signing (Standard Webhooks, with the `standardwebhooks` package), the HTTP
 * POST, and the defence against server-side request forgery. Infrastructure only: it knows nothing
 * of endpoints or the outbox (app/models/webhooks.server.ts decides what to send and records it).
 *
 * SSRF: an admin types the URL, so a URL could aim Summit at its own network (the cloud metadata
 * address, a database's admin port). Unless the `webhooks.allowPrivateTargets` setting is on, every
 * address the host resolves to must be public; the connection then goes to the address that was
 * checked (a pinned `lookup`), so a DNS answer that changes between the check and the connect
 * (rebinding) cannot switch it. Redirects are followed by hand, at most MAX_REDIRECTS, each hop
 * checked the same way. node:http is used rather than fetch because fetch takes no custom lookup.
 */
import dns from 'node:dns/promises'
import http from 'node:http'
import https from 'node:https'
import net from 'node:net'
import { Webhook } from 'standardwebhooks'

export const DELIVERY_TIMEOUT_MS = 10_000
export const MAX_REDIRECTS = 3
/** The delivery log keeps this much of a response body. */
export const RESPONSE_EXCERPT_CHARS = 500
/** Bytes read from a response at most: enough for the excerpt, never a whole download. */
const MAX_RESPONSE_BYTES = 8 * 1024

export class UnsafeTargetError extends Error {}

/** Standard Webhooks headers for one message (`timestamp` in whole seconds, as the spec says). */
export function signedHeaders(secret: string, messageId: string, timestamp: Date, body: string) {
  return {
    'webhook-id': messageId,
    'webhook-timestamp': String(Math.floor(timestamp.getTime() / 1000)),
    'webhook-signature': new Webhook(secret).sign(messageId, timestamp, body),
  }
}

const V4_BLOCKS: [string, number][] = [
  ['0.0.0.0', 8], // "this network"
  ['10.0.0.0', 8], // RFC 1918
  ['100.64.0.0', 10], // carrier-grade NAT (RFC 6598)
  ['127.0.0.0', 8], // loopback
  ['169.254.0.0', 16], // link-local, cloud metadata (169.254.169.254)
  ['172.16.0.0', 12], // RFC 1918
  ['192.168.0.0', 16], // RFC 1918
  ['192.0.0.0', 24], // IETF protocol assignments
  ['198.18.0.0', 15], // benchmarking
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, broadcast
]
const blockList = new net.BlockList()
for (const [address, prefix] of V4_BLOCKS) blockList.addSubnet(address, prefix, 'ipv4')
blockList.addAddress('::', 'ipv6') // unspecified
blockList.addAddress('::1', 'ipv6') // loopback
blockList.addSubnet('fc00::', 7, 'ipv6') // unique-local
blockList.addSubnet('fe80::', 10, 'ipv6') // link-local
blockList.addSubnet('ff00::', 8, 'ipv6') // multicast

/** Whether an IP address is private, loopback, link-local or otherwise not on the public internet. */
export function isPrivateAddress(address: string): boolean {
  const family = net.isIP(address)
  if (family === 4) return blockList.check(address, 'ipv4')
  if (family !== 6) return true // not an address at all: refuse
  const lower = address.toLowerCase()
  // IPv4-mapped (::ffff:a.b.c.d or ::ffff:xxxx:xxxx) and IPv4-compatible forms: judge the IPv4 inside.
  const mapped = /^(?:0*:)*:?ffff:(.+)$/.exec(lower) ?? /^::(\d+\.\d+\.\d+\.\d+)$/.exec(lower)
  if (mapped) {
    const inner = mapped[1]!
    if (net.isIP(inner) === 4) return blockList.check(inner, 'ipv4')
    const hex = /^([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(inner)
    if (hex) {
      const n = (parseInt(hex[1]!, 16) << 16) | parseInt(hex[2]!, 16)
      return blockList.check([n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.'), 'ipv4')
    }
  }
  return blockList.check(address, 'ipv6')
}

type Resolved = { address: string; family: 4 | 6 }

/** Resolves a URL's host and checks every address; returns the one to connect to. */
export async function resolveTarget(url: URL, allowPrivateTargets: boolean, isPrivate = isPrivateAddress): Promise<Resolved> {
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new UnsafeTargetError(`Only http and https URLs can receive webhooks.`)
  if (url.username || url.password) throw new UnsafeTargetError('Webhook URLs cannot carry a user name or password.')
  const host = url.hostname.replace(/^\[|\]$/g, '')
  let addresses: Resolved[]
  if (net.isIP(host)) addresses = [{ address: host, family: net.isIP(host) as 4 | 6 }]
  else {
    try {
      addresses = (await dns.lookup(host, { all: true })).map((a) => ({ address: a.address, family: a.family as 4 | 6 }))
    } catch {
      throw new UnsafeTargetError(`The host ${host} could not be resolved.`)
    }
  }
  if (addresses.length === 0) throw new UnsafeTargetError(`The host ${host} could not be resolved.`)
  if (!allowPrivateTargets) {
    const refused = addresses.find((a) => isPrivate(a.address))
    // Every address is checked: a host answering with one public and one private address is refused.
    if (refused)
      throw new UnsafeTargetError(
        `${host} resolves to ${refused.address}, a private or local address; webhooks go to public addresses only.`,
      )
  }
  return addresses[0]!
}

export type WebhookRequest = {
  url: string
  body: string
  headers: Record<string, string>
  allowPrivateTargets: boolean
  timeoutMs?: number
}

export type WebhookResponse = {
  /** The final HTTP status, or null when no answer came (refused, timed out, unreachable). */
  status: number | null
  ok: boolean
  error: string | null
  responseExcerpt: string | null
  durationMs: number
}

/**
 * POSTs a webhook, following up to MAX_REDIRECTS redirects; never throws. `isPrivate` is the
 * address rule (tests narrow it so that a receiver on loopback can stand for a public host).
 */
export async function postWebhook(request: WebhookRequest, { isPrivate = isPrivateAddress } = {}): Promise<WebhookResponse> {
  const started = performance.now()
  const timeoutMs = request.timeoutMs ?? DELIVERY_TIMEOUT_MS
  const deadline = Date.now() + timeoutMs
  const done = (r: Omit<WebhookResponse, 'durationMs' | 'ok'>): WebhookResponse => ({
    ...r,
    ok: r.status != null && r.status >= 200 && r.status < 300,
    durationMs: Math.round(performance.now() - started),
  })
  let url: URL
  try {
    url = new URL(request.url)
  } catch {
    return done({ status: null, error: 'The URL is not valid.', responseExcerpt: null })
  }
  for (let hop = 0; ; hop++) {
    let target: Resolved
    try {
      target = await resolveTarget(url, request.allowPrivateTargets, isPrivate)
    } catch (error) {
      return done({ status: null, error: (error as Error).message, responseExcerpt: null })
    }
    const remaining = deadline - Date.now()
    if (remaining <= 0) return done({ status: null, error: `No answer within ${timeoutMs / 1000} s.`, responseExcerpt: null })
    let answer: { status: number; location: string | null; body: string }
    try {
      answer = await sendOnce(url, target, request, remaining)
    } catch (error) {
      const message = (error as Error).message === 'timeout' ? `No answer within ${timeoutMs / 1000} s.` : (error as Error).message
      return done({ status: null, error: message, responseExcerpt: null })
    }
    const isRedirect = [301, 302, 303, 307, 308].includes(answer.status) && answer.location
    if (!isRedirect) {
      const ok = answer.status >= 200 && answer.status < 300
      return done({ status: answer.status, error: ok ? null : `The endpoint answered ${answer.status}.`, responseExcerpt: answer.body })
    }
    if (hop >= MAX_REDIRECTS)
      return done({ status: answer.status, error: `More than ${MAX_REDIRECTS} redirects.`, responseExcerpt: answer.body })
    try {
      url = new URL(answer.location!, url)
    } catch {
      return done({ status: answer.status, error: 'The endpoint redirected to an invalid URL.', responseExcerpt: answer.body })
    }
  }
}

/** One request to the checked address; resolves with the status, Location and a body excerpt. */
function sendOnce(url: URL, target: Resolved, request: WebhookRequest, timeoutMs: number) {
  return new Promise<{ status: number; location: string | null; body: string }>((resolve, reject) => {
    const client = url.protocol === 'https:' ? https : http
    // The pinned lookup: whatever the name resolves to now, the socket goes to the checked address.
    const lookup: net.LookupFunction = (_hostname, options, callback) => {
      if ((options as { all?: boolean }).all) (callback as unknown as (e: null, a: Resolved[]) => void)(null, [target])
      else callback(null, target.address, target.family)
    }
    const req = client.request(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'user-agent': 'Summit-Webhooks/1',
        ...request.headers,
        'content-length': Buffer.byteLength(request.body),
      },
      lookup,
      agent: false,
      timeout: timeoutMs,
    })
    const timer = setTimeout(() => req.destroy(new Error('timeout')), timeoutMs)
    req.on('timeout', () => req.destroy(new Error('timeout')))
    req.on('error', (error) => {
      clearTimeout(timer)
      reject(error)
    })
    req.on('response', (res) => {
      const chunks: Buffer[] = []
      let bytes = 0
      const finish = () => {
        clearTimeout(timer)
        const text = Buffer.concat(chunks).toString('utf8').slice(0, RESPONSE_EXCERPT_CHARS)
        resolve({
          status: res.statusCode ?? 0,
          location: typeof res.headers.location === 'string' ? res.headers.location : null,
          body: text,
        })
      }
      res.on('data', (chunk: Buffer) => {
        if (bytes >= MAX_RESPONSE_BYTES) return
        chunks.push(chunk)
        bytes += chunk.length
        if (bytes >= MAX_RESPONSE_BYTES) {
          res.destroy()
          finish()
        }
      })
      res.on('end', finish)
      res.on('error', (error) => {
        clearTimeout(timer)
        reject(error)
      })
    })
    req.end(request.body)
  })
}
