/**
 * A member's public profile (/u/:username) as one viewer sees it: the member, and the one tab
 * asked for (activity, reputation, badges, ideas, questions, answers), each read only when shown.
 * A username the member gave up answers with the one they use now, for the route to redirect to.
 */
import { type ProfileTab } from '~/domain'
import { type Db } from '~/lib/db.server'
import { NotFoundError } from '~/lib/errors'
import { type Cursor } from '~/lib/pagination.server'
import { type Actor, isStaff } from '~/lib/permissions'
import {
  getPublicProfile,
  getReputationHistory,
  listProfileAnswers,
  listProfileIdeas,
  listProfileQuestions,
  listReputationLedger,
  listUserBadges,
} from './profiles.server'
import { findRenamedUsername } from './users.server'

/** The activity tab shows the latest events; the reputation tab pages through all of them. */
const RECENT_EVENTS = 10

/** The profile page, or `{ renamedTo }` for a username its member changed (throws NotFoundError for none). */
export function getProfilePageView(
  db: Db,
  viewerUser: Actor | null,
  { username, tab, cursor }: { username: string; tab: ProfileTab; cursor: Cursor | null },
) {
  let profile
  try {
    profile = getPublicProfile(db, username)
  } catch (error) {
    // A member who changed their username: the old address leads to the new one.
    const renamed = error instanceof NotFoundError ? findRenamedUsername(db, username) : null
    if (renamed) return { renamedTo: renamed } as const
    throw error
  }
  const viewer = viewerUser ? { id: viewerUser.id, isStaff: isStaff(viewerUser) } : null
  const input = { userId: profile.id, viewer, cursor }
  return {
    profile,
    isOwner: viewerUser?.id === profile.id,
    tab,
    history: tab === 'activity' || tab === 'reputation' ? getReputationHistory(db, profile.id) : null,
    ledger:
      tab === 'activity'
        ? listReputationLedger(db, { userId: profile.id, viewer, pageSize: RECENT_EVENTS })
        : tab === 'reputation'
          ? listReputationLedger(db, input)
          : null,
    badges: tab === 'activity' || tab === 'badges' ? listUserBadges(db, profile.id) : null,
    ideas: tab === 'ideas' ? listProfileIdeas(db, input) : null,
    questions: tab === 'questions' ? listProfileQuestions(db, input) : null,
    answers: tab === 'answers' ? listProfileAnswers(db, input) : null,
  }
}
