import { Email } from "@schoolbridge/cleansers"
import { PgClient } from "@schoolbridge/connectors"
import { createPgDatabase, type TestDatabase } from "@schoolbridge/testing"
import { Effect, Redacted } from "effect"
import pg from "pg"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { Profile } from "../src/index.js"

// The pupils of Profile.integration.test.ts, this time in a PostgreSQL source, plus a boolean
// column (no min/max, profiled through its text).
let db: TestDatabase
beforeAll(async () => {
  db = await createPgDatabase("profilepg")
  const c = new pg.Client({ connectionString: db.url })
  await c.connect()
  await c.query(`
    create table guardians (id int primary key, name text not null);
    insert into guardians values (10, 'Aminah'), (11, 'Bakar'), (12, 'Chong');
    create table pupils (id int primary key, email varchar(100), guardian_id int, admitted date not null, active boolean);
    insert into pupils values
      (1, 'a@school.my', 10, '2026-01-15', true),
      (2, ' B@School.MY ', 11, '2025-11-21', true),
      (3, 'bad-email', 99, '2025-11-22', false),
      (4, null, 0, '2026-11-21', null),
      (5, 'd@@school.my', 99, '2024-05-01', true),
      (6, 'x@y', 98, '2026-11-22', true),
      (7, 'A@school.my', null, '1899-12-31', false);
  `)
  await c.end()
})
afterAll(() => db?.drop())

describe("Profile.postgresqlTable", () => {
  it("profiles a PostgreSQL source with the same figures, in its own collation", async () => {
    const p = await Effect.runPromise(
      Profile.postgresqlTable({
        table: "public.pupils",
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
      }).pipe(Effect.provide(PgClient.layer({ url: Redacted.make(db.url) }))),
    )
    expect(p).toMatchObject({ source: "postgresql", rows: 7 })
    const col = (name: string) => p.columns.find((c) => c.column === name)!
    // case-sensitive: "a@school.my" and "A@school.my" are two values
    expect(col("email")).toMatchObject({ type: "character varying", nulls: 1, empty: 0, distinct: 6 })
    // nulls sort last in PostgreSQL
    expect(col("guardian_id").top).toEqual([
      { value: 99, count: 2 },
      { value: 0, count: 1 },
      { value: 10, count: 1 },
      { value: 11, count: 1 },
      { value: 98, count: 1 },
    ])
    expect(col("admitted")).toMatchObject({
      min: "1899-12-31",
      max: "2026-11-22",
      dates: { zero: 0, future: 1, before1900: 1 },
    })
    expect(col("active")).toMatchObject({ distinct: 2, nulls: 1, min: null, max: null })
    expect(col("active").top).toEqual([
      { value: "true", count: 4 },
      { value: "false", count: 2 },
      { value: null, count: 1 },
    ])
    expect(p.duplicates).toEqual([
      { key: "normalized email", groups: 1, samples: [{ value: "a@school.my", count: 2 }] },
    ])
    expect(p.invalid[0]).toMatchObject({ mode: "full", checked: 7, valid: 2, corrected: 3, invalid: 2 })
    expect(p.orphans[0]).toMatchObject({
      rows: 3,
      missing: 2,
      samples: [
        { key: 3, guardian_id: 99 },
        { key: 5, guardian_id: 99 },
        { key: 6, guardian_id: 98 },
      ],
    })
    expect(p.volume).toMatchObject({ rows: 7, dataBytes: 8192, projection5y: 22 })
    expect(p.volume.growth).toMatchObject({ rowsInWindow: 3 })
  })

  it("says which table is missing", async () => {
    const e = await Effect.runPromise(
      Effect.flip(
        Profile.postgresqlTable({ table: "nope", key: "id" }).pipe(
          Effect.provide(PgClient.layer({ url: Redacted.make(db.url) })),
        ),
      ),
    )
    expect(e).toMatchObject({ reason: "declaration", message: "no table nope" })
  })
})
