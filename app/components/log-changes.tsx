/** A moderation log entry's before/after, as a readable list of the fields that changed (text only). */
type Json = unknown

function show(value: Json) {
  if (value === null || value === undefined) return 'none'
  if (typeof value === 'string') return value
  return JSON.stringify(value)
}

export function changedFields(before: Json, after: Json) {
  const asRecord = (v: Json) =>
    v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, Json>) : v == null ? {} : { value: v }
  const b = asRecord(before)
  const a = asRecord(after)
  const keys = [...new Set([...Object.keys(b), ...Object.keys(a)])]
  return keys
    .filter((k) => JSON.stringify(b[k]) !== JSON.stringify(a[k]))
    .map((k) => ({
      field: k,
      from: k in b ? show(b[k]) : '—',
      to: k in a ? show(a[k]) : '—',
    }))
}

export function LogChanges({ before, after }: { before: Json; after: Json }) {
  const changes = changedFields(before, after)
  if (!changes.length) return null
  return (
    <ul className="log-changes">
      {changes.map((c) => (
        <li key={c.field}>
          {c.field}: <del>{c.from}</del> → <ins>{c.to}</ins>
        </li>
      ))}
    </ul>
  )
}
