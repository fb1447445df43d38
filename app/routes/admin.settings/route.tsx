/**
 * /admin/settings (admins only): site name, categories, segments and weights, vote budget,
 * pre-moderation, e-mail, holding unverified members' posts, and single sign-on (OpenID providers, the policy, the signed-JWT log-in).
 * Each form has its own intent and works without JavaScript; every change is logged in
 * moderation_log with the state before and after.
 *
 * Secrets are write-only: the loader never reads a client secret or the JWT secret, a refused form
 * never sends one back, and a generated JWT secret is shown once, in the answer to the post that
 * made it.
 */
import { type MetaFunction } from '@remix-run/node'
import { Form, useActionData, useLoaderData } from '@remix-run/react'
import { GeneralErrorBoundary } from '~/components/error-boundary'
import { FormErrors, TextField } from '~/components/forms'
import type { action, loader } from './data.server'
import { CheckboxField, MoveButtons, type ProviderCheck, resultFor, SaveButton, Section } from './parts'
import { IdentityProviders, JwtLoginPart, SsoPolicyPart } from './sign-in'

export const meta: MetaFunction = () => [{ title: 'Settings · Admin · Summit' }]

export { action, loader } from './data.server'

export default function AdminSettings() {
  const settings = useLoaderData<typeof loader>()
  const answer = useActionData<typeof action>()
  const result = answer && 'ok' in answer ? answer : undefined
  const generatedSecret = answer && 'generatedSecret' in answer ? (answer.generatedSecret ?? null) : null
  const providerCheck: ProviderCheck =
    answer && 'check' in answer && answer.check && answer.providerId ? { providerId: answer.providerId, ...answer.check } : null
  const { categories, segments } = settings
  return (
    <div className="admin-settings">
      <h1>Settings</h1>
      {settings.notice ? (
        <p className="notice" role="status">
          {settings.notice}
        </p>
      ) : null}

      <Section id="site-name" title="Site name">
        <Form method="post" className="form" noValidate>
          <input type="hidden" name="intent" value="site-name" />
          <FormErrors result={resultFor(result, 'site-name')} id="site-name-error" />
          <TextField
            name="siteName"
            label="Site name"
            hint={`Shown in the header, titles and feeds. Leave empty to use the server's default, “${settings.envSiteName}”.`}
            maxLength={60}
            defaultValue={settings.siteName ?? ''}
            result={resultFor(result, 'site-name')}
          />
          <SaveButton intent="site-name" label="Save site name" />
        </Form>
      </Section>

      <Section id="categories" title="Categories">
        {categories.length ? (
          <ol className="settings-list">
            {categories.map((c, i) => {
              const mine = resultFor(result, 'category-update', { categoryId: String(c.id) })
              return (
                <li key={c.id}>
                  <Form method="post" className="form inline-form" noValidate aria-label={`Edit category ${c.name}`}>
                    <input type="hidden" name="intent" value="category-update" />
                    <input type="hidden" name="categoryId" value={c.id} />
                    <FormErrors result={mine} id={`category-${c.id}-error`} />
                    <TextField name="name" id={`category-${c.id}-name`} label="Name" maxLength={40} defaultValue={c.name} result={mine} />
                    <TextField
                      name="description"
                      id={`category-${c.id}-description`}
                      label="Description"
                      maxLength={300}
                      defaultValue={c.description}
                      result={mine}
                    />
                    <SaveButton intent="category-update" label={`Save ${c.name}`} />
                  </Form>
                  <MoveButtons
                    intent="category-move"
                    idName="categoryId"
                    id={c.id}
                    name={c.name}
                    isFirst={i === 0}
                    isLast={i === categories.length - 1}
                  />
                </li>
              )
            })}
          </ol>
        ) : (
          <p>No categories yet.</p>
        )}
        <Form method="post" className="form" noValidate aria-label="Add a category">
          <h3>Add a category</h3>
          <input type="hidden" name="intent" value="category-add" />
          <FormErrors result={resultFor(result, 'category-add')} id="category-add-error" />
          <TextField name="name" id="category-add-name" label="Name" maxLength={40} result={resultFor(result, 'category-add')} />
          <TextField
            name="description"
            id="category-add-description"
            label="Description"
            maxLength={300}
            result={resultFor(result, 'category-add')}
          />
          <SaveButton intent="category-add" label="Add category" />
        </Form>
      </Section>

      <Section id="segments" title="Segments and weights">
        <p className="muted">
          Segments are private to staff. In the weighted score each vote counts its voter’s segment weight; members without a segment count
          1.
        </p>
        {segments.length ? (
          <ol className="settings-list">
            {segments.map((s, i) => {
              const mine = resultFor(result, 'segment-update', { segmentId: String(s.id) })
              return (
                <li key={s.id}>
                  <Form method="post" className="form inline-form" noValidate aria-label={`Edit segment ${s.name}`}>
                    <input type="hidden" name="intent" value="segment-update" />
                    <input type="hidden" name="segmentId" value={s.id} />
                    <FormErrors result={mine} id={`segment-${s.id}-error`} />
                    <TextField name="name" id={`segment-${s.id}-name`} label="Name" maxLength={40} defaultValue={s.name} result={mine} />
                    <TextField
                      name="weight"
                      id={`segment-${s.id}-weight`}
                      label="Weight (0–100)"
                      inputMode="decimal"
                      defaultValue={String(s.weight)}
                      result={mine}
                    />
                    <SaveButton intent="segment-update" label={`Save ${s.name}`} />
                  </Form>
                  <MoveButtons
                    intent="segment-move"
                    idName="segmentId"
                    id={s.id}
                    name={s.name}
                    isFirst={i === 0}
                    isLast={i === segments.length - 1}
                  />
                </li>
              )
            })}
          </ol>
        ) : (
          <p>No segments yet.</p>
        )}
        <Form method="post" className="form" noValidate aria-label="Add a segment">
          <h3>Add a segment</h3>
          <input type="hidden" name="intent" value="segment-add" />
          <FormErrors result={resultFor(result, 'segment-add')} id="segment-add-error" />
          <TextField name="name" id="segment-add-name" label="Name" maxLength={40} result={resultFor(result, 'segment-add')} />
          <TextField
            name="weight"
            id="segment-add-weight"
            label="Weight (0–100)"
            inputMode="decimal"
            defaultValue="1"
            result={resultFor(result, 'segment-add')}
          />
          <SaveButton intent="segment-add" label="Add segment" />
        </Form>
      </Section>

      <Section id="vote-budget" title="Vote budget">
        <Form method="post" className="form" noValidate>
          <input type="hidden" name="intent" value="vote-budget" />
          <FormErrors result={resultFor(result, 'vote-budget')} id="vote-budget-error" />
          <CheckboxField
            name="enabled"
            id="vote-budget-enabled"
            label="Limit each member's open votes"
            defaultChecked={settings.voteBudget.enabled}
          />
          <TextField
            name="votesPerMember"
            id="vote-budget-votes"
            label="Open votes per member"
            hint="1 to 1000. Votes come back when an idea ships, is declined or merged."
            inputMode="numeric"
            defaultValue={String(settings.voteBudget.votesPerMember)}
            result={resultFor(result, 'vote-budget')}
          />
          <SaveButton intent="vote-budget" label="Save vote budget" />
        </Form>
      </Section>

      <Section id="premoderation" title="Pre-moderation">
        <Form method="post" className="form" noValidate>
          <input type="hidden" name="intent" value="premoderation" />
          <FormErrors result={resultFor(result, 'premoderation')} id="premoderation-error" />
          <CheckboxField
            name="enabled"
            id="premoderation-enabled"
            label="Hold new members' first posts for review"
            defaultChecked={settings.premoderation.enabled}
          />
          <TextField
            name="firstPosts"
            id="premoderation-first-posts"
            label="Posts held per new member"
            hint="1 to 20: how many of a new member's first ideas, questions and answers wait for a moderator."
            inputMode="numeric"
            defaultValue={String(settings.premoderation.firstPosts)}
            result={resultFor(result, 'premoderation')}
          />
          <SaveButton intent="premoderation" label="Save pre-moderation" />
        </Form>
      </Section>

      <Section id="email" title="E-mail">
        <Form method="post" className="form" noValidate>
          <input type="hidden" name="intent" value="email" />
          <CheckboxField
            name="enabled"
            id="email-enabled"
            label="Send e-mail (members still choose what they receive)"
            defaultChecked={settings.email.enabled}
          />
          <SaveButton intent="email" label="Save e-mail setting" />
        </Form>
      </Section>

      <Section id="email-verification" title="E-mail verification">
        <p className="muted">
          Members who sign up with a password get a link to confirm their e-mail address. They can read and vote before they follow it.
        </p>
        <Form method="post" className="form" noValidate>
          <input type="hidden" name="intent" value="email-verification" />
          <CheckboxField
            name="holdUnverifiedPosts"
            id="email-verification-hold"
            label="Hold the ideas, questions and answers of members who have not confirmed their address for review"
            hint="They wait in the pre-moderation queue. Applies only while e-mail is on, since otherwise no link can reach them."
            defaultChecked={settings.emailVerification.holdUnverifiedPosts}
          />
          <SaveButton intent="email-verification" label="Save e-mail verification" />
        </Form>
      </Section>

      <Section id="sso" title="Single sign-on">
        <p className="muted">
          Members can log in with your company&apos;s identity provider (OpenID Connect), or arrive already identified from your own app
          with a signed token.
        </p>
        {settings.publicUrlSet ? null : (
          <p className="notice notice-warning">
            PUBLIC_URL is not set, so the addresses below use the address this page was opened at. Set PUBLIC_URL to the site&apos;s public
            address so they stay right behind a proxy.
          </p>
        )}
        <IdentityProviders settings={settings} result={result} providerCheck={providerCheck} />
        <SsoPolicyPart settings={settings} result={result} />
        <JwtLoginPart settings={settings} result={result} generatedSecret={generatedSecret} />
      </Section>
    </div>
  )
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />
}
