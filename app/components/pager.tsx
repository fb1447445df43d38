import { Link, useLocation } from '@remix-run/react'

/** "Next page" for keyset lists; "First page" once the visitor has paged on. */
export function Pager({ nextCursor, label }: { nextCursor: string | null; label: string }) {
  const location = useLocation()
  const params = new URLSearchParams(location.search)
  const onLaterPage = params.has('cursor')
  params.set('cursor', nextCursor ?? '')
  const next = `${location.pathname}?${params}`
  params.delete('cursor')
  const first = params.size ? `${location.pathname}?${params}` : location.pathname
  if (!nextCursor && !onLaterPage) return null
  return (
    <nav className="pager" aria-label={`${label} pages`}>
      {onLaterPage ? <Link to={first}>First page</Link> : null}
      {nextCursor ? (
        <Link to={next} rel="next">
          Next page
        </Link>
      ) : null}
    </nav>
  )
}

/** Sort or tab links that keep the other query parameters; the current one is marked for screen readers. */
export function TabLinks<T extends string>({
  name,
  current,
  options,
  label,
}: {
  name: string
  current: T
  options: ReadonlyArray<readonly [T, string]>
  label: string
}) {
  const location = useLocation()
  return (
    <nav aria-label={label} className="tabs">
      <ul>
        {options.map(([value, text]) => {
          const params = new URLSearchParams(location.search)
          params.set(name, value)
          params.delete('cursor')
          params.delete('page') // a new tab starts on its first page
          return (
            <li key={value}>
              <Link to={`${location.pathname}?${params}`} aria-current={value === current ? 'page' : undefined}>
                {text}
              </Link>
            </li>
          )
        })}
      </ul>
    </nav>
  )
}
