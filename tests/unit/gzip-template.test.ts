import zlib from 'node:zlib'
import { describe, expect, test } from 'vitest'
import { gzipTemplate, prepareGzipTemplate } from '~/lib/gzip-template.server'

const SLOT = '\u0000nonce\u0000'

function page(comments: number) {
  const items = Array.from(
    { length: comments },
    (_, i) =>
      `<li id="comment-${i}"><a href="/u/member${i % 40}">Member ${i % 40}</a><p>Comment ${i}: exports to CSV — «ça marche» 🙂</p></li>`,
  ).join('')
  return `<!DOCTYPE html><html><head><script nonce="${SLOT}">document.documentElement.dataset.js = '1'</script></head><body><ol>${items}</ol><script nonce="${SLOT}" type="module">import '/assets/entry.js'</script><link nonce="${SLOT}"></body></html>`
}

describe('gzipTemplate', () => {
  test.each([
    ['a page with nonce slots in the head and at the end', page(212)],
    ['a page without a slot', '<p>No scripts here</p>'],
    ['slots at both ends and side by side', `${SLOT}<p>a</p>${SLOT}${SLOT}`],
    ['an empty page', ''],
  ])('%s inflates to the page with the nonce in every slot', (_label, template) => {
    const prepared = prepareGzipTemplate(template, SLOT)
    for (const nonce of ['mFq0e6tS2x3R1k9Zb7YwPQ', 'another-nonce']) {
      const body = gzipTemplate(prepared, nonce)
      expect(zlib.gunzipSync(body).toString('utf8')).toBe(template.replaceAll(SLOT, nonce))
    }
  })

  test('is one gzip member that a strict decoder accepts, smaller than a tenth of a large page', () => {
    const template = page(212)
    const body = gzipTemplate(prepareGzipTemplate(template, SLOT), 'n0nce')
    // finishFlush: Z_FINISH (the default) throws on a truncated or unfinished stream.
    expect(zlib.gunzipSync(body, { finishFlush: zlib.constants.Z_FINISH }).length).toBe(
      Buffer.byteLength(template.replaceAll(SLOT, 'n0nce')),
    )
    expect(body.length).toBeLessThan(Buffer.byteLength(template) / 10)
    expect([...body.subarray(0, 3)]).toEqual([0x1f, 0x8b, 8])
  })
})
