/**
 * A customer company's fields as staff type them: the add and edit forms on /admin/companies and
 * each row of the CSV import read them through these schemas, so the same text gets the same answer.
 */
import { z } from 'zod'

export const COMPANY_NAME_MAX = 100
/** As long as the signed-JWT log-in allows for company.id (docs/sso.md), so every stored id can be edited and typed. */
export const COMPANY_EXTERNAL_ID_MAX = 200
export const COMPANY_PLAN_MAX = 50
/** The database check (companies_revenue_range) allows up to 10^12 whole currency units a month. */
export const MONTHLY_REVENUE_MAX = 1_000_000_000_000

/** No control characters (tabs, newlines, NUL): a name or an id is one line of text. */
const ONE_LINE = /^[^\p{Cc}]*$/u

export const CompanyName = z
  .string({ error: 'Enter a name.' })
  .trim()
  .min(1, 'Enter a name.')
  .max(COMPANY_NAME_MAX, `Use at most ${COMPANY_NAME_MAX} characters.`)
  .regex(ONE_LINE, 'Use one line of text.')

/** Optional text: empty (after trimming) becomes null. */
const optionalText = (max: number) =>
  z
    .string()
    .trim()
    .max(max, `Use at most ${max} characters.`)
    .regex(ONE_LINE, 'Use one line of text.')
    .optional()
    .transform((v) => (v ? v : null))

export const CompanyExternalId = optionalText(COMPANY_EXTERNAL_ID_MAX)
export const CompanyPlan = optionalText(COMPANY_PLAN_MAX)

const REVENUE_MESSAGE = 'Enter whole currency units, digits only (for example 12000).'
const RevenueDigits = z
  .string()
  .regex(/^\d{1,13}$/, REVENUE_MESSAGE)
  .transform(Number)
  .refine((n) => n <= MONTHLY_REVENUE_MAX, `Enter at most ${MONTHLY_REVENUE_MAX.toLocaleString('en')}.`)

/** Whole currency units a month, digits only. */
export const MonthlyRevenue = z.string({ error: REVENUE_MESSAGE }).trim().pipe(RevenueDigits)
/** The same, or null for empty text. */
export const OptionalMonthlyRevenue = z
  .string()
  .trim()
  .optional()
  .transform((v) => v || null)
  .pipe(RevenueDigits.nullable())

export const SegmentChoice = z
  .string()
  .regex(/^(?:[1-9]\d{0,15})?$/, 'Choose a segment from the list.')
  .optional()
  .default('')
  .transform((v) => (v ? Number(v) : null))

/** The add and edit forms. */
export const CompanyForm = z.object({
  name: CompanyName,
  externalId: CompanyExternalId,
  plan: CompanyPlan,
  monthlyRevenue: MonthlyRevenue,
  segmentId: SegmentChoice,
})
export type CompanyFields = z.output<typeof CompanyForm>

/**
 * The most rows one file may hold; more is one form error (split the file). The bytes are capped
 * by the site's form limit (MAX_FORM_BYTES, 256 KB, 413 above it), which the reverse proxy of
 * docs/operations.md lets through.
 */
export const MAX_IMPORT_ROWS = 5000

/** The CSV import's columns; `name` is the only one a file must have. */
export const COMPANY_CSV_COLUMNS = ['name', 'external_id', 'plan', 'monthly_revenue', 'segment'] as const
export type CompanyCsvColumn = (typeof COMPANY_CSV_COLUMNS)[number]

/**
 * One CSV row. An empty cell (or a column the file leaves out) keeps what the company has, and a
 * new company starts with none (revenue 0); `segment` is a segment's name, checked by the caller.
 */
export const CompanyCsvRow = z.object({
  name: CompanyName,
  external_id: CompanyExternalId,
  plan: CompanyPlan,
  monthly_revenue: OptionalMonthlyRevenue,
  segment: optionalText(40),
})
export type CompanyCsvRow = z.output<typeof CompanyCsvRow>
