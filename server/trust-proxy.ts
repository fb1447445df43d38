/**
 * TRUST_PROXY, as Express's `trust proxy` setting: a whole number is a hop count (`1`: one proxy in
 * front, so the client is the address that proxy saw), anything else a comma-separated list of
 * addresses, subnets or the names `loopback`, `linklocal`, `uniquelocal`. `true` believes whatever
 * X-Forwarded-For a client writes, so it is taken but warned about. Unset, empty, `false` or `0`: off.
 */

export type TrustProxy = boolean | number | string[]

export function trustProxySetting(value: string | undefined): TrustProxy | undefined {
  const text = (value ?? '').trim()
  if (text === '' || text === 'false' || text === '0') return undefined
  if (text === 'true') {
    console.warn(
      'TRUST_PROXY=true believes any X-Forwarded-For a client sends, so anyone can pick the address that the rate limits count. ' +
        'Set the number of proxies in front of Summit (TRUST_PROXY=1) or their addresses (TRUST_PROXY=loopback) instead.',
    )
    return true
  }
  if (/^\d+$/.test(text)) return Number(text)
  return text
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean)
}
