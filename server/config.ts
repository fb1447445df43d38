/**
 * The server's settings, from the app's one validated configuration (app/lib/env.server.ts): where
 * to listen, the public origin, which proxies to believe and how long visitors' pages are kept.
 */
import { env } from '../app/lib/env.server'
import { type TrustProxy, trustProxySetting } from './trust-proxy'

export type ServerConfig = {
  mode: 'production' | 'development'
  port: number
  /** Unset: all interfaces. */
  host: string | undefined
  /** The public origin, when PUBLIC_URL is set: every request is taken to be addressed to it. */
  publicUrl: URL | null
  trustProxy: TrustProxy | undefined
  /** How long a visitor's page may be served again; 0: never (and always outside production). */
  pageCacheSeconds: number
}

export function serverConfig(): ServerConfig {
  const settings = env()
  return {
    mode: settings.NODE_ENV === 'production' ? 'production' : 'development',
    port: Number(settings.PORT),
    host: settings.HOST,
    publicUrl: settings.PUBLIC_URL ? new URL(settings.PUBLIC_URL) : null,
    trustProxy: trustProxySetting(settings.TRUST_PROXY),
    pageCacheSeconds: settings.PAGE_CACHE_SECONDS,
  }
}
