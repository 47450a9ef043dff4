/**
 * PostgreSQL COPY text format, built by string concatenation: one line per row, tab-separated,
 * `\N` for null, backslash escapes for the four characters that need them.
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
