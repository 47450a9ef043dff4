import { spawn } from "node:child_process"
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import * as path from "node:path"
import { createMysqlDatabase, createPgDatabase, type TestDatabase } from "@schoolbridge/testing"
import mysql from "mysql2/promise"
import pg from "pg"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { cli } from "./Cli.js"

let source: TestDatabase
let target: TestDatabase
let dir: string

const manifest = `version: 1
name: rollback-test
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
const manifestFile = () => path.join(dir, "legacy.yaml")

const query = async (sql: string, params: ReadonlyArray<unknown> = []) => {
  const c = new pg.Client({ connectionString: target.url })
  await c.connect()
  try {
    return (await c.query(sql, [...params])).rows
  } finally {
    await c.end()
  }
}

/** Rows of the tenant in each table the legacy users and students load. */
const tenantCounts = async () =>
  (
    await query(
      `select (select count(*) from auth.users where tenant_id = 'SA01')::int as users,
              (select count(*) from academic.students where tenant_id = 'SA01')::int as students`,
    )
  )[0]

/** The batches that loaded rows, and whether each is marked rolled back. */
const loadedBatches = (entity: string) =>
  query(
    `select run_id::int, seq, rolled_back_at is not null as rolled_back from migration.batches
      where entity = $1 and loaded_count > 0 order by run_id, seq`,
    [entity],
  )

/** Runs the CLI on a pseudo-terminal (through `script`) and types `answer` once it has asked. */
const onTerminal = (args: ReadonlyArray<string>, answer: string) =>
  new Promise<{ code: number | null; output: string }>((resolve, reject) => {
    const app = path.resolve(import.meta.dirname, "..")
    const command = [process.execPath, path.join(app, "bin/schoolbridge-migrate.mjs"), ...args]
      .map((a) => `'${a}'`)
      .join(" ")
    const child = spawn("script", ["-qec", command, "/dev/null"], {
      cwd: app,
      env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "/tmp", ...env() },
    })
    let output = ""
    let answered = false
    child.stdout.on("data", (d) => {
      output += d
      if (!answered && output.includes("[y/N]")) {
        answered = true
        child.stdin.write(`${answer}\n`)
      }
    })
    child.on("error", reject)
    child.on("close", (code) => resolve({ code, output }))
  })

// The fixture loads users 1 to 4 (3 without its email, which is no address; 5 has no name) and students
// 10, 11 and 13 (13 linked by email, its birth date in the future stored as empty).
const loaded = { users: 4, students: 3 }

beforeAll(async () => {
  source = await createMysqlDatabase("rbsrc")
  target = await createPgDatabase("rbtgt")
  const conn = await mysql.createConnection({ uri: source.url, multipleStatements: true })
  await conn.query(readFileSync(path.join(import.meta.dirname, "fixtures/legacy-sis.sql"), "utf8"))
  await conn.end()
  dir = mkdtempSync(path.join(tmpdir(), "sb-rollback-"))
  writeFileSync(manifestFile(), manifest)
  const r = await cli(["run", "--manifest", manifestFile()], env())
  // Exit 4: the fixture rejects more than the tolerated share of its users.
  if (r.code !== 4) throw new Error(`the setup run failed: ${r.stderr}`)
})
afterAll(async () => {
  await source.drop()
  await target.drop()
})

describe("schoolbridge-migrate rollback", () => {
  it("exits 2 with one line when no scope or more than one is named", async () => {
    const none = await cli(["rollback", "--yes"], env())
    expect(none.code).toBe(2)
    expect(none.stderr.trim()).toBe(
      "name exactly one thing to roll back: --run ID, --batch ID, --entity NAME or --tenant CODE",
    )
    const two = await cli(["rollback", "--run", "1", "--tenant", "SA01", "--yes"], env())
    expect(two.code).toBe(2)
    expect(two.stderr.trim()).toBe(
      "name exactly one thing to roll back: --run ID, --batch ID, --entity NAME or --tenant CODE (got run 1, tenant SA01)",
    )
    expect(await tenantCounts()).toEqual(loaded)
  })

  it("shows the plan, then refuses without --yes when standard input is not a terminal", async () => {
    const r = await cli(["rollback", "--run", "1"], env())
    expect(r.code).toBe(2)
    expect(r.stderr.trim()).toBe("standard input is not a terminal: pass --yes to roll back without asking")
    expect(r.stdout.trim().split("\n")).toEqual([
      "will remove 7 rows of run 1 (3 batches)",
      "",
      "table              rows",
      "academic.students     3",
      "auth.users            4",
      "",
      "id-map entries: 0",
    ])
    expect(await tenantCounts()).toEqual(loaded)
    expect((await loadedBatches("legacy-sis.users")).map((b) => b.rolled_back)).toEqual([false])
  })

  it("asks on a terminal and removes nothing unless the answer is yes", async () => {
    const r = await onTerminal(["rollback", "--entity", "legacy-sis.users"], "n")
    expect(r.code).toBe(0)
    expect(r.output).toContain("will remove 4 rows of entity legacy-sis.users (1 batch)")
    expect(r.output).toContain("Remove these rows? [y/N]")
    expect(r.output).toContain("nothing was removed")
    expect(await tenantCounts()).toEqual(loaded)
    expect((await loadedBatches("legacy-sis.users")).map((b) => b.rolled_back)).toEqual([false])
  })

  it("says so and exits 0 for a scope that matches nothing", async () => {
    const run = await cli(["rollback", "--run", "99", "--yes"], env())
    expect(run.code).toBe(0)
    expect(run.stdout.trim()).toBe("nothing to roll back: no loaded rows of run 99")
    const entity = await cli(["rollback", "--entity", "legacy-sis.guardians", "--yes"], env())
    expect(entity.code).toBe(0)
    expect(entity.stdout.trim()).toBe("nothing to roll back: no loaded rows of entity legacy-sis.guardians")
    const tenant = await cli(["rollback", "--tenant", "XX99", "--yes"], env())
    expect(tenant.code).toBe(0)
    expect(tenant.stdout.trim()).toBe("nothing to roll back: no loaded rows of tenant XX99")
    const batch = await cli(["rollback", "--batch", "999", "--yes"], env())
    expect(batch.code).toBe(0)
    expect(batch.stdout.trim()).toBe("nothing to roll back: no loaded rows of batch 999")
    expect(await tenantCounts()).toEqual(loaded)
  })

  it("removes nothing and exits 3 when rows of another entity still point at the ones to remove", async () => {
    const r = await cli(["rollback", "--entity", "legacy-sis.users", "--yes"], env())
    expect(r.code).toBe(3)
    const lines = r.stderr.trim().split("\n")
    expect(lines[0]).toContain('violates foreign key constraint "students_user_id_fkey"')
    expect(lines[1]).toBe(
      "nothing was removed: roll back the entities that reference these rows first (e.g. --entity of the dependent entity)",
    )
    expect(await tenantCounts()).toEqual(loaded)
    expect(await loadedBatches("legacy-sis.users")).toEqual([{ run_id: 1, seq: 1, rolled_back: false }])
  })

  it("removes an entity's rows and marks its batches; resuming the run loads them again", async () => {
    const r = await cli(["rollback", "--entity", "legacy-sis.students", "--yes"], env())
    expect(r.stderr).toBe("")
    expect(r.code).toBe(0)
    expect(r.stdout.trim().split("\n").slice(-6)).toEqual([
      "removed 3 rows of entity legacy-sis.students (2 batches)",
      "",
      "table              rows",
      "academic.students     3",
      "",
      "id-map entries: 0",
    ])
    expect(await tenantCounts()).toEqual({ users: loaded.users, students: 0 })
    expect(await loadedBatches("legacy-sis.students")).toEqual([
      { run_id: 1, seq: 1, rolled_back: true },
      { run_id: 1, seq: 2, rolled_back: true },
    ])
    expect(await loadedBatches("legacy-sis.users")).toEqual([{ run_id: 1, seq: 1, rolled_back: false }])
    expect(await query("select scope, batches from migration.rollbacks")).toEqual([
      { scope: "entity legacy-sis.students", batches: 2 },
    ])

    const resumed = await cli(["run", "--manifest", manifestFile(), "--resume", "1"], env())
    expect(resumed.code).toBe(4)
    expect(await tenantCounts()).toEqual(loaded)
    expect(await query("select legacy_id, student_number from academic.students order by legacy_id")).toEqual(
      [
        { legacy_id: "10", student_number: "STU2023SA01001" },
        { legacy_id: "11", student_number: expect.any(String) },
        { legacy_id: "13", student_number: expect.any(String) },
      ],
    )
  })

  it("removes a whole run, marks it rolled back, and a new run loads everything again", async () => {
    const r = await cli(["rollback", "--run", "1", "--yes"], env())
    expect(r.stderr).toBe("")
    expect(r.code).toBe(0)
    expect(r.stdout).toContain("removed 7 rows of run 1 (")
    expect(await tenantCounts()).toEqual({ users: 0, students: 0 })
    expect(
      await query(
        "select count(*)::int as n from migration.batches where run_id = 1 and loaded_count > 0 and rolled_back_at is null",
      ),
    ).toEqual([{ n: 0 }])
    expect(await query("select status from migration.runs where run_id = 1")).toEqual([
      { status: "rolled_back" },
    ])
    const status = await cli(["status", "1"], env())
    expect(status.stdout.split("\n")[0]).toBe("run 1 (rollback-test): rolled_back")

    // A rolled-back run cannot be resumed; a new one loads the rows again.
    const resume = await cli(["run", "--manifest", manifestFile(), "--resume", "1"], env())
    expect(resume.code).toBe(3)
    const again = await cli(["run", "--manifest", manifestFile()], env())
    expect(again.code).toBe(4)
    expect(await tenantCounts()).toEqual(loaded)
  })

  it("removes the rows when the answer on the terminal is yes", async () => {
    const r = await onTerminal(["rollback", "--run", "2"], "y")
    expect(r.code).toBe(0)
    expect(r.output).toContain("Remove these rows? [y/N]")
    expect(r.output).toContain("removed 7 rows of run 2 (3 batches)")
    expect(await tenantCounts()).toEqual({ users: 0, students: 0 })
  })

  // Skipped until the engine's tenant rollback covers single-tenant sources: the legacy mappers'
  // ids carry no tenant (their partition is "*"), so PgLedger's tenant filter on the id ranges
  // drops every range and removes nothing (see the report of this change).
  it("removes exactly one tenant's rows and marks the ledger; a new run loads them again", async () => {
    const first = await cli(["run", "--manifest", manifestFile()], env())
    expect(first.code).toBe(4)
    expect(await tenantCounts()).toEqual(loaded)
    const r = await cli(["rollback", "--tenant", "SA01", "--yes"], env())
    expect(r.code).toBe(0)
    expect(r.stdout).toContain("removed 7 rows of tenant SA01")
    expect(await tenantCounts()).toEqual({ users: 0, students: 0 })
    const batches = await query(
      "select count(*)::int as n from migration.batches where loaded_count > 0 and rolled_back_at is null",
    )
    expect(batches).toEqual([{ n: 0 }])
    const again = await cli(["run", "--manifest", manifestFile()], env())
    expect(again.code).toBe(4)
    expect(await tenantCounts()).toEqual(loaded)
  })

  it("exits 3 when the target cannot be reached, without printing the password", async () => {
    const r = await cli(["rollback", "--run", "1", "--yes"], {
      SCHOOLBRIDGE_TARGET_URL: "postgres://postgres:s3cret-pw@127.0.0.1:1/portal",
    })
    expect(r.code).toBe(3)
    expect(r.stderr).toContain("cannot connect to PostgreSQL")
    expect(r.stderr + r.stdout).not.toContain("s3cret-pw")
  })

  it("exits 2 without a target", async () => {
    const r = await cli(["rollback", "--run", "1", "--yes"])
    expect(r.code).toBe(2)
    expect(r.stderr.trim()).toBe("SCHOOLBRIDGE_TARGET_URL is not set: export it, or pass --manifest FILE")
  })
})
