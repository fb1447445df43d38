/**
 * /api: the API's reference, readable in a browser with no script of anyone else's: how to
 * authenticate, errors and limits, a first request, and each operation with its parameters and
 * body fields, from the same list and schemas as /api/v1/openapi.json.
 */
import { type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Link, useLoaderData } from '@remix-run/react'
import { z } from 'zod'
import { GeneralErrorBoundary } from '~/components/error-boundary'
import { API_PREFIX } from '~/lib/api.server'
import { siteOrigin } from '~/lib/forms.server'
import { API_OPERATIONS } from '~/schemas/api-operations'

export const meta: MetaFunction = () => [{ title: 'API reference · Summit' }]

type Field = { name: string; type: string; required: boolean; description: string }

function fieldsOf(schema: z.ZodType | undefined): Field[] {
  if (!schema) return []
  const json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as {
    properties?: Record<
      string,
      {
        type?: string | string[]
        description?: string
        enum?: unknown[]
        items?: { type?: string }
        maxLength?: number
        minLength?: number
        maximum?: number
        minimum?: number
        default?: unknown
      }
    >
    required?: string[]
  }
  return Object.entries(json.properties ?? {}).map(([name, p]) => {
    const type = p.enum
      ? `one of ${p.enum.join(', ')}`
      : Array.isArray(p.type)
        ? p.type.join(' or ')
        : p.type === 'array'
          ? `array of ${p.items?.type ?? 'values'}`
          : (p.type ?? 'any')
    const limits = [
      p.minLength != null ? `at least ${p.minLength} characters` : null,
      p.maxLength != null ? `at most ${p.maxLength} characters` : null,
      p.minimum != null ? `from ${p.minimum}` : null,
      p.maximum != null ? `to ${p.maximum}` : null,
      p.default !== undefined ? `default ${JSON.stringify(p.default)}` : null,
    ].filter(Boolean)
    return {
      name,
      type,
      required: json.required?.includes(name) ?? false,
      description: [p.description, limits.join(', ')].filter(Boolean).join(' '),
    }
  })
}

export async function loader({ request }: LoaderFunctionArgs) {
  const origin = siteOrigin(request)
  return {
    prefix: API_PREFIX,
    base: `${origin}${API_PREFIX}`,
    operations: API_OPERATIONS.map((op) => ({
      id: `${op.method}-${op.path.replace(/[^a-z0-9]+/gi, '-')}`,
      method: op.method.toUpperCase(),
      path: op.path,
      summary: op.summary,
      scope: op.scope,
      auth: op.auth ?? null,
      pathParams: Object.entries(op.pathParams ?? {}).map(([name, description]) => ({
        name,
        description,
        type: op.pathParamPatterns?.[name] ? 'string' : 'integer',
      })),
      query: fieldsOf(op.query),
      body: fieldsOf(op.body),
      success: op.response.status,
      errors: op.errors,
    })),
  }
}

function FieldTable({ caption, fields }: { caption: string; fields: Field[] }) {
  return (
    <table className="admin-table">
      <caption>{caption}</caption>
      <thead>
        <tr>
          <th scope="col">Name</th>
          <th scope="col">Type</th>
          <th scope="col">Required</th>
          <th scope="col">Notes</th>
        </tr>
      </thead>
      <tbody>
        {fields.map((f) => (
          <tr key={f.name}>
            <th scope="row">
              <code>{f.name}</code>
            </th>
            <td>{f.type}</td>
            <td>{f.required ? 'yes' : 'no'}</td>
            <td>{f.description}</td>
          </tr>
        ))}
      </tbody>
    </table>
  )
}

export default function ApiReference() {
  const { prefix, base, operations } = useLoaderData<typeof loader>()
  return (
    <div className="stack prose">
      <h1>API reference</h1>
      <p>
        Summit’s JSON API, version 1, at <code>{base}</code>. The machine-readable description is the{' '}
        <a href={`${prefix}/openapi.json`}>OpenAPI 3.1 document</a>.
      </p>
      <section aria-labelledby="auth-title">
        <h2 id="auth-title">Authentication</h2>
        <p>
          Reading public ideas needs no token. Everything else acts as a member: make a personal access token on{' '}
          <Link to="/settings/tokens">Settings → API tokens</Link> and send it as <code>Authorization: Bearer smt_…</code>. A token has
          scopes (<code>read</code>, <code>write</code>, and for admins <code>admin</code>) and can never do more than its member can on the
          site. The API never uses your browser’s session.
        </p>
        <pre>
          <code>{`curl -H "Authorization: Bearer $SUMMIT_TOKEN" "${base}/ideas?sort=top&limit=10"`}</code>
        </pre>
      </section>
      <section aria-labelledby="errors-title">
        <h2 id="errors-title">Errors and limits</h2>
        <p>
          Every refusal is <code>application/problem+json</code> (RFC 9457) with <code>status</code>, <code>title</code>,{' '}
          <code>detail</code> and, for invalid fields, <code>errors</code> by field. Requests are limited per token and, without one, per
          address; each answer says where you stand in <code>RateLimit</code> and <code>RateLimit-Policy</code> headers, and a 429 carries{' '}
          <code>Retry-After</code>. Lists page by cursor: pass the answer’s <code>nextCursor</code> as <code>cursor</code>.
        </p>
      </section>
      <section aria-labelledby="operations-title">
        <h2 id="operations-title">Operations</h2>
        <ul>
          {operations.map((op) => (
            <li key={op.id}>
              <a href={`#${op.id}`}>
                <code>
                  {op.method} {op.path}
                </code>
              </a>
            </li>
          ))}
        </ul>
        {operations.map((op) => (
          <section key={op.id} id={op.id} aria-labelledby={`${op.id}-title`} className="card">
            <h3 id={`${op.id}-title`}>
              <code>
                {op.method} {prefix}
                {op.path}
              </code>
            </h3>
            <p>{op.summary}</p>
            <p>
              {op.auth === 'hook' ? (
                'Takes no token: signed with the inbound hook’s secret, or sending the secret as the bearer.'
              ) : op.scope ? (
                <>
                  Needs a token with the <code>{op.scope}</code> scope.
                </>
              ) : (
                'Works without a token (with one, it needs the read scope).'
              )}{' '}
              Answers {op.success}
              {op.errors.length ? `, or a problem with ${op.errors.join(', ')}` : ''}.
            </p>
            {op.pathParams.length ? (
              <FieldTable
                caption="Path parameters"
                fields={op.pathParams.map((p) => ({ name: p.name, type: p.type, required: true, description: p.description }))}
              />
            ) : null}
            {op.query.length ? <FieldTable caption="Query parameters" fields={op.query} /> : null}
            {op.body.length ? <FieldTable caption="JSON body" fields={op.body} /> : null}
          </section>
        ))}
      </section>
    </div>
  )
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />
}
