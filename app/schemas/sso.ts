/**
 * Single sign-on settings as an admin enters them, on /admin/settings and with `npm run sso`: the
 * OpenID providers, the policy (who must use them) and the signed-JWT log-in. Both doors parse the
 * same string fields with these schemas, so they accept and refuse the same things.
 */
import { z } from 'zod'
import { ROLES } from '~/domain'

/** The provider's part of the callback URL the admin registers at the provider. */
export function oidcCallbackPath(slug: string) {
  return `/sso/oidc/${slug}/callback`
}

export const PROVIDER_SLUG_MAX = 30
export const PROVIDER_LABEL_MAX = 40
export const PROVIDER_URL_MAX = 500
export const CLIENT_ID_MAX = 255
export const CLIENT_SECRET_MAX = 500
export const JWT_SECRET_MIN = 32
export const JWT_SECRET_MAX = 512
export const JWT_AUDIENCE_MAX = 200
/** The stored policy keeps at most this many break-glass accounts (settings.server.ts). */
export const BREAK_GLASS_MAX = 20

/**
 * Plain http is allowed only for the machine itself: a provider run for tests or on a laptop.
 * Anywhere else the client secret and the tokens would cross the network in clear.
 */
const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]'])

/** Why `value` cannot be an identity provider's URL, or null when it can. */
export function providerUrlProblem(value: string): string | null {
  let url: URL
  try {
    url = new URL(value)
  } catch {
    return 'Enter a full URL, such as https://login.example.com.'
  }
  if (url.protocol === 'http:' && !LOOPBACK_HOSTS.has(url.hostname)) {
    return 'Use https:// (http:// only for 127.0.0.1, localhost or ::1).'
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return 'Use an https:// URL.'
  if (url.username || url.password) return 'Leave the user name and password out of the URL.'
  if (url.search || url.hash) return 'Leave the ? query and the # part out of the URL.'
  return null
}

/** An https URL (http on loopback) of at most PROVIDER_URL_MAX characters, kept exactly as typed. */
function providerUrl(missing: string) {
  return z
    .string({ error: missing })
    .trim()
    .min(1, missing)
    .max(PROVIDER_URL_MAX, `Use at most ${PROVIDER_URL_MAX} characters.`)
    .superRefine((value, ctx) => {
      const problem = value ? providerUrlProblem(value) : null
      if (problem) ctx.addIssue({ code: 'custom', message: problem })
    })
}

const Checkbox = z
  .literal('on')
  .optional()
  .transform((v) => v === 'on')

export const ProviderSlug = z
  .string({ error: 'Enter a short name.' })
  .trim()
  .toLowerCase()
  .min(2, 'Use at least 2 characters.')
  .max(PROVIDER_SLUG_MAX, `Use at most ${PROVIDER_SLUG_MAX} characters.`)
  .regex(/^[a-z0-9-]+$/, 'Use only letters a–z, digits and -.')
  // The callback route's own pattern: the first and last characters are not hyphens.
  .regex(/^[a-z0-9](?:.*[a-z0-9])?$/, 'Start and end with a letter or a digit.')

const ProviderFields = z.object({
  slug: ProviderSlug,
  label: z
    .string({ error: 'Enter a name for the log-in button.' })
    .trim()
    .min(1, 'Enter a name for the log-in button.')
    .max(PROVIDER_LABEL_MAX, `Use at most ${PROVIDER_LABEL_MAX} characters.`),
  issuer: providerUrl('Enter the issuer URL.'),
  clientId: z
    .string({ error: 'Enter the client ID.' })
    .trim()
    .min(1, 'Enter the client ID.')
    .max(CLIENT_ID_MAX, `Use at most ${CLIENT_ID_MAX} characters.`),
  role: z.enum(ROLES, { error: 'Choose a role.' }).optional().default('member'),
  /** '' or missing: no segment. */
  segmentId: z
    .string()
    .regex(/^(|[1-9]\d{0,15})$/, 'Choose a segment.')
    .optional()
    .transform((v) => (v ? Number(v) : null)),
  linkVerifiedEmail: Checkbox,
  enabled: Checkbox,
})

const ClientSecret = z
  .string({ error: 'Enter the client secret.' })
  .trim()
  .min(1, 'Enter the client secret.')
  .max(CLIENT_SECRET_MAX, `Use at most ${CLIENT_SECRET_MAX} characters.`)

/** A new provider: the client secret is required. */
export const NewProviderForm = ProviderFields.extend({ clientSecret: ClientSecret })

/** A provider's new settings: an empty client secret keeps the stored one. */
export const ProviderUpdateForm = ProviderFields.extend({
  clientSecret: z
    .string()
    .trim()
    .max(CLIENT_SECRET_MAX, `Use at most ${CLIENT_SECRET_MAX} characters.`)
    .optional()
    .transform((v) => v || undefined),
})

export const SSO_REQUIRE = ['off', 'staff', 'everyone'] as const
export type SsoRequire = (typeof SSO_REQUIRE)[number]

/** "alice, bob" or one per line: lower-case usernames, each once. */
export function splitUsernames(text: string) {
  return [
    ...new Set(
      text
        .split(/[\s,]+/)
        .map((name) => name.trim().toLowerCase())
        .filter(Boolean),
    ),
  ]
}

export const SsoPolicyForm = z.object({
  require: z.enum(SSO_REQUIRE, { error: 'Choose who must use single sign-on.' }),
  breakGlass: z
    .string()
    .max(2000, 'Use at most 2000 characters.')
    .optional()
    .default('')
    .transform(splitUsernames)
    .superRefine((names, ctx) => {
      const bad = names.find((name) => !/^[a-z0-9_-]{2,30}$/.test(name))
      if (bad) ctx.addIssue({ code: 'custom', message: `“${bad.slice(0, 40)}” is not a username.` })
      else if (names.length > BREAK_GLASS_MAX) ctx.addIssue({ code: 'custom', message: `Name at most ${BREAK_GLASS_MAX} accounts.` })
    }),
})

export const JwtSecret = z
  .string({ error: `Enter a secret of at least ${JWT_SECRET_MIN} characters.` })
  .trim()
  .min(JWT_SECRET_MIN, `Use at least ${JWT_SECRET_MIN} characters.`)
  .max(JWT_SECRET_MAX, `Use at most ${JWT_SECRET_MAX} characters.`)

export const JWT_KEY_TYPES = ['secret', 'jwks'] as const
export type JwtKeyType = (typeof JWT_KEY_TYPES)[number]

/**
 * The signed-JWT log-in. Tokens are signed either with the shared secret (HS256) or with keys
 * published at a JWKS URL (RS256, ES256, EdDSA), never both: choosing one clears the other.
 * Whether a secret is already stored is the model's question (an empty `secret` keeps it).
 */
export const JwtSsoForm = z
  .object({
    enabled: Checkbox,
    audience: z
      .string({ error: 'Enter the audience.' })
      .trim()
      .min(1, 'Enter the audience.')
      .max(JWT_AUDIENCE_MAX, `Use at most ${JWT_AUDIENCE_MAX} characters.`),
    keyType: z.enum(JWT_KEY_TYPES, { error: 'Choose how the tokens are signed.' }),
    secret: z
      .string()
      .optional()
      .transform((v) => v?.trim() || null)
      .pipe(JwtSecret.nullable()),
    jwksUrl: z
      .string()
      .optional()
      .transform((v) => v?.trim() || null)
      .pipe(providerUrl('Enter the JWKS URL.').nullable()),
  })
  .superRefine((form, ctx) => {
    if (form.keyType === 'jwks' && !form.jwksUrl) ctx.addIssue({ code: 'custom', path: ['jwksUrl'], message: 'Enter the JWKS URL.' })
  })
