/**
 * The pipeline benchmark: MariaDB `assessment_results` → engine (light transform) → PostgreSQL, and,
 * in the same run, raw `COPY` of the very rows the engine wrote, from a CSV file into an identical
 * table. Prints figures; asserts nothing. Last line:
 *   rows=<N> rows_per_s=<r> copy_rows_per_s=<c> ratio_vs_copy=<r/c> peak_rss_mb=<m>
 *
 *   pnpm bench:pipeline -- --rows 1000000 [--batch 10000] [--chunk 1000] [--inflight 2] [--readahead 2]
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
import { database, ensureSource, mysqlUrl, pgUrl } from "./BenchData.js"

const { values } = parseArgs({
  args: process.argv.slice(2).filter((a) => a !== "--"),
  options: {
    rows: { type: "string", default: "1000000" },
    batch: { type: "string", default: "10000" },
    chunk: { type: "string", default: "1000" },
    inflight: { type: "string", default: "2" },
    readahead: { type: "string", default: "2" },
  },
})
const rows = Number(values.rows)
const batchSize = Number(values.batch)
const chunkSize = Number(values.chunk)
const loadsInFlight = Number(values.inflight)
const readAhead = Number(values.readahead)
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

const withDatabase = (url: string, name: string) => {
  const u = new URL(url)
  u.pathname = `/${name}`
  return u.toString()
}

const main = async () => {
  log(
    `bench:pipeline rows=${rows} batch=${batchSize} chunk=${chunkSize} inflight=${loadsInFlight} readahead=${readAhead}`,
  )
  const generated = await ensureSource(rows, log)
  if (generated) log("source ready")

  // A fresh target database every run.
  const admin = new pg.Client({ connectionString: pgUrl })
  await admin.connect()
  await admin.query(`drop database if exists ${database} with (force)`)
  await admin.query(`create database ${database}`)
  await admin.end()
  const targetUrl = withDatabase(pgUrl, database)
  const sql = new pg.Client({ connectionString: targetUrl })
  await sql.connect()
  const pgLayer = PgClient.layer({ url: Redacted.make(targetUrl), max: 2 })
  await Effect.runPromise(PgLedger.migrateSchema.pipe(Effect.provide(pgLayer)))
  await sql.query(
    `create schema bench; ${targetDdl("bench.assessment_results")}; ${targetDdl("bench.copy_reference")}`,
  )
  if (process.env.SB_BENCH_ONLY_GENERATE) return
  await sql.query("checkpoint")

  const layer = Layer.mergeAll(
    Layer.mergeAll(PgSink.layer, PgLedger.layer).pipe(Layer.provideMerge(pgLayer)),
    MysqlClient.layer({ url: Redacted.make(withDatabase(mysqlUrl, database)), max: 2 }),
  )
  log(`before the run: RSS ${(process.memoryUsage().rss / 1048576).toFixed(0)} MB`)
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
  const engineRss = process.resourceUsage().maxRSS / 1024
  log(
    `engine: read=${summary.read} loaded=${summary.loaded} rejected=${summary.rejected} skipped=${summary.skipped} ` +
      `in ${seconds.toFixed(2)} s (${Math.round(summary.read / seconds)} rows/s), ` +
      `Node CPU ${((cpu.user + cpu.system) / 1e6).toFixed(2)} s, peak RSS ${engineRss.toFixed(0)} MB`,
  )

  // The reference: the same rows, as the engine wrote them, COPYed from a CSV file into an identical table.
  const dir = mkdtempSync(path.join(tmpdir(), "sb-bench-"))
  const csv = path.join(dir, "rows.csv")
  try {
    await pipeline(
      sql.query(copyTo("copy bench.assessment_results to stdout (format csv)")),
      createWriteStream(csv),
    )
    // Timed twice, the faster kept: the reference is then steadier and never flatters the engine.
    let copySeconds = Number.POSITIVE_INFINITY
    for (let round = 0; round < 2; round++) {
      await sql.query("truncate bench.copy_reference")
      await sql.query("checkpoint")
      const copyStarted = process.hrtime.bigint()
      await pipeline(
        createReadStream(csv, { highWaterMark: 1 << 20 }),
        sql.query(copyFrom("copy bench.copy_reference from stdin (format csv)")),
      )
      copySeconds = Math.min(copySeconds, Number(process.hrtime.bigint() - copyStarted) / 1e9)
    }
    const copied = Number((await sql.query("select count(*) as n from bench.copy_reference")).rows[0].n)
    log(
      `raw COPY: ${copied} rows (${(statSync(csv).size / 1e6).toFixed(0)} MB CSV), best of 2 in ${copySeconds.toFixed(2)} s ` +
        `(${Math.round(copied / copySeconds)} rows/s)`,
    )
    const rowsPerS = summary.loaded / seconds
    const copyRowsPerS = copied / copySeconds
    log(
      `rows=${rows} rows_per_s=${Math.round(rowsPerS)} copy_rows_per_s=${Math.round(copyRowsPerS)} ` +
        `ratio_vs_copy=${(rowsPerS / copyRowsPerS).toFixed(2)} peak_rss_mb=${engineRss.toFixed(0)}`,
    )
  } finally {
    rmSync(dir, { recursive: true, force: true })
    await sql.end()
  }
}

main().catch((e) => {
  console.error(e instanceof Error ? e.message : e)
  process.exit(1)
})
