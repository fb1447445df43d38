/**
 * The one error page style: a title per status, the thrown text when it is a plain message, and a
 * way home. Routes may change the message for a status, never the layout. Stack traces and
 * messages of unexpected errors are never shown (they are logged once on the server).
 */
import { isRouteErrorResponse, Link, useLocation, useRouteError } from '@remix-run/react'

const TITLES: Record<number, string> = {
  400: 'That request was not understood',
  401: 'Please log in',
  403: 'Not allowed',
  404: 'Page not found',
  409: 'That changed in the meantime',
  413: 'Too large',
  429: 'Slow down',
  500: 'Something went wrong',
  503: 'Please try again in a moment',
}

const DEFAULT_MESSAGES: Record<number, string> = {
  401: 'You need to log in to see this page.',
  403: 'You do not have permission to do that.',
  404: 'We could not find the page you asked for. It may have moved, or it never existed.',
  429: 'Too many attempts in a short time. Wait a little and try again.',
  500: 'An unexpected error happened on our side. It has been logged; please try again in a moment.',
  503: 'The database is busy or out of space right now, so nothing was saved. Try again in a few seconds.',
}

export function GeneralErrorBoundary({ messages = {} }: { messages?: Partial<Record<number, string>> }) {
  const error = useRouteError()
  const status = isRouteErrorResponse(error) ? error.status : 500
  const thrown = isRouteErrorResponse(error) && typeof error.data === 'string' && error.data.trim() ? error.data : null
  const message = messages[status] ?? thrown ?? DEFAULT_MESSAGES[status] ?? 'The request could not be completed.'
  const location = useLocation()
  return (
    <section className="error-page" aria-labelledby="error-title">
      <p className="error-status">Error {status}</p>
      <h1 id="error-title">{TITLES[status] ?? 'Something went wrong'}</h1>
      <p>{message}</p>
      <p className="error-actions">
        {status === 401 ? <Link to="/login">Log in</Link> : null}
        {/* A 503 passes (a lock, a freed disk): the same page again, as a GET, never a re-post. */}
        {status === 503 ? (
          <Link to={`${location.pathname}${location.search}`} reloadDocument>
            Try again
          </Link>
        ) : null}
        <Link to="/">Go to the home page</Link>
      </p>
    </section>
  )
}
