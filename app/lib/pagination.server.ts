/**
 * Keyset pagination. A list queries `limit(pageSize + 1)` ordered by (sort value, id) descending
 * and compares a row value against the cursor, which uses the list's index. The cursor is an
 * opaque base64url of the last row's { sort, id }. A malformed cursor means the first page.
 */
export type Cursor = { sort: number; id: number }

export const DEFAULT_PAGE_SIZE = 20

export function encodeCursor(cursor: Cursor) {
  return Buffer.from(JSON.stringify([cursor.sort, cursor.id])).toString('base64url')
}

export function decodeCursor(value: string | null | undefined): Cursor | null {
  if (!value || value.length > 100) return null
  try {
    const parsed: unknown = JSON.parse(Buffer.from(value, 'base64url').toString('utf8'))
    if (!Array.isArray(parsed) || parsed.length !== 2) return null
    const [sort, id] = parsed
    if (!Number.isSafeInteger(sort) || !Number.isSafeInteger(id) || id < 1) return null
    return { sort, id }
  } catch {
    return null
  }
}

/** Trims the extra row and returns the cursor of the last kept row when there is a next page. */
export function toPage<T extends { id: number }>(rows: T[], pageSize: number, sortOf: (row: T) => number) {
  const hasMore = rows.length > pageSize
  const items = hasMore ? rows.slice(0, pageSize) : rows
  const last = items.at(-1)
  return { items, nextCursor: hasMore && last ? encodeCursor({ sort: sortOf(last), id: last.id }) : null }
}
