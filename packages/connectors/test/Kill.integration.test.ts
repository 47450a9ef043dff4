import { spawn } from "node:child_process"
import { fileURLToPath } from "node:url"
import { Pipeline } from "@schoolbridge/core"
import { Effect } from "effect"
import { afterAll, beforeAll, expect, it } from "vitest"
import { MysqlSource } from "../src/index.js"
import { expectedLoaded, loadedScoreIds, scoresEntity, setup, studentsEntity } from "./fixtures/Scores.js"

const N = 3_000
let dbs: Awaited<ReturnType<typeof setup>>
beforeAll(async () => {
  dbs = await setup(N)
})
afterAll(() => dbs.drop())

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

it("a: a run killed with SIGKILL part-way resumes with no duplicate and no gap", async () => {
  const child = spawn(
    process.execPath,
    ["--import", "tsx", fileURLToPath(new URL("./fixtures/childRun.ts", import.meta.url))],
    {
      env: { ...process.env, PG_URL: dbs.pg.url, MYSQL_URL: dbs.my.url, DELAY_MS: "40" },
      stdio: ["ignore", "ignore", "pipe"],
    },
  )
  let stderr = ""
  child.stderr.on("data", (d) => {
    stderr += String(d)
  })
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)))
  // Wait until some scores batches have committed, then kill without warning.
  const deadline = Date.now() + 60_000
  let committed = 0
  while (Date.now() < deadline) {
    committed = Number(
      (await dbs.pgPool.query("select count(*) as n from migration.batches where entity = 'scores'")).rows[0]
        .n,
    )
    if (committed >= 4) break
    await sleep(20)
  }
  expect(committed, `the child never committed a batch: ${stderr}`).toBeGreaterThanOrEqual(4)
  child.kill("SIGKILL")
  await exited
  const partial = await loadedScoreIds(dbs.pgPool)
  expect(partial.length).toBeGreaterThan(0)
  expect(partial.length).toBeLessThan(expectedLoaded(N).length)
  // Two batches load at once but commit in order: what survived the kill is a prefix, 1..n, per partition.
  const seqs = await dbs.pgPool.query(
    "select partition_key, array_agg(seq order by seq) as seqs from migration.batches where entity = 'scores' group by 1",
  )
  for (const r of seqs.rows) expect(r.seqs).toEqual(r.seqs.map((_: number, i: number) => i + 1))
  const run = (await dbs.pgPool.query("select run_id, status from migration.runs")).rows[0]
  // Killed processes record nothing: the run still says running, and its checkpoints say where to go on.
  expect(run.status).toBe("running")

  const result = await Effect.runPromise(
    Effect.gen(function* () {
      const students = yield* MysqlSource.make({ table: "students", key: "id" })
      const scores = yield* MysqlSource.make({ table: "scores", key: "id", tenantColumn: "tenant_id" })
      return yield* Pipeline.run(
        [
          { entity: studentsEntity, source: students },
          { entity: scoresEntity(), source: scores },
        ],
        { batchSize: 100, concurrency: 2, resume: Number(run.run_id) },
      )
    }).pipe(Effect.provide(dbs.layer)),
  )
  expect(result.runId).toBe(Number(run.run_id))
  const ids = await loadedScoreIds(dbs.pgPool)
  expect(ids).toEqual(expectedLoaded(N))
  expect(new Set(ids).size).toBe(ids.length)
  const ledger = (
    await dbs.pgPool.query(
      "select sum(read_count) as read, sum(loaded_count) as loaded from migration.batches where entity = 'scores'",
    )
  ).rows[0]
  expect(Number(ledger.read)).toBe(N)
  expect(Number(ledger.loaded)).toBe(expectedLoaded(N).length)
})
