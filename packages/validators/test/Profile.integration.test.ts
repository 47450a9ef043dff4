import { mkdtemp, rm, writeFile } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { Email } from "@schoolbridge/cleansers"
import { CsvSource } from "@schoolbridge/connectors"
import { createMysqlDatabase, type TestDatabase } from "@schoolbridge/testing"
import { Effect, Redacted } from "effect"
import mysql from "mysql2/promise"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { FileProfile, Profile, ProfileDocument, ProfileReport, SourceDatabase } from "../src/index.js"

let db: TestDatabase
const layer = () => SourceDatabase.layerMysql({ url: Redacted.make(db.url) })

// Seven pupils: a duplicate email in two spellings, two emails the cleanser repairs and two it
// cannot, guardians that do not exist (99 twice, 98) or are written 0 for "none", one admission
// date after asOf, and three admissions in the year up to asOf (2025-11-21 itself is outside it).
const pupils = [
  [1, "a@school.my", 10, "2026-01-15"],
  [2, " B@School.MY ", 11, "2025-11-21"],
  [3, "bad-email", 99, "2025-11-22"],
  [4, null, 0, "2026-11-21"],
  [5, "d@@school.my", 99, "2024-05-01"],
  [6, "x@y", 98, "2026-11-22"],
  [7, "A@school.my", null, "2020-02-02"],
]
const domainReason = 'domain "y" has no top-level part (such as .com or .my)'
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
  await c.query("create table guardians (id int primary key, name varchar(50) not null)")
  await c.query("insert into guardians values (10, 'Aminah'), (11, 'Bakar'), (12, 'Chong')")
  await c.query(
    "create table pupils (id int primary key, email varchar(100) null, guardian_id int null, admitted date not null)",
  )
  await c.query("insert into pupils values ?", [pupils])
  // 25,000 rows, every 1,000th email broken: more than the sample mode reads.
  await c.query("create table contacts (id int primary key, email varchar(100) not null)")
  await c.query(
    "insert into contacts select seq, if(seq % 1000 = 0, concat('broken', seq), concat('user', seq, '@school.my')) from seq_1_to_25000",
  )
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
      }).pipe(Effect.provide(SourceDatabase.layerMysql({ url: Redacted.make(db.url) }))),
    )
    expect(p.rows).toBe(6)
    // no asOf given: the server's date
    expect(p.asOf).toMatch(/^\d{4}-\d{2}-\d{2}$/)
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

const pupilOptions = {
  table: "pupils",
  key: "id",
  entity: "Students",
  asOf: "2026-11-21",
  uniqueKeys: [{ name: "normalized email", expr: "lower(trim(email))" }],
  cleansers: [{ column: "email", clean: (v: unknown) => Email.clean(v) }],
  relationships: [
    {
      name: "guardian",
      columns: ["guardian_id"],
      references: { table: "guardians", columns: ["id"] },
      absent: [0],
    },
    {
      name: "guardian-strict",
      columns: ["guardian_id"],
      references: { table: "guardians", columns: ["id"] },
      severity: "warning" as const,
    },
  ],
  growth: { column: "admitted", per: "year" as const },
}

describe("Profile.table over pupils", () => {
  it("counts orphans with an anti-join, with samples, treating declared absent values as null", async () => {
    const p = await Effect.runPromise(Profile.table(pupilOptions).pipe(Effect.provide(layer())))
    expect(p.orphans).toEqual([
      {
        name: "guardian",
        columns: ["guardian_id"],
        references: { table: "guardians", columns: ["id"] },
        rows: 3,
        missing: 2,
        samples: [
          { key: 3, guardian_id: 99 },
          { key: 5, guardian_id: 99 },
          { key: 6, guardian_id: 98 },
        ],
      },
      expect.objectContaining({ name: "guardian-strict", rows: 4, missing: 3 }),
    ])
    const checks = p.checks.filter((c) => !c.passed).map((c) => [c.id, c.severity, c.observed])
    expect(checks).toEqual([
      ["profile:pupils:duplicates:normalized email", "critical", 1],
      ["profile:pupils:invalid:email", "warning", 2],
      ["profile:pupils:dates:admitted", "warning", 1],
      ["profile:pupils:orphans:guardian", "critical", 3],
      ["profile:pupils:orphans:guardian-strict", "warning", 4],
    ])
  })

  it("runs the cleansers over every row in keyset pages: Valid, Corrected, Invalid, reasons and changes", async () => {
    const p = await Effect.runPromise(
      Profile.table({ ...pupilOptions, pageSize: 2 }).pipe(Effect.provide(layer())),
    )
    expect(p.invalid).toEqual([
      {
        column: "email",
        mode: "full",
        checked: 7,
        valid: 2,
        corrected: 3,
        invalid: 2,
        byReason: { "no @ in the address": 1, [domainReason]: 1 },
        byChange: { "trimmed spaces": 1, "converted to lower case": 2, "replaced double @ with one": 1 },
        samples: [
          { key: 3, value: "bad-email", reason: "no @ in the address" },
          { key: 6, value: "x@y", reason: domainReason },
        ],
      },
    ])
    // a page size that divides the table exactly still ends
    const exact = await Effect.runPromise(
      Profile.table({ ...pupilOptions, pageSize: 7 }).pipe(Effect.provide(layer())),
    )
    expect(exact.invalid).toEqual(p.invalid)
  })

  it("refuses a relationship whose column lists differ in length", async () => {
    const e = await Effect.runPromise(
      Effect.flip(
        Profile.table({
          table: "pupils",
          key: "id",
          relationships: [
            { columns: ["guardian_id"], references: { table: "guardians", columns: ["id", "name"] } },
          ],
        }).pipe(Effect.provide(layer())),
      ),
    )
    expect(e).toMatchObject({
      reason: "declaration",
      message: "relationship pupils.guardian_id pairs 1 column(s) with 2",
    })
  })

  it("keeps the bounded sample as the fast mode", async () => {
    const p = await Effect.runPromise(
      Profile.table({ ...pupilOptions, cleanserMode: "sample", cleanserSample: 3 }).pipe(
        Effect.provide(layer()),
      ),
    )
    expect(p.invalid[0]).toMatchObject({ mode: "sample", checked: 3, valid: 1, corrected: 1, invalid: 1 })
    expect(p.checks.find((c) => c.id === "profile:pupils:invalid:email")!.detail).toBe(
      "1 of 3 checked email value(s) invalid (sample), 1 corrected",
    )
  })

  it("fills the data-volume row: rows, sizes from the catalog, growth over the year up to asOf", async () => {
    const p = await Effect.runPromise(Profile.table(pupilOptions).pipe(Effect.provide(layer())))
    expect(p.volume).toMatchObject({
      rows: 7,
      growth: {
        column: "admitted",
        per: "year",
        from: "2025-11-21",
        to: "2026-11-21",
        rowsInWindow: 3,
        rate: 3,
      },
      projection5y: 22,
    })
    expect(p.volume.dataBytes).toBeGreaterThan(0)
    expect(typeof p.volume.indexBytes).toBe("number")
    expect(p).toMatchObject({
      source: "mysql",
      entity: "Students",
      rows: 7,
      keyFields: ["id", "normalized email"],
      dateRange: { column: "admitted", min: "2020-02-02", max: "2026-11-22" },
    })
    const perDay = await Effect.runPromise(
      Profile.table({ ...pupilOptions, growth: { column: "admitted", per: "day" } }).pipe(
        Effect.provide(layer()),
      ),
    )
    expect(perDay.volume.growth).toMatchObject({ per: "day", rate: 0.01 })
    const none = await Effect.runPromise(
      Profile.table({ table: "guardians", key: "id" }).pipe(Effect.provide(layer())),
    )
    expect(none.volume.growth).toEqual({
      notMeasured: "no date column declared to measure growth (option `growth`)",
    })
    expect(none.volume.projection5y).toEqual(none.volume.growth)
    expect(none.dateRange).toBeNull()
  })

  it("profiles columns exactly, with the MySQL collation's view of equal values", async () => {
    const p = await Effect.runPromise(Profile.table(pupilOptions).pipe(Effect.provide(layer())))
    const email = p.columns.find((c) => c.column === "email")!
    // utf8mb4_general_ci: "a@school.my" and "A@school.my" are one value
    expect(email).toMatchObject({
      nulls: 1,
      empty: 0,
      nullOrEmptyPercent: 14.29,
      distinct: 5,
      distinctAtLeast: false,
    })
    const guardian = p.columns.find((c) => c.column === "guardian_id")!
    expect(guardian).toMatchObject({ nulls: 1, distinct: 5, min: 0, max: 99, dates: null, topComplete: true })
    expect(guardian.top).toEqual([
      { value: 99, count: 2 },
      { value: null, count: 1 },
      { value: 0, count: 1 },
      { value: 10, count: 1 },
      { value: 11, count: 1 },
    ])
    const admitted = p.columns.find((c) => c.column === "admitted")!
    expect(admitted).toMatchObject({
      min: "2020-02-02",
      max: "2026-11-22",
      dates: { zero: 0, future: 1, before1900: 0 },
    })
  })
})

describe("Profile.table over a table larger than the sample", () => {
  it("checks every row in the full pass, and only the first 10,000 in the sample mode", async () => {
    const options = {
      table: "contacts",
      key: "id",
      cleansers: [{ column: "email", clean: (v: unknown) => Email.clean(v) }],
    }
    const full = await Effect.runPromise(Profile.table(options).pipe(Effect.provide(layer())))
    expect(full.invalid[0]).toMatchObject({
      mode: "full",
      checked: 25_000,
      valid: 24_975,
      corrected: 0,
      invalid: 25,
    })
    expect(full.invalid[0]!.samples).toHaveLength(10)
    expect(full.invalid[0]!.samples[9]).toEqual({
      key: 10_000,
      value: "broken10000",
      reason: "no @ in the address",
    })
    const sample = await Effect.runPromise(
      Profile.table({ ...options, cleanserMode: "sample" }).pipe(Effect.provide(layer())),
    )
    expect(sample.invalid[0]).toMatchObject({ mode: "sample", checked: 10_000, invalid: 10 })
  })
})

describe("a profile report of a MySQL table and a CSV file", () => {
  it("round-trips as JSON and renders the seed's template", async () => {
    const dir = await mkdtemp(join(tmpdir(), "profile-report-"))
    try {
      const path = join(dir, "payments.csv")
      await writeFile(path, "id,paid_on,amount\n1,2026-03-01,10.00\n2,2026-04-01,\n")
      const pupilsProfile = await Effect.runPromise(Profile.table(pupilOptions).pipe(Effect.provide(layer())))
      const payments = await Effect.runPromise(
        Effect.flatMap(CsvSource.make({ path }), (source) =>
          FileProfile.profile(source, {
            kind: "csv",
            path,
            entity: "Payments",
            asOf: "2026-11-21",
            growth: { column: "paid_on", per: "year" },
          }),
        ),
      )
      const report: ProfileReport.ProfileReport = {
        version: 1,
        title: "Legacy SIS",
        generatedAt: "2026-11-21T08:00:00.000Z",
        asOf: "2026-11-21",
        tables: [pupilsProfile, payments],
      }
      expect(await Effect.runPromise(ProfileReport.fromJson(ProfileReport.toJson(report)))).toEqual(report)
      const md = ProfileDocument.markdown(report)
      expect(md).toContain(
        "| Payments | 2 | 51 B | n/a (a file has no indexes) | 2 /year (paid_on, 2025-11-21 → 2026-11-21) | 12 |",
      )
      expect(md).toContain(
        "| Students | mysql pupils | 7 | 2020-02-02 → 2026-11-22 (admitted) | id, normalized email |",
      )
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })
})
