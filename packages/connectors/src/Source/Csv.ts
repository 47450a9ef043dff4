/**
 * CSV files as a source, parsed by csv-parse. One partition; the cursor is the record offset. A record's
 * key is its key column's value or, without one, the line where the record starts (the header is line 1;
 * quoted fields with line breaks make a record span several lines). A record that cannot be read is
 * keyed by its line: `N` without a key column, `line N` with one.
 *
 * Every physical record is read, rejected or loaded: a record that breaks the quoting rules is rejected
 * with its lines and reading goes on at the next line. Where the damage has no bound (a quote that
 * never closes and swallows the rest of the file, or a quoted field that runs over lines and then
 * breaks) the source refuses the whole file when it is made, naming the line the quote opened on,
 * because a partial load would be worse than none. `make` reads the whole file once for that.
 */
import type { Source } from "@schoolbridge/core"
import { CsvError, Parser } from "csv-parse"
import { Effect } from "effect"
import * as RecordFile from "./RecordFile.js"

/** How to read a CSV file. */
export interface Options {
  readonly path: string
  /** Field separator, one character. Default `,`. */
  readonly delimiter?: string
  /** Quote character, one character. Default `"`; a doubled quote inside quotes is a literal quote. */
  readonly quote?: string
  /** Default `utf8` (checked; a BOM is dropped); any iconv-lite name such as `windows-1252`. */
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
  /**
   * A record longer than this many bytes (of UTF-8) is rejected; inside an open quote it refuses the
   * file (a runaway quote). Default 10M.
   */
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

const LF = 10
const CR = 13
const SPACE = 32
const TAB = 9

/** Values of a rejected record as it is kept in the ledger: long fields cut, so a bad record stays small. */
const rawOf = (fields: ReadonlyArray<string>): ReadonlyArray<string> =>
  fields.map((f) => (f.length > 1000 ? `${f.slice(0, 1000)}…` : f))

const lines = (from: number, to: number) => (from === to ? `line ${from}` : `lines ${from}-${to}`)

/** Line breaks in `bytes[from, to)`: CRLF, LF and a lone CR each end one line. */
const breaksIn = (bytes: Uint8Array, from: number, to: number): number => {
  let n = 0
  for (let i = from; i < to; i++) {
    const b = bytes[i]
    if (b === LF) n++
    else if (b === CR) {
      n++
      if (i + 1 < to && bytes[i + 1] === LF) i++
    }
  }
  return n
}

/** What csv-parse puts on the error it stops at (`__infoField`), as far as we read it. */
interface Stop {
  readonly code: string
  readonly message: string
  /** The record's text from where that parser began, up to the character it stopped at. */
  readonly raw: string
  /** Fields of the record finished before the one it stopped in. */
  readonly index: number
  /** Where the last field ended (at its delimiter), counted from where that parser began. */
  readonly bytes: number
  /** True when the field it stopped in was quoted and its quote closed. */
  readonly quoting: boolean
}

const stopOf = (e: CsvError): Stop => ({
  code: e.code,
  message: e.message,
  raw: typeof e.raw === "string" ? e.raw : "",
  index: typeof e.index === "number" ? e.index : 0,
  bytes: typeof e.bytes === "number" ? e.bytes : 0,
  quoting: e.quoting === true,
})

/** What csv-parse stops at in one record (a quote that never closes, `CSV_QUOTE_NOT_CLOSED`, is the file's). */
const recordErrors = new Set([
  "CSV_INVALID_CLOSING_QUOTE",
  "INVALID_OPENING_QUOTE",
  "CSV_NON_TRIMABLE_CHAR_AFTER_CLOSING_QUOTE",
  "CSV_MAX_RECORD_SIZE",
])

/**
 * Drives csv-parse by hand, chunk by chunk: records arrive through `on_record` in file order, between
 * the chunk that completes them and the next, so the parser's own stream buffer is never used. Around
 * it this keeps what csv-parse does not: the line numbers (its `info.lines` counts a CRLF inside a
 * quoted field twice), the bytes since the last record, and recovery. csv-parse stops for good at a
 * record that breaks the quoting rules; the record is rejected here and a fresh parser starts at the
 * next line, so the records after it are still read.
 */
class Decoder implements RecordFile.Decoder<Row> {
  private readonly delimiter: string
  private readonly quote: number
  private readonly max: number
  private parser: Parser
  // The bytes of the file from `at` on, as far as they have been written: at least from `start`.
  private bytes: Buffer = Buffer.alloc(0)
  private at = 0
  // Where the parser's input begins in the file; offsets in its records and errors count from here.
  private base = 0
  // Where the record being read begins (blank lines before it included), and its line.
  private start = 0
  private line = 1
  // After a rejected record: the parser is dead until the end of the line at `skipFrom`, `skipLine`.
  private skipFrom: number | null = null
  private skipLine = 0
  private out: Array<RecordFile.Entry<Row>> = []
  private plan: Plan | null = null
  private ended = false

  constructor(
    private readonly spec: RecordFile.Named,
    private readonly options: Options,
    private readonly onHeader: (header: ReadonlyArray<string>) => Plan,
  ) {
    this.delimiter = options.delimiter ?? ","
    this.quote = (options.quote ?? '"').charCodeAt(0)
    this.max = options.maxRecordSize ?? 10_000_000
    this.parser = this.parserAt(0, false)
  }

  /** The plan made from the header, once the header has been read. */
  get planned(): Plan | null {
    return this.plan
  }

  /** True once the header is known or the file has ended. */
  get settled(): boolean {
    return this.plan !== null || this.ended
  }

  write(chunk: Buffer, out: Array<RecordFile.Entry<Row>>): void {
    this.out = out
    const keep = this.skipFrom ?? this.start
    this.bytes = Buffer.concat([this.bytes.subarray(keep - this.at), chunk])
    this.at = keep
    this.pump(chunk, false)
  }

  end(out: Array<RecordFile.Entry<Row>>): void {
    this.out = out
    this.pump(Buffer.alloc(0), true)
    this.ended = true
  }

  /** A csv-parse parser for the file from byte `from` on; `raw` keeps each record's text. */
  private parserAt(from: number, raw: boolean): Parser {
    return new Parser({
      delimiter: this.delimiter,
      quote: String.fromCharCode(this.quote),
      encoding: "utf8",
      bom: from === 0,
      // Any of the three ends a line, as in `breaksIn`, never only the first one seen.
      record_delimiter: ["\r\n", "\n", "\r"],
      trim: this.options.trim ?? false,
      relax_quotes: this.options.relaxQuotes ?? false,
      max_record_size: this.max,
      raw,
      // Ragged rows are ours to reject, with the line number, not the parser's to stop at.
      relax_column_count: true,
      skip_empty_lines: true,
      on_record: raw
        ? () => null
        : (record: unknown, context) => {
            this.take(record as Array<string>, this.base + context.bytes)
            return null
          },
    })
  }

  /** Runs `input` (and, at the end, the end of the file) through the parser; what it stops at is dealt with and parsing starts again after it. */
  private pump(input: Buffer, atEnd: boolean): void {
    let fresh = input
    for (;;) {
      if (this.skipFrom !== null) {
        const next = this.lineAfter(this.skipFrom, atEnd)
        if (next === null) return
        this.skipFrom = null
        this.base = next
        this.start = next
        this.line = this.skipLine + 1
        this.parser = this.parserAt(next, false)
        fresh = this.bytes.subarray(next - this.at)
      }
      const e = this.run(this.parser, fresh, atEnd)
      if (e === undefined) return
      if (!(e instanceof CsvError)) throw e
      this.stopped(stopOf(e), atEnd)
    }
  }

  /** Feeds a parser; returns what it stopped at, if anything. */
  private run(parser: Parser, input: Buffer, atEnd: boolean): unknown {
    let stop: unknown
    if (input.length > 0) parser._transform(input, "utf8", (e) => (stop ??= e ?? undefined))
    if (stop === undefined && atEnd) parser._flush((e) => (stop ??= e ?? undefined))
    return stop
  }

  /** Where the line that holds byte `from` ends, the line break past; null until that is known. */
  private lineAfter(from: number, atEnd: boolean): number | null {
    const b = this.bytes
    for (let i = from - this.at; i < b.length; i++) {
      if (b[i] === LF) return this.at + i + 1
      if (b[i] === CR) {
        if (i + 1 < b.length) return this.at + i + (b[i + 1] === LF ? 2 : 1)
        // A CR at the end of what has been read: an LF may follow in the next chunk.
        return atEnd ? this.at + i + 1 : null
      }
    }
    return null
  }

  /**
   * Where the record that begins at `start` has its first line: past a BOM and the lines csv-parse
   * skips as empty (with `trim`, lines of spaces too).
   */
  private contentFrom(start: number): number {
    const b = this.bytes
    let i = start - this.at
    if (start === 0 && b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf) i += 3
    for (;;) {
      while (i < b.length && (b[i] === LF || b[i] === CR)) i++
      if (!this.options.trim) break
      let j = i
      while (j < b.length && (b[j] === SPACE || b[j] === TAB)) j++
      if (j === i || j >= b.length || (b[j] !== LF && b[j] !== CR)) break
      i = j
    }
    return this.at + i
  }

  private lineOf(first: number, from: number, to: number): number {
    return first + breaksIn(this.bytes, from - this.at, to - this.at)
  }

  /** The column (in characters, from 1) of byte `pos`, on a line that begins no earlier than `from`. */
  private columnOf(from: number, pos: number): number {
    const b = this.bytes
    let begin = from - this.at
    for (let i = pos - this.at - 1; i >= begin; i--) {
      if (b[i] === LF || b[i] === CR) {
        begin = i + 1
        break
      }
    }
    return b.toString("utf8", begin, pos - this.at).length + 1
  }

  private unbounded(what: string, line: number, column: number, last: number): Source.SourceError {
    return RecordFile.error(
      this.spec,
      "config",
      `the quote that opens a field on line ${line} (column ${column}) ${what}, so where the records of ${lines(line, last)} end cannot be known; ` +
        "close the quote (or write a quote inside a quoted field twice): the file is refused whole",
    )
  }

  /**
   * csv-parse stopped in the record that begins at `start`. A quote that never closes, or one that
   * closes lines later only to break off, refuses the file; anything else rejects the record, and
   * reading goes on at the line after the one it broke on.
   */
  private stopped(first: Stop, atEnd: boolean): void {
    if (first.code !== "CSV_QUOTE_NOT_CLOSED" && !recordErrors.has(first.code)) {
      throw RecordFile.error(this.spec, "query", `csv-parse failed: ${first.message}`, first)
    }
    // Parsed again from the record's start, keeping its text: the text says where csv-parse stopped.
    let stop = first
    // Where the offsets in `stop` count from: the parser that stopped, or the one run again.
    let origin = this.base
    if (first.code !== "CSV_QUOTE_NOT_CLOSED") {
      const again = this.run(
        this.parserAt(this.start, true),
        this.bytes.subarray(this.start - this.at),
        atEnd,
      )
      if (again instanceof CsvError) {
        stop = stopOf(again)
        origin = this.start
      }
    }
    const from = this.contentFrom(this.start)
    const firstLine = this.lineOf(this.line, this.start, from)
    // The field it stopped in begins after the last delimiter, past spaces when they are trimmed.
    let field = stop.index > 0 ? origin + stop.bytes + 1 : from
    if (this.options.trim) {
      while (this.bytes[field - this.at] === SPACE || this.bytes[field - this.at] === TAB) field++
    }
    const quoteLine = this.lineOf(firstLine, from, field)
    const quoteColumn = () => this.columnOf(from, field)
    if (stop.code === "CSV_QUOTE_NOT_CLOSED") {
      const end = this.at + this.bytes.length
      const lastByte = this.bytes[this.bytes.length - 1]
      const last = this.lineOf(firstLine, from, end) - (lastByte === LF || lastByte === CR ? 1 : 0)
      throw this.unbounded("is never closed", quoteLine, quoteColumn(), Math.max(last, quoteLine))
    }
    // The raw text ends with the character csv-parse stopped at: the quote, or what it found instead of a delimiter.
    const body = stop.raw.replace(/^[\r\n]+/, "")
    const reached = from + Buffer.byteLength(body)
    const errLine = this.lineOf(firstLine, from, reached)
    const quoted = this.bytes[field - this.at] === this.quote
    let rule: string
    let message: string
    let pos = reached
    switch (stop.code) {
      case "CSV_INVALID_CLOSING_QUOTE":
      case "CSV_NON_TRIMABLE_CHAR_AFTER_CLOSING_QUOTE": {
        if (stop.code === "CSV_NON_TRIMABLE_CHAR_AFTER_CLOSING_QUOTE") pos = reached - 1
        if (quoteLine < this.lineOf(firstLine, from, pos))
          throw this.unbounded(`breaks off on line ${errLine}`, quoteLine, quoteColumn(), errLine)
        const after = this.bytes.toString(
          "utf8",
          pos - this.at,
          Math.min(pos - this.at + 4, this.bytes.length),
        )
        rule = "bad_quote"
        message = `column ${this.columnOf(from, pos)}: ${JSON.stringify(String.fromCodePoint(after.codePointAt(0) ?? 0))} follows the closing quote of a field; inside a quoted field a quote is written twice ("")`
        break
      }
      case "INVALID_OPENING_QUOTE":
        rule = "stray_quote"
        message = `column ${this.columnOf(from, reached - 1)}: a quote inside a field that is not quoted; quote the whole field and write the quote twice ("")`
        break
      default:
        if (quoted && !stop.quoting)
          throw this.unbounded(
            `runs on for more than ${this.max.toLocaleString("en-US")} bytes`,
            quoteLine,
            quoteColumn(),
            errLine,
          )
        rule = "record_too_long"
        message = `the record is longer than ${this.max.toLocaleString("en-US")} bytes`
    }
    if (this.plan === null)
      throw RecordFile.error(this.spec, "config", `the header row cannot be read: ${message}`)
    // The record's text to the end of the line it broke on, as far as it has been read.
    const lineEnd = this.lineAfter(reached, true) ?? this.at + this.bytes.length
    const shown = this.bytes
      .toString("utf8", from - this.at, Math.min(lineEnd - this.at, from - this.at + 4000))
      .replace(/[\r\n]+$/, "")
    this.out.push(
      RecordFile.rejected(
        this.plan.keyIndex === null ? String(firstLine) : `line ${firstLine}`,
        rule,
        `${lines(firstLine, errLine)} could not be read: ${message}`,
        shown.length > 1000 ? `${shown.slice(0, 1000)}…` : shown,
      ),
    )
    this.skipFrom = reached
    this.skipLine = errLine
  }

  /** A record csv-parse read, ending at byte `end` of the file (its line break included). */
  private take(fields: ReadonlyArray<string>, end: number): void {
    const from = this.contentFrom(this.start)
    const first = this.lineOf(this.line, this.start, from)
    const next = this.lineOf(first, from, end)
    const lastByte = this.bytes[end - 1 - this.at]
    const last = lastByte === LF || lastByte === CR ? next - 1 : next
    this.start = end
    this.line = next
    const plan = this.plan
    if (plan === null) {
      this.plan = this.onHeader(fields)
      return
    }
    // With a key column, a record that cannot be read is keyed `line N`, so it is never mistaken for the
    // row whose key is N.
    if (fields.length !== plan.header.length) {
      this.out.push(
        RecordFile.rejected(
          plan.keyIndex === null ? String(first) : `line ${first}`,
          "ragged_row",
          `${lines(first, last)} ${first === last ? "has" : "hold"} ${fields.length} fields, the header has ${plan.header.length}`,
          rawOf(fields),
        ),
      )
      return
    }
    const value: Row = {}
    for (let i = 0; i < fields.length; i++) {
      const name = plan.names[i]
      if (name !== null && name !== undefined) value[name] = fields[i]
    }
    const key = plan.keyIndex === null ? String(first) : RecordFile.keyOf(fields[plan.keyIndex], first)
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
    const named: RecordFile.Named = {
      format,
      path: options.path,
      ...(options.encoding === undefined ? {} : { encoding: options.encoding }),
    }
    yield* RecordFile.check(named)
    yield* RecordFile.checkEncoding(named)
    for (const [option, value] of [
      ["delimiter", options.delimiter],
      ["quote", options.quote],
    ] as const) {
      if (value !== undefined && (value.length !== 1 || value === "\n" || value === "\r"))
        return yield* RecordFile.error(
          named,
          "config",
          `${option} must be one character other than a line break, got ${JSON.stringify(value)}`,
        )
    }
    const first = new Decoder(named, options, (header) => planFor(named, options, header))
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
      ...named,
      decoder: () =>
        new Decoder(named, options, (header) => {
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
    // The whole file once, before anything is written: a file that cannot be read whole fails here.
    const scanned = yield* RecordFile.scan(spec)
    return RecordFile.source(spec, scanned)
  })
