/** Account form schemas, shared by the routes, the user:create script and the tests. */
import { z } from 'zod'
import { ROLES } from '~/domain'

export const Username = z
  .string({ error: 'Choose a username.' })
  .trim()
  .toLowerCase()
  .min(2, 'Use at least 2 characters.')
  .max(30, 'Use at most 30 characters.')
  .regex(/^[a-z0-9_-]+$/, 'Use only letters, digits, - and _.')
  .refine((name) => !isDeletedUsername(name), 'Names starting with “deleted-” are kept for deleted accounts.')

/** How long a member waits between two changes of their username. */
export const USERNAME_CHANGE_INTERVAL_DAYS = 30

/** A deleted account's username is `deleted-<id>` (models/account-data.server.ts); nobody can sign up as one. */
export const DELETED_USERNAME_PREFIX = 'deleted-'
/** The name a deleted member's remaining posts show. */
export const DELETED_MEMBER_NAME = 'Deleted member'
export function isDeletedUsername(username: string) {
  return username.startsWith(DELETED_USERNAME_PREFIX)
}

export const Email = z
  .string({ error: 'Enter an e-mail address.' })
  .trim()
  .toLowerCase()
  .max(254, 'Use at most 254 characters.')
  .pipe(z.email('Enter an e-mail address.'))

/** Length only; the full rules (common passwords, contains username) are in password.server.ts. */
export const NewPassword = z
  .string({ error: 'Choose a password.' })
  .min(10, 'Use at least 10 characters.')
  .max(200, 'Use at most 200 characters.')

export const DisplayName = z
  .string()
  .trim()
  .max(50, 'Use at most 50 characters.')
  .regex(/^[^<>\u0000-\u001f]*$/, 'Use letters, digits, spaces and punctuation.')

export const SignupForm = z.object({
  username: Username,
  email: Email,
  password: NewPassword,
  displayName: DisplayName.optional().default(''),
  redirectTo: z.string().max(2000).optional(),
})

export const LoginForm = z.object({
  identifier: z
    .string({ error: 'Enter your username or e-mail.' })
    .trim()
    .min(1, 'Enter your username or e-mail.')
    .max(254, 'Use at most 254 characters.'),
  password: z.string({ error: 'Enter your password.' }).min(1, 'Enter your password.').max(200, 'Use at most 200 characters.'),
  redirectTo: z.string().max(2000).optional(),
})

export const ChangePasswordForm = z
  .object({
    intent: z.literal('change-password'),
    currentPassword: z.string({ error: 'Enter your current password.' }).min(1, 'Enter your current password.').max(200),
    newPassword: NewPassword,
    confirmPassword: z.string({ error: 'Repeat the new password.' }).max(200),
  })
  .refine((v) => v.newPassword === v.confirmPassword, { path: ['confirmPassword'], message: 'The two passwords differ.' })

export const BIO_MAX_LENGTH = 2000

export const Bio = z.string().max(BIO_MAX_LENGTH, `Use at most ${BIO_MAX_LENGTH} characters.`)

export const ProfileForm = z.object({
  intent: z.literal('profile'),
  displayName: DisplayName,
  bio: Bio.optional().default(''),
})

export const RoleSchema = z.enum(ROLES)

/** "Forgot your password?": the address the reset link goes to. */
export const ForgotPasswordForm = z.object({ email: Email })

/** A new password from a reset link, typed twice. */
export const ResetPasswordForm = z
  .object({
    password: NewPassword,
    confirmPassword: z.string({ error: 'Repeat the new password.' }).max(200),
  })
  .refine((v) => v.password === v.confirmPassword, { path: ['confirmPassword'], message: 'The two passwords differ.' })

/** A link's token as it appears in the address: the shape newSignedAccountToken() gives, checked again by the model. */
export const AccountToken = z.string().min(1).max(200)
