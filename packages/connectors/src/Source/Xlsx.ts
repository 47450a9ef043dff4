/**
 * XLSX workbooks as a source: one worksheet, read with exceljs, gives rows as the CSV source does:
 * records of text keyed by the header (the first non-blank row), blank rows skipped, one partition,
 * the record offset as the cursor. A record's key is its key column's value or, without one, its row number in the sheet.
 *
 * Cells become text: dates ISO (`2024-03-05`, or `2024-03-05T14:30:00` with a time, local as written),
 * numbers at Excel's own 15 significant digits (so `0.1+0.2` reads `0.3`, as Excel shows it),
 * formulas their cached result, rich text and hyperlinks their plain text, booleans `true`/`false`.
 */
import { open } from "node:fs/promises"
import { Source, type Transform } from "@schoolbridge/core"
import { Effect, Option, Stream } from "effect"
import ExcelJS from "exceljs"
import * as RecordFile from "./RecordFile.js"

/** How to read a worksheet. */
export interface Options {
  readonly path: string
  /** The worksheet: its name, or its position (1 is the first). Default the first. */
  readonly sheet?: string | number
  /** Renames header columns to row fields: `{ "Student Name": "name" }`. Each header named must exist. */
  readonly columns?: Readonly<Record<string, string>>
  /** What happens to header columns `columns` does not name. Default `keep` (under their header name). */
  readonly unmappedColumns?: "keep" | "drop"
  /** The row field (after renaming) whose value is the record's key. Default: the row number. */
  readonly keyColumn?: string
}

type Row = Record<string, unknown>

const format = "xlsx"

/** What to do with each column, worked out once from the header. */
interface Plan {
  readonly header: ReadonlyArray<string>
  readonly names: ReadonlyArray<string | null>
  readonly keyIndex: number | null
}

/** A cell as text, and a note when the text is not the whole story. */
interface CellText {
  readonly text: string
  readonly note?: { readonly rule: string; readonly message: string }
}

// A number format shows a date when it has day, month, year, hour or second codes outside quoted
// text, colours and conditions (`[Red]`, `"kg"`).
const isDateFormat = (numFmt: string | undefined): boolean => {
  if (numFmt === undefined || numFmt === "" || /^general$/iu.test(numFmt)) return false
  const bare = numFmt.replace(/"[^"]*"|\[[^\]]*\]|\\./gu, "")
  return /[dmyhs]/iu.test(bare)
}

const pad = (n: number, width = 2) => String(n).padStart(width, "0")

/** A date exceljs read (an Excel serial taken as UTC) as ISO text: a date alone, or with its time. */
export const dateText = (date: Date): string => {
  let ms = date.getTime()
  // Serials are binary fractions of a day: 14:30 may come back as 14:29:59.999.
  const rest = ((ms % 1000) + 1000) % 1000
  if (rest <= 1 || rest >= 999) ms = Math.round(ms / 1000) * 1000
  const d = new Date(ms)
  const day = `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`
  if (ms % 86_400_000 === 0) return day
  const time = `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`
  return d.getUTCMilliseconds() === 0 ? `${day}T${time}` : `${day}T${time}.${pad(d.getUTCMilliseconds(), 3)}`
}

/** A number as Excel shows it: 15 significant digits, no exponent for whole numbers. */
export const numberText = (n: number): string => {
  if (!Number.isFinite(n)) return String(n)
  const p = Number(n.toPrecision(15))
  return Number.isInteger(p) && Math.abs(p) < 1e21 ? p.toFixed(0) : String(p)
}

const serialToDate = (serial: number, date1904: boolean): Date =>
  new Date(Math.round((serial - (date1904 ? 24107 : 25569)) * 86_400_000))

/** The text of a cell value as exceljs gives it. */
export const cellText = (value: unknown, numFmt: string | undefined, date1904 = false): CellText => {
  if (value === null || value === undefined) return { text: "" }
  if (typeof value === "string") return { text: value }
  if (typeof value === "number")
    return { text: isDateFormat(numFmt) ? dateText(serialToDate(value, date1904)) : numberText(value) }
  if (typeof value === "boolean") return { text: value ? "true" : "false" }
  if (value instanceof Date) return { text: dateText(value) }
  if (typeof value === "object") {
    const v = value as Record<string, unknown>
    if (Array.isArray(v.richText))
      return { text: v.richText.map((r: { readonly text?: unknown }) => String(r.text ?? "")).join("") }
    if ("formula" in v || "sharedFormula" in v) {
      if (v.result === undefined || v.result === null)
        return {
          text: "",
          note: {
            rule: "formula_result",
            message: `formula ${String(v.formula ?? v.sharedFormula)} has no saved result`,
          },
        }
      return cellText(v.result, numFmt, date1904)
    }
    if ("error" in v)
      return {
        text: String(v.error),
        note: { rule: "cell_error", message: `the cell holds the error ${String(v.error)}` },
      }
    if ("text" in v) return cellText(v.text, numFmt, date1904)
  }
  return { text: String(value) }
}

/** A sheet row's cells as text, by 1-based column; empty cells absent. */
interface SheetRow {
  readonly number: number
  readonly cells: ReadonlyMap<number, CellText>
}

const readRow = (row: ExcelJS.Row, date1904: boolean): SheetRow => {
  const cells = new Map<number, CellText>()
  row.eachCell({ includeEmpty: false }, (cell, col) => {
    const t = cellText(cell.value, cell.numFmt, date1904)
    if (t.text !== "" || t.note !== undefined) cells.set(col, t)
  })
  return { number: row.number, cells }
}

/**
 * Opens the workbook and yields the chosen sheet's non-blank rows; the returned close ends the read.
 * The workbook is read whole: exceljs's streaming reader now and then loses the workbook part of a
 * file that stores it after the sheets (as exceljs itself writes them) and then fails, so it is not
 * used. A sheet holds at most 1,048,576 rows, and school workbooks are far smaller.
 */
const openSheet = (spec: RecordFile.Named, options: Options) => {
  const wanted = options.sheet ?? 1
  async function* rows(): AsyncGenerator<SheetRow> {
    const workbook = new ExcelJS.Workbook()
    await workbook.xlsx.readFile(options.path)
    const sheets = workbook.worksheets
    const sheet = typeof wanted === "number" ? sheets[wanted - 1] : sheets.find((s) => s.name === wanted)
    if (sheet === undefined)
      throw RecordFile.error(
        spec,
        "config",
        `has no worksheet ${JSON.stringify(wanted)}; it has ${sheets.map((s) => JSON.stringify(s.name)).join(", ") || "none"}`,
      )
    const date1904 = (workbook.properties as { date1904?: boolean } | undefined)?.date1904 === true
    for (let n = 1; n <= sheet.rowCount; n++) {
      const r = readRow(sheet.getRow(n), date1904)
      if (r.cells.size > 0) yield r
    }
  }
  const iterator = rows()
  return {
    iterator,
    close: async () => {
      await iterator.return(undefined).catch(() => undefined)
    },
  }
}

const asSourceError = (spec: RecordFile.Named, e: unknown): Source.SourceError => {
  if (e instanceof Source.SourceError) return e
  const code = (e as { code?: unknown } | null)?.code
  if (code === "ENOENT") return RecordFile.error(spec, "config", "not found; check the path", e)
  const message = e instanceof Error ? e.message : String(e)
  // exceljs reports a zip that holds no workbook (a .docx renamed) through the unzipper.
  if (/signature|zip|end of central directory|invalid/iu.test(message))
    return RecordFile.error(
      spec,
      "config",
      "is not an XLSX workbook (a zip file with no workbook in it); save it as .xlsx",
      e,
    )
  return RecordFile.error(spec, "query", `read failed: ${message}`, e)
}

/**
 * Looks at the first bytes before exceljs does, so a file that is not a workbook is refused in one
 * line that says what it is instead of an unzipper's error.
 */
const sniff = (spec: RecordFile.Named): Effect.Effect<void, Source.SourceError> =>
  Effect.flatMap(
    Effect.tryPromise({
      try: async () => {
        const handle = await open(spec.path, "r")
        try {
          const head = Buffer.alloc(8)
          const { bytesRead } = await handle.read(head, 0, 8, 0)
          return head.subarray(0, bytesRead)
        } finally {
          await handle.close()
        }
      },
      catch: (e) => asSourceError(spec, e),
    }),
    (head) => {
      // An XLSX workbook is a zip archive: "PK\x03\x04".
      if (head.length >= 4 && head[0] === 0x50 && head[1] === 0x4b && head[2] === 3 && head[3] === 4)
        return Effect.void
      const what =
        head.length === 0
          ? "it is empty"
          : head.length >= 4 && head[0] === 0xd0 && head[1] === 0xcf && head[2] === 0x11 && head[3] === 0xe0
            ? "it is an Excel 97-2003 .xls file (or another old Office file); open it in Excel and save it as .xlsx"
            : head.subarray(0, 4).toString("latin1").startsWith("<")
              ? "it is HTML or XML (a web page saved as .xlsx?); save it from Excel as .xlsx"
              : "it is not a zip archive (a CSV or text file named .xlsx?); give it `kind: csv`, or save it as .xlsx"
      return Effect.fail(RecordFile.error(spec, "config", `is not an XLSX workbook: ${what}`))
    },
  )

/** Works out the plan from the header row, or says what to fix in the options. */
const planFor = (spec: RecordFile.Named, options: Options, first: SheetRow): Plan => {
  const fail = (message: string): never => {
    throw RecordFile.error(spec, "config", message)
  }
  const last = Math.max(...first.cells.keys())
  const header: Array<string> = []
  for (let col = 1; col <= last; col++) {
    const name = first.cells.get(col)?.text ?? ""
    if (name.trim() === "")
      fail(
        `the header (row ${first.number}) has no name in column ${col}; name every column up to the last one`,
      )
    header.push(name)
  }
  const seen = new Set<string>()
  for (const h of header) {
    if (seen.has(h)) fail(`the header has column ${JSON.stringify(h)} twice; make the names unique`)
    seen.add(h)
  }
  const mapping = options.columns ?? {}
  const missing = Object.keys(mapping).filter((h) => !seen.has(h))
  if (missing.length > 0)
    fail(
      `the header has no column ${missing.map((m) => JSON.stringify(m)).join(", ")} named in \`columns\`; ` +
        `it has ${header.map((h) => JSON.stringify(h)).join(", ")}`,
    )
  const keep = (options.unmappedColumns ?? "keep") === "keep"
  const names = header.map((h) => (Object.hasOwn(mapping, h) ? mapping[h]! : keep ? h : null))
  const fields = new Set<string>()
  for (const name of names) {
    if (name === null) continue
    if (name === "__proto__") fail(`a column cannot be named "__proto__"; rename it with \`columns\``)
    if (fields.has(name)) fail(`two columns become row field ${JSON.stringify(name)}; check \`columns\``)
    fields.add(name)
  }
  let keyIndex: number | null = null
  if (options.keyColumn !== undefined) {
    keyIndex = names.indexOf(options.keyColumn)
    if (keyIndex < 0)
      fail(
        `the key column ${JSON.stringify(options.keyColumn)} is not a row field; ` +
          `the fields are ${[...fields].map((f) => JSON.stringify(f)).join(", ")}`,
      )
  }
  return { header, names, keyIndex }
}

type Entry = RecordFile.Entry<Row> & { readonly notes?: ReadonlyArray<Transform.Note> }

/** One data row as an entry: a record, or a rejection when it has values beyond the header. */
const entryOf = (plan: Plan, r: SheetRow): Entry => {
  const width = plan.header.length
  const beyond = [...r.cells.keys()].filter((c) => c > width)
  if (beyond.length > 0) {
    const raw = Object.fromEntries([...r.cells].map(([c, t]) => [String(c), t.text]))
    return RecordFile.rejected(
      String(r.number),
      "ragged_row",
      `row ${r.number} has values in column ${beyond.join(", ")}, beyond the header's ${width} columns`,
      raw,
    )
  }
  const value: Row = {}
  const notes: Array<Transform.Note> = []
  const key =
    plan.keyIndex === null
      ? String(r.number)
      : RecordFile.keyOf(r.cells.get(plan.keyIndex + 1)?.text ?? "", r.number)
  for (let i = 0; i < width; i++) {
    const name = plan.names[i]
    const cell = r.cells.get(i + 1)
    if (name !== null && name !== undefined) value[name] = cell?.text ?? ""
    if (cell?.note !== undefined && name !== null && name !== undefined)
      notes.push({ key, column: name, rule: cell.note.rule, message: cell.note.message })
  }
  return { ...RecordFile.row(key, value), notes }
}

const sameHeader = (a: ReadonlyArray<string>, b: ReadonlyArray<string>) =>
  a.length === b.length && a.every((h, i) => h === b[i])

/** Batches of up to `size` records strictly after record offset `after`. */
const stream = (
  spec: RecordFile.Named,
  options: Options,
  plan: Plan,
  partition: Source.Partition,
  after: Source.Cursor | null,
  size: number,
): Stream.Stream<Source.SourceBatch<Row>, Source.SourceError> =>
  Stream.unwrapScoped(
    Effect.gen(function* () {
      if (partition.key !== Source.wholeSource.key)
        return yield* RecordFile.error(spec, "config", `has one partition, "*"; got "${partition.key}"`)
      if (!Number.isSafeInteger(size) || size < 1)
        return yield* RecordFile.error(spec, "config", `batch size must be a whole number ≥ 1, got ${size}`)
      const skip = yield* RecordFile.offsetOf(spec, after)
      const sheet = yield* Effect.acquireRelease(
        Effect.sync(() => openSheet(spec, options)),
        (s) => Effect.promise(s.close),
      )
      let offset = skip
      let toSkip = skip
      let headerSeen = false
      const next = async (): Promise<Source.SourceBatch<Row> | null> => {
        const rows: Array<Row> = []
        const keys: Array<string> = []
        const rejected: Array<Transform.Rejected> = []
        const notes: Array<Transform.Note> = []
        let taken = 0
        while (taken < size) {
          const step = await sheet.iterator.next()
          if (step.done === true) break
          if (!headerSeen) {
            headerSeen = true
            const header = planFor(spec, options, step.value).header
            if (!sameHeader(header, plan.header))
              throw RecordFile.error(
                spec,
                "config",
                "the header changed since the source was made; start again with the new file",
              )
            continue
          }
          if (toSkip > 0) {
            toSkip--
            continue
          }
          const entry = entryOf(plan, step.value)
          taken++
          if (entry._tag === "Row") {
            rows.push(entry.row)
            keys.push(entry.key)
            if (entry.notes !== undefined) notes.push(...entry.notes)
          } else rejected.push(entry.rejected)
        }
        if (taken === 0) return null
        offset += taken
        return { rows, keys, cursor: offset, rejected, notes }
      }
      return Stream.repeatEffectOption(
        Effect.tryPromise({ try: next, catch: (e) => Option.some(asSourceError(spec, e)) }).pipe(
          Effect.flatMap((batch) => (batch === null ? Effect.fail(Option.none()) : Effect.succeed(batch))),
        ),
      )
    }),
  )

/**
 * An XLSX source. Opens the workbook and reads the header first, so a wrong path, sheet or column
 * mapping, or a file that is not a workbook, fails here with one message, before anything runs.
 */
export const make = (options: Options): Effect.Effect<Source.SourceShape<Row>, Source.SourceError> =>
  Effect.gen(function* () {
    const spec: RecordFile.Named = { format, path: options.path }
    yield* RecordFile.check(spec)
    yield* sniff(spec)
    const plan = yield* Effect.acquireUseRelease(
      Effect.sync(() => openSheet(spec, options)),
      (sheet) =>
        Effect.tryPromise({
          try: async () => {
            const first = await sheet.iterator.next()
            if (first.done === true)
              throw RecordFile.error(spec, "config", "has no header row (the sheet is empty)")
            return planFor(spec, options, first.value)
          },
          catch: (e) => asSourceError(spec, e),
        }),
      (sheet) => Effect.promise(sheet.close),
    )
    return {
      describe: `${format} file ${options.path}${options.sheet === undefined ? "" : ` sheet ${JSON.stringify(options.sheet)}`}`,
      partitions: Effect.succeed([Source.wholeSource]),
      // The row count is only known after reading the sheet: no cheap estimate.
      estimate: () => Effect.succeed(null),
      stream: (partition, after, size) => stream(spec, options, plan, partition, after, size),
    }
  })
