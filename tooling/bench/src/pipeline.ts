/**
 * The pipeline benchmark: MariaDB `assessment_results` → engine (light transform) → PostgreSQL, and,
 * in the same run, raw `COPY` of the very rows the engine wrote, from a CSV file into an identical
 * table. Prints figures; asserts nothing. Last line:
 *   rows=<N> rows_per_s=<r> copy_rows_per_s=<c> ratio_vs_copy=<r/c> peak_rss_mb=<m>
 *
 *   pnpm bench:pipeline -- --rows 1000000 [--batch 20000] [--chunk 1000] [--inflight 2] [--readahead 2] [--rounds 3]
 */
import { createReadStream, createWriteStream, mkdtempSync, rmSync, statSync } from "node:fs"
import { tmpdir } from "node:os"
import * as path from "node:path"
import { pipeline } from "node:stream/promises"
import { parseArgs } from "node:util"
import { MysqlClient, MysqlSource, PgClient, PgLedger, PgSink } from "@schoolbridge/connectors"
import { type Entity, Pipeline, Transform } from "@schoolbridge/core"
import { Effect, Layer, Redacted } from "effect"
import pg from "pg"
import { from as copyFrom, to as copyTo } from "pg-copy-streams"
import { database, ensureSource, mysqlUrl, pgUrl, withDatabase } from "./BenchData.js"

const { values } = parseArgs({
  args: process.argv.slice(2).filter((a) => a !== "--"),
  options: {
    rows: { type: "string", default: "1000000" },
    batch: { type: "string", default: "20000" },
    chunk: { type: "string", default: "1000" },
    inflight: { type: "string", default: "2" },
    readahead: { type: "string", default: "2" },
    rounds: { type: "string", default: "3" },
  },
})
const rows = Number(values.rows)
const batchSize = Number(values.batch)
const chunkSize = Number(values.chunk)
const loadsInFlight = Number(values.inflight)
const readAhead = Number(values.readahead)
const rounds = Math.max(1, Number(values.rounds))
const log = (line: string) => console.log(line)

const targetDdl = (table: string) => `
  create table ${table} (
    id uuid primary key,
    tenant_id integer not null,
    legacy_source text not null,
    legacy_id text not null,
    student_id integer not null,
    assessment_id integer not null,
    score numeric(5,2),
    max_score numeric(5,2) not null,
    grade text,
    status text not null,
    recorded_at timestamptz,
    remarks text,
    updated_at timestamptz not null
  )`

// Legacy status codes of the SIS → the portal's statuses.
const statusCodes: Record<string, string> = {
  A: "graded",
  graded: "graded",
  G: "graded",
  "1": "graded",
  P: "pending",
  pending: "pending",
  "0": "pending",
  X: "excused",
}

// The school's local time; PostgreSQL converts to UTC on the way in, no Date objects per row.
const local = (v: unknown) => (v === null ? null : `${v as string}+08`)

const entity: Entity.Entity<Record<string, unknown>> = {
  name: "assessment_results",
  ids: "ordered",
  target: {
    table: "bench.assessment_results",
    tenantColumn: "tenant_id",
    columns: [
      "id",
      "tenant_id",
      "legacy_source",
      "legacy_id",
      "student_id",
      "assessment_id",
      "score",
      "max_score",
      "grade",
      "status",
      "recorded_at",
      "remarks",
      "updated_at",
    ],
  },
  transform: Transform.fromRow((r, ctx) => {
    const status = statusCodes[r.status as string]
    if (status === undefined) {
      return Transform.reject(
        Transform.reason("status", "code_table", `unknown status code ${JSON.stringify(r.status)}`),
      )
    }
    return [
      ctx.id(r.tenant_id as number, r.id as number),
      r.tenant_id,
      "assessment_results",
      ctx.key,
      r.student_id,
      r.assessment_id,
      r.score,
      r.max_score,
      r.grade,
      status,
      local(r.recorded_at),
      r.remarks,
      local(r.updated_at),
    ]
  }),
}

const median = (xs: ReadonlyArray<number>) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!

/** One paired round on a fresh target database: the engine, then raw COPY of what it wrote. */
const round = async (n: number) => {
  const admin = new pg.Client({ connectionString: pgUrl })
  await admin.connect()
  await admin.query(`drop database if exists ${database} with (force)`)
  await admin.query(`create database ${database}`)
  await admin.end()
  const targetUrl = withDatabase(pgUrl, database)
  const sql = new pg.Client({ connectionString: targetUrl })
  await sql.connect()
  try {
    const pgLayer = PgClient.layer({ url: Redacted.make(targetUrl), max: 3 })
    await Effect.runPromise(PgLedger.migrateSchema.pipe(Effect.provide(pgLayer)))
    await sql.query(
      `create schema bench; ${targetDdl("bench.assessment_results")}; ${targetDdl("bench.copy_reference")}`,
    )
    await sql.query("checkpoint")
    const layer = Layer.mergeAll(
      Layer.mergeAll(PgSink.layer, PgLedger.layer).pipe(Layer.provideMerge(pgLayer)),
      MysqlClient.layer({ url: Redacted.make(withDatabase(mysqlUrl, database)), max: 2 }),
    )
    // Timed from open connections to the last commit, as raw COPY is timed below.
    const { result, seconds, cpu } = await Effect.runPromise(
      Effect.gen(function* () {
        const source = yield* MysqlSource.make({
          table: "assessment_results",
          key: "id",
          where: `id <= ${rows}`,
        })
        const started = process.hrtime.bigint()
        const cpuStart = process.cpuUsage()
        const result = yield* Pipeline.run([{ entity, source }], {
          batchSize,
          chunkSize,
          loadsInFlight,
          readAhead,
          label: "bench",
        })
        return {
          result,
          seconds: Number(process.hrtime.bigint() - started) / 1e9,
          cpu: process.cpuUsage(cpuStart),
        }
      }).pipe(Effect.provide(layer)),
    )
    const summary = result.entities[0]!
    log(
      `round ${n} engine: read=${summary.read} loaded=${summary.loaded} rejected=${summary.rejected} ` +
        `skipped=${summary.skipped} in ${seconds.toFixed(2)} s (${Math.round(summary.loaded / seconds)} rows/s), ` +
        `Node CPU ${((cpu.user + cpu.system) / 1e6).toFixed(2)} s`,
    )

    // The reference: the same rows, as the engine wrote them, COPYed from a CSV file into an identical table.
    const dir = mkdtempSync(path.join(tmpdir(), "sb-bench-"))
    const csv = path.join(dir, "rows.csv")
    try {
      await pipeline(
        sql.query(copyTo("copy bench.assessment_results to stdout (format csv)")),
        createWriteStream(csv),
      )
      await sql.query("checkpoint")
      const copyStarted = process.hrtime.bigint()
      await pipeline(
        createReadStream(csv, { highWaterMark: 1 << 20 }),
        sql.query(copyFrom("copy bench.copy_reference from stdin (format csv)")),
      )
      const copySeconds = Number(process.hrtime.bigint() - copyStarted) / 1e9
      const copied = Number((await sql.query("select count(*) as n from bench.copy_reference")).rows[0].n)
      if (copied !== summary.loaded)
        throw new Error(`raw COPY loaded ${copied} rows, the engine ${summary.loaded}`)
      log(
        `round ${n} raw COPY: ${copied} rows (${(statSync(csv).size / 1e6).toFixed(0)} MB CSV) in ` +
          `${copySeconds.toFixed(2)} s (${Math.round(copied / copySeconds)} rows/s)`,
      )
      return { rowsPerS: summary.loaded / seconds, copyRowsPerS: copied / copySeconds }
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  } finally {
    await sql.end()
  }
}

const main = async () => {
  log(
    `bench:pipeline rows=${rows} rounds=${rounds} batch=${batchSize} chunk=${chunkSize} ` +
      `inflight=${loadsInFlight} readahead=${readAhead}`,
  )
  if (await ensureSource(rows, log)) log("source ready")
  const results = []
  for (let n = 1; n <= rounds; n++) results.push(await round(n))
  const rowsPerS = median(results.map((r) => r.rowsPerS))
  const copyRowsPerS = median(results.map((r) => r.copyRowsPerS))
  const ratio = median(results.map((r) => r.rowsPerS / r.copyRowsPerS))
  const rss = process.resourceUsage().maxRSS / 1024
  log(
    `rows=${rows} rows_per_s=${Math.round(rowsPerS)} copy_rows_per_s=${Math.round(copyRowsPerS)} ` +
      `ratio_vs_copy=${ratio.toFixed(2)} peak_rss_mb=${rss.toFixed(0)}`,
  )
}

main().catch((e) => {
  console.error(e instanceof Error ? e.message : e)
  process.exit(1)
})
