/**
 * Logging customers in from the company's own product: its app signs a short-lived JWT about the
 * person (`sub`, `email`, `name`, optional `company` and `segment`) and sends the browser to
 * /sso/jwt with it. This module checks the token and signs the member in (docs/sso.md).
 *
 * What a token must be:
 * - signed with HS256 and the shared secret from the admin settings, or with RS256, ES256 or EdDSA
 *   by a key published at the settings' JWKS URL (when both are set, the token's `alg` picks which);
 *   `alg: none` and every other algorithm are refused;
 * - for this community: `aud` names the configured audience;
 * - fresh: `exp`, `iat`, `jti` and `sub` present; not expired, issued at most 10 minutes ago and not
 *   in the future, and `exp` at most 10 minutes ahead (each with 30 s for clocks that drift);
 * - used once: its `jti` is recorded until it expires, in the same transaction as the login;
 * - small: at most 8 KB, with claims of bounded size (see Claims).
 *
 * An e-mail address that already belongs to another account is never joined to the app's identity
 * (linkVerifiedEmail is off, whatever `email_verified` says): the company's app vouches for who the
 * customer is in the app, not for who owns an account here. That login is refused.
 * A `segment` that names no segment of this community is ignored (the login goes on without it):
 * an admin renaming a segment must not lock customers out.
 */
import { lte, sql } from 'drizzle-orm'
import { createRemoteJWKSet, errors, type JWTPayload, type JWTVerifyGetKey, jwtVerify } from 'jose'
import { z } from 'zod'
import { jwtReplays, segments } from '#db/schema'
import { type Db, writeTransaction } from '~/lib/db.server'
import { DomainError } from '~/lib/errors'
import { type CompanyClaims } from './companies.server'
import { type IdentityPolicy, IdentityRefusedError, JWT_ISSUER, signInWithIdentity } from './identities.server'
import { getJwtSsoSettings } from './settings.server'

/** A token longer than this is refused before it is parsed. */
export const MAX_TOKEN_BYTES = 8 * 1024
/** The longest a token may still be valid for, from now (and the oldest its `iat` may be). */
export const MAX_TOKEN_LIFETIME_SECONDS = 10 * 60
/** How far the app's clock and ours may disagree. */
export const CLOCK_TOLERANCE_SECONDS = 30

const SECRET_ALGORITHMS = ['HS256']
const PUBLIC_KEY_ALGORITHMS = ['RS256', 'ES256', 'EdDSA']

/** What a login through the company's app gives: a member, who keeps any higher role. */
const JWT_POLICY: IdentityPolicy = {
  label: "your company's app",
  role: 'member',
  segmentId: null,
  linkVerifiedEmail: false,
  updateProfile: true,
}

/** The claims Summit uses, bounded; anything else in the token is ignored. */
const Claims = z.object({
  sub: z.string().min(1).max(200),
  jti: z.string().min(1).max(200),
  exp: z.number(),
  email: z.string().trim().toLowerCase().max(254).pipe(z.email()),
  email_verified: z.boolean().optional(),
  name: z.string().max(100).nullish(),
  company: z
    .object({
      id: z.union([z.string().trim().min(1).max(200), z.number().int().nonnegative().transform(String)]),
      name: z.string().trim().min(1).max(100),
      plan: z.string().trim().max(40).nullish(),
      monthly_revenue: z.number().int().min(0).max(1e12).nullish(),
    })
    .nullish(),
  segment: z.string().trim().max(40).nullish(),
})
export type LoginClaims = z.infer<typeof Claims>

export const JWT_REFUSALS = [
  'disabled',
  'too-large',
  'malformed',
  'signature',
  'audience',
  'expired',
  'too-long-lived',
  'issued-in-future',
  'missing-claim',
  'invalid-claim',
  'replayed',
  'email-taken',
] as const
export type JwtRefusal = (typeof JWT_REFUSALS)[number]

/** The claims a refusal may name: those Summit requires or reads. */
export const JWT_CLAIM_NAMES = [
  'aud',
  'exp',
  'iat',
  'nbf',
  'jti',
  'sub',
  'email',
  'email_verified',
  'name',
  'company',
  'company.id',
  'company.name',
  'company.plan',
  'company.monthly_revenue',
  'segment',
] as const
export type JwtClaimName = (typeof JWT_CLAIM_NAMES)[number]

const isClaimName = (name: string | undefined): name is JwtClaimName => JWT_CLAIM_NAMES.some((known) => known === name)

const AGAIN = 'Go back to the app and follow its link to the community again.'

/** Messages for the person holding the link, and for the developer who made it; they never repeat the token or the settings. */
function refusalMessage(reason: JwtRefusal, claim: JwtClaimName | undefined) {
  switch (reason) {
    case 'disabled':
      return "Logging in from your company's app is not turned on for this community."
    case 'too-large':
      return `This sign-in link is too long to be a sign-in token (at most ${MAX_TOKEN_BYTES / 1024} KB).`
    case 'malformed':
      return `This sign-in link is incomplete or damaged. ${AGAIN}`
    case 'signature':
      return 'This sign-in link is not signed with a key this community trusts.'
    case 'audience':
      return 'This sign-in link was made for another site.'
    case 'expired':
      return `This sign-in link has expired. ${AGAIN}`
    case 'too-long-lived':
      return `This sign-in link is valid for too long: a sign-in token may expire at most ${MAX_TOKEN_LIFETIME_SECONDS / 60} minutes after it is made.`
    case 'issued-in-future':
      return 'This sign-in link says it was made in the future. The clock of the server that made it is wrong.'
    case 'missing-claim':
      return claim
        ? `This sign-in link has no "${claim}" claim, which a sign-in token must carry.`
        : 'This sign-in link lacks a claim that a sign-in token must carry.'
    case 'invalid-claim':
      return claim
        ? `The "${claim}" claim of this sign-in link is missing, too long or not valid.`
        : 'A claim of this sign-in link is missing, too long or not valid.'
    case 'replayed':
      return `This sign-in link has already been used. ${AGAIN}`
    case 'email-taken':
      return "An account with this e-mail address already exists in the community, and it was not made through your company's app. Log in to it with its password instead."
  }
}

/** A token the rules refuse: 403 when the feature is off, 400 otherwise. */
export class JwtLoginError extends DomainError {
  readonly claim: JwtClaimName | undefined
  constructor(
    readonly reason: JwtRefusal,
    claim?: string,
  ) {
    const known = isClaimName(claim) ? claim : undefined
    super(refusalMessage(reason, known), reason === 'disabled' ? 403 : 400)
    this.claim = known
  }
}

/** The keys at the JWKS URL could not be fetched (down, slow, not a key set): not the visitor's fault. */
export class JwtKeysUnavailableError extends Error {
  constructor(options?: { cause?: unknown }) {
    super("The signing keys of your company's app could not be fetched. Try again in a moment.", options)
    this.name = 'JwtKeysUnavailableError'
  }
}

/**
 * One key set per URL, so jose's cache (keys kept 10 minutes, refetched at most every 30 s for an
 * unknown `kid`) lives across requests.
 */
const keySets = new Map<string, ReturnType<typeof createRemoteJWKSet>>()
function keySetAt(url: string) {
  let keySet = keySets.get(url)
  if (!keySet) {
    keySet = createRemoteJWKSet(new URL(url))
    keySets.set(url, keySet)
  }
  return keySet
}

function keyResolver(secret: string | null, jwksUrl: string | null): JWTVerifyGetKey {
  const secretKey = secret ? new TextEncoder().encode(secret) : null
  return async (header, token) => {
    // jose has already refused any algorithm outside the allowed list, so the alg picks the key kind.
    if (header.alg === 'HS256' && secretKey) return secretKey
    if (header.alg !== 'HS256' && jwksUrl) {
      try {
        return await keySetAt(jwksUrl)(header, token)
      } catch (error) {
        if (error instanceof errors.JWKSNoMatchingKey || error instanceof errors.JWKSMultipleMatchingKeys) throw error
        throw new JwtKeysUnavailableError({ cause: error })
      }
    }
    throw new errors.JOSEAlgNotAllowed('no key for this algorithm')
  }
}

/** jose's refusals, as ours. */
function refusalOf(error: unknown): JwtLoginError | null {
  if (error instanceof errors.JWTExpired) return new JwtLoginError('expired')
  if (error instanceof errors.JWTClaimValidationFailed) {
    if (error.reason === 'missing') return new JwtLoginError('missing-claim', error.claim)
    if (error.reason === 'invalid') return new JwtLoginError('invalid-claim', error.claim) // not a number, say
    if (error.claim === 'aud') return new JwtLoginError('audience')
    if (error.claim === 'iat' || error.claim === 'nbf') return new JwtLoginError('issued-in-future')
    return new JwtLoginError('invalid-claim', error.claim)
  }
  if (
    error instanceof errors.JOSEAlgNotAllowed ||
    error instanceof errors.JWSSignatureVerificationFailed ||
    error instanceof errors.JWKSNoMatchingKey ||
    error instanceof errors.JWKSMultipleMatchingKeys
  ) {
    return new JwtLoginError('signature')
  }
  if (error instanceof errors.JOSEError) return new JwtLoginError('malformed')
  return null
}

/**
 * Checks a token's signature, audience, lifetime and claims, without recording anything. Throws
 * JwtLoginError for a token the rules refuse, JwtKeysUnavailableError when the JWKS cannot be read.
 */
export async function verifyLoginToken(db: Db, token: string, now = new Date()): Promise<LoginClaims> {
  const settings = getJwtSsoSettings(db)
  if (!settings.enabled || (!settings.secret && !settings.jwksUrl)) throw new JwtLoginError('disabled')
  if (token.length > MAX_TOKEN_BYTES) throw new JwtLoginError('too-large')
  const algorithms = [...(settings.secret ? SECRET_ALGORITHMS : []), ...(settings.jwksUrl ? PUBLIC_KEY_ALGORITHMS : [])]
  let payload: JWTPayload
  try {
    ;({ payload } = await jwtVerify(token, keyResolver(settings.secret, settings.jwksUrl), {
      algorithms,
      audience: settings.audience,
      requiredClaims: ['exp', 'iat', 'jti', 'sub'],
      clockTolerance: CLOCK_TOLERANCE_SECONDS,
      // Also refuses an `iat` in the future (beyond the tolerance).
      maxTokenAge: MAX_TOKEN_LIFETIME_SECONDS,
      currentDate: now,
    }))
  } catch (error) {
    if (error instanceof JwtKeysUnavailableError) throw error
    throw refusalOf(error) ?? error
  }
  const nowSeconds = now.getTime() / 1000
  if (payload.exp! > nowSeconds + MAX_TOKEN_LIFETIME_SECONDS + CLOCK_TOLERANCE_SECONDS) throw new JwtLoginError('too-long-lived')
  const parsed = Claims.safeParse(payload)
  if (!parsed.success) throw new JwtLoginError('invalid-claim', parsed.error.issues[0]?.path.join('.') || 'claims')
  return parsed.data
}

export type JwtLoginResult = { userId: number; created: boolean }

/**
 * Checks the token and logs its customer in: the member is found by the token's `sub` (created on
 * the first login), their name, e-mail, company and segment updated from the claims. The `jti` is
 * recorded in the same immediate transaction, so a token logs in once even when two requests race.
 */
export async function logInWithToken(db: Db, token: string, now = new Date()): Promise<JwtLoginResult> {
  const claims = await verifyLoginToken(db, token, now)
  // Kept until jose would refuse the token as expired anyway; then it is pruned.
  const keepUntil = new Date((claims.exp + CLOCK_TOLERANCE_SECONDS) * 1000)
  try {
    return writeTransaction(db, (tx) => {
      tx.delete(jwtReplays).where(lte(jwtReplays.expiresAt, now)).run()
      const fresh = tx.insert(jwtReplays).values({ jti: claims.jti, expiresAt: keepUntil }).onConflictDoNothing().returning().all()
      if (fresh.length === 0) throw new JwtLoginError('replayed')
      const segment = claims.segment
        ? tx
            .select({ id: segments.id, name: segments.name })
            .from(segments)
            .where(sql`lower(${segments.name}) = lower(${claims.segment})`)
            .get()
        : undefined
      const company: CompanyClaims | null = claims.company
        ? {
            externalId: claims.company.id,
            name: claims.company.name,
            plan: claims.company.plan,
            monthlyRevenue: claims.company.monthly_revenue,
            segment: segment?.name,
          }
        : null
      // signInWithIdentity opens its own transaction on the same connection; better-sqlite3 runs
      // it as a savepoint of this one, so the jti and the login commit or roll back together.
      const result = signInWithIdentity(
        db,
        {
          issuer: JWT_ISSUER,
          subject: claims.sub,
          providerId: null,
          email: claims.email,
          emailVerified: claims.email_verified === true,
          name: claims.name ?? null,
          preferredUsername: null,
        },
        JWT_POLICY,
        { company, segmentId: segment?.id ?? null, now },
      )
      return { userId: result.userId, created: result.created }
    })
  } catch (error) {
    // The general message suggests connecting the app from the account's settings, which a token cannot do.
    if (error instanceof IdentityRefusedError && error.status === 409) throw new JwtLoginError('email-taken')
    throw error
  }
}
