/** Helpers for calling loaders and actions with real Requests in unit tests. */
import { startSession } from '~/lib/auth.server'

export const TEST_ORIGIN = 'http://localhost:3000'

type RequestOptions = { userId?: number; origin?: string | null; headers?: Record<string, string> }

async function headersFor({ userId, origin = TEST_ORIGIN, headers = {} }: RequestOptions) {
  const result = new Headers(headers)
  if (origin) result.set('Origin', origin)
  if (userId != null) {
    const cookie = await startSession(userId)
    result.set('Cookie', `${cookie.name}=${cookie.value}`)
  }
  return result
}

/** A form POST as a browser on our own site would send it (Origin and, optionally, a session). */
export async function formRequest(path: string, fields: Record<string, string>, options: RequestOptions = {}) {
  const headers = await headersFor(options)
  headers.set('Content-Type', 'application/x-www-form-urlencoded')
  return new Request(new URL(path, TEST_ORIGIN), { method: 'POST', headers, body: new URLSearchParams(fields).toString() })
}

export async function getRequest(path: string, options: RequestOptions = {}) {
  return new Request(new URL(path, TEST_ORIGIN), { headers: await headersFor({ ...options, origin: null }) })
}

export type Settled = { status: number; location: string | null; headers: Headers; body: unknown }

/**
 * Turns whatever a loader or action returned or threw into { status, location, body }: a Response,
 * a single-fetch data() result, or a plain object.
 */
export async function settle(fn: () => unknown): Promise<Settled> {
  let value: unknown
  try {
    value = await fn()
  } catch (thrown) {
    value = thrown
    if (!(thrown instanceof Response) && !isDataWithInit(thrown)) throw thrown
  }
  if (value instanceof Response) {
    const text = await value.text()
    let body: unknown = text
    try {
      body = JSON.parse(text)
    } catch {
      // plain text stays text
    }
    return { status: value.status, location: value.headers.get('Location'), headers: value.headers, body }
  }
  if (isDataWithInit(value)) {
    const headers = new Headers(value.init?.headers)
    return { status: value.init?.status ?? 200, location: headers.get('Location'), headers, body: value.data }
  }
  return { status: 200, location: null, headers: new Headers(), body: value }
}

function isDataWithInit(value: unknown): value is { type: 'DataWithResponseInit'; data: unknown; init: ResponseInit | null } {
  return typeof value === 'object' && value !== null && (value as { type?: string }).type === 'DataWithResponseInit'
}
