/**
 * Gzip for the pages the visitor page cache keeps (server/page-cache.ts), compressed once although every copy
 * sent carries its own CSP nonce.
 *
 * A kept page is a template with a slot wherever the nonce goes. Each stretch between two slots is
 * deflated once, on its own and ended with a sync flush (RFC 1951 blocks that end on a byte
 * boundary and are not final), so the stretches can be laid end to end with a freshly deflated
 * nonce between them, then one empty final block: together a single valid deflate stream. The gzip
 * trailer's CRC-32 and length are computed per copy over the plain text, which is fast next to
 * compressing it. Compressing a 140 KB page costs about 1.5 ms of CPU; assembling it costs a
 * small fraction of that.
 */
import zlib from 'node:zlib'

export type GzipTemplate = {
  /** The plain text between the slots (views into one buffer). */
  parts: Buffer[]
  /** Each part deflated on its own, ending with a sync flush. */
  deflated: Buffer[]
  /** Memory held, for the cache's accounting. */
  bytes: number
}

const SYNC_FLUSH = { finishFlush: zlib.constants.Z_SYNC_FLUSH }
/** Magic, deflate, no flags, no time, no extra flags, unknown OS. */
const GZIP_HEADER = Buffer.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff])
/** A final, empty block with fixed Huffman codes: BFINAL=1, BTYPE=01, end-of-block. */
const FINAL_EMPTY_BLOCK = Buffer.from([0x03, 0x00])

export function prepareGzipTemplate(template: string, slot: string): GzipTemplate {
  const text = Buffer.from(template, 'utf8')
  const marker = Buffer.from(slot, 'utf8')
  const parts: Buffer[] = []
  let start = 0
  for (let at = text.indexOf(marker); at !== -1; at = text.indexOf(marker, start)) {
    parts.push(text.subarray(start, at))
    start = at + marker.length
  }
  parts.push(text.subarray(start))
  const deflated = parts.map((part) => zlib.deflateRawSync(part, SYNC_FLUSH))
  return { parts, deflated, bytes: text.length + deflated.reduce((sum, chunk) => sum + chunk.length, 0) }
}

/** The template with `fill` in every slot, gzipped. */
export function gzipTemplate(template: GzipTemplate, fill: string): Buffer {
  const fillText = Buffer.from(fill, 'utf8')
  const fillDeflated = template.parts.length > 1 ? zlib.deflateRawSync(fillText, SYNC_FLUSH) : null
  const chunks: Buffer[] = [GZIP_HEADER]
  let crc = 0
  let size = 0
  template.parts.forEach((part, i) => {
    if (i > 0 && fillDeflated) {
      chunks.push(fillDeflated)
      crc = zlib.crc32(fillText, crc)
      size += fillText.length
    }
    chunks.push(template.deflated[i] as Buffer)
    crc = zlib.crc32(part, crc)
    size += part.length
  })
  const trailer = Buffer.alloc(8)
  trailer.writeUInt32LE(crc >>> 0, 0)
  trailer.writeUInt32LE(size % 2 ** 32, 4)
  chunks.push(FINAL_EMPTY_BLOCK, trailer)
  return Buffer.concat(chunks)
}
