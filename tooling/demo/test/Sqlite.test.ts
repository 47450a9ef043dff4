import { mkdtempSync, readFileSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import * as path from "node:path"
import initSqlJs from "sql.js"
import { afterAll, describe, expect, it } from "vitest"
import { generate, rowCounts } from "../src/LegacyDataset.js"
import { writeSqlite } from "../src/Sqlite.js"

const dir = mkdtempSync(path.join(tmpdir(), "demo-sqlite-"))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe("writeSqlite", () => {
  it("writes a file that reads back with the same rows per table and the legacy values as written", async () => {
    const dataset = generate({ students: 200 })
    const file = path.join(dir, "legacy.sqlite")
    await writeSqlite(dataset, file)
    const SQL = await initSqlJs()
    const db = new SQL.Database(readFileSync(file))
    try {
      const read: Record<string, number> = {}
      for (const { table } of dataset.tables)
        read[table.name] = Number(db.exec(`select count(*) from ${table.name}`)[0]!.values[0]![0])
      expect(read).toEqual(rowCounts(dataset))
      // Dates stay text as written (a zero date included); ids are integer keys; money is numeric.
      const zero = dataset.dirt.find((d) => d.kind === "zero_date" && d.table === "attendance")!
      expect(
        db.exec(`select attendance_date from attendance where attendance_id = ${zero.key}`)[0]!.values,
      ).toEqual([["0000-00-00"]])
      expect(
        db.exec(
          "select typeof(student_id), typeof(dob), typeof(total) from invoices join students using (student_id) limit 1",
        )[0]!.values,
      ).toEqual([["integer", "text", "integer"]])
      expect(db.exec("select sql from sqlite_master where name = 'users'")[0]!.values[0]![0]).toContain(
        "user_id INTEGER PRIMARY KEY",
      )
    } finally {
      db.close()
    }
  })
})
