/**
 * Loads a dataset into a MySQL/MariaDB database with the legacy system's own DDL, in non-strict
 * mode (`sql_mode = ''`) as such systems run, so zero dates and impossible days are stored as they
 * would have been. Rows go in as multi-row INSERTs of `batchSize` rows over a few connections.
 */
import mysql from "mysql2/promise"
import type { Dataset, Value } from "./LegacyDataset.js"
import { mysqlDdl } from "./LegacyTables.js"

/** Options of `loadMysql`. */
export interface LoadOptions {
  /** Rows per INSERT. Default 2000. */
  readonly batchSize?: number
  /** Connections inserting at once. Default 4. */
  readonly connections?: number
  /** Drop the legacy tables first when they exist. Default false: an existing table fails the load. */
  readonly replace?: boolean
}

const session = async (conn: mysql.Connection) => {
  await conn.query("SET SESSION sql_mode = ''")
  await conn.query("SET SESSION foreign_key_checks = 0, unique_checks = 0")
}

/** Creates the legacy tables in the database `url` names and inserts every row. */
export const loadMysql = async (dataset: Dataset, url: string, options: LoadOptions = {}): Promise<void> => {
  const batchSize = options.batchSize ?? 2000
  const conn = await mysql.createConnection({ uri: url, charset: "utf8mb4" })
  try {
    await session(conn)
    if (options.replace === true)
      for (const { table } of [...dataset.tables].reverse())
        await conn.query(`DROP TABLE IF EXISTS ${table.name}`)
    for (const { table } of dataset.tables) await conn.query(mysqlDdl(table))
  } finally {
    await conn.end()
  }
  // The legacy DDL declares no foreign keys, so tables and batches can go in in any order.
  const jobs: Array<{ readonly head: string; readonly rows: ReadonlyArray<ReadonlyArray<Value>> }> = []
  for (const { table, rows } of dataset.tables) {
    const head = `INSERT INTO ${table.name} (${table.columns.map((c) => c.name).join(", ")}) VALUES ?`
    for (let i = 0; i < rows.length; i += batchSize) jobs.push({ head, rows: rows.slice(i, i + batchSize) })
  }
  let next = 0
  const worker = async () => {
    const c = await mysql.createConnection({ uri: url, charset: "utf8mb4" })
    try {
      await session(c)
      while (next < jobs.length) {
        const job = jobs[next++]!
        await c.query(job.head, [job.rows])
      }
    } finally {
      await c.end()
    }
  }
  await Promise.all(
    Array.from({ length: Math.max(1, Math.min(options.connections ?? 4, jobs.length)) }, worker),
  )
}
