/**
 * The validation benchmark: the post-migration checks of `@schoolbridge/validators` over the rows
 * `pnpm bench:pipeline` migrated (MariaDB `sb_bench.assessment_results` → PostgreSQL
 * `sb_bench`, `bench.assessment_results`). Prints every check and the verdict; asserts nothing.
 * Last line:
 *   rows=<N> seconds=<s> peak_rss_mb=<m>
 *
 *   pnpm bench:validate -- [--rows 1000000] [--sample 1000] [--seed bench-1] [--concurrency 4] [--scans 2]
 */
import { parseArgs } from "node:util"
import { PgClient } from "@schoolbridge/connectors"
import { type Declaration, PortalRules, SourceDatabase, Validate } from "@schoolbridge/validators"
import { Effect, Layer, Logger, LogLevel, Redacted } from "effect"
import pg from "pg"
import { database, ensureSource, mysqlUrl, pgUrl, withDatabase } from "./BenchData.js"

const { values } = parseArgs({
  args: process.argv.slice(2).filter((a) => a !== "--"),
  options: {
    rows: { type: "string", default: "1000000" },
    sample: { type: "string", default: "1000" },
    seed: { type: "string", default: "bench-1" },
    concurrency: { type: "string", default: "4" },
    scans: { type: "string", default: "2" },
  },
})
const rows = Number(values.rows)
const sampleSize = Number(values.sample)
const log = (line: string) => console.log(line)

// The pipeline bench's code table and time zone, restated: the sample maps source rows the same way.
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
const utc = (v: unknown): string | null =>
  v === null || String(v).startsWith("0000")
    ? null
    : new Date(`${String(v).replace(" ", "T")}+08:00`).toISOString()

const assessmentResults: Declaration.EntityDeclaration = {
  name: "assessment_results",
  source: { table: "assessment_results", key: "id", tenantColumn: "tenant_id", where: `id <= ${rows}` },
  target: { table: "bench.assessment_results" },
  asIs: [
    { source: "student_id", type: { kind: "integer" } },
    { source: "assessment_id", type: { kind: "integer" } },
    { source: "score", type: { kind: "decimal", scale: 2 } },
    { source: "max_score", type: { kind: "decimal", scale: 2 } },
    { source: "grade", type: { kind: "text" } },
    { source: "remarks", type: { kind: "text" } },
  ],
  preserved: [
    PortalRules.datesPreserved([
      { source: "recorded_at", type: "timestamp", timeZone: "Asia/Kuala_Lumpur" },
      { source: "updated_at", type: "timestamp", timeZone: "Asia/Kuala_Lumpur" },
    ]),
  ],
  rules: [
    {
      id: "score-within-max",
      title: "Score between 0 and the maximum",
      predicate: "t.score is null or t.score between 0 and t.max_score",
    },
  ],
  sample: {
    size: sampleSize,
    seed: values.seed,
    map: (r) => ({
      tenant_id: r.tenant_id,
      student_id: r.student_id,
      assessment_id: r.assessment_id,
      score: r.score,
      max_score: r.max_score,
      grade: r.grade,
      status: statusCodes[String(r.status)] ?? null,
      recorded_at: utc(r.recorded_at),
      remarks: r.remarks,
      updated_at: utc(r.updated_at),
    }),
  },
}

/** The target table and the run that loaded it, or null when the pipeline bench has not left them. */
const findTarget = async (url: string): Promise<{ runId: number; loaded: number } | null> => {
  const client = new pg.Client({ connectionString: url })
  try {
    await client.connect()
  } catch {
    return null
  }
  try {
    const { rows: found } = await client.query(
      "select to_regclass('bench.assessment_results') is not null and to_regclass('migration.batches') is not null as ok",
    )
    if (!found[0]?.ok) return null
    const { rows: run } = await client.query(
      `select run_id, sum(loaded_count)::bigint as loaded from migration.batches
        where entity = 'assessment_results' and rolled_back_at is null
        group by run_id order by run_id desc limit 1`,
    )
    return run[0] ? { runId: Number(run[0].run_id), loaded: Number(run[0].loaded) } : null
  } finally {
    await client.end()
  }
}

const main = async () => {
  log(
    `bench:validate rows=${rows} sample=${sampleSize} seed=${values.seed} concurrency=${values.concurrency} scans=${values.scans}`,
  )
  const targetUrl = withDatabase(pgUrl, database)
  const target = await findTarget(targetUrl)
  if (target === null) {
    console.error(
      `no ${database} database with bench.assessment_results and its ledger: run pnpm bench:pipeline first`,
    )
    process.exit(2)
  }
  if (await ensureSource(rows, log)) log("source generated: it differs from what the pipeline loaded")
  log(`target: run ${target.runId} loaded ${target.loaded} rows`)

  const layer = Layer.mergeAll(
    PgClient.layer({ url: Redacted.make(targetUrl), max: 4 }),
    SourceDatabase.layerMysql({ url: Redacted.make(withDatabase(mysqlUrl, database)), max: 4 }),
  )
  const started = process.hrtime.bigint()
  const report = await Effect.runPromise(
    Validate.run([assessmentResults], {
      runId: target.runId,
      concurrency: Number(values.concurrency),
      scanConcurrency: Number(values.scans),
      title: "bench:validate",
    }).pipe(Effect.provide(layer), Logger.withMinimumLogLevel(LogLevel.Warning)),
  )
  const seconds = Number(process.hrtime.bigint() - started) / 1e9

  for (const c of report.checks) {
    log(
      `${c.passed ? "pass" : "FAIL"} ${c.severity.padEnd(8)} ${c.id}: observed=${c.observed} expected=${c.expected}` +
        (c.passed ? "" : ` — ${c.detail}`),
    )
  }
  for (const e of report.entities) {
    log(
      `entity ${e.entity}: source=${e.source} target=${e.target} read=${e.read} loaded=${e.loaded} ` +
        `rejected=${e.rejected} skipped=${e.skipped}`,
    )
  }
  const failed = report.checks.filter((c) => !c.passed).length
  log(
    `verdict=${report.decision.verdict} checks=${report.checks.length} failed=${failed} ` +
      `recommendation=${report.decision.recommendation.action} (${Math.round(rows / seconds)} rows/s)`,
  )
  const rss = process.resourceUsage().maxRSS / 1024
  log(`rows=${rows} seconds=${seconds.toFixed(2)} peak_rss_mb=${rss.toFixed(0)}`)
}

main().catch((e) => {
  console.error(e instanceof Error ? e.message : e)
  process.exit(1)
})
