/** /resources/similar-ideas: ideas like the title being typed, for the new-idea form. */
import { type LoaderFunctionArgs } from '@remix-run/node'
import { z } from 'zod'
import { getDb } from '~/lib/db.server'
import { similarIdeas } from '~/models/search.server'
import { SIMILAR_IDEAS_MIN_CHARS } from '~/schemas/idea-limits'

// Any text is a valid query: similarIdeas() keeps only words, each quoted, before it reaches FTS5.
const Query = z.object({
  q: z
    .string()
    .catch('')
    .transform((q) => q.trim().slice(0, 300)),
})

/** Ideas like the title being typed on /ideas/new (JSON for its fetcher). Public data, as on /search. */
export async function loader({ request }: LoaderFunctionArgs) {
  const { q } = Query.parse(Object.fromEntries(new URL(request.url).searchParams))
  const ideas = q.length >= SIMILAR_IDEAS_MIN_CHARS ? similarIdeas(getDb(), q) : []
  return Response.json({ ideas }, { headers: { 'Cache-Control': 'public, max-age=30' } })
}
