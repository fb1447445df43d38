/**
 * HTTP/1.1 over a bare TCP socket, for requests that a browser or Playwright's request client would
 * refuse to send or would tidy up first: odd request lines, duplicate or broken headers, bodies
 * whose length lies. The bytes go out exactly as given; the answers are parsed leniently.
 */
import net from 'node:net'

export type RawResponse = {
  status: number
  reason: string
  headers: Array<[name: string, value: string]>
  /** The body as received (not decoded: chunked bodies are de-chunked, nothing is decompressed). */
  body: Buffer
}

export type RawResult = {
  /** Every complete answer on the connection, in order (1xx interim answers left out). */
  responses: RawResponse[]
  /** How the connection ended: closed by the server, still open when enough answers had come, or the time ran out. */
  ended: 'closed' | 'answered' | 'timeout' | 'error'
  /** A socket error (ECONNRESET …), if any. */
  error: string | null
  /** Bytes received after the last complete answer (an answer cut off mid-way). */
  leftover: number
}

export type RawOptions = {
  host?: string
  port: number
  /** Bind the client socket to this local address (any 127.x.y.z works on Linux). */
  localAddress?: string
  /** Stop once this many answers have arrived (default 1). */
  responses?: number
  /** The request was a HEAD: its answers carry no body whatever their headers say. */
  head?: boolean
  /** End the client's side of the connection once everything is written (a request cut short). */
  endAfterWrite?: boolean
  /** Give up after this long (default 10 s). */
  timeoutMs?: number
}

export function header(response: RawResponse, name: string) {
  const wanted = name.toLowerCase()
  return response.headers.find(([key]) => key.toLowerCase() === wanted)?.[1] ?? null
}

/** Parses one answer at the start of `data`; null while it is incomplete. `closed`: no more bytes will come. */
function parseResponse(data: Buffer, head: boolean, closed: boolean): { response: RawResponse; size: number } | null {
  const end = data.indexOf('\r\n\r\n')
  if (end < 0) return null
  const lines = data.subarray(0, end).toString('latin1').split('\r\n')
  const match = /^HTTP\/\d\.\d (\d{3})(?: (.*))?$/.exec(lines[0] ?? '')
  if (!match) throw new Error(`Not an HTTP answer: ${JSON.stringify(data.subarray(0, 80).toString('latin1'))}`)
  const status = Number(match[1])
  const headers = lines.slice(1).map((line): [string, string] => {
    const colon = line.indexOf(':')
    return colon < 0 ? [line, ''] : [line.slice(0, colon).trim(), line.slice(colon + 1).trim()]
  })
  const response: RawResponse = { status, reason: match[2] ?? '', headers, body: Buffer.alloc(0) }
  const start = end + 4
  if (head || status < 200 || status === 204 || status === 304) return { response, size: start }
  const chunked = /\bchunked\b/i.test(header(response, 'transfer-encoding') ?? '')
  if (chunked) {
    const parts: Buffer[] = []
    let at = start
    for (;;) {
      const lineEnd = data.indexOf('\r\n', at)
      if (lineEnd < 0) return null
      const size = parseInt(data.subarray(at, lineEnd).toString('latin1'), 16)
      if (!Number.isFinite(size)) throw new Error('Unreadable chunk size in an answer')
      if (size === 0) {
        const trailerEnd = data.indexOf('\r\n\r\n', lineEnd)
        const plainEnd = data.subarray(lineEnd, lineEnd + 4).toString('latin1') === '\r\n\r\n'
        if (plainEnd) return { response: { ...response, body: Buffer.concat(parts) }, size: lineEnd + 4 }
        if (trailerEnd < 0) return null
        return { response: { ...response, body: Buffer.concat(parts) }, size: trailerEnd + 4 }
      }
      if (data.length < lineEnd + 2 + size + 2) return null
      parts.push(data.subarray(lineEnd + 2, lineEnd + 2 + size))
      at = lineEnd + 2 + size + 2
    }
  }
  const length = header(response, 'content-length')
  if (length !== null) {
    const size = Number(length)
    if (data.length < start + size) return null
    return { response: { ...response, body: data.subarray(start, start + size) }, size: start + size }
  }
  // Neither: the body runs until the server closes the connection.
  if (!closed) return null
  return { response: { ...response, body: data.subarray(start) }, size: data.length }
}

function parseAll(data: Buffer, head: boolean, closed: boolean) {
  const responses: RawResponse[] = []
  let rest = data
  for (;;) {
    const parsed = parseResponse(rest, head, closed)
    if (!parsed) break
    rest = rest.subarray(parsed.size)
    if (parsed.response.status >= 200) responses.push(parsed.response)
    if (rest.length === 0) break
  }
  return { responses, leftover: rest.length }
}

/** Sends `request` as it is and collects the answers. Never throws for what the server does. */
export function rawRequest(request: string | Buffer, options: RawOptions): Promise<RawResult> {
  const { host = '127.0.0.1', port, localAddress, responses: wanted = 1, head = false, endAfterWrite = false, timeoutMs = 10_000 } = options
  return new Promise((resolve) => {
    const chunks: Buffer[] = []
    let error: string | null = null
    let settled = false
    const socket = net.connect({ host, port, localAddress })
    const finish = (ended: RawResult['ended']) => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      socket.destroy()
      const data = Buffer.concat(chunks)
      let parsed: { responses: RawResponse[]; leftover: number }
      try {
        parsed = parseAll(data, head, ended !== 'answered')
      } catch (problem) {
        parsed = { responses: [], leftover: data.length }
        error ??= (problem as Error).message
      }
      resolve({ ...parsed, ended, error })
    }
    const timer = setTimeout(() => finish('timeout'), timeoutMs)
    socket.on('connect', () => {
      socket.write(request)
      if (endAfterWrite) socket.end()
    })
    socket.on('data', (chunk) => {
      chunks.push(chunk)
      try {
        if (parseAll(Buffer.concat(chunks), head, false).responses.length >= wanted) finish('answered')
      } catch {
        // not an HTTP answer: wait for the close and report it then
      }
    })
    socket.on('error', (problem) => {
      error = (problem as NodeJS.ErrnoException).code ?? problem.message
    })
    socket.on('close', () => finish(error ? 'error' : 'closed'))
  })
}
