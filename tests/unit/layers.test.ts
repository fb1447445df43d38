/**
 * The layers, read from the import statements: routes → models (app/models, all SQL) → lib
 * (app/lib, infrastructure) → db (db/), arrows only downward. app/domain.ts, the enums and their
 * types, is below them all and imports nothing; components and the form schemas (app/schemas) run
 * in the browser too, so they import no server module.
 *
 * The demo seed (db/seed/) writes through the models, so it sits above them: app/entry.server.tsx
 * and the scripts run it.
 *
 * Every `import … from`, `export … from`, bare `import '…'` and `import('…')` of app/ and db/ is
 * resolved through the path aliases of tsconfig.json (`~/` → app/, `#db/` → db/, `#tests/` →
 * tests/) or relative to its file, type-only imports included. Packages are only checked where a
 * rule names one.
 */
import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, test } from 'vitest'

const ROOT = path.resolve(import.meta.dirname, '../..')
const EXTENSIONS = ['.ts', '.tsx', '.js', '.jsx']

/** tsconfig.json's `paths`, so that a new alias is followed here too (`~/*` → `./app/*`). */
const ALIASES = Object.entries(
  (JSON.parse(fs.readFileSync(path.join(ROOT, 'tsconfig.json'), 'utf8')) as { compilerOptions: { paths: Record<string, string[]> } })
    .compilerOptions.paths,
).map(([pattern, [target]]) => ({ prefix: pattern.replace(/\*$/, ''), target: path.join(ROOT, target!.replace(/\*$/, '')) }))

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((entry) => {
    const relative = path.posix.join(dir, entry.name)
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : sourceFiles(relative)
    return EXTENSIONS.includes(path.extname(entry.name)) ? [relative] : []
  })
}

const IMPORT_PATTERNS = [
  /^\s*(?:import|export)\s[^'"]*?\sfrom\s*['"]([^'"]+)['"]/gm, // import … from '…', export … from '…' (over several lines too)
  /^\s*import\s*['"]([^'"]+)['"]/gm, // import '…'
  /\bimport\(\s*['"]([^'"]+)['"]\s*\)/g, // import('…')
]

/** The module an import names: a project file (posix, relative to the root) or the package's name. */
function resolve(from: string, specifier: string): { file: string } | { pkg: string } {
  let base: string | null = null
  if (specifier.startsWith('.')) base = path.resolve(ROOT, path.dirname(from), specifier)
  for (const { prefix, target } of ALIASES) if (specifier.startsWith(prefix)) base = path.join(target, specifier.slice(prefix.length))
  if (base === null) return { pkg: specifier.startsWith('@') ? specifier.split('/').slice(0, 2).join('/') : specifier.split('/')[0]! }
  const candidates = [base, ...EXTENSIONS.map((ext) => base + ext), ...EXTENSIONS.map((ext) => path.join(base, `index${ext}`))]
  const found = candidates.find((file) => fs.existsSync(file) && fs.statSync(file).isFile()) ?? base
  return { file: path.relative(ROOT, found).split(path.sep).join('/') }
}

type Edge = { from: string; specifier: string; to: { file: string } | { pkg: string } }

const edges: Edge[] = [...sourceFiles('app'), ...sourceFiles('db')].flatMap((from) => {
  const source = fs.readFileSync(path.join(ROOT, from), 'utf8')
  const specifiers = new Set(IMPORT_PATTERNS.flatMap((pattern) => [...source.matchAll(pattern)].map((m) => m[1]!)))
  return [...specifiers].map((specifier) => ({ from, specifier, to: resolve(from, specifier) }))
})

const fileOf = (edge: Edge) => ('file' in edge.to ? edge.to.file : null)
const isServerModule = (file: string) => /\.server(\.[jt]sx?)?$/.test(file) || file.split('/').includes('.server')
const show = (edge: Edge) => `${edge.from} imports '${edge.specifier}'`

function offences(from: (file: string) => boolean, forbidden: (edge: Edge) => boolean) {
  return edges.filter((edge) => from(edge.from) && forbidden(edge)).map(show)
}

describe('the layers', () => {
  test('the scan sees the imports, aliased and relative', () => {
    expect(edges.length).toBeGreaterThan(1000)
    expect(edges.some((e) => e.specifier.startsWith('~/') && fileOf(e)?.startsWith('app/'))).toBe(true)
    expect(edges.some((e) => e.specifier.startsWith('#db/') && fileOf(e) === 'db/schema.ts')).toBe(true)
    expect(edges.some((e) => e.specifier.startsWith('./') && fileOf(e)?.startsWith('app/models/'))).toBe(true)
    expect(edges.some((e) => 'pkg' in e.to && e.to.pkg === 'drizzle-orm')).toBe(true)
  })

  test('app/lib never imports the models or the routes', () => {
    expect(
      offences(
        (f) => f.startsWith('app/lib/'),
        (e) => /^app\/(models|routes)\//.test(fileOf(e) ?? ''),
      ),
    ).toEqual([])
  })

  test('the models never import the routes', () => {
    expect(
      offences(
        (f) => f.startsWith('app/models/'),
        (e) => (fileOf(e) ?? '').startsWith('app/routes/'),
      ),
    ).toEqual([])
  })

  test('components and the form schemas import no *.server module, nothing from db/ and no drizzle', () => {
    const browserSide = (f: string) => f.startsWith('app/components/') || f.startsWith('app/schemas/')
    const serverOnly = (e: Edge) => {
      const file = fileOf(e)
      return file ? isServerModule(file) || file.startsWith('db/') : 'pkg' in e.to && e.to.pkg === 'drizzle-orm'
    }
    expect(offences(browserSide, serverOnly)).toEqual([])
  })

  test('the demo seed (db/seed/), which writes through the models, is imported by nothing below the routes', () => {
    const below = (f: string) => /^app\/(lib|models|components|schemas)\//.test(f) || f === 'app/domain.ts'
    expect(offences(below, (e) => (fileOf(e) ?? '').startsWith('db/seed'))).toEqual([])
  })

  test('the routes never import db/ (queries belong in the models)', () => {
    expect(
      offences(
        (f) => f.startsWith('app/routes/'),
        (e) => (fileOf(e) ?? '').startsWith('db/'),
      ),
    ).toEqual([])
  })

  test('nothing in app/ or db/ imports the tests', () => {
    expect(
      offences(
        () => true,
        (e) => (fileOf(e) ?? '').startsWith('tests/'),
      ),
    ).toEqual([])
  })

  test('app/domain.ts imports nothing, and db/schema.ts only drizzle and the domain', () => {
    expect(
      offences(
        (f) => f === 'app/domain.ts',
        () => true,
      ),
    ).toEqual([])
    expect(
      offences(
        (f) => f === 'db/schema.ts',
        (e) => !(('pkg' in e.to && e.to.pkg === 'drizzle-orm') || fileOf(e) === 'app/domain.ts'),
      ),
    ).toEqual([])
  })

  test('the helpers of a route folder never import their route module', () => {
    const helper = (f: string) => /^app\/routes\/[^/]+\//.test(f) && !/\/route\.[jt]sx?$/.test(f)
    const ownRoute = (e: Edge) => {
      const file = fileOf(e)
      return !!file && /\/route\.[jt]sx?$/.test(file) && path.posix.dirname(file) === path.posix.dirname(e.from)
    }
    expect(offences(helper, ownRoute)).toEqual([])
  })

  test('the models import one another without loops', () => {
    const models = new Map<string, string[]>()
    for (const edge of edges) {
      const file = fileOf(edge)
      if (edge.from.startsWith('app/models/') && file?.startsWith('app/models/'))
        models.set(edge.from, [...(models.get(edge.from) ?? []), file])
    }
    const loops: string[] = []
    const state = new Map<string, 'visiting' | 'done'>()
    const visit = (file: string, trail: string[]) => {
      if (state.get(file) === 'done') return
      if (state.get(file) === 'visiting') {
        loops.push([...trail.slice(trail.indexOf(file)), file].join(' → '))
        return
      }
      state.set(file, 'visiting')
      for (const next of models.get(file) ?? []) visit(next, [...trail, file])
      state.set(file, 'done')
    }
    for (const file of [...models.keys()].sort()) visit(file, [])
    expect(loops).toEqual([])
  })
})
