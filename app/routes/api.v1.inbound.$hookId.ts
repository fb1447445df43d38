/**
 * POST /api/v1/inbound/:hookId: the tracker's call that moves linked ideas (closing an issue ships
 * the idea). Authenticated by the hook, not by a token: a Standard Webhooks signature over the raw
 * body, or the hook's secret as a bearer (app/models/inbound-hooks.server.ts). 404 for an unknown
 * or revoked hook, 401 for a signature or secret that does not hold, 409 for a replayed message.
 */
import { type ActionFunctionArgs } from '@remix-run/node'
import { apiHandler, apiJson, idParam, MAX_BODY_BYTES, methodNotAllowed, problem, readJsonBody, takeApiRequest } from '~/lib/api.server'
import { getDb } from '~/lib/db.server'
import { readBody } from '~/lib/http.server'
import { API_TOKEN_LIMIT } from '~/models/api-tokens.server'
import { applyInboundCall, authenticateInboundCall } from '~/models/inbound-hooks.server'
import { InboundCallBody } from '~/schemas/api-links'

/** As for every API body: past the limit the rest is read and dropped (up to this), so the caller gets the 413. */
const DRAIN_LIMIT_BYTES = 1024 * 1024

export async function loader() {
  return methodNotAllowed(['POST'])
}

export async function action({ request, params }: ActionFunctionArgs) {
  return apiHandler(request, async () => {
    if (request.method !== 'POST') return methodNotAllowed(['POST'])
    const db = getDb()
    const hookId = idParam(params.hookId, 'inbound hook')
    const headers = takeApiRequest([{ key: `inbound:${hookId}`, limit: API_TOKEN_LIMIT }])
    // The signature covers the body's bytes as sent: read them once, check them, then parse the same bytes.
    const { bytes, overflow } = await readBody(request, { keepBytes: MAX_BODY_BYTES, readBytes: DRAIN_LIMIT_BYTES })
    if (overflow) throw problem(413, `The body may be at most ${MAX_BODY_BYTES} bytes.`)
    const { messageId } = authenticateInboundCall(db, { hookId, headers: request.headers, body: bytes })
    const call = await readJsonBody(new Request(request.url, { method: 'POST', headers: request.headers, body: bytes }), InboundCallBody)
    return apiJson(applyInboundCall(db, { hookId, messageId, call }), { headers })
  })
}
