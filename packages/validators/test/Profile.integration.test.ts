import { Email } from "@schoolbridge/cleansers"
import { MysqlClient } from "@schoolbridge/connectors"
import { createMysqlDatabase, type TestDatabase } from "@schoolbridge/testing"
import { Effect, Redacted } from "effect"
import mysql from "mysql2/promise"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { Profile } from "../src/index.js"

let db: TestDatabase
beforeAll(async () => {
  db = await createMysqlDatabase("profile")
  const c = await mysql.createConnection({ uri: db.url })
  await c.query("set session sql_mode = ''")
  await c.query(
    "create table people (id int primary key, email varchar(100) null, name varchar(50) not null, dob date null)",
  )
  await c.query("insert into people values ?", [
    [
      [1, "a@school.my", "Ali", "2012-03-04"],
      [2, " A@School.my ", "Abu", "2099-01-01"],
      [3, "not-an-email", "", "1850-06-01"],
      [4, null, "Siti", "0000-00-00"],
      [5, "b@school.my", "  ", "2011-01-01"],
      [6, "b@school.my", "Ali", null],
    ],
  ])
  await c.end()
})
afterAll(() => db?.drop())

describe("Profile.table", () => {
  it("counts nulls, blanks, distinct values, duplicates, invalid values and date anomalies", async () => {
    const p = await Effect.runPromise(
      Profile.table({
        table: "people",
        key: "id",
        uniqueKeys: [{ name: "normalized email", expr: "lower(trim(email))" }],
        cleansers: [{ column: "email", clean: (v) => Email.clean(v) }],
      }).pipe(Effect.provide(MysqlClient.layer({ url: Redacted.make(db.url) }))),
    )
    expect(p.rows).toBe(6)
    const name = p.columns.find((c) => c.column === "name")!
    // the collation pads with spaces, so "" and "  " are one value
    expect(name).toMatchObject({ nulls: 0, empty: 2, nullOrEmptyPercent: 33.33, distinct: 4 })
    expect(name.top.slice(0, 2)).toEqual([
      { value: "", count: 2 },
      { value: "Ali", count: 2 },
    ])
    const email = p.columns.find((c) => c.column === "email")!
    expect(email).toMatchObject({ nulls: 1, dates: null })
    const dob = p.columns.find((c) => c.column === "dob")!
    expect(dob.dates).toEqual({ zero: 1, future: 1, before1900: 1 })
    expect(p.duplicates).toEqual([
      {
        key: "normalized email",
        groups: 2,
        samples: [
          { value: "a@school.my", count: 2 },
          { value: "b@school.my", count: 2 },
        ],
      },
    ])
    expect(p.invalid[0]).toMatchObject({ column: "email", checked: 6 })
    expect(p.invalid[0]!.samples).toEqual([expect.objectContaining({ key: 3, value: "not-an-email" })])
    const failed = p.checks.filter((c) => !c.passed).map((c) => c.id)
    expect(failed).toEqual([
      "profile:people:duplicates:normalized email",
      "profile:people:invalid:email",
      "profile:people:dates:dob",
    ])
  })
})
