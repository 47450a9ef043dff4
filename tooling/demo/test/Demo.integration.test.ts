/**
 * `pnpm demo` end to end: the generated school group (three schools in one legacy SIS) migrated in
 * one run into an embedded PostgreSQL through the built CLI, to a GO verdict for the group and for
 * each school, with the planted dirt rejected and skipped exactly as planned; and the same into the
 * server SCHOOLBRIDGE_TARGET_URL names, with no embedded server started.
 */
import { spawn } from "node:child_process"
import { existsSync, mkdtempSync, readFileSync } from "node:fs"
import { tmpdir } from "node:os"
import * as path from "node:path"
import { createPgDatabase, type TestDatabase } from "@schoolbridge/testing"
import pg from "pg"
import { afterAll, describe, expect, it } from "vitest"
import { generateGroup, schoolsOf } from "../src/LegacyGroup.js"
import { builtCli } from "./buildCli.js"

const demo = path.resolve(import.meta.dirname, "../src/demo.ts")
const tsx = path.resolve(import.meta.dirname, "../node_modules/.bin/tsx")
const students = 400
const seed = 7
const codes = ["SA01", "SB02", "SC03"]
const group = generateGroup({ schools: schoolsOf(students, codes, seed) })

interface Result {
  readonly code: number | null
  readonly stdout: string
  readonly stderr: string
}

const runDemo = (out: string, env: Record<string, string> = {}): Promise<Result> =>
  new Promise((resolve, reject) => {
    const child = spawn(
      tsx,
      [demo, "--students", String(students), "--seed", String(seed), "--out", out, "--cli", builtCli],
      // Only what a fresh shell has: no SCHOOLBRIDGE_TARGET_URL unless the test gives one.
      { env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "/tmp", ...env } },
    )
    let stdout = ""
    let stderr = ""
    child.stdout.on("data", (d) => {
      stdout += d
    })
    child.stderr.on("data", (d) => {
      stderr += d
    })
    child.on("error", reject)
    child.on("close", (code) => resolve({ code, stdout, stderr }))
  })

interface ReportFile {
  readonly decision: { readonly verdict: string }
  readonly entities: ReadonlyArray<{
    readonly entity: string
    readonly rejected: number | null
    readonly skipped: number | null
  }>
}

/** What the generator planted, per entity and outcome. */
const planned = (expect: "rejected" | "skipped", school?: string) => {
  const counts = new Map<string, number>()
  for (const d of group.dirt)
    if (d.expect === expect && (school === undefined || d.school === school))
      counts.set(`legacy-sis.${d.entity}`, (counts.get(`legacy-sis.${d.entity}`) ?? 0) + 1)
  return counts
}

const dbs: Array<TestDatabase> = []
afterAll(async () => {
  for (const db of dbs) await db.drop()
})

describe("pnpm demo", () => {
  it("migrates the generated school into an embedded PostgreSQL and validates it to GO", async () => {
    const out = mkdtempSync(path.join(tmpdir(), "sb-demo-"))
    const r = await runDemo(out)
    expect(r.stderr).not.toMatch(/demo: /)
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(/^target: embedded PostgreSQL on 127\.0\.0\.1:\d+, database portal/m)
    for (const step of ["plan", "profile", "run", "validate"])
      expect(r.stdout).toMatch(new RegExp(`^\\$ schoolbridge-migrate ${step} --manifest `, "m"))
    for (const code of codes) {
      expect(r.stdout).toMatch(
        new RegExp(`^\\$ schoolbridge-migrate validate --manifest \\S+ --tenant ${code} `, "m"),
      )
      expect(r.stdout).toMatch(new RegExp(`^verdict ${code}: GO `, "m"))
    }
    expect(r.stdout.trim().split("\n").at(-1)).toBe("verdict: GO")

    const report = JSON.parse(readFileSync(path.join(out, "report/report.json"), "utf8")) as ReportFile
    expect(report.decision.verdict).toBe("go")
    // Every planted bad row ended as planned, and nothing else was refused.
    const rejected = planned("rejected")
    const skipped = planned("skipped")
    expect(report.entities).toHaveLength(19)
    for (const e of report.entities) {
      expect({ entity: e.entity, rejected: e.rejected }).toEqual({
        entity: e.entity,
        rejected: rejected.get(e.entity) ?? 0,
      })
      expect({ entity: e.entity, skipped: e.skipped }).toEqual({
        entity: e.entity,
        skipped: skipped.get(e.entity) ?? 0,
      })
    }
    expect([...rejected.values()].reduce((a, b) => a + b, 0)).toBeGreaterThan(0)

    for (const file of [
      "report/report.html",
      ...codes.map((c) => `report-${c}/report.html`),
      "profile/profile.html",
      "legacy-sis.sqlite",
      "legacy-sis-group.yaml",
    ])
      expect(existsSync(path.join(out, file))).toBe(true)
    // The server and its data directory go with the demo; its password was never printed.
    expect(existsSync(path.join(out, "postgres"))).toBe(false)
    expect(`${r.stdout}\n${r.stderr}`).not.toMatch(/postgres:\/\/[^\s/@]*:[^\s/@]+@/)
  })

  it("uses the PostgreSQL SCHOOLBRIDGE_TARGET_URL names instead of starting one", async () => {
    const target = await createPgDatabase("demo")
    dbs.push(target)
    const out = mkdtempSync(path.join(tmpdir(), "sb-demo-"))
    const r = await runDemo(out, { SCHOOLBRIDGE_TARGET_URL: target.url })
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(/no embedded server started/)
    expect(r.stdout).not.toMatch(/embedded PostgreSQL on/)
    expect(r.stdout.trim().split("\n").at(-1)).toBe("verdict: GO")

    const client = new pg.Client({ connectionString: target.url })
    await client.connect()
    try {
      const { rows } = await client.query<{ tenant: string; students: number }>(
        "select tenant_id as tenant, count(*)::int as students from academic.students group by 1 order by 1",
      )
      // Each school's students, less the ones its dirt refuses (those of no school are in none).
      expect(rows).toEqual(
        schoolsOf(students, codes, seed).map((s) => ({
          tenant: s.code,
          students:
            s.students -
            group.dirt.filter(
              (d) =>
                d.school === s.code &&
                d.table === "students" &&
                d.entity === "students" &&
                d.expect === "rejected",
            ).length,
        })),
      )
      const runs = await client.query(
        "select count(*)::int as n from migration.runs where status = 'completed'",
      )
      expect(runs.rows).toEqual([{ n: 1 }])
    } finally {
      await client.end()
    }
  })
})
