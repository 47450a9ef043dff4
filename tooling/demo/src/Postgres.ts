/**
 * Loads a dataset into a PostgreSQL database, as a legacy system that ran on PostgreSQL would hold
 * it: real `date` and `timestamp` columns, numeric money, integer keys (`postgresDdl`).
 *
 * Such a system cannot hold a zero date ('0000-00-00') or a day that does not exist ('2026-02-30'):
 * PostgreSQL refuses both. So every such cell the generator plants is written as NULL, and there that
 * kind of dirt is a missing value instead (`nulledCells` lists them). The date forms a DATE column
 * reads as the same day ('2015/03/04', '20150304') are written as that day.
 *
 * Rows go in as one `insert … select from unnest(…)` per batch (one array parameter per column, so
 * the statement's size does not grow with the batch), over a few connections.
 */
import pg from "pg"
import * as Calendar from "./Calendar.js"
import type { Dataset, Value } from "./LegacyDataset.js"
import { type ColumnType, postgresDdl, postgresType, type TableName } from "./LegacyTables.js"

/** Options of `loadPostgres`. */
export interface LoadOptions {
  /** Rows per statement. Default 5000. */
  readonly batchSize?: number
  /** Connections inserting at once. Default 4. */
  readonly connections?: number
  /** Drop the legacy tables first when they exist. Default false: an existing table fails the load. */
  readonly replace?: boolean
}

const dateForm = /^(\d{4})[-/]?(\d{2})[-/]?(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2}))?)?$/

const daysIn = (year: number, month: number) => new Date(Date.UTC(year, month, 0)).getUTCDate()

/**
 * A legacy date or date-time as PostgreSQL can store it (`YYYY-MM-DD`, `YYYY-MM-DD HH:MM:SS`), or
 * null for a zero date, a day that does not exist, or text that is no date at all.
 */
export const storableDate = (value: string): string | null => {
  const m = dateForm.exec(value.trim())
  if (m === null) return null
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])]
  if (year < 1 || month < 1 || month > 12 || day < 1 || day > daysIn(year, month)) return null
  const date = `${m[1]}-${m[2]}-${m[3]}`
  if (m[4] === undefined) return date
  const [h, min, s] = [Number(m[4]), Number(m[5]), Number(m[6] ?? 0)]
  if (h > 23 || min > 59 || s > 59) return null
  return Calendar.stamp(date, h, min, s)
}

const isDate = (t: ColumnType) => t.kind === "date" || t.kind === "datetime"

/** The value a PostgreSQL column of this type is given for a legacy cell. */
export const toPostgres = (type: ColumnType, value: Value): Value =>
  value !== null && isDate(type) ? storableDate(String(value)) : value

/** A cell the legacy system held a value in that a PostgreSQL copy holds as NULL. */
export interface NulledCell {
  readonly table: TableName
  readonly key: number
  readonly column: string
  readonly value: string
}

/** Every cell `loadPostgres` writes as NULL though the dataset has a value there (zero and impossible dates). */
export const nulledCells = (dataset: Dataset): ReadonlyArray<NulledCell> => {
  const cells: Array<NulledCell> = []
  for (const { table, rows } of dataset.tables)
    table.columns.forEach((column, i) => {
      if (!isDate(column.type)) return
      for (const row of rows) {
        const v = row[i]
        if (v !== null && v !== undefined && toPostgres(column.type, v) === null)
          cells.push({
            table: table.name as TableName,
            key: Number(row[0]),
            column: column.name,
            value: String(v),
          })
      }
    })
  return cells
}

// The array type a column's values travel in: text for every text column, whatever its length (the
// insert casts to the column's own type, so an overlong value fails as it would in the column).
const arrayType = (t: ColumnType): string =>
  t.kind === "varchar" || t.kind === "char" || t.kind === "text"
    ? "text[]"
    : `${postgresType(t).replace(/\(.*\)$/, "")}[]`

/** Creates the legacy tables in the database `url` names and inserts every row. */
export const loadPostgres = async (
  dataset: Dataset,
  url: string,
  options: LoadOptions = {},
): Promise<void> => {
  const batchSize = options.batchSize ?? 5000
  const admin = new pg.Client({ connectionString: url })
  await admin.connect()
  try {
    if (options.replace === true)
      for (const { table } of [...dataset.tables].reverse())
        await admin.query(`drop table if exists ${table.name}`)
    for (const { table } of dataset.tables) await admin.query(postgresDdl(table))
  } finally {
    await admin.end()
  }
  // The legacy DDL declares no foreign keys, so tables and batches can go in in any order.
  const jobs: Array<{ readonly sql: string; readonly columns: ReadonlyArray<ReadonlyArray<Value>> }> = []
  for (const { table, rows } of dataset.tables) {
    const names = table.columns.map((c) => c.name).join(", ")
    const arrays = table.columns.map((c, i) => `$${i + 1}::${arrayType(c.type)}`)
    const sql = `insert into ${table.name} (${names}) select * from unnest(${arrays.join(", ")})`
    for (let start = 0; start < rows.length; start += batchSize) {
      const batch = rows.slice(start, start + batchSize)
      jobs.push({
        sql,
        columns: table.columns.map((c, i) => batch.map((row) => toPostgres(c.type, row[i] ?? null))),
      })
    }
  }
  let next = 0
  const worker = async () => {
    const c = new pg.Client({ connectionString: url })
    await c.connect()
    try {
      // A throwaway copy: losing the last commits in a crash costs nothing, waiting for each flush does.
      await c.query("set synchronous_commit = off")
      while (next < jobs.length) {
        const job = jobs[next++]!
        await c.query(job.sql, job.columns as Array<unknown>)
      }
    } finally {
      await c.end()
    }
  }
  await Promise.all(
    Array.from({ length: Math.max(1, Math.min(options.connections ?? 4, jobs.length)) }, worker),
  )
  // Identity keys carry on after the rows written with their own keys, as AUTO_INCREMENT would.
  const after = new pg.Client({ connectionString: url })
  await after.connect()
  try {
    for (const { table } of dataset.tables.filter(
      (d) => d.table.autoIncrement === true && d.rows.length > 0,
    )) {
      const key = table.columns[0]!.name
      await after.query(
        `select setval(pg_get_serial_sequence('${table.name}', '${key}'), (select max(${key}) from ${table.name}))`,
      )
    }
  } finally {
    await after.end()
  }
}
