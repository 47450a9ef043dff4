import { createMysqlDatabase, type TestDatabase } from "@schoolbridge/testing"
import mysql from "mysql2/promise"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { generate, rowCounts } from "../src/LegacyDataset.js"
import { loadMysql } from "../src/Mysql.js"

let db: TestDatabase
beforeAll(async () => {
  db = await createMysqlDatabase("demo")
})
afterAll(async () => {
  await db?.drop()
})

describe("loadMysql", () => {
  it("loads every table with the legacy DDL, the rows per table as generated, dirt stored as a lax server stores it", async () => {
    const dataset = generate({ students: 300 })
    await loadMysql(dataset, db.url, { batchSize: 500 })
    const conn = await mysql.createConnection({ uri: db.url, dateStrings: true })
    try {
      const read: Record<string, number> = {}
      for (const { table } of dataset.tables) {
        const [rows] = (await conn.query(`select count(*) as n from ${table.name}`)) as [
          Array<{ n: number }>,
          unknown,
        ]
        read[table.name] = Number(rows[0]!.n)
      }
      expect(read).toEqual(rowCounts(dataset))
      // A day that does not exist becomes a zero date in non-strict mode, as it did in the legacy system.
      const invalid = dataset.dirt.find((d) => d.kind === "date_invalid")!
      const [dates] = (await conn.query(
        "select attendance_date as d from attendance where attendance_id = ?",
        [invalid.key],
      )) as [Array<{ d: string }>, unknown]
      expect(dates).toEqual([{ d: "0000-00-00" }])
      const [names] = (await conn.query("select first_name as f from users where user_id = ?", [
        dataset.dirt.find((d) => d.kind === "mojibake" && d.table === "users")!.key,
      ])) as [Array<{ f: string }>, unknown]
      expect(names[0]!.f).toMatch(/Ã|â€/)
      // A second load into the same database replaces the tables.
      await loadMysql(dataset, db.url, { replace: true })
      const [again] = (await conn.query("select count(*) as n from grades")) as [
        Array<{ n: number }>,
        unknown,
      ]
      expect(Number(again[0]!.n)).toBe(rowCounts(dataset).grades)
    } finally {
      await conn.end()
    }
  })
})
