/**
 * The badge catalogue, shared by the server (which awards them in app/models/badges.server.ts) and
 * the UI (profiles, /badges, notifications). A badge is awarded at most once per member, in the same
 * transaction as the event that earns it.
 */
export const BADGE_LEVELS = ['bronze', 'silver', 'gold'] as const
export type BadgeLevel = (typeof BADGE_LEVELS)[number]

export type BadgeDefinition = {
  id: string
  name: string
  /** What earns it, as the member reads it. */
  description: string
  level: BadgeLevel
}

export const BADGES = [
  { id: 'first_idea', name: 'First idea', description: 'Posted a first idea.', level: 'bronze' },
  { id: 'first_question', name: 'Curious', description: 'Asked a first question.', level: 'bronze' },
  { id: 'first_answer', name: 'First answer', description: 'Answered a first question.', level: 'bronze' },
  { id: 'supporter', name: 'Supporter', description: 'Cast a first upvote on a question or an answer.', level: 'bronze' },
  { id: 'idea_planned', name: 'Idea planned', description: 'An idea of yours was planned by the product team.', level: 'silver' },
  { id: 'helpful', name: 'Helpful', description: 'Wrote 10 answers with a score of 1 or more.', level: 'silver' },
  { id: 'popular_idea', name: 'Popular idea', description: 'An idea of yours reached 50 votes.', level: 'silver' },
  { id: 'accepted_10', name: 'Problem solver', description: 'Had 10 answers accepted.', level: 'gold' },
  { id: 'co_creator', name: 'Co-creator', description: 'An idea of yours (or a question turned into one) shipped.', level: 'gold' },
] as const satisfies readonly BadgeDefinition[]

export type BadgeId = (typeof BADGES)[number]['id']

const BY_ID = new Map<string, BadgeDefinition>(BADGES.map((b) => [b.id, b]))

export function badgeById(id: string): BadgeDefinition | undefined {
  return BY_ID.get(id)
}

export function isBadgeId(id: string): id is BadgeId {
  return BY_ID.has(id)
}
