/**
 * Factories for the tests. They insert real rows with unique, readable defaults, and anything that
 * moves a counter or the ledger goes through the model functions, so factory data passes a recount.
 */
import { hashSync } from '@node-rs/argon2'
import { eq } from 'drizzle-orm'
import { userBadges, users } from '#db/schema'
import { type ReputationSourceType, type Role } from '~/domain'
import { type BadgeId } from '~/lib/badges'
import { type Db } from '~/lib/db.server'
import { addComment, type CommentTarget } from '~/models/comments.server'
import { createAnswer } from '~/models/answers.server'
import { createIdea } from '~/models/ideas.server'
import { createQuestion } from '~/models/questions.server'
import { adjustReputation } from '~/models/reputation.server'
import { insertCategory, insertSegment } from '~/models/site-admin.server'
import { createAccount } from '~/models/users.server'

export const TEST_PASSWORD = 'correct-horse-battery'

// Hashing is deliberately slow; hash each distinct password once per process.
const hashes = new Map<string, string>()
export function passwordHashFor(password: string) {
  let hash = hashes.get(password)
  if (!hash) {
    hash = hashSync(password, { memoryCost: 19_456, timeCost: 2, parallelism: 1 })
    hashes.set(password, hash)
  }
  return hash
}

let sequence = 0
/** A process-unique suffix, so factory rows never collide within one database. */
export function unique(prefix: string) {
  sequence += 1
  return `${prefix}${process.pid.toString(36)}${sequence.toString(36)}`
}

export type UserOverrides = {
  username?: string
  email?: string
  password?: string
  displayName?: string
  role?: Role
  segmentId?: number | null
  /** Total reputation to start with (1 is the floor every account starts at); written through the ledger. */
  reputation?: number
  createdAt?: Date
  suspendedUntil?: Date | null
  suspensionReason?: string | null
}

export function createUser(db: Db, overrides: UserOverrides = {}) {
  const username = overrides.username ?? unique('user')
  const account = createAccount(db, {
    username,
    email: overrides.email ?? `${username}@example.com`,
    passwordHash: passwordHashFor(overrides.password ?? TEST_PASSWORD),
    displayName: overrides.displayName ?? username,
    role: overrides.role ?? 'member',
    segmentId: overrides.segmentId ?? null,
    createdAt: overrides.createdAt,
  })
  if (overrides.reputation !== undefined && overrides.reputation !== 1) {
    db.transaction((tx) => adjustReputation(tx, { userId: account.id, delta: overrides.reputation! - 1, actorId: null }))
  }
  if (overrides.suspendedUntil) {
    db.update(users)
      .set({ suspendedUntil: overrides.suspendedUntil, suspensionReason: overrides.suspensionReason ?? null })
      .where(eq(users.id, account.id))
      .run()
  }
  return {
    id: account.id,
    username: account.username,
    email: overrides.email ?? `${username}@example.com`,
    role: account.role,
    password: overrides.password ?? TEST_PASSWORD,
  }
}

export function createSegment(db: Db, overrides: { name?: string; weight?: number; position?: number } = {}) {
  return insertSegment(db, { name: overrides.name ?? unique('Segment '), weight: overrides.weight ?? 1, position: overrides.position ?? 0 })
}

export function createCategory(db: Db, overrides: { name?: string; slug?: string; description?: string; position?: number } = {}) {
  const name = overrides.name ?? unique('Category ')
  return insertCategory(db, {
    name,
    slug:
      overrides.slug ??
      name
        .toLowerCase()
        .replace(/[^a-z0-9]+/g, '-')
        .replace(/^-|-$/g, ''),
    description: overrides.description ?? '',
    position: overrides.position ?? 0,
  })
}

export function createTestIdea(
  db: Db,
  overrides: { authorId: number; categoryId?: number | null; title?: string; bodyMd?: string; tagNames?: string[]; now?: Date },
) {
  const title = overrides.title ?? `Idea ${unique('')}: let us export reports as CSV`
  const idea = createIdea(db, {
    authorId: overrides.authorId,
    categoryId: overrides.categoryId ?? null,
    title,
    bodyMd: overrides.bodyMd ?? 'It would save our team an hour every week.',
    tagNames: overrides.tagNames,
    now: overrides.now,
  })
  return { id: idea.id, title }
}

export function createTestQuestion(
  db: Db,
  overrides: { authorId: number; title?: string; bodyMd?: string; tagNames?: string[]; now?: Date },
) {
  const title = overrides.title ?? `Question ${unique('')}: how do I reset my API key?`
  const question = createQuestion(db, {
    authorId: overrides.authorId,
    title,
    bodyMd: overrides.bodyMd ?? 'I cannot find the setting anywhere in the dashboard.',
    tagNames: overrides.tagNames,
    now: overrides.now,
  })
  return { id: question.id, title }
}

export function createTestAnswer(
  db: Db,
  overrides: { questionId: number; authorId: number; authorRole?: Role; bodyMd?: string; now?: Date },
) {
  return createAnswer(db, {
    questionId: overrides.questionId,
    authorId: overrides.authorId,
    authorRole: overrides.authorRole,
    bodyMd: overrides.bodyMd ?? 'Open **Settings → API** and press *Regenerate*.',
    now: overrides.now,
  })
}

export function createTestComment(db: Db, overrides: { target: CommentTarget; authorId: number; bodyMd?: string; now?: Date }) {
  return addComment(db, {
    target: overrides.target,
    authorId: overrides.authorId,
    bodyMd: overrides.bodyMd ?? 'Same here, this would help us a lot.',
    now: overrides.now,
  })
}

/** Gives a member a badge row directly (awarding rules live elsewhere; this is for pages that show badges). */
export function awardTestBadge(
  db: Db,
  input: { userId: number; badge: BadgeId; source?: { type: ReputationSourceType; id: number } | null; createdAt?: Date },
) {
  return db
    .insert(userBadges)
    .values({
      userId: input.userId,
      badge: input.badge,
      sourceType: input.source?.type ?? null,
      sourceId: input.source?.id ?? null,
      ...(input.createdAt ? { createdAt: input.createdAt } : {}),
    })
    .returning({ id: userBadges.id })
    .get()
}
