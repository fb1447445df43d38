/**
 * ETag matching for conditional GETs, shared by the routes that tag their own answers
 * (isNotModified() in app/lib/http.server.ts) and the visitor page cache (server/page-cache.ts).
 */

/**
 * Whether an If-None-Match header names this ETag: `*`, or the same tag by the weak comparison
 * (RFC 9110, section 13.1.2: a `W/` prefix on either side does not matter).
 */
export function matchesETag(ifNoneMatch: string | null | undefined, etag: string) {
  if (!ifNoneMatch) return false
  const bare = (tag: string) => tag.trim().replace(/^W\//, '')
  const wanted = bare(etag)
  return ifNoneMatch.split(',').some((tag) => tag.trim() === '*' || bare(tag) === wanted)
}
