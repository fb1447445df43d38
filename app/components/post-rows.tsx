/** Rows for lists of ideas and questions, shared by the home page and the list pages. */
import { Link } from '@remix-run/react'
import { type ReactNode } from 'react'
import { type IdeaStatus } from '~/domain'
import { IDEA_STATUS_LABELS } from '~/lib/labels'
import { MemberName } from './member-name'

const DATE_FORMAT = new Intl.DateTimeFormat('en', { year: 'numeric', month: 'short', day: 'numeric', timeZone: 'UTC' })

/** An absolute date, formatted the same on the server and in the browser (no hydration mismatch). */
/** Formatted days, by UTC day number: a list page formats the same few days many times over. */
const formattedDays = new Map<number, string>()

function formatDay(date: Date) {
  const day = Math.floor(date.getTime() / 86_400_000)
  let text = formattedDays.get(day)
  if (text === undefined) {
    if (formattedDays.size >= 4096) formattedDays.clear()
    text = DATE_FORMAT.format(date)
    formattedDays.set(day, text)
  }
  return text
}

export function DateTime({ value }: { value: string | Date }) {
  const date = typeof value === 'string' ? new Date(value) : value
  return <time dateTime={date.toISOString()}>{formatDay(date)}</time>
}

export function StatusBadge({ status }: { status: IdeaStatus }) {
  return <span className={`badge status-${status}`}>{IDEA_STATUS_LABELS[status]}</span>
}

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`

export type IdeaRowData = {
  id: number
  title: string
  excerpt: string
  status: IdeaStatus
  voteCount: number
  commentCount: number
  createdAt: string | Date
  category: string | null
  authorName: string
  /** Links the name to the author's profile when present. */
  authorUsername?: string
}

/** The boxed count beside a post: "12 votes", "1 answer". */
export function CountBox({ value, one, many, className = 'count' }: { value: number; one: string; many: string; className?: string }) {
  return (
    <span className={className}>
      <strong>{value}</strong> {Math.abs(value) === 1 ? one : many}
    </span>
  )
}

/** `vote` replaces the vote count with a control (the idea list's vote button); `id` anchors the row. */
export function IdeaRow({ idea, headingLevel = 3, vote, id }: { idea: IdeaRowData; headingLevel?: 2 | 3; vote?: ReactNode; id?: string }) {
  const Heading = headingLevel === 2 ? 'h2' : 'h3'
  return (
    <li className="post-row" id={id}>
      <div className="counts">{vote ?? <CountBox value={idea.voteCount} one="vote" many="votes" />}</div>
      <div>
        <Heading>
          <Link to={`/ideas/${idea.id}`}>{idea.title}</Link>
        </Heading>
        {idea.excerpt ? <p className="post-excerpt">{idea.excerpt}</p> : null}
        <p className="post-meta">
          <StatusBadge status={idea.status} />
          {idea.category ? <span>{idea.category}</span> : null}
          <span>{plural(idea.commentCount, 'comment', 'comments')}</span>
          <span>
            by <MemberName name={idea.authorName} username={idea.authorUsername} />, <DateTime value={idea.createdAt} />
          </span>
        </p>
      </div>
    </li>
  )
}

export type QuestionRowData = {
  id: number
  title: string
  excerpt: string
  score: number
  answerCount: number
  viewCount: number
  hasAcceptedAnswer: boolean
  status: 'open' | 'closed'
  createdAt: string | Date
  authorName: string
  authorUsername?: string
}

export function QuestionRow({ question, headingLevel = 3 }: { question: QuestionRowData; headingLevel?: 2 | 3 }) {
  const Heading = headingLevel === 2 ? 'h2' : 'h3'
  return (
    <li className="post-row">
      <div className="counts">
        <span className={question.hasAcceptedAnswer ? 'count count-accepted' : 'count'}>
          <strong>{question.answerCount}</strong> {question.answerCount === 1 ? 'answer' : 'answers'}
          {question.hasAcceptedAnswer ? <span className="visually-hidden">, one accepted</span> : null}
        </span>
      </div>
      <div>
        <Heading>
          <Link to={`/questions/${question.id}`}>{question.title}</Link>
        </Heading>
        {question.excerpt ? <p className="post-excerpt">{question.excerpt}</p> : null}
        <p className="post-meta">
          {question.hasAcceptedAnswer ? <span className="badge status-shipped">Answered</span> : null}
          {question.status === 'closed' ? <span className="badge status-declined">Closed</span> : null}
          <span>{plural(question.score, 'vote', 'votes')}</span>
          <span>{plural(question.viewCount, 'view', 'views')}</span>
          <span>
            asked by <MemberName name={question.authorName} username={question.authorUsername} />, <DateTime value={question.createdAt} />
          </span>
        </p>
      </div>
    </li>
  )
}
