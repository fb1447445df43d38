/**
 * Inline SVG charts for the admin dashboard: server-rendered, no JavaScript. Each chart is an
 * image with a title and a description for screen readers, followed by the same numbers in a
 * visually hidden table. Colours come from CSS variables (see the admin section of app.css), so
 * the charts follow the light and dark themes.
 */
import { useId } from 'react'

type Series = { name: string; values: number[]; className: string }

const WIDTH = 640
const HEIGHT = 220
const PAD = { top: 16, right: 12, bottom: 36, left: 44 }

function niceMax(value: number) {
  if (value <= 4) return 4
  const magnitude = 10 ** Math.floor(Math.log10(value))
  const step = [1, 2, 2.5, 5, 10].find((s) => s * magnitude * 4 >= value)! * magnitude
  return step * 4
}

/** Grouped vertical bars: one group per label, one bar per series, with a legend. */
export function BarChart({
  title,
  description,
  labels,
  series,
}: {
  title: string
  description: string
  labels: string[]
  series: Series[]
}) {
  const id = useId()
  const max = niceMax(Math.max(0, ...series.flatMap((s) => s.values)))
  const plotWidth = WIDTH - PAD.left - PAD.right
  const plotHeight = HEIGHT - PAD.top - PAD.bottom
  const groupWidth = plotWidth / Math.max(1, labels.length)
  const barWidth = (groupWidth * 0.8) / Math.max(1, series.length)
  const y = (v: number) => PAD.top + plotHeight - (v / max) * plotHeight
  const ticks = [0, 1, 2, 3, 4].map((i) => (max / 4) * i)
  return (
    <figure className="chart">
      <svg viewBox={`0 0 ${WIDTH} ${HEIGHT}`} role="img" aria-labelledby={`${id}-title ${id}-desc`} className="chart-svg">
        <title id={`${id}-title`}>{title}</title>
        <desc id={`${id}-desc`}>{description}</desc>
        {ticks.map((t) => (
          <g key={t}>
            <line x1={PAD.left} x2={WIDTH - PAD.right} y1={y(t)} y2={y(t)} className="chart-grid" />
            <text x={PAD.left - 6} y={y(t) + 4} textAnchor="end" className="chart-label">
              {Number.isInteger(t) ? t : t.toFixed(1)}
            </text>
          </g>
        ))}
        {labels.map((label, i) => (
          <g key={label}>
            {series.map((s, j) => {
              const value = s.values[i] ?? 0
              return (
                <rect
                  key={s.name}
                  x={PAD.left + i * groupWidth + groupWidth * 0.1 + j * barWidth}
                  y={y(value)}
                  width={Math.max(1, barWidth - 1)}
                  height={PAD.top + plotHeight - y(value)}
                  className={s.className}
                />
              )
            })}
            {i % 2 === labels.length % 2 ? null : (
              <text x={PAD.left + i * groupWidth + groupWidth / 2} y={HEIGHT - PAD.bottom + 16} textAnchor="middle" className="chart-label">
                {label}
              </text>
            )}
          </g>
        ))}
      </svg>
      <ul className="chart-legend" aria-hidden="true">
        {series.map((s) => (
          <li key={s.name}>
            <svg width="12" height="12" focusable="false">
              <rect width="12" height="12" className={s.className} />
            </svg>{' '}
            {s.name}
          </li>
        ))}
      </ul>
      <table className="visually-hidden">
        <caption>{title}</caption>
        <thead>
          <tr>
            <th scope="col">Week</th>
            {series.map((s) => (
              <th key={s.name} scope="col">
                {s.name}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {labels.map((label, i) => (
            <tr key={label}>
              <th scope="row">{label}</th>
              {series.map((s) => (
                <td key={s.name}>{s.values[i] ?? 0}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </figure>
  )
}

/** Horizontal bars with their value written beside them: the status funnel, the answer share. */
export function HorizontalBars({
  title,
  description,
  rows,
  unit = '',
  headers,
}: {
  title: string
  description: string
  rows: { label: string; value: number; className: string }[]
  unit?: string
  headers: [string, string]
}) {
  const id = useId()
  const rowHeight = 34
  const labelWidth = 190
  const width = 640
  const height = rows.length * rowHeight + 8
  const max = Math.max(1, ...rows.map((r) => r.value))
  const barSpace = width - labelWidth - 70
  return (
    <figure className="chart">
      <svg viewBox={`0 0 ${width} ${height}`} role="img" aria-labelledby={`${id}-title ${id}-desc`} className="chart-svg">
        <title id={`${id}-title`}>{title}</title>
        <desc id={`${id}-desc`}>{description}</desc>
        {rows.map((row, i) => {
          const barWidth = (row.value / max) * barSpace
          const top = 4 + i * rowHeight
          return (
            <g key={row.label}>
              <text x={labelWidth - 8} y={top + 20} textAnchor="end" className="chart-label">
                {row.label}
              </text>
              <rect
                x={labelWidth}
                y={top + 4}
                width={Math.max(row.value > 0 ? 2 : 0, barWidth)}
                height={rowHeight - 10}
                className={row.className}
              />
              <text x={labelWidth + barWidth + 6} y={top + 20} className="chart-value">
                {row.value}
                {unit}
              </text>
            </g>
          )
        })}
      </svg>
      <table className="visually-hidden">
        <caption>{title}</caption>
        <thead>
          <tr>
            <th scope="col">{headers[0]}</th>
            <th scope="col">{headers[1]}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={row.label}>
              <th scope="row">{row.label}</th>
              <td>
                {row.value}
                {unit}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </figure>
  )
}
