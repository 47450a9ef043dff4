/**
 * The cutover benchmark: the runbook's night (docs/guides/cutover-night.md) timed end to end through
 * the built `schoolbridge-migrate`, as an operator runs it, on the generated legacy SIS
 * (`@schoolbridge/demo`) loaded into MariaDB and migrated into a fresh PostgreSQL database:
 * check, seed, backup, run, validate, then each rollback path (a batch and its resume, the tenant,
 * a full restore from the backup). In the same run, raw `COPY` of the very rows the run loaded,
 * table by table into copies without constraints, for the ratio. Prints figures; asserts nothing.
 * Last line:
 *   rows=<N> run_seconds=<s> rows_per_s=<r> copy_rows_per_s=<c> ratio_vs_copy=<r/c> peak_rss_mb=<m>
 *
 *   pnpm bench:cutover -- [--students 20000] [--seed 1] [--out DIR]
 */
import { spawnSync } from "node:child_process"
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import * as path from "node:path"
import { fileURLToPath } from "node:url"
import { parseArgs } from "node:util"
import { LegacyDataset, Mysql } from "@schoolbridge/demo"
import mysql from "mysql2/promise"
import pg from "pg"
import { mysqlUrl, pgUrl, withDatabase } from "./BenchData.js"

const { values } = parseArgs({
  args: process.argv.slice(2).filter((a) => a !== "--"),
  options: {
    students: { type: "string", default: "20000" },
    seed: { type: "string", default: "1" },
    out: { type: "string" },
  },
})
const students = Number(values.students)
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..")
const out = path.resolve(values.out ?? path.join(root, ".bench/cutover"))
const cli = path.join(root, "apps/migrator/dist/main.mjs")
const manifest = path.join(root, "apps/migrator/manifests/legacy-sis.yaml")
const database = "sb_cutover"
const tenant = "SA01"
const log = (line: string) => console.log(line)

rmSync(out, { recursive: true, force: true })
mkdirSync(out, { recursive: true })

// Each command's peak memory (kB), written by the child itself as it exits (no `time` binary needed).
const rssProbe = path.join(out, "rss-probe.cjs")
writeFileSync(
  rssProbe,
  "process.on('exit', () => require('node:fs').appendFileSync(process.env.SB_RSS_FILE, process.resourceUsage().maxRSS + '\\n'))\n",
)
const rssFile = path.join(out, "rss.txt")

const env = {
  ...process.env,
  LEGACY_MYSQL_URL: withDatabase(mysqlUrl, database),
  SCHOOLBRIDGE_TARGET_URL: withDatabase(pgUrl, database),
  SB_RSS_FILE: rssFile,
  NODE_OPTIONS: `--require ${rssProbe}`,
}

interface Step {
  readonly name: string
  readonly seconds: number
  readonly rssMb: number
  readonly detail: string
}
const steps: Array<Step> = []

/** Runs one CLI command, keeps its output in a log file, and records its wall time. */
const migrate = (name: string, args: ReadonlyArray<string>, detail = ""): string => {
  const started = performance.now()
  const r = spawnSync(process.execPath, [cli, ...args], { env, encoding: "utf8", maxBuffer: 1 << 28 })
  const seconds = (performance.now() - started) / 1000
  const logFile = path.join(out, `${steps.length + 1}-${args[0]}.log`)
  writeFileSync(logFile, `$ schoolbridge-migrate ${args.join(" ")}\n${r.stdout}\n${r.stderr}`)
  // validate's exit 1 is a verdict, not a failure of the bench.
  if (r.status !== 0 && !(args[0] === "validate" && r.status === 1))
    throw new Error(`${args.join(" ")} exited ${r.status}; see ${logFile}`)
  const rssMb = Number(readFileSync(rssFile, "utf8").trim().split("\n").at(-1)) / 1024
  steps.push({ name, seconds, rssMb, detail })
  log(`${name.padEnd(36)} ${seconds.toFixed(1).padStart(8)} ${rssMb.toFixed(0).padStart(7)}  ${detail}`)
  return r.stdout
}

const portal = async <R extends Record<string, unknown>>(sql: string, params: Array<unknown> = []) => {
  const c = new pg.Client({ connectionString: env.SCHOOLBRIDGE_TARGET_URL })
  await c.connect()
  try {
    return (await c.query<R>(sql, params)).rows
  } finally {
    await c.end()
  }
}

const admin = async (sql: string) => {
  const c = new pg.Client({ connectionString: pgUrl })
  await c.connect()
  try {
    await c.query(sql)
  } finally {
    await c.end()
  }
}

const createMysqlDatabase = async () => {
  const c = await mysql.createConnection({ uri: mysqlUrl })
  try {
    await c.query(`create database if not exists ${database}`)
  } finally {
    await c.end()
  }
}

const build = spawnSync("pnpm", ["--silent", "--filter", "@schoolbridge/migrator", "run", "build"], {
  cwd: root,
  stdio: "inherit",
})
if (build.status !== 0) throw new Error("building the migrator failed")

log(`cutover bench: ${students} students, seed ${values.seed}, logs and backups in ${out}`)
let started = performance.now()
const dataset = LegacyDataset.generate({ students, seed: Number(values.seed) })
const sourceRows = dataset.tables.reduce((n, t) => n + t.rows.length, 0)
await createMysqlDatabase()
await Mysql.loadMysql(dataset, env.LEGACY_MYSQL_URL, { replace: true })
log(
  `source ready: ${sourceRows} rows in ${dataset.tables.length} MariaDB tables (${((performance.now() - started) / 1000).toFixed(1)} s, not part of the night)`,
)
await admin(`drop database if exists ${database} with (force)`)
await admin(`create database ${database}`)
log("")
log(`${"step".padEnd(36)} ${"seconds".padStart(8)} ${"rss MB".padStart(7)}  detail`)

migrate("check", ["check", "--manifest", manifest, "--backup-dir", out])
migrate("seed the catalog (schema + roles)", ["seed", "--catalog-only"])
migrate("backup before the load", ["backup", "--out", path.join(out, "before")])
const runOut = migrate("run", ["run", "--manifest", manifest, "--tenant", tenant])
const [run] = await portal<{ run_id: string; seconds: number; read: string; loaded: string }>(
  `select r.run_id, extract(epoch from r.finished_at - r.started_at)::float8 as seconds,
          sum(b.read_count) as read, sum(b.loaded_count) as loaded
     from migration.runs r join migration.batches b using (run_id)
    where r.run_id = (select max(run_id) from migration.runs) group by 1, 2`,
)
if (run === undefined) throw new Error(`the run recorded no batches:\n${runOut}`)
const runSeconds = steps.at(-1)!.seconds
const loaded = Number(run.loaded)
log(`  ${run.read} rows read, ${loaded} loaded, ${(loaded / runSeconds).toFixed(0)} loaded rows/s`)
// The school's administrator, once its years, programs and fees are in (they would clash before).
migrate("seed the tenant's administrator", ["seed", "--tenant", tenant])
const verdict = migrate("validate", ["validate", "--manifest", manifest, "--out", path.join(out, "report")])
  .split("\n")
  .find((l) => l.startsWith("verdict:"))
log(`  ${verdict ?? "no verdict printed"}`)
migrate("backup after the load", ["backup", "--out", path.join(out, "after")])

// Rollback paths, cheapest first.
const [batch] = await portal<{ batch_id: string; loaded_count: number }>(
  `select batch_id, loaded_count from migration.batches
    where run_id = $1 and entity = 'legacy-sis.attendance' order by seq desc limit 1`,
  [run.run_id],
)
migrate(
  "rollback one batch",
  ["rollback", "--batch", String(batch!.batch_id), "--yes"],
  `${batch!.loaded_count} rows`,
)
migrate("resume to reload it", [
  "run",
  "--manifest",
  manifest,
  "--tenant",
  tenant,
  "--resume",
  String(run.run_id),
])
migrate("rollback the tenant", ["rollback", "--tenant", tenant, "--yes"])
migrate("run again after the rollback", ["run", "--manifest", manifest, "--tenant", tenant])
migrate("restore the backup before the load", ["restore", "--from", path.join(out, "before"), "--yes"])
migrate("restore the backup after the load", ["restore", "--from", path.join(out, "after"), "--yes"])

// Raw COPY of the same rows, table by table, into copies without constraints or triggers.
const tables = await portal<{ t: string; n: string }>(
  `select target_table as t, sum(loaded_count) as n from migration.batches
    where run_id = $1 and rolled_back_at is null group by 1 order by 1`,
  [run.run_id],
)
started = performance.now()
const c = new pg.Client({ connectionString: env.SCHOOLBRIDGE_TARGET_URL })
await c.connect()
await c.query("create schema if not exists bench_copy")
const { from: copyFrom, to: copyTo } = await import("pg-copy-streams")
const { pipeline } = await import("node:stream/promises")
const c2 = new pg.Client({ connectionString: env.SCHOOLBRIDGE_TARGET_URL })
await c2.connect()
let copied = 0
for (const { t } of tables) {
  const copy = `bench_copy.${t.replace(".", "_")}`
  await c.query(`create table ${copy} (like ${t})`)
  const r = await c.query<{ n: string }>(`select count(*) as n from ${t}`)
  copied += Number(r.rows[0]!.n)
  await pipeline(c.query(copyTo(`copy ${t} to stdout`)), c2.query(copyFrom(`copy ${copy} from stdin`)))
}
const copySeconds = (performance.now() - started) / 1000
await c.query("drop schema bench_copy cascade")
await c.end()
await c2.end()
log("")
log(`raw COPY of the ${copied} rows in the run's ${tables.length} tables: ${copySeconds.toFixed(1)} s`)

const peakMb = Math.max(...steps.map((s) => s.rssMb))
const rowsPerSecond = loaded / runSeconds
const copyRowsPerSecond = copied / copySeconds
log(
  `rows=${loaded} run_seconds=${runSeconds.toFixed(1)} rows_per_s=${rowsPerSecond.toFixed(0)} copy_rows_per_s=${copyRowsPerSecond.toFixed(0)} ratio_vs_copy=${(rowsPerSecond / copyRowsPerSecond).toFixed(3)} peak_rss_mb=${peakMb.toFixed(0)}`,
)
