import { data, type LinksFunction, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Form, Link, Links, Meta, NavLink, Outlet, Scripts, ScrollRestoration, useLocation, useRouteLoaderData } from '@remix-run/react'
import { type ReactNode } from 'react'
import { GeneralErrorBoundary } from './components/error-boundary'
import { useNonce } from './components/nonce'
import { getSessionCookieUpdate, getUser } from './lib/auth.server'
import { getDb } from './lib/db.server'
import { env } from './lib/env.server'
import { check, isStaff } from './lib/permissions'
import { countUnreadNotifications } from './models/notifications.server'
import { getSetting } from './models/settings.server'
import { countReviewableSuggestedEdits, REVIEWABLE_COUNT_CAP } from './models/suggested-edits.server'
import styles from './styles/app.css?url'

export const links: LinksFunction = () => [
  { rel: 'stylesheet', href: styles },
  { rel: 'icon', href: '/favicon.svg', type: 'image/svg+xml' },
]

export const meta: MetaFunction = () => [{ title: 'Summit' }]

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await getUser(request)
  const setCookie = await getSessionCookieUpdate(request)
  const unread = user ? countUnreadNotifications(getDb(), user.id) : 0
  // Suggested edits waiting for this member: on their own posts, or on anyone's with the edit privilege.
  const reviewable = user
    ? countReviewableSuggestedEdits(getDb(), { viewerId: user.id, mayReviewAny: check(user, 'review:suggested-edit').ok })
    : 0
  const toReview = reviewable === 0 ? null : reviewable >= REVIEWABLE_COUNT_CAP ? `${REVIEWABLE_COUNT_CAP - 1}+` : String(reviewable)
  const viewer = user
    ? {
        id: user.id,
        username: user.username,
        displayName: user.displayName,
        role: user.role,
        reputation: user.reputation,
        isStaff: isStaff(user),
      }
    : null
  // A member who has not followed their verification link is reminded on every page, while e-mail can reach them.
  const verifyEmail =
    user && !user.emailVerified && getSetting(getDb(), 'email').enabled
      ? { postsWait: user.role === 'member' && getSetting(getDb(), 'emailVerification').holdUnverifiedPosts }
      : null
  return data(
    { siteName: getSetting(getDb(), 'siteName') ?? env().SITE_NAME, viewer, unread, toReview, verifyEmail },
    { headers: setCookie ? { 'Set-Cookie': setCookie } : undefined },
  )
}

export type RootData = Awaited<ReturnType<typeof loader>>['data']

export function useViewer() {
  return useRouteLoaderData<typeof loader>('root')?.viewer ?? null
}

export function Layout({ children }: { children: ReactNode }) {
  const nonce = useNonce()
  const root = useRouteLoaderData<typeof loader>('root')
  const siteName = root?.siteName ?? 'Summit'
  return (
    <html lang="en">
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="color-scheme" content="light dark" />
        <Meta />
        <Links />
      </head>
      <body>
        <a className="skip-link" href="#main">
          Skip to content
        </a>
        <SiteHeader siteName={siteName} viewer={root?.viewer ?? null} unread={root?.unread ?? 0} toReview={root?.toReview ?? null} />
        <main id="main" tabIndex={-1}>
          {children}
        </main>
        <footer className="site-footer">
          <div className="container footer-inner">
            <p>
              {siteName} · a community where customers shape the product. Ideas are ranked in the open: by votes, by trend, and every
              promise stays on the <Link to="/roadmap">roadmap</Link> until it ships.
            </p>
            <nav aria-label="Footer">
              <ul>
                <li>
                  <Link to="/ideas">Ideas</Link>
                </li>
                <li>
                  <Link to="/questions">Questions</Link>
                </li>
                <li>
                  <Link to="/roadmap">Roadmap</Link>
                </li>
                <li>
                  <Link to="/changelog">Changelog</Link>
                </li>
                <li>
                  <Link to="/badges">Badges</Link>
                </li>
                <li>
                  <Link to="/help/privileges">Privileges</Link>
                </li>
              </ul>
            </nav>
          </div>
        </footer>
        <ScrollRestoration nonce={nonce} />
        <Scripts nonce={nonce} />
      </body>
    </html>
  )
}

function SiteHeader({
  siteName,
  viewer,
  unread,
  toReview,
}: {
  siteName: string
  viewer: RootData['viewer']
  unread: number
  toReview: string | null
}) {
  const location = useLocation()
  const here = `${location.pathname}${location.search}`
  // The log-in routes' own pages (a refused single sign-on) never lead back to themselves: their
  // addresses carry a code, state or token that must not travel further.
  const loginTarget =
    location.pathname === '/login' || location.pathname === '/signup' || location.pathname.startsWith('/sso/')
      ? '/login'
      : `/login?${new URLSearchParams({ redirectTo: here })}`
  return (
    <header className="site-header">
      <div className="container header-inner">
        <Link to="/" className="brand">
          <svg aria-hidden="true" width="28" height="28" viewBox="0 0 32 32" focusable="false">
            <path d="M2 27 L12 9 L18 19 L22 13 L30 27 Z" fill="currentColor" />
          </svg>
          <span>{siteName}</span>
        </Link>
        <nav aria-label="Main" className="main-nav">
          <ul>
            <li>
              <NavLink to="/ideas">Ideas</NavLink>
            </li>
            <li>
              <NavLink to="/questions">Questions</NavLink>
            </li>
            <li>
              <NavLink to="/roadmap">Roadmap</NavLink>
            </li>
            <li>
              <NavLink to="/users">Members</NavLink>
            </li>
            {viewer?.isStaff ? (
              <li>
                <NavLink to="/admin">Admin</NavLink>
              </li>
            ) : null}
          </ul>
        </nav>
        <Form method="get" action="/search" role="search" className="header-search">
          <label htmlFor="site-search" className="visually-hidden">
            Search ideas and questions
          </label>
          <input id="site-search" type="search" name="q" placeholder="Search…" maxLength={200} />
          <button type="submit" className="button-secondary">
            Search
          </button>
        </Form>
        <div className="account">
          {viewer ? (
            <NavLink
              to="/notifications"
              className="notifications-link"
              aria-label={unread > 0 ? `Notifications, ${unread} unread` : undefined}
            >
              Notifications
              {unread > 0 ? <span className="unread-count">{unread > 99 ? '99+' : unread}</span> : null}
            </NavLink>
          ) : null}
          {viewer ? (
            <details className="user-menu">
              <summary>
                <span className="visually-hidden">Account menu for </span>
                {viewer.displayName}
                <span className="reputation" title="Reputation">
                  <span className="visually-hidden">, reputation </span>
                  {Math.max(1, viewer.reputation)}
                </span>
              </summary>
              <ul>
                <li>
                  <Link to={`/u/${viewer.username}`}>Your profile</Link>
                </li>
                <li>
                  <Link to="/settings">Settings</Link>
                </li>
                <li>
                  <Link to="/review/edits">
                    Suggested edits
                    {toReview ? ` (${toReview} to review)` : ''}
                  </Link>
                </li>
                <li>
                  <Link to="/help/privileges">Privileges</Link>
                </li>
                <li>
                  <Form method="post" action="/logout">
                    <button type="submit" className="link-button">
                      Log out
                    </button>
                  </Form>
                </li>
              </ul>
            </details>
          ) : (
            <ul className="auth-links">
              <li>
                <Link to={loginTarget}>Log in</Link>
              </li>
              <li>
                <Link to="/signup" className="button">
                  Sign up
                </Link>
              </li>
            </ul>
          )}
        </div>
      </div>
    </header>
  )
}

export default function App() {
  return (
    <div className="container">
      <VerifyEmailReminder />
      <Outlet />
    </div>
  )
}

/** The reminder for a member whose e-mail address is not verified, with "send the link again" (not on the pages that have their own). */
function VerifyEmailReminder() {
  const reminder = useRouteLoaderData<typeof loader>('root')?.verifyEmail
  const { pathname } = useLocation()
  if (!reminder || pathname === '/settings' || pathname.startsWith('/verify-email/')) return null
  return (
    <div className="notice notice-warning verify-reminder">
      <p>
        Please confirm your e-mail address: follow the link we sent you.
        {reminder.postsWait ? ' Until then, your ideas, questions and answers wait for a moderator before others see them.' : ''}
      </p>
      <Form method="post" action="/settings">
        <input type="hidden" name="intent" value="resend-verification" />
        <button type="submit" className="button-secondary">
          Send the link again
        </button>
      </Form>
    </div>
  )
}

export function ErrorBoundary() {
  return (
    <div className="container">
      <GeneralErrorBoundary />
    </div>
  )
}
