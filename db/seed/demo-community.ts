/**
 * The demo community: "Northwind Analytics", a fictional B2B dashboards/reporting SaaS, and the
 * customers who suggest ideas and help each other. Seeded into an empty database on `npm start`
 * (app/entry.server.tsx hands it to app/lib/prepare.server.ts) and by `npm run db:seed`.
 *
 * Everything that moves a counter or the reputation ledger goes through the model functions, so a
 * recount of the seeded data finds nothing to fix. The seed first plans every action with a
 * timestamp (all random draws happen while planning, from one seeded PRNG), then runs the actions in
 * time order: the daily reputation cap, `last_activity_at` and the notifications then come out as
 * if the community had really lived through those 180 days. Privileges that depend on reputation
 * (upvote 15, downvote 125, comment on others' Q&A posts 15) are honoured when an action runs.
 */
import { and, count, eq, inArray, isNotNull, lt, type SQL, sql } from 'drizzle-orm'
import { type SQLiteTable } from 'drizzle-orm/sqlite-core'
import { answers, categories, comments, companies, ideas, ideaVotes, notifications, questions, segments, tags, users } from '#db/schema'
import { type Role } from '~/domain'
import { type Db, writeTransaction } from '~/lib/db.server'
import { hashPassword } from '~/lib/password.server'
import { STAFF_ROLES } from '~/lib/permissions'
import { acceptAnswer, createAnswer } from '~/models/answers.server'
import { addComment, type CommentTarget } from '~/models/comments.server'
import { setMemberCompany, upsertCompanyFromClaims } from '~/models/companies.server'
import { changeIdeaStatus, type SettableStatus } from '~/models/idea-status.server'
import { createIdea } from '~/models/ideas.server'
import { createQuestion } from '~/models/questions.server'
import { insertCategory, insertSegment } from '~/models/site-admin.server'
import { ensureTags, MAX_TAGS_PER_POST } from '~/models/tags.server'
import { createAccount } from '~/models/users.server'
import { setIdeaVote, setPostVote } from '~/models/votes.server'

export type SeedSummary = {
  users: number
  categories: number
  ideas: number
  /** Rows in idea_votes, authors' automatic votes included. */
  ideaVotes: number
  /** Comments on ideas, questions and answers. */
  comments: number
  questions: number
  answers: number
  acceptedAnswers: number
  /** Customer companies, and the members who belong to one. */
  companies: number
  companyMembers: number
}

export type SeedOptions = { password: string; seed?: number; now?: Date }

export const DEFAULT_SEED = 20_240_917

// ---------------------------------------------------------------------------------------------
// Randomness
// ---------------------------------------------------------------------------------------------

/** A small seeded PRNG (mulberry32): the same seed always gives the same community. */
export function createRandom(seed: number) {
  let state = seed >>> 0
  function next() {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296
  }
  /** An integer in [min, max], both included. */
  function int(min: number, max: number) {
    return min + Math.floor(next() * (max - min + 1))
  }
  function pick<T>(array: readonly T[]): T {
    if (array.length === 0) throw new Error('pick() from an empty array')
    return array[Math.floor(next() * array.length)]!
  }
  /** n distinct elements in random order (all of them, shuffled, when n >= length). */
  function sample<T>(array: readonly T[], n: number): T[] {
    const copy = [...array]
    const size = Math.max(0, Math.min(n, copy.length))
    for (let i = 0; i < size; i++) {
      const j = i + Math.floor(next() * (copy.length - i))
      ;[copy[i], copy[j]] = [copy[j]!, copy[i]!]
    }
    return copy.slice(0, size)
  }
  function chance(p: number) {
    return next() < p
  }
  return { next, int, pick, sample, chance }
}

export type Random = ReturnType<typeof createRandom>

// ---------------------------------------------------------------------------------------------
// Content
// ---------------------------------------------------------------------------------------------

/** Markdown written indented in this file: strips the common indentation and the outer blank lines. */
function md(strings: TemplateStringsArray, ...values: unknown[]) {
  const raw = strings.reduce((out, s, i) => out + s + (i < values.length ? String(values[i]) : ''), '')
  const lines = raw.replace(/^\n+|\s+$/g, '').split('\n')
  const indent = Math.min(...lines.filter((l) => l.trim()).map((l) => l.match(/^ */)![0].length))
  return lines.map((l) => l.slice(indent)).join('\n')
}

const SEGMENTS = [
  { name: 'Free', weight: 1, position: 0 },
  { name: 'Pro', weight: 2, position: 1 },
  { name: 'Enterprise', weight: 4, position: 2 },
] as const
type SegmentName = (typeof SEGMENTS)[number]['name']

const CATEGORIES = [
  {
    slug: 'dashboards',
    name: 'Dashboards',
    description: 'Charts, tables, filters and the dashboard editor.',
  },
  {
    slug: 'integrations',
    name: 'Integrations',
    description: 'Data sources, Slack, Teams, webhooks and everything that connects Northwind to your stack.',
  },
  {
    slug: 'reporting-exports',
    name: 'Reporting & exports',
    description: 'Scheduled reports, CSV, Excel and PDF exports, and getting data out of Northwind.',
  },
  {
    slug: 'mobile',
    name: 'Mobile',
    description: 'The iOS and Android apps and viewing dashboards on small screens.',
  },
  {
    slug: 'admin-security',
    name: 'Administration & security',
    description: 'SSO, provisioning, roles and permissions, audit logs and workspace settings.',
  },
] as const
type CategorySlug = (typeof CATEGORIES)[number]['slug']

/** Created up front by the admin, so members never "create" a tag (a 500-reputation privilege). */
const TAGS = [
  'csv',
  'slack',
  'sso',
  'api',
  'dark-mode',
  'mobile',
  'performance',
  'permissions',
  'salesforce',
  'alerts',
  'pdf',
  'scheduling',
  'embedding',
  'snowflake',
  'bigquery',
  'timezones',
  'security',
  'audit-log',
  'filters',
  'charts',
  'calculated-fields',
  'sql',
  'sharing',
  'google-sheets',
  'formatting',
  'export',
  'scim',
  'migration',
]

/**
 * The demo accounts to log in with (all use the seed password). Usernames need 3–30 characters
 * (users_username_format), so the moderator, Mo Okafor, is \`mod\`.
 */
export const DEMO_USERNAMES = { admin: 'admin', product: 'pat', moderator: 'mo', member: 'casey' } as const

const STAFF = [
  { username: DEMO_USERNAMES.admin, displayName: 'Alex Admin', role: 'admin', ageDays: 190 },
  { username: DEMO_USERNAMES.product, displayName: 'Pat Rivera', role: 'product', ageDays: 188 },
  { username: DEMO_USERNAMES.moderator, displayName: 'Mo Okafor', role: 'moderator', ageDays: 186 },
] as const

const CASEY = { username: DEMO_USERNAMES.member, displayName: 'Casey Lin', segment: 'Pro', ageDays: 172 } as const

const MEMBERS: ReadonlyArray<readonly [username: string, displayName: string]> = [
  ['priya_s', 'Priya Sharma'],
  ['jonas-weber', 'Jonas Weber'],
  ['amara', 'Amara Nwosu'],
  ['liwei', 'Li Wei'],
  ['sofia_m', 'Sofía Martínez'],
  ['kenji', 'Kenji Tanaka'],
  ['fatima-z', 'Fatima Zahra'],
  ['olivia_b', 'Olivia Brown'],
  ['mateus', 'Mateus Oliveira'],
  ['anna_k', 'Anna Kowalska'],
  ['david-cohen', 'David Cohen'],
  ['ingrid', 'Ingrid Johansson'],
  ['raj_p', 'Raj Patel'],
  ['chloe', 'Chloé Dubois'],
  ['tomasz', 'Tomasz Nowak'],
  ['yuki_h', 'Yuki Hayashi'],
  ['emeka', 'Emeka Obi'],
  ['lena_f', 'Lena Fischer'],
  ['marco-rossi', 'Marco Rossi'],
  ['hannah_w', 'Hannah Williams'],
  ['diego', 'Diego Fernández'],
  ['aisha', 'Aisha Rahman'],
  ['sven', 'Sven Lindqvist'],
  ['nadia_p', 'Nadia Petrova'],
  ['tom_h', 'Tom Harris'],
  ['mei-ling', 'Mei-Ling Chen'],
  ['kwame', 'Kwame Asante'],
  ['elif', 'Elif Yılmaz'],
  ['ben_carter', 'Ben Carter'],
  ['julia-s', 'Julia Santos'],
  ['noah_k', 'Noah Kim'],
]
/** Segments of the members above, shuffled onto them: most Free, some Pro, a few Enterprise. */
const MEMBER_SEGMENTS: SegmentName[] = [
  ...Array<SegmentName>(18).fill('Free'),
  ...Array<SegmentName>(9).fill('Pro'),
  ...Array<SegmentName>(4).fill('Enterprise'),
]

type CompanySpec = {
  externalId: string
  name: string
  plan: string
  monthlyRevenue: number
  segment: SegmentName | null
  /** Usernames from MEMBERS (or Casey). */
  members: readonly string[]
}
/**
 * Northwind's customer companies (fictitious), as the customers' own systems would sync them, with
 * the demo members who work there; everyone else belongs to none. Fixed, not drawn from the PRNG,
 * so adding them moved nothing else in the community. Staff-only: the product dashboard ranks ideas
 * by these companies and their revenue.
 */
const COMPANIES: readonly CompanySpec[] = [
  {
    externalId: 'nw-1001',
    name: 'Contoso Retail',
    plan: 'Enterprise',
    monthlyRevenue: 24_000,
    segment: 'Enterprise',
    members: ['priya_s', 'jonas-weber', 'amara', 'kwame'],
  },
  {
    externalId: 'nw-1002',
    name: 'Fabrikam Logistics',
    plan: 'Enterprise',
    monthlyRevenue: 18_500,
    segment: 'Enterprise',
    members: ['liwei', 'sofia_m'],
  },
  {
    externalId: 'nw-1003',
    name: 'Tailspin Travel',
    plan: 'Business',
    monthlyRevenue: 6_200,
    segment: 'Pro',
    members: ['kenji', 'fatima-z', 'olivia_b'],
  },
  {
    externalId: 'nw-1004',
    name: 'Wide World Importers',
    plan: 'Business',
    monthlyRevenue: 4_800,
    segment: 'Pro',
    members: ['casey', 'mateus'],
  },
  {
    externalId: 'nw-1005',
    name: 'Adventure Works Cycles',
    plan: 'Team',
    monthlyRevenue: 950,
    segment: 'Free',
    members: ['anna_k', 'david-cohen', 'ingrid'],
  },
  { externalId: 'nw-1006', name: 'Proseware', plan: 'Team', monthlyRevenue: 600, segment: null, members: ['raj_p'] },
]

type IdeaSpec = {
  title: string
  body: string
  category: CategorySlug
  tags: string[]
  /** 3: one of the most wanted (20–30 votes) … 0: the long tail (0–3). */
  heat: 0 | 1 | 2 | 3
  status?: Exclude<SettableStatus, 'open'>
  /** Gathering votes right now: most of them in the last week. */
  trend?: boolean
  author?: 'casey'
  /** The official note of the final status change (shipped and declined ideas). */
  note?: string
  /** Shipped straight from open, as a quick win. */
  quick?: boolean
  /** Comments written for this idea; pools fill the rest. */
  comments?: string[]
}

const IDEAS: IdeaSpec[] = [
  // Dashboards
  {
    title: 'Dark mode for dashboards and the editor',
    category: 'dashboards',
    tags: ['dark-mode'],
    heat: 3,
    status: 'shipped',
    body: md`
      Our ops team keeps Northwind up on a wall screen all day, and the white background is blinding in a dim room. A dark theme would be much easier on the eyes.

      - Dark background for dashboards _and_ the editor
      - Chart colours that keep enough contrast
      - A per-user toggle (or follow the OS setting), not a workspace-wide switch
    `,
    note: md`
      **Dark mode is live for everyone.** Open your avatar menu → _Appearance_ and pick Light, Dark or _Match system_. Charts switch to a palette tuned for contrast on dark backgrounds, and your choice is stored per user.

      Thanks to all of you who voted and sent screenshots of your wall displays: they shaped the palette.
    `,
    comments: [
      'Yes please. I turn my screen brightness all the way down in the evening and the dashboards are still too bright.',
      'Important detail: the exported PDFs should stay light even if I use dark mode in the app.',
      'Would be great if embedded dashboards could follow the host page theme too.',
    ],
  },
  {
    title: 'Cross-filtering: clicking a bar should filter every other chart on the dashboard',
    category: 'dashboards',
    tags: ['filters', 'charts'],
    heat: 3,
    status: 'in_progress',
    body: md`
      When I click a segment in a bar or pie chart I would like every other widget on the dashboard to filter to that value, like in most BI tools. Today I have to go to the filter bar, find the right field and pick the value by hand.

      A small "clear selection" chip at the top would be enough to undo it.
    `,
    comments: [
      'This is the number one thing our sales managers ask for. They expect to click on a region and see everything for that region.',
      'Please make it possible to exclude some widgets from cross-filtering (e.g. the company-wide KPI tiles).',
      'We moved from Tableau and this is the feature people miss most.',
    ],
  },
  {
    title: 'Let us pin a dashboard as the default home page per team',
    category: 'dashboards',
    tags: [],
    heat: 1,
    body: md`
      Everyone in our support team should land on the _Support overview_ dashboard when they log in, and sales on the pipeline dashboard. Right now everyone lands on the generic home page and half of them never find the right dashboard.
    `,
  },
  {
    title: 'Auto-refresh interval per dashboard (e.g. every minute in TV mode)',
    category: 'dashboards',
    tags: ['performance'],
    heat: 2,
    status: 'planned',
    body: md`
      The dashboard refreshes every 15 minutes, which is fine for most of ours but too slow for the operations board we show on a TV. A per-dashboard setting (1, 5, 15, 60 minutes) would solve it.

      We understand this costs queries, so limiting the short intervals to cached data sources would be fine.
    `,
  },
  {
    title: 'Conditional formatting in table widgets',
    category: 'dashboards',
    tags: ['formatting'],
    heat: 2,
    trend: true,
    body: md`
      I would like to colour cells based on rules, for example:

      - red when \`revenue < target\`
      - green when growth is above 10 %
      - a colour scale for a whole column

      Right now we export to Excel just to do this, which defeats the purpose of a live dashboard.
    `,
    comments: [
      'A colour scale on a column would cover 80 % of our use cases.',
      'Please also allow icons (up/down arrows), not just background colours.',
      'Same here, this is the last thing that keeps our finance team in spreadsheets.',
    ],
  },
  {
    title: 'Dashboard version history with restore',
    category: 'dashboards',
    tags: [],
    heat: 2,
    status: 'under_review',
    body: md`
      Last week someone on our team accidentally deleted half of the widgets on a shared dashboard and we had to rebuild it from screenshots. A history of saved versions (who changed what, when) with a one-click restore would have saved us a day.
    `,
  },
  {
    title: 'Full-screen TV mode that hides the sidebar and cycles through dashboards',
    category: 'dashboards',
    tags: [],
    heat: 1,
    status: 'shipped',
    body: md`
      For office screens we need a kiosk-style mode: no navigation, no filter bar, large fonts, and ideally rotating through a playlist of dashboards every N seconds.
    `,
    note: md`
      Shipped! Press **F** on any dashboard (or choose _View → TV mode_) for a chrome-free full-screen view. To rotate through several dashboards, create a _playlist_ under **Dashboards → Playlists** and set the interval per slide.
    `,
  },
  {
    title: 'Annotations on time-series charts (releases, incidents, campaigns)',
    category: 'dashboards',
    tags: ['charts'],
    heat: 2,
    status: 'planned',
    body: md`
      When a metric drops, the first question is always "what happened that day?". Being able to add annotations (a vertical line with a label) to a time-series chart, manually or from an API, would give that context right on the chart.
    `,
  },
  {
    title: 'Drill-down from a KPI tile into the underlying rows',
    category: 'dashboards',
    tags: ['charts'],
    heat: 1,
    body: md`
      Clicking on a number tile ("1,204 open tickets") should open the list of rows behind it. Today we maintain a second, hidden table dashboard just for that.
    `,
  },
  {
    title: 'Snap-to-grid and alignment guides in the dashboard editor',
    category: 'dashboards',
    tags: [],
    heat: 0,
    body: md`
      Arranging widgets is fiddly: they are always a few pixels off. Alignment guides (like in slide tools) and an optional snap-to-grid would make dashboards look tidier with less effort.
    `,
  },
  {
    title: 'Custom colour palettes that match our brand',
    category: 'dashboards',
    tags: ['charts', 'formatting'],
    heat: 1,
    body: md`
      We share dashboards with clients and they should use our brand colours. An admin-defined palette (a list of hex codes) that becomes the default for new charts would be ideal.
    `,
  },
  {
    title: 'Heatmap chart type for hour-of-day × weekday',
    category: 'dashboards',
    tags: ['charts'],
    heat: 0,
    body: md`
      We want to see when support tickets arrive: a heatmap with hours on one axis and weekdays on the other. There is no good way to build this with the current chart types.
    `,
  },
  {
    title: 'Show a "last refreshed" timestamp on every widget',
    category: 'dashboards',
    tags: [],
    heat: 1,
    status: 'shipped',
    quick: true,
    body: md`
      When numbers look off, people ask whether the data is stale. A small "updated 5 min ago" line on each widget (with the exact time on hover) would answer that before it becomes a support ticket.
    `,
    note: md`
      Quick win, now live: every widget shows when its data was last refreshed in the footer; hover for the exact time and the data source.
    `,
  },
  {
    title: '3D pie charts',
    category: 'dashboards',
    tags: ['charts'],
    heat: 0,
    status: 'declined',
    body: md`
Our leadership deck uses 3D pies and it would be nice if the dashboards matched that look.
    `,
    note: md`
      Thanks for the suggestion. We're going to pass on this one: 3D pies make slices in front look bigger than they are, which distorts the data. For part-of-whole comparisons, the **donut** chart or a **stacked bar** will read more accurately, and both can use your brand palette.
    `,
  },
  // Integrations
  {
    title: 'Native Salesforce connector (opportunities, accounts and custom objects)',
    category: 'integrations',
    tags: ['salesforce', 'api'],
    heat: 3,
    status: 'in_progress',
    body: md`
      We currently push Salesforce data into our warehouse with a third-party ETL tool just so Northwind can read it. A native connector that syncs standard **and custom** objects would remove a whole moving part.

      Incremental sync (only changed records) matters for us: we have around 2 million opportunities.
    `,
    comments: [
      'Custom objects are a must for us, we track renewals in one.',
      'Please support sandbox orgs as well, so we can build dashboards before going live.',
      'Would the sync respect Salesforce field-level security? Our legal team will ask.',
    ],
  },
  {
    title: 'Send dashboard snapshots to a Slack channel on a schedule',
    category: 'integrations',
    tags: ['slack', 'scheduling'],
    heat: 2,
    status: 'shipped',
    body: md`
      Every Monday I screenshot our KPI dashboard and paste it into #leadership. Northwind could do this for me: pick a dashboard, a channel and a schedule, and post an image with a link back.
    `,
    note: md`
      **Slack snapshots are here.** Connect Slack under _Settings → Integrations_, then on any dashboard choose **Share → Schedule → Slack**. The post contains an image of the dashboard and a link back to it. Private channels work once you invite the Northwind app.
    `,
  },
  {
    title: 'Slack alerts when a metric crosses a threshold',
    category: 'integrations',
    tags: ['slack', 'alerts'],
    heat: 2,
    status: 'planned',
    body: md`
      Alerts currently only go out by e-mail, which nobody reads in time. Posting to a Slack channel (with the value, the threshold and a link to the chart) would make alerts actually useful for our on-call team.
    `,
  },
  {
    title: 'Microsoft Teams integration for scheduled reports and alerts',
    category: 'integrations',
    tags: ['alerts', 'scheduling'],
    heat: 2,
    body: md`
      We are a Microsoft shop and cannot use Slack. Please give Teams the same love: scheduled snapshots and alerts posted to a Teams channel.
    `,
    comments: ['Same here, our whole company is on Teams.', 'Even an incoming-webhook based integration would be a good first step.'],
  },
  {
    title: 'BigQuery connector: support service-account impersonation',
    category: 'integrations',
    tags: ['bigquery', 'security'],
    heat: 0,
    body: md`
      Our security team does not allow long-lived service-account keys. Supporting impersonation (Northwind's identity impersonates our service account) would let us connect BigQuery without uploading a JSON key.
    `,
  },
  {
    title: 'Webhook when an alert triggers (to route into PagerDuty or Opsgenie)',
    category: 'integrations',
    tags: ['alerts', 'api'],
    heat: 2,
    status: 'under_review',
    body: md`
      A generic webhook on alert trigger would let us route alerts anywhere. A JSON payload with the alert name, value, threshold and dashboard URL is all we need, for example:

      \`{ "alert": "Checkout errors", "value": 42, "threshold": 10 }\`
    `,
  },
  {
    title: 'HubSpot connector',
    category: 'integrations',
    tags: ['api'],
    heat: 1,
    body: md`
      Our marketing team lives in HubSpot. A connector for contacts, deals and campaigns would let us build the funnel dashboard in Northwind instead of exporting CSVs every week.
    `,
  },
  {
    title: 'dbt integration: pull model and column descriptions into the data dictionary',
    category: 'integrations',
    tags: ['sql'],
    heat: 1,
    body: md`
      We already document every model in dbt. It would be great if Northwind read \`manifest.json\` and showed those descriptions when people pick fields, instead of us maintaining them twice.
    `,
  },
  {
    title: 'Snowflake key-pair authentication instead of a password',
    category: 'integrations',
    tags: ['snowflake', 'security'],
    heat: 1,
    status: 'planned',
    body: md`
      Snowflake is deprecating password-only logins for service users. Key-pair authentication for the Snowflake connection would keep us compliant with our own policies too.
    `,
  },
  {
    title: 'Zapier app with a trigger for new alerts',
    category: 'integrations',
    tags: ['alerts'],
    heat: 0,
    body: md`
      A Zapier app would let non-engineers connect Northwind alerts to the hundreds of tools we use without waiting for each native integration.
    `,
  },
  {
    title: 'Public API endpoint to trigger a dataset refresh',
    category: 'integrations',
    tags: ['api'],
    heat: 1,
    body: md`
      Our pipeline finishes at an unpredictable time each night. We would like to call an endpoint such as \`POST /v2/datasets/{id}/refresh\` at the end of the pipeline instead of guessing a refresh schedule.
    `,
  },
  {
    title: 'Jira integration: create a ticket from an alert',
    category: 'integrations',
    tags: ['alerts'],
    heat: 0,
    body: md`
      When a data-quality alert fires, someone has to open a Jira ticket by hand. A button (or an automatic rule) to create a ticket with a link to the chart would close that loop.
    `,
  },
  {
    title: 'Google Sheets as a live data source, not just a one-off import',
    category: 'integrations',
    tags: ['google-sheets'],
    heat: 1,
    body: md`
      Some of our targets live in a Google Sheet maintained by finance. A live connection (refreshing with the dashboard) would let us show actuals against targets without re-importing.
    `,
  },
  // Reporting & exports
  {
    title: 'Export dashboards to PDF with the exact on-screen layout',
    category: 'reporting-exports',
    tags: ['pdf', 'export'],
    heat: 2,
    status: 'shipped',
    body: md`
      The current PDF export puts every widget on its own page, which makes a board pack 30 pages long. We would like a PDF that looks exactly like the dashboard: same grid, same sizes, on as few pages as possible.
    `,
    note: md`
      Shipped in this week's release: **Export → PDF** now has a _Match dashboard layout_ option (on by default). Choose A4 or Letter, portrait or landscape, and Northwind fits the grid onto as few pages as possible. Text widgets and the filter summary are included.
    `,
  },
  {
    title: "CSV export should respect the table's current filters and sort order",
    category: 'reporting-exports',
    tags: ['csv', 'filters'],
    heat: 2,
    status: 'shipped',
    body: md`
      When I export a table to CSV I get _all_ the rows in the default order, not the filtered and sorted view I am looking at. I then have to redo the filtering in Excel. The export should match what is on screen.
    `,
    note: md`
      Done: CSV exports now use the dashboard filters, the widget's own filters and the sort order you clicked. The file name includes the date and the dashboard name. Thanks for the clear report!
    `,
  },
  {
    title: 'Scheduled reports: choose the time zone of the delivery',
    category: 'reporting-exports',
    tags: ['scheduling', 'timezones'],
    heat: 2,
    status: 'in_progress',
    body: md`
      Our workspace is set to UTC but our teams are in Singapore, Berlin and Chicago. A report scheduled for "8:00" arrives at 8:00 UTC for everyone. Please let us pick the time zone per schedule, so "every weekday at 8:00 Europe/Berlin" is possible.
    `,
  },
  {
    title: 'Excel (.xlsx) export with proper number and date formats',
    category: 'reporting-exports',
    tags: ['export', 'formatting'],
    heat: 1,
    body: md`
      When we open the CSV in Excel, dates become text and large numbers switch to scientific notation. A native \`.xlsx\` export that keeps the number formats from the widget would save our finance team a lot of cleanup.
    `,
  },
  {
    title: 'Export more than 100,000 rows to CSV',
    category: 'reporting-exports',
    tags: ['csv', 'performance'],
    heat: 3,
    author: 'casey',
    body: md`
      The CSV export stops at 100,000 rows. Our transaction tables are often bigger, and the limit is silent: you only notice when totals don't match. We would like:

      - a higher limit (or none) for background exports, delivered by e-mail link
      - a clear warning when an export is truncated
    `,
    comments: [
      'The silent truncation bit us badly during an audit. At the very least, please show a warning.',
      "A background export with a download link would be perfect, we don't need it instantly.",
      'Could the export go straight to an S3 bucket for very large files?',
    ],
  },
  {
    title: "Burst reports: send each regional manager only their region's data",
    category: 'reporting-exports',
    tags: ['permissions', 'scheduling'],
    heat: 1,
    status: 'under_review',
    body: md`
      We have 14 regional managers. Today we maintain 14 copies of the same report, each with a different region filter. A burst option ("one e-mail per value of _Region_, sent to the matching manager") would replace all of them.
    `,
  },
  {
    title: 'Include chart images inline in report e-mails, not just a link',
    category: 'reporting-exports',
    tags: ['scheduling'],
    heat: 1,
    body: md`
      Half of our executives read reports on their phone and never click the link. An inline image of the key charts in the e-mail body would get the numbers in front of them.
    `,
  },
  {
    title: 'Let report recipients unsubscribe themselves',
    category: 'reporting-exports',
    tags: ['scheduling'],
    heat: 0,
    body: md`
      People who changed teams keep receiving reports and ask us to remove them. An unsubscribe link in the e-mail (with a note to the report owner) would save the admins some busywork.
    `,
  },
  {
    title: 'Period-over-period comparison (this month vs last month) in tables',
    category: 'reporting-exports',
    tags: ['calculated-fields'],
    heat: 1,
    body: md`
      A built-in "compare to previous period" option in tables, adding the previous value and the % change next to each measure, would replace a lot of hand-written calculated fields.
    `,
  },
  {
    title: 'Text widgets and footnotes that also show up in PDF exports',
    category: 'reporting-exports',
    tags: ['pdf'],
    heat: 0,
    body: md`
      We add definitions and caveats in text widgets, but they should also appear (as footnotes, for example) in the exported PDF so readers see the same context.
    `,
  },
  {
    title: 'Export a dashboard to PowerPoint',
    category: 'reporting-exports',
    tags: ['export'],
    heat: 1,
    body: md`
      Every quarter we rebuild our business review deck by pasting screenshots. A one-click export to \`.pptx\`, one slide per widget or per dashboard tab, would save hours.
    `,
  },
  {
    title: 'API endpoint to download a report as CSV',
    category: 'reporting-exports',
    tags: ['api', 'csv'],
    heat: 1,
    body: md`
      We'd like to pull the data of a saved report from a script, e.g. \`GET /v2/reports/{id}/export?format=csv\`, using an API token. Today we can only do it through the UI.
    `,
  },
  {
    title: 'Schedule reports on the last business day of the month',
    category: 'reporting-exports',
    tags: ['scheduling'],
    heat: 0,
    body: md`
Monthly schedules only allow a fixed day number. Our finance close happens on the last business day, which moves every month.
    `,
  },
  // Mobile
  {
    title: 'Offline access to favourite dashboards in the iOS app',
    category: 'mobile',
    tags: ['mobile'],
    heat: 2,
    trend: true,
    body: md`
      I often check our numbers on flights or on the train with bad coverage. If the app cached my favourite dashboards (with a clear "as of" time), I could still see the last known values.
    `,
    comments: [
      'This would be great for our field sales team, they are often in basements and warehouses.',
      'Read-only is totally fine, as long as it shows how old the data is.',
    ],
  },
  {
    title: 'Push notifications for alerts on mobile',
    category: 'mobile',
    tags: ['mobile', 'alerts'],
    heat: 2,
    status: 'planned',
    body: md`
      I would like alerts as push notifications on my phone, tapping through to the chart in the app. E-mail is too slow for the alerts that matter.
    `,
  },
  {
    title: 'Android home-screen widget showing a single KPI',
    category: 'mobile',
    tags: ['mobile'],
    heat: 0,
    body: md`
      A home-screen widget that shows one number (e.g. today's revenue) and refreshes every hour. Glanceable data is what I actually want from a phone.
    `,
  },
  {
    title: 'Landscape mode for charts on phones',
    category: 'mobile',
    tags: ['mobile', 'charts'],
    heat: 1,
    body: md`
Wide time-series charts are unreadable in portrait. Rotating the phone should show the chart full-screen in landscape.
    `,
  },
  {
    title: 'Face ID / biometric unlock for the mobile app',
    category: 'mobile',
    tags: ['mobile', 'security'],
    heat: 1,
    status: 'under_review',
    body: md`
      Our policy requires re-authentication after 8 hours, and typing an SSO password on a phone is painful. Unlocking with Face ID or a fingerprint would keep security happy and users sane.
    `,
  },
  {
    title: 'Mobile-friendly layout for dashboards built on desktop',
    category: 'mobile',
    tags: ['mobile'],
    heat: 1,
    body: md`
      Dashboards designed on a wide screen become a long column of tiny widgets on a phone. An automatic mobile layout (or a way to set the widget order for mobile) would help a lot.
    `,
  },
  {
    title: 'Native Windows tablet app',
    category: 'mobile',
    tags: ['mobile'],
    heat: 0,
    status: 'declined',
    body: md`
Our field teams use Windows tablets. A native app for them would be nice, like the ones for iOS and Android.
    `,
    note: md`
      We looked at this carefully and decided not to build a separate Windows app. The web app now works well on Windows tablets (touch gestures, offline banner, installable as a PWA from Edge), and a native app would slow down everything else on the mobile roadmap. If something specific doesn't work on your tablets, please tell us in a question and we'll fix it.
    `,
  },
  {
    title: 'Share a chart from the mobile app as an image',
    category: 'mobile',
    tags: ['mobile', 'sharing'],
    heat: 0,
    body: md`
      A share button on each chart that exports a PNG to the phone's share sheet (WhatsApp, Messages, e-mail) would make quick updates to the team much easier.
    `,
  },
  {
    title: 'Pinch-to-zoom on time-series charts',
    category: 'mobile',
    tags: ['mobile', 'charts'],
    heat: 0,
    body: md`
On a phone I'd like to zoom into a date range with two fingers, the way maps work.
    `,
  },
  // Administration & security
  {
    title: 'SCIM provisioning for Okta and Azure AD',
    category: 'admin-security',
    tags: ['sso', 'scim', 'permissions'],
    heat: 3,
    status: 'planned',
    body: md`
      We manage 600+ users in Okta. Without SCIM, people who leave the company keep their Northwind account (and seat) until someone remembers to remove them. SCIM would give us:

      - automatic deprovisioning
      - group sync to Northwind groups
      - no more seat clean-up every quarter
    `,
    comments: [
      'Deprovisioning is a hard requirement from our security team. We had to build a script against the API in the meantime.',
      'Azure AD (Entra ID) support please, not only Okta.',
      'Group push would be the cherry on top: we manage folder access by Okta group.',
    ],
  },
  {
    title: 'Row-level security based on user attributes',
    category: 'admin-security',
    tags: ['permissions'],
    heat: 2,
    status: 'under_review',
    body: md`
      We'd like one dashboard that shows each user only the rows they may see, based on an attribute on their profile (region, customer id …). Today we duplicate dashboards per audience, which is error-prone.
    `,
  },
  {
    title: 'Audit log export to our SIEM (Splunk or Datadog)',
    category: 'admin-security',
    tags: ['audit-log', 'security', 'api'],
    heat: 1,
    body: md`
      The audit log is only viewable in the admin UI. Streaming it to our SIEM (syslog, an HTTPS endpoint, or an API with a cursor) would let security monitor it with everything else.
    `,
  },
  {
    title: 'Enforce SSO for everyone except break-glass admins',
    category: 'admin-security',
    tags: ['sso', 'security'],
    heat: 2,
    trend: true,
    body: md`
      We want to require SSO for all users but keep one or two local admin accounts for when our IdP is down. Right now it's all or nothing.
    `,
    comments: [
      'Exactly our setup with another vendor. Break-glass accounts with 2FA are standard practice.',
      'Would be good if the break-glass logins triggered an e-mail to all admins.',
    ],
  },
  {
    title: 'Custom roles with granular permissions (e.g. can edit but not share)',
    category: 'admin-security',
    tags: ['permissions'],
    heat: 1,
    body: md`
      The three built-in roles don't fit us: we want analysts who can edit dashboards but not share them externally or download data.
    `,
  },
  {
    title: 'IP allowlisting for the workspace',
    category: 'admin-security',
    tags: ['security'],
    heat: 0,
    body: md`
Our compliance team requires that SaaS tools holding customer data are only reachable from our office and VPN ranges.
    `,
  },
  {
    title: 'Let admins transfer ownership of dashboards when someone leaves',
    category: 'admin-security',
    tags: ['permissions'],
    heat: 1,
    body: md`
      When an employee leaves, their dashboards and schedules are orphaned. An admin action to transfer everything a user owns to someone else would make offboarding painless.
    `,
  },
  {
    title: 'Usage analytics: which dashboards are actually viewed',
    category: 'admin-security',
    tags: [],
    heat: 1,
    body: md`
We have 400 dashboards and suspect most are never opened. Views per dashboard and per user over time would help us clean up.
    `,
  },
  {
    title: 'Shared team logins for wall displays',
    category: 'admin-security',
    tags: ['security'],
    heat: 0,
    status: 'declined',
    body: md`
      It would be easier if several people could share one login for the office screens instead of each screen needing a named user.
    `,
    note: md`
      We're declining this one: shared passwords can't be audited or revoked per person, and they break SSO policies. For wall displays, use **TV mode with a display link** (_Share → Display link_): it is read-only, can be revoked at any time, and doesn't use a seat.
    `,
  },
  {
    title: 'Two-factor authentication with an authenticator app for non-SSO users',
    category: 'admin-security',
    tags: ['security', 'sso'],
    heat: 1,
    body: md`
      Not all of our users come through SSO (contractors, for example). TOTP-based 2FA that admins can make mandatory would close that gap.
    `,
  },
  {
    title: 'Multiple workspaces under one billing account',
    category: 'admin-security',
    tags: [],
    heat: 0,
    body: md`
      We run separate workspaces for two subsidiaries and pay two invoices. One billing account with several workspaces (and one admin view) would simplify procurement.
    `,
  },
]

const IDEA_COMMENTS: Record<CategorySlug, string[]> = {
  dashboards: [
    'We would use this every day. Our dashboards are open on a second screen all the time.',
    'Our execs look at dashboards exclusively during the Monday meeting, so anything that makes them easier to read is welcome.',
    'Please make sure this works for embedded dashboards too, not just inside the app.',
    'We have a workaround with a second dashboard, but it is clunky and people forget to update it.',
    'This would make the editor feel a lot more polished.',
    'Would love this. Is there a beta we could join?',
    'We built something similar with calculated fields, but a native option would be much easier to maintain.',
    'Huge +1 from our operations team.',
  ],
  integrations: [
    'We currently pay for an extra ETL tool just for this, a native option would be great.',
    'Please document the required permissions/scopes clearly, our IT team always asks first.',
    'This would let us retire a fragile script that one person on the team understands.',
    'Important for us: the integration should work with our EU data residency.',
    "We'd use this for our weekly business review immediately.",
    'Any chance this could use the same connection for several workspaces?',
    'We have the same need. A generic webhook would already cover most of it.',
  ],
  'reporting-exports': [
    'Our finance team would love this, they live in Excel.',
    'This is the most common request I get from our managers.',
    'Reports are how most of our company sees Northwind, so improvements here reach a lot of people.',
    'Please keep the exported numbers exactly as displayed (rounding, currency symbols).',
    "We'd drop a second reporting tool if this existed.",
    'Same here, we do this manually every month end.',
    'Would be great to have this available through the API as well.',
  ],
  mobile: [
    'Our field teams only use the app, so this matters a lot for us.',
    'The app is great otherwise, this is the missing piece.',
    'I check dashboards on my phone every morning before work, would use this daily.',
    'Please keep the app light, but this one is worth it.',
    'Same request from our regional managers.',
  ],
  'admin-security': [
    'Our security review flagged exactly this. It would unblock a bigger rollout for us.',
    'This is a requirement in most enterprise security questionnaires we fill in.',
    'We manage this by hand today and it does not scale past a few hundred users.',
    'Would be great if changes here showed up in the audit log.',
    'Please make this available on Pro as well, not only Enterprise.',
    'Our IT team asked for this during procurement.',
  ],
}

const GENERIC_IDEA_COMMENTS = [
  'Upvoted. This would save our team a couple of hours every week.',
  'Same need here, glad someone posted it.',
  'We asked our account manager about this last quarter, happy to see it here.',
  'Strong +1. It is the first thing new users ask me about.',
  'This is a big one for us, we have around 80 people who would benefit.',
  'Would be nice, but only if it stays simple to set up.',
  'Adding our vote. Happy to jump on a call with the product team to explain our use case.',
  'This came up again in our team retro today.',
  'Agree with the comments above. The workaround works, but it is fragile.',
  'Is there any workaround in the meantime?',
]

const STAFF_IDEA_COMMENTS = [
  'Thanks for the detailed write-up. Could those of you who voted tell us roughly how many people in your team would use this?',
  'Good suggestion. Is the main use case internal, or do you also share these with customers?',
  "Thanks, this is helpful. We're collecting use cases for the next planning round, so keep them coming.",
]

const SHIPPED_COMMENTS = [
  'Just tried it. Works exactly as we hoped, thank you!',
  'This made my week. Already rolled it out to the whole team.',
  'Great to see this shipped. Thanks for listening!',
  'Works nicely. Small thing: it would be great to have the same in the API.',
]

const STATUS_NOTES: Record<'under_review' | 'planned' | 'in_progress', string[]> = {
  under_review: [
    "Thanks for all the votes and the detailed use cases. We're reviewing this with the team and will share what we decide here.",
    'This is on the list for our next planning round. If you have a concrete workflow in mind, add a comment: it really helps us scope it.',
    "We're looking into this. Question for everyone who voted: would a per-dashboard setting be enough, or do you need it workspace-wide?",
  ],
  planned: [
    "Good news: this is on the **Q3 plan**. We'll post here when work starts.",
    "Thanks everyone — this made it onto the roadmap for next quarter. We'll keep this idea updated as we go.",
    "Planned! The first version will cover the most requested cases from the comments; we'll iterate from there.",
  ],
  in_progress: [
    "Work has started. We expect a beta in a few weeks; comment here if you'd like early access.",
    'The team is building this now. Follow along on the [roadmap](/roadmap).',
    'In progress: the design is done and engineering has picked it up.',
  ],
}

type AnswerSpec = { body: string; by?: 'admin' | 'pat' | 'mo' | 'casey'; quality?: 'good' | 'bad' }
type QuestionSpec = {
  title: string
  body: string
  tags: string[]
  answers: AnswerSpec[]
  /** Index of the answer the asker accepts. */
  accept?: number
  asker?: 'casey'
  popular?: boolean
}

const QUESTIONS: QuestionSpec[] = [
  {
    title: 'How do I export a dashboard table to CSV with the filters I applied?',
    tags: ['csv', 'export', 'filters'],
    popular: true,
    body: md`
      I have a table widget on a dashboard with a date filter and a region filter. When I export, I'm not sure whether I get the filtered rows or everything. Where is the export, and what does it include?
    `,
    answers: [
      {
        quality: 'good',
        body: md`
          Hover over the widget, open the **⋯** menu and choose **Download data → CSV**. The export uses the dashboard filters, the widget's own filters and the current sort order, so you get exactly what's on screen (up to 100,000 rows).
        `,
      },
      {
        body: md`
          If you need _all_ rows regardless of the dashboard filters, open the underlying dataset instead (**Data → Datasets**) and export from there.
        `,
      },
    ],
    accept: 0,
  },
  {
    title: 'SAML SSO with Okta: "Invalid audience" error after setup',
    tags: ['sso', 'security'],
    popular: true,
    body: md`
      I followed the SSO guide and added Northwind as a SAML app in Okta. When I click the tile I get bounced back with **"Invalid audience"**. Metadata URL and certificate look right. What am I missing?
    `,
    answers: [
      {
        by: 'admin',
        quality: 'good',
        body: md`
          "Invalid audience" means the _Audience URI (SP Entity ID)_ in Okta doesn't match what Northwind expects. It must be exactly:

          \`https://northwind.example/saml/metadata/<your-workspace-slug>\`

          No trailing slash, and the workspace slug is case-sensitive. You can copy the value from **Settings → Security → SAML** to be safe.
        `,
      },
      {
        body: md`
          We had the same error: in our case the _Default RelayState_ was set in Okta. Clearing it fixed the loop for us after the audience was corrected.
        `,
      },
    ],
    accept: 0,
  },
  {
    title: 'What are the API rate limits, and what happens when I hit them?',
    tags: ['api'],
    popular: true,
    body: md`
      We're building a nightly sync that calls the query API a few thousand times. Before we get blocked: what are the limits per token, and how should we back off?
    `,
    answers: [
      {
        by: 'mo',
        quality: 'good',
        body: md`
          The limits are per API token:

          - **Pro:** 600 requests per minute
          - **Enterprise:** 3,000 requests per minute

          Above that you get HTTP \`429\` with a \`Retry-After\` header (in seconds). Wait that long and retry; exponential back-off on top is a good idea. The current usage is in the \`X-RateLimit-Remaining\` response header.
        `,
      },
      {
        body: md`
          Tip: if you run many small queries, the batch endpoint (\`POST /v2/queries:batch\`, up to 20 queries per call) counts as one request. That cut our sync time by 80 %.
        `,
      },
    ],
    accept: 0,
  },
  {
    title: 'Embedding a dashboard in our React app: the iframe shows a login page',
    tags: ['embedding', 'api'],
    body: md`
      I put the dashboard URL into an \`<iframe>\` in our customer portal, but users see the Northwind login page instead of the dashboard. Our customers don't have Northwind accounts. How is embedding supposed to work?
    `,
    answers: [
      {
        quality: 'good',
        body: md`
          For customers without accounts you need **signed embedding**: your backend creates a short-lived URL signed with the embed secret (**Settings → Embedding**), and the iframe uses that URL. Roughly:

          ~~~js
          const token = jwt.sign({ dashboard: 42, params: { customer_id: user.customerId }, exp: now + 600 }, EMBED_SECRET)
          const src = \`https://northwind.example/embed/dashboard/42?token=\${token}\`
          ~~~

          The \`params\` lock filters, so each customer only sees their own data.
        `,
      },
      {
        by: 'mo',
        body: md`
          Also add your portal's origin to **Settings → Embedding → Allowed origins**; without it the browser refuses to frame the dashboard even with a valid token.
        `,
      },
    ],
    accept: 0,
  },
  {
    title: "Scheduled report arrives with yesterday's date — time zone problem?",
    tags: ['scheduling', 'timezones'],
    body: md`
      Our daily report is scheduled for 7:00 and uses the filter "today". We're in Sydney, and the e-mail always shows yesterday's numbers. Is this a bug?
    `,
    answers: [
      {
        quality: 'good',
        body: md`
          Not a bug: schedules and relative dates use the **workspace** time zone (**Settings → Workspace → Regional**), not yours. If the workspace is on UTC, 7:00 Sydney time is still "yesterday" in UTC. Set the workspace time zone to Australia/Sydney, or schedule the report later.
        `,
      },
      {
        by: 'pat',
        body: md`
          To add to that: a time zone per schedule is a known request, see the idea about choosing the time zone of the delivery and vote there. Until then, the workspace setting is the way to go.
        `,
      },
    ],
  },
  {
    title: 'Dates in my charts are shifted by one day',
    tags: ['timezones', 'sql'],
    body: md`
      Orders placed on 3 March show up under 2 March in a daily bar chart. The source is Postgres and the column is \`created_at\`. Any idea?
    `,
    answers: [
      {
        quality: 'good',
        body: md`
          Your column is probably \`timestamp without time zone\` storing UTC, and Northwind converts it to the workspace time zone as if it were already local. In the dataset, open the field settings and set **Source time zone → UTC**. The days will line up after the next refresh.
        `,
      },
      {
        quality: 'bad',
        body: md`
Easiest fix: make a calculated field \`DATEADD('day', 1, [created_at])\` and use that in the chart instead.
        `,
      },
    ],
    accept: 0,
  },
  {
    title: 'Can viewers download data, or only editors?',
    tags: ['permissions', 'csv'],
    body: md`
We want managers to view dashboards but not download raw data. Is that possible with the built-in roles?
    `,
    answers: [
      {
        by: 'mo',
        body: md`
          Downloading is a separate permission: **Settings → Roles → Viewer → Download data**. Turn it off and viewers can still see everything on screen but the _Download_ menu disappears for them. Note that it applies to the whole role, not per dashboard.
        `,
      },
    ],
  },
  {
    title: 'Connecting to Snowflake fails with "IP not allowed"',
    tags: ['snowflake', 'security'],
    body: md`
      The connection test to our Snowflake account fails with \`IP address is not allowed to access Snowflake\`. The same credentials work from my laptop.
    `,
    answers: [
      {
        quality: 'good',
        body: md`
          Your Snowflake account has a network policy. Add Northwind's outbound IP addresses to it; they're listed under **Data sources → Snowflake → Connection details** (there are three per region). For example:

          ~~~sql
          alter network policy corp_only set allowed_ip_list = ('203.0.113.10', '203.0.113.11', '203.0.113.12', ...);
          ~~~
        `,
      },
    ],
    accept: 0,
  },
  {
    title: 'How do I calculate month-over-month growth in a table?',
    tags: ['calculated-fields'],
    body: md`
I have revenue by month in a table and want a column with the growth compared to the previous month. What's the formula?
    `,
    answers: [
      {
        quality: 'good',
        body: md`
          Create a calculated field with a table calculation:

          ~~~
          (SUM([Revenue]) - LOOKUP(SUM([Revenue]), -1)) / LOOKUP(SUM([Revenue]), -1)
          ~~~

          Then format it as a percentage. Make sure the table is sorted by month ascending, because \`LOOKUP\` follows the table order.
        `,
      },
      {
        by: 'casey',
        body: md`
          There's also a shortcut: click the measure in the table, **Quick calc → Percent change from previous**. It generates the same calculation without typing it.
        `,
      },
    ],
    accept: 0,
  },
  {
    title: 'Is there a way to share a dashboard with someone outside our company?',
    tags: ['sharing', 'permissions'],
    body: md`
A client wants to see a dashboard we built for them. They shouldn't get a full account. What are the options?
    `,
    answers: [
      {
        body: md`
On Pro and up you can create a **public link** (_Share → Public link_), optionally with a password and an expiry date.
        `,
      },
      {
        body: md`
          Careful with public links if the dashboard has user-based filters: a public link has no user, so those filters fall back to their defaults. For clients we use signed embedding in our portal instead.
        `,
      },
    ],
  },
  {
    title: 'PDF export cuts off the right side of wide tables',
    tags: ['pdf', 'export'],
    body: md`
When I export a dashboard with a wide table to PDF, the last three columns are missing. Is there a setting for this?
    `,
    answers: [
      {
        quality: 'good',
        body: md`
          In the export dialog, choose **Landscape** and tick **Fit to page width**. Tables wider than the page are then scaled down instead of clipped. If it's still too small to read, split the table into two widgets.
        `,
      },
    ],
    accept: 0,
  },
  {
    title: 'BigQuery data source: queries are slow and expensive',
    tags: ['bigquery', 'performance'],
    body: md`
      Since we connected BigQuery our GCP bill went up noticeably, and dashboards take 20–30 seconds to load. We have about 15 dashboards on a 2 TB events table.
    `,
    answers: [
      {
        body: md`
Make sure the dashboards filter on the table's **partition column**; otherwise every widget scans the whole table.
        `,
      },
      {
        quality: 'good',
        body: md`
          Two things helped us most:

          1. Turn on **extracts** for the dataset (**Dataset → Caching → Extract, refresh hourly**). Dashboards then query Northwind's cache, not BigQuery.
          2. Build a daily aggregated table in BigQuery for the dashboards; keep the raw events table for drill-downs only.

          Our cost went down by about 70 %.
        `,
      },
    ],
    accept: 1,
  },
  {
    title: 'Slack integration posts to the wrong channel',
    tags: ['slack'],
    body: md`
I changed the channel of our dashboard's Slack schedule from #sales to #sales-leadership, but snapshots still go to #sales.
    `,
    answers: [
      {
        body: md`
          The channel is stored per **schedule**, and a dashboard can have several. Check **Share → Schedules**: you probably edited one schedule and an older one still posts to #sales.
        `,
      },
    ],
  },
  {
    title: 'How do I rotate an API token without downtime?',
    tags: ['api', 'security'],
    body: md`
      Our security policy requires rotating API tokens every 90 days. Is there a way to do it without breaking our integrations for a while?
    `,
    answers: [
      {
        by: 'admin',
        quality: 'good',
        body: md`
          Tokens are independent, so rotate with an overlap:

          1. Create a new token under **Settings → API tokens** with the same scopes.
          2. Deploy it to your integrations.
          3. Check the _Last used_ column of the old token; when it stops moving, revoke it.

          You can also set an expiry date when creating a token, so forgotten tokens don't live forever.
        `,
      },
    ],
    accept: 0,
  },
  {
    title: "Alert fires every 5 minutes even though the value hasn't changed",
    tags: ['alerts'],
    body: md`
      I set up an alert for "error rate above 2 %". Once it's above, I get an e-mail every five minutes until it drops. Can it notify only once?
    `,
    answers: [
      {
        quality: 'good',
        body: md`
          In the alert settings, change **Notify** from _Every check_ to **Only when the state changes**. You then get one message when it goes above the threshold and one when it recovers.
        `,
      },
      {
        quality: 'bad',
        body: md`
That sounds like a caching bug. Delete the alert and create it again, that usually fixes it.
        `,
      },
    ],
    accept: 0,
  },
  {
    title: 'Can I use parameters in a SQL-based dataset?',
    tags: ['sql', 'filters'],
    body: md`
      I wrote a custom SQL dataset and want the dashboard's date filter to end up in the \`WHERE\` clause, not applied after the query. Is that possible?
    `,
    answers: [
      {
        quality: 'good',
        body: md`
          Yes, use the parameter syntax in the SQL:

          ~~~sql
          select * from orders
          where created_at between {{ start_date }} and {{ end_date }}
          ~~~

          Then, in the dashboard, map the date filter to the \`start_date\` / \`end_date\` parameters (_Filter settings → Apply to → Parameters_). Values are passed as bind parameters, so it's safe.
        `,
      },
    ],
    accept: 0,
  },
  {
    title: 'Mobile app shows "Session expired" every morning',
    tags: ['mobile', 'sso'],
    body: md`
Every morning the iOS app asks me to log in again through our SSO. On the web I stay logged in for weeks. Why the difference?
    `,
    answers: [
      {
        by: 'mo',
        body: md`
          With SSO, the app session follows the session lifetime set in your identity provider, and many IdPs use a shorter lifetime for mobile. Ask your IT team to check the session policy for the Northwind app in your IdP. There's also an idea for biometric unlock in the app, which would make this less painful: vote for it if it would help you.
        `,
      },
    ],
  },
  {
    title: 'Best practice for organising 200+ dashboards?',
    tags: ['permissions'],
    body: md`
      We've grown to more than 200 dashboards and nobody can find anything. How do other teams structure folders, naming and ownership?
    `,
    answers: [
      {
        body: md`
          We use one top-level folder per department, and inside each one a _Certified_ folder that only the data team can edit. Everything else is considered a draft. People quickly learned to start from _Certified_.
        `,
      },
      {
        body: md`
          Naming convention helps a lot: \`[Team] Topic – audience\`, e.g. \`[Sales] Pipeline – leadership\`. And every quarter we archive dashboards nobody opened in 90 days.
        `,
      },
      {
        body: md`
          Add a description to every dashboard with an owner and a contact channel. It sounds obvious, but it stopped most of the "is this number right?" messages to our team.
        `,
      },
    ],
  },
  {
    title: 'Row-level security: show each sales rep only their own accounts',
    tags: ['permissions', 'filters'],
    body: md`
      We want one pipeline dashboard where each rep sees only their own accounts. Building one dashboard per rep is not an option (we have 45 reps).
    `,
    answers: [
      {
        by: 'pat',
        quality: 'good',
        body: md`
          Today you can do this with **user attributes**: give every rep an attribute (for example \`owner_email\`, filled from SSO), then add a dataset filter:

          \`[Owner Email] = {{ user.email }}\`

          Mark the filter as _locked_ so viewers can't remove it. Proper row-level security that admins manage centrally is an idea on this site; please vote there and describe your setup.
        `,
      },
      {
        body: md`
          We do exactly what Pat describes. One gotcha: managers need to see their whole team, so we added a second attribute with a list of emails and used \`IN\` instead of \`=\`.
        `,
      },
    ],
    accept: 0,
  },
  {
    title: 'Does the CSV export include hidden columns?',
    tags: ['csv', 'export'],
    asker: 'casey',
    body: md`
      I hid a few internal columns in a table widget. If someone downloads the CSV, do they get those columns too? We share some dashboards with partners, so this matters.
    `,
    answers: [
      {
        quality: 'good',
        body: md`
          No, the CSV contains the visible columns only, in the order shown. Hidden columns are not queried at all. If you need them in the export but not on screen, there's no option for that today.
        `,
      },
      {
        by: 'mo',
        body: md`
          Confirming: only visible columns are exported. If the data must not leave the workspace at all, also remove the field from the dataset, since people with edit rights can unhide columns.
        `,
      },
    ],
    accept: 0,
  },
  {
    title: 'Chart shows "Query exceeded 60 s timeout"',
    tags: ['performance', 'sql'],
    body: md`
One of our widgets on a large Redshift table fails with \`Query exceeded 60 s timeout\`. Can the timeout be raised?
    `,
    answers: [
      {
        body: md`
          The timeout is 60 seconds on Pro. On Enterprise admins can raise it up to 300 seconds under **Data sources → Advanced → Query timeout**.
        `,
      },
      {
        quality: 'good',
        body: md`
          Raising the timeout only hides the problem. What helped us: a materialised view with the aggregation the chart needs, refreshed every hour. The widget went from 70 s to under 2 s.
        `,
      },
    ],
    accept: 1,
  },
  {
    title: 'How can I set a default filter value per user?',
    tags: ['filters'],
    body: md`
Our dashboard has a _Region_ filter. I'd like each user to see their own region by default but still be able to change it.
    `,
    answers: [
      {
        body: md`
          Set the filter's default value to a user attribute: \`{{ user.attributes.region }}\`. Unlike a locked dataset filter, users can still change it, and it resets to their region the next time they open the dashboard.
        `,
      },
    ],
  },
  {
    title: 'SCIM: is user deprovisioning supported with Azure AD?',
    tags: ['sso', 'scim'],
    body: md`
We use Azure AD (Entra ID) for SAML. When someone leaves, does their Northwind account get removed automatically?
    `,
    answers: [
      {
        by: 'admin',
        body: md`
          Not yet. Today accounts are created on first SAML login (just-in-time), and when a user is disabled in Azure AD they can no longer log in, but the account and seat remain until an admin removes it. SCIM provisioning, including deprovisioning, is the most requested admin idea here; follow it to hear when it moves.
        `,
      },
    ],
  },
  {
    title: 'Export a dashboard to an S3 bucket on a schedule?',
    tags: ['export', 'scheduling', 'api'],
    body: md`
Our data team wants a daily CSV of a report dropped into S3 for another system. Can Northwind do this?
    `,
    answers: [
      {
        quality: 'good',
        body: md`
          Not natively, but it's a few lines with the API and a cron job:

          ~~~bash
          curl -s -H "Authorization: Bearer $NW_TOKEN" \\
            "https://northwind.example/api/v2/widgets/1234/data?format=csv" \\
            | aws s3 cp - "s3://reports/daily/$(date +%F).csv"
          ~~~
        `,
      },
    ],
    accept: 0,
  },
  {
    title: 'Number format: how do I show 1.2M instead of 1,200,000?',
    tags: ['formatting'],
    body: md`
Big numbers on our KPI tiles take a lot of space. Is there a compact format?
    `,
    answers: [
      {
        body: md`
          Select the widget, then **Format → Number → Compact**. You can also choose the number of decimals there. It follows the workspace locale, so German users see \`1,2 Mio.\`.
        `,
      },
    ],
  },
  {
    title: 'Can I embed a single chart rather than a whole dashboard?',
    tags: ['embedding'],
    body: md`
For our internal wiki we only need one chart, not the whole dashboard with its filter bar.
    `,
    answers: [
      {
        body: md`
          Yes: every widget has its own embed option in the **⋯** menu (_Embed this widget_). It uses the same signed-URL mechanism as dashboard embedding.
        `,
      },
    ],
  },
  {
    title: 'Is there a webhook when a data source refresh finishes?',
    tags: ['api'],
    body: md`
      We'd like to trigger downstream jobs once Northwind's extract refresh is done. Is there a webhook or an event we can subscribe to?
    `,
    answers: [],
  },
  {
    title: 'Which time zone does "today" use in relative date filters?',
    tags: ['timezones', 'filters'],
    body: md`
Our team is spread over three continents. When someone in Chicago selects "today", whose today is it?
    `,
    answers: [
      {
        body: md`
          Relative dates are evaluated in the **workspace** time zone, for everyone. So if the workspace is on Europe/Berlin, "today" in Chicago starts at 17:00 the previous day, local time.
        `,
      },
    ],
  },
  {
    title: 'Google Sheets import stops updating after a few days',
    tags: ['google-sheets'],
    body: md`
      We imported a Google Sheet with targets and set it to refresh daily. After about a week it stopped updating, without any error on the dashboard.
    `,
    answers: [
      {
        quality: 'good',
        body: md`
          The import uses the Google account of the person who connected it. If that person changed their password, left, or the OAuth grant expired, refreshes fail silently. Reconnect under **Data sources → Google Sheets → Reconnect**, ideally with a shared service account, and turn on _E-mail me when a refresh fails_.
        `,
      },
      {
        quality: 'bad',
        body: md`
Google Sheets imports only work up to 1,000 rows. Split the sheet into several smaller ones.
        `,
      },
    ],
    accept: 0,
  },
  {
    title: 'Migrating from Looker: any tool to convert LookML?',
    tags: ['migration'],
    body: md`
      We have about 60 Looker explores. Has anyone migrated to Northwind, and is there a way to convert LookML views into Northwind datasets, even partially?
    `,
    answers: [],
  },
  {
    title: 'How do I give a contractor access to one dashboard only?',
    tags: ['permissions', 'sharing'],
    body: md`
A contractor needs to see one dashboard for three months. They should not see anything else in the workspace.
    `,
    answers: [
      {
        by: 'mo',
        quality: 'good',
        body: md`
          Invite them as a **Viewer**, put the dashboard in its own folder, and give a _Contractors_ group access to that folder only. Folder permissions are inherited, so nothing else is visible to them. When inviting, set an **expiry date** on the account so access ends by itself.
        `,
      },
    ],
    accept: 0,
  },
  {
    title: 'Dashboard loads slowly on first open every morning',
    tags: ['performance'],
    body: md`
      Our main dashboard takes 40 seconds to load the first time each morning, then it's fast for the rest of the day. Is there a way to warm it up?
    `,
    answers: [
      {
        body: md`
          The first load runs every query against the warehouse; afterwards results are cached. Schedule a refresh of the dashboard's datasets at 6:30 (**Dataset → Caching → Refresh schedule**) and the first visitor gets cached results.
        `,
      },
      {
        body: md`
          Same issue here. If your warehouse auto-suspends at night (Snowflake, Redshift Serverless), part of the delay is the warehouse resuming, so the scheduled refresh helps with that too.
        `,
      },
    ],
  },
  {
    title: 'Can I change the month our fiscal year starts in?',
    tags: ['formatting', 'filters'],
    body: md`
Our fiscal year starts in April. "This year" and "quarter" in date filters currently follow the calendar year.
    `,
    answers: [
      {
        body: md`
          Yes: **Settings → Workspace → Regional → Fiscal year starts in**. Quarters and "this year" in filters and date groupings follow it after you save.
        `,
      },
    ],
  },
  {
    title: 'How often does Salesforce data sync?',
    tags: ['salesforce'],
    body: md`
We connected Salesforce through the generic connector. How fresh is the data, and can we make it sync more often?
    `,
    answers: [
      {
        by: 'pat',
        body: md`
          The generic connector syncs every 6 hours on Pro and every hour on Enterprise. A native Salesforce connector with incremental sync is one of the top ideas on this site; it would make much more frequent syncs possible.
        `,
      },
    ],
  },
  {
    title: 'Is there an audit log of who exported data?',
    tags: ['audit-log', 'security'],
    body: md`
Our compliance team asks who downloaded customer data in the last quarter. Can we see that?
    `,
    answers: [
      {
        by: 'admin',
        quality: 'good',
        body: md`
          On Enterprise, yes: **Settings → Security → Audit log**, filter by event type \`data.exported\`. Each entry has the user, the dashboard/widget, the format and the row count. You can export the filtered log as CSV for your auditors.
        `,
      },
    ],
    accept: 0,
  },
  {
    title: 'Any workaround for a heatmap or calendar chart?',
    tags: ['charts'],
    body: md`
      I'd like to show activity per day as a calendar heatmap (like GitHub contributions). Has anyone found a way with the current chart types?
    `,
    answers: [],
  },
  {
    title: 'Trouble with two-factor authentication after getting a new phone',
    tags: ['security'],
    body: md`
I got a new phone and didn't move my authenticator app. Now I can't log in. What can I do?
    `,
    answers: [
      {
        by: 'mo',
        quality: 'good',
        body: md`
          Use one of the **recovery codes** you saved when you enabled 2FA, then set up the authenticator again under _Account → Security_. If you don't have them, a workspace admin can reset your 2FA from **Settings → Users**. For security reasons our support team can't do it for you.
        `,
      },
    ],
    accept: 0,
  },
  {
    title: 'Dividing by zero in a calculated field returns an error',
    tags: ['calculated-fields'],
    body: md`
My conversion rate field \`SUM([Orders]) / SUM([Visits])\` shows an error for days without visits. How do I avoid that?
    `,
    answers: [
      {
        quality: 'good',
        body: md`
          Guard the denominator:

          ~~~
          IF SUM([Visits]) = 0 THEN NULL ELSE SUM([Orders]) / SUM([Visits]) END
          ~~~

          Returning \`NULL\` instead of 0 keeps those days out of averages.
        `,
      },
      {
        body: md`
Shorter version: \`SUM([Orders]) / NULLIF(SUM([Visits]), 0)\`.
        `,
      },
    ],
    accept: 0,
  },
  {
    title: 'Are dashboard links stable if I rename a dashboard?',
    tags: ['sharing'],
    body: md`
We link to dashboards from our wiki. If I rename one, do the old links break?
    `,
    answers: [
      {
        body: md`
          They keep working: URLs are based on the dashboard's id, the name part is only cosmetic and gets redirected. Moving a dashboard to another folder doesn't change the link either.
        `,
      },
    ],
  },
  {
    title: 'Sorting a bar chart by a different measure than the one shown',
    tags: ['charts'],
    body: md`
I show revenue per product but want the bars ordered by number of orders. The sort menu only offers the displayed measure.
    `,
    answers: [],
  },
  {
    title: 'Best way to show target vs. actual on a line chart?',
    tags: ['charts', 'google-sheets'],
    body: md`
      Our monthly targets are in a Google Sheet and actuals in the warehouse. What's the cleanest way to put both on the same line chart?
    `,
    answers: [
      {
        body: md`
          Join them in a dataset (blend on month), then add _Target_ as a second series with a dashed line style. If the target is a single number, a **reference line** (_Analytics → Reference line_) is even simpler.
        `,
      },
    ],
  },
  {
    title: 'API returns 401 although the token was just created',
    tags: ['api'],
    body: md`
      I created a token five minutes ago and every call returns \`401 Unauthorized\`. I'm sending it as \`Authorization: Token abc…\`.
    `,
    answers: [
      {
        quality: 'good',
        body: md`
          The scheme is **Bearer**, not _Token_:

          \`Authorization: Bearer <your token>\`

          Also check that the token has the scope the endpoint needs (\`read:data\` for queries).
        `,
      },
    ],
    accept: 0,
  },
  {
    title: 'How do I stop a scheduled report that someone who left the company set up?',
    tags: ['scheduling', 'permissions'],
    body: md`
      A former colleague scheduled a weekly report that still goes to a distribution list. Their account is deactivated but the e-mails keep coming.
    `,
    answers: [],
  },
]

const QUESTION_COMMENTS = [
  'Which plan are you on? A few of these settings are only available on Pro and Enterprise.',
  "Following, we're running into the same thing.",
  "Good question. We asked support the same thing a while ago, curious whether there's a cleaner way now.",
  'Is this the cloud version or a private deployment?',
  'Did this start after the last release, or has it always behaved like this?',
]

const ANSWER_COMMENTS = [
  'This worked for me too, thanks!',
  'Worth adding that you need workspace admin rights for this.',
  "Nice, I didn't know about this. Is it documented somewhere?",
  'Confirmed, this still works on the current version.',
  'Thanks! Saved me a support ticket.',
]

const BAD_ANSWER_COMMENT = "This didn't change anything for us; the setting in the other answer is what fixed it."

const ACCEPT_THANKS = ['That was it, thank you!', 'Perfect, works now. Thanks a lot.', 'Thanks, exactly what I needed.']
const ASKER_SOLVED = 'Update: solved, see the accepted answer. Thanks everyone!'

// ---------------------------------------------------------------------------------------------
// Seeding
// ---------------------------------------------------------------------------------------------

const MINUTE = 60_000
const HOUR = 60 * MINUTE
const DAY = 24 * HOUR
/** Reputation needed to upvote, downvote, and comment on others' questions and answers (see permissions.ts). */
const UPVOTE_REPUTATION = 15
const DOWNVOTE_REPUTATION = 125
const COMMENT_ELSEWHERE_REPUTATION = 15

type Person = { id: number; username: string; role: Role; createdAt: number }
/** An id known once the planned action that creates the row has run. */
type Ref = { id: number }

/** True when the users table has no rows: the only state in which the demo seed runs. */
export function isDatabaseEmpty(db: Db): boolean {
  return !db.select({ id: users.id }).from(users).limit(1).get()
}

/**
 * Builds the Northwind Analytics demo community. Does nothing and returns null unless the database
 * is empty. All accounts share `options.password`; the same `seed` (and `now`) gives the same data.
 */
export async function seedDemoCommunity(db: Db, options: SeedOptions): Promise<SeedSummary | null> {
  if (!isDatabaseEmpty(db)) return null
  const passwordHash = await hashPassword(options.password) // slow on purpose: once, and before any write
  if (!isDatabaseEmpty(db)) return null // someone else seeded while we were hashing

  const rng = createRandom(options.seed ?? DEFAULT_SEED)
  const nowMs = (options.now ?? new Date()).getTime()
  const latest = nowMs - MINUTE // nothing is planned after this
  const ago = (days: number) => Math.round(nowMs - days * DAY)
  /** A time in [lo, hi], never after `latest`; skew > 1 leans towards lo (activity fades after a post appears). */
  const between = (lo: number, hi: number, skew = 1) => Math.min(latest, hi <= lo ? lo : Math.round(lo + (hi - lo) * rng.next() ** skew))

  // --- Reference data, set up by the admin just after the site was installed ----------------------
  const installedAt = new Date(ago(Math.max(...STAFF.map((s) => s.ageDays))) + MINUTE)
  const segmentIds = new Map<SegmentName, number>()
  for (const s of SEGMENTS) {
    const existing = db.select({ id: segments.id }).from(segments).where(eq(segments.name, s.name)).get()
    if (existing) segmentIds.set(s.name, existing.id)
    else {
      const { id } = insertSegment(db, { name: s.name, weight: s.weight, position: s.position, createdAt: installedAt })
      segmentIds.set(s.name, id)
    }
  }
  const categoryIds = new Map<CategorySlug, number>()
  CATEGORIES.forEach((c, position) => {
    const existing = db.select({ id: categories.id }).from(categories).where(eq(categories.slug, c.slug)).get()
    if (existing) categoryIds.set(c.slug, existing.id)
    else {
      const { id } = insertCategory(db, { ...c, position, createdAt: installedAt })
      categoryIds.set(c.slug, id)
    }
  })

  // --- People, oldest account first ------------------------------------------------------------
  const memberSegments = rng.sample(MEMBER_SEGMENTS, MEMBER_SEGMENTS.length)
  type NewPerson = { username: string; displayName: string; role: Role; segment: SegmentName | null; createdAt: number }
  const planned: NewPerson[] = [
    ...STAFF.map((s) => ({ username: s.username, displayName: s.displayName, role: s.role, segment: null, createdAt: ago(s.ageDays) })),
    { username: CASEY.username, displayName: CASEY.displayName, role: 'member', segment: CASEY.segment, createdAt: ago(CASEY.ageDays) },
    ...MEMBERS.map(([username, displayName], i) => ({
      username,
      displayName,
      role: 'member' as const,
      segment: memberSegments[i]!,
      // Early adopters weigh more: most accounts are a few months old, a few joined this week.
      createdAt: ago(180 - 177 * rng.next() ** 1.8) + rng.int(0, 3_600) * 1000,
    })),
  ]
  planned.sort((a, b) => a.createdAt - b.createdAt)
  const people = new Map<string, Person>()
  for (const p of planned) {
    const account = createAccount(db, {
      username: p.username,
      email: `${p.username}@example.com`,
      passwordHash,
      displayName: p.displayName,
      role: p.role,
      segmentId: p.segment ? segmentIds.get(p.segment)! : null,
      createdAt: new Date(p.createdAt),
    })
    people.set(p.username, { id: account.id, username: p.username, role: p.role, createdAt: p.createdAt })
  }
  const person = (username: string) => people.get(username)!
  writeTransaction(db, (tx) => {
    for (const c of COMPANIES) {
      const id = upsertCompanyFromClaims(
        tx,
        { externalId: c.externalId, name: c.name, plan: c.plan, monthlyRevenue: c.monthlyRevenue, segment: c.segment },
        installedAt,
      )
      tx.update(companies).set({ createdAt: installedAt }).where(eq(companies.id, id)).run()
      for (const username of c.members) setMemberCompany(tx, person(username).id, id)
    }
  })
  const everyone = [...people.values()]
  const members = everyone.filter((p) => p.role === 'member')
  const staffIds = new Set(everyone.filter((p) => STAFF_ROLES.includes(p.role)).map((p) => p.id))
  const admin = person(DEMO_USERNAMES.admin)
  const pat = person(DEMO_USERNAMES.product)
  const casey = person(DEMO_USERNAMES.member)
  /** Members whose account existed at `time` (with a little margin), except the excluded ones. */
  const membersAt = (time: number, exclude: ReadonlySet<number> = new Set()) =>
    members.filter((m) => m.createdAt < time - HOUR && !exclude.has(m.id))

  // The tag vocabulary belongs to the admin (ensureTags takes at most MAX_TAGS_PER_POST at once).
  for (let i = 0; i < TAGS.length; i += MAX_TAGS_PER_POST) {
    writeTransaction(db, (tx) => {
      const ids = ensureTags(tx, TAGS.slice(i, i + MAX_TAGS_PER_POST), admin.id)
      tx.update(tags)
        .set({ createdAt: installedAt })
        .where(and(inArray(tags.id, ids), eq(tags.createdById, admin.id)))
        .run()
    })
  }

  // --- The timeline: every action with its time, run in time order ----------------------------
  const actions: { at: number; seq: number; run: () => void }[] = []
  const at = (time: number, run: () => void) => {
    if (time > latest) throw new Error('seed: an action was planned in the future')
    actions.push({ at: time, seq: actions.length, run })
  }

  function reputationOf(userId: number) {
    return db.select({ reputation: users.reputation }).from(users).where(eq(users.id, userId)).get()!.reputation
  }
  /** Staff meet every reputation rule (permissions.ts). */
  const hasReputation = (userId: number, needed: number) => staffIds.has(userId) || reputationOf(userId) >= needed

  // --- Ideas -------------------------------------------------------------------------------------
  const shippedAges: [number, number][] = [
    [6, 20],
    [28, 45],
    [50, 70],
    [72, 88],
    [96, 115],
    [118, 135],
  ]
  let shippedSeen = 0
  // Casey has voted on a handful of ideas, so her account looks lived in.
  const caseyVotes = new Set(
    rng.sample(
      IDEAS.map((_, i) => i).filter((i) => IDEAS[i]!.author !== 'casey'),
      9,
    ),
  )

  IDEAS.forEach((spec, index) => {
    const status = spec.status ?? 'open'
    // Ages in days: created A days ago; the last status change F days ago.
    let createdAge: number
    let finalAge = 0
    switch (status) {
      case 'shipped': {
        const [lo, hi] = shippedAges[shippedSeen++ % shippedAges.length]!
        finalAge = rng.int(lo, hi) + rng.next()
        createdAge = Math.min(150, finalAge + rng.int(20, 50) + rng.next())
        break
      }
      case 'declined':
        finalAge = rng.int(10, 60) + rng.next()
        createdAge = Math.min(150, finalAge + rng.int(10, 60) + rng.next())
        break
      case 'in_progress':
        finalAge = rng.int(3, 30) + rng.next()
        createdAge = Math.min(150, finalAge + rng.int(30, 90) + rng.next())
        break
      case 'planned':
        finalAge = rng.int(5, 45) + rng.next()
        createdAge = Math.min(150, finalAge + rng.int(20, 80) + rng.next())
        break
      case 'under_review':
        finalAge = rng.int(2, 30) + rng.next()
        createdAge = Math.min(150, finalAge + rng.int(7, 50) + rng.next())
        break
      default:
        createdAge = spec.trend
          ? rng.int(9, 20) + rng.next()
          : spec.heat === 3
            ? rng.int(60, 150)
            : spec.heat === 2
              ? rng.int(14, 120) + rng.next()
              : rng.chance(0.15)
                ? 0.2 + rng.next() * 4 // brand new
                : rng.int(5, 148) + rng.next()
    }
    const created = ago(createdAge)
    const author = spec.author === 'casey' ? casey : rng.pick(membersAt(created))
    const idea: Ref = { id: 0 }
    at(created, () => {
      idea.id = createIdea(db, {
        authorId: author.id,
        categoryId: categoryIds.get(spec.category)!,
        title: spec.title,
        bodyMd: spec.body,
        tagNames: spec.tags,
        now: new Date(created),
      }).id
    })

    // Status path, e.g. open → under_review → planned → in_progress → shipped.
    const paths: Record<SettableStatus, SettableStatus[][]> = {
      open: [[]],
      under_review: [['under_review']],
      planned: [['under_review', 'planned'], ['planned']],
      in_progress: [
        ['under_review', 'planned', 'in_progress'],
        ['planned', 'in_progress'],
      ],
      shipped: spec.quick
        ? [['shipped']]
        : [
            ['under_review', 'planned', 'in_progress', 'shipped'],
            ['planned', 'in_progress', 'shipped'],
          ],
      declined: [['under_review', 'declined'], ['declined']],
    }
    const path = rng.pick(paths[status])
    const finalTime = ago(finalAge)
    const firstTime = path.length > 1 ? between(created + 0.45 * (finalTime - created), created + 0.7 * (finalTime - created)) : finalTime
    path.forEach((toStatus, step) => {
      const time = path.length > 1 ? Math.round(firstTime + ((finalTime - firstTime) * step) / (path.length - 1)) : finalTime
      const noteMd =
        toStatus === 'shipped' || toStatus === 'declined'
          ? (spec.note ?? '')
          : rng.pick(STATUS_NOTES[toStatus as keyof typeof STATUS_NOTES])
      at(time, () => changeIdeaStatus(db, { ideaId: idea.id, actorId: pat.id, toStatus, noteMd, now: new Date(time) }))
    })

    // Votes: closed ideas collected theirs before the team picked them up; the others still get some.
    const closed = status === 'shipped' || status === 'declined'
    const voteEnd = closed ? firstTime - HOUR : latest
    const ranges = { 3: [20, 29], 2: [9, 16], 1: [4, 8], 0: [0, 3] } as const
    const [fewest, most] = ranges[spec.heat]
    let wanted = rng.int(fewest, most)
    if (status === 'open' && !spec.trend && createdAge < 14) wanted = Math.round((wanted * createdAge) / 14)
    const eligible = membersAt(voteEnd, new Set([author.id]))
    const forced = caseyVotes.has(index) && eligible.includes(casey) ? [casey] : []
    const voters = [
      ...forced,
      ...rng.sample(
        eligible.filter((m) => m !== casey),
        Math.max(0, wanted - forced.length),
      ),
    ]
    const recent = latest - 7 * DAY
    for (const voter of voters) {
      const lo = Math.max(created, voter.createdAt) + rng.int(10, 240) * MINUTE
      if (lo >= voteEnd) continue
      const time =
        !closed && (spec.trend ? rng.chance(0.65) : rng.chance(0.1)) ? between(Math.max(lo, recent), voteEnd) : between(lo, voteEnd, 1.8)
      at(time, () => setIdeaVote(db, { ideaId: idea.id, userId: voter.id, voted: true, now: new Date(time) }))
    }

    // Comments, mostly from voters, written for this idea where we have them.
    const commentChance = [0.35, 0.6, 0.9, 1][spec.heat]!
    if (rng.chance(commentChance) && created < latest - 2 * HOUR) {
      const n = spec.heat === 0 ? rng.int(1, 3) : rng.int(2, 6)
      const pool = rng.sample([...IDEA_COMMENTS[spec.category], ...GENERIC_IDEA_COMMENTS], n)
      const texts = [...(spec.comments ?? []), ...pool].slice(0, n)
      const commenters = rng.sample([...new Set([...voters, ...rng.sample(membersAt(latest, new Set([author.id])), 4)])], n)
      texts.forEach((bodyMd, i) => {
        const commenter = commenters[i % Math.max(1, commenters.length)] ?? author
        const time = between(Math.max(created, commenter.createdAt) + 30 * MINUTE, closed ? finalTime : latest, 1.5)
        at(time, () => addComment(db, { target: { type: 'idea', id: idea.id }, authorId: commenter.id, bodyMd, now: new Date(time) }))
      })
    }
    if (status === 'open' && spec.heat >= 2 && rng.chance(0.4) && created < latest - DAY) {
      const time = between(created + 2 * HOUR, latest, 2)
      const bodyMd = rng.pick(STAFF_IDEA_COMMENTS)
      at(time, () => addComment(db, { target: { type: 'idea', id: idea.id }, authorId: pat.id, bodyMd, now: new Date(time) }))
    }
    if (status === 'shipped' && voters.length > 0) {
      const voter = rng.pick(voters)
      const time = between(finalTime + HOUR, Math.min(latest, finalTime + 10 * DAY), 1.5)
      const bodyMd = rng.pick(SHIPPED_COMMENTS)
      at(time, () => addComment(db, { target: { type: 'idea', id: idea.id }, authorId: voter.id, bodyMd, now: new Date(time) }))
    }
  })

  // --- Questions and answers ---------------------------------------------------------------------
  const staffList = everyone.filter((p) => staffIds.has(p.id))
  /** A voter or commenter order for one post: members in random order, staff last. */
  const candidatesFor = (authorId: number) => [
    ...rng.sample(
      members.filter((m) => m.id !== authorId),
      members.length,
    ),
    ...rng.sample(
      staffList.filter((s) => s.id !== authorId),
      staffList.length,
    ),
  ]
  const postVoters = new Map<string, Set<number>>()
  /** Casts one vote, from the first candidate who may (account old enough, enough reputation, not voted yet). */
  function planPostVote(target: { type: 'question' | 'answer'; ref: Ref; authorId: number; createdAt: number }, value: 1 | -1) {
    const time = between(target.createdAt + 15 * MINUTE, latest, 1.6)
    const candidates = candidatesFor(target.authorId)
    at(time, () => {
      const key = `${target.type}:${target.ref.id}`
      const voted = postVoters.get(key) ?? new Set<number>()
      postVoters.set(key, voted)
      const needed = value === 1 ? UPVOTE_REPUTATION : DOWNVOTE_REPUTATION
      const voter = candidates.find((c) => c.createdAt < time && !voted.has(c.id) && hasReputation(c.id, needed))
      if (!voter) return
      voted.add(voter.id)
      setPostVote(db, { targetType: target.type, targetId: target.ref.id, userId: voter.id, value, now: new Date(time) })
    })
  }
  /** A comment on a question or answer; someone else's post needs 15 reputation. */
  function planPostComment(target: { type: 'question' | 'answer'; ref: Ref; authorId: number }, time: number, bodyMd: string, by?: Person) {
    const candidates = by ? [by] : candidatesFor(target.authorId)
    at(time, () => {
      const commenter = candidates.find(
        (c) => c.createdAt < time && (c.id === target.authorId || hasReputation(c.id, COMMENT_ELSEWHERE_REPUTATION)),
      )
      if (!commenter) return
      const commentTarget: CommentTarget = { type: target.type, id: target.ref.id }
      addComment(db, { target: commentTarget, authorId: commenter.id, bodyMd, now: new Date(time) })
    })
  }

  for (const spec of QUESTIONS) {
    const unanswered = spec.answers.length === 0
    // Recent questions outnumber old ones; the unanswered ones are all fairly new.
    const asked = ago(unanswered ? 0.1 + 20 * rng.next() : 0.4 + 129.6 * rng.next() ** 1.4)
    const asker = spec.asker === 'casey' ? casey : rng.pick(membersAt(asked))
    const question: Ref = { id: 0 }
    at(asked, () => {
      question.id = createQuestion(db, {
        authorId: asker.id,
        title: spec.title,
        bodyMd: spec.body,
        tagNames: spec.tags,
        now: new Date(asked),
      }).id
    })
    const questionTarget = { type: 'question' as const, ref: question, authorId: asker.id, createdAt: asked }
    const upvotes = spec.popular ? rng.int(4, 9) : rng.int(0, 4)
    for (let i = 0; i < upvotes; i++) planPostVote(questionTarget, 1)
    if (rng.chance(0.35)) {
      planPostComment(questionTarget, between(asked + 10 * MINUTE, Math.min(latest, asked + DAY)), rng.pick(QUESTION_COMMENTS))
    }

    let previous = asked
    const answerers = new Set<number>([asker.id])
    spec.answers.forEach((answerSpec, index) => {
      const time = Math.min(previous + rng.int(20, index === 0 ? 30 * 60 : 72 * 60) * MINUTE, between(previous + MINUTE, latest))
      previous = time
      const named = answerSpec.by && person(answerSpec.by).id !== asker.id ? person(answerSpec.by) : null
      const answerer = named ?? rng.pick(membersAt(time, answerers))
      answerers.add(answerer.id)
      const answer: Ref = { id: 0 }
      at(time, () => {
        answer.id = createAnswer(db, {
          questionId: question.id,
          authorId: answerer.id,
          authorRole: answerer.role,
          bodyMd: answerSpec.body,
          now: new Date(time),
        }).id
      })
      const answerTarget = { type: 'answer' as const, ref: answer, authorId: answerer.id, createdAt: time }
      if (answerSpec.quality === 'bad') {
        for (let i = rng.int(1, 2); i > 0; i--) planPostVote(answerTarget, -1)
        planPostComment(answerTarget, between(time + HOUR, latest), BAD_ANSWER_COMMENT)
      } else {
        const up = answerSpec.quality === 'good' ? rng.int(2, 7) : rng.int(0, 3)
        for (let i = 0; i < up; i++) planPostVote(answerTarget, 1)
        if (rng.chance(0.25)) planPostComment(answerTarget, between(time + 30 * MINUTE, latest, 1.5), rng.pick(ANSWER_COMMENTS))
      }
      if (spec.accept === index) {
        const accepted = between(time + 30 * MINUTE, Math.min(latest, time + 3 * DAY))
        at(accepted, () => acceptAnswer(db, { answerId: answer.id, userId: asker.id, now: new Date(accepted) }))
        if (rng.chance(0.6)) {
          const thanks = Math.min(latest, accepted + rng.int(1, 10) * MINUTE)
          // Thanking under someone else's answer needs 15 reputation; otherwise the asker updates the question.
          at(thanks, () => {
            const target =
              hasReputation(asker.id, COMMENT_ELSEWHERE_REPUTATION) || answerer.id === asker.id
                ? { type: 'answer' as const, id: answer.id }
                : { type: 'question' as const, id: question.id }
            const bodyMd = target.type === 'answer' ? ACCEPT_THANKS[question.id % ACCEPT_THANKS.length]! : ASKER_SOLVED
            addComment(db, { target, authorId: asker.id, bodyMd, now: new Date(thanks) })
          })
        }
      }
    })
  }

  actions.sort((a, b) => a.at - b.at || a.seq - b.seq)
  for (const action of actions) action.run()

  // Members have read what is more than a few days old; the recent notifications stay unread.
  db.update(notifications)
    .set({ readAt: sql`${notifications.createdAt} + ${HOUR}` })
    .where(lt(notifications.createdAt, new Date(nowMs - 3 * DAY)))
    .run()

  return summarize(db)
}

function summarize(db: Db): SeedSummary {
  // db.$count() is promise-like; a plain select keeps this synchronous.
  const total = (table: SQLiteTable, where?: SQL) => db.select({ n: count() }).from(table).where(where).get()?.n ?? 0
  return {
    users: total(users),
    categories: total(categories),
    ideas: total(ideas),
    ideaVotes: total(ideaVotes),
    comments: total(comments),
    questions: total(questions),
    answers: total(answers),
    acceptedAnswers: total(questions, isNotNull(questions.acceptedAnswerId)),
    companies: total(companies),
    companyMembers: total(users, isNotNull(users.companyId)),
  }
}
