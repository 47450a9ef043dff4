/**
 * NDJSON files as a source: one JSON object per line. Blank lines are not records. A line that is not
 * JSON, or not an object, is rejected with its line number and the read goes on.
 */
import { StringDecoder } from "node:string_decoder"
import type { Source } from "@schoolbridge/core"
import { Effect } from "effect"
import * as RecordFile from "./RecordFile.js"

/** How to read an NDJSON file. */
export interface Options {
  readonly path: string
  /** Default `utf8` (checked; a BOM is dropped); any iconv-lite name such as `windows-1252`. */
  readonly encoding?: RecordFile.Encoding
  /** The field whose value is the record's key. Default: the line number (the first line is 1). */
  readonly keyColumn?: string
}

type Row = Record<string, unknown>

const kindOf = (value: unknown): string =>
  value === null ? "null" : Array.isArray(value) ? "an array" : `a ${typeof value}`

/** Splits text into lines across chunks and parses each line on its own. */
class Decoder implements RecordFile.Decoder<Row> {
  // RecordFile hands decoders UTF-8 whatever the file's encoding.
  private readonly text = new StringDecoder("utf8")
  private rest = ""
  private line = 0
  private first = true

  constructor(private readonly keyColumn: string | undefined) {}

  write(chunk: Buffer, out: Array<RecordFile.Entry<Row>>): void {
    this.lines(this.text.write(chunk), false, out)
  }

  end(out: Array<RecordFile.Entry<Row>>): void {
    this.lines(this.text.end(), true, out)
  }

  private lines(more: string, last: boolean, out: Array<RecordFile.Entry<Row>>): void {
    let text = more
    if (this.first && text.length > 0) {
      this.first = false
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1)
    }
    // Only the new text is searched, so a line longer than a chunk is not rescanned chunk after chunk.
    let start = 0
    for (let nl = text.indexOf("\n"); nl >= 0; nl = text.indexOf("\n", start)) {
      this.one(this.rest + text.slice(start, nl), out)
      this.rest = ""
      start = nl + 1
    }
    this.rest += text.slice(start)
    if (last && this.rest.length > 0) {
      this.one(this.rest, out)
      this.rest = ""
    }
  }

  private one(raw: string, out: Array<RecordFile.Entry<Row>>): void {
    this.line++
    const line = raw.endsWith("\r") ? raw.slice(0, -1) : raw
    if (line.trim() === "") return
    let value: unknown
    try {
      value = JSON.parse(line)
    } catch (e) {
      const why = e instanceof Error ? e.message : String(e)
      out.push(
        RecordFile.rejected(String(this.line), "bad_json", `line ${this.line} is not JSON: ${why}`, line),
      )
      return
    }
    if (typeof value !== "object" || value === null || Array.isArray(value)) {
      out.push(
        RecordFile.rejected(
          String(this.line),
          "not_an_object",
          `line ${this.line} holds ${kindOf(value)}, not an object`,
          value,
        ),
      )
      return
    }
    const row = value as Row
    const key =
      this.keyColumn === undefined
        ? String(this.line)
        : RecordFile.keyOf(Object.hasOwn(row, this.keyColumn) ? row[this.keyColumn] : undefined, this.line)
    out.push(RecordFile.row(key, row))
  }
}

/**
 * An NDJSON source. Checks that the file can be read, and reads it whole once so that text not in its
 * encoding fails here, before anything is written.
 */
export const make = (options: Options): Effect.Effect<Source.SourceShape<Row>, Source.SourceError> => {
  const spec: RecordFile.Spec<Row> = {
    format: "ndjson",
    path: options.path,
    ...(options.encoding === undefined ? {} : { encoding: options.encoding }),
    decoder: () => new Decoder(options.keyColumn),
  }
  return Effect.gen(function* () {
    yield* RecordFile.check(spec)
    yield* RecordFile.checkEncoding(spec)
    return RecordFile.source(spec, yield* RecordFile.scan(spec))
  })
}
