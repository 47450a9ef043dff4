import { IdMap, Pipeline, Rollback, TargetId, Transform } from "@schoolbridge/core"
import { Effect } from "effect"
import { afterAll, beforeAll, expect, it } from "vitest"
import { MysqlSource } from "../src/index.js"
import { setup, studentsEntity } from "./fixtures/Scores.js"

let dbs: Awaited<ReturnType<typeof setup>>
beforeAll(async () => {
  dbs = await setup(10)
})
afterAll(() => dbs.drop())

// Students also known by a natural key (their name): an identity the ids cannot derive, kept in the map.
const byName = {
  ...studentsEntity,
  transform: Transform.fromRow<Record<string, unknown>>((r, ctx) => {
    const id = ctx.id(r.tenant_id as number, r.id as number)
    ctx.map(String(r.tenant_id), `name:${r.name}`, id)
    return [id, r.tenant_id, "students", String(r.id), r.name]
  }),
}

it("identities recorded by a transform commit with their batch, answer look-ups, and go with a rollback", async () => {
  const run = await Effect.runPromise(
    Effect.gen(function* () {
      const source = yield* MysqlSource.make({ table: "students", key: "id" })
      return yield* Pipeline.run([{ entity: byName, source }], { batchSize: 5 })
    }).pipe(Effect.provide(dbs.layer)),
  )
  const lookup = (ids: Array<string>) =>
    Effect.runPromise(
      Effect.flatMap(IdMap.IdMap, (m) => m.lookup("students", "2", ids)).pipe(Effect.provide(dbs.layer)),
    )
  // Student 3 belongs to tenant 2 (odd ids do); the map answers by name and, through the view, by legacy id.
  expect(await lookup(["name:Student 3", "3", "name:Student 4"])).toEqual(
    new Map([
      ["name:Student 3", TargetId.of("students", 2, 3)],
      ["3", TargetId.of("students", 2, 3)],
    ]),
  )
  const stored = await dbs.pgPool.query(
    "select count(*) as n from migration.id_map where entity = 'students'",
  )
  expect(Number(stored.rows[0].n)).toBe(14)
  await Effect.runPromise(
    Effect.flatMap(Rollback.Rollback, (r) => r.execute({ _tag: "Run", runId: run.runId })).pipe(
      Effect.provide(dbs.layer),
    ),
  )
  expect(await lookup(["name:Student 3", "3"])).toEqual(new Map())
})
