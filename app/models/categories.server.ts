/** The site's idea categories, as lists and filters read them (admins edit them in site-admin.server.ts). */
import { eq } from 'drizzle-orm'
import { categories } from '#db/schema'
import { type Db } from '~/lib/db.server'
import { memoUntilWrite } from '~/lib/read-cache.server'

export function checkCategory(db: Db, categoryId: number | null): { ok: true } | { ok: false; field: 'categoryId'; message: string } {
  if (categoryId != null) {
    const found = db.select({ id: categories.id }).from(categories).where(eq(categories.id, categoryId)).get()
    return found ? { ok: true } : { ok: false, field: 'categoryId', message: 'Choose a category from the list.' }
  }
  const any = db.select({ id: categories.id }).from(categories).limit(1).get()
  return any ? { ok: false, field: 'categoryId', message: 'Choose a category.' } : { ok: true }
}

/** The categories in the site's order; kept until the next write (every list page asks). */
export function listCategories(db: Db) {
  return memoUntilWrite(db, 'categories', () =>
    db
      .select({ id: categories.id, slug: categories.slug, name: categories.name, description: categories.description })
      .from(categories)
      .orderBy(categories.position, categories.id)
      .all(),
  )
}

export function findCategoryBySlug(db: Db, slug: string) {
  return (
    db
      .select({ id: categories.id, name: categories.name, slug: categories.slug })
      .from(categories)
      .where(eq(categories.slug, slug))
      .get() ?? null
  )
}
