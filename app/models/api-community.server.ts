/**
 * Categories and tags as /api/v1 shows them: the site's own lists (listCategories, listTags),
 * shaped into the API's documented representation (app/schemas/api.ts).
 */
import { type z } from 'zod'
import { type Db } from '~/lib/db.server'
import { type CategoryList, type TagList, type TagListQuery } from '~/schemas/api'
import { listCategories } from './ideas.server'
import { listTags } from './tags.server'

export function apiListCategories(db: Db): z.infer<typeof CategoryList> {
  return { data: listCategories(db).map(({ id, slug, name, description }) => ({ id, slug, name, description })) }
}

export function apiListTags(db: Db, query: z.infer<typeof TagListQuery>): z.infer<typeof TagList> {
  return {
    data: listTags(db, { prefix: query.prefix ?? '', limit: query.limit }).map((tag) => ({
      name: tag.name,
      description: tag.description ?? null,
      questionCount: tag.questionCount,
      ideaCount: tag.ideaCount,
      url: `/tags/${encodeURIComponent(tag.name)}`,
    })),
  }
}
