/**
 * The SDMS client benchmark: N distinct student ids fetched through the client against the fake
 * SDMS (20 ms latency, 5% 5xx, one 429 storm) at a configured limit, cached in PostgreSQL; then the
 * same ids again over the warm cache, which must make no request. Prints figures; exits non-zero
 * when an id is neither fetched nor reported with its error. Last line:
 *   ids=<N> seconds=<s> requests=<r> duplicate_requests=<d> ratio_vs_limit=<(r/s)/limit> peak_rss_mb=<m>
 *
 *   pnpm bench:sdms -- --ids 10000
 */
import { parseArgs } from "node:util"
import { PgClient, PgLedger } from "@schoolbridge/connectors"
import { FakeSdms, Records } from "@schoolbridge/fake-sdms"
import { PgCache, SdmsClient } from "@schoolbridge/sdms-client"
import { Effect, Either, Layer, Logger, LogLevel, Redacted } from "effect"
import pg from "pg"
import { pgUrl } from "./BenchData.js"

const { values } = parseArgs({
  args: process.argv.slice(2).filter((a) => a !== "--"),
  options: {
    ids: { type: "string", default: "10000" },
    limit: { type: "string", default: "200" },
    latency: { type: "string", default: "20" },
    "error-rate": { type: "string", default: "0.05" },
    "storm-ms": { type: "string", default: "1000" },
    concurrency: { type: "string", default: "16" },
    database: { type: "string", default: "sb_bench_sdms" },
  },
})
const ids = Number(values.ids)
const limit = Number(values.limit)
if (!Number.isSafeInteger(ids) || ids <= 0)
  throw new Error(`--ids must be a positive integer, got ${values.ids}`)
if (!(limit > 0)) throw new Error(`--limit must be a positive number, got ${values.limit}`)

const database = values.database
if (!/^[a-z_][a-z0-9_]*$/.test(database)) throw new Error(`--database must be a plain name, got ${database}`)
const adminUrl = pgUrl
const dbUrl = (() => {
  const u = new URL(adminUrl)
  u.pathname = `/${database}`
  return u.toString()
})()

const admin = new pg.Client({ connectionString: adminUrl })
await admin.connect()
await admin.query(`drop database if exists ${database} with (force)`)
await admin.query(`create database ${database}`)
await admin.end()

const key = "bench-api-key"
const fake = await FakeSdms.start({
  apiKeys: [key],
  population: { students: ids, staff: 1, schools: 500 },
  faults: { latencyMs: Number(values.latency), errorRate: Number(values["error-rate"]) },
})
const studentIds = Array.from({ length: ids }, (_, i) => Records.studentId(i + 1))

const options: SdmsClient.Options = {
  baseUrl: fake.url,
  credentials: { _tag: "ApiKey", key: Redacted.make(key) },
  timeout: "5 seconds",
  rateLimit: { perSecond: limit, concurrency: Number(values.concurrency) },
  retry: { times: 6, base: "100 millis", cap: "2 seconds" },
}

const pool = PgClient.layer({ url: Redacted.make(dbUrl), max: 8 })
const app = SdmsClient.layer(options).pipe(Layer.provide(PgCache.layer), Layer.provideMerge(pool))

const round = (label: string, storm: boolean) =>
  Effect.gen(function* () {
    const client = yield* SdmsClient.SdmsClient
    fake.clearLog()
    const expected = (ids / limit) * 1000
    // One storm, a third of the way through: every record request is answered 429 for a while.
    const timer = storm
      ? setTimeout(() => fake.storm(Number(values["storm-ms"]), 1), expected / 3)
      : undefined
    const started = performance.now()
    const outcomes = yield* client.students(studentIds)
    const seconds = (performance.now() - started) / 1000
    clearTimeout(timer)
    const log = fake.log.filter((l) => l.kind === "students")
    const answered = new Map<string, number>()
    for (const l of log)
      if (l.status === 200 || l.status === 304) answered.set(l.id!, (answered.get(l.id!) ?? 0) + 1)
    const duplicates = [...answered.values()].reduce((n, c) => n + Math.max(0, c - 1), 0)
    const failed = outcomes.filter((o) => Either.isLeft(o.result))
    const reasons = new Map<string, number>()
    for (const o of failed)
      if (Either.isLeft(o.result))
        reasons.set(o.result.left.reason, (reasons.get(o.result.left.reason) ?? 0) + 1)
    const byStatus = new Map<number, number>()
    for (const l of log) byStatus.set(l.status, (byStatus.get(l.status) ?? 0) + 1)
    console.log(
      `${label}: ids=${outcomes.length} fetched=${outcomes.length - failed.length} failed=${failed.length}` +
        `${failed.length > 0 ? ` (${[...reasons].map(([r, n]) => `${r}:${n}`).join(" ")})` : ""}` +
        ` requests=${log.length} by_status=${[...byStatus].map(([s, n]) => `${s}:${n}`).join(",")}` +
        ` peak_in_flight=${fake.peakInFlight()} seconds=${seconds.toFixed(2)}`,
    )
    return { outcomes, seconds, requests: log.length, duplicates, failed: failed.length }
  })

const program = Effect.gen(function* () {
  yield* PgLedger.migrateSchema
  const cold = yield* round("cold", true)
  const warm = yield* round("warm", false)
  const client = yield* SdmsClient.SdmsClient
  const m = client.metrics()
  console.log(
    `counters: requests=${m.requests} retries=${m.retries} rate_limited=${m.rateLimited} cache_hits=${m.cacheHits} ` +
      `cache_misses=${m.cacheMisses} breaker=${m.breakerState} breaker_opened=${m.breakerOpened}`,
  )
  const accounted = cold.outcomes.length === ids && warm.outcomes.length === ids
  const ratio = cold.requests / cold.seconds / limit
  const rss = process.resourceUsage().maxRSS / 1024
  console.log(
    `ids=${ids} seconds=${cold.seconds.toFixed(2)} requests=${cold.requests} duplicate_requests=${cold.duplicates} ` +
      `ratio_vs_limit=${ratio.toFixed(2)} peak_rss_mb=${rss.toFixed(0)}`,
  )
  return accounted && warm.requests === 0
})

const ok = await Effect.runPromise(
  program.pipe(Effect.provide(app), Effect.provide(Logger.minimumLogLevel(LogLevel.Error)), Effect.scoped),
)
await fake.close()
if (!ok) {
  console.error("not every id was accounted for, or the warm round made requests")
  process.exitCode = 1
}
