/**
 * Configuration from the environment, parsed once with zod. Every variable is documented in
 * .env.example and the README.
 */
import { z } from 'zod'

const Bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no', ''])
  .optional()
  .transform((v) => (v === undefined || v === '' ? undefined : ['true', '1', 'yes'].includes(v)))

const EnvSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  DATABASE_URL: z.string().min(1).default('./data/summit.db'),
  /**
   * SQLite's synchronous setting. normal: a commit survives the process being killed, not a power
   * loss; full: an fsync per commit, so it survives that too (docs/operations.md).
   */
  DATABASE_SYNCHRONOUS: z.enum(['normal', 'full']).default('normal'),
  /** The site's public origin (https://community.example.com). Decides the cookie's Secure flag and the CSRF origin. */
  PUBLIC_URL: z
    .string()
    .url()
    .optional()
    .or(z.literal('').transform(() => undefined)),
  SEED_DEMO: Bool,
  SEED_PASSWORD: z.string().min(10).default('summit-demo-pass'),
  SITE_NAME: z.string().min(1).max(60).default('Summit'),
  /** Where the server listens (server/index.ts); also builds absolute links in e-mail when PUBLIC_URL is unset. */
  PORT: z
    .string()
    .regex(/^\d{1,5}$/)
    .default('3000')
    .catch('3000'),
  /** The address the server listens on; unset or empty: all interfaces. */
  HOST: z
    .string()
    .optional()
    .transform((v) => v || undefined),
  /**
   * Which proxies' X-Forwarded-For and -Proto to believe: a hop count or a list of addresses, as
   * Express's `trust proxy` (read by server/trust-proxy.ts). Unset, empty, `false` or `0`: none.
   */
  TRUST_PROXY: z.string().optional(),
  /** How long the visitor page cache (server/page-cache.ts) may serve a kept page; 0 (or empty) turns it off. */
  PAGE_CACHE_SECONDS: z.string().regex(/^\d*$/, 'PAGE_CACHE_SECONDS must be a whole number of seconds').default('60').transform(Number),
  /** The log transport's folder for .eml files (default: `mail/` beside the database). */
  MAIL_DIR: z
    .string()
    .min(1)
    .optional()
    .or(z.literal('').transform(() => undefined)),
  /** The From header of every e-mail (default: `<site name> <no-reply@<PUBLIC_URL host>>`). */
  MAIL_FROM: z
    .string()
    .min(3)
    .max(200)
    .optional()
    .or(z.literal('').transform(() => undefined)),
  /** smtp:// or smtps:// URL: deliver through nodemailer (an optional dependency) instead of .eml files. */
  SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\//, 'SMTP_URL must start with smtp:// or smtps://')
    .optional()
    .or(z.literal('').transform(() => undefined)),
  /** Signs unsubscribe links. Unset: a random secret kept in a file beside the database. */
  EMAIL_TOKEN_SECRET: z
    .string()
    .min(32)
    .optional()
    .or(z.literal('').transform(() => undefined)),
})

export type Env = z.infer<typeof EnvSchema>

let cached: Env | undefined
export function env(): Env {
  // Tests change DATABASE_URL per file before the first call, so parse lazily.
  cached ??= EnvSchema.parse(process.env)
  return cached
}

/** For tests that change the environment between cases. */
export function resetEnvCache() {
  cached = undefined
}

/**
 * The site's public origin from PUBLIC_URL, or null when it is unset. The only source of absolute
 * links in pages that may be kept for other visitors: a request's Host header is the client's word,
 * and a link built from it would carry a forged host to everyone served the same page.
 */
export function publicOrigin() {
  const url = env().PUBLIC_URL
  return url ? new URL(url).origin : null
}
