/**
 * "Log in with …" for each identity provider the admin connected. Plain links (GET starts the
 * flow), so they work without JavaScript and under the site's form-action policy.
 */
export type LoginProvider = { slug: string; label: string }

export function ssoStartHref(slug: string, redirectTo: string) {
  return `/sso/oidc/${encodeURIComponent(slug)}?${new URLSearchParams({ redirectTo })}`
}

export function SsoButtons({ providers, redirectTo, verb = 'Log in' }: { providers: LoginProvider[]; redirectTo: string; verb?: string }) {
  if (providers.length === 0) return null
  return (
    <ul className="sso-buttons" aria-label="Single sign-on">
      {providers.map((p) => (
        <li key={p.slug}>
          <a className="button button-secondary sso-button" href={ssoStartHref(p.slug, redirectTo)}>
            {verb} with {p.label}
          </a>
        </li>
      ))}
    </ul>
  )
}
