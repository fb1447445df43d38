/**
 * The privileges reputation unlocks, as the help page (/help/privileges) explains them. The thresholds
 * are PRIVILEGE_REPUTATION, the same numbers check() enforces; staff hold every privilege.
 */
import { PRIVILEGE_REPUTATION } from './permissions'

export type Privilege = { id: string; name: string; reputation: number; description: string }

export const PRIVILEGES: readonly Privilege[] = [
  {
    id: 'participate',
    name: 'Take part',
    reputation: 1,
    description:
      'Post ideas, vote on them and comment on them; ask questions, answer them and comment on your own questions; suggest edits.',
  },
  { id: 'upvote', name: 'Upvote', reputation: PRIVILEGE_REPUTATION.upvote, description: 'Upvote questions and answers that are useful.' },
  {
    id: 'flag',
    name: 'Flag posts',
    reputation: PRIVILEGE_REPUTATION.flag,
    description: 'Bring spam, rude or off-topic posts to the moderators’ attention.',
  },
  {
    id: 'comment-everywhere',
    name: 'Comment everywhere',
    reputation: PRIVILEGE_REPUTATION.commentEverywhere,
    description: 'Comment on other members’ questions and answers.',
  },
  {
    id: 'downvote',
    name: 'Downvote',
    reputation: PRIVILEGE_REPUTATION.downvote,
    description: 'Downvote questions and answers that are not useful. A downvote on an answer costs you 1 reputation.',
  },
  {
    id: 'create-tags',
    name: 'Create tags',
    reputation: PRIVILEGE_REPUTATION.createTags,
    description: 'Add new tags to the site when you post.',
  },
  {
    id: 'vote-breakdowns',
    name: 'See vote breakdowns',
    reputation: PRIVILEGE_REPUTATION.seeVoteBreakdowns,
    description: 'See how many upvotes and downvotes make up the score of a question or an answer.',
  },
  {
    id: 'edit',
    name: 'Edit others’ posts',
    reputation: PRIVILEGE_REPUTATION.editOthers,
    description:
      'Edit other members’ questions and answers directly, and review the edits others suggest. Below this, suggest edits for review.',
  },
  {
    id: 'close',
    name: 'Vote to close',
    reputation: PRIVILEGE_REPUTATION.voteToClose,
    description: 'Close questions that are duplicates, off-topic or resolved, and reopen them.',
  },
]
