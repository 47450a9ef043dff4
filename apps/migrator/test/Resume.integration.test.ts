import { type ChildProcess, spawn } from "node:child_process"
import { mkdtempSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import * as path from "node:path"
import { createMysqlDatabase, createPgDatabase, type TestDatabase } from "@schoolbridge/testing"
import mysql from "mysql2/promise"
import pg from "pg"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { cli } from "./Cli.js"

let source: TestDatabase
let target: TestDatabase
let dir: string

/** Enough rows that the run takes a few seconds, in 30 batches. */
const sourceRows = 60_000
const batchSize = 2_000
const batchCount = sourceRows / batchSize

const manifest = `version: 1
name: resume-test
system: legacy-sis
asOf: "2025-01-15"
tenants: [SA01]
defaults:
  batchSize: ${batchSize}
target:
  url: { env: SCHOOLBRIDGE_TARGET_URL }
sources:
  legacy:
    kind: mysql
    url: { env: LEGACY_MYSQL_URL }
entities:
  - name: legacy-sis.users
    source: legacy
    table: users
    key: user_id
`

const env = () => ({ LEGACY_MYSQL_URL: source.url, SCHOOLBRIDGE_TARGET_URL: target.url })
const manifestFile = () => path.join(dir, "resume.yaml")

const query = async (sql: string, params: ReadonlyArray<unknown> = []) => {
  const c = new pg.Client({ connectionString: target.url })
  await c.connect()
  try {
    return (await c.query(sql, [...params])).rows
  } finally {
    await c.end()
  }
}

const committedBatches = async (): Promise<number> => {
  const has = await query("select to_regclass('migration.batches') is not null as ok")
  if (!has[0].ok) return 0
  return (await query("select count(*)::int as n from migration.batches where run_id = 1"))[0].n
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

const exited = (child: ChildProcess) =>
  new Promise<NodeJS.Signals | number | null>((resolve) =>
    child.exitCode !== null || child.signalCode !== null
      ? resolve(child.signalCode ?? child.exitCode)
      : child.on("exit", (code, signal) => resolve(signal ?? code)),
  )

beforeAll(async () => {
  source = await createMysqlDatabase("resumesrc")
  target = await createPgDatabase("resumetgt")
  const conn = await mysql.createConnection({ uri: source.url })
  // The legacy SIS users table (as in fixtures/legacy-sis.sql), filled with rows that all load.
  await conn.query(`CREATE TABLE users (
      user_id INT NOT NULL PRIMARY KEY,
      email VARCHAR(255) NULL,
      password VARCHAR(255) NULL,
      first_name VARCHAR(100) NULL,
      last_name VARCHAR(100) NULL,
      phone VARCHAR(40) NULL,
      status VARCHAR(20) NULL,
      email_verified TINYINT(1) NULL,
      created_date DATETIME NULL,
      modified_date DATETIME NULL
    ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4`)
  const chunk = 5_000
  for (let start = 1; start <= sourceRows; start += chunk) {
    const rows = Array.from({ length: chunk }, (_, i) => {
      const id = start + i
      return [
        id,
        `user${id}@example.com`,
        null,
        "Aisyah",
        "Rahman",
        "012-345 6789",
        "active",
        1,
        "2023-01-05 08:00:00",
        null,
      ]
    })
    await conn.query("INSERT INTO users VALUES ?", [rows])
  }
  await conn.end()
  dir = mkdtempSync(path.join(tmpdir(), "sb-resume-"))
  writeFileSync(manifestFile(), manifest)
}, 120_000)
afterAll(async () => {
  await source.drop()
  await target.drop()
})

describe("schoolbridge-migrate run --resume", () => {
  it("a run killed with SIGKILL part-way and resumed through `run --resume`, with exact row counts after", async () => {
    const app = path.resolve(import.meta.dirname, "..")
    const child = spawn(
      process.execPath,
      [path.join(app, "bin/schoolbridge-migrate.mjs"), "run", "--manifest", manifestFile()],
      {
        cwd: app,
        env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "/tmp", ...env() },
        stdio: "ignore",
      },
    )
    const end = exited(child)
    // Kill it once some batches have committed and most are still to come.
    let seen = 0
    const deadline = Date.now() + 60_000
    while (seen < 3 && Date.now() < deadline && child.exitCode === null) {
      await sleep(25)
      seen = await committedBatches()
    }
    child.kill("SIGKILL")
    expect(await end).toBe("SIGKILL")
    const atKill = await committedBatches()
    expect(atKill).toBeGreaterThanOrEqual(3)
    expect(atKill).toBeLessThan(batchCount)

    const status = await cli(["status", "1"], env())
    expect(status.code).toBe(0)
    expect(status.stdout.split("\n")[0]).toBe("run 1 (resume-test): running")
    const partial = (await query("select count(*)::int as n from auth.users"))[0].n
    expect(partial).toBeGreaterThan(0)
    expect(partial).toBeLessThan(sourceRows)

    const resumed = await cli(["run", "--manifest", manifestFile(), "--resume", "1"], env())
    expect(resumed.code).toBe(0)
    expect(resumed.stdout).toContain("run 1 completed")

    expect(
      await query("select count(*)::int as n, count(distinct legacy_id)::int as keys from auth.users"),
    ).toEqual([{ n: sourceRows, keys: sourceRows }])
    // The batches of the entity are one gap-free sequence, the resumed ones after the killed run's.
    const seqs = (
      await query(
        "select seq from migration.batches where run_id = 1 and entity = 'legacy-sis.users' order by seq",
      )
    ).map((b) => b.seq)
    expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, i) => i + 1))
    expect(seqs.length).toBe(batchCount)
    // Every source row was read once and accounted for once.
    expect(
      await query(
        `select sum(read_count)::int as read,
                sum(loaded_count + rejected_count + skipped_count)::int as accounted,
                sum(loaded_count)::int as loaded
           from migration.batches where run_id = 1 and rolled_back_at is null`,
      ),
    ).toEqual([{ read: sourceRows, accounted: sourceRows, loaded: sourceRows }])
    expect(await query("select status from migration.runs")).toEqual([{ status: "completed" }])
    const after = await cli(["status", "1"], env())
    expect(after.stdout.split("\n")[0]).toBe("run 1 (resume-test): completed")
  }, 180_000)
})
