import { PgClient, PgLedger } from "@schoolbridge/connectors"
import { createPgDatabase, type TestDatabase } from "@schoolbridge/testing"
import { Effect, Redacted } from "effect"
import pg from "pg"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { cli } from "./Cli.js"

let db: TestDatabase

beforeAll(async () => {
  db = await createPgDatabase("status")
  await Effect.runPromise(
    PgLedger.migrateSchema.pipe(Effect.provide(PgClient.layer({ url: Redacted.make(db.url) }))),
  )
  const c = new pg.Client({ connectionString: db.url })
  await c.connect()
  // Run 1 finished; run 2 is loading: two batches of users 10 s after its start, one of students,
  // and none yet of its guardians.
  await c.query(`insert into migration.runs (label, status, started_at, finished_at, options)
                 values ('rehearsal', 'completed', '2026-11-20T01:00:00Z', '2026-11-20T01:10:00Z', '{}'),
                        ('cutover', 'running', '2026-11-21T01:00:00Z', null,
                         '{"entities": ["legacy.users", "legacy.students", "legacy.guardians"]}')`)
  await c.query(`insert into migration.batches
      (run_id, entity, partition_key, seq, cursor_to, target_table, mode, read_count, loaded_count,
       rejected_count, skipped_count, committed_at, rolled_back_at)
    values (2, 'legacy.users', '*', 1, '1000', 'auth.users', 'copy', 1000, 990, 10, 0, '2026-11-21T01:00:05Z', null),
           (2, 'legacy.users', '*', 2, '2000', 'auth.users', 'copy', 1000, 1000, 0, 0, '2026-11-21T01:00:10Z', null),
           (2, 'legacy.students', '*', 1, '500', 'academic.students', 'copy', 500, 480, 5, 15, '2026-11-21T01:00:20Z', null),
           (2, 'legacy.students', '*', 2, '900', 'academic.students', 'copy', 400, 400, 0, 0, '2026-11-21T01:00:25Z', '2026-11-21T01:05:00Z'),
           (1, 'legacy.users', '*', 1, '7', 'auth.users', 'copy', 7, 7, 0, 0, '2026-11-20T01:00:01Z', null)`)
  // Teachers began 20 s into run 2 and committed 100 rows 10 s later: 10 rows/s, as run counts it.
  await c.query(`insert into migration.batches
      (run_id, entity, partition_key, seq, cursor_to, target_table, mode, read_count, loaded_count,
       rejected_count, skipped_count, committed_at, started_at)
    values (2, 'legacy.teachers', '*', 1, '100', 'academic.teachers', 'copy', 100, 100, 0, 0,
            '2026-11-21T01:00:30Z', '2026-11-21T01:00:20Z')`)
  await c.end()
})
afterAll(() => db.drop())

describe("schoolbridge-migrate status", () => {
  it("shows the latest run per entity, without rolled-back batches", async () => {
    const r = await cli(["status"], { SCHOOLBRIDGE_TARGET_URL: db.url })
    expect(r.stderr).toBe("")
    expect(r.code).toBe(0)
    expect(r.stdout.trim().split("\n")).toEqual([
      "run 2 (cutover): running",
      "started 2026-11-21T01:00:00.000Z",
      "",
      "entity            batches   read  loaded  rejected  skipped  rows/s",
      "legacy.users            2  2,000   1,990        10        0     200",
      "legacy.students         1    500     480         5       15      25",
      "legacy.teachers         1    100     100         0        0      10",
      "legacy.guardians        0      0       0         0        0       -",
    ])
  })

  it("shows a given run as JSON", async () => {
    const r = await cli(["status", "1", "--json"], { SCHOOLBRIDGE_TARGET_URL: db.url })
    expect(r.code).toBe(0)
    const s = JSON.parse(r.stdout)
    expect(s).toMatchObject({ runId: 1, label: "rehearsal", status: "completed" })
    expect(s.entities).toEqual([
      {
        entity: "legacy.users",
        batches: 1,
        read: 7,
        loaded: 7,
        rejected: 0,
        skipped: 0,
        rolledBackBatches: 0,
        rowsPerSecond: 7,
        lastCommitAt: "2026-11-20T01:00:01.000Z",
      },
    ])
  })

  it("exits 2 for a run that does not exist, or without a target", async () => {
    const missing = await cli(["status", "9"], { SCHOOLBRIDGE_TARGET_URL: db.url })
    expect(missing.code).toBe(2)
    expect(missing.stderr.trim()).toBe("there is no run 9")
    const none = await cli(["status"])
    expect(none.code).toBe(2)
    expect(none.stderr.trim()).toBe("SCHOOLBRIDGE_TARGET_URL is not set: export it, or pass --manifest FILE")
  })
})
