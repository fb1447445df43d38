/**
 * Pieces the idea page's sections share: the page's data type, which form an action's answer
 * belongs to, a timestamp and an author's name with the Team badge.
 */
import { type useLoaderData, useNavigation } from '@remix-run/react'
import { type FormResult } from '~/components/forms'
import { MemberName } from '~/components/member-name'
import { type Role } from '~/domain'
import type { loader } from './data.server'

/** The page's data as the sections get it (the loader in data.server.ts). */
export type IdeaPageData = ReturnType<typeof useLoaderData<typeof loader>>

/** What a refused form post returned: the text typed, a message per field, and which form it was. */
export type IdeaActionData = (FormResult & { intent?: string }) | undefined

/** The action's answer, when it belongs to the form of `intent` (and, for several alike, `match`). */
export function resultFor(result: IdeaActionData, intent: string, match: Record<string, string> = {}) {
  if (!result || result.intent !== intent) return null
  return Object.entries(match).every(([name, value]) => result.fields?.[name] === value) ? result : null
}

/** True while the form of `intent` (and, for several alike, `match`) is being submitted. */
export function useSubmitting(intent: string, match: Record<string, string> = {}) {
  const navigation = useNavigation()
  const form = navigation.state === 'submitting' ? navigation.formData : null
  return !!form && form.get('intent') === intent && Object.entries(match).every(([name, value]) => form.get(name) === value)
}

const TIMESTAMP_FORMAT = new Intl.DateTimeFormat('en', {
  year: 'numeric',
  month: 'short',
  day: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
  timeZone: 'UTC',
})

/** A date with its time of day, in UTC so the server and the browser print the same. */
export function Timestamp({ value }: { value: string | Date }) {
  const date = typeof value === 'string' ? new Date(value) : value
  return <time dateTime={date.toISOString()}>{TIMESTAMP_FORMAT.format(date)} UTC</time>
}

/** A name, with the Team badge after it for staff (and no stray space for members). */
export function AuthorName({ name, username, role, className }: { name: string; username?: string; role: Role; className?: string }) {
  return <MemberName name={name} username={username} role={role} className={className} />
}
