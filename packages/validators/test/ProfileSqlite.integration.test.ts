import { Email } from "@schoolbridge/cleansers"
import { Effect, Either } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { Profile, ProfileDocument, ProfileReport, SourceDatabase } from "../src/index.js"
import { openSqlite, type SqliteFixture } from "./fixtures/Sqlite.js"

// The pupils of ProfilePostgresql.integration.test.ts in a SQLite file, where dates are text (one
// of them a zero date, as legacy PHP wrote them) and booleans 0/1, plus that eighth pupil.
let db: SqliteFixture
beforeAll(async () => {
  db = await openSqlite([
    "create table guardians (id integer primary key, name text not null)",
    "insert into guardians values (10, 'Aminah'), (11, 'Bakar'), (12, 'Chong')",
    `create table pupils (id integer primary key, email varchar(100), guardian_id integer,
       admitted date not null, active boolean)`,
    `insert into pupils values
       (1, 'a@school.my', 10, '2026-01-15', 1),
       (2, ' B@School.MY ', 11, '2025-11-21', 1),
       (3, 'bad-email', 99, '2025-11-22', 0),
       (4, null, 0, '2026-11-21', null),
       (5, 'd@@school.my', 99, '2024-05-01', 1),
       (6, 'x@y', 98, '2026-11-22', 1),
       (7, 'A@school.my', null, '1899-12-31', 0),
       (8, 'z@school.my', 10, '0000-00-00', 1)`,
  ])
})
afterAll(() => db?.close())

const profile = (options: Profile.Options) =>
  Effect.runPromise(
    Effect.either(
      Profile.table(options).pipe(Effect.provide(SourceDatabase.layer(SourceDatabase.fromSqlite(db.client)))),
    ),
  )

describe("Profile.table over a SQLite source", () => {
  it("profiles it with the same figures, types as declared, sizes not measured", async () => {
    const result = await profile({
      table: "pupils",
      key: "id",
      asOf: "2026-11-21",
      uniqueKeys: [{ name: "normalized email", expr: "lower(trim(email))" }],
      cleansers: [{ column: "email", clean: (v) => Email.clean(v) }],
      pageSize: 3,
      relationships: [
        {
          name: "guardian",
          columns: ["guardian_id"],
          references: { table: "guardians", columns: ["id"] },
          absent: [0],
        },
      ],
      growth: { column: "admitted", per: "year" },
    })
    const p = Either.getOrThrow(result)
    expect(p).toMatchObject({ source: "sqlite", rows: 8 })
    const col = (name: string) => p.columns.find((c) => c.column === name)!
    expect(p.columns.map((c) => [c.column, c.type])).toEqual([
      ["id", "INTEGER"],
      ["email", "varchar(100)"],
      ["guardian_id", "INTEGER"],
      ["admitted", "date"],
      ["active", "boolean"],
    ])
    // binary collation: "a@school.my" and "A@school.my" are two values
    expect(col("email")).toMatchObject({ nulls: 1, empty: 0, distinct: 7 })
    // nulls sort first in SQLite
    expect(col("guardian_id").top).toEqual([
      { value: 10, count: 2 },
      { value: 99, count: 2 },
      { value: null, count: 1 },
      { value: 0, count: 1 },
      { value: 11, count: 1 },
    ])
    // the zero date is counted on its own, out of the range
    expect(col("admitted")).toMatchObject({
      min: "1899-12-31",
      max: "2026-11-22",
      dates: { zero: 1, future: 1, before1900: 1 },
    })
    expect(p.dateRange).toEqual({ column: "admitted", min: "1899-12-31", max: "2026-11-22" })
    expect(col("active")).toMatchObject({ distinct: 2, nulls: 1, min: 0, max: 1, dates: null })
    expect(p.duplicates).toEqual([
      { key: "normalized email", groups: 1, samples: [{ value: "a@school.my", count: 2 }] },
    ])
    expect(p.invalid[0]).toMatchObject({ mode: "full", checked: 8, valid: 3, corrected: 3, invalid: 2 })
    expect(p.orphans[0]).toMatchObject({
      rows: 3,
      missing: 2,
      samples: [
        { key: 3, guardian_id: 99 },
        { key: 5, guardian_id: 99 },
        { key: 6, guardian_id: 98 },
      ],
    })
    expect(p.volume).toMatchObject({
      rows: 8,
      dataBytes: { notMeasured: expect.stringContaining("SQLite") },
      indexBytes: { notMeasured: expect.stringContaining("SQLite") },
      projection5y: 23,
    })
    expect(p.volume.growth).toMatchObject({ rowsInWindow: 3 })
    // the report takes it as it is: it round-trips its Schema, unmeasured sizes shown as such
    const report = {
      version: 1 as const,
      title: "SQLite",
      generatedAt: "2026-11-21T00:00:00Z",
      asOf: "2026-11-21",
      tables: [p],
    }
    expect(await Effect.runPromise(ProfileReport.fromJson(ProfileReport.toJson(report)))).toEqual(report)
    expect(ProfileDocument.markdown(report)).toContain("n/a (SQLite keeps no size per table")
  })

  it("counts orphans over several columns and reads a schema-qualified name", async () => {
    const p = Either.getOrThrow(
      await profile({
        table: "main.pupils",
        key: "id",
        asOf: "2026-11-21",
        relationships: [
          {
            name: "guardian twice",
            columns: ["guardian_id", "guardian_id"],
            references: { table: "guardians", columns: ["id", "id"] },
          },
        ],
      }),
    )
    expect(p.rows).toBe(8)
    // 0 is no guardian either here, since `absent` is not given: 4 rows, 3 missing values
    expect(p.orphans[0]).toMatchObject({ rows: 4, missing: 3 })
  })

  it("says which table is missing", async () => {
    const result = await profile({ table: "nope", key: "id" })
    expect(Either.flip(result)).toEqual(
      Either.right(expect.objectContaining({ reason: "declaration", message: "no table nope" })),
    )
  })
})
