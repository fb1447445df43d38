/** How tracker links look in /api/v1 answers, and the 409 a duplicate address gets there. */
import { problem } from '~/lib/api.server'
import { DuplicateLinkError, type IdeaLinkRow } from './idea-links.server'

export function apiIdeaLink(link: IdeaLinkRow) {
  return { ...link, createdAt: link.createdAt.toISOString(), updatedAt: link.updatedAt.toISOString() }
}

/** Runs `fn`; a duplicate address becomes a 409 problem with the message on `url`, as a form shows it. */
export function duplicateLinkProblem<T>(fn: () => T): T {
  try {
    return fn()
  } catch (error) {
    if (error instanceof DuplicateLinkError) throw problem(409, error.message, { errors: { [error.field]: [error.message] } })
    throw error
  }
}
