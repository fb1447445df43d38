/**
 * CoalescingStream (app/lib/coalescing-stream.server.ts): what is written in one turn of the event
 * loop comes out as one chunk, what comes later follows in its own, and nothing is lost or reordered.
 */
import { expect, test } from 'vitest'
import { CoalescingStream } from '~/lib/coalescing-stream.server'

function collect(stream: CoalescingStream) {
  const chunks: string[] = []
  stream.on('data', (chunk: Buffer) => chunks.push(chunk.toString('utf8')))
  const ended = new Promise<void>((resolve) => stream.on('end', resolve))
  return { chunks, ended }
}

test('many small writes in one turn come out as one chunk', async () => {
  const stream = new CoalescingStream()
  const { chunks, ended } = collect(stream)
  for (let i = 0; i < 100; i++) stream.write(`<p>${i}</p>`)
  stream.end()
  await ended
  expect(chunks).toHaveLength(1)
  expect(chunks[0]).toBe(Array.from({ length: 100 }, (_, i) => `<p>${i}</p>`).join(''))
})

test('a later write (a deferred part) follows in a chunk of its own, in order', async () => {
  const stream = new CoalescingStream()
  const { chunks, ended } = collect(stream)
  stream.write('<html>')
  stream.write('<body>shell')
  await new Promise((resolve) => setTimeout(resolve, 5))
  expect(chunks).toEqual(['<html><body>shell'])
  stream.write('<template>late</template>')
  stream.end('</body></html>')
  await ended
  expect(chunks).toEqual(['<html><body>shell', '<template>late</template></body></html>'])
})

test('strings and buffers mix, and multibyte characters split across writes survive', async () => {
  const stream = new CoalescingStream()
  const { chunks, ended } = collect(stream)
  const bytes = Buffer.from('“Summit”', 'utf8')
  stream.write(bytes.subarray(0, 2))
  stream.write(bytes.subarray(2))
  stream.write(' é')
  stream.end()
  await ended
  expect(chunks.join('')).toBe('“Summit” é')
})
