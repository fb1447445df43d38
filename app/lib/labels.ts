import { type IdeaStatus } from '~/domain'
/** Human labels for stored enum values, shared by pages and feeds. */

export const IDEA_STATUS_LABELS: Record<IdeaStatus, string> = {
  open: 'Open',
  under_review: 'Under review',
  planned: 'Planned',
  in_progress: 'In progress',
  shipped: 'Shipped',
  declined: 'Declined',
  merged: 'Merged',
}

/** The statuses an idea list can be filtered by (merged ideas redirect, so they are never listed). */
export const LISTED_IDEA_STATUSES = (Object.keys(IDEA_STATUS_LABELS) as IdeaStatus[]).filter((s) => s !== 'merged')

export const ROLE_LABELS = { member: 'Member', moderator: 'Moderator', product: 'Product team', admin: 'Admin' } as const
