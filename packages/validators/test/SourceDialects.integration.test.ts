/**
 * The same small table in a MySQL, a PostgreSQL and a SQLite source, each stored the way that
 * database stores it (MySQL zero dates, SQLite decimals as REAL, TEXT and INTEGER, SQLite dates as
 * text in several spellings), migrated into one PostgreSQL target: every source must give the
 * target's canonical texts, row hashes, checksum sums and counts exactly.
 */
import { PgClient } from "@schoolbridge/connectors"
import { createMysqlDatabase, createPgDatabase, type TestDatabase } from "@schoolbridge/testing"
import { Effect, Layer, Redacted } from "effect"
import mysql from "mysql2/promise"
import pg from "pg"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import {
  type Check,
  Checksum,
  type Declaration,
  Dialect,
  MoneyTotals,
  Query,
  SourceDatabase,
  SqliteFunctions,
  Validate,
} from "../src/index.js"
import { openSqlite, type SqliteFixture } from "./fixtures/Sqlite.js"

const columns: ReadonlyArray<Declaration.AsIsColumn> = [
  { source: "name", type: { kind: "text" } },
  { source: "score", type: { kind: "integer" } },
  { source: "fee", type: { kind: "decimal", scale: 2 } },
  { source: "born", type: { kind: "date" } },
  { source: "seen_at", type: { kind: "timestamp" } },
  { source: "active", type: { kind: "boolean" } },
]

const marks: Declaration.EntityDeclaration = {
  name: "marks",
  source: { table: "marks", key: "id", tenantColumn: "tenant_id" },
  target: { table: "sch.marks" },
  asIs: columns,
  money: [
    {
      id: "fees",
      title: "Fees",
      amount: { source: "fee", type: { kind: "decimal", scale: 2 } },
      date: { source: "seen_at", type: { kind: "timestamp" } },
    },
  ],
  sample: { size: 10, seed: "dialects", map: (r) => ({ name: r.name }) },
}

/** The canonical texts every source must produce, key first, in key order. */
const expected = [
  ["1", "Aminah", "42", "12.50", "2012-03-04", "2024-03-01 08:15:00", "t"],
  ["2", "Nur ‘Aisyah — نور", "9007199254740993", "-0.50", "0009-12-04", "1999-12-31 23:59:59", "f"],
  ["3", "", "-5", "1234567.89", null, null, "t"],
  ["4", null, null, "0.00", null, null, null],
  ["5", "café", "0", "7.05", "2024-02-29", "2024-02-29 00:00:00", "f"],
  ["6", "Zainab", "7", "2.68", "2020-01-01", "2020-01-01 12:00:00", "t"],
]

let target: TestDatabase
let myDb: TestDatabase
let pgSource: TestDatabase
let sqlite: SqliteFixture

const targetLayer = () => PgClient.layer({ url: Redacted.make(target.url), max: 2 })
const kinds = ["mysql", "postgresql", "sqlite"] as const
const source = (
  kind: (typeof kinds)[number],
): Layer.Layer<SourceDatabase.SourceDatabase, { message: string }> =>
  kind === "mysql"
    ? SourceDatabase.layerMysql({ url: Redacted.make(myDb.url), max: 2 })
    : kind === "postgresql"
      ? SourceDatabase.layerPostgresql({ url: Redacted.make(pgSource.url), max: 2 })
      : SourceDatabase.layer(SourceDatabase.fromSqlite(sqlite.client))

const run = <A, E>(
  kind: (typeof kinds)[number],
  self: Effect.Effect<A, E, SourceDatabase.SourceDatabase | PgClient.PgClient>,
) => Effect.runPromise(self.pipe(Effect.provide(Layer.merge(targetLayer(), source(kind)))))

/** Key, canonical texts and row hash of every row, as the checksum writes them, on one side. */
const canonicalRows = (d: Dialect.Dialect, table: string, key: string, where = "") => {
  const k = d.text(d.id(key))
  const texts = columns.map((c, i) => `${d.canonical(d.id(c.source), c.type)} as c${i}`)
  const row = d.row([k, ...columns.map((c) => d.canonical(d.id(c.source), c.type))])
  return `select ${k} as k, ${texts.join(", ")}, ${d.md5(row)} as h, ${d.slice60(d.md5(row))} as s
          from ${d.id(table)} ${where} order by ${d.id(key)}`
}

type Canonical = Record<string, unknown> & { k: string; h: string; s: unknown }

const sourceRows = (kind: (typeof kinds)[number]) =>
  run(
    kind,
    Effect.flatMap(Query.sourceDialect, (d) =>
      Query.source<Canonical>("test", canonicalRows(d, "marks", "id")),
    ),
  )

const targetRows = () =>
  run(
    "postgresql",
    Query.target<Canonical>(
      "test",
      canonicalRows(Dialect.postgresql, "sch.marks", "legacy_id", "where legacy_source = 'marks'").replace(
        'order by "legacy_id"',
        'order by "legacy_id"::int',
      ),
    ),
  )

const byId = (checks: ReadonlyArray<Check.Check>, id: string) => {
  const c = checks.find((x) => x.id === id)
  if (!c) throw new Error(`no check ${id}; have ${checks.map((x) => x.id).join(", ")}`)
  return c
}

beforeAll(async () => {
  ;[target, myDb, pgSource] = await Promise.all([
    createPgDatabase("dialects_target"),
    createMysqlDatabase("dialects"),
    createPgDatabase("dialects_source"),
  ])

  const my = await mysql.createConnection({ uri: myDb.url })
  await my.query("set session sql_mode = ''")
  await my.query(`create table marks (id int primary key, tenant_id int not null, name varchar(50) null,
    score bigint null, fee decimal(10,2) not null, born date null, seen_at datetime null, active tinyint(1) null)`)
  await my.query(`insert into marks values
    (1, 1, 'Aminah', 42, 12.50, '2012-03-04', '2024-03-01 08:15:00', 1),
    (2, 2, 'Nur ‘Aisyah — نور', 9007199254740993, -0.50, '0009-12-04', '1999-12-31 23:59:59', 0),
    (3, 1, '', -5, 1234567.89, '0000-00-00', '0000-00-00 00:00:00', 1),
    (4, 2, null, null, 0, null, null, null),
    (5, 1, 'café', 0, 7.05, '2024-02-29', '2024-02-29 00:00:00', 0),
    (6, 2, 'Zainab', 7, 2.675, '2020-01-01', '2020-01-01 12:00:00', 1)`)
  await my.end()

  const ps = new pg.Client({ connectionString: pgSource.url })
  await ps.connect()
  await ps.query(`
    create table marks (id int primary key, tenant_id int not null, name text, score bigint,
      fee numeric(10,2) not null, born date, seen_at timestamp, active boolean);
    insert into marks values
      (1, 1, 'Aminah', 42, 12.50, '2012-03-04', '2024-03-01 08:15:00', true),
      (2, 2, 'Nur ‘Aisyah — نور', 9007199254740993, -0.50, '0009-12-04', '1999-12-31 23:59:59', false),
      (3, 1, '', -5, 1234567.89, null, null, true),
      (4, 2, null, null, 0, null, null, null),
      (5, 1, 'café', 0, 7.05, '2024-02-29', '2024-02-29 00:00:00', false),
      (6, 2, 'Zainab', 7, 2.675, '2020-01-01', '2020-01-01 12:00:00.999', true);`)
  await ps.end()

  // SQLite keeps what it was given: the same values in the spellings legacy files hold (a compact
  // 20240229 among them, stored as an integer), and 2.675 unrounded (a double just below it), where
  // MySQL and PostgreSQL stored 2.68.
  sqlite = await openSqlite([
    `create table marks (id integer primary key, tenant_id integer not null, name varchar(50),
       score integer, fee decimal(10,2) not null, born date, seen_at datetime, active boolean)`,
    `insert into marks values
       (1, 1, 'Aminah', 42, 12.5, '2012-03-04', '2024-03-01T08:15:00', 1),
       (2, 2, 'Nur ‘Aisyah — نور', 9007199254740993, '-0.5', '0009-12-04', '1999-12-31 23:59:59.000', 'false'),
       (3, 1, '', -5, 1234567.89, '0000-00-00', '0000-00-00 00:00:00', 'true'),
       (4, 2, null, null, 0, null, null, null),
       (5, 1, 'café', 0, '7.05', '20240229', '2024-02-29', 0),
       (6, 2, 'Zainab', 7, 2.675, '2020-01-01', '2020-01-01 12:00:00.999', 'yes')`,
  ])

  const t = new pg.Client({ connectionString: target.url })
  await t.connect()
  await t.query(`
    create schema sch;
    create table sch.marks (id serial primary key, tenant_id int not null, legacy_source text not null,
      legacy_id text not null, name text, score bigint, fee numeric(10,2) not null, born date,
      seen_at timestamp, active boolean);
    insert into sch.marks (tenant_id, legacy_source, legacy_id, name, score, fee, born, seen_at, active)
    select m.tenant_id, s.source, m.legacy_id, m.name, m.score, m.fee, m.born, m.seen_at, m.active
    from (values
      (1, '1', 'Aminah', 42, 12.50, date '2012-03-04', timestamp '2024-03-01 08:15:00', true),
      (2, '2', 'Nur ‘Aisyah — نور', 9007199254740993, -0.50, '0009-12-04', '1999-12-31 23:59:59', false),
      (1, '3', '', -5, 1234567.89, null, null, true),
      (2, '4', null, null, 0, null, null, null),
      (1, '5', 'café', 0, 7.05, '2024-02-29', '2024-02-29 00:00:00', false),
      (2, '6', 'Zainab', 7, 2.675, '2020-01-01', '2020-01-01 12:00:00.999', true)
    ) as m (tenant_id, legacy_id, name, score, fee, born, seen_at, active)
    cross join (values ('marks'), ('marks-partial')) as s (source)
    -- the partial copy lacks row 3, which a run rightly left out
    where not (s.source = 'marks-partial' and m.legacy_id = '3');`)
  await t.end()
})

afterAll(async () => {
  await sqlite?.close()
  await Promise.all([target?.drop(), myDb?.drop(), pgSource?.drop()])
})

describe("the same rows in MySQL, PostgreSQL and SQLite", () => {
  it("give the target's canonical texts, byte for byte", async () => {
    const tgt = await targetRows()
    const texts = (rows: ReadonlyArray<Canonical>) =>
      rows.map((r) => [r.k, ...columns.map((_, i) => r[`c${i}`] ?? null)])
    expect(texts(tgt)).toEqual(expected)
    for (const kind of kinds) expect(texts(await sourceRows(kind)), kind).toEqual(expected)
  })

  it("give the target's row hashes and 60-bit slices", async () => {
    const tgt = await targetRows()
    const hashes = (rows: ReadonlyArray<Canonical>) => rows.map((r) => [r.k, r.h, String(r.s)])
    for (const kind of kinds) expect(hashes(await sourceRows(kind)), kind).toEqual(hashes(tgt))
    // the slices exceed 2^53: compared as exact decimal text, never through a double
    expect(tgt.some((r) => BigInt(String(r.s)) > 2n ** 53n)).toBe(true)
  })

  it("give the same counts and checksum sums, and every check passes", async () => {
    const sums = new Set<string>()
    for (const kind of kinds) {
      const report = await run(kind, Validate.run([marks], { runId: null }))
      expect(
        report.checks.filter((c) => !c.passed).map((c) => c.id),
        kind,
      ).toEqual([])
      expect(report.entities, kind).toEqual([
        { entity: "marks", source: 6, target: 6, read: null, loaded: null, rejected: null, skipped: null },
      ])
      expect(byId(report.checks, "count-parity:marks:tenant=1"), kind).toMatchObject({
        observed: 3,
        expected: 3,
      })
      const checksum = byId(report.checks, "checksum:marks")
      expect(checksum.observed, kind).toBe(checksum.expected)
      sums.add(String(checksum.expected))
      expect(byId(report.checks, "sample:marks"), kind).toMatchObject({ observed: 6, expected: 6 })
      // each row's fee rounded to the sen, then summed exactly (SQLite's 2.675 too)
      expect(byId(report.checks, "money:marks:fees"), kind).toMatchObject({
        passed: true,
        observed: "1234589.62",
        expected: "1234589.62",
      })
    }
    expect(sums.size).toBe(1)
    // beyond 2^53: a double would have rounded it
    expect(BigInt([...sums][0]!)).toBeGreaterThan(2n ** 53n)
  })

  it("take rows a run left out back out of the source sums (a parameter list in each dialect)", async () => {
    const partial = { ...marks, target: { ...marks.target, legacySource: "marks-partial" } }
    for (const kind of kinds) {
      const without = await run(kind, Checksum.check(partial, {}, new Set(["3"])))
      expect(without.passed, kind).toBe(true)
      const withIt = await run(kind, Checksum.check(partial))
      expect(withIt.samples, kind).toEqual([{ legacy_id: "3", tenant: "1", problem: "missing in target" }])
    }
  })

  it("a changed SQLite amount moves its tenant's year of the money total", async () => {
    await Effect.runPromise(sqlite.client.query("update marks set fee = '7.06' where id = 5"))
    try {
      const c = await run("sqlite", MoneyTotals.check(marks, marks.money![0]!))
      expect(c.passed).toBe(false)
      expect(c.samples).toEqual([
        {
          tenant: "1",
          year: "2024",
          expected: "19.56",
          target: "19.55",
          difference: "-0.01",
          expected_rows: 2,
          target_rows: 2,
        },
      ])
    } finally {
      await Effect.runPromise(sqlite.client.query("update marks set fee = '7.05' where id = 5"))
    }
  })

  it("a changed SQLite value names its row", async () => {
    await Effect.runPromise(sqlite.client.query("update marks set fee = '7.06' where id = 5"))
    try {
      const c = await run("sqlite", Checksum.check(marks))
      expect(c.passed).toBe(false)
      expect(c.samples).toEqual([{ legacy_id: "5", tenant: "1", problem: "values differ" }])
    } finally {
      await Effect.runPromise(sqlite.client.query("update marks set fee = '7.05' where id = 5"))
    }
  })
})

describe("SqliteFunctions", () => {
  it("write decimals as PostgreSQL's round(x::numeric, s)::text does", () => {
    const cases: Array<[unknown, number, string | null]> = [
      [12.5, 2, "12.50"],
      ["-0.5", 2, "-0.50"],
      [2.675, 2, "2.68"],
      [-2.675, 2, "-2.68"],
      ["-0.001", 2, "0.00"],
      [0.1 + 0.2, 2, "0.30"],
      [1e21, 1, "1000000000000000000000.0"],
      [1.5e-7, 7, "0.0000002"],
      ["12345678901234567890.125", 2, "12345678901234567890.13"],
      [7, 0, "7"],
      [" 3.14 ", 1, "3.1"],
      [null, 2, null],
      ["n/a", 2, "n/a"],
    ]
    for (const [v, s, want] of cases) expect(SqliteFunctions.decimal(v, s), String(v)).toBe(want)
  })

  it("sum decimals exactly, each rounded to the scale first", () => {
    const d = SqliteFunctions.decimalSum
    const sum = [0.1, 0.2, "2.675", -0.005, null, "1e21"].reduce((s, v) => d.step(s, v, 2), d.init())
    expect(d.finalize(sum)).toBe("1000000000000000000002.97")
    expect(d.finalize(d.init())).toBe(null)
  })

  it("sum 60-bit slices exactly, past 2^64", () => {
    const slices = Array.from({ length: 20 }, () => SqliteFunctions.slice60("fffffffffffffff0"))
    const h = SqliteFunctions.hashSum
    const sum = slices.reduce((s, v) => h.step(s, v), h.init())
    expect(h.finalize(sum)).toBe((20n * (2n ** 60n - 1n)).toString())
    expect(h.finalize(h.init())).toBe(null)
    expect(SqliteFunctions.md5("café")).toBe("07117fe4a1ebd544965dc19573183da2")
  })
})
