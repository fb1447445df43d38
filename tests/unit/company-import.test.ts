/**
 * The companies CSV import on /admin/companies: a file upload (multipart) or pasted text, the
 * header rules, every bad row reported with its line and column while nothing is written, the
 * matching (by external id; by a name exactly one company has), the summary, the log entry, and
 * the size cap (413).
 */
import { and, count, desc, eq, like } from 'drizzle-orm'
import { describe, expect, test } from 'vitest'
import { companies, moderationLog } from '#db/schema'
import { getDb } from '~/lib/db.server'
import { MAX_FORM_BYTES } from '~/lib/forms.server'
import { checkCompanyCsv } from '~/models/company-import.server'
import { action, loader } from '~/routes/admin.companies._index'
import { createSegment, createUser, unique } from '#tests/factories'
import { formRequest, getRequest, settle, TEST_ORIGIN } from '#tests/route-helpers'
import { startSession } from '~/lib/auth.server'
import { createTestCompany } from './helpers/companies'

const db = () => getDb()
const admin = createUser(db(), { role: 'admin' })

const importText = async (csv: string) =>
  settle(async () =>
    action({
      request: await formRequest('/admin/companies?index', { intent: 'import', csv }, { userId: admin.id }),
      params: {},
      context: {},
    }),
  )

/** A browser's multipart post of the import form, with a file. */
async function importFile(content: BlobPart, fields: Record<string, string> = {}, userId = admin.id) {
  const body = new FormData()
  body.set('intent', 'import')
  body.set('file', new File([content], 'companies.csv', { type: 'text/csv' }))
  for (const [k, v] of Object.entries(fields)) body.set(k, v)
  const cookie = await startSession(userId)
  const request = new Request(new URL('/admin/companies?index', TEST_ORIGIN), {
    method: 'POST',
    headers: { Origin: TEST_ORIGIN, Cookie: `${cookie.name}=${cookie.value}` },
    body,
  })
  return settle(() => action({ request, params: {}, context: {} }))
}

const companiesNamed = (prefix: string) =>
  db()
    .select()
    .from(companies)
    .where(like(companies.name, `${prefix}%`))
    .orderBy(companies.id)
    .all()
const companyCount = () => db().select({ n: count() }).from(companies).get()!.n
const summaryOf = (location: string | null) => Object.fromEntries(new URL(location!, TEST_ORIGIN).searchParams)

describe('importing companies from CSV', () => {
  test('a file creates and updates in one go, matching by external id, then by a name only one company has', async () => {
    const p = unique('Imp')
    const segment = createSegment(db(), { name: unique('Seg ') })
    const byExternal = createTestCompany(db(), { name: `${p} Old name`, externalId: `${p}-1`, plan: 'Basic', monthlyRevenue: 10 })
    const byName = createTestCompany(db(), { name: `${p} Solo`, externalId: null, plan: 'Basic', monthlyRevenue: 20 })
    createTestCompany(db(), { name: `${p} Twin`, externalId: null })
    createTestCompany(db(), { name: `${p} Twin`, externalId: null })
    const untouched = createTestCompany(db(), { name: `${p} Same`, externalId: `${p}-3`, plan: 'Gold', monthlyRevenue: 30 })
    // Columns in another order; a BOM and CRLF, as spreadsheets save; a quoted name with a comma.
    const csv = [
      `\uFEFFexternal_id,monthly_revenue,name,segment,plan`,
      `${p}-1,1500,${p} New name,${segment.name.toUpperCase()},Enterprise`,
      `,,${p} Solo,,Pro`,
      `,99,${p} Twin,,`,
      `${p}-2,0,"${p} Fresh, Inc.",,`,
      `${p}-3,,${p} Same,,`,
    ].join('\r\n')
    const res = await importFile(csv)
    expect(res.status).toBe(302)
    expect(summaryOf(res.location)).toMatchObject({ done: 'import', created: '2', updated: '2', unchanged: '1' })

    expect(db().select().from(companies).where(eq(companies.id, byExternal.id)).get()).toMatchObject({
      name: `${p} New name`,
      plan: 'Enterprise',
      monthlyRevenue: 1500,
      segmentId: segment.id,
    })
    // Empty cells keep what the company has.
    expect(db().select().from(companies).where(eq(companies.id, byName.id)).get()).toMatchObject({
      plan: 'Pro',
      monthlyRevenue: 20,
      segmentId: null,
    })
    expect(db().select().from(companies).where(eq(companies.id, untouched.id)).get()).toMatchObject({ plan: 'Gold', monthlyRevenue: 30 })
    // Two companies are called "Twin": the row matches neither and makes a third.
    expect(companiesNamed(`${p} Twin`).map((c) => c.monthlyRevenue)).toEqual([0, 0, 99])
    expect(companiesNamed(`${p} Fresh`)).toEqual([
      expect.objectContaining({ name: `${p} Fresh, Inc.`, externalId: `${p}-2`, plan: null, monthlyRevenue: 0 }),
    ])

    const log = db()
      .select({ targetType: moderationLog.targetType, after: moderationLog.after })
      .from(moderationLog)
      .where(and(eq(moderationLog.action, 'company.import'), eq(moderationLog.actorId, admin.id)))
      .orderBy(desc(moderationLog.id))
      .get()
    expect(log).toEqual({ targetType: 'company', after: { rows: 5, created: 2, updated: 2, unchanged: 1 } })

    const page = await settle(async () =>
      loader({ request: await getRequest(res.location!, { userId: admin.id }), params: {}, context: {} }),
    )
    expect(page.body).toMatchObject({ imported: { created: 2, updated: 2, unchanged: 1 } })
  })

  test('every bad row is reported with its line and column, and nothing is written', async () => {
    const p = unique('Bad')
    const existing = createTestCompany(db(), { name: `${p} Keep`, externalId: `${p}-k`, monthlyRevenue: 7 })
    const before = companyCount()
    const csv = [
      'name,external_id,plan,monthly_revenue,segment', // 1
      `${p} Fine,${p}-k,,8,`, // 2: fine on its own
      `,${p}-a,,12,`, // 3: no name
      '', // 4: empty, skipped
      `${p} Cheap,${p}-b,,12.50,Nowhere`, // 5: revenue and segment
      `"${p} Multi`, // 6: a quoted name over two lines…
      `line",${p}-c,,-3,`, // 7: …whose row starts on line 6
      `${p} Dup,${p}-a,,1,`, // 8: same external id as line 3 (which failed: its id is not claimed)
      `${p} Dup2,${p}-d,,1,`, // 9
      `${p} Dup3,${p}-d,,1,`, // 10: same external id as line 9
      `${p} Short,${p}-e`, // 11: too few values
    ].join('\n')
    const res = await importText(csv)
    expect(res.status).toBe(400)
    expect(res.body).toMatchObject({
      intent: 'import',
      fields: { csv },
      formErrors: ['Nothing was imported: 5 rows need fixing (listed below).'],
      rowErrors: [
        { line: 3, errors: [{ column: 'name', message: 'Enter a name.' }] },
        {
          line: 5,
          errors: [
            { column: 'monthly_revenue', message: 'Enter whole currency units, digits only (for example 12000).' },
            { column: 'segment', message: 'No segment is called “Nowhere”.' },
          ],
        },
        {
          line: 6,
          errors: [
            { column: 'name', message: 'Use one line of text.' },
            { column: 'monthly_revenue', message: 'Enter whole currency units, digits only (for example 12000).' },
          ],
        },
        { line: 10, errors: [{ column: 'external_id', message: 'Line 9 has the same external id.' }] },
        { line: 11, errors: [{ column: 'row', message: 'It has 2 values; the header has 5 columns.' }] },
      ],
    })
    expect(companyCount()).toBe(before)
    expect(db().select().from(companies).where(eq(companies.id, existing.id)).get()).toMatchObject({ monthlyRevenue: 7 })
  })

  test('an unknown segment is a row error', async () => {
    const p = unique('Seg')
    const res = await importText(`name,segment\n${p} A,No such segment ${p}\n`)
    expect(res).toMatchObject({
      status: 400,
      body: { rowErrors: [{ line: 2, errors: [{ column: 'segment', message: `No segment is called “No such segment ${p}”.` }] }] },
    })
    expect(companiesNamed(p)).toEqual([])
  })

  test.each([
    [
      'name,revenue\nAcme,1',
      'Nothing was imported. Unknown column “revenue”: the columns are name, external_id, plan, monthly_revenue, segment.',
    ],
    ['external_id,plan\nx,Pro', 'Nothing was imported. The header row needs a name column.'],
    ['name,Name\nA,B', 'Nothing was imported. The column “name” appears twice.'],
    ['name,\nA,', 'Nothing was imported. Column 2 of the header has no name.'],
    ['name,plan\n', 'Nothing was imported. The file has a header but no company rows.'],
    ['name\n"Acme', 'Nothing was imported. Line 2: a quoted value is never closed.'],
  ])('a file that cannot be imported as a whole says why: %j', async (csv, message) => {
    const before = companyCount()
    expect(await importText(csv)).toMatchObject({ status: 400, body: { formErrors: [message], rowErrors: [] } })
    expect(companyCount()).toBe(before)
  })

  test('nothing sent, both a file and text, or a file not in UTF-8: 400 with a message', async () => {
    expect(await importText('   ')).toMatchObject({ status: 400, body: { formErrors: ['Choose a CSV file, or paste its text.'] } })
    expect(await importFile('name\nA', { csv: 'name\nB' })).toMatchObject({
      status: 400,
      body: { formErrors: ['Choose a file or paste the text, not both.'] },
    })
    const latin1 = new Uint8Array([...Buffer.from('name\nCaf'), 0xe9]) // "Café" in Windows-1252
    expect(await importFile(latin1)).toMatchObject({
      status: 400,
      body: { formErrors: ['The file is not UTF-8 text: save it as “CSV UTF-8” and try again.'] },
    })
  })

  test('a request over the cap is refused with 413 before it is read, declared or not', async () => {
    const big = `name\n${'x'.repeat(MAX_FORM_BYTES)}`
    expect((await importFile(big)).status).toBe(413)
    const cookie = await startSession(admin.id)
    const declared = new Request(new URL('/admin/companies?index', TEST_ORIGIN), {
      method: 'POST',
      headers: {
        Origin: TEST_ORIGIN,
        Cookie: `${cookie.name}=${cookie.value}`,
        'Content-Type': 'application/x-www-form-urlencoded',
        'Content-Length': String(MAX_FORM_BYTES + 1),
      },
      body: 'intent=import&csv=name',
    })
    expect(await settle(() => action({ request: declared, params: {}, context: {} }))).toMatchObject({ status: 413 })
  })

  test('the product team may not import; a cross-site post is refused', async () => {
    const product = createUser(db(), { role: 'product' })
    const p = unique('Nope')
    expect((await importFile(`name\n${p}`, {}, product.id)).status).toBe(403)
    const foreign = await formRequest(
      '/admin/companies?index',
      { intent: 'import', csv: `name\n${p}` },
      { userId: admin.id, origin: 'https://evil.example' },
    )
    expect((await settle(() => action({ request: foreign, params: {}, context: {} }))).status).toBe(403)
    expect(companiesNamed(p)).toEqual([])
  })

  test('row line numbers count the lines a quoted value spans and the empty lines skipped', () => {
    const checked = checkCompanyCsv('name,monthly_revenue\n\n"A\nB",x\n\nC,y\n', [])
    expect(checked).toMatchObject({ ok: false, rowErrors: [{ line: 3 }, { line: 6 }] })
  })
})
