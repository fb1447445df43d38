/** The product dashboard's filter in the query string, shared by /admin/ideas and its CSV export. */
import { z } from 'zod'
import { LISTED_IDEA_STATUSES } from '~/lib/labels'
import { COMPANY_PLAN_MAX } from './company'

export const PRODUCT_SORTS = ['votes', 'trend', 'segment', 'weighted', 'companies', 'revenue'] as const
/** The ranks that read customer companies: only for viewers with `view:companies`. */
export const COMPANY_SORTS = ['companies', 'revenue'] as const satisfies readonly (typeof PRODUCT_SORTS)[number][]
export const TREND_WINDOWS = [7, 30, 90] as const
export const PRODUCT_MAX_PAGES = 20

const Id = z
  .string()
  .regex(/^[1-9]\d{0,15}$/)
  .transform(Number)
const ListedStatus = z.enum(LISTED_IDEA_STATUSES as [(typeof LISTED_IDEA_STATUSES)[number], ...(typeof LISTED_IDEA_STATUSES)[number][]])

/** A value that does not fit falls back to its default: an edited link never breaks the page. */
const Filter = z.object({
  sort: z.enum(PRODUCT_SORTS).catch('votes'),
  window: z
    .enum(['7', '30', '90'])
    .catch('30')
    .transform((w) => Number(w) as (typeof TREND_WINDOWS)[number]),
  segment: Id.nullable().catch(null),
  status: ListedStatus.nullable().catch(null),
  category: Id.nullable().catch(null),
  plan: z.string().trim().min(1).max(COMPANY_PLAN_MAX).nullable().catch(null),
  page: z.coerce.number().int().min(1).max(PRODUCT_MAX_PAGES).catch(1),
})

export function readIdeaFilter(url: URL) {
  const get = (name: string) => url.searchParams.get(name) || null
  return Filter.parse({
    sort: get('sort'),
    window: get('window'),
    segment: get('segment'),
    status: get('status'),
    category: get('category'),
    plan: get('plan'),
    page: get('page') ?? '1',
  })
}
