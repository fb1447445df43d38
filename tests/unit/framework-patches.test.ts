/**
 * The framework patches (scripts/patches/*.patch, applied by npm install’s postinstall) are in
 * the modules the server loads, and matching still gives the same answers.
 */
import fs from 'node:fs'
import { createRequire } from 'node:module'
import { expect, test, vi } from 'vitest'

const require = createRequire(import.meta.url)
// The server's Remix packages are CommonJS and load the router's CommonJS build.
const routerFile = require.resolve('@remix-run/router')
const router = require('@remix-run/router') as typeof import('@remix-run/router')

test('the server’s router build carries the patch', () => {
  expect(routerFile).toMatch(/router\.cjs\.js$/)
  const source = fs.readFileSync(routerFile, 'utf8')
  expect(source).toContain('function rankedBranchesOf(routes)')
  expect(source).toContain('const compiledPaths = new Map()')
  expect(source).toContain('const matchAnswersCache = new WeakMap()')
})

test('a kept answer is handed out as copies: one caller changing its matches changes no other’s', () => {
  const routes = [{ id: 'root', path: '/', children: [{ id: 'idea', path: 'ideas/:ideaId' }] }]
  const first = router.matchRoutes(routes, '/ideas/9')!
  ;(first[1]!.params as Record<string, string>).ideaId = 'changed'
  first.pop()
  const second = router.matchRoutes(routes, '/ideas/9')!
  expect(second.map((m) => m.route.id)).toEqual(['root', 'idea'])
  expect(second[1]!.params).toEqual({ ideaId: '9' })
  expect(second[1]!.route).toBe(routes[0]!.children[0])
})

test('the server render keeps its routes: Remix’s server routes and React Router’s data routes', () => {
  const remixServer = fs.readFileSync(require.resolve('@remix-run/react/dist/server.js'), 'utf8')
  expect(remixServer).toContain('function serverRoutesOf(manifestRoutes, routeModules, future, isSpaMode)')
  const staticRouter = fs.readFileSync(require.resolve('react-router-dom/server.js'), 'utf8')
  expect(staticRouter).toContain('const staticDataRoutesCache = new WeakMap()')
})

test('single fetch’s encoding lets go of its timer once the data is encoded', async () => {
  const source = fs.readFileSync(require.resolve('@remix-run/server-runtime/dist/single-fetch.js'), 'utf8')
  expect(source).toContain('return encoded.pipeThrough(new TransformStream({')
  const { encodeViaTurboStream } = require('@remix-run/server-runtime/dist/single-fetch.js') as {
    encodeViaTurboStream: (data: unknown, signal: AbortSignal, timeout: number, mode: string) => ReadableStream<Uint8Array>
  }
  const cleared = vi.spyOn(globalThis, 'clearTimeout')
  try {
    const text = await new Response(encodeViaTurboStream({ hello: 'world' }, new AbortController().signal, 60_000, 'production')).text()
    expect(text).toContain('world')
    expect(cleared).toHaveBeenCalled()
  } finally {
    cleared.mockRestore()
  }
})

test('matching gives the same answers the first time and every time after', () => {
  const routes = [
    {
      id: 'root',
      path: '/',
      children: [
        { id: 'ideas', path: 'ideas' },
        { id: 'idea', path: 'ideas/:ideaId' },
        { id: 'new', path: 'ideas/new' },
        { id: 'user', path: 'u/:username', caseSensitive: true },
        { id: 'splat', path: '*' },
      ],
    },
  ]
  for (let round = 0; round < 3; round++) {
    expect(router.matchRoutes(routes, '/ideas/new')!.map((m) => m.route.id)).toEqual(['root', 'new'])
    expect(router.matchRoutes(routes, '/ideas/42')!.at(-1)!.params).toEqual({ ideaId: '42' })
    expect(router.matchRoutes(routes, '/IDEAS/42')!.at(-1)!.route.id).toBe('idea')
    expect(router.matchRoutes(routes, '/u/Ana')!.at(-1)!.params).toEqual({ username: 'Ana' })
    expect(router.matchRoutes(routes, '/nothing/here')!.at(-1)!.route.id).toBe('splat')
    expect(router.matchPath({ path: '/ideas/:ideaId', end: false }, '/ideas/7/edit')?.params).toEqual({ ideaId: '7' })
    expect(router.matchPath('/ideas/:ideaId', '/ideas/7/edit')).toBeNull()
  }
})

test('a loader is handed the request itself when there is no ?index or ?_routes to strip, a copy otherwise', async () => {
  const { callRouteLoader } = require('@remix-run/server-runtime/dist/data.js') as {
    callRouteLoader: (args: {
      loadContext: unknown
      loader: (a: { request: Request }) => unknown
      params: object
      request: Request
      routeId: string
      singleFetch: boolean
    }) => Promise<unknown>
  }
  const seen = async (url: string) => {
    const request = new Request(url, { headers: { Cookie: 'a=b' } })
    const got = (await callRouteLoader({
      loadContext: {},
      loader: ({ request }) => ({ request }),
      params: {},
      request,
      routeId: 'r',
      singleFetch: true,
    })) as { request: Request }
    return { same: got.request === request, url: got.request.url, cookie: got.request.headers.get('Cookie') }
  }
  expect(await seen('http://x.test/ideas?sort=top')).toEqual({ same: true, url: 'http://x.test/ideas?sort=top', cookie: 'a=b' })
  expect(await seen('http://x.test/ideas?index&sort=top')).toEqual({ same: false, url: 'http://x.test/ideas?sort=top', cookie: 'a=b' })
  expect(await seen('http://x.test/ideas?_routes=root&sort=top')).toEqual({
    same: false,
    url: 'http://x.test/ideas?sort=top',
    cookie: 'a=b',
  })
})
