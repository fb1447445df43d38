/**
 * What every part of the /api/v1 contract shares: ids, timestamps, the problem answer and the shape
 * of an operation, so the contract can live in one file per area (app/schemas/api*.ts).
 */
import { z } from 'zod'

export const ApiId = z.number().int().positive()
/** A username as the profile address accepts it (/u/:username). */
export const USERNAME_PATTERN = '^[A-Za-z0-9_-]{2,30}$'
export const Timestamp = z.string().describe('An ISO 8601 date and time, UTC.')

export const Problem = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    errors: z.record(z.string(), z.array(z.string())).optional().describe('Field errors, by field path.'),
  })
  .describe('RFC 9457 problem details.')

export type ApiOperation = {
  method: 'get' | 'post' | 'put' | 'delete' | 'patch'
  /** OpenAPI path template under /api/v1. */
  path: string
  /** The route module that serves it (app/routes/<file>), for the test that keeps both in step. */
  routeFile: string
  summary: string
  /** null: anonymous requests may call it (unless `auth` says otherwise). */
  scope: 'read' | 'write' | 'admin' | null
  /** 'hook': authenticated by an inbound hook's secret (a signature or a bearer), not by a token. */
  auth?: 'hook'
  query?: z.ZodObject
  body?: z.ZodType
  pathParams?: Record<string, string>
  /** Path parameters that are strings, with their pattern (the others are positive integer ids). */
  pathParamPatterns?: Record<string, string>
  response: { status: number; schema: z.ZodType | null; description: string }
  errors: number[]
}
