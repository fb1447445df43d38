/**
 * OpenID Connect relying party, through openid-client (a certified implementation): discovery,
 * the authorization code flow with PKCE (S256), state and nonce, and the ID token's checks. Summit
 * writes no OAuth or JWT code of its own; this module only wires the library to Summit's providers.
 *
 * What openid-client checks on the callback: the `state` (expectedState), the authorization
 * response's issuer, the code exchange with the PKCE verifier, and the ID token's `iss`, `aud`,
 * `azp`, `exp`, `iat` and `nonce` (expectedNonce). enableNonRepudiationChecks() adds the ID token's
 * signature, verified against the provider's JWKS (fetched and cached by the library), which plain
 * openid-client skips for a token received straight from the token endpoint over TLS.
 */
import * as client from 'openid-client'

export type OidcClientSettings = { issuer: string; clientId: string; clientSecret: string; updatedAt: Date }

/** http issuers are only for a provider on this machine (a test or a local IdP); everything else needs https. */
export function isLoopbackHttp(url: URL) {
  return url.protocol === 'http:' && ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname)
}

const DISCOVERY_TTL_MS = 60 * 60_000
const cache = new Map<string, { at: number; config: Promise<client.Configuration> }>()

/** The provider's configuration from its .well-known/openid-configuration, kept for an hour. */
export function discover(settings: OidcClientSettings, now = Date.now()) {
  const key = `${settings.issuer}\n${settings.clientId}\n${settings.updatedAt.getTime()}`
  const kept = cache.get(key)
  if (kept && now - kept.at < DISCOVERY_TTL_MS) return kept.config
  const issuer = new URL(settings.issuer)
  const config = client
    .discovery(issuer, settings.clientId, settings.clientSecret, client.ClientSecretBasic(settings.clientSecret), {
      timeout: 10,
      ...(isLoopbackHttp(issuer) ? { execute: [client.allowInsecureRequests] } : {}),
    })
    .then((config) => {
      client.enableNonRepudiationChecks(config)
      return config
    })
  cache.set(key, { at: now, config })
  // A failed discovery is not kept: the next log-in tries again.
  config.catch(() => cache.delete(key))
  return config
}

/** The secrets of one authorization request, kept by Summit until the callback. */
export type FlowSecrets = { state: string; nonce: string; codeVerifier: string }

export function newFlowSecrets(): FlowSecrets {
  return { state: client.randomState(), nonce: client.randomNonce(), codeVerifier: client.randomPKCECodeVerifier() }
}

/** Where to send the browser: the provider's authorization endpoint with PKCE, state and nonce. */
export async function authorizationUrl(config: client.Configuration, secrets: FlowSecrets, redirectUri: string) {
  const codeChallenge = await client.calculatePKCECodeChallenge(secrets.codeVerifier)
  return client.buildAuthorizationUrl(config, {
    redirect_uri: redirectUri,
    scope: 'openid email profile',
    response_type: 'code',
    code_challenge: codeChallenge,
    code_challenge_method: 'S256',
    state: secrets.state,
    nonce: secrets.nonce,
  })
}

/** The person the provider vouches for, from the checked ID token (and userinfo when it lacks the e-mail). */
export type OidcClaims = {
  issuer: string
  subject: string
  email: string | null
  emailVerified: boolean
  name: string | null
  preferredUsername: string | null
}

const text = (value: unknown) => (typeof value === 'string' && value.trim() ? value.trim() : null)

/**
 * Finishes the flow: exchanges the code (checking state, PKCE and the ID token as above) and returns
 * the claims. Throws openid-client's errors on anything wrong; see describeOidcError().
 */
export async function completeAuthorization(config: client.Configuration, callbackUrl: URL, secrets: FlowSecrets): Promise<OidcClaims> {
  const tokens = await client.authorizationCodeGrant(config, callbackUrl, {
    pkceCodeVerifier: secrets.codeVerifier,
    expectedState: secrets.state,
    expectedNonce: secrets.nonce,
    idTokenExpected: true,
  })
  const idToken = tokens.claims()
  if (!idToken) throw new Error('The provider sent no ID token.')
  let claims: Record<string, unknown> = { ...idToken }
  if (!text(claims.email) && tokens.access_token && config.serverMetadata().userinfo_endpoint) {
    const info = await client.fetchUserInfo(config, tokens.access_token, idToken.sub)
    claims = { ...info, ...claims, email: info.email, email_verified: info.email_verified }
  }
  // Some providers send email_verified as the string "true"; anything else is not verified.
  const verified = claims.email_verified === true || claims.email_verified === 'true'
  return {
    issuer: idToken.iss,
    subject: idToken.sub,
    email: text(claims.email),
    emailVerified: verified,
    name: text(claims.name) ?? ([text(claims.given_name), text(claims.family_name)].filter(Boolean).join(' ') || null),
    preferredUsername: text(claims.preferred_username) ?? text(claims.nickname),
  }
}

/**
 * A sentence for the person, and a status: 503 when the provider could not be reached (try again
 * later), 400 when the answer was refused (the login is not trusted). The details go to the log.
 */
export function describeOidcError(error: unknown): { status: 400 | 503; message: string; detail: string } {
  const detail =
    error instanceof Error ? `${error.name}: ${error.message}${'code' in error ? ` (${String(error.code)})` : ''}` : String(error)
  if (error instanceof client.AuthorizationResponseError) {
    return error.error === 'access_denied'
      ? { status: 400, message: 'The log-in was cancelled at the identity provider.', detail }
      : { status: 400, message: 'The identity provider refused the log-in.', detail }
  }
  const cause = error instanceof Error ? (error.cause as unknown) : null
  const network =
    error instanceof TypeError ||
    (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) ||
    (cause instanceof Error &&
      /ECONNREFUSED|ENOTFOUND|ETIMEDOUT|EAI_AGAIN|ECONNRESET/.test(`${(cause as { code?: string }).code ?? cause.message}`))
  if (network) return { status: 503, message: 'The identity provider cannot be reached right now. Try again in a few minutes.', detail }
  return {
    status: 400,
    message: 'The answer from the identity provider did not pass our checks, so you were not logged in. Start again.',
    detail,
  }
}
