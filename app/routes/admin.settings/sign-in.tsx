/** The settings page's single sign-on sections: the OpenID providers, the policy, the signed-JWT log-in. */
import { Form, Link } from '@remix-run/react'
import { FormErrors, type FormResult, SelectField, TextAreaField, TextField } from '~/components/forms'
import { DateTime } from '~/components/post-rows'
import { ROLES } from '~/domain'
import { PROVIDER_LABEL_MAX, PROVIDER_SLUG_MAX } from '~/schemas/sso'
import {
  type ActionData,
  checkedState,
  CheckboxField,
  FieldError,
  type ProviderCheck,
  resultFor,
  SaveButton,
  type SettingsData,
} from './parts'

const ROLE_LABELS: Record<(typeof ROLES)[number], string> = { member: 'Member', moderator: 'Moderator', product: 'Product', admin: 'Admin' }
const ROLE_OPTIONS = ROLES.map((role) => ({ value: role, label: ROLE_LABELS[role] }))

type ProviderView = SettingsData['sso']['providers'][number]

export function IdentityProviders({
  settings,
  result,
  providerCheck,
}: {
  settings: SettingsData
  result: ActionData
  providerCheck: ProviderCheck
}) {
  const { providers } = settings.sso
  return (
    <section aria-labelledby="sso-providers-title" id="sso-providers">
      <h3 id="sso-providers-title">Identity providers (OpenID Connect)</h3>
      {providers.length ? (
        <ul className="settings-list">
          {providers.map((provider) => (
            <ProviderItem key={provider.id} provider={provider} settings={settings} result={result} providerCheck={providerCheck} />
          ))}
        </ul>
      ) : (
        <p>No identity provider yet.</p>
      )}
      <details open={Boolean(resultFor(result, 'provider-add'))}>
        <summary>Add an identity provider</summary>
        <ProviderForm idPrefix="provider-add" intent="provider-add" settings={settings} result={resultFor(result, 'provider-add')} />
      </details>
    </section>
  )
}

function ProviderItem({
  provider,
  settings,
  result,
  providerCheck,
}: {
  provider: ProviderView
  settings: SettingsData
  result: ActionData
  providerCheck: ProviderCheck
}) {
  const id = String(provider.id)
  const refused = resultFor(result, 'provider-enable', { providerId: id }) ?? resultFor(result, 'provider-remove', { providerId: id })
  const edit = resultFor(result, 'provider-update', { providerId: id })
  const confirming = settings.confirmRemoveId === provider.id
  const check = providerCheck?.providerId === id ? providerCheck : null
  return (
    <li id={`provider-${id}`}>
      <article aria-labelledby={`provider-${id}-title`} className="provider">
        <h4 id={`provider-${id}-title`}>
          {provider.label}
          {provider.enabled ? null : ' (disabled)'}
        </h4>
        {/* prose: long URLs and ids wrap instead of overflowing a narrow screen. */}
        <dl className="facts prose">
          <dt>Short name</dt>
          <dd>
            <code>{provider.slug}</code>
          </dd>
          <dt>Callback URL</dt>
          <dd>
            <code>{`${settings.siteOrigin}${provider.callbackPath}`}</code>
          </dd>
          <dt>Issuer</dt>
          <dd>
            <code>{provider.issuer}</code>
          </dd>
          <dt>Client ID</dt>
          <dd>
            <code>{provider.clientId}</code>
          </dd>
          <dt>Client secret</dt>
          <dd>{provider.hasSecret ? 'Set (never shown)' : 'Not set'}</dd>
          <dt>Least role on log-in</dt>
          <dd>{ROLE_LABELS[provider.role]}</dd>
          <dt>Segment</dt>
          <dd>{provider.segment ?? 'None'}</dd>
          <dt>Link by verified e-mail</dt>
          <dd>{provider.linkVerifiedEmail ? 'Yes' : 'No'}</dd>
          <dt>Status</dt>
          <dd>{provider.enabled ? 'Enabled: its button is on the log-in page' : 'Disabled: no button, no log-ins'}</dd>
          <dt>Members connected</dt>
          <dd>{provider.memberCount}</dd>
        </dl>
        <FormErrors result={refused} id={`provider-${id}-error`} />
        <div className="inline-form">
          <Form method="post" action="/admin/settings">
            <input type="hidden" name="intent" value="provider-enable" />
            <input type="hidden" name="providerId" value={id} />
            <input type="hidden" name="enabled" value={String(!provider.enabled)} />
            <button type="submit" className="button-secondary">
              {provider.enabled ? `Disable ${provider.label}` : `Enable ${provider.label}`}
            </button>
          </Form>
          <Form method="post" action={`/admin/settings#provider-${id}`}>
            <input type="hidden" name="intent" value="provider-check" />
            <input type="hidden" name="providerId" value={id} />
            <button type="submit" className="button-secondary">{`Check connection to ${provider.label}`}</button>
          </Form>
          {confirming ? null : <Link to={`/admin/settings?remove=${id}#provider-${id}`}>{`Remove ${provider.label}…`}</Link>}
        </div>
        {check ? (
          <div className={check.ok ? 'notice' : 'notice notice-warning'} role="status">
            {check.ok ? (
              <p>
                {`Connected: ${provider.label} publishes its configuration as issuer `}
                <code>{check.issuer}</code>
                {check.supportsS256 ? ', with PKCE (S256).' : '. It does not list PKCE S256 among its methods; log-ins may fail.'}
              </p>
            ) : (
              <p>{check.message}</p>
            )}
          </div>
        ) : null}
        {confirming ? (
          <div className="notice notice-warning" role="group" aria-labelledby={`provider-${id}-remove-title`}>
            <p id={`provider-${id}-remove-title`}>
              <strong>{`Remove ${provider.label}?`}</strong>
            </p>
            <p>
              {provider.memberCount === 0
                ? 'No member has connected an account through it yet.'
                : `${provider.memberCount === 1 ? '1 member has' : `${provider.memberCount} members have`} connected an account through it. Their accounts stay, but they cannot log in through ${provider.label} until it is added again with the same issuer.`}
            </p>
            <div className="inline-form">
              <Form method="post" action="/admin/settings">
                <input type="hidden" name="intent" value="provider-remove" />
                <input type="hidden" name="providerId" value={id} />
                <button type="submit" className="button-danger">{`Yes, remove ${provider.label}`}</button>
              </Form>
              <Link to={`/admin/settings#provider-${id}`}>Cancel</Link>
            </div>
          </div>
        ) : null}
        <details open={Boolean(edit)}>
          <summary>{`Edit ${provider.label}`}</summary>
          <ProviderForm idPrefix={`provider-${id}`} intent="provider-update" settings={settings} result={edit} provider={provider} />
        </details>
      </article>
    </li>
  )
}

function ProviderForm({
  idPrefix,
  intent,
  settings,
  result,
  provider,
}: {
  idPrefix: string
  intent: 'provider-add' | 'provider-update'
  settings: SettingsData
  result: FormResult
  provider?: ProviderView
}) {
  const segmentOptions = [{ value: '', label: 'No segment' }, ...settings.segments.map((s) => ({ value: String(s.id), label: s.name }))]
  return (
    <Form
      method="post"
      action="/admin/settings"
      className="form"
      noValidate
      aria-label={provider ? `Edit ${provider.label}` : 'Add an identity provider'}
    >
      <input type="hidden" name="intent" value={intent} />
      {provider ? <input type="hidden" name="providerId" value={provider.id} /> : null}
      <FormErrors result={result} id={`${idPrefix}-error`} />
      <TextField
        name="label"
        id={`${idPrefix}-label`}
        label="Button label"
        hint="Shown on the log-in page as “Log in with …”."
        maxLength={PROVIDER_LABEL_MAX}
        defaultValue={provider?.label}
        result={result}
      />
      <TextField
        name="slug"
        id={`${idPrefix}-slug`}
        label="Short name"
        hint={`2 to ${PROVIDER_SLUG_MAX} characters: a–z, 0–9 and -. It is part of the callback URL to register at the provider: ${settings.siteOrigin}/sso/oidc/<short name>/callback.`}
        maxLength={PROVIDER_SLUG_MAX}
        autoComplete="off"
        spellCheck={false}
        defaultValue={provider?.slug}
        result={result}
      />
      <TextField
        name="issuer"
        id={`${idPrefix}-issuer`}
        type="url"
        label="Issuer URL"
        hint="The provider's issuer, such as https://login.example.com; its discovery document is read from there. http:// only for 127.0.0.1, localhost or ::1."
        autoComplete="off"
        spellCheck={false}
        defaultValue={provider?.issuer}
        result={result}
      />
      <TextField
        name="clientId"
        id={`${idPrefix}-client-id`}
        label="Client ID"
        autoComplete="off"
        spellCheck={false}
        defaultValue={provider?.clientId}
        result={result}
      />
      <TextField
        name="clientSecret"
        id={`${idPrefix}-client-secret`}
        type="password"
        label="Client secret"
        hint={provider ? 'Leave empty to keep the current secret. It is never shown.' : 'Kept write-only: it is never shown again.'}
        autoComplete="new-password"
        spellCheck={false}
        result={result}
      />
      <SelectField
        name="role"
        id={`${idPrefix}-role`}
        label="Least role on log-in"
        hint="Members who log in through this provider get at least this role. It raises a role, never lowers it."
        options={ROLE_OPTIONS}
        defaultValue={provider?.role ?? 'member'}
        result={result}
      />
      <SelectField
        name="segmentId"
        id={`${idPrefix}-segment`}
        label="Segment"
        hint="Given to members who log in through this provider and have no segment yet."
        options={segmentOptions}
        defaultValue={provider?.segmentId == null ? '' : String(provider.segmentId)}
        result={result}
      />
      <CheckboxField
        name="linkVerifiedEmail"
        id={`${idPrefix}-link-email`}
        label="Link a first login to an existing account when the provider has verified its e-mail"
        hint="Only for a provider you trust to verify addresses: whoever holds an address there gets the Summit account with that address."
        defaultChecked={checkedState(result, 'linkVerifiedEmail', provider?.linkVerifiedEmail ?? false)}
      />
      <CheckboxField
        name="enabled"
        id={`${idPrefix}-enabled`}
        label="Enabled: show its button on the log-in page"
        defaultChecked={checkedState(result, 'enabled', provider?.enabled ?? true)}
      />
      <SaveButton intent={intent} label={provider ? `Save ${provider.label}` : 'Add provider'} />
    </Form>
  )
}

const REQUIRE_CHOICES = [
  { value: 'off', label: 'Not required: passwords and identity providers both work' },
  { value: 'staff', label: 'Required for staff: moderators, product and admins log in through an identity provider' },
  { value: 'everyone', label: 'Required for everyone: no password log-ins, and the sign-up form is closed' },
] as const

export function SsoPolicyPart({ settings, result }: { settings: SettingsData; result: ActionData }) {
  const mine = resultFor(result, 'sso-policy')
  const { policy } = settings.sso
  const chosen = mine?.fields?.require ?? policy.require
  const requireError = mine?.fieldErrors?.require?.[0]
  return (
    <section aria-labelledby="sso-policy-title" id="sso-policy">
      <h3 id="sso-policy-title">Who must use single sign-on</h3>
      <Form method="post" action="/admin/settings" className="form" noValidate>
        <input type="hidden" name="intent" value="sso-policy" />
        <FormErrors result={mine} id="sso-policy-error" />
        <fieldset className="choice-group" aria-describedby={requireError ? 'sso-require-error' : undefined}>
          <legend>Require single sign-on</legend>
          {REQUIRE_CHOICES.map((choice) => (
            <div className="choice" key={choice.value}>
              <input
                type="radio"
                id={`sso-require-${choice.value}`}
                name="require"
                value={choice.value}
                defaultChecked={chosen === choice.value}
              />
              <label htmlFor={`sso-require-${choice.value}`}>{choice.label}</label>
            </div>
          ))}
          <FieldError id="sso-require-error" message={requireError} />
        </fieldset>
        <TextAreaField
          name="breakGlass"
          id="sso-break-glass"
          label="Break-glass accounts"
          hint="Admins who keep their password log-in whatever the policy, for when the provider is down. Usernames, separated by commas or new lines."
          rows={3}
          defaultValue={policy.breakGlass.join('\n')}
          result={mine}
        />
        <SaveButton intent="sso-policy" label="Save single sign-on policy" />
      </Form>
    </section>
  )
}

export function JwtLoginPart({
  settings,
  result,
  generatedSecret,
}: {
  settings: SettingsData
  result: ActionData
  generatedSecret: string | null
}) {
  const mine = resultFor(result, 'jwt-sso')
  const { jwt } = settings.sso
  const keyType = mine?.fields?.keyType ?? jwt.keyType
  const keyTypeError = mine?.fieldErrors?.keyType?.[0]
  return (
    <section aria-labelledby="jwt-sso-title" id="jwt-sso">
      <h3 id="jwt-sso-title">Log-in from your own app (signed JWT)</h3>
      <p className="muted">
        Your app signs a short-lived token for a customer and sends them to <code>{`${settings.siteOrigin}/sso/jwt`}</code>.
      </p>
      {generatedSecret ? (
        <div className="notice" role="status">
          <p>
            <strong>The new shared secret.</strong> Copy it into your app now: it is not shown again.
          </p>
          <p>
            <code>{generatedSecret}</code>
          </p>
          <p>Tokens signed with the previous secret no longer work.</p>
        </div>
      ) : null}
      <Form method="post" action="/admin/settings" className="form" noValidate>
        <input type="hidden" name="intent" value="jwt-sso" />
        <FormErrors result={mine} id="jwt-sso-error" />
        <CheckboxField
          name="enabled"
          id="jwt-sso-enabled"
          label="Accept signed-JWT log-ins"
          defaultChecked={checkedState(mine, 'enabled', jwt.enabled)}
        />
        <TextField
          name="audience"
          id="jwt-sso-audience"
          label="Audience"
          hint="The aud claim every token must carry."
          maxLength={200}
          defaultValue={jwt.audience}
          result={mine}
        />
        <fieldset className="choice-group" aria-describedby={keyTypeError ? 'jwt-key-type-error' : undefined}>
          <legend>Signing keys</legend>
          <div className="choice">
            <input type="radio" id="jwt-key-secret" name="keyType" value="secret" defaultChecked={keyType === 'secret'} />
            <label htmlFor="jwt-key-secret">A shared secret (HS256)</label>
          </div>
          <div className="choice">
            <input type="radio" id="jwt-key-jwks" name="keyType" value="jwks" defaultChecked={keyType === 'jwks'} />
            <label htmlFor="jwt-key-jwks">Public keys at a JWKS URL (RS256, ES256 or EdDSA)</label>
          </div>
          <FieldError id="jwt-key-type-error" message={keyTypeError} />
        </fieldset>
        <p id="jwt-secret-status">
          {jwt.hasSecret ? (
            <>
              A secret is set
              {jwt.secretSavedAt ? (
                <>
                  {' '}
                  (saved <DateTime value={jwt.secretSavedAt} />)
                </>
              ) : null}
              .
            </>
          ) : (
            'No secret is set.'
          )}
        </p>
        <TextField
          name="secret"
          id="jwt-sso-secret"
          type="password"
          label="New shared secret"
          hint="At least 32 characters. Leave empty to keep the current secret. Choosing a JWKS URL removes it."
          autoComplete="new-password"
          spellCheck={false}
          result={mine}
        />
        <TextField
          name="jwksUrl"
          id="jwt-sso-jwks-url"
          type="url"
          label="JWKS URL"
          hint="Where your app publishes its public keys. Choosing a shared secret removes it."
          autoComplete="off"
          spellCheck={false}
          defaultValue={jwt.jwksUrl ?? ''}
          result={mine}
        />
        <SaveButton intent="jwt-sso" label="Save signed-JWT log-in" />
      </Form>
      <Form method="post" action="/admin/settings" className="form">
        <input type="hidden" name="intent" value="jwt-generate-secret" />
        <p id="jwt-generate-hint" className="field-hint">
          Saves a new random secret and shows it once, for you to copy into your app.
          {jwt.hasSecret ? ' It replaces the current secret at once: tokens signed with the old one stop working.' : ''}
        </p>
        <button type="submit" className="button-secondary" aria-describedby="jwt-generate-hint">
          Generate a new secret
        </button>
      </Form>
    </section>
  )
}
