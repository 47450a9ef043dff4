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

/** One row as a COPY text line, newline included. */
export const line = (row: ReadonlyArray<unknown>): string => {
  let out = value(row[0])
  for (let i = 1; i < row.length; i++) out += `\t${value(row[i])}`
  return `${out}\n`
}

/** Rows encoded as COPY text, one `\n`-terminated line per row. */
export interface Block {
  readonly bytes: Buffer
  readonly rows: number
}

// Rows are joined into strings of this many before each write into the buffer: few enough that the
// temporary strings die young, enough that the per-write cost is shared.
const rowsPerWrite = 256

/** Encodes rows into one Buffer. */
export const block = (rows: ReadonlyArray<ReadonlyArray<unknown>>): Block => {
  let bytes = Buffer.allocUnsafe(Math.max(4096, rows.length * 200))
  let at = 0
  for (let start = 0; start < rows.length; start += rowsPerWrite) {
    let chunk = ""
    const end = Math.min(rows.length, start + rowsPerWrite)
    for (let i = start; i < end; i++) chunk += line(rows[i]!)
    // A UTF-16 code unit takes at most 3 UTF-8 bytes.
    if (at + chunk.length * 3 > bytes.length) {
      const bigger = Buffer.allocUnsafe(Math.max(bytes.length * 2, at + chunk.length * 3))
      bytes.copy(bigger, 0, 0, at)
      bytes = bigger
    }
    at += bytes.write(chunk, at, "utf8")
  }
  return { bytes: bytes.subarray(0, at), rows: rows.length }
}

/**
 * Where each row starts (and, last, where the block ends). Found by scanning for newlines, which
 * COPY text escapes inside values, so only isolating bad rows (rare) pays for it.
 */
export const offsets = (b: Block): Uint32Array => {
  const out = new Uint32Array(b.rows + 1)
  let at = 0
  for (let i = 0; i < b.rows; i++) {
    out[i] = at
    at = b.bytes.indexOf(10, at) + 1
  }
  out[b.rows] = b.bytes.length
  return out
}

/** The COPY text of the rows at `indices`, in that order. */
export const pick = (b: Block, starts: Uint32Array, indices: ReadonlyArray<number>): Buffer =>
  indices.length === b.rows
    ? b.bytes
    : Buffer.concat(indices.map((i) => b.bytes.subarray(starts[i]!, starts[i + 1]!)))
