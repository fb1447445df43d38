import { describe, expect, test, vi } from 'vitest'
import { handleError } from '~/entry.server'

const context = () => ({ request: new Request('http://localhost:3000/'), params: {}, context: {} })

describe('handleError', () => {
  test('does not log answers: thrown Responses and Remix 4xx error responses (a POST to a page without an action is a 405)', () => {
    // The test setup fails any test that calls console.error.
    handleError(new Response('nope', { status: 404 }), context())
    handleError({ status: 405, statusText: 'Method Not Allowed', internal: true, data: 'no action' }, context())
  })

  test('logs a real bug once', () => {
    const spy = vi.spyOn(console, 'error').mockImplementation(() => {})
    const bug = new Error('boom')
    handleError(bug, context())
    expect(spy).toHaveBeenCalledTimes(1)
    expect(spy).toHaveBeenCalledWith(bug)
    spy.mockClear() // the setup's afterEach would fail on the expected call
  })
})
