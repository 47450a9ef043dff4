/** Writes a dataset as a SQLite file (sql.js: SQLite compiled to WebAssembly, no native build). */
import { writeFile } from "node:fs/promises"
import initSqlJs from "sql.js"
import type { Dataset } from "./LegacyDataset.js"
import { sqliteDdl } from "./LegacyTables.js"

/** Creates the legacy tables in a new SQLite database and writes every row into it, then saves it to `file`. */
export const writeSqlite = async (dataset: Dataset, file: string): Promise<void> => {
  const SQL = await initSqlJs()
  const db = new SQL.Database()
  try {
    db.run("BEGIN")
    for (const { table, rows } of dataset.tables) {
      db.run(sqliteDdl(table))
      const insert = db.prepare(
        `INSERT INTO ${table.name} (${table.columns.map((c) => c.name).join(", ")}) VALUES (${table.columns.map(() => "?").join(", ")})`,
      )
      try {
        for (const row of rows) insert.run(row as Array<string | number | null>)
      } finally {
        insert.free()
      }
    }
    db.run("COMMIT")
    await writeFile(file, db.export())
  } finally {
    db.close()
  }
}
