import { mkdtempSync, readFileSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import * as path from "node:path"
import { createMysqlDatabase, createPgDatabase, type TestDatabase } from "@schoolbridge/testing"
import mysql from "mysql2/promise"
import pg from "pg"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { cli } from "./Cli.js"

// The fixture's dirt rejects more than the tolerated 2% of some entity's rows: run ends with exit 4.
const overTolerance = 4

let source: TestDatabase
let target: TestDatabase
let dir: string

const manifest = `version: 1
name: legacy-test
system: legacy-sis
asOf: "2025-01-15"
tenants: [SA01]
target:
  url: { env: SCHOOLBRIDGE_TARGET_URL }
sources:
  legacy:
    kind: mysql
    url: { env: LEGACY_MYSQL_URL }
entities:
  - name: legacy-sis.users
    source: legacy
    table: users
    key: user_id
  - name: legacy-sis.students
    source: legacy
    table: students
    key: student_id
    batchSize: 2
`

const env = () => ({ LEGACY_MYSQL_URL: source.url, SCHOOLBRIDGE_TARGET_URL: target.url })

const query = async (sql: string) => {
  const c = new pg.Client({ connectionString: target.url })
  await c.connect()
  try {
    return (await c.query(sql)).rows
  } finally {
    await c.end()
  }
}

beforeAll(async () => {
  source = await createMysqlDatabase("legacy")
  target = await createPgDatabase("portal")
  const conn = await mysql.createConnection({ uri: source.url, multipleStatements: true })
  await conn.query(readFileSync(path.join(import.meta.dirname, "fixtures/legacy-sis.sql"), "utf8"))
  await conn.end()
  dir = mkdtempSync(path.join(tmpdir(), "sb-run-"))
  writeFileSync(path.join(dir, "legacy.yaml"), manifest)
})
afterAll(async () => {
  await source.drop()
  await target.drop()
})

describe("schoolbridge-migrate run", () => {
  it("a dry run reports what would load and writes nothing", async () => {
    const r = await cli(["run", "--manifest", path.join(dir, "legacy.yaml"), "--dry-run"], env())
    expect(r.stderr).not.toContain("error")
    expect(r.code).toBe(overTolerance)
    expect(r.stdout).toContain("nothing was written")
    // Not even the schema: the dry run's transaction held it too.
    expect(await query("select to_regclass('auth.users') as t")).toEqual([{ t: null }])
  })

  it("loads every row or rejects it with a reason, and accounts for each", async () => {
    const r = await cli(["run", "--manifest", path.join(dir, "legacy.yaml")], env())
    expect(r.code).toBe(overTolerance)
    const lines = r.stdout.trim().split("\n")
    expect(lines[0]).toMatch(/^entity +read +loaded +rejected +skipped +rows\/s +seconds$/)
    expect(lines[1]).toMatch(/^legacy-sis\.users +5 +\d+ +\d+ +0 /)
    expect(lines[2]).toMatch(/^legacy-sis\.students +4 +\d+ +\d+ +0 /)
    // Not a terminal: progress is one JSON line per committed batch on stderr, the last one done;
    // then the line that says which entities rejected more than the tolerance.
    const stderr = r.stderr.trim().split("\n")
    expect(stderr.at(-1)).toBe(
      "legacy-sis.users rejected 20% of its rows; legacy-sis.students rejected 25% of its rows: over the manifest's tolerance of 2% (tolerances.rejectAbove); see the causes above",
    )
    const progress = stderr
      .slice(0, -1)
      .map((l) => JSON.parse(l))
      .filter((l) => l.msg === "entity done")
    expect(progress.map((p) => [p.entity, p.read, p.done])).toEqual([
      ["legacy-sis.users", 5, true],
      ["legacy-sis.students", 4, true],
    ])
    expect(progress[0]).toMatchObject({ level: 30, run: 1, loaded: 4, rejected: 1, skipped: 0 })
    const users = await query(
      "select legacy_id, email, must_reset_password, password_algorithm from auth.users order by legacy_id",
    )
    const rejectedUsers = await query(
      "select source_key from migration.row_errors where entity = 'legacy-sis.users' and kind = 'rejected' order by source_key",
    )
    expect(users.length + rejectedUsers.length).toBe(5)
    expect(users.find((u) => u.legacy_id === "1")).toEqual({
      legacy_id: "1",
      email: "aisyah@example.com",
      must_reset_password: true,
      password_algorithm: "argon2id",
    })
    // User 5 has no name; user 3's email is not an address, so user 3 loads without it.
    expect(rejectedUsers.map((e) => e.source_key)).toEqual(["5"])
    expect(users.find((u) => u.legacy_id === "3")).toMatchObject({ email: null })
    const students = await query(
      "select legacy_id, student_number, tenant_id from academic.students order by legacy_id",
    )
    const rejectedStudents = await query(
      "select source_key, rule from migration.row_errors where entity = 'legacy-sis.students' and kind = 'rejected' order by source_key",
    )
    expect(students.length + new Set(rejectedStudents.map((e) => e.source_key)).size).toBe(4)
    expect(students[0]).toEqual({ legacy_id: "10", student_number: "STU2023SA01001", tenant_id: "SA01" })
    // Student 12's user 99 does not exist. Student 13's birth date (2035) is stored as empty with a
    // note, and the child loads.
    expect([...new Set(rejectedStudents.map((e) => e.source_key))]).toEqual(["12"])
    expect(students.map((s) => s.legacy_id)).toContain("13")
    expect(
      await query(
        "select raw->>'dob' as dob from migration.row_errors where entity = 'legacy-sis.students' and kind = 'note' and source_key = '13' and rule = 'date'",
      ),
    ).toEqual([{ dob: "2035-01-01" }])
    // Audit triggers were off for the load.
    expect(await query("select count(*)::int as n from audit.audit_log")).toEqual([{ n: 0 }])
    expect(await query("select code from auth.tenants")).toEqual([{ code: "SA01" }])
  })

  it("status shows the finished run, and a second run changes nothing", async () => {
    const before = await query("select id, updated_at from academic.students order by id")
    const s = await cli(["status"], env())
    expect(s.code).toBe(0)
    expect(s.stdout.split("\n")[0]).toMatch(/^run 1 \(legacy-test\): completed$/)
    const again = await cli(["run", "--manifest", path.join(dir, "legacy.yaml")], env())
    expect(again.code).toBe(overTolerance)
    expect(await query("select id, updated_at from academic.students order by id")).toEqual(before)
  })

  it("follows the manifest's onInvalid for a column: an invalid email rejects the user instead of being set aside", async () => {
    const strict = manifest.replace(
      "    table: users\n    key: user_id\n",
      "    table: users\n    key: user_id\n    onInvalid: { email: reject }\n",
    )
    writeFileSync(path.join(dir, "strict.yaml"), strict)
    const portal = await createPgDatabase("strict")
    try {
      const r = await cli(
        ["run", "--manifest", path.join(dir, "strict.yaml"), "--only", "legacy-sis.users"],
        {
          ...env(),
          SCHOOLBRIDGE_TARGET_URL: portal.url,
        },
      )
      expect(r.stderr).not.toMatch(/error|failed/i)
      const c = new pg.Client({ connectionString: portal.url })
      await c.connect()
      try {
        const { rows } = await c.query(
          "select source_key, column_name, rule from migration.row_errors where kind = 'rejected' and column_name = 'email'",
        )
        expect(rows).toEqual([{ source_key: "3", column_name: "email", rule: "email" }])
      } finally {
        await c.end()
      }
    } finally {
      await portal.drop()
    }
  })

  it("exits 2 for an entity the manifest does not declare, before writing", async () => {
    const r = await cli(
      ["run", "--manifest", path.join(dir, "legacy.yaml"), "--only", "legacy-sis.guardians"],
      env(),
    )
    expect(r.code).toBe(2)
    expect(r.stderr.trim()).toBe("--only names entities the manifest does not declare: legacy-sis.guardians")

    // On an empty portal the refusal leaves it empty: no schema was migrated, no tenant registered.
    const empty = await createPgDatabase("empty")
    try {
      const again = await cli(
        ["run", "--manifest", path.join(dir, "legacy.yaml"), "--only", "legacy-sis.guardians"],
        { ...env(), SCHOOLBRIDGE_TARGET_URL: empty.url },
      )
      expect(again.code).toBe(2)
      const c = new pg.Client({ connectionString: empty.url })
      await c.connect()
      try {
        const { rows } = await c.query(
          "select nspname from pg_namespace where nspname in ('migration', 'auth', 'academic')",
        )
        expect(rows).toEqual([])
      } finally {
        await c.end()
      }
    } finally {
      await empty.drop()
    }
  })
})
