/**
 * An OpenAPI 3.1 document from the API's operation list and its zod schemas (zod 4's own JSON
 * Schema output, draft 2020-12, which OpenAPI 3.1 uses as is). Request schemas are described as
 * they are accepted (`io: 'input'`), answers as they are sent.
 */
import { z } from 'zod'
import { type ApiOperation } from '~/schemas/api-common'

type JsonSchema = Record<string, unknown>

function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const { $schema: _, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as JsonSchema
  return rest
}

export function buildOpenApiDocument(
  operations: ApiOperation[],
  info: { title: string; version: string; serverUrl: string },
  problemSchema: z.ZodType,
) {
  const paths: Record<string, Record<string, unknown>> = {}
  for (const op of operations) {
    const parameters: unknown[] = []
    for (const [name, description] of Object.entries(op.pathParams ?? {})) {
      const pattern = op.pathParamPatterns?.[name]
      parameters.push({
        name,
        in: 'path',
        required: true,
        description,
        schema: pattern ? { type: 'string', pattern } : { type: 'integer', minimum: 1 },
      })
    }
    if (op.query) {
      const shape = jsonSchema(op.query, 'input') as { properties?: Record<string, JsonSchema>; required?: string[] }
      for (const [name, schema] of Object.entries(shape.properties ?? {})) {
        const { description, ...rest } = schema
        parameters.push({
          name,
          in: 'query',
          required: shape.required?.includes(name) ?? false,
          ...(description ? { description } : {}),
          schema: rest,
        })
      }
    }
    const responses: Record<string, unknown> = {
      [String(op.response.status)]: {
        description: op.response.description,
        ...(op.response.schema ? { content: { 'application/json': { schema: jsonSchema(op.response.schema, 'output') } } } : {}),
      },
    }
    for (const status of op.errors) {
      responses[String(status)] = {
        description: `Problem (${status})`,
        content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
      }
    }
    ;(paths[op.path] ??= {})[op.method] = {
      summary: op.summary,
      operationId: `${op.method}${op.path.replace(/[{}]/g, '').replace(/[^a-zA-Z0-9]+(.)?/g, (_, c: string | undefined) => (c ? c.toUpperCase() : ''))}`,
      security:
        op.auth === 'hook' ? [{ hookSignature: [] }, { hookSecret: [] }] : op.scope ? [{ bearer: [op.scope] }] : [{}, { bearer: ['read'] }],
      ...(parameters.length ? { parameters } : {}),
      ...(op.body ? { requestBody: { required: true, content: { 'application/json': { schema: jsonSchema(op.body, 'input') } } } } : {}),
      responses,
    }
  }
  return {
    openapi: '3.1.0',
    info: {
      title: info.title,
      version: info.version,
      description: 'Summit’s public API. Errors are RFC 9457 problem details; rate limits are announced in RateLimit headers.',
    },
    servers: [{ url: info.serverUrl }],
    components: {
      securitySchemes: {
        bearer: {
          type: 'http',
          scheme: 'bearer',
          description: 'A personal access token (smt_…) made on /settings/tokens, with scopes read, write or admin.',
        },
        hookSignature: {
          type: 'apiKey',
          in: 'header',
          name: 'webhook-signature',
          description:
            'An inbound hook’s call signed per Standard Webhooks with the hook’s secret (with webhook-id and webhook-timestamp).',
        },
        hookSecret: {
          type: 'http',
          scheme: 'bearer',
          description: 'An inbound hook’s secret itself, for trackers that cannot sign (Jira Automation).',
        },
      },
      schemas: { Problem: jsonSchema(problemSchema, 'output') },
    },
    paths,
  }
}
