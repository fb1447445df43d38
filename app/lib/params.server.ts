import { z } from 'zod'
import { notFound } from './http.server'

const Id = z
  .string()
  .regex(/^[1-9]\d{0,15}$/)
  .transform(Number)

/** A numeric id from the URL; anything else (/ideas/abc, /ideas/0) is a missing page, not a 500. */
export function parseId(value: string | undefined, what: string) {
  const parsed = Id.safeParse(value)
  return parsed.success && Number.isSafeInteger(parsed.data) ? parsed.data : notFound(what)
}
