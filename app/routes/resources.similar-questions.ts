/**
 * Questions and ideas similar to a title being typed (GET ?title=…), as JSON for the ask page's
 * debounced fetcher. Public posts only; any text is safe (it is reduced to quoted words).
 */
import { type LoaderFunctionArgs } from '@remix-run/node'
import { z } from 'zod'
import { getDb } from '~/lib/db.server'
import { similarPosts } from '~/models/search.server'

const Query = z.object({
  title: z
    .string()
    .catch('')
    .transform((t) => t.slice(0, 500)),
})

export async function loader({ request }: LoaderFunctionArgs) {
  const { title } = Query.parse(Object.fromEntries(new URL(request.url).searchParams))
  const results = title.trim() ? similarPosts(getDb(), { title }) : []
  return Response.json({ results }, { headers: { 'Cache-Control': 'private, max-age=60' } })
}
