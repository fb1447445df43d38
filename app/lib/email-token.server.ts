/**
 * Signed tokens for links in e-mail: unsubscribe links, and the single-use account links (e-mail
 * verification, password reset; see the end of this module).
 *
 * Unsubscribe tokens, in every e-mail. A token names a member and what to stop
 * (one kind of e-mail, or all of it) and carries an HMAC-SHA256 over both, so it works without a
 * login (RFC 8058 one-click) and cannot be changed to unsubscribe someone else. Tokens do not
 * expire: an old e-mail's link must keep working.
 *
 * The key of both is EMAIL_TOKEN_SECRET, or else a random secret created once and kept in a file beside the
 * database (`email-token.secret`), so links survive restarts without any configuration.
 */
import crypto from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { databaseFile } from './db.server'
import { env } from './env.server'

export const UNSUBSCRIBE_SCOPES = ['statusChanges', 'answers', 'mentions', 'badges', 'all'] as const
export type UnsubscribeScope = (typeof UNSUBSCRIBE_SCOPES)[number]

const SECRET_FILE = 'email-token.secret'
const secrets = new Map<string, Buffer>()

function tokenSecret(): Buffer {
  const configured = env().EMAIL_TOKEN_SECRET
  if (configured) return Buffer.from(configured)
  const dbFile = databaseFile()
  const cached = secrets.get(dbFile)
  if (cached) return cached
  let secret: Buffer
  if (dbFile === ':memory:') {
    secret = crypto.randomBytes(32)
  } else {
    const file = path.join(path.dirname(path.resolve(dbFile)), SECRET_FILE)
    try {
      // 'wx': only the first process to get here creates it; the others read what it wrote.
      fs.writeFileSync(file, crypto.randomBytes(32).toString('hex'), { flag: 'wx', mode: 0o600 })
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
    }
    secret = Buffer.from(fs.readFileSync(file, 'utf8').trim(), 'hex')
  }
  secrets.set(dbFile, secret)
  return secret
}

function signature(payload: string) {
  return crypto.createHmac('sha256', tokenSecret()).update(`unsubscribe:${payload}`).digest('base64url')
}

export function signUnsubscribeToken(userId: number, scope: UnsubscribeScope) {
  const payload = `${userId}.${scope}`
  return `${payload}.${signature(payload)}`
}

export type TokenCheck = { ok: true; userId: number; scope: UnsubscribeScope } | { ok: false; reason: 'malformed' | 'forged' }

/** Malformed (cut off, wrong shape) and forged (valid shape, wrong signature) are told apart: 400 vs 403. */
export function verifyUnsubscribeToken(token: string): TokenCheck {
  const match = /^([1-9]\d{0,15})\.([A-Za-z]+)\.([A-Za-z0-9_-]{43})$/.exec(token)
  if (!match) return { ok: false, reason: 'malformed' }
  const [, id, scope, given] = match as unknown as [string, string, string, string]
  if (!(UNSUBSCRIBE_SCOPES as readonly string[]).includes(scope)) return { ok: false, reason: 'malformed' }
  const expected = Buffer.from(signature(`${id}.${scope}`))
  const actual = Buffer.from(given)
  if (actual.length !== expected.length || !crypto.timingSafeEqual(actual, expected)) return { ok: false, reason: 'forged' }
  return { ok: true, userId: Number(id), scope: scope as UnsubscribeScope }
}

/**
 * A single-use account link's token: 256 random bits and an HMAC-SHA256 over them and the link's
 * purpose (`<random>.<signature>`, base64url). The signature lets a page turn away a forged or
 * mistyped token without a database read, and a token of one purpose never passes for the other;
 * single use and expiry are the database row's job (app/models/account-recovery.server.ts), which
 * keeps only the token's SHA-256.
 */
export function newSignedAccountToken(purpose: string) {
  const random = crypto.randomBytes(32).toString('base64url')
  return `${random}.${accountSignature(purpose, random)}`
}

function accountSignature(purpose: string, random: string) {
  return crypto.createHmac('sha256', tokenSecret()).update(`account:${purpose}:${random}`).digest('base64url')
}

/** Whether `token` has the shape and the signature of an account token of this purpose. */
export function hasValidAccountSignature(purpose: string, token: string) {
  const match = /^([A-Za-z0-9_-]{43})\.([A-Za-z0-9_-]{43})$/.exec(token)
  if (!match) return false
  const expected = Buffer.from(accountSignature(purpose, match[1]!))
  const actual = Buffer.from(match[2]!)
  return actual.length === expected.length && crypto.timingSafeEqual(actual, expected)
}
