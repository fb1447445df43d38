/**
 * Reading and validating form posts. Every action reads its body through readForm(), which repeats
 * the server's same-origin check (so route tests cover it) and refuses oversized bodies with 413.
 */
import { data } from '@remix-run/node'
import { type z } from 'zod'
import { DatabaseUnavailableError } from './database-unavailable.server'
import { DomainError, RateLimitedError } from './errors'
import { env } from './env.server'
import { httpError, readBody } from './http.server'
import { comesFromOrigin } from './same-origin'

/** Forms carry Markdown posts of at most a few tens of kilobytes; anything far larger is refused. */
export const MAX_FORM_BYTES = 256 * 1024

/** The site's own origin: PUBLIC_URL when set, else the origin the request was addressed to. */
export function siteOrigin(request: Request) {
  const publicUrl = env().PUBLIC_URL
  return publicUrl ? new URL(publicUrl).origin : new URL(request.url).origin
}

/**
 * True when a state-changing request comes from our own pages. Origin is checked first; only when
 * a browser sends none does Referer count. A request with neither, or `Origin: null`, is refused.
 */
export function isSameOrigin(request: Request) {
  return comesFromOrigin(request.headers.get('Origin'), request.headers.get('Referer'), siteOrigin(request))
}

export function assertSameOrigin(request: Request) {
  if (!isSameOrigin(request)) httpError(403, 'This form was sent from another site, so it was refused.')
}

/**
 * Same-origin (403) and size (413) checks, then the FormData. `allowNoOrigin` also accepts a request
 * with neither Origin nor Referer (a mail client's one-click unsubscribe, authorised by a signed
 * token instead); a foreign Origin is still refused.
 */
export async function readForm(request: Request, { maxBytes = MAX_FORM_BYTES, allowNoOrigin = false } = {}): Promise<FormData> {
  const hasNoOrigin = !request.headers.get('Origin') && !request.headers.get('Referer')
  if (!(allowNoOrigin && hasNoOrigin)) assertSameOrigin(request)
  const declared = Number(request.headers.get('Content-Length') ?? '0')
  if (declared > maxBytes) httpError(413, 'What you sent is too large.')
  const { bytes: body, overflow } = await readBody(request, { keepBytes: maxBytes })
  if (overflow) httpError(413, 'What you sent is too large.')
  const contentType = request.headers.get('Content-Type') ?? 'application/x-www-form-urlencoded'
  try {
    return await new Response(body, { headers: { 'Content-Type': contentType } }).formData()
  } catch {
    httpError(400, 'The form could not be read.')
  }
}

export type FieldErrors = Record<string, string[] | undefined>
export type FormFailure = { ok: false; fields: Record<string, string>; fieldErrors: FieldErrors; formErrors: string[] }
export type FormSuccess<T> = { ok: true; data: T }

/** The string fields of a form (files are ignored; the last value wins for repeated names). */
export function formFields(form: FormData) {
  const fields: Record<string, string> = {}
  for (const [key, value] of form.entries()) if (typeof value === 'string') fields[key] = value
  return fields
}

/**
 * Validates a form against a zod schema. On failure returns the submitted text (so the form can
 * show it again, without passwords) and a message per field.
 */
export function parseForm<S extends z.ZodType>(
  form: FormData,
  schema: S,
  { keep = (name: string) => !/password/i.test(name) } = {},
): FormSuccess<z.output<S>> | FormFailure {
  const fields = formFields(form)
  const result = schema.safeParse(fields)
  if (result.success) return { ok: true, data: result.data }
  const fieldErrors: FieldErrors = {}
  const formErrors: string[] = []
  for (const issue of result.error.issues) {
    const name = issue.path[0]
    if (typeof name === 'string' && issue.path.length > 0) (fieldErrors[name] ??= []).push(issue.message)
    else formErrors.push(issue.message)
  }
  const kept = Object.fromEntries(Object.entries(fields).filter(([name]) => keep(name)))
  return { ok: false, fields: kept, fieldErrors, formErrors }
}

/** A failure for one field decided after validation (a taken username, a wrong password). */
export function fieldFailure(form: FormData, field: string, message: string, keepFields?: string[]): FormFailure {
  const all = formFields(form)
  const fields = Object.fromEntries(
    Object.entries(all).filter(([name]) => (keepFields ? keepFields.includes(name) : !/password/i.test(name))),
  )
  return { ok: false, fields, fieldErrors: { [field]: [message] }, formErrors: [] }
}

export function formFailure(form: FormData, message: string): FormFailure {
  const fields = Object.fromEntries(Object.entries(formFields(form)).filter(([name]) => !/password/i.test(name)))
  return { ok: false, fields, fieldErrors: {}, formErrors: [message] }
}

/**
 * What a refused action says, with its status: a rule's no (a DomainError; a 429 with its
 * Retry-After) or a database that cannot take writes now (503 with Retry-After). Null for any other
 * error, which is no refusal but a bug.
 */
export function refusalOf(error: unknown): { message: string; status: number; headers?: Record<string, string> } | null {
  if (error instanceof RateLimitedError || error instanceof DatabaseUnavailableError) {
    return { message: error.message, status: error.status, headers: { 'Retry-After': String(error.retryAfterSeconds) } }
  }
  if (error instanceof DomainError) return { message: error.message, status: error.status }
  return null
}

/**
 * Runs a form action's work; a RateLimitedError becomes a 429, and a DatabaseUnavailableError (the
 * database busy, full or failing: nothing was saved) a 503, that re-render the form with what was
 * typed, the message and Retry-After, instead of an error page.
 */
export async function keepFormOnRateLimit<T, E extends Record<string, string> = Record<never, string>>(
  form: FormData,
  work: () => Promise<T>,
  /** Extra fields for the failure, such as the `intent` a page with several forms matches on. */
  extra?: E,
) {
  try {
    return await work()
  } catch (error) {
    if (!(error instanceof RateLimitedError || error instanceof DatabaseUnavailableError)) throw error
    const { message, status, headers } = refusalOf(error)!
    return data({ ...formFailure(form, message), ...(extra as E) }, { status, headers })
  }
}
