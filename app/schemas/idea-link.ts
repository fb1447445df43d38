/**
 * The fields of a link from an idea to a work item in the tracker, shared by the idea page's forms
 * and the API (api-links.ts).
 */
import { z } from 'zod'

export const LINK_URL_MAX = 500
export const LINK_TITLE_MAX = 200
export const LINK_STATE_MAX = 40

/** A work item's address: http or https only, so a `javascript:` link can never reach the page. */
export const LinkUrl = z
  .string({ error: 'Enter the address of the work item.' })
  .trim()
  .min(1, 'Enter the address of the work item.')
  .max(LINK_URL_MAX, `Keep the address under ${LINK_URL_MAX} characters.`)
  .pipe(z.url({ protocol: /^https?$/, error: 'Enter an http:// or https:// address.' }))
  .describe('The work item’s address in the tracker (http or https).')

export const LinkTitle = z
  .string({ error: 'Enter a title.' })
  .trim()
  .min(1, 'Enter a title.')
  .max(LINK_TITLE_MAX, `Keep the title under ${LINK_TITLE_MAX} characters.`)
  .describe('What the work item is called, as the team reads it.')

/** The tracker's own word for the item's state ("open", "closed", "Done"); may be empty. */
export const LinkState = z
  .string({ error: 'Enter a state, or leave it empty.' })
  .trim()
  .max(LINK_STATE_MAX, `Keep the state under ${LINK_STATE_MAX} characters.`)
  .describe('The tracker’s state of the work item, such as open, closed or Done; may be empty.')

/** A link's id as a form posts it. */
export const LinkIdField = z
  .string({ error: 'Choose a link.' })
  .regex(/^[1-9]\d{0,15}$/, 'Choose a link.')
  .transform(Number)
