import { mkdtemp, rm, writeFile } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import { Source } from "@schoolbridge/core"
import { Chunk, Effect, Stream } from "effect"
import ExcelJS from "exceljs"
import * as XlsxSource from "../../src/Source/Xlsx.js"

type Row = Record<string, unknown>
type Shape = Source.SourceShape<Row>

let dir = ""
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "xlsx-source-"))
})
afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

/** Writes a workbook built by `build` to the temp dir and returns its path. */
const workbook = async (name: string, build: (wb: ExcelJS.Workbook) => void) => {
  const wb = new ExcelJS.Workbook()
  build(wb)
  const path = join(dir, name)
  // exceljs's writeFile can resolve before the file is flushed; a buffer written by fs cannot.
  await writeFile(path, Buffer.from(await wb.xlsx.writeBuffer()))
  return path
}

const batches = (source: Shape, after: Source.Cursor | null, size: number) =>
  Stream.runCollect(source.stream(Source.wholeSource, after, size)).pipe(Effect.map(Chunk.toArray))

const records = (source: Shape) =>
  Effect.map(batches(source, null, 1), (bs) =>
    bs.map((b) => (b.rows.length === 1 ? b.keys[0]! : `!${b.rejected[0]!.key}`)),
  )

// A dirty register: dates, a time, exact and float-noisy numbers, a formula, rich text, a hyperlink,
// a boolean, a blank row, a short row and a row with a value beyond the header.
const students = () =>
  workbook("students.xlsx", (wb) => {
    const ws = wb.addWorksheet("Pelajar")
    ws.addRow(["Student Name", "IC No", "DOB", "Fee", "Total", "Notes", "Active"])
    ws.addRow([
      "Siti binti Ahmad",
      "010203-10-1234",
      new Date(Date.UTC(2012, 2, 15)),
      1234.5,
      { formula: "D2*2", result: 2469 },
      { richText: [{ text: "Suka " }, { text: "membaca", font: { bold: true } }] },
      true,
    ])
    ws.addRow([
      "Tan Mei Ling",
      901231145678,
      new Date(Date.UTC(2011, 6, 20, 14, 30)),
      0.1 + 0.2,
      { formula: "D3*2", result: 0.6 },
      { text: "site", hyperlink: "https://example.com" },
      false,
    ])
    ws.addRow([])
    ws.addRow(["Kumar a/l Raj"])
    ws.addRow(["Extra", "1", "", "", "", "", "", "beyond"])
    ws.addRow(["Nur", "", "", "", { formula: "D7*2" }])
    ws.getCell("C2").numFmt = "dd/mm/yyyy"
    ws.getCell("C3").numFmt = "dd/mm/yyyy hh:mm"
  })

describe("XlsxSource", () => {
  it.effect("reads cells as text: ISO dates, exact numbers, formula results, rich text; by row number", () =>
    Effect.gen(function* () {
      const path = yield* Effect.promise(students)
      const source = yield* XlsxSource.make({ path })
      const [b] = yield* batches(source, null, 100)
      expect(b!.keys).toEqual(["2", "3", "5", "7"])
      expect(b!.cursor).toBe(5)
      expect(b!.rows).toEqual([
        {
          "Student Name": "Siti binti Ahmad",
          "IC No": "010203-10-1234",
          DOB: "2012-03-15",
          Fee: "1234.5",
          Total: "2469",
          Notes: "Suka membaca",
          Active: "true",
        },
        {
          "Student Name": "Tan Mei Ling",
          "IC No": "901231145678",
          DOB: "2011-07-20T14:30:00",
          Fee: "0.3",
          Total: "0.6",
          Notes: "site",
          Active: "false",
        },
        { "Student Name": "Kumar a/l Raj", "IC No": "", DOB: "", Fee: "", Total: "", Notes: "", Active: "" },
        { "Student Name": "Nur", "IC No": "", DOB: "", Fee: "", Total: "", Notes: "", Active: "" },
      ])
      expect(b!.rejected.map((r) => [r.key, r.reasons[0]!.rule, r.reasons[0]!.message])).toEqual([
        ["6", "ragged_row", "row 6 has values in column 8, beyond the header's 7 columns"],
      ])
      expect(b!.notes).toEqual([
        { key: "7", column: "Total", rule: "formula_result", message: "formula D7*2 has no saved result" },
      ])
    }),
  )

  it.effect("resumes after every record offset with no gap and no duplicate", () =>
    Effect.gen(function* () {
      const path = yield* Effect.promise(students)
      const source = yield* XlsxSource.make({ path })
      const all = yield* records(source)
      expect(all).toEqual(["2", "3", "5", "!6", "7"])
      for (const size of [1, 2, 3, 1000]) {
        for (let k = 0; k <= all.length; k++) {
          const bs = yield* batches(source, k, size)
          let cursor = k
          for (const b of bs) {
            const read = Source.batchSize(b)
            expect(read).toBeGreaterThan(0)
            expect(read).toBeLessThanOrEqual(size)
            expect(b.cursor).toBe(cursor + read)
            cursor = b.cursor as number
          }
          expect(cursor).toBe(all.length)
          const seen = bs.flatMap((b) => [...b.keys, ...b.rejected.map((r) => `!${r.key}`)])
          // Within a batch rows come before rejections, as in the other file sources.
          expect([...seen].sort()).toEqual(all.slice(k).sort())
        }
      }
      expect(yield* batches(source, "3", 10)).toHaveLength(1)
    }),
  )

  it.effect(
    "renames headers, drops the others, keys by a column, and picks a sheet by name or position",
    () =>
      Effect.gen(function* () {
        const path = yield* Effect.promise(() =>
          workbook("two-sheets.xlsx", (wb) => {
            wb.addWorksheet("Notes").addRow(["nothing here"])
            const ws = wb.addWorksheet("Students")
            ws.addRow(["No", "Name"])
            ws.addRow(["S1", "Ali"])
            ws.addRow(["", "Abu"])
          }),
        )
        for (const sheet of ["Students", 2] as const) {
          const source = yield* XlsxSource.make({
            path,
            sheet,
            columns: { Name: "name" },
            unmappedColumns: "drop",
          })
          const [b] = yield* batches(source, null, 10)
          expect(b!.rows).toEqual([{ name: "Ali" }, { name: "Abu" }])
          expect(b!.keys).toEqual(["2", "3"])
        }
        const keyed = yield* XlsxSource.make({ path, sheet: "Students", keyColumn: "No" })
        const [k] = yield* batches(keyed, null, 10)
        // An empty key falls back to the row number.
        expect(k!.keys).toEqual(["S1", "3"])
        const first = yield* XlsxSource.make({ path })
        const [f] = yield* batches(first, null, 10)
        expect(f).toBeUndefined()
      }),
  )

  it.effect("fails at make, naming the file and what to fix", () =>
    Effect.gen(function* () {
      const message = (options: XlsxSource.Options) =>
        Effect.map(Effect.flip(XlsxSource.make(options)), (e) => [e.reason, e.message])
      const path = yield* Effect.promise(students)
      expect(yield* message({ path: join(dir, "missing.xlsx") })).toEqual([
        "config",
        `xlsx file ${join(dir, "missing.xlsx")}: not found; check the path`,
      ])
      expect(yield* message({ path, sheet: "Guru" })).toEqual([
        "config",
        `xlsx file ${path}: has no worksheet "Guru"; it has "Pelajar"`,
      ])
      expect(yield* message({ path, columns: { Name: "name" } })).toEqual([
        "config",
        `xlsx file ${path}: the header has no column "Name" named in \`columns\`; it has "Student Name", "IC No", "DOB", "Fee", "Total", "Notes", "Active"`,
      ])
      const csv = join(dir, "renamed.xlsx")
      yield* Effect.promise(() => writeFile(csv, "a,b\n1,2\n"))
      const [reason, text] = yield* message({ path: csv })
      expect(reason).toBe("config")
      expect(text).toBe(
        `xlsx file ${csv}: is not an XLSX workbook: it is not a zip archive (a CSV or text file named .xlsx?); give it \`kind: csv\`, or save it as .xlsx`,
      )
      const xls = join(dir, "old.xlsx")
      yield* Effect.promise(() =>
        writeFile(xls, Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0])),
      )
      expect((yield* message({ path: xls }))[1]).toBe(
        `xlsx file ${xls}: is not an XLSX workbook: it is an Excel 97-2003 .xls file (or another old Office file); open it in Excel and save it as .xlsx`,
      )
      const nothing = join(dir, "nothing.xlsx")
      yield* Effect.promise(() => writeFile(nothing, ""))
      expect((yield* message({ path: nothing }))[1]).toBe(
        `xlsx file ${nothing}: is not an XLSX workbook: it is empty`,
      )
      const twice = yield* Effect.promise(() =>
        workbook("twice.xlsx", (wb) => wb.addWorksheet("S").addRow(["Name", "Name"])),
      )
      expect((yield* message({ path: twice }))[1]).toContain('the header has column "Name" twice')
      const gap = yield* Effect.promise(() =>
        workbook("gap.xlsx", (wb) => wb.addWorksheet("S").addRow(["Name", "", "Class"])),
      )
      expect((yield* message({ path: gap }))[1]).toContain("has no name in column 2")
      const empty = yield* Effect.promise(() => workbook("empty.xlsx", (wb) => wb.addWorksheet("S")))
      expect((yield* message({ path: empty }))[1]).toContain("has no header row (the sheet is empty)")
    }),
  )

  it.effect("rejects cursors that are not record offsets and partitions other than *", () =>
    Effect.gen(function* () {
      const path = yield* Effect.promise(students)
      const source = yield* XlsxSource.make({ path })
      const bad = yield* Effect.flip(batches(source, "x", 10))
      expect(bad.reason).toBe("config")
      const partition = yield* Effect.flip(
        Stream.runCollect(source.stream({ key: "SA01", tenant: "SA01" }, null, 10)),
      )
      expect(partition.reason).toBe("config")
      expect(yield* source.estimate(Source.wholeSource, null)).toBeNull()
    }),
  )

  it.effect("streams a 20,000-row sheet in batches", () =>
    Effect.gen(function* () {
      const path = join(dir, "big.xlsx")
      yield* Effect.promise(async () => {
        const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: path, useSharedStrings: true })
        const ws = wb.addWorksheet("Big")
        ws.addRow(["id", "name", "score"]).commit()
        for (let i = 1; i <= 20_000; i++) ws.addRow([i, `student ${i}`, i / 4]).commit()
        ws.commit()
        await wb.commit()
      })
      const source = yield* XlsxSource.make({ path, keyColumn: "id" })
      const bs = yield* batches(source, 19_000, 400)
      expect(bs.map((b) => b.rows.length)).toEqual([400, 400, 200])
      expect(bs[2]!.rows[199]).toEqual({ id: "20000", name: "student 20000", score: "5000" })
      expect(bs[0]!.keys[0]).toBe("19001")
    }),
  )

  it("formats numbers as Excel shows them and dates as ISO text", () => {
    expect(XlsxSource.numberText(0.1 + 0.2)).toBe("0.3")
    expect(XlsxSource.numberText(123456789012)).toBe("123456789012")
    expect(XlsxSource.numberText(-12.5)).toBe("-12.5")
    expect(XlsxSource.dateText(new Date(Date.UTC(2024, 2, 5, 14, 29, 59, 999)))).toBe("2024-03-05T14:30:00")
    expect(XlsxSource.dateText(new Date(Date.UTC(2024, 2, 5)))).toBe("2024-03-05")
    expect(XlsxSource.cellText({ error: "#N/A" }, undefined)).toEqual({
      text: "#N/A",
      note: { rule: "cell_error", message: "the cell holds the error #N/A" },
    })
    expect(XlsxSource.cellText({ formula: "TODAY()", result: 45000 }, "yyyy-mm-dd").text).toBe("2023-03-15")
  })
})
