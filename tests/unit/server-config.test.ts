/**
 * The server's settings come from the app's validated configuration (server/config.ts,
 * app/lib/env.server.ts), TRUST_PROXY as Express's `trust proxy` (server/trust-proxy.ts).
 */
import { afterEach, expect, test, vi } from 'vitest'
import { resetEnvCache } from '~/lib/env.server'
import { serverConfig } from '../../server/config'
import { trustProxySetting } from '../../server/trust-proxy'

const saved = { ...process.env }
afterEach(() => {
  for (const name of ['NODE_ENV', 'PORT', 'HOST', 'PUBLIC_URL', 'TRUST_PROXY', 'PAGE_CACHE_SECONDS']) {
    if (saved[name] === undefined) delete process.env[name]
    else process.env[name] = saved[name]
  }
  resetEnvCache()
})

function configWith(variables: Record<string, string | undefined>) {
  for (const [name, value] of Object.entries(variables)) {
    if (value === undefined) delete process.env[name]
    else process.env[name] = value
  }
  resetEnvCache()
  return serverConfig()
}

test('defaults', () => {
  expect(configWith({ NODE_ENV: 'test', PORT: undefined, HOST: undefined, TRUST_PROXY: undefined, PAGE_CACHE_SECONDS: undefined })).toEqual(
    {
      mode: 'development',
      port: 3000,
      host: undefined,
      publicUrl: null,
      trustProxy: undefined,
      pageCacheSeconds: 60,
    },
  )
})

test('every setting read, validated', () => {
  const config = configWith({
    NODE_ENV: 'production',
    PORT: '8080',
    HOST: '127.0.0.1',
    PUBLIC_URL: 'https://community.example.com',
    TRUST_PROXY: '1',
    PAGE_CACHE_SECONDS: '0',
  })
  expect(config).toMatchObject({ mode: 'production', port: 8080, host: '127.0.0.1', trustProxy: 1, pageCacheSeconds: 0 })
  expect(config.publicUrl?.origin).toBe('https://community.example.com')
  expect(configWith({ HOST: '', PAGE_CACHE_SECONDS: '' })).toMatchObject({ host: undefined, pageCacheSeconds: 0 })
  expect(() => configWith({ PAGE_CACHE_SECONDS: 'soon' })).toThrow(/PAGE_CACHE_SECONDS/)
})

test('TRUST_PROXY: a hop count, a list of addresses, or off; true is taken but warned about', () => {
  for (const off of [undefined, '', ' ', 'false', '0']) expect(trustProxySetting(off)).toBeUndefined()
  expect(trustProxySetting('2')).toBe(2)
  expect(trustProxySetting('loopback, 10.0.0.5,')).toEqual(['loopback', '10.0.0.5'])
  const warn = vi.spyOn(console, 'warn').mockImplementation(() => {})
  expect(trustProxySetting('true')).toBe(true)
  expect(warn).toHaveBeenCalledOnce()
})
