/**
 * PostgreSQL COPY text format: one line per row, tab-separated, `\N` for null, backslash escapes
 * for the four characters that need them. A batch is written straight into one Buffer with the
 * offset of each row, so no per-row string outlives its row (the garbage collector thanks us) and
 * any subset of rows can be cut out again when bad rows must be isolated.
 */

const needsEscape = /[\\\n\r\t]/
const escapeAll = /[\\\n\r\t]/g
const escapes: Record<string, string> = { "\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t" }

const text = (s: string) => (needsEscape.test(s) ? s.replace(escapeAll, (c) => escapes[c]!) : s)

/** One value as COPY text. Objects and arrays become JSON (for json/jsonb columns). */
export const value = (v: unknown): string => {
  switch (typeof v) {
    case "string":
      return text(v)
    case "number":
    case "bigint":
      return String(v)
    case "boolean":
      return v ? "t" : "f"
    case "undefined":
      return "\\N"
    default:
      if (v === null) return "\\N"
      if (v instanceof Date) return v.toISOString()
      if (Buffer.isBuffer(v)) return `\\\\x${v.toString("hex")}`
      return text(JSON.stringify(v, jsonSafe))
  }
}

/** JSON.stringify replacer that keeps bigints (as strings) instead of throwing on them. */
export const jsonSafe = (_key: string, v: unknown): unknown => (typeof v === "bigint" ? v.toString() : v)

// The common cases first: plain strings need only the escape test, numbers only String().
const fast = (v: unknown): string =>
  typeof v === "string"
    ? needsEscape.test(v)
      ? text(v)
      : v
    : v === null || v === undefined
      ? "\\N"
      : typeof v === "number"
        ? String(v)
        : value(v)

/** One row as a COPY text line, newline included. */
export const line = (row: ReadonlyArray<unknown>): string => {
  let out = fast(row[0])
  for (let i = 1; i < row.length; i++) out = out + "\t" + fast(row[i])
  return out + "\n"
}

/**
 * Rows encoded as COPY text, one `\n`-terminated line per row, in pieces of a few hundred rows: a
 * COPY writes the pieces one after another, so the bytes are never copied into one big buffer.
 */
export interface Block {
  readonly pieces: ReadonlyArray<Buffer>
  readonly rows: number
}

// Rows are joined into strings of this many, each written into the chunk's buffer at once: few
// enough that the temporary strings die young, enough that the per-write cost is shared.
// TextEncoder.encodeInto into one preallocated buffer measured faster than Buffer.from per string
// (which measures the bytes first, then allocates) and than Buffer#write.
const rowsPerPiece = 256
const utf8 = new TextEncoder()

/** Encodes rows as COPY text bytes. */
export const block = (rows: ReadonlyArray<ReadonlyArray<unknown>>): Block => {
  let bytes = Buffer.allocUnsafe(Math.max(4096, rows.length * 192))
  let at = 0
  for (let start = 0; start < rows.length; start += rowsPerPiece) {
    let piece = ""
    const end = Math.min(rows.length, start + rowsPerPiece)
    for (let i = start; i < end; i++) piece += line(rows[i]!)
    for (;;) {
      const r = utf8.encodeInto(piece, bytes.subarray(at))
      if (r.read === piece.length) {
        at += r.written
        break
      }
      // Out of room: a bigger buffer, and the piece again from its start.
      const bigger = Buffer.allocUnsafe(Math.max(bytes.length * 2, at + piece.length * 3))
      bytes.copy(bigger, 0, 0, at)
      bytes = bigger
    }
  }
  return { pieces: [bytes.subarray(0, at)], rows: rows.length }
}

/** Blocks one after another, as one block. */
export const join = (blocks: ReadonlyArray<Block>): Block =>
  blocks.length === 1
    ? blocks[0]!
    : { pieces: blocks.flatMap((b) => b.pieces), rows: blocks.reduce((n, b) => n + b.rows, 0) }

/**
 * A block flattened, with where each row starts (and, last, where the bytes end). Row starts are
 * found by scanning for newlines, which COPY text escapes inside values; only isolating bad rows
 * (rare) pays for it.
 */
export interface Rows {
  readonly bytes: Buffer
  readonly starts: Uint32Array
}

/** Flattens a block and finds its rows. */
export const rows = (b: Block): Rows => {
  const bytes = b.pieces.length === 1 ? b.pieces[0]! : Buffer.concat(b.pieces)
  const starts = new Uint32Array(b.rows + 1)
  let at = 0
  for (let i = 0; i < b.rows; i++) {
    starts[i] = at
    at = bytes.indexOf(10, at) + 1
  }
  starts[b.rows] = bytes.length
  return { bytes, starts }
}

/** The COPY text of the rows at `indices`, in that order. */
export const pick = (r: Rows, indices: ReadonlyArray<number>): Buffer =>
  indices.length === r.starts.length - 1
    ? r.bytes
    : Buffer.concat(indices.map((i) => r.bytes.subarray(r.starts[i]!, r.starts[i + 1]!)))

const unescapes: Record<string, string> = { "\\\\": "\\", "\\n": "\n", "\\r": "\r", "\\t": "\t" }

/** The values of row `index` as they were sent (`\\N` as null), for reporting a row the database refused. */
export const decode = (r: Rows, index: number): Array<string | null> =>
  r.bytes
    .toString("utf8", r.starts[index]!, r.starts[index + 1]! - 1)
    .split("\t")
    .map((v) => (v === "\\N" ? null : v.replace(/\\[\\nrt]/g, (e) => unescapes[e] ?? e)))
