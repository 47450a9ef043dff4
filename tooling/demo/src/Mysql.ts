/**
 * Loads a dataset into a MySQL/MariaDB database with the legacy system's own DDL, in non-strict
 * mode (`sql_mode = ''`) as such systems run, so zero dates and impossible days are stored as they
 * would have been. Rows go in as multi-row INSERTs of `batchSize` rows.
 */
import mysql from "mysql2/promise"
import type { Dataset } from "./LegacyDataset.js"
import { mysqlDdl } from "./LegacyTables.js"

/** Options of `loadMysql`. */
export interface LoadOptions {
  /** Rows per INSERT. Default 2000. */
  readonly batchSize?: number
  /** Drop the legacy tables first when they exist. Default false: an existing table fails the load. */
  readonly replace?: boolean
}

/** Creates the legacy tables in the database `url` names and inserts every row. */
export const loadMysql = async (dataset: Dataset, url: string, options: LoadOptions = {}): Promise<void> => {
  const batchSize = options.batchSize ?? 2000
  const conn = await mysql.createConnection({ uri: url, charset: "utf8mb4" })
  try {
    await conn.query("SET SESSION sql_mode = ''")
    await conn.query("SET SESSION foreign_key_checks = 0, unique_checks = 0")
    if (options.replace === true)
      for (const { table } of [...dataset.tables].reverse())
        await conn.query(`DROP TABLE IF EXISTS ${table.name}`)
    for (const { table, rows } of dataset.tables) {
      await conn.query(mysqlDdl(table))
      const head = `INSERT INTO ${table.name} (${table.columns.map((c) => c.name).join(", ")}) VALUES ?`
      await conn.beginTransaction()
      for (let i = 0; i < rows.length; i += batchSize) await conn.query(head, [rows.slice(i, i + batchSize)])
      await conn.commit()
    }
  } finally {
    await conn.end()
  }
}
