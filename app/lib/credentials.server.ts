/**
 * Which requests carry a member's credentials, by one rule for the session code
 * (app/lib/auth.server.ts), the answers' audience (app/entry.server.tsx) and the visitor page cache
 * (server/page-cache.ts). Imports nothing, so the HTTP front can use it as it is.
 */

export const SESSION_COOKIE_NAME = 'summit_session'

/**
 * The values of the cookies named `name` in a Cookie header, as sent. Names and values are not
 * percent-decoded: ours never need it, and a mis-encoded cookie (ours or anyone's) can then never
 * make a page fail. `summit%5Fsession` is another cookie, not ours.
 */
export function cookieValues(header: string | null | undefined, name: string) {
  const values: string[] = []
  if (!header) return values
  for (const part of header.split(';')) {
    const eq = part.indexOf('=')
    if (eq !== -1 && part.slice(0, eq).trim() === name) values.push(part.slice(eq + 1).trim())
  }
  return values
}

/**
 * Whether a request carries anything that could make it a member's: a session cookie (by the very
 * rule getUser() reads it with, well-formed or not) or an Authorization header. A request that
 * carries credentials never gets or feeds a page kept for visitors.
 */
export function carriesCredentials(cookieHeader: string | null | undefined, authorization?: string | null) {
  return Boolean(authorization) || cookieValues(cookieHeader, SESSION_COOKIE_NAME).length > 0
}
