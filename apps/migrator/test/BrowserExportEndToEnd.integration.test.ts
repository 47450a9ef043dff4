/**
 * The browser app's export fixture (packages/mappers/test/fixtures/browser/export.json) migrated by
 * the built CLI with the shipped manifest: every record of every collection is accounted for.
 */
import { readFileSync } from "node:fs"
import * as path from "node:path"
import { createPgDatabase, type TestDatabase } from "@schoolbridge/testing"
import pg from "pg"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { cli } from "./Cli.js"

// The fixture's dirt rejects more than the tolerated 2% of some entity's rows: run ends with exit 4.
const overTolerance = 4

const file = path.resolve(import.meta.dirname, "../../../packages/mappers/test/fixtures/browser/export.json")
const manifest = path.resolve(import.meta.dirname, "../manifests/browser-export.yaml")
const data = JSON.parse(readFileSync(file, "utf8")).data as Record<string, ReadonlyArray<unknown>>

let target: TestDatabase
let portal: pg.Client
const env = () => ({ BROWSER_EXPORT_PATH: file, SCHOOLBRIDGE_TARGET_URL: target.url })
const rows = async (sql: string, params: Array<unknown> = []) => (await portal.query(sql, params)).rows

beforeAll(async () => {
  target = await createPgDatabase("portal")
  portal = new pg.Client({ connectionString: target.url })
  await portal.connect()
})
afterAll(async () => {
  await portal?.end()
  await target?.drop()
})

describe("browser export → portal through the CLI", () => {
  it("plans every entity with the size of its collection", async () => {
    const r = await cli(["plan", "--manifest", manifest, "--json"], env())
    expect(r.code).toBe(0)
    const plan = JSON.parse(r.stdout) as Array<{ entity: string; estimatedRows: number }>
    expect(plan.find((s) => s.entity === "browser.students")?.estimatedRows).toBe(data.students!.length)
    expect(plan.find((s) => s.entity === "browser.payments")?.estimatedRows).toBe(data.payments!.length)
    // A collection no entity reads is named with its size, never passed over in silence.
    expect(r.stderr).toContain("not read by any entity (1): export:data.notifications (2 rows)")
    const text = await cli(["plan", "--manifest", manifest], env())
    expect(text.stdout).toContain("export:data.notifications (2 rows)")
  })

  it("runs to completion and accounts for every record", async () => {
    const run = await cli(["run", "--manifest", manifest, "--tenant", "SA01"], env())
    expect(run.stderr).not.toMatch(/error|failed/i)
    expect(run.code).toBe(overTolerance)
    const accounts = await rows(
      `select entity, sum(read_count)::int as read, sum(loaded_count)::int as loaded,
              sum(rejected_count)::int as rejected, sum(skipped_count)::int as skipped
         from migration.batches group by entity`,
    )
    const collectionOf: Record<string, string> = {
      "browser.students": "students",
      "browser.teachers": "teachers",
      "browser.classes": "classes",
      "browser.attendance": "attendance",
      "browser.assessment_results": "grades",
      "browser.invoices": "paymentObligations",
      "browser.payments": "payments",
      "browser.private_lessons": "privateLessons",
      "browser.quran_progress": "quranProgress",
      "browser.murajaah_sessions": "quranProgress",
      "browser.announcements": "announcements",
    }
    for (const [entity, collection] of Object.entries(collectionOf))
      expect([entity, accounts.find((a) => a.entity === entity)?.read]).toEqual([
        entity,
        data[collection]!.length,
      ])
    expect(accounts.length).toBe(25)
    expect(run.stdout).toContain("not read by any entity (1): export:data.notifications (2 rows)")
    const quran = await rows(
      `select (select count(*)::int from islamic.hafiz_progress) as memorised,
              (select count(*)::int from islamic.murajaah_sessions) as revised,
              (select count(*)::int from islamic.quran_enrollments) as enrolled,
              (select count(*)::int from communication.announcements) as announced`,
    )
    // One surah memorised (two sittings, one row), two revisions, two pupils, two announcements.
    expect(quran).toEqual([{ memorised: 1, revised: 2, enrolled: 2, announced: 2 }])
    for (const a of accounts) expect(a.read).toBe(a.loaded + a.rejected + a.skipped)
    const [{ n }] = await rows(
      "select count(*)::int as n from academic.students where legacy_source = 'browser.students'",
    )
    expect(n).toBe(accounts.find((a) => a.entity === "browser.students")!.loaded)
    expect(n).toBeGreaterThan(0)
    // stu-004 is written twice: the newer copy loads, the older is skipped under a key of its own.
    expect(await rows("select legacy_id from academic.students where legacy_id = 'stu-004'")).toHaveLength(1)
    expect(
      await rows(
        "select source_key from migration.row_errors where entity = 'browser.students' and kind = 'skipped' and source_key like 'stu-004%'",
      ),
    ).toEqual([{ source_key: "stu-004 (copy 1)" }])
    // Each record not loaded says why.
    const unexplained = await rows(
      `select b.batch_id from migration.batches b
        where b.rejected_count + b.skipped_count >
              (select count(*) from migration.row_errors e
                where e.batch_id = b.batch_id and e.kind in ('rejected', 'skipped') and e.message <> '')`,
    )
    expect(unexplained).toEqual([])
  })
})
