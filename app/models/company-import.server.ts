/**
 * The companies CSV import on /admin/companies. A file is all or nothing: every row is checked
 * first (its line number and a message per column for each bad one), and only a file without a
 * bad row is written, in one transaction, with one moderation log entry for the import.
 *
 * Columns (header row required, any order, nothing else): name, external_id, plan,
 * monthly_revenue, segment. Only `name` is required. An empty cell, or a column the file leaves
 * out, keeps what an existing company has; a new company starts with no plan, revenue 0 and no
 * segment. A row with an external id updates the company that has it, or creates it; a row without
 * one updates the company with exactly that name when exactly one has it, and otherwise creates one.
 */
import { parse } from 'csv-parse/sync'
import { eq } from 'drizzle-orm'
import { companies } from '#db/schema'
import { type Db, writeTransaction } from '~/lib/db.server'
import { COMPANY_CSV_COLUMNS, type CompanyCsvColumn, CompanyCsvRow, MAX_IMPORT_ROWS } from '~/schemas/company'
import { listSegmentChoices } from './companies.server'
import { logModeration } from './moderation-log.server'

export type ImportRowError = { line: number; errors: { column: string; message: string }[] }
export type ImportRefusal = { ok: false; formErrors: string[]; rowErrors: ImportRowError[] }
export type ImportSummary = { ok: true; rows: number; created: number; updated: number; unchanged: number }

/** A checked row; `undefined` means "keep what the company has". */
type ImportRow = {
  line: number
  name: string
  externalId: string | null
  plan: string | undefined
  monthlyRevenue: number | undefined
  segmentId: number | undefined
}

const COLUMN_LIST = COMPANY_CSV_COLUMNS.join(', ')

const CSV_MESSAGES: Record<string, string> = {
  CSV_QUOTE_NOT_CLOSED: 'a quoted value is never closed',
  CSV_INVALID_CLOSING_QUOTE: 'a quote inside a value must be doubled ("")',
  CSV_NON_TRIMABLE_CHAR_AFTER_CLOSING_QUOTE: 'a quoted value is followed by more text',
}

type Parsed = { record: string[]; info: { lines: number; empty_lines: number } }

/** Reads the CSV text into rows with their first line numbers, or says why it cannot be read. */
function readRecords(text: string): { ok: true; records: { line: number; cells: string[] }[] } | { ok: false; message: string } {
  let parsed: Parsed[]
  try {
    parsed = parse(text, { bom: true, info: true, relax_column_count: true, skip_empty_lines: true, trim: true }) as unknown as Parsed[]
  } catch (error) {
    const { code, lines, message } = error as { code?: string; lines?: number; message: string }
    const what = (code && CSV_MESSAGES[code]) ?? message
    return { ok: false, message: lines ? `Line ${lines}: ${what}.` : `The file could not be read: ${what}.` }
  }
  // csv-parse reports the line a record ends on; a record starts after the previous one and the empty lines skipped since.
  let previousEnd = 0
  let previousEmpty = 0
  const records = parsed.map(({ record, info }) => {
    const line = previousEnd + 1 + (info.empty_lines - previousEmpty)
    previousEnd = info.lines
    previousEmpty = info.empty_lines
    return { line, cells: record }
  })
  return { ok: true, records }
}

/** The header's columns, or the form errors that refuse it. */
function readHeader(cells: string[]): { ok: true; columns: CompanyCsvColumn[] } | { ok: false; formErrors: string[] } {
  const formErrors: string[] = []
  const columns = cells.map((c) => c.trim().toLowerCase())
  columns.forEach((column, i) => {
    if (!column) formErrors.push(`Column ${i + 1} of the header has no name.`)
    else if (!(COMPANY_CSV_COLUMNS as readonly string[]).includes(column)) {
      formErrors.push(`Unknown column “${cells[i]!.trim()}”: the columns are ${COLUMN_LIST}.`)
    } else if (columns.indexOf(column) !== i) formErrors.push(`The column “${column}” appears twice.`)
  })
  if (!columns.includes('name')) formErrors.push('The header row needs a name column.')
  return formErrors.length ? { ok: false, formErrors } : { ok: true, columns: columns as CompanyCsvColumn[] }
}

/**
 * Checks a CSV file without touching the database: the header, then every row with zod (its
 * line number and a message per column), segments by name (case does not matter), and no two
 * rows naming the same company.
 */
export function checkCompanyCsv(
  text: string,
  segmentList: { id: number; name: string }[],
): { ok: true; rows: ImportRow[] } | ImportRefusal {
  const read = readRecords(text)
  if (!read.ok) return { ok: false, formErrors: [read.message], rowErrors: [] }
  const [header, ...body] = read.records
  if (!header)
    return { ok: false, formErrors: [`The file is empty: it needs a header row (${COLUMN_LIST}) and a row per company.`], rowErrors: [] }
  const head = readHeader(header.cells)
  if (!head.ok) return { ok: false, formErrors: head.formErrors, rowErrors: [] }
  if (!body.length) return { ok: false, formErrors: ['The file has a header but no company rows.'], rowErrors: [] }
  if (body.length > MAX_IMPORT_ROWS) {
    return { ok: false, formErrors: [`The file has ${body.length} rows; import at most ${MAX_IMPORT_ROWS} at a time.`], rowErrors: [] }
  }

  const segmentIds = new Map(segmentList.map((s) => [s.name.toLowerCase(), s.id]))
  const lineOfExternalId = new Map<string, number>()
  const lineOfName = new Map<string, number>()
  const rows: ImportRow[] = []
  const rowErrors: ImportRowError[] = []
  for (const { line, cells } of body) {
    const errors: ImportRowError['errors'] = []
    if (cells.length !== head.columns.length) {
      errors.push({ column: 'row', message: `It has ${cells.length} values; the header has ${head.columns.length} columns.` })
      rowErrors.push({ line, errors })
      continue
    }
    const cellsByColumn = Object.fromEntries(head.columns.map((c, i) => [c, cells[i]!]))
    const parsed = CompanyCsvRow.safeParse(cellsByColumn)
    if (!parsed.success) {
      for (const issue of parsed.error.issues) errors.push({ column: String(issue.path[0] ?? 'row'), message: issue.message })
    }
    // Checked whatever else is wrong with the row, so one pass reports all of it.
    const segmentName = cellsByColumn.segment?.trim()
    const segmentId = segmentName ? segmentIds.get(segmentName.toLowerCase()) : undefined
    if (segmentName && segmentId === undefined && !errors.some((e) => e.column === 'segment')) {
      errors.push({ column: 'segment', message: `No segment is called “${segmentName}”.` })
    }
    if (!parsed.success) {
      rowErrors.push({ line, errors })
      continue
    }
    const row = parsed.data
    if (row.external_id != null) {
      const earlier = lineOfExternalId.get(row.external_id)
      if (earlier) errors.push({ column: 'external_id', message: `Line ${earlier} has the same external id.` })
      else lineOfExternalId.set(row.external_id, line)
    } else {
      const earlier = lineOfName.get(row.name)
      if (earlier) errors.push({ column: 'name', message: `Line ${earlier} has the same name, and neither has an external id.` })
      else lineOfName.set(row.name, line)
    }
    if (errors.length) {
      rowErrors.push({ line, errors })
      continue
    }
    rows.push({
      line,
      name: row.name,
      externalId: row.external_id,
      plan: row.plan ?? undefined,
      monthlyRevenue: row.monthly_revenue ?? undefined,
      segmentId,
    })
  }
  return rowErrors.length ? { ok: false, formErrors: [], rowErrors } : { ok: true, rows }
}

/**
 * Imports a CSV file of companies: all of it, in one transaction, or nothing when any row is bad
 * (then every bad row is reported). Returns how many companies were created, updated, or matched
 * and left as they were.
 */
export function importCompanies(db: Db, input: { actorId: number; csv: string; now?: Date }): ImportSummary | ImportRefusal {
  const now = input.now ?? new Date()
  const checked = checkCompanyCsv(input.csv, listSegmentChoices(db)) // before the write lock: slow for a large file
  if (!checked.ok) return checked
  return writeTransaction(db, (tx) => {
    let created = 0
    let updated = 0
    let unchanged = 0
    for (const row of checked.rows) {
      const existing = row.externalId
        ? tx.select().from(companies).where(eq(companies.externalId, row.externalId)).get()
        : onlyOne(tx.select().from(companies).where(eq(companies.name, row.name)).limit(2).all())
      if (!existing) {
        tx.insert(companies)
          .values({
            name: row.name,
            externalId: row.externalId,
            plan: row.plan ?? null,
            monthlyRevenue: row.monthlyRevenue ?? 0,
            segmentId: row.segmentId ?? null,
            createdAt: now,
            updatedAt: now,
          })
          .run()
        created += 1
        continue
      }
      const changes = {
        name: row.name,
        ...(row.plan !== undefined ? { plan: row.plan } : {}),
        ...(row.monthlyRevenue !== undefined ? { monthlyRevenue: row.monthlyRevenue } : {}),
        ...(row.segmentId !== undefined ? { segmentId: row.segmentId } : {}),
      }
      if ((Object.keys(changes) as (keyof typeof changes)[]).every((k) => existing[k] === changes[k])) {
        unchanged += 1
        continue
      }
      tx.update(companies)
        .set({ ...changes, updatedAt: now })
        .where(eq(companies.id, existing.id))
        .run()
      updated += 1
    }
    const summary = { rows: checked.rows.length, created, updated, unchanged }
    logModeration(tx, { actorId: input.actorId, action: 'company.import', target: { type: 'company', id: 0 }, after: summary, now })
    return { ok: true as const, ...summary }
  })
}

const onlyOne = <T>(rows: T[]) => (rows.length === 1 ? rows[0]! : null)
