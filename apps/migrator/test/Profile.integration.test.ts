import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import * as path from "node:path"
import { createMysqlDatabase, createPgDatabase, type TestDatabase } from "@schoolbridge/testing"
import { ProfileReport } from "@schoolbridge/validators"
import { Effect } from "effect"
import mysql from "mysql2/promise"
import pg from "pg"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { cli } from "./Cli.js"

const manifest = `version: 1
name: legacy-profile
system: legacy-sis
asOf: "2025-01-15"
target:
  url: { env: SCHOOLBRIDGE_TARGET_URL }
sources:
  legacy:
    kind: mysql
    url: { env: LEGACY_MYSQL_URL }
entities:
  - { name: legacy-sis.users, source: legacy, table: users, key: user_id }
  - { name: legacy-sis.students, source: legacy, table: students, key: student_id }
  # The same table read by a second entity is profiled once.
  - { name: legacy-sis.guardians, source: legacy, table: users, key: user_id }
`

let db: TestDatabase
let dir: string
let env: Record<string, string>

const read = (file: string) => Effect.runPromise(ProfileReport.fromJson(readFileSync(file, "utf8")))

beforeAll(async () => {
  db = await createMysqlDatabase("profile")
  const conn = await mysql.createConnection({ uri: db.url, multipleStatements: true })
  await conn.query(readFileSync(path.join(import.meta.dirname, "fixtures/legacy-sis.sql"), "utf8"))
  await conn.end()
  // The target is not needed to profile: a URL that reaches nothing proves it is not used.
  env = { LEGACY_MYSQL_URL: db.url, SCHOOLBRIDGE_TARGET_URL: "postgres://x:Secr3t-pw@127.0.0.1:1/none" }
  dir = mkdtempSync(path.join(tmpdir(), "sb-profile-"))
  writeFileSync(path.join(dir, "m.yaml"), manifest)
})
afterAll(async () => {
  await db.drop()
})

describe("schoolbridge-migrate profile", () => {
  it("profiles each table once, writes profile.json, .md and .html, and exits 0 despite findings", async () => {
    const out = path.join(dir, "full")
    const r = await cli(["profile", "-m", path.join(dir, "m.yaml"), "--out", out], env)
    expect(r.stderr).toBe("")
    expect(r.code).toBe(0)
    const files = ["profile.json", "profile.md", "profile.html"].map((f) => path.join(out, f))
    for (const f of files) expect(existsSync(f)).toBe(true)
    expect(r.stdout.trim().split("\n")).toEqual([
      "users             5 rows  2 finding(s)",
      "students          4 rows  2 finding(s)",
      "2 tables, 9 rows, 4 findings (1 critical, 3 warnings)",
      "  warning profile:users:invalid:email: 1 of 5 checked email value(s) invalid, 1 corrected",
      "  warning profile:users:dates:created_date: created_date: 1 zero, 0 in the future, 0 before 1900",
      "  warning profile:students:dates:dob: dob: 0 zero, 1 in the future, 0 before 1900",
      "  critical profile:students:orphans:students.user_id: 1 row(s) point at 1 missing users.user_id value(s)",
      // The run's own mappers, over every row: the nameless user is rejected by both entities reading it.
      "forecast: the run would reject 2 of 14 rows (before rows refused for a missing parent)",
      "  legacy-sis.users: 4 load, 1 rejected, 0 skipped (first_name:person_name 1)",
      "  legacy-sis.guardians: 4 load, 1 rejected, 0 skipped (first_name:person_name 1)",
      `reports: ${files.join(", ")}`,
    ])

    const report = await read(files[0]!)
    expect(report.title).toBe("legacy-profile: source profile")
    expect(report.asOf).toBe("2025-01-15")
    expect(report.tables.map((t) => [t.table, t.entity, t.source, t.rows])).toEqual([
      ["users", "legacy-sis.users, legacy-sis.guardians", "mysql", 5],
      ["students", "legacy-sis.students", "mysql", 4],
    ])
    const [users, students] = report.tables
    // The legacy-sis defaults: the normalized email is unique, and every email goes through the cleanser.
    expect(users!.keyFields).toEqual(["user_id", "normalized email"])
    expect(users!.duplicates).toEqual([{ key: "normalized email", groups: 0, samples: [] }])
    expect(users!.invalid).toHaveLength(1)
    expect(users!.invalid[0]).toMatchObject({
      column: "email",
      mode: "full",
      checked: 5,
      valid: 3,
      corrected: 1,
      invalid: 1,
      byReason: { "no @ in the address": 1 },
      byChange: { "converted to lower case": 1 },
      samples: [{ key: 3, value: "not-an-email", reason: "no @ in the address" }],
    })
    expect(users!.columns.find((c) => c.column === "created_date")!.dates).toEqual({
      zero: 1,
      future: 0,
      before1900: 0,
    })
    expect(students!.columns.find((c) => c.column === "dob")!.dates).toEqual({
      zero: 0,
      future: 1,
      before1900: 0,
    })
    expect(students!.orphans).toHaveLength(1)
    expect(students!.orphans[0]).toMatchObject({
      name: "students.user_id",
      columns: ["user_id"],
      references: { table: "users", columns: ["user_id"] },
      rows: 1,
      missing: 1,
    })
    expect(readFileSync(files[1]!, "utf8")).toContain("users")
    expect(readFileSync(files[2]!, "utf8")).toMatch(/^<!doctype html>/i)
    expect(r.stdout).not.toContain("Secr3t-pw")
  })

  it("runs the cleansers over a sample with --sample", async () => {
    const out = path.join(dir, "sample")
    const r = await cli(["profile", "-m", path.join(dir, "m.yaml"), "--out", out, "--sample"], env)
    expect(r.code).toBe(0)
    const report = await read(path.join(out, "profile.json"))
    expect(report.tables[0]!.invalid[0]).toMatchObject({
      column: "email",
      mode: "sample",
      checked: 5,
      invalid: 1,
    })
  })

  it("profiles a CSV source in one pass, with the same defaults", async () => {
    const files = path.join(dir, "exports")
    mkdirSync(files, { recursive: true })
    writeFileSync(
      path.join(files, "users.csv"),
      "user_id,email,created_date\n1,Siti@Example.com,2024-03-01\n2,siti@example.com ,0000-00-00\n3,nope,2031-01-01\n",
    )
    writeFileSync(
      path.join(dir, "files.yaml"),
      `version: 1
name: files-profile
system: legacy-sis
asOf: "2025-01-15"
target:
  url: { env: SCHOOLBRIDGE_TARGET_URL }
sources:
  exports: { kind: csv, path: exports }
entities:
  - { name: legacy-sis.users, source: exports, table: users.csv, key: user_id }
`,
    )
    const out = path.join(dir, "files")
    const r = await cli(["profile", "-m", path.join(dir, "files.yaml"), "--out", out], env)
    expect(r.stderr).toBe("")
    expect(r.code).toBe(0)
    const [users] = (await read(path.join(out, "profile.json"))).tables
    expect(users).toMatchObject({ source: "csv", table: path.join(files, "users.csv"), rows: 3 })
    expect(users!.duplicates).toMatchObject([{ key: "normalized email", groups: 1 }])
    expect(users!.invalid[0]).toMatchObject({ column: "email", checked: 3, invalid: 1 })
    expect(users!.columns.find((c) => c.column === "created_date")!.dates).toEqual({
      zero: 1,
      future: 1,
      before1900: 0,
    })
  })

  it("profiles a PostgreSQL source table in its SQL", async () => {
    const source = await createPgDatabase("profile_src")
    const client = new pg.Client({ connectionString: source.url })
    await client.connect()
    try {
      await client.query("create table users (user_id int primary key, email text, created_date date)")
      await client.query(
        "insert into users values (1, 'A@x.my', '2024-01-01'), (2, 'a@x.my ', '1890-01-01'), (3, null, null)",
      )
      writeFileSync(
        path.join(dir, "pg.yaml"),
        `version: 1
name: pg-profile
system: legacy-sis
asOf: "2025-01-15"
target:
  url: { env: SCHOOLBRIDGE_TARGET_URL }
sources:
  sis: { kind: postgres, url: { env: SIS_PG_URL } }
entities:
  - { name: legacy-sis.users, source: sis, table: users, key: user_id }
`,
      )
      const out = path.join(dir, "pg")
      const r = await cli(["profile", "-m", path.join(dir, "pg.yaml"), "--out", out], {
        ...env,
        SIS_PG_URL: source.url,
      })
      expect(r.stderr).toBe("")
      expect(r.code).toBe(0)
      const [users] = (await read(path.join(out, "profile.json"))).tables
      expect(users).toMatchObject({ source: "postgresql", table: "users", rows: 3 })
      expect(users!.duplicates).toMatchObject([{ key: "normalized email", groups: 1 }])
      expect(users!.columns.find((c) => c.column === "created_date")!.dates).toEqual({
        zero: 0,
        future: 0,
        before1900: 1,
      })
    } finally {
      await client.end()
      await source.drop()
    }
  })

  it("exits 2 naming a missing environment variable", async () => {
    const r = await cli(["profile", "-m", path.join(dir, "m.yaml")])
    expect(r.code).toBe(2)
    expect(r.stderr.trim()).toBe(
      "m.yaml:10:5 sources.legacy.url: environment variable LEGACY_MYSQL_URL is not set",
    )
  })
})
