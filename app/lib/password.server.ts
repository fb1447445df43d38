/**
 * Password hashing (argon2id) and the password rules. Hashing is slow on purpose: call it before a
 * write transaction, never inside one.
 */
import { hash, verify } from '@node-rs/argon2'
import { COMMON_PASSWORDS } from './common-passwords.server'

// OWASP's recommended argon2id minimum: 19 MiB, 2 iterations, 1 lane. @node-rs/argon2 defaults to argon2id.
const ARGON2_OPTIONS = { memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const

export const PASSWORD_MIN_LENGTH = 10
/** Long enough for any passphrase; bounded so nobody can make the server hash megabytes. */
export const PASSWORD_MAX_LENGTH = 200

export function hashPassword(password: string) {
  return hash(password, ARGON2_OPTIONS)
}

export async function verifyPassword(passwordHash: string, password: string) {
  try {
    return await verify(passwordHash, password)
  } catch {
    return false // a malformed stored hash never logs anyone in
  }
}

let dummyHash: Promise<string> | undefined
/** Spends the same time as a real check, so a login for an unknown account does not answer faster. */
export async function verifyAgainstDummy(password: string) {
  dummyHash ??= hashPassword('summit-timing-equaliser')
  await verifyPassword(await dummyHash, password)
  return false
}

/** Returns why a password is refused, or null when it is acceptable. */
export function passwordProblem(password: string, context: { username?: string; email?: string } = {}) {
  if (password.length < PASSWORD_MIN_LENGTH) return `Use at least ${PASSWORD_MIN_LENGTH} characters.`
  if (password.length > PASSWORD_MAX_LENGTH) return `Use at most ${PASSWORD_MAX_LENGTH} characters.`
  const lower = password.toLowerCase()
  if (COMMON_PASSWORDS.has(lower)) return 'This password is too common. Pick something less guessable.'
  if (/^(.)\1+$/.test(password)) return 'This password repeats one character. Pick something less guessable.'
  if (context.username && lower.includes(context.username.toLowerCase()) && context.username.length >= 3) {
    return 'Your password must not contain your username.'
  }
  const localPart = context.email?.split('@')[0]?.toLowerCase()
  if (localPart && localPart.length >= 4 && lower.includes(localPart)) {
    return 'Your password must not contain your e-mail address.'
  }
  return null
}
