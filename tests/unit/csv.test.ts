/** CSV writing: RFC 4180 quoting and line ends, formula-injection escaping, safe file names, streaming. */
import { describe, expect, test } from 'vitest'
import { csvCell, csvResponse, csvRow, safeFilename, toCsv } from '~/lib/csv.server'

describe('csvCell', () => {
  test('plain text, numbers, booleans, dates and empty values are written as they are', () => {
    expect(csvCell('hello')).toBe('hello')
    expect(csvCell(42)).toBe('42')
    expect(csvCell(2.5)).toBe('2.5')
    expect(csvCell(-3)).toBe('-3') // a number is never a formula
    expect(csvCell(true)).toBe('true')
    expect(csvCell(null)).toBe('')
    expect(csvCell(undefined)).toBe('')
    expect(csvCell(Number.NaN)).toBe('')
    expect(csvCell(new Date(Date.UTC(2026, 0, 2, 3, 4, 5)))).toBe('2026-01-02T03:04:05.000Z')
  })

  test('a field with a comma, a quote, CR or LF is quoted and its quotes are doubled', () => {
    expect(csvCell('a,b')).toBe('"a,b"')
    expect(csvCell('say "hi"')).toBe('"say ""hi"""')
    expect(csvCell('line\nbreak')).toBe('"line\nbreak"')
    expect(csvCell('line\r\nbreak')).toBe('"line\r\nbreak"')
    expect(csvCell('"')).toBe('""""')
  })

  test('text starting with = + - @, a tab or CR gets a leading apostrophe', () => {
    expect(csvCell('=HYPERLINK("http://evil.example","x")')).toBe(`"'=HYPERLINK(""http://evil.example"",""x"")"`)
    expect(csvCell('+1 555')).toBe("'+1 555")
    expect(csvCell('-2+3')).toBe("'-2+3")
    expect(csvCell('@SUM(A1)')).toBe("'@SUM(A1)")
    expect(csvCell('\t=1')).toBe("'\t=1")
    expect(csvCell('\r=1')).toBe(`"'\r=1"`)
    expect(csvCell('a=1')).toBe('a=1')
    expect(csvCell(' =1')).toBe(' =1')
  })
})

describe('rows and files', () => {
  test('records end in CRLF and cells are joined by commas', () => {
    expect(csvRow(['a', 1, null, 'b,c'])).toBe('a,1,,"b,c"\r\n')
    expect(
      toCsv([
        ['h1', 'h2'],
        ['=x', 'y'],
      ]),
    ).toBe("h1,h2\r\n'=x,y\r\n")
  })

  test('file names keep only lower-case letters, digits, dashes and dots', () => {
    expect(safeFilename('Ideas "all" 2026-01-02.csv')).toBe('ideas-all-2026-01-02.csv')
    expect(safeFilename('../../etc/passwd')).toBe('etc-passwd')
    expect(safeFilename('\r\nSet-Cookie: x')).toBe('set-cookie-x')
    expect(safeFilename('???')).toBe('export.csv')
  })

  test('a streamed response sends the header, then each batch, with download headers', async () => {
    const batches = [[['1', '=a']], [], [['2', 'b"c']]]
    const response = csvResponse('Report.csv', ['id', 'title'], () => batches.shift() ?? null)
    expect(response.headers.get('Content-Type')).toBe('text/csv; charset=utf-8')
    expect(response.headers.get('Content-Disposition')).toBe('attachment; filename="report.csv"')
    const bytes = new Uint8Array(await response.arrayBuffer())
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]) // a UTF-8 byte-order mark, for spreadsheets
    expect(new TextDecoder().decode(bytes)).toBe(`id,title\r\n1,'=a\r\n2,"b""c"\r\n`)
  })
})
