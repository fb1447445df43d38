import { describe, expect, test } from 'vitest'
import { hashPassword, passwordProblem, verifyPassword } from '~/lib/password.server'

describe('password rules', () => {
  test.each([
    ['short', 'Use at least 10 characters.'],
    ['123456789', 'Use at least 10 characters.'],
    ['password123', 'This password is too common. Pick something less guessable.'],
    ['PASSWORD123', 'This password is too common. Pick something less guessable.'],
    ['qwertyuiop1', 'This password is too common. Pick something less guessable.'],
    ['aaaaaaaaaaaa', 'This password repeats one character. Pick something less guessable.'],
    ['x'.repeat(201), 'Use at most 200 characters.'],
  ])('%j is refused: %s', (password, message) => {
    expect(passwordProblem(password)).toBe(message)
  })

  test('a password may not contain the username or the e-mail name', () => {
    expect(passwordProblem('casey-rocks-2026', { username: 'casey' })).toBe('Your password must not contain your username.')
    expect(passwordProblem('jordan.lee-secret', { email: 'jordan.lee@example.com' })).toBe(
      'Your password must not contain your e-mail address.',
    )
  })

  test.each(['correct-horse-battery', 'summit-demo-pass', 'Tr0ub4dor&3-extra', 'ten chars!'])('%j is accepted', (password) => {
    expect(passwordProblem(password)).toBeNull()
  })
})

describe('hashing', () => {
  test('argon2id hashes verify the right password only', async () => {
    const hash = await hashPassword('correct-horse-battery')
    expect(hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/)
    expect(await verifyPassword(hash, 'correct-horse-battery')).toBe(true)
    expect(await verifyPassword(hash, 'correct-horse-batterY')).toBe(false)
  })

  test('a malformed stored hash never verifies', async () => {
    expect(await verifyPassword('not-a-hash', 'anything')).toBe(false)
  })
})
