/** /changelog.atom: the changelog as an Atom feed. */
import { type LoaderFunctionArgs } from '@remix-run/node'
import { renderAtomFeed } from '~/lib/atom.server'
import { getDb } from '~/lib/db.server'
import { env, publicOrigin } from '~/lib/env.server'
import { siteOrigin } from '~/lib/forms.server'
import { etagFor, isNotModified } from '~/lib/http.server'
import { listChangelog } from '~/models/changelog.server'

const FEED_ENTRIES = 50
/**
 * Feed readers poll; five minutes keeps them cheap without hiding a release for long. A feed needs
 * absolute links: without PUBLIC_URL they come from the request's Host, so no shared cache may
 * keep that copy for anyone else.
 */
const cacheControl = () => (publicOrigin() ? 'public, max-age=300' : 'private, max-age=300')

/** The changelog as an Atom 1.0 feed: the 50 most recently shipped ideas with their release notes. */
export async function loader({ request }: LoaderFunctionArgs) {
  const origin = siteOrigin(request)
  const siteName = env().SITE_NAME
  const { items } = listChangelog(getDb(), { pageSize: FEED_ENTRIES })
  const xml = renderAtomFeed({
    id: `${origin}/changelog`,
    title: `${siteName} changelog`,
    subtitle: 'Ideas from our community that have shipped.',
    selfUrl: `${origin}/changelog.atom`,
    alternateUrl: `${origin}/changelog`,
    authorName: `${siteName} product team`,
    updated: items[0]?.shippedAt ?? new Date(0),
    entries: items.map((idea) => ({
      id: `${origin}/ideas/${idea.id}`,
      title: idea.title,
      url: `${origin}/ideas/${idea.id}`,
      published: idea.shippedAt,
      updated: idea.shippedAt,
      contentHtml: idea.noteHtml || '<p>Shipped.</p>',
      summary: idea.excerpt,
      category: idea.categorySlug && idea.category ? { term: idea.categorySlug, label: idea.category } : null,
    })),
  })
  const etag = etagFor(xml)
  const headers = { 'Cache-Control': cacheControl(), ETag: etag }
  if (isNotModified(request, etag)) return new Response(null, { status: 304, headers })
  return new Response(xml, { headers: { ...headers, 'Content-Type': 'application/atom+xml; charset=utf-8' } })
}
