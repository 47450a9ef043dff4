import type { ColumnKind } from "./Declaration.js"

/**
 * The SQL each side needs to compute the same thing: quoted names, the canonical text of a
 * value, and a 60-bit slice of the md5 of a row's canonical text. 60 bits (15 hex digits) rather
 * than 64 so the slice is a non-negative integer on both sides: PostgreSQL has no unsigned
 * bigint, and sums of these over a billion rows still fit both databases' exact decimals.
 */
export interface Dialect {
  readonly name: "mysql" | "postgresql" | "sqlite"
  /** Quotes one identifier or a dotted path of them. */
  readonly id: (name: string) => string
  /** The placeholder of the `n`th parameter of a statement (from 1). */
  readonly param: (n: number) => string
  /** Canonical text of a value of this kind, or SQL null. */
  readonly canonical: (expr: string, type: ColumnKind) => string
  /** Text of a key or tenant value. */
  readonly text: (expr: string) => string
  /** Concatenation of non-null texts. */
  readonly concat: (texts: ReadonlyArray<string>) => string
  /** Concatenation of canonical fields, with null written as a marker so null and '' differ. */
  readonly row: (fields: ReadonlyArray<string>) => string
  /** md5 as lowercase hex. */
  readonly md5: (textExpr: string) => string
  /** A non-negative integer from the first 15 hex digits of an md5. */
  readonly slice60: (md5Expr: string) => string
  /** The exact sum of 60-bit slices over a group (as a number or decimal text), null over no rows. */
  readonly hashSum: (sliceExpr: string) => string
  /** The exact sum over a group of values rounded to `scale` places, as decimal text; null over no rows. */
  readonly decimalSum: (expr: string, scale: number) => string
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
  param: () => "?",
  canonical: (expr, type) => {
    switch (type.kind) {
      case "text":
        return `convert(${expr} using utf8mb4)`
      case "integer":
        // Through a number, so a zero-filled column (`0000000123`) reads as the number it holds.
        return `cast(cast(${expr} as decimal(65, 0)) as char)`
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
  concat: (texts) => `concat(${texts.join(", ")})`,
  row: (fields) =>
    `concat(${fields.map((f) => `coalesce(${f}, char(30 using utf8mb4))`).join(", char(31 using utf8mb4), ")})`,
  md5: (t) => `md5(${t})`,
  slice60: (m) => `cast(conv(substr(${m}, 1, 15), 16, 10) as unsigned)`,
  hashSum: (s) => `sum(${s})`,
  decimalSum: (expr, scale) => `sum(cast(${expr} as decimal(65, ${Math.trunc(scale)})))`,
}

/** PostgreSQL. */
export const postgresql: Dialect = {
  name: "postgresql",
  id: quoteWith('"'),
  param: (n) => `$${n}`,
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
  concat: (texts) => `concat(${texts.join(", ")})`,
  row: (fields) => `concat(${fields.map((f) => `coalesce(${f}, chr(30))`).join(", chr(31), ")})`,
  md5: (t) => `md5(${t})`,
  slice60: (m) => `('x' || substr(${m}, 1, 15))::bit(60)::bigint`,
  hashSum: (s) => `sum(${s})`,
  decimalSum: (expr, scale) => `sum(round((${expr})::numeric, ${Math.trunc(scale)}))::text`,
}

/**
 * The SQL functions the SQLite dialect calls that SQLite does not have. `SourceDatabase.fromSqlite`
 * registers them (written in TypeScript, in `SqliteFunctions`) on the connection.
 */
export const sqliteFunctions = {
  md5: "sb_md5",
  slice60: "sb_slice60",
  decimal: "sb_decimal",
  hashSum: "sb_hash_sum",
  decimalSum: "sb_decimal_sum",
} as const

// SQLite keeps whatever a column was given: dates as text (zero dates too), booleans as 0/1 or
// words, decimals as REAL or TEXT. Each canonical form reads all of them.
const sqliteZero = (expr: string, zero: string) => `cast(${expr} as text) like '${zero}%'`
// Eight digits are a compact date (`20240131`), as the cleansers read them, before Unix time.
const sqliteDate = (expr: string, format: string) =>
  `case when ${expr} is null or ${sqliteZero(expr, "0000-00-00")} then null
        when cast(${expr} as text) glob '[0-9][0-9][0-9][0-9][0-1][0-9][0-3][0-9]'
          then strftime('${format}', substr(${expr}, 1, 4) || '-' || substr(${expr}, 5, 2) || '-' || substr(${expr}, 7, 2))
        when typeof(${expr}) = 'integer' then strftime('${format}', ${expr}, 'unixepoch')
        else strftime('${format}', ${expr}) end`

/** SQLite, with the functions of `sqliteFunctions` registered. */
export const sqlite: Dialect = {
  name: "sqlite",
  id: quoteWith('"'),
  param: () => "?",
  canonical: (expr, type) => {
    switch (type.kind) {
      case "text":
        return `cast(${expr} as text)`
      case "integer":
        return `cast(cast(${expr} as integer) as text)`
      case "decimal":
        return `${sqliteFunctions.decimal}(${expr}, ${Math.trunc(type.scale)})`
      case "boolean":
        return `case when ${expr} is null then null
                     when typeof(${expr}) in ('integer', 'real') then case when ${expr} <> 0 then 't' else 'f' end
                     when lower(trim(${expr})) in ('t', 'true', 'y', 'yes', 'on', '1') then 't'
                     when lower(trim(${expr})) in ('f', 'false', 'n', 'no', 'off', '0') then 'f'
                     else cast(${expr} as text) end`
      case "date":
        return sqliteDate(expr, "%Y-%m-%d")
      case "timestamp":
        return sqliteDate(expr, "%Y-%m-%d %H:%M:%S")
    }
  },
  text: (expr) => `cast(${expr} as text)`,
  concat: (texts) => `(${texts.join(" || ")})`,
  row: (fields) => `(${fields.map((f) => `coalesce(${f}, char(30))`).join(" || char(31) || ")})`,
  md5: (t) => `${sqliteFunctions.md5}(${t})`,
  slice60: (m) => `${sqliteFunctions.slice60}(${m})`,
  hashSum: (s) => `${sqliteFunctions.hashSum}(${s})`,
  decimalSum: (expr, scale) => `${sqliteFunctions.decimalSum}(${expr}, ${Math.trunc(scale)})`,
}

/** The dialect of a kind of database. */
export const of = (name: Dialect["name"]): Dialect =>
  name === "mysql" ? mysql : name === "postgresql" ? postgresql : sqlite

/**
 * Collects a statement's parameters and writes their placeholders in this dialect, in the order
 * they are added: `const p = Dialect.params(d); sql = \`… = ${p.add(x)}\`; query(sql, p.values)`.
 */
export const params = (d: Dialect) => {
  const values: Array<unknown> = []
  return {
    values,
    add: (value: unknown): string => {
      values.push(value)
      return d.param(values.length)
    },
  }
}
