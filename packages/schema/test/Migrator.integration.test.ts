import { mkdtempSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import * as path from "node:path"
import { createPgDatabase, type TestDatabase } from "@schoolbridge/testing"
import { Effect } from "effect"
import pg from "pg"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { Migrations, Migrator } from "../src/index.js"

let db: TestDatabase
let client: pg.Client
beforeAll(async () => {
  db = await createPgDatabase("schema")
  client = new pg.Client({ connectionString: db.url })
  await client.connect()
})
afterAll(async () => {
  await client.end()
  await db.drop()
})

const session: Migrator.Session = {
  query: (sql, params) =>
    Effect.tryPromise(() => client.query(sql, params as Array<unknown> | undefined).then((r) => r.rows)),
  transaction: (self) =>
    Effect.acquireUseRelease(
      Effect.promise(() => client.query("begin")),
      () => self,
      (_, exit) => Effect.promise(() => client.query(exit._tag === "Success" ? "commit" : "rollback")),
    ),
}

const dirWith = (files: Record<string, string>) => {
  const dir = mkdtempSync(path.join(tmpdir(), "sb-migrations-"))
  for (const [name, sql] of Object.entries(files)) writeFileSync(path.join(dir, name), sql)
  return dir
}

describe("Migrator", () => {
  it("applies the shipped migrations to an empty database, then has nothing to do", async () => {
    expect(await Effect.runPromise(Migrator.currentVersion(session))).toBe(0)
    const first = await Effect.runPromise(Migrator.migrate(session))
    expect(first.applied.map((m) => m.version)).toEqual(Migrations.all.map((m) => m.version))
    const again = await Effect.runPromise(Migrator.migrate(session))
    expect(again.applied).toEqual([])
    expect(await Effect.runPromise(Migrator.currentVersion(session))).toBe(Migrations.all.at(-1)!.version)
    const tables = await client.query(
      "select table_name from information_schema.tables where table_schema = 'migration' order by 1",
    )
    expect(tables.rows.map((r) => r.table_name)).toEqual([
      "batches",
      "id_map",
      "legacy_id_map",
      "rollbacks",
      "row_errors",
      "runs",
      "targets",
    ])
    const stored = await client.query(
      "select version, checksum from public.schoolbridge_schema_migrations order by 1",
    )
    expect(stored.rows).toEqual(Migrations.all.map((m) => ({ version: m.version, checksum: m.checksum })))
  })

  it("refuses to go on when an applied migration's file changed", async () => {
    const changed = Migrations.all.map((m, i) =>
      i === 0 ? { ...m, checksum: Migrations.checksumOf(`${m.sql}\n-- edited`) } : m,
    )
    const exit = await Effect.runPromiseExit(Migrator.migrate(session, changed))
    expect(exit._tag).toBe("Failure")
    expect(JSON.stringify(exit)).toContain("changed after it was applied")
  })

  it("refuses a database that is newer than the code", async () => {
    const exit = await Effect.runPromiseExit(Migrator.migrate(session, Migrations.all.slice(0, 0)))
    expect(JSON.stringify(exit)).toContain("which this schoolbridge does not know")
  })

  it("applies a version below the current one when it arrives later: numbers need not be contiguous", async () => {
    // As 0018 (merged first) and 0017 (merged later from another branch) do.
    const later = Migrations.fromDirectory(dirWith({ "0951_later.sql": "create table public.t951 (x int);" }))
    const earlier = Migrations.fromDirectory(
      dirWith({ "0950_earlier.sql": "create table public.t950 (x int);" }),
    )
    const first = await Effect.runPromise(Migrator.migrate(session, [...Migrations.all, ...later]))
    expect(first.applied.map((m) => m.version)).toEqual([951])
    const second = await Effect.runPromise(
      Migrator.migrate(session, [...Migrations.all, ...earlier, ...later]),
    )
    expect(second.applied.map((m) => m.version)).toEqual([950])
    expect(await Effect.runPromise(Migrator.currentVersion(session))).toBe(951)
    await client.query("drop table public.t950, public.t951")
    await client.query("delete from public.schoolbridge_schema_migrations where version in (950, 951)")
  })

  it("reports a late version as pending and a version it does not ship as unknown, whatever their number", async () => {
    const all = Migrations.all.map((m) => m.version)
    expect(await Effect.runPromise(Migrator.status(session))).toEqual({
      current: all.at(-1),
      pending: [],
      unknown: [],
    })
    // Below the current version: a migration merged after a higher one (0017 after 0018).
    const late = all.at(-2)!
    const [row] = (
      await client.query("delete from public.schoolbridge_schema_migrations where version = $1 returning *", [
        late,
      ])
    ).rows
    try {
      expect(await Effect.runPromise(Migrator.status(session))).toEqual({
        current: all.at(-1),
        pending: [late],
        unknown: [],
      })
    } finally {
      await client.query(
        `insert into public.schoolbridge_schema_migrations (version, name, checksum, applied_at, duration_ms)
         values ($1, $2, $3, $4, $5)`,
        [row.version, row.name, row.checksum, row.applied_at, row.duration_ms],
      )
    }
    // Applied by a build that ships a version this one does not (another branch's 0017).
    const shipped = Migrations.all.filter((m) => m.version !== late)
    expect(await Effect.runPromise(Migrator.status(session, shipped))).toEqual({
      current: all.at(-1),
      pending: [],
      unknown: [late],
    })
  })

  it("knows the shipped versions, gaps allowed", () => {
    const versions = Migrations.all.map((m) => m.version)
    expect(versions).toContain(18)
    expect([...versions].sort((a, b) => a - b)).toEqual(versions)
  })

  it("rolls back a failing migration whole and records nothing of it", async () => {
    const dir = dirWith({
      "0900_good.sql": "create table public.t900 (x int);",
      "0901_bad.sql": "create table public.t901 (x int); select 1/0;",
    })
    const extra = [...Migrations.all, ...Migrations.fromDirectory(dir)]
    const exit = await Effect.runPromiseExit(Migrator.migrate(session, extra))
    expect(JSON.stringify(exit)).toContain("migration 901_bad failed")
    const t = await client.query("select to_regclass('public.t900') as a, to_regclass('public.t901') as b")
    expect(t.rows[0]).toEqual({ a: "t900", b: null })
    expect(await Effect.runPromise(Migrator.currentVersion(session))).toBe(900)
  })

  it("rejects badly named or duplicate migration files", () => {
    expect(() => Migrations.fromDirectory(dirWith({ "1_x.sql": "" }))).toThrow("is not named NNNN_name.sql")
    expect(() => Migrations.fromDirectory(dirWith({ "0001_a.sql": "", "0001_b.sql": "" }))).toThrow(
      "two migrations have version 1",
    )
  })
})
