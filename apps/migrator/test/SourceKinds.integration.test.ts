/**
 * One generated legacy SIS school (`@schoolbridge/demo`), kept by three legacy systems: MariaDB,
 * a SQLite file and PostgreSQL. The built CLI checks, runs, validates and profiles each with the same
 * manifest but for its `sources` entry, and the three migrations come out the same: per entity the
 * same rows read, loaded, rejected and skipped, and the rejected and skipped rows are those the
 * generator's dirt plans.
 *
 * PostgreSQL cannot hold a zero date or a day that does not exist, so its copy has NULL there
 * (`Postgres.nulledCells`). The MySQL source reads a zero date as null too (with a note), so such a
 * row may only come out differently where MariaDB held a real date in that cell.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import * as path from "node:path"
import { LegacyDataset, LegacyTables, Mysql, Postgres, Sqlite } from "@schoolbridge/demo"
import { createMysqlDatabase, createPgDatabase, type TestDatabase } from "@schoolbridge/testing"
import mysql from "mysql2/promise"
import pg from "pg"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { parse } from "yaml"
import { cli, type Result } from "./Cli.js"

const manifests = path.resolve(import.meta.dirname, "../manifests")
const dataset = LegacyDataset.generate({ students: 300, seed: 20261122 })
const kinds = ["mysql", "sqlite", "postgres"] as const
type Kind = (typeof kinds)[number]

/** One entity's row accounts in the ledger. */
interface Figures {
  readonly read: number
  readonly loaded: number
  readonly rejected: number
  readonly skipped: number
}

/** What the CLI did with one source kind, and what the target's ledger says afterwards. */
interface Outcome {
  readonly check: Result
  readonly run: Result
  readonly validate: Result
  readonly profile: Result
  readonly profileJson: { readonly tables: ReadonlyArray<{ readonly table: string; readonly rows: number }> }
  readonly ledger: Record<string, Figures>
  /** `entity rejected|skipped key`, one per row (a row refused for several reasons counts once). */
  readonly refused: ReadonlyArray<string>
  /** `entity key column` of each zero-date note. */
  readonly zeroDateNotes: ReadonlyArray<string>
}

const dbs: Array<TestDatabase> = []
let dir: string
let mysqlSource: TestDatabase
const outcomes = {} as Record<Kind, Promise<Outcome>>

const manifestFor = (kind: Kind): string => {
  if (kind === "mysql") return path.join(manifests, "legacy-sis.yaml")
  if (kind === "sqlite") return path.join(manifests, "legacy-sis-sqlite.yaml")
  const mysqlManifest = readFileSync(path.join(manifests, "legacy-sis.yaml"), "utf8")
  const source = "    kind: mysql\n    url: { env: LEGACY_MYSQL_URL }\n"
  expect(mysqlManifest).toContain(source)
  const file = path.join(dir, "legacy-sis-postgres.yaml")
  writeFileSync(file, mysqlManifest.replace(source, "    kind: postgres\n    url: { env: LEGACY_PG_URL }\n"))
  return file
}

const migrate = async (kind: Kind, env: Record<string, string>): Promise<Outcome> => {
  const manifest = manifestFor(kind)
  const out = path.join(dir, kind)
  const check = await cli(["check", "-m", manifest], env)
  const run = await cli(["run", "-m", manifest, "--tenant", "SA01"], env)
  const validate = await cli(["validate", "-m", manifest, "--out", path.join(out, "report")], env)
  const profile = await cli(["profile", "-m", manifest, "--out", path.join(out, "profile")], env)
  const profileJson = JSON.parse(readFileSync(path.join(out, "profile", "profile.json"), "utf8"))
  const portal = new pg.Client({ connectionString: env.SCHOOLBRIDGE_TARGET_URL })
  await portal.connect()
  try {
    const ledger = await portal.query(
      `select replace(entity, 'legacy-sis.', '') as entity, sum(read_count)::int as read,
              sum(loaded_count)::int as loaded, sum(rejected_count)::int as rejected,
              sum(skipped_count)::int as skipped
         from migration.batches group by entity order by entity`,
    )
    const refused = await portal.query(
      `select distinct replace(entity, 'legacy-sis.', '') || ' ' || kind || ' ' || source_key as row
         from migration.row_errors where kind in ('rejected', 'skipped')`,
    )
    const notes = await portal.query(
      `select distinct replace(entity, 'legacy-sis.', '') || ' ' || source_key || ' ' || column_name as note
         from migration.row_errors where kind = 'note' and rule = 'zero_date'`,
    )
    return {
      check,
      run,
      validate,
      profile,
      profileJson,
      ledger: Object.fromEntries(
        ledger.rows.map((r) => [
          r.entity,
          { read: r.read, loaded: r.loaded, rejected: r.rejected, skipped: r.skipped },
        ]),
      ),
      refused: refused.rows.map((r) => r.row).sort(),
      zeroDateNotes: notes.rows.map((r) => r.note).sort(),
    }
  } finally {
    await portal.end()
  }
}

const target = async () => {
  const db = await createPgDatabase("portal")
  dbs.push(db)
  return db.url
}

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), "sb-source-kinds-"))
  mysqlSource = await createMysqlDatabase("legacy")
  const pgSource = await createPgDatabase("legacy")
  dbs.push(mysqlSource, pgSource)
  const sqliteFile = path.join(dir, "legacy-sis.sqlite")
  await Promise.all([
    Mysql.loadMysql(dataset, mysqlSource.url),
    Sqlite.writeSqlite(dataset, sqliteFile),
    Postgres.loadPostgres(dataset, pgSource.url),
  ])
  const envs: Record<Kind, Record<string, string>> = {
    mysql: { LEGACY_MYSQL_URL: mysqlSource.url, SCHOOLBRIDGE_TARGET_URL: await target() },
    sqlite: { LEGACY_SQLITE_PATH: sqliteFile, SCHOOLBRIDGE_TARGET_URL: await target() },
    postgres: { LEGACY_PG_URL: pgSource.url, SCHOOLBRIDGE_TARGET_URL: await target() },
  }
  // The three migrations run side by side; each test awaits the one it looks at.
  for (const kind of kinds) {
    outcomes[kind] = migrate(kind, envs[kind])
    outcomes[kind].catch(() => undefined)
  }
}, 60_000)
afterAll(async () => {
  await Promise.allSettled(Object.values(outcomes))
  for (const db of dbs) await db.drop()
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true })
})

const entities = (
  parse(readFileSync(path.join(manifests, "legacy-sis.yaml"), "utf8")) as {
    entities: Array<{ name: string; table: string }>
  }
).entities.map((e) => ({ entity: e.name.replace("legacy-sis.", ""), table: e.table }))

describe.each(kinds)("a %s source through the CLI", (kind) => {
  it("passes check, runs, validates to GO and profiles every table", async () => {
    const o = await outcomes[kind]
    expect([o.check.code, o.check.stderr]).toEqual([0, ""])
    expect(o.check.stdout).toMatch(/^\d+ checks, all ok$/m)
    // run logs its progress on stderr.
    expect(o.run.stderr).not.toMatch(/error|failed/i)
    expect(o.run.code).toBe(0)
    expect(o.validate.stdout.split("\n")[0]).toBe("verdict: GO")
    expect(o.validate.code).toBe(0)
    expect(o.profile.code).toBe(0)
    const counts = LegacyDataset.rowCounts(dataset)
    expect(o.profileJson.tables.map((t) => [t.table, t.rows])).toEqual(
      LegacyTables.tables.map((t) => [t.name, counts[t.name]]),
    )
  })

  it("reads every row of every entity's table once, and refuses exactly the rows the dirt plans", async () => {
    const o = await outcomes[kind]
    const counts = LegacyDataset.rowCounts(dataset)
    expect(Object.keys(o.ledger).sort()).toEqual(entities.map((e) => e.entity).sort())
    for (const { entity, table } of entities)
      expect([entity, o.ledger[entity]!.read]).toEqual([entity, counts[table as LegacyTables.TableName]])
    const planned = dataset.dirt
      .filter((d) => d.expect === "rejected" || d.expect === "skipped")
      .map((d) => `${d.entity} ${d.expect} ${d.key}`)
    expect(o.refused).toEqual([...new Set(planned)].sort())
    for (const [entity, f] of Object.entries(o.ledger)) {
      const rows = (outcome: string) => o.refused.filter((r) => r.startsWith(`${entity} ${outcome} `)).length
      expect([entity, f.rejected, f.skipped]).toEqual([entity, rows("rejected"), rows("skipped")])
    }
  })
})

describe("the three sources", () => {
  it("give the same ledger: MySQL and SQLite exactly, PostgreSQL but for rows whose date it had to drop", async () => {
    const [my, lite, postgres] = await Promise.all(kinds.map((k) => outcomes[k]))
    expect(lite!.ledger).toEqual(my!.ledger)

    // The cells PostgreSQL holds as NULL: each row may come out differently only where MariaDB held
    // a real date there, for the MySQL source reads a zero date as null itself.
    const nulled = Postgres.nulledCells(dataset)
    expect(nulled.length).toBeGreaterThan(0)
    const conn = await mysql.createConnection({ uri: mysqlSource.url, dateStrings: true })
    const changed = new Set<string>()
    try {
      for (const cell of nulled) {
        const key = LegacyTables.table(cell.table).columns[0]!.name
        const [rows] = (await conn.query(`select ${cell.column} as v from ${cell.table} where ${key} = ?`, [
          cell.key,
        ])) as [Array<{ v: string | null }>, unknown]
        const held = rows[0]?.v ?? null
        if (held !== null && !held.startsWith("0000-00-00"))
          for (const d of dataset.dirt.filter((d) => d.table === cell.table && d.key === cell.key))
            changed.add(d.entity)
      }
    } finally {
      await conn.end()
    }
    const unchanged = (ledger: Record<string, Figures>) =>
      Object.fromEntries(Object.entries(ledger).filter(([entity]) => !changed.has(entity)))
    expect(unchanged(postgres!.ledger)).toEqual(unchanged(my!.ledger))
    for (const entity of changed)
      expect([entity, postgres!.ledger[entity]!.read]).toEqual([entity, my!.ledger[entity]!.read])

    // Where MariaDB holds a zero date, the MySQL source notes it as it hands the mapper null;
    // PostgreSQL has no zero date to note, only the NULL it holds.
    const zeroCells = nulled
      .filter((c) => c.value.startsWith("0000-00-00"))
      .flatMap((c) =>
        dataset.dirt
          .filter((d) => d.table === c.table && d.key === c.key && d.column === c.column)
          .map((d) => `${d.entity} ${d.key} ${d.column}`),
      )
    expect(zeroCells.length).toBeGreaterThan(0)
    for (const cell of zeroCells) expect(my!.zeroDateNotes).toContain(cell)
    expect(postgres!.zeroDateNotes).toEqual([])
  })
})
