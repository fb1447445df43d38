/**
 * The idea page (/ideas/:ideaId): the idea, its official response, timeline and discussion, and
 * every action on it as a plain form post with an `intent`: comment, edit-comment, follow,
 * change-status, respond, edit-idea, merge, internal-note and the tracker links (add-link,
 * update-link, remove-link). Each works without JavaScript (post/redirect/get). The loader and the
 * action are in data.server.ts.
 */
import { type MetaFunction } from '@remix-run/node'
import { Link, useActionData, useLoaderData } from '@remix-run/react'
import { GeneralErrorBoundary } from '~/components/error-boundary'
import { InternalNotes } from '~/components/internal-notes'
import { CountBox, DateTime, StatusBadge } from '~/components/post-rows'
import { SuggestedEditLinks } from '~/components/suggested-edit-links'
import { FlagControl } from '~/components/flag-form'
import { HiddenMark, ModerationMenu } from '~/components/moderation-menu'
import { VoteButton } from '~/components/vote-button'
import { retryAfterHeaders } from '~/lib/http.server'
import { IDEA_STATUS_LABELS } from '~/lib/labels'
import type { action, loader } from './data.server'
import { CompaniesPanel } from './companies-panel'
import { CommentForm, Discussion, OfficialResponse } from './discussion'
import { AuthorName } from './fields'
import { EditIdeaForm, TeamActions } from './team-actions'
import { FollowBox, ShareLink } from './share'
import { TrackerLinks } from './tracker-links'

export { action, loader } from './data.server'

/** A 429 or 503 keeps its Retry-After. */
export const headers = retryAfterHeaders

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data?.idea.title ?? 'Idea not found'} · Summit` }]

const people = (n: number) => `${n} ${n === 1 ? 'person' : 'people'} voted`
const followers = (n: number) => `${n} ${n === 1 ? 'follower' : 'followers'}`

export default function IdeaPage() {
  const page = useLoaderData<typeof loader>()
  const result = useActionData<typeof action>()
  const { idea, timeline, tags, mergedInto, mergedFrom, mergedNotice, notice, viewer, can } = page
  const isMerged = idea.status === 'merged'
  return (
    <article className="post idea-page" aria-labelledby="idea-title">
      <p className="breadcrumbs">
        <Link to="/ideas">Ideas</Link>
        {idea.category ? (
          <>
            {' › '}
            <Link to={`/ideas?category=${idea.categorySlug}`}>{idea.category}</Link>
          </>
        ) : null}
      </p>
      {mergedNotice ? (
        <p className="notice" role="status">
          “{mergedNotice.title}” was merged into this idea; {viewer?.voted ? 'your vote moved with it' : 'its votes moved with it'}.{' '}
          <Link to={`/ideas/${mergedNotice.id}?show=merged`}>Read its comments</Link>
        </p>
      ) : null}
      {notice ? (
        <p className="notice" role="status">
          {notice}
        </p>
      ) : null}
      {isMerged ? (
        <p className="notice notice-warning" role="note">
          This idea was merged
          {mergedInto ? (
            <>
              {' '}
              into <Link to={`/ideas/${mergedInto.id}`}>“{mergedInto.title}”</Link>
            </>
          ) : null}
          . Its votes and followers moved there: vote, follow and comment there. This page is kept read-only so its discussion stays
          readable.
        </p>
      ) : null}
      <header className="post-header">
        <div className="counts">
          {page.vote.open ? (
            <VoteButton
              ideaId={idea.id}
              voted={viewer?.voted ?? false}
              voteCount={idea.voteCount}
              reason={page.vote.reason}
              loginFirst={page.vote.loginFirst}
              note={page.vote.note}
              redirectTo={`/ideas/${idea.id}`}
            />
          ) : (
            <CountBox value={idea.voteCount} one="vote" many="votes" />
          )}
        </div>
        <div>
          <h1 id="idea-title">{idea.title}</h1>
          <p className="post-meta">
            <StatusBadge status={idea.status} />
            <span>
              by <AuthorName name={idea.authorName} username={idea.authorUsername} role={idea.authorRole} />,{' '}
              <DateTime value={idea.createdAt} />
            </span>
            {idea.lockedAt ? <span className="badge status-open">Locked</span> : null}
          </p>
          <p className="post-meta idea-stats">
            <span>{people(idea.voteCount)}</span>
            <span>{followers(idea.followerCount)}</span>
            {viewer?.voted ? <span>You voted for this idea</span> : null}
            <SuggestedEditLinks type="idea" id={idea.id} state={page.suggestedEdits} />
          </p>
        </div>
      </header>
      {idea.fromQuestionId ? (
        <p className="notice" role="note">
          This idea started as a support question: <Link to={`/questions/${idea.fromQuestionId}`}>see the question and its answers</Link>.
        </p>
      ) : null}
      <HiddenMark hiddenReason={idea.hiddenReason} isStaff={!!page.moderation} />
      <div className="prose" dangerouslySetInnerHTML={{ __html: idea.bodyHtml /* sanitized on write */ }} />
      <div className="post-tools">
        <FlagControl
          target={{ type: 'idea', id: idea.id }}
          redirectTo={`/ideas/${idea.id}`}
          viewer={
            page.flagging && {
              ...page.flagging,
              isOwn: idea.authorId === page.viewerId,
              flagged: page.flagging.flagged.includes(`idea:${idea.id}`),
            }
          }
        />
        {page.moderation ? (
          <ModerationMenu
            target={{ type: 'idea', id: idea.id }}
            state={page.moderation.state}
            redirectTo={`/ideas/${idea.id}`}
            categories={page.moderation.categories}
            categoryId={idea.categoryId}
          />
        ) : null}
      </div>
      {tags.length ? (
        <ul className="tag-list" aria-label="Tags">
          {tags.map((tag) => (
            <li key={tag} className="tag">
              {tag}
            </li>
          ))}
        </ul>
      ) : null}
      {page.editRefusal ? <p className="muted idea-edit-refusal">{page.editRefusal}</p> : null}
      {can.editIdea ? <EditIdeaForm page={page} result={result} /> : null}

      {page.officialResponse ? <OfficialResponse comment={page.officialResponse} page={page} result={result} /> : null}

      {isMerged ? null : (
        <section className="idea-tools" aria-label="Follow and share">
          <FollowBox page={page} />
          <ShareLink url={page.shareUrl} />
        </section>
      )}

      {timeline.length ? (
        <section aria-labelledby="timeline-title" className="timeline" id="timeline">
          <h2 id="timeline-title">Status updates</h2>
          <ol>
            {timeline.map((change) => (
              <li key={change.id}>
                <p className="post-meta">
                  <span>
                    {IDEA_STATUS_LABELS[change.fromStatus]} → <StatusBadge status={change.toStatus} />
                  </span>
                  <span>
                    {change.actorName} <span className="badge team-badge">Team</span>, <DateTime value={change.createdAt} />
                  </span>
                </p>
                {change.noteHtml ? <div className="prose official-note" dangerouslySetInnerHTML={{ __html: change.noteHtml }} /> : null}
              </li>
            ))}
          </ol>
        </section>
      ) : null}

      {mergedFrom.length ? (
        <section aria-labelledby="merged-from-title" className="merged-from">
          <h2 id="merged-from-title">Merged into this idea</h2>
          <p className="muted">Their votes and followers moved here; their discussions stay readable.</p>
          <ul>
            {mergedFrom.map((m) => (
              <li key={m.id}>
                <Link to={`/ideas/${m.id}?show=merged`}>{m.title}</Link>
              </li>
            ))}
          </ul>
        </section>
      ) : null}

      {!isMerged && (can.changeStatus || can.respond || can.merge) ? <TeamActions page={page} result={result} /> : null}

      {page.companies ? <CompaniesPanel companies={page.companies} /> : null}

      {page.trackerLinks ? <TrackerLinks links={page.trackerLinks} result={result} /> : null}

      {page.internalNotes ? (
        <InternalNotes
          notes={page.internalNotes.items}
          total={page.internalNotes.total}
          result={result && result.intent === 'internal-note' ? result : null}
        />
      ) : null}

      <Discussion page={page} result={result}>
        {isMerged ? null : <CommentForm page={page} result={result} />}
      </Discussion>
    </article>
  )
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary messages={{ 404: 'This idea does not exist, or it was removed.' }} />
}
