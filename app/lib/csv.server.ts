/**
 * CSV files for staff exports: RFC 4180 (CRLF line ends; a field holding a comma, a double quote,
 * CR or LF is quoted and its quotes doubled), and safe to open in a spreadsheet: a text cell that
 * starts with = + - @ (or a tab or CR, which some spreadsheets skip before reading a formula) gets
 * a leading apostrophe, so "=HYPERLINK(…)" is shown as text instead of run as a formula.
 */

export type CsvCell = string | number | boolean | Date | null | undefined

const FORMULA_START = /^[=+\-@\t\r]/
const NEEDS_QUOTES = /[",\r\n]/

/** One cell as CSV text. Numbers are written as they are (a negative count is not a formula). */
export function csvCell(value: CsvCell): string {
  if (value == null) return ''
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : ''
  if (typeof value === 'boolean') return value ? 'true' : 'false'
  let text = value instanceof Date ? value.toISOString() : value
  if (FORMULA_START.test(text)) text = `'${text}`
  return NEEDS_QUOTES.test(text) ? `"${text.replace(/"/g, '""')}"` : text
}

/** One record, CRLF-terminated. */
export function csvRow(cells: readonly CsvCell[]): string {
  return `${cells.map(csvCell).join(',')}\r\n`
}

/** A whole (small) file at once. */
export function toCsv(rows: readonly (readonly CsvCell[])[]): string {
  return rows.map(csvRow).join('')
}

/** A file name safe in Content-Disposition: lower-case letters, digits, dashes and dots only. */
export function safeFilename(name: string) {
  const cleaned = name
    .toLowerCase()
    .replace(/[^a-z0-9.]+/g, '-')
    .replace(/^[-.]+|-+$/g, '')
    .slice(0, 80)
  return cleaned || 'export.csv'
}

/**
 * A streamed CSV download: `header` first, then each batch `nextBatch` returns until it returns
 * null. One batch is in memory at a time, whatever the size of the export.
 */
export function csvResponse(filename: string, header: readonly string[], nextBatch: () => readonly (readonly CsvCell[])[] | null) {
  const encoder = new TextEncoder()
  let sentHeader = false
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (!sentHeader) {
        sentHeader = true
        // A byte-order mark so spreadsheet programs read the file as UTF-8.
        controller.enqueue(encoder.encode(`\uFEFF${csvRow(header)}`))
        return
      }
      // An empty batch enqueues nothing, and the stream would not pull again: ask for the next one.
      for (;;) {
        const batch = nextBatch()
        if (!batch) {
          controller.close()
          return
        }
        if (batch.length) {
          controller.enqueue(encoder.encode(batch.map(csvRow).join('')))
          return
        }
      }
    },
  })
  return new Response(stream, {
    headers: {
      'Content-Type': 'text/csv; charset=utf-8',
      'Content-Disposition': `attachment; filename="${safeFilename(filename)}"`,
      'Cache-Control': 'private, no-store',
      'X-Content-Type-Options': 'nosniff',
    },
  })
}
