import { IdMap, Pipeline, Rollback, RowLedger, Sink, TargetId } from "@schoolbridge/core"
import { Effect, Exit, Layer } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { MysqlSource } from "../src/index.js"
import {
  expectedLoaded,
  loadedScoreIds,
  scoresEntity,
  setup,
  snapshot,
  studentsEntity,
} from "./fixtures/Scores.js"

const N = 2_000
type Dbs = Awaited<ReturnType<typeof setup>>

const steps = Effect.gen(function* () {
  const students = yield* MysqlSource.make({ table: "students", key: "id" })
  const scores = yield* MysqlSource.make({ table: "scores", key: "id", tenantColumn: "tenant_id" })
  return [
    { entity: studentsEntity, source: students },
    { entity: scoresEntity(), source: scores },
  ] satisfies ReadonlyArray<Pipeline.Step>
})

const migrate = (dbs: Dbs, options: Parameters<typeof Pipeline.run>[1] = {}) =>
  Effect.runPromise(
    Effect.flatMap(steps, (s) => Pipeline.run(s, { batchSize: 300, concurrency: 2, ...options })).pipe(
      Effect.provide(dbs.layer),
    ),
  )

const count = async (dbs: Dbs, sql: string, params: Array<unknown> = []) =>
  Number((await dbs.pgPool.query<{ n: string }>(sql, params)).rows[0]!.n)

describe("a run killed part-way and resumed", () => {
  let dbs: Dbs
  beforeAll(async () => {
    dbs = await setup(N)
  })
  afterAll(() => dbs.drop())

  it("loads exactly the source rows after a sink fails on its fourth batch", async () => {
    // The real sink, made to fail once three scores batches have committed.
    let loads = 0
    const failing = Layer.effect(
      Sink.Sink,
      Effect.map(Sink.Sink, (real) => ({
        ...real,
        load: (batch: Sink.LoadBatch) =>
          batch.entity === "scores" && ++loads > 3
            ? Effect.fail(
                new Sink.SinkError({
                  reason: "query",
                  entity: batch.entity,
                  message: "disk full (simulated)",
                }),
              )
            : real.load(batch),
      })),
    )
    const exit = await Effect.runPromiseExit(
      Effect.flatMap(steps, (s) => Pipeline.run(s, { batchSize: 300, concurrency: 2 })).pipe(
        Effect.provide(failing.pipe(Layer.provideMerge(dbs.layer))),
      ),
    )
    expect(Exit.isFailure(exit)).toBe(true)
    expect(String(Exit.isFailure(exit) ? exit.cause : "")).toContain("disk full (simulated)")
    const run = (await dbs.pgPool.query("select run_id, status, message from migration.runs")).rows[0]
    expect(run.status).toBe("failed")
    expect(run.message).toContain("scores")
    const partial = await loadedScoreIds(dbs.pgPool)
    expect(partial.length).toBeGreaterThan(0)
    expect(partial.length).toBeLessThan(expectedLoaded(N).length)

    const result = await migrate(dbs, { resume: Number(run.run_id) })
    expect(result.runId).toBe(Number(run.run_id))
    expect(await loadedScoreIds(dbs.pgPool)).toEqual(expectedLoaded(N))
    expect(await count(dbs, "select count(*) as n from school.scores")).toBe(expectedLoaded(N).length)
    const status = (await dbs.pgPool.query("select status from migration.runs")).rows[0].status
    expect(status).toBe("completed")
    // The ledger accounts for every source row exactly once across both attempts.
    const acc = await Effect.runPromise(
      Effect.flatMap(RowLedger.RowLedger, (l) => l.accounts(Number(run.run_id))).pipe(
        Effect.provide(dbs.layer),
      ),
    )
    const scores = acc.filter((a) => a.entity === "scores")
    expect(scores.reduce((s, a) => s + a.read, 0)).toBe(N)
    expect(scores.reduce((s, a) => s + a.loaded, 0)).toBe(expectedLoaded(N).length)
    expect(scores.reduce((s, a) => s + a.rejected, 0)).toBe(N - expectedLoaded(N).length)
  })

  it("b: rerunning the finished run, or a new run over the same source, changes nothing", async () => {
    const before = await snapshot(dbs.pgPool)
    const runId = Number((await dbs.pgPool.query("select run_id from migration.runs")).rows[0].run_id)
    const again = await migrate(dbs, { resume: runId })
    expect(again.entities.map((e) => e.read)).toEqual([0, 0])
    const after = await snapshot(dbs.pgPool)
    expect(after["school.scores"]).toEqual(before["school.scores"])
    expect(after["school.students"]).toEqual(before["school.students"])
    expect(after["migration.batches"]).toEqual(before["migration.batches"])

    // A new run reads everything again; the rows are already there, so it merges and skips them.
    const fresh = await migrate(dbs)
    const scores = fresh.entities.find((e) => e.entity === "scores")!
    expect(scores.read).toBe(N)
    expect(scores.loaded).toBe(0)
    expect(scores.skipped).toBe(expectedLoaded(N).length)
    expect((await snapshot(dbs.pgPool))["school.scores"]).toEqual(before["school.scores"])
    const modes = await dbs.pgPool.query("select distinct mode from migration.batches where run_id = $1", [
      fresh.runId,
    ])
    expect(modes.rows.map((r) => r.mode)).toEqual(["merge"])
  })
})

describe("rollback", () => {
  let dbs: Dbs
  beforeAll(async () => {
    dbs = await setup(N)
  })
  afterAll(() => dbs.drop())

  const rollback = (scope: Rollback.Scope) =>
    Effect.runPromise(
      Effect.flatMap(Rollback.Rollback, (r) => r.execute(scope)).pipe(Effect.provide(dbs.layer)),
    )
  const plan = (scope: Rollback.Scope) =>
    Effect.runPromise(Effect.flatMap(Rollback.Rollback, (r) => r.plan(scope)).pipe(Effect.provide(dbs.layer)))

  it("c: one batch, one tenant, one run: exactly those rows go, with their id-map entries", async () => {
    const first = await migrate(dbs)
    const all = expectedLoaded(N)
    expect(await loadedScoreIds(dbs.pgPool)).toEqual(all)

    // One batch: its recorded source range tells exactly which rows it loaded.
    const b = (
      await dbs.pgPool.query(
        `select batch_id, partition_key, cursor_from, cursor_to, loaded_count from migration.batches
         where entity = 'scores' and partition_key = '2' order by seq limit 1 offset 1`,
      )
    ).rows[0]
    const tenant = Number(b.partition_key)
    const inBatch = (id: number) =>
      (id % 2) + 1 === tenant && id > Number(b.cursor_from) && id <= Number(b.cursor_to)
    const planned = await plan({ _tag: "Batch", batchId: Number(b.batch_id) })
    expect(planned.tables).toEqual([{ table: "school.scores", rows: b.loaded_count }])
    const removed = await rollback({ _tag: "Batch", batchId: Number(b.batch_id) })
    expect(removed.tables).toEqual([{ table: "school.scores", rows: b.loaded_count }])
    expect(await loadedScoreIds(dbs.pgPool)).toEqual(all.filter((id) => !inBatch(id)))
    const mapped = await dbs.pgPool.query(
      "select legacy_id from migration.legacy_id_map where entity = 'scores' and legacy_id = any($1)",
      [all.filter(inBatch).map(String)],
    )
    expect(mapped.rowCount).toBe(0)

    // Resuming the run reloads exactly the rolled-back batch and nothing twice.
    await migrate(dbs, { resume: first.runId })
    expect(await loadedScoreIds(dbs.pgPool)).toEqual(all)

    // The legacy-id map answers with the derived ids, through the IdMap service.
    const mapped2 = await Effect.runPromise(
      Effect.flatMap(IdMap.IdMap, (m) => m.lookup("scores", "2", ["1", "3", "25", "999999"])).pipe(
        Effect.provide(dbs.layer),
      ),
    )
    expect(mapped2).toEqual(
      new Map([
        ["1", TargetId.of("scores", "2", 1)],
        ["3", TargetId.of("scores", "2", 3)],
      ]),
    )

    // One tenant: only that tenant's rows of every entity.
    await rollback({ _tag: "Tenant", tenant: "1" })
    const left = await dbs.pgPool.query("select distinct tenant_id from school.scores")
    expect(left.rows.map((r) => r.tenant_id)).toEqual([2])
    expect(await loadedScoreIds(dbs.pgPool)).toEqual(all.filter((id) => (id % 2) + 1 === 2))
    expect(await count(dbs, "select count(*) as n from school.students where tenant_id = 1")).toBe(0)
    expect(await count(dbs, "select count(*) as n from school.students where tenant_id = 2")).toBe(7)
    expect(await count(dbs, "select count(*) as n from migration.legacy_id_map where tenant = '1'")).toBe(0)

    // One entity: all of its rows, the other entities' stay.
    await rollback({ _tag: "Entity", entity: "scores" })
    expect(await count(dbs, "select count(*) as n from school.scores")).toBe(0)
    expect(await count(dbs, "select count(*) as n from school.students")).toBe(7)

    // One run: everything it loaded, and the run is marked rolled back.
    await rollback({ _tag: "Run", runId: first.runId })
    expect(await count(dbs, "select count(*) as n from school.scores")).toBe(0)
    expect(await count(dbs, "select count(*) as n from school.students")).toBe(0)
    expect(await count(dbs, "select count(*) as n from migration.legacy_id_map")).toBe(0)
    const run = (await dbs.pgPool.query("select status from migration.runs where run_id = $1", [first.runId]))
      .rows[0]
    expect(run.status).toBe("rolled_back")
    expect(await count(dbs, "select count(*) as n from migration.rollbacks")).toBe(4)
  })

  it("refuses to resume a rolled-back run and names an unknown batch", async () => {
    const runId = Number((await dbs.pgPool.query("select run_id from migration.runs")).rows[0].run_id)
    await expect(migrate(dbs, { resume: runId })).rejects.toThrow(/rolled back; start a new run/)
    await expect(rollback({ _tag: "Batch", batchId: 999_999 })).rejects.toThrow(/batch 999999 does not exist/)
  })
})

describe("dry run, bad rows and refused rows", () => {
  let dbs: Dbs
  beforeAll(async () => {
    dbs = await setup(600)
    // One row breaks a check constraint of the target (score must be 0..100).
    await dbs.myPool.query("update scores set score = 150.5 where id = 7")
  })
  afterAll(() => dbs.drop())

  it("d: a dry run leaves every table as it was, yet reports the constraint violations it met", async () => {
    const before = await snapshot(dbs.pgPool)
    const result = await Effect.runPromise(
      Effect.flatMap(steps, (s) => Pipeline.run(s, { batchSize: 100, dryRun: true })).pipe(
        Effect.provide(dbs.dryRunLayer),
      ),
    )
    expect(await snapshot(dbs.pgPool)).toEqual(before)
    const scores = result.entities.find((e) => e.entity === "scores")!
    expect(scores.read).toBe(600)
    expect(scores.rejected).toBe(600 - expectedLoaded(600).length + 1)
    const refused = scores.rejectedSample.find((r) => r.key === "7")
    expect(refused?.reasons[0]?.rule).toMatch(/^constraint:scores_score_check/)
    expect(refused?.reasons[0]?.message).toContain("violates check constraint")
  })

  it("e, f: every source row is loaded or rejected with reasons; one bad row does not sink its batch", async () => {
    const result = await migrate(dbs, { batchSize: 100 })
    const scores = result.entities.find((e) => e.entity === "scores")!
    const expected = expectedLoaded(600).filter((id) => id !== 7)
    expect(scores.read).toBe(600)
    expect(scores.loaded).toBe(expected.length)
    expect(scores.rejected).toBe(600 - expected.length)
    expect(scores.read).toBe(scores.loaded + scores.rejected + scores.skipped)
    expect(await loadedScoreIds(dbs.pgPool)).toEqual(expected)

    const errors = await dbs.pgPool.query(
      "select source_key, kind, column_name, rule, message, raw from migration.row_errors where entity = 'scores' order by error_id",
    )
    const rejected = errors.rows.filter((r) => r.kind === "rejected")
    expect(rejected.map((r) => Number(r.source_key)).sort((a, b) => a - b)).toEqual(
      [7, ...Array.from({ length: 24 }, (_, k) => (k + 1) * 25)].sort((a, b) => a - b),
    )
    const unknown = rejected.find((r) => r.source_key === "25")!
    expect(unknown).toMatchObject({
      column_name: "status",
      rule: "code_table",
      message: 'unknown status code "?"',
    })
    expect(unknown.raw).toMatchObject({ id: 25, status: "?" })
    const check = rejected.find((r) => r.source_key === "7")!
    expect(check.rule).toBe("constraint:scores_score_check")
    // The database judged the target row, so that is what is kept: the values as they were sent.
    expect(check.raw).toMatchObject({ target: { legacy_id: "7", score: "150.50", status: "graded" } })
    // Zero dates became null, each with a note naming the row and the column.
    const notes = errors.rows.filter((r) => r.kind === "note")
    expect(notes.length).toBe(60)
    expect(notes.find((r) => r.source_key === "10")).toMatchObject({
      column_name: "recorded_at",
      rule: "zero_date",
    })
    expect(
      await count(
        dbs,
        "select count(*) as n from school.scores where legacy_id = '20' and recorded_at is null",
      ),
    ).toBe(1)
    // The batch that held row 7 loaded its other rows.
    const batch7 = await dbs.pgPool.query(
      `select read_count, loaded_count, rejected_count from migration.batches
       where entity = 'scores' and partition_key = '2' and (cursor_from is null or (cursor_from)::int < 7) and (cursor_to)::int >= 7`,
    )
    expect(batch7.rows[0].rejected_count).toBeGreaterThanOrEqual(1)
    expect(batch7.rows[0].loaded_count).toBeGreaterThan(90)
  })
})
