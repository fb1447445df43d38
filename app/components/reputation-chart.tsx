/**
 * A member's reputation over time as an inline SVG line: no script, scales with its container
 * (viewBox), colours from CSS variables so it follows dark mode. Screen readers get a title and a
 * summary, and a visually hidden table of the days on which the total changed.
 */
import { useId } from 'react'

export type ChartHistory = {
  start: number
  end: number
  days: number
  firstDay: string
  points: Array<{ day: string; reputation: number }>
}

const WIDTH = 600
const HEIGHT = 200
const PAD = { top: 12, right: 12, bottom: 28, left: 48 }

const DAY_FORMAT = new Intl.DateTimeFormat('en', { year: 'numeric', month: 'short', day: 'numeric', timeZone: 'UTC' })
const formatDay = (day: string) => DAY_FORMAT.format(new Date(`${day}T00:00:00Z`))

export function ReputationChart({ history }: { history: ChartHistory }) {
  const id = useId()
  const { points } = history
  const values = [history.start, ...points.map((p) => p.reputation)]
  const min = Math.min(...values)
  const max = Math.max(...values)
  const span = max - min || 1
  const plotWidth = WIDTH - PAD.left - PAD.right
  const plotHeight = HEIGHT - PAD.top - PAD.bottom
  const x = (i: number) => PAD.left + (points.length <= 1 ? plotWidth : (i / (points.length - 1)) * plotWidth)
  const y = (v: number) => PAD.top + plotHeight - ((v - min) / span) * plotHeight
  const line =
    points.length === 1
      ? `${PAD.left},${y(history.start)} ${x(0)},${y(points[0]!.reputation)}`
      : points.map((p, i) => `${x(i)},${y(p.reputation)}`).join(' ')
  const summary = `Reputation from ${history.start} to ${history.end} over ${history.days} ${history.days === 1 ? 'day' : 'days'}.`
  // The table lists the buckets where the total moved, plus the first and the last.
  const changes = points.filter((p, i) => i === 0 || i === points.length - 1 || p.reputation !== points[i - 1]!.reputation)
  const lastDay = points.at(-1)?.day ?? history.firstDay
  return (
    <figure className="reputation-chart">
      <svg viewBox={`0 0 ${WIDTH} ${HEIGHT}`} role="img" aria-labelledby={`${id}-title ${id}-desc`} focusable="false">
        <title id={`${id}-title`}>Reputation over time</title>
        <desc id={`${id}-desc`}>{summary}</desc>
        <line className="chart-axis" x1={PAD.left} y1={PAD.top + plotHeight} x2={WIDTH - PAD.right} y2={PAD.top + plotHeight} />
        <line className="chart-axis" x1={PAD.left} y1={PAD.top} x2={PAD.left} y2={PAD.top + plotHeight} />
        <text className="chart-label" x={PAD.left - 6} y={y(max) + 4} textAnchor="end">
          {max}
        </text>
        {max !== min ? (
          <text className="chart-label" x={PAD.left - 6} y={y(min) + 4} textAnchor="end">
            {min}
          </text>
        ) : null}
        <text className="chart-label" x={PAD.left} y={HEIGHT - 8} textAnchor="start">
          {formatDay(history.firstDay)}
        </text>
        <text className="chart-label" x={WIDTH - PAD.right} y={HEIGHT - 8} textAnchor="end">
          {formatDay(lastDay)}
        </text>
        <polyline className="chart-line" points={line} fill="none" />
      </svg>
      <figcaption>{summary}</figcaption>
      <table className="visually-hidden">
        <caption>Reputation at the end of each period</caption>
        <thead>
          <tr>
            <th scope="col">Until</th>
            <th scope="col">Reputation</th>
          </tr>
        </thead>
        <tbody>
          {changes.map((p) => (
            <tr key={p.day}>
              <td>{formatDay(p.day)}</td>
              <td>{p.reputation}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </figure>
  )
}
