/**
 * Logging in (or connecting an account) through an OpenID provider: the flow between the redirect
 * to the provider and its callback. The protocol is openid-client's (app/lib/oidc.server.ts); this
 * model keeps each flow's secrets and turns the provider's verified claims into a member through
 * signInWithIdentity().
 *
 * A flow's PKCE verifier, state and nonce stay on the server, in `sso_flows`, under the SHA-256 of a
 * random key that only the browser's cookie holds (HttpOnly, SameSite=Lax, path /sso/oidc). A
 * callback without that cookie, with another browser's cookie, or after ten minutes finds no flow;
 * a flow is deleted when its callback arrives, whatever the outcome, so a code or state can be
 * played only once.
 */
import { createHash } from 'node:crypto'
import { eq, lt } from 'drizzle-orm'
import { oidcProviders, ssoFlows } from '#db/schema'
import { type Db, writeTransaction } from '~/lib/db.server'
import { DomainError, NotFoundError } from '~/lib/errors'
import { authorizationUrl, completeAuthorization, describeOidcError, discover, newFlowSecrets } from '~/lib/oidc.server'
import { signInWithIdentity } from './identities.server'
import { getProviderForLogin } from './oidc-providers.server'

export const FLOW_TTL_MS = 10 * 60_000

/** A log-in the provider or our checks refused (400), or a provider out of reach (503). */
export class OidcLoginError extends Error {
  constructor(
    message: string,
    readonly status: 400 | 403 | 404 | 409 | 503,
    readonly providerLabel: string | null = null,
  ) {
    super(message)
  }
}

const flowId = (key: string) => createHash('sha256').update(key).digest('hex')

function enabledProvider(db: Db, slug: string) {
  const provider = getProviderForLogin(db, slug)
  if (!provider) throw new NotFoundError('identity provider')
  if (!provider.enabled) throw new OidcLoginError(`Log-in with ${provider.label} is turned off.`, 403, provider.label)
  return provider
}

async function providerConfig(provider: ReturnType<typeof enabledProvider>) {
  try {
    return await discover(provider)
  } catch (error) {
    const described = describeOidcError(error)
    console.warn(`OpenID discovery for ${provider.issuer} failed: ${described.detail}`)
    throw new OidcLoginError(`${provider.label} cannot be reached right now. Try again in a few minutes.`, 503, provider.label)
  }
}

/**
 * Starts a flow: stores its secrets under the browser's flow key and returns the provider's
 * authorization URL. `linkUserId` (a logged-in member connecting from their settings) is kept with
 * the flow, so the callback connects that account and no other.
 */
export async function startOidcLogin(
  db: Db,
  input: { slug: string; flowKey: string; redirectUri: string; redirectTo: string; linkUserId: number | null; now?: Date },
) {
  const now = input.now ?? new Date()
  const provider = enabledProvider(db, input.slug)
  const config = await providerConfig(provider)
  const secrets = newFlowSecrets()
  const url = await authorizationUrl(config, secrets, input.redirectUri)
  writeTransaction(db, (tx) => {
    tx.delete(ssoFlows).where(lt(ssoFlows.expiresAt, now)).run()
    tx.insert(ssoFlows)
      .values({
        id: flowId(input.flowKey),
        providerId: provider.id,
        ...secrets,
        redirectTo: input.redirectTo,
        linkUserId: input.linkUserId,
        expiresAt: new Date(now.getTime() + FLOW_TTL_MS),
      })
      .run()
  })
  return url
}

/** Takes the flow (deleting it), or null when there is none for this key, it is another provider's, or it expired. */
function takeFlow(db: Db, flowKey: string | null, providerId: number, now: Date) {
  if (!flowKey) return null
  const id = flowId(flowKey)
  return writeTransaction(db, (tx) => {
    const flow = tx.select().from(ssoFlows).where(eq(ssoFlows.id, id)).get()
    if (flow) tx.delete(ssoFlows).where(eq(ssoFlows.id, id)).run()
    return flow && flow.providerId === providerId && flow.expiresAt.getTime() > now.getTime() ? flow : null
  })
}

/**
 * Finishes a flow on the provider's callback: checks everything (through openid-client), then logs
 * in, creates or connects the member. Returns who to log in and where to go next.
 */
export async function finishOidcLogin(db: Db, input: { slug: string; flowKey: string | null; callbackUrl: URL; now?: Date }) {
  const now = input.now ?? new Date()
  const provider = enabledProvider(db, input.slug)
  const flow = takeFlow(db, input.flowKey, provider.id, now)
  if (!flow) {
    throw new OidcLoginError(
      'This log-in link has expired or was already used, or it was started in another browser. Start again.',
      400,
      provider.label,
    )
  }
  const config = await providerConfig(provider)
  let claims
  try {
    claims = await completeAuthorization(config, input.callbackUrl, flow)
  } catch (error) {
    const described = describeOidcError(error)
    console.warn(`OpenID log-in through ${provider.issuer} refused: ${described.detail}`)
    throw new OidcLoginError(described.message, described.status, provider.label)
  }
  try {
    const result = signInWithIdentity(
      db,
      { ...claims, providerId: provider.id },
      { label: provider.label, role: provider.role, segmentId: provider.segmentId, linkVerifiedEmail: provider.linkVerifiedEmail },
      { linkUserId: flow.linkUserId, now },
    )
    return { ...result, connected: flow.linkUserId != null, redirectTo: flow.redirectTo, providerLabel: provider.label }
  } catch (error) {
    if (error instanceof DomainError && (error.status === 400 || error.status === 403 || error.status === 409)) {
      throw new OidcLoginError(error.message, error.status, provider.label)
    }
    throw error
  }
}

/**
 * What an admin's "Check connection" finds: the provider's discovery document read with its
 * client's settings (endpoints and keys), or why it could not be read.
 */
export async function checkProviderConnection(db: Db, providerId: number) {
  const provider = db.select().from(oidcProviders).where(eq(oidcProviders.id, providerId)).get()
  if (!provider) throw new NotFoundError('identity provider')
  try {
    const metadata = (await discover(provider)).serverMetadata()
    return {
      ok: true as const,
      issuer: metadata.issuer,
      authorizationEndpoint: metadata.authorization_endpoint ?? null,
      tokenEndpoint: metadata.token_endpoint ?? null,
      jwksUri: metadata.jwks_uri ?? null,
      supportsS256: (metadata.code_challenge_methods_supported ?? ['S256']).includes('S256'),
    }
  } catch (error) {
    const described = describeOidcError(error)
    return { ok: false as const, message: `Summit could not read ${provider.issuer}/.well-known/openid-configuration: ${described.detail}` }
  }
}
