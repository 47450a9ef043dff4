import { Pipeline, Sink } from "@schoolbridge/core"
import { Effect, Layer } from "effect"
import { afterAll, beforeAll, expect, it } from "vitest"
import { MysqlSource } from "../src/index.js"
import { expectedLoaded, loadedScoreIds, scoresEntity, setup, studentsEntity } from "./fixtures/Scores.js"

let dbs: Awaited<ReturnType<typeof setup>>
beforeAll(async () => {
  dbs = await setup(500)
})
afterAll(() => dbs.drop())

const steps = (upsert = false) =>
  Effect.gen(function* () {
    const students = yield* MysqlSource.make({ table: "students", key: "id" })
    const scores = yield* MysqlSource.make({ table: "scores", key: "id", tenantColumn: "tenant_id" })
    const base = scoresEntity()
    return [
      { entity: studentsEntity, source: students },
      { entity: { ...base, target: { ...base.target, upsert } }, source: scores },
    ]
  })

it("retries transient faults with backoff, then the batch commits once", async () => {
  // The real sink, with a connection reset on the first two tries of every third scores batch.
  const tries = new Map<string, number>()
  const flaky = Layer.effect(
    Sink.Sink,
    Effect.map(Sink.Sink, (real) => ({
      ...real,
      load: (batch: Sink.LoadBatch) => {
        const at = `${batch.entity}/${batch.partition}/${batch.seq}`
        const n = (tries.get(at) ?? 0) + 1
        tries.set(at, n)
        return batch.entity === "scores" && batch.seq % 3 === 0 && n <= 2
          ? Effect.fail(
              new Sink.SinkError({ reason: "transient", entity: batch.entity, message: "ECONNRESET" }),
            )
          : real.load(batch)
      },
    })),
  )
  const result = await Effect.runPromise(
    Effect.flatMap(steps(), (s) =>
      Pipeline.run(s, { batchSize: 50, retry: { times: 3, base: "5 millis", cap: "20 millis" } }),
    ).pipe(Effect.provide(flaky.pipe(Layer.provideMerge(dbs.layer)))),
  )
  expect([...tries.values()].some((n) => n === 3)).toBe(true)
  expect(result.entities.find((e) => e.entity === "scores")?.loaded).toBe(expectedLoaded(500).length)
  expect(await loadedScoreIds(dbs.pgPool)).toEqual(expectedLoaded(500))
})

it("a new run with upsert updates the rows that changed in the source and leaves the rest", async () => {
  await dbs.myPool.query("update scores set remarks = 'revised' where id in (2, 4, 6)")
  const result = await Effect.runPromise(
    Effect.flatMap(steps(true), (s) => Pipeline.run(s, { batchSize: 100 })).pipe(Effect.provide(dbs.layer)),
  )
  const scores = result.entities.find((e) => e.entity === "scores")!
  expect(scores.loaded).toBe(3)
  expect(scores.skipped).toBe(expectedLoaded(500).length - 3)
  const revised = await dbs.pgPool.query(
    "select legacy_id from school.scores where remarks = 'revised' order by 1",
  )
  expect(revised.rows.map((r) => r.legacy_id)).toEqual(["2", "4", "6"])
  // Updated rows were there before: they are not this run's to roll back.
  const ids = await dbs.pgPool.query(
    "select sum(cardinality(ids)) as n from migration.batches where run_id = $1",
    [result.runId],
  )
  expect(Number(ids.rows[0].n)).toBe(0)
})
