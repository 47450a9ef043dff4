/**
 * CSV files as a source, read by a tokenizer of our own. One partition; the cursor is the record offset.
 * A record's key is its key column's value or, without one, the line where the record starts (the
 * header is line 1; quoted fields with line breaks make a record span several lines). A record that
 * cannot be read is keyed by its line: `N` without a key column, `line N` with one.
 *
 * Every physical record is read, rejected or loaded: a record that breaks the quoting rules is rejected
 * with its lines and reading goes on at the next line. Where the damage has no bound (a quote that
 * never closes and swallows the rest of the file, or a quoted field that runs over lines and then
 * breaks) the source refuses the whole file when it is made, naming the line the quote opened on,
 * because a partial load would be worse than none. `make` reads the whole file once for that.
 */
import { StringDecoder } from "node:string_decoder"
import type { Source } from "@schoolbridge/core"
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
   * A record longer than this many characters is rejected; inside an open quote it refuses the file
   * (a runaway quote). Default 10M.
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

/** What is wrong with the record being read: the first problem found. */
interface Problem {
  readonly rule: string
  readonly message: string
}

/** Values of a rejected record as it is kept in the ledger: long fields cut, so a bad record stays small. */
const rawOf = (fields: ReadonlyArray<string>): ReadonlyArray<string> =>
  fields.map((f) => (f.length > 1000 ? `${f.slice(0, 1000)}…` : f))

const lines = (from: number, to: number) => (from === to ? `line ${from}` : `lines ${from}-${to}`)

/**
 * Splits UTF-8 text into records, chunk by chunk, keeping its state between chunks (an open quote, a
 * quote that may be the first of a pair, a CR whose LF may come next). CRLF, LF and a lone CR each end
 * a line; line breaks inside quotes stay in the value. Content is sliced out of each chunk in runs,
 * not appended a character at a time.
 */
class Decoder implements RecordFile.Decoder<Row> {
  private readonly text = new StringDecoder("utf8")
  private readonly delimiter: number
  private readonly quote: number
  private readonly trim: boolean
  private readonly relax: boolean
  private readonly max: number
  private first = true
  // Where the next character is.
  private line = 1
  private column = 1
  private lastCr = false
  // The record being read.
  private fields: Array<string> = []
  private field = ""
  private started = false
  private recordLine = 1
  private size = 0
  private discarding = false
  private problem: Problem | null = null
  // The field being read.
  private quoted = false
  private inQuotes = false
  private quotePending = false
  private closed = false
  private quoteLine = 0
  private quoteColumn = 0
  // A CR ended the last record; an LF right after it is part of the same line break.
  private crPending = false
  private plan: Plan | null = null
  private ended = false

  constructor(
    private readonly spec: RecordFile.Named,
    options: Options,
    private readonly onHeader: (header: ReadonlyArray<string>) => Plan,
  ) {
    this.delimiter = (options.delimiter ?? ",").charCodeAt(0)
    this.quote = (options.quote ?? '"').charCodeAt(0)
    this.trim = options.trim ?? false
    this.relax = options.relaxQuotes ?? false
    this.max = options.maxRecordSize ?? 10_000_000
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
    this.feed(this.text.write(chunk), out)
  }

  end(out: Array<RecordFile.Entry<Row>>): void {
    this.feed(this.text.end(), out)
    this.ended = true
    if (this.quotePending) {
      // The file ends right after a quote: it closed the field.
      this.quotePending = false
      this.inQuotes = false
      this.closed = true
    }
    // The last line that holds anything: a file that ends with a line break has no line after it.
    const last = this.column === 1 && this.line > 1 ? this.line - 1 : this.line
    if (this.inQuotes) throw this.unbounded("is never closed", last)
    if (this.started) this.endRecord(last, out)
  }

  private unbounded(what: string, at: number): Source.SourceError {
    return RecordFile.error(
      this.spec,
      "config",
      `the quote that opens a field on line ${this.quoteLine} (column ${this.quoteColumn}) ${what}, so where the records of ${lines(this.quoteLine, at)} end cannot be known; ` +
        "close the quote (or write a quote inside a quoted field twice): the file is refused whole",
    )
  }

  private fail(rule: string, message: string): void {
    this.problem ??= { rule, message }
  }

  /** Adds `text[from, to)` to the field; a record over the size limit stops growing. */
  private take(text: string, from: number, to: number): void {
    if (to <= from || this.discarding) return
    this.size += to - from
    if (this.size > this.max) {
      if (this.inQuotes)
        throw this.unbounded(
          `runs on for more than ${this.max.toLocaleString("en-US")} characters`,
          this.line,
        )
      this.fail(
        "record_too_long",
        `the record is longer than ${this.max.toLocaleString("en-US")} characters; its values are not kept`,
      )
      this.discarding = true
      this.field = ""
      return
    }
    this.field += text.slice(from, to)
  }

  private endField(): void {
    const value = this.trim && !this.quoted ? this.field.trim() : this.field
    if (!this.discarding) this.fields.push(value)
    this.field = ""
    this.quoted = false
    this.closed = false
  }

  private feed(input: string, out: Array<RecordFile.Entry<Row>>): void {
    let text = input
    if (this.first && text.length > 0) {
      this.first = false
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1)
    }
    const n = text.length
    let seg = 0
    for (let i = 0; i < n; i++) {
      const c = text.charCodeAt(i)
      const here = this.line
      const column = this.column
      if (c === CR) {
        this.line++
        this.column = 1
        this.lastCr = true
      } else if (c === LF) {
        if (!this.lastCr) this.line++
        this.column = 1
        this.lastCr = false
      } else {
        this.column++
        this.lastCr = false
      }
      if (this.inQuotes) {
        if (!this.quotePending) {
          if (c === this.quote) {
            this.take(text, seg, i)
            this.quotePending = true
            seg = i + 1
          }
          continue
        }
        this.quotePending = false
        if (c === this.quote) {
          // The second of a doubled quote: a literal quote, the start of the next run.
          seg = i
          continue
        }
        this.inQuotes = false
        this.closed = true
        seg = i
      }
      if (this.crPending) {
        this.crPending = false
        if (c === LF) {
          seg = i + 1
          continue
        }
      }
      if (c === CR || c === LF) {
        if (this.started) {
          this.take(text, seg, i)
          this.endRecord(here, out)
        }
        this.crPending = c === CR
        seg = i + 1
        continue
      }
      if (!this.started) {
        this.started = true
        this.recordLine = here
        seg = i
      }
      if (c === this.delimiter) {
        this.take(text, seg, i)
        this.endField()
        seg = i + 1
        continue
      }
      if (this.closed) {
        if (this.trim && (c === SPACE || c === TAB)) {
          seg = i + 1
          continue
        }
        // Something other than a delimiter or a line break after a closing quote.
        if (!this.relax) {
          if (this.quoteLine < here) throw this.unbounded(`breaks off on line ${here}`, here)
          this.fail(
            "bad_quote",
            `column ${column}: ${JSON.stringify(text[i])} follows the closing quote of a field; inside a quoted field a quote is written twice ("")`,
          )
        }
        // Read the rest of the field as plain text, the quote included.
        this.field += String.fromCharCode(this.quote)
        this.closed = false
        seg = i
        continue
      }
      if (c === this.quote) {
        const before = this.field + text.slice(seg, i)
        if (!this.quoted && (before === "" || (this.trim && before.trim() === ""))) {
          this.field = ""
          this.inQuotes = true
          this.quoted = true
          this.quoteLine = here
          this.quoteColumn = column
          seg = i + 1
          continue
        }
        if (!this.relax)
          this.fail(
            "stray_quote",
            `column ${column}: a quote inside a field that is not quoted; quote the whole field and write the quote twice ("")`,
          )
      }
    }
    if (this.started && !this.quotePending) this.take(text, seg, n)
  }

  private endRecord(last: number, out: Array<RecordFile.Entry<Row>>): void {
    this.endField()
    const fields = this.fields
    const first = this.recordLine
    const problem = this.problem
    this.fields = []
    this.started = false
    this.size = 0
    this.discarding = false
    this.problem = null
    const plan = this.plan
    if (plan === null) {
      if (problem !== null)
        throw RecordFile.error(this.spec, "config", `the header row cannot be read: ${problem.message}`)
      this.plan = this.onHeader(fields)
      return
    }
    // With a key column, a record that cannot be read is keyed `line N`, so it is never mistaken for the
    // row whose key is N.
    const badKey = plan.keyIndex === null ? String(first) : `line ${first}`
    if (problem !== null) {
      out.push(
        RecordFile.rejected(
          badKey,
          problem.rule,
          `${lines(first, last)} could not be read: ${problem.message}`,
          rawOf(fields),
        ),
      )
      return
    }
    if (fields.length !== plan.header.length) {
      out.push(
        RecordFile.rejected(
          badKey,
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
    out.push(RecordFile.row(key, value))
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
