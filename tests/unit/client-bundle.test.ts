/**
 * No browser chunk carries server code: the client half of the production build (vite.config.ts,
 * the same Remix plugin and options as `npm run build`) is built in memory, and every module of
 * every chunk is checked. drizzle-orm, anything under db/ (the schema and its table definitions)
 * and any `*.server` module stay on the server; the enums pages need come from app/domain.ts.
 *
 * The build is in memory (nothing is written, build/ is left alone) and unminified, so the test
 * runs before `npm run build` in scripts/test.js and checks the source as it is, not an old build.
 */
import path from 'node:path'
import { type Plugin } from 'vite'
import { expect, test } from 'vitest'

const ROOT = path.resolve(import.meta.dirname, '../..')

type Chunk = { fileName: string; modules: string[] }

/** What a browser must never download: the rule's name, and whether a module id breaks it. */
const SERVER_ONLY: { rule: string; matches: (id: string) => boolean }[] = [
  { rule: 'drizzle-orm', matches: (id) => /[\\/]node_modules[\\/]drizzle-orm[\\/]/.test(id) },
  { rule: 'db/', matches: (id) => id.startsWith(path.join(ROOT, 'db') + path.sep) },
  { rule: '*.server module', matches: (id) => /\.server(\.[cm]?[jt]sx?)?(\?|$)|[\\/]\.server[\\/]/.test(id) },
]

/** Module ids as the build reports them, made relative to the project for readable failures. */
const shown = (id: string) => path.relative(ROOT, id.replace(/^\0/, ''))

/** The browser chunks of the client build, each with the modules bundled into it. */
async function buildClientChunks(): Promise<Chunk[]> {
  // vite.config.ts leaves the Remix plugin out under vitest; this test wants the real client build.
  delete process.env.VITEST
  const { build } = await import('vite')
  const chunks: Chunk[] = []
  const capture: Plugin = {
    name: 'summit-capture-client-chunks',
    apply: 'build',
    generateBundle(_options, bundle) {
      for (const output of Object.values(bundle)) {
        if (output.type === 'chunk') chunks.push({ fileName: output.fileName, modules: Object.keys(output.modules) })
      }
    },
  }
  await build({
    root: ROOT,
    configFile: path.join(ROOT, 'vite.config.ts'),
    mode: 'production',
    logLevel: 'error',
    plugins: [capture],
    build: { ssr: false, write: false, minify: false, emptyOutDir: false, reportCompressedSize: false },
  })
  return chunks
}

test('no browser chunk contains drizzle-orm, db/ or a *.server module', { timeout: 300_000 }, async () => {
  const chunks = await buildClientChunks()
  // The routes are there: a build that bundled nothing would pass for the wrong reason.
  expect(chunks.some((c) => c.modules.some((id) => id.includes(`${path.sep}app${path.sep}routes${path.sep}`)))).toBe(true)

  const offences = chunks.flatMap((chunk) =>
    chunk.modules.flatMap((id) =>
      SERVER_ONLY.filter(({ matches }) => matches(id)).map(({ rule }) => `${chunk.fileName}: ${shown(id)} (${rule})`),
    ),
  )
  expect(offences).toEqual([])
  // The pages' enums do reach the browser, from the isomorphic module.
  expect(chunks.some((c) => c.modules.some((id) => id.endsWith(`${path.sep}app${path.sep}domain.ts`)))).toBe(true)
})
