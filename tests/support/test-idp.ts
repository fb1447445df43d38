/**
 * A real OpenID Provider for the tests: oidc-provider (the certified Node implementation) on a
 * loopback port, with its own log-in page that checks passwords, discovery, JWKS, the authorization
 * code flow with PKCE, and ID tokens signed with a fresh RSA key.
 *
 * Consent is implied for the one registered client (a company's own IdP treats its apps as first
 * party), so a log-in is: the authorization request, this page, the redirect back with a code.
 *
 * `tamper(mode)` makes the provider's token endpoint hand out a bad ID token on purpose, re-signed
 * with the provider's own key where the attack is a well-signed but wrong token (another nonce, an
 * expired one, another audience), or with its payload changed after signing (a bad signature). A
 * relying party must refuse each; the tests check that Summit does.
 */
import http from 'node:http'
import { type AddressInfo } from 'node:net'
import { decodeJwt, exportJWK, generateKeyPair, type JWK, SignJWT } from 'jose'
import Provider, { type KoaContextWithOIDC } from 'oidc-provider'

export type TestIdpAccount = {
  password: string
  email?: string
  emailVerified?: boolean
  name?: string
  preferredUsername?: string
}

export type Tamper = 'wrong-nonce' | 'expired' | 'wrong-audience' | 'bad-signature' | null

export type TestIdp = {
  issuer: string
  clientId: string
  clientSecret: string
  accounts: Record<string, TestIdpAccount>
  /** Makes the next ID tokens bad in this way (null: honest again). */
  tamper(mode: Tamper): void
  close(): Promise<void>
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)

function loginPage(uid: string, clientName: string, error: string | null) {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Sign in · Test identity provider</title>
<style>body{font-family:system-ui,sans-serif;max-width:24rem;margin:3rem auto;color:#111;background:#fff}label{display:block;margin-top:1rem}input{display:block;width:100%;padding:.4rem}button{margin-top:1rem;padding:.5rem 1rem}.error{color:#a00000}</style>
</head><body><main>
<h1>Sign in to continue to ${escapeHtml(clientName)}</h1>
${error ? `<p class="error" role="alert">${escapeHtml(error)}</p>` : ''}
<form method="post" action="/interaction/${escapeHtml(uid)}/login">
<label for="login">Username</label><input id="login" name="login" autocomplete="username" required>
<label for="password">Password</label><input id="password" name="password" type="password" autocomplete="current-password" required>
<button type="submit">Sign in</button>
</form></main></body></html>`
}

async function readForm(req: http.IncomingMessage) {
  const chunks: Buffer[] = []
  for await (const chunk of req) chunks.push(chunk as Buffer)
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'))
}

export async function startTestIdp(options: {
  redirectUris: string[]
  accounts: Record<string, TestIdpAccount>
  clientId?: string
  clientSecret?: string
}): Promise<TestIdp> {
  const clientId = options.clientId ?? 'summit-test-client'
  const clientSecret = options.clientSecret ?? 'test-client-secret-0123456789abcdef'
  const { privateKey } = await generateKeyPair('RS256', { extractable: true })
  const signingKey: JWK = { ...(await exportJWK(privateKey)), kid: 'test-idp-key', alg: 'RS256', use: 'sig' }

  const server = http.createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  let mode: Tamper = null

  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: clientId,
        client_secret: clientSecret,
        client_name: 'Summit',
        redirect_uris: options.redirectUris,
        grant_types: ['authorization_code'],
        response_types: ['code'],
        token_endpoint_auth_method: 'client_secret_basic',
      },
    ],
    jwks: { keys: [signingKey] },
    cookies: { keys: ['test-idp-cookie-signing-key'] },
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name', 'preferred_username'] },
    features: { devInteractions: { enabled: false } },
    interactions: { url: (_ctx: KoaContextWithOIDC, interaction: { uid: string }) => `/interaction/${interaction.uid}` },
    pkce: { required: () => true },
    async findAccount(_ctx: KoaContextWithOIDC, id: string) {
      const account = options.accounts[id]
      if (!account) return undefined
      return {
        accountId: id,
        async claims() {
          return {
            sub: id,
            ...(account.email ? { email: account.email, email_verified: account.emailVerified ?? false } : {}),
            ...(account.name ? { name: account.name } : {}),
            ...(account.preferredUsername ? { preferred_username: account.preferredUsername } : {}),
          }
        },
      }
    },
    async loadExistingGrant(ctx: KoaContextWithOIDC) {
      const grantId = ctx.oidc.result?.consent?.grantId || ctx.oidc.session!.grantIdFor(ctx.oidc.client!.clientId)
      if (grantId) return ctx.oidc.provider.Grant.find(grantId)
      const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client!.clientId, accountId: ctx.oidc.session!.accountId })
      grant.addOIDCScope('openid email profile')
      await grant.save()
      return grant
    },
  })

  async function resign(payload: Record<string, unknown>) {
    return new SignJWT(payload).setProtectedHeader({ alg: 'RS256', kid: signingKey.kid, typ: 'JWT' }).sign(privateKey)
  }

  async function spoil(idToken: string) {
    const payload = decodeJwt(idToken) as Record<string, unknown>
    const now = Math.floor(Date.now() / 1000)
    switch (mode) {
      case 'wrong-nonce':
        return resign({ ...payload, nonce: 'a-nonce-from-another-log-in' })
      case 'expired':
        return resign({ ...payload, iat: now - 7200, exp: now - 3600 })
      case 'wrong-audience':
        return resign({ ...payload, aud: 'some-other-client' })
      case 'bad-signature': {
        const [header, , signature] = idToken.split('.')
        const changed = Buffer.from(JSON.stringify({ ...payload, sub: 'someone-else' })).toString('base64url')
        return `${header}.${changed}.${signature}`
      }
      default:
        return idToken
    }
  }

  provider.use(async (ctx, next) => {
    await next()
    const body = ctx.body as { id_token?: string } | undefined
    if (mode && ctx.path === '/token' && ctx.status === 200 && body?.id_token) {
      ctx.body = { ...body, id_token: await spoil(body.id_token) }
    }
  })

  const oidc = provider.callback()
  server.on('request', (req: http.IncomingMessage, res: http.ServerResponse) => {
    const path = new URL(req.url ?? '/', issuer).pathname
    const match = /^\/interaction\/([\w-]+)(\/login)?$/.exec(path)
    if (!match) return void oidc(req, res)
    void (async () => {
      try {
        const details = await provider.interactionDetails(req, res)
        const clientName = 'Summit'
        if (!match[2]) {
          res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' })
          return void res.end(loginPage(details.uid, clientName, null))
        }
        const form = await readForm(req)
        const login = form.get('login') ?? ''
        const account = options.accounts[login]
        if (!account || account.password !== form.get('password')) {
          res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' })
          return void res.end(loginPage(details.uid, clientName, 'Wrong username or password.'))
        }
        await provider.interactionFinished(req, res, { login: { accountId: login } }, { mergeWithLastSubmission: false })
      } catch (error) {
        res.writeHead(400, { 'Content-Type': 'text/plain; charset=utf-8' })
        res.end(`Interaction failed: ${error instanceof Error ? error.message : String(error)}`)
      }
    })()
  })

  return {
    issuer,
    clientId,
    clientSecret,
    accounts: options.accounts,
    tamper(next) {
      mode = next
    },
    async close() {
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}

/** A cookie jar for one host, for driving the provider with fetch: name → value. */
export class CookieJar {
  cookies = new Map<string, string>()
  take(response: Response) {
    for (const line of response.headers.getSetCookie()) {
      const [pair = ''] = line.split(';')
      const eq = pair.indexOf('=')
      const name = pair.slice(0, eq).trim()
      const value = pair.slice(eq + 1).trim()
      if (/max-age=0|expires=thu, 01 jan 1970/i.test(line) || value === '') this.cookies.delete(name)
      else this.cookies.set(name, value)
    }
  }
  header() {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ')
  }
}

/**
 * Plays a browser at the provider without one: from the authorization URL, follows its redirects,
 * fills in its log-in page and returns the URL it sends back to (the first that starts with
 * `callbackPrefix`), without requesting it.
 */
export async function signInAtProviderWithFetch(
  authorizeUrl: string,
  input: { login: string; password: string; callbackPrefix: string; jar?: CookieJar },
) {
  const jar = input.jar ?? new CookieJar()
  let url = authorizeUrl
  let method = 'GET'
  let body: string | undefined
  for (let hop = 0; hop < 12; hop++) {
    if (url.startsWith(input.callbackPrefix)) return url
    const response = await fetch(url, {
      method,
      body,
      redirect: 'manual',
      headers: { Cookie: jar.header(), ...(body ? { 'Content-Type': 'application/x-www-form-urlencoded' } : {}) },
    })
    jar.take(response)
    if (response.status >= 300 && response.status < 400) {
      url = new URL(response.headers.get('Location')!, url).href
      method = 'GET'
      body = undefined
      continue
    }
    const html = await response.text()
    const action = /<form method="post" action="([^"]+)"/.exec(html)?.[1]
    if (response.status !== 200 || !action) throw new Error(`The provider answered ${response.status}: ${html.slice(0, 300)}`)
    if (html.includes('Wrong username or password')) throw new Error('The provider refused the password')
    url = new URL(action, url).href
    method = 'POST'
    body = new URLSearchParams({ login: input.login, password: input.password }).toString()
  }
  throw new Error('Too many redirects at the provider')
}
