/** POST /resources/markdown-preview: the HTML a Markdown text renders to, for the editors' preview. */
import { type ActionFunctionArgs } from '@remix-run/node'
import { z } from 'zod'
import { getUser } from '~/lib/auth.server'
import { readForm } from '~/lib/forms.server'
import { httpError, orHttpError } from '~/lib/http.server'
import { renderMarkdown } from '~/lib/markdown.server'
import { hitMemoryLimit, MARKDOWN_PREVIEW_LIMIT } from '~/lib/rate-limit.server'
import { IDEA_BODY_MAX } from '~/schemas/idea-limits'

const Body = z.object({ body: z.string().max(IDEA_BODY_MAX) })

/** The live preview of a Markdown field: the same sanitized HTML the post will store (JSON). */
export async function action({ request }: ActionFunctionArgs) {
  const form = await readForm(request, { maxBytes: 64 * 1024 }) // same-origin (403) and size (413)
  const user = await getUser(request)
  if (!user) httpError(401, 'Log in to preview your post.')
  const parsed = Body.safeParse({ body: form.get('body') })
  if (!parsed.success) httpError(400, `Previews take at most ${IDEA_BODY_MAX.toLocaleString('en')} characters of text.`)
  orHttpError(() => hitMemoryLimit(`markdown-preview:user:${user.id}`, MARKDOWN_PREVIEW_LIMIT, 'Too many previews in a short time.'))
  return Response.json({ html: renderMarkdown(parsed.data.body) }, { headers: { 'Cache-Control': 'no-store' } })
}

export async function loader() {
  httpError(405, 'Send the text to preview with POST.', { Allow: 'POST' })
}
