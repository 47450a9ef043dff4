/**
 * CSV files as a source, parsed by csv-parse. One partition; the cursor is the record offset. A record's
 * key is its key column's value or, without one, the line where the record starts (the header is line 1;
 * quoted fields with line breaks make a record span several lines).
 */
import type { Source } from "@schoolbridge/core"
import { CsvError, Parser } from "csv-parse"
import { Effect } from "effect"
import * as RecordFile from "./RecordFile.js"

/** How to read a CSV file. */
export interface Options {
  readonly path: string
  /** Field separator. Default `,`. */
  readonly delimiter?: string
  /** Quote character. Default `"`; a doubled quote inside quotes is a literal quote. */
  readonly quote?: string
  /** Default `utf8` (a BOM is dropped); `latin1` for legacy exports. */
  readonly encoding?: RecordFile.Encoding
  /** Renames header columns to row fields: `{ "Student Name": "name" }`. Each header named must exist. */
  readonly columns?: Readonly<Record<string, string>>
  /** What happens to header columns `columns` does not name. Default `keep` (under their header name). */
  readonly unmappedColumns?: "keep" | "drop"
  /** The row field (after renaming) whose value is the record's key. Default: the line number. */
  readonly keyColumn?: string
  /** Trims spaces around unquoted fields. Default false. */
  readonly trim?: boolean
  /** Reads a stray quote inside an unquoted field (`5'10"`) as a character instead of an error. Default false. */
  readonly relaxQuotes?: boolean
  /** A record longer than this many characters is rejected and ends the read (a runaway quote). Default 10M. */
  readonly maxRecordSize?: number
}

type Row = Record<string, unknown>

/** What to do with each field of a record, worked out once from the header. */
interface Plan {
  readonly header: ReadonlyArray<string>
  /** The row field of each column, null when dropped. */
  readonly names: ReadonlyArray<string | null>
  /** The column holding the key, null when keys are line numbers. */
  readonly keyIndex: number | null
}

const format = "csv"

/** Line breaks at the start of a record's raw text: blank lines the parser skipped before it. */
const leadingBreaks = (raw: string): number => {
  let end = 0
  while (end < raw.length && (raw.charCodeAt(end) === 10 || raw.charCodeAt(end) === 13)) end++
  return RecordFile.lineBreaks(raw, 0, end)
}

/**
 * Drives csv-parse by hand, chunk by chunk: records arrive through `on_record` in file order, between
 * the chunk that completes them and the next, so the parser's own stream buffer is never used. Line
 * numbers are counted here from each record's raw text, because csv-parse's `info.lines` counts a CRLF
 * inside a quoted field twice.
 */
class Decoder implements RecordFile.Decoder<Row> {
  private readonly parser: Parser
  private out: Array<RecordFile.Entry<Row>> = []
  private nextLine = 1
  private plan: Plan | null = null
  private stopped = false

  constructor(
    options: Options,
    private readonly onHeader: (header: ReadonlyArray<string>) => Plan,
  ) {
    const encoding = options.encoding ?? "utf8"
    this.parser = new Parser({
      delimiter: options.delimiter ?? ",",
      quote: options.quote ?? '"',
      encoding,
      bom: encoding === "utf8",
      trim: options.trim ?? false,
      relax_quotes: options.relaxQuotes ?? false,
      max_record_size: options.maxRecordSize ?? 10_000_000,
      raw: true,
      // Ragged rows are ours to reject, with the line number, not the parser's to fail on.
      relax_column_count: true,
      skip_empty_lines: true,
      on_record: (record: unknown, context) => {
        this.take((record as { readonly record: Array<string> }).record, context.raw ?? "")
        return null
      },
    })
  }

  /** The plan made from the header, once the header has been read. */
  get planned(): Plan | null {
    return this.plan
  }

  /** True once the header is known or the file turned out unreadable. */
  get settled(): boolean {
    return this.plan !== null || this.stopped
  }

  write(chunk: Buffer, out: Array<RecordFile.Entry<Row>>): void {
    if (this.stopped) return
    this.out = out
    // The encoding argument is ignored: csv-parse decodes with its own `encoding` option.
    this.parser._transform(chunk, "utf8", (e) => this.settle(e))
  }

  end(out: Array<RecordFile.Entry<Row>>): void {
    if (this.stopped) return
    this.out = out
    this.parser._flush((e) => this.settle(e))
    this.stopped = true
  }

  private settle(e: unknown): void {
    if (e === undefined || e === null) return
    if (!(e instanceof CsvError)) throw e
    // After a syntax error csv-parse cannot find the next record boundary: the rest is one rejection.
    this.stopped = true
    const raw = typeof e.raw === "string" ? e.raw : ""
    const line = this.nextLine + leadingBreaks(raw)
    this.out.push(
      RecordFile.rejected(
        String(line),
        "bad_csv",
        `line ${line} and after could not be read: ${e.message}`,
        raw.slice(0, 1000),
      ),
    )
  }

  private take(fields: Array<string>, raw: string): void {
    const line = this.nextLine + leadingBreaks(raw)
    this.nextLine += RecordFile.lineBreaks(raw)
    const plan = this.plan
    if (plan === null) {
      this.plan = this.onHeader(fields)
      return
    }
    if (fields.length !== plan.header.length) {
      this.out.push(
        RecordFile.rejected(
          String(line),
          "ragged_row",
          `line ${line} has ${fields.length} fields, the header has ${plan.header.length}`,
          fields,
        ),
      )
      return
    }
    const value: Row = {}
    for (let i = 0; i < fields.length; i++) {
      const name = plan.names[i]
      if (name !== null && name !== undefined) value[name] = fields[i]
    }
    const key = plan.keyIndex === null ? String(line) : RecordFile.keyOf(fields[plan.keyIndex], line)
    this.out.push(RecordFile.row(key, value))
  }
}

const otherDelimiters = [";", "\t", "|", ","]

/** Works out the plan from the header, or says what to fix in the options. */
const planFor = (spec: RecordFile.Named, options: Options, header: ReadonlyArray<string>): Plan => {
  const fail = (message: string): never => {
    const delimiter = options.delimiter ?? ","
    const hint =
      header.length === 1 ? otherDelimiters.find((d) => d !== delimiter && header[0]!.includes(d)) : undefined
    throw RecordFile.error(
      spec,
      "config",
      hint === undefined
        ? message
        : `${message} (the header is one column: is the delimiter ${JSON.stringify(hint)}?)`,
    )
  }
  const seen = new Set<string>()
  for (const h of header) {
    if (seen.has(h)) fail(`the header has column ${JSON.stringify(h)} twice; make the names unique`)
    seen.add(h)
  }
  const mapping = options.columns ?? {}
  const missing = Object.keys(mapping).filter((h) => !seen.has(h))
  if (missing.length > 0) {
    fail(
      `the header has no column ${missing.map((m) => JSON.stringify(m)).join(", ")} named in \`columns\`; ` +
        `it has ${header.map((h) => JSON.stringify(h)).join(", ")}`,
    )
  }
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
    if (keyIndex < 0) {
      fail(
        `the key column ${JSON.stringify(options.keyColumn)} is not a row field; ` +
          `the fields are ${[...fields].map((f) => JSON.stringify(f)).join(", ")}`,
      )
    }
  }
  return { header, names, keyIndex }
}

/**
 * A CSV source. Checks the file and its header first, so a wrong path, delimiter or column mapping fails
 * here with one message, before anything runs.
 */
export const make = (options: Options): Effect.Effect<Source.SourceShape<Row>, Source.SourceError> =>
  Effect.gen(function* () {
    const named: RecordFile.Named = { format, path: options.path }
    yield* RecordFile.check(named)
    const first = new Decoder(options, (header) => planFor(named, options, header))
    const { entries } = yield* RecordFile.probe(named, first, () => first.settled)
    const plan = first.planned
    if (plan === null) {
      const bad = entries.find((e) => e._tag === "Rejected")
      return yield* RecordFile.error(
        named,
        "config",
        bad?._tag === "Rejected"
          ? `the header row cannot be read: ${bad.rejected.reasons[0]?.message}`
          : "has no header row (the file is empty)",
      )
    }
    const spec: RecordFile.Spec<Row> = {
      format,
      path: options.path,
      decoder: () =>
        new Decoder(options, (header) => {
          const same = header.length === plan.header.length && header.every((h, i) => h === plan.header[i])
          if (!same) {
            throw RecordFile.error(
              named,
              "config",
              "the header changed since the source was made; start again with the new file",
            )
          }
          return plan
        }),
    }
    return RecordFile.source(spec)
  })
