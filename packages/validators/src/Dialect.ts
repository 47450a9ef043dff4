import type { ColumnKind } from "./Declaration.js"

/**
 * The SQL each side needs to compute the same thing: quoted names, the canonical text of a
 * value, and a 60-bit slice of the md5 of a row's canonical text. 60 bits (15 hex digits) rather
 * than 64 so the slice is a non-negative integer on both sides: PostgreSQL has no unsigned
 * bigint, and sums of these over a billion rows still fit both databases' exact decimals.
 */
export interface Dialect {
  readonly name: "mysql" | "postgresql"
  /** Quotes one identifier or a dotted path of them. */
  readonly id: (name: string) => string
  /** Canonical text of a value of this kind, or SQL null. */
  readonly canonical: (expr: string, type: ColumnKind) => string
  /** Text of a key or tenant value. */
  readonly text: (expr: string) => string
  /** Concatenation of canonical fields, with null written as a marker so null and '' differ. */
  readonly row: (fields: ReadonlyArray<string>) => string
  /** md5 as lowercase hex. */
  readonly md5: (textExpr: string) => string
  /** A non-negative integer from the first 15 hex digits of an md5. */
  readonly slice60: (md5Expr: string) => string
}

const quoteWith = (q: string) => (name: string) =>
  name
    .split(".")
    .map((part) => `${q}${part.split(q).join(q + q)}${q}`)
    .join(".")

/** MySQL / MariaDB. */
export const mysql: Dialect = {
  name: "mysql",
  id: quoteWith("`"),
  canonical: (expr, type) => {
    switch (type.kind) {
      case "text":
        return `convert(${expr} using utf8mb4)`
      case "integer":
        return `cast(${expr} as char)`
      case "decimal":
        return `cast(cast(${expr} as decimal(65, ${Math.trunc(type.scale)})) as char)`
      case "boolean":
        return `case when ${expr} is null then null when ${expr} <> 0 then 't' else 'f' end`
      case "date":
        return `nullif(date_format(${expr}, '%Y-%m-%d'), '0000-00-00')`
      case "timestamp":
        return `nullif(date_format(${expr}, '%Y-%m-%d %H:%i:%s'), '0000-00-00 00:00:00')`
    }
  },
  text: (expr) => `convert(${expr} using utf8mb4)`,
  row: (fields) =>
    `concat(${fields.map((f) => `coalesce(${f}, char(30 using utf8mb4))`).join(", char(31 using utf8mb4), ")})`,
  md5: (t) => `md5(${t})`,
  slice60: (m) => `cast(conv(substr(${m}, 1, 15), 16, 10) as unsigned)`,
}

/** PostgreSQL. */
export const postgresql: Dialect = {
  name: "postgresql",
  id: quoteWith('"'),
  canonical: (expr, type) => {
    switch (type.kind) {
      case "text":
        return `(${expr})::text`
      case "integer":
        return `(${expr})::bigint::text`
      case "decimal":
        return `round((${expr})::numeric, ${Math.trunc(type.scale)})::text`
      case "boolean":
        return `case when (${expr}) is null then null when (${expr})::boolean then 't' else 'f' end`
      case "date":
        return `to_char(${expr}, 'YYYY-MM-DD')`
      case "timestamp":
        return `to_char(${expr}, 'YYYY-MM-DD HH24:MI:SS')`
    }
  },
  text: (expr) => `(${expr})::text`,
  row: (fields) => `concat(${fields.map((f) => `coalesce(${f}, chr(30))`).join(", chr(31), ")})`,
  md5: (t) => `md5(${t})`,
  slice60: (m) => `('x' || substr(${m}, 1, 15))::bit(60)::bigint`,
}
