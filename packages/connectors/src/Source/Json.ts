/**
 * JSON files holding one top-level array of objects, read element by element without loading the file.
 * A scanner finds where each element starts and ends (tracking strings and nesting only); `JSON.parse`
 * then reads the element, so a malformed or non-object element is rejected alone, by its index.
 */
import { StringDecoder } from "node:string_decoder"
import type { Source } from "@schoolbridge/core"
import { Effect } from "effect"
import * as RecordFile from "./RecordFile.js"

/** How to read a JSON array file. */
export interface Options {
  readonly path: string
  /** Default `utf8` (checked; a BOM is dropped); any iconv-lite name such as `windows-1252`. */
  readonly encoding?: RecordFile.Encoding
  /** The field whose value is the record's key. Default: the array index (the first element is 0). */
  readonly keyColumn?: string
  /** An element longer than this many characters is rejected and ends the read. Default 10M. */
  readonly maxRecordSize?: number
}

type Row = Record<string, unknown>

/** Where the scanner is: before `[`, before an element, inside one, after `]`, or given up. */
type Phase = "start" | "open" | "comma" | "element" | "closed" | "stopped"

const SPACE = 32
const TAB = 9
const LF = 10
const CR = 13
const QUOTE = 34
const BACKSLASH = 92
const COMMA = 44
const OPEN_BRACKET = 91
const CLOSE_BRACKET = 93
const OPEN_BRACE = 123
const CLOSE_BRACE = 125

const isSpace = (c: number) => c === SPACE || c === LF || c === CR || c === TAB

const kindOf = (value: unknown): string =>
  value === null ? "null" : Array.isArray(value) ? "an array" : `a ${typeof value}`

class Decoder implements RecordFile.Decoder<Row> {
  private readonly text: StringDecoder
  private phase: Phase = "start"
  private first = true
  private index = 0
  private depth = 0
  private inString = false
  private escaped = false
  private parts: Array<string> = []
  private length = 0

  constructor(
    private readonly spec: RecordFile.Named,
    private readonly options: Options,
  ) {
    // RecordFile hands decoders UTF-8 whatever the file's encoding.
    this.text = new StringDecoder("utf8")
  }

  /** True once the opening `[` has been seen. */
  get started(): boolean {
    return this.phase !== "start"
  }

  write(chunk: Buffer, out: Array<RecordFile.Entry<Row>>): void {
    this.scan(this.text.write(chunk), out)
  }

  end(out: Array<RecordFile.Entry<Row>>): void {
    this.scan(this.text.end(), out)
    switch (this.phase) {
      case "start":
        throw RecordFile.error(this.spec, "config", "is empty; a JSON array of objects is expected")
      case "open":
      case "comma":
      case "element": {
        const text = this.parts.join("").trim()
        out.push(
          RecordFile.rejected(
            String(this.index),
            "bad_json",
            `the file ends before the array is closed, at element ${this.index} (is it truncated?)`,
            text === "" ? null : text.slice(0, 1000),
          ),
        )
        this.phase = "stopped"
        return
      }
      default:
        return
    }
  }

  private scan(more: string, out: Array<RecordFile.Entry<Row>>): void {
    let text = more
    if (this.first && text.length > 0) {
      this.first = false
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1)
    }
    let start = 0
    let i = 0
    const n = text.length
    while (i < n && this.phase !== "stopped") {
      const c = text.charCodeAt(i)
      switch (this.phase) {
        case "start":
          if (isSpace(c)) i++
          else if (c === OPEN_BRACKET) {
            this.phase = "open"
            i++
          } else {
            throw RecordFile.error(
              this.spec,
              "config",
              `is not a JSON array: it starts with ${JSON.stringify(text.slice(i, i + 20))}; ` +
                "a top-level array of objects is expected (for one object per line, use the NDJSON source)",
            )
          }
          break
        case "open":
        case "comma":
          if (isSpace(c)) i++
          else if (c === CLOSE_BRACKET) {
            // A trailing comma before `]` is let through: it hides no record.
            this.phase = "closed"
            i++
          } else {
            // The element starts here; this character is read again as its first.
            this.phase = "element"
            start = i
            this.depth = 0
            this.inString = false
            this.escaped = false
          }
          break
        case "element":
          if (this.inString) {
            if (this.escaped) this.escaped = false
            else if (c === BACKSLASH) this.escaped = true
            else if (c === QUOTE) this.inString = false
          } else if (c === QUOTE) this.inString = true
          else if (c === OPEN_BRACE || c === OPEN_BRACKET) this.depth++
          else if ((c === CLOSE_BRACE || c === CLOSE_BRACKET) && this.depth > 0) this.depth--
          else if ((c === COMMA || c === CLOSE_BRACKET) && this.depth === 0) {
            this.parts.push(text.slice(start, i))
            this.element(out)
            this.phase = c === COMMA ? "comma" : "closed"
          }
          i++
          if (
            this.phase === "element" &&
            this.length + (i - start) > (this.options.maxRecordSize ?? 10_000_000)
          ) {
            out.push(
              RecordFile.rejected(
                String(this.index),
                "bad_json",
                `element ${this.index} is longer than ${this.options.maxRecordSize ?? 10_000_000} characters; ` +
                  "the rest of the file is not read (an unclosed string?)",
                null,
              ),
            )
            this.phase = "stopped"
          }
          break
        case "closed":
          if (isSpace(c)) i++
          else {
            out.push(
              RecordFile.rejected(
                String(this.index),
                "bad_json",
                `text after the end of the array: ${JSON.stringify(text.slice(i, i + 20))}`,
                null,
              ),
            )
            this.phase = "stopped"
          }
          break
        default:
          i = n
      }
    }
    if (this.phase === "element") {
      this.parts.push(text.slice(start))
      this.length += n - start
    }
  }

  private element(out: Array<RecordFile.Entry<Row>>): void {
    const text = this.parts.length === 1 ? this.parts[0]! : this.parts.join("")
    this.parts = []
    this.length = 0
    const index = this.index++
    let value: unknown
    try {
      value = JSON.parse(text)
    } catch (e) {
      const why = text.trim() === "" ? "it is empty" : e instanceof Error ? e.message : String(e)
      out.push(
        RecordFile.rejected(
          String(index),
          "bad_json",
          `element ${index} is not JSON: ${why}`,
          text.slice(0, 1000),
        ),
      )
      return
    }
    if (typeof value !== "object" || value === null || Array.isArray(value)) {
      out.push(
        RecordFile.rejected(
          String(index),
          "not_an_object",
          `element ${index} is ${kindOf(value)}, not an object`,
          value,
        ),
      )
      return
    }
    const row = value as Row
    const k = this.options.keyColumn
    const key =
      k === undefined ? String(index) : RecordFile.keyOf(Object.hasOwn(row, k) ? row[k] : undefined, index)
    out.push(RecordFile.row(key, row))
  }
}

/** A JSON array source. Checks first that the file opens with `[`, so a wrong file fails before the run. */
export const make = (options: Options): Effect.Effect<Source.SourceShape<Row>, Source.SourceError> => {
  const named: RecordFile.Named = {
    format: "json",
    path: options.path,
    ...(options.encoding === undefined ? {} : { encoding: options.encoding }),
  }
  const spec: RecordFile.Spec<Row> = { ...named, decoder: () => new Decoder(named, options) }
  return Effect.gen(function* () {
    yield* RecordFile.check(spec)
    yield* RecordFile.checkEncoding(spec)
    const first = new Decoder(named, options)
    yield* RecordFile.probe(spec, first, () => first.started)
    // The whole file once, before anything is written: text not in its encoding fails here.
    return RecordFile.source(spec, yield* RecordFile.scan(spec))
  })
}
