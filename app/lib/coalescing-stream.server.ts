/**
 * A pass-through that hands on what was written to it in one piece per turn of the event loop.
 *
 * React's renderer writes a page as many small chunks (about 2 KB each), and Remix's Node adapter
 * flushes the response after every chunk it reads, which makes the compression middleware end a
 * gzip block each time: a member's 150 KB question page went out as 54 KB of gzip instead of 15 KB,
 * and the flushes cost a tenth of the server's CPU. A page whose data is all there renders in one
 * turn, so it now goes out as one chunk; anything rendered later (a deferred part) follows in its
 * own chunk as soon as it is ready, so streaming still streams.
 */
import { Transform, type TransformCallback } from 'node:stream'

export class CoalescingStream extends Transform {
  private parts: Buffer[] = []
  private scheduled = false

  override _transform(chunk: Buffer | string, encoding: BufferEncoding, callback: TransformCallback) {
    this.parts.push(typeof chunk === 'string' ? Buffer.from(chunk, encoding) : chunk)
    if (!this.scheduled) {
      this.scheduled = true
      setImmediate(() => this.handOn())
    }
    callback()
  }

  override _flush(callback: TransformCallback) {
    this.handOn()
    callback()
  }

  private handOn() {
    this.scheduled = false
    if (this.parts.length === 0) return
    const parts = this.parts
    this.parts = []
    this.push(parts.length === 1 ? parts[0] : Buffer.concat(parts))
  }
}
