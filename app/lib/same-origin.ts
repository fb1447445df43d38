/**
 * The same-origin rule for state-changing requests, shared by the HTTP front's cross-site refusal
 * (server/origin-check.ts) and readForm() (app/lib/forms.server.ts), which repeats it so route tests
 * cover it. Imports nothing: each side works out the site's origin its own way and asks this.
 */

/**
 * True when a request with these Origin and Referer headers comes from `siteOrigin`. Origin is
 * checked first; only when a browser sends none does Referer count. A request with neither, or
 * `Origin: null`, is not.
 */
export function comesFromOrigin(origin: string | null | undefined, referer: string | null | undefined, siteOrigin: string) {
  if (origin) return origin === siteOrigin
  if (!referer) return false
  try {
    return new URL(referer).origin === siteOrigin
  } catch {
    return false
  }
}
