import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import * as path from "node:path"
import { createMysqlDatabase, createPgDatabase, type TestDatabase } from "@schoolbridge/testing"
import { Report } from "@schoolbridge/validators"
import { Effect } from "effect"
import mysql from "mysql2/promise"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { cli } from "./Cli.js"

// The fixture's dirt rejects more than the tolerated 2% of some entity's rows: run ends with exit 4.
const overTolerance = 4

const manifest = `version: 1
name: legacy-validate
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
  - { name: legacy-sis.users, source: legacy, table: users, key: user_id }
  - { name: legacy-sis.students, source: legacy, table: students, key: student_id }
`

const dbs: Array<TestDatabase> = []
let dir: string

const setup = async (clean: boolean) => {
  const source = await createMysqlDatabase("legacy")
  const target = await createPgDatabase("portal")
  dbs.push(source, target)
  const conn = await mysql.createConnection({ uri: source.url, multipleStatements: true })
  await conn.query(readFileSync(path.join(import.meta.dirname, "fixtures/legacy-sis.sql"), "utf8"))
  // The rows the mappers reject: without them the migration is clean.
  if (clean)
    await conn.query(
      "delete from users where user_id in (3, 5); delete from students where student_id in (12, 13)",
    )
  await conn.end()
  return { LEGACY_MYSQL_URL: source.url, SCHOOLBRIDGE_TARGET_URL: target.url }
}

const readReport = (file: string) => Effect.runPromise(Report.fromJson(readFileSync(file, "utf8")))

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), "sb-validate-"))
  writeFileSync(path.join(dir, "legacy.yaml"), manifest)
})
afterAll(async () => {
  for (const db of dbs) await db.drop()
})

describe("schoolbridge-migrate validate", () => {
  it("says go and exits 0 after a clean migration, writing the four reports", async () => {
    const env = await setup(true)
    expect((await cli(["run", "-m", path.join(dir, "legacy.yaml")], env)).code).toBe(0)
    const out = path.join(dir, "clean")
    const r = await cli(["validate", "-m", path.join(dir, "legacy.yaml"), "--out", out], env)
    expect(r.stdout.split("\n")[0]).toBe("verdict: GO")
    expect(r.code).toBe(0)
    for (const f of ["report.json", "report.md", "report.csv", "report.html"])
      expect(existsSync(path.join(out, f))).toBe(true)
    const report = await readReport(path.join(out, "report.json"))
    expect(report.runId).toBe(1)
    expect(report.decision.verdict).toBe("go")
    expect(report.entities.map((e) => e.entity)).toEqual(["legacy-sis.users", "legacy-sis.students"])
    expect(report.checks.filter((c) => c.severity === "critical").every((c) => c.passed)).toBe(true)
  })

  it("says no-go and exits 1 when rows were rejected beyond the tolerance, naming the rollback", async () => {
    const env = await setup(false)
    expect((await cli(["run", "-m", path.join(dir, "legacy.yaml")], env)).code).toBe(overTolerance)
    const out = path.join(dir, "dirty")
    const r = await cli(["validate", "-m", path.join(dir, "legacy.yaml"), "--out", out], env)
    expect(r.code).toBe(1)
    expect(r.stdout.split("\n")[0]).toBe("verdict: NO-GO")
    expect(r.stderr.trim().split("\n").at(-1)).toBe("the gate says no-go")
    const report = await readReport(path.join(out, "report.json"))
    expect(report.decision.verdict).toBe("no-go")
    // 4 of 9 source rows were rejected: far above the 5% rollback trigger.
    expect(report.decision.failingRowRate).toBeGreaterThan(0.05)
    expect(report.decision.recommendation.commands.join(" ")).toContain(
      "schoolbridge-migrate rollback --run 1",
    )
    expect(r.stdout).toContain("schoolbridge-migrate rollback --run 1")
    expect(r.stdout + r.stderr + readFileSync(path.join(out, "report.html"), "utf8")).not.toContain(
      env.LEGACY_MYSQL_URL,
    )
  })
})
