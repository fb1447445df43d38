/**
 * The OpenAPI document is generated from the schemas the routes validate with; this keeps the
 * document and the routes in step: every documented operation has its route module exporting the
 * handler for its method, every /api/v1 route module is documented, and the document has the
 * shape OpenAPI 3.1 requires.
 */
import fs from 'node:fs'
import path from 'node:path'
import { Validator } from '@seriousme/openapi-schema-validator'
import { describe, expect, test } from 'vitest'
import { API_OPERATIONS } from '~/schemas/api-operations'
import { loader } from '~/routes/api.v1.openapi[.]json'

const ROUTES = path.resolve('app/routes')

async function document() {
  const response = await loader({ request: new Request('http://localhost:3000/api/v1/openapi.json'), params: {}, context: {} })
  return (await response.json()) as {
    openapi: string
    info: { title: string; version: string }
    paths: Record<
      string,
      Record<
        string,
        { responses: Record<string, unknown>; parameters?: { name: string; in: string }[]; requestBody?: unknown; security: unknown[] }
      >
    >
    components: { schemas: Record<string, unknown>; securitySchemes: Record<string, unknown> }
  }
}

/** The route module file Remix maps an OpenAPI path to (flat routes: dots, $params, [.] escapes). */
function routeFileFor(apiPath: string) {
  return `api.v1${apiPath
    .replace(/\{(\w+)\}/g, '$$$1')
    .replace(/\.json$/, '[.]json')
    .replace(/\//g, '.')}.ts`
}

describe('the OpenAPI document', () => {
  test('validates against the OpenAPI 3.1 specification’s own schema', async () => {
    const result = await new Validator().validate((await document()) as unknown as Parameters<Validator['validate']>[0])
    expect(result.errors ?? []).toEqual([])
    expect(result.valid).toBe(true)
  })

  test('says how each operation is authenticated: a token’s scope, none, or an inbound hook’s secret', async () => {
    const doc = await document()
    expect(doc.paths['/ideas']!.get!.security).toEqual([{}, { bearer: ['read'] }])
    expect(doc.paths['/ideas']!.post!.security).toEqual([{ bearer: ['write'] }])
    expect(doc.paths['/users']!.get!.security).toEqual([{ bearer: ['admin'] }])
    expect(doc.paths['/inbound/{hookId}']!.post!.security).toEqual([{ hookSignature: [] }, { hookSecret: [] }])
    expect(Object.keys(doc.components.securitySchemes).sort()).toEqual(['bearer', 'hookSecret', 'hookSignature'])
  })

  test('is OpenAPI 3.1 with info, a bearer scheme, the Problem schema, and responses for every operation', async () => {
    const doc = await document()
    expect(doc.openapi).toBe('3.1.0')
    expect(doc.info).toMatchObject({ title: 'Summit API', version: '1.0.0' })
    expect(doc.components.securitySchemes).toHaveProperty('bearer')
    expect(doc.components.schemas).toHaveProperty('Problem')
    const operationIds = new Set<string>()
    for (const [p, ops] of Object.entries(doc.paths)) {
      expect(p.startsWith('/')).toBe(true)
      for (const [method, op] of Object.entries(ops)) {
        expect(['get', 'post', 'put', 'patch', 'delete']).toContain(method)
        expect(Object.keys(op.responses).length).toBeGreaterThan(0)
        const id = (op as unknown as { operationId: string }).operationId
        expect(operationIds.has(id)).toBe(false)
        operationIds.add(id)
        // Every {param} of the path is declared.
        for (const [, name] of p.matchAll(/\{(\w+)\}/g)) expect(op.parameters?.some((x) => x.in === 'path' && x.name === name)).toBe(true)
      }
    }
    // The request schemas came through as JSON Schema: the idea body has its limits.
    const post = doc.paths['/ideas']!.post as unknown as {
      requestBody: {
        content: { 'application/json': { schema: { properties: { title: { maxLength: number } }; additionalProperties: boolean } } }
      }
    }
    expect(post.requestBody.content['application/json'].schema.properties.title.maxLength).toBe(140)
    expect(post.requestBody.content['application/json'].schema.additionalProperties).toBe(false)
  })

  test('every documented operation has its route, and every API route is documented', async () => {
    const doc = await document()
    for (const op of API_OPERATIONS) {
      expect(routeFileFor(op.path)).toBe(op.routeFile)
      const file = path.join(ROUTES, op.routeFile)
      expect(fs.existsSync(file), op.routeFile).toBe(true)
      const mod = (await import(/* @vite-ignore */ file)) as Record<string, unknown>
      expect(typeof mod[op.method === 'get' ? 'loader' : 'action'], `${op.method} ${op.path}`).toBe('function')
      expect(doc.paths[op.path]?.[op.method], `${op.method} ${op.path}`).toBeDefined()
    }
    const documented = new Set(API_OPERATIONS.map((op) => op.routeFile))
    const routeFiles = fs.readdirSync(ROUTES).filter((f) => f.startsWith('api.v1.') && f !== 'api.v1.$.ts')
    expect(routeFiles.sort()).toEqual([...documented].sort())
  })
})
