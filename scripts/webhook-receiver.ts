/**
 * A webhook receiver to try Summit's webhooks on one machine (README, "Try the API and webhooks"):
 * it listens on WEBHOOK_RECEIVER_PORT (default 4000) on 127.0.0.1, checks every message's Standard Webhooks
 * signature with WEBHOOK_SECRET (the endpoint's secret from /admin/webhooks) and prints what came:
 *
 *   WEBHOOK_SECRET=whsec_… npm run webhook:receive
 *
 * A message whose signature, timestamp or id does not verify is answered 401 and printed as
 * refused, so Summit retries it and its delivery log shows why. It is the check a real receiver
 * must make before it trusts a message; see docs/operations.md#webhooks.
 */
import http from 'node:http'
import { Webhook } from 'standardwebhooks'

const secret = process.env.WEBHOOK_SECRET
if (!secret) {
  console.error('Set WEBHOOK_SECRET to the endpoint’s signing secret (shown once when it is added on /admin/webhooks).')
  process.exit(1)
}
const port = Number(process.env.WEBHOOK_RECEIVER_PORT || 4000)
const webhook = new Webhook(secret)
const MAX_BODY = 1024 * 1024

type Message = { type: string; timestamp: string; data: Record<string, unknown> }

/** One line for the events a product team watches most, the raw data for the others. */
function describe(message: Message) {
  const idea = message.data.idea as { id?: number; title?: string; status?: string } | undefined
  if (message.type === 'idea.status_changed' && idea) {
    return `idea #${idea.id} “${idea.title}” ${String(message.data.fromStatus)} → ${String(message.data.toStatus)}`
  }
  if (idea) return `idea #${idea.id} “${idea.title}”`
  return JSON.stringify(message.data)
}

const server = http.createServer((req, res) => {
  if (req.method !== 'POST') {
    res.writeHead(405, { Allow: 'POST' }).end()
    return
  }
  const chunks: Buffer[] = []
  let size = 0
  req.on('data', (chunk: Buffer) => {
    size += chunk.length
    if (size <= MAX_BODY) chunks.push(chunk)
  })
  req.on('end', () => {
    const body = Buffer.concat(chunks).toString('utf8')
    const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(', ') : (v ?? '')]))
    let message: Message
    try {
      if (size > MAX_BODY) throw new Error('body too large')
      message = webhook.verify(body, headers) as Message
    } catch (error) {
      console.log(`refused ${headers['webhook-id'] || '(no webhook-id)'}: ${(error as Error).message}`)
      res.writeHead(401, { 'Content-Type': 'text/plain' }).end('signature does not verify\n')
      return
    }
    console.log(`verified ${message.type} ${headers['webhook-id']}: ${describe(message)}`)
    res.writeHead(204).end()
  })
})

server.listen(port, '127.0.0.1', () => {
  console.log(`Listening on http://127.0.0.1:${port}/ for Summit's webhooks (Ctrl-C stops).`)
})
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => server.close(() => process.exit(0)))
