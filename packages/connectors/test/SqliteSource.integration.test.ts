import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { Source } from "@schoolbridge/core"
import { Cause, Chunk, Effect, Stream } from "effect"
import initSqlJs from "sql.js"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { SqliteClient, SqliteSource } from "../src/index.js"

let dir: string
let file: string

// The test writes its own database with sql.js and hands the source the file, as a school would.
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "sb-sqlite-"))
  file = join(dir, "legacy.sqlite")
  const SQL = await initSqlJs()
  const db = new SQL.Database()
  db.run(`
    create table people (
      id integer primary key,
      school text not null,
      born date,
      seen datetime,
      fee numeric,
      big integer,
      active boolean not null,
      level integer not null,
      photo blob,
      name text
    );
    insert into people values
      (1, 'A', '2010-05-01', '2024-01-02 08:30:00', 1234.5, 9007199254740993, 1, 3, x'00ff10', 'café'),
      (2, 'B', '0000-00-00', '0000-00-00 00:00:00', null, null, 0, 1, null, 'مدرسة'),
      (3, 'A', '0009-12-04', '2019-00-10 10:00:00', 0.1, -5, 1, 2, null, null),
      (4, 'B', '2011-02-00', '05/03/2011', 99999999.99, 9007199254740991, 0, 0, null, null),
      (9223372036854775807, 'A', null, null, null, -9223372036854775808, 1, 4, null, null);
    create table events (id integer primary key, school text, kind text, "odd ""name""" text);
    create table codes (code text primary key, label text);
    insert into codes values ('b10', 'x'), ('a2', 'y'), ('b9', 'z'), ('a10', 'w');
  `)
  const insert = db.prepare("insert into events values (?, ?, ?, ?)")
  for (let i = 1; i <= 2500; i++)
    insert.run([i * 3, i % 3 === 0 ? "C" : "D", i % 5 === 0 ? "late" : "ok", `e${i}`])
  insert.free()
  await writeFile(file, db.export())
  db.close()
  await writeFile(join(dir, "notes.txt"), "a spreadsheet export, not a database\n".repeat(200))
})
afterAll(() => rm(dir, { recursive: true, force: true }))

const withSource = <A>(
  options: SqliteSource.Options,
  f: (s: Source.SourceShape<Record<string, unknown>>) => Effect.Effect<A, unknown>,
) =>
  Effect.runPromise(
    Effect.flatMap(SqliteSource.make(options), f).pipe(Effect.provide(SqliteClient.layer({ path: file }))),
  )

const read = (
  options: SqliteSource.Options,
  partition: Source.Partition,
  after: Source.Cursor | null,
  size = 2,
) =>
  withSource(options, (source) =>
    Effect.map(Stream.runCollect(source.stream(partition, after, size)), (b) => Chunk.toReadonlyArray(b)),
  )

const openFailure = async (path: string) => {
  const exit = await Effect.runPromiseExit(Effect.provide(Effect.void, SqliteClient.layer({ path })))
  if (exit._tag === "Success") return "opened?"
  const error = Cause.failureOption(exit.cause)
  return error._tag === "Some" ? `${error.value.reason}: ${error.value.message}` : Cause.pretty(exit.cause)
}

describe("SqliteSource", () => {
  it("reads every type exactly, zero dates as null with a note and booleans as booleans", async () => {
    const batches = await read({ table: "people", key: "id" }, Source.wholeSource, null, 10)
    const rows = batches.flatMap((b) => b.rows)
    expect(rows.map((r) => r.id)).toEqual([1, 2, 3, 4, "9223372036854775807"])
    expect(rows[0]).toEqual({
      id: 1,
      school: "A",
      born: "2010-05-01",
      seen: "2024-01-02 08:30:00",
      fee: 1234.5,
      big: "9007199254740993",
      active: true,
      level: 3,
      photo: new Uint8Array([0, 255, 16]),
      name: "café",
    })
    expect(rows[1]).toMatchObject({
      born: null,
      seen: null,
      fee: null,
      big: null,
      active: false,
      name: "مدرسة",
    })
    // A real early date stays; a date with a zero month or day is not a date; other text is the mapper's to judge.
    expect(rows[2]).toMatchObject({ born: "0009-12-04", seen: null, fee: 0.1, big: -5 })
    expect(rows[3]).toMatchObject({ born: null, seen: "05/03/2011", big: 9007199254740991, level: 0 })
    expect(rows[4]).toMatchObject({ big: "-9223372036854775808", born: null })
    expect(batches.flatMap((b) => b.notes)).toEqual([
      {
        key: "2",
        column: "born",
        rule: "zero_date",
        message: "born was 0000-00-00, not a date; loaded as null",
      },
      {
        key: "2",
        column: "seen",
        rule: "zero_date",
        message: "seen was 0000-00-00 00:00:00, not a date; loaded as null",
      },
      {
        key: "3",
        column: "seen",
        rule: "zero_date",
        message: "seen was 2019-00-10 10:00:00, not a date; loaded as null",
      },
      {
        key: "4",
        column: "born",
        rule: "zero_date",
        message: "born was 2011-02-00, not a date; loaded as null",
      },
    ])
  })

  it("streams in key order in batches and resumes strictly after a cursor, a key beyond 2^53 included", async () => {
    const batches = await read(
      { table: "people", key: "id", columns: ["id", "name"] },
      Source.wholeSource,
      null,
      2,
    )
    expect(batches.map((b) => b.keys)).toEqual([["1", "2"], ["3", "4"], ["9223372036854775807"]])
    expect(batches.map((b) => b.cursor)).toEqual([2, 4, "9223372036854775807"])
    expect(Object.keys(batches[0]!.rows[0]!)).toEqual(["id", "name"])
    const resumed = await read({ table: "people", key: "id" }, Source.wholeSource, 2, 2)
    expect(resumed.flatMap((b) => b.keys)).toEqual(["3", "4", "9223372036854775807"])
    const fromBig = await read({ table: "people", key: "id" }, Source.wholeSource, "9007199254740993", 2)
    expect(fromBig.flatMap((b) => b.keys)).toEqual(["9223372036854775807"])
    const end = await read({ table: "people", key: "id" }, Source.wholeSource, "9223372036854775807", 2)
    expect(end).toEqual([])
  })

  it("reads a larger table completely over many pages, and resumes after a checkpoint without gaps", async () => {
    const all = await read({ table: "events", key: "id" }, Source.wholeSource, null, 1000)
    expect(all.map((b) => b.rows.length)).toEqual([1000, 1000, 500])
    const ids = all.flatMap((b) => b.rows.map((r) => r.id as number))
    expect(ids).toEqual(Array.from({ length: 2500 }, (_, i) => (i + 1) * 3))
    expect(all[0]!.rows[0]).toEqual({ id: 3, school: "D", kind: "ok", 'odd "name"': "e1" })
    // As after a crash: the first batch committed, its cursor is the checkpoint.
    const rest = await read({ table: "events", key: "id" }, Source.wholeSource, all[0]!.cursor, 700)
    expect(rest.flatMap((b) => b.rows.map((r) => r.id))).toEqual(ids.slice(1000))
    // Text keys resume in the order they stream.
    const codes = await read({ table: "codes", key: "code" }, Source.wholeSource, null, 3)
    expect(codes.flatMap((b) => b.keys)).toEqual(["a10", "a2", "b10", "b9"])
    const codesAfter = await read({ table: "codes", key: "code" }, Source.wholeSource, "a2", 3)
    expect(codesAfter.flatMap((b) => b.keys)).toEqual(["b10", "b9"])
  })

  it("partitions by tenant, filters, and estimates what is left", async () => {
    const options = { table: "people", key: "id", tenantColumn: "school", where: "level > 0" }
    const a = await read(options, { key: "A", tenant: "A" }, null, 10)
    expect(a.flatMap((b) => b.keys)).toEqual(["1", "3", "9223372036854775807"])
    const facts = await withSource(options, (source) =>
      Effect.all([
        source.partitions,
        source.estimate({ key: "B", tenant: "B" }, null),
        source.estimate({ key: "A", tenant: "A" }, 1),
        source.estimate(Source.wholeSource, null),
      ]),
    )
    expect(facts).toEqual([
      [
        { key: "A", tenant: "A" },
        { key: "B", tenant: "B" },
      ],
      1,
      2,
      4,
    ])
    // Naming the tenants leaves the others' rows to a partition of their own, rejected with a reason
    // instead of never read.
    const named = await withSource({ ...options, tenants: ["B"] }, (s) => s.partitions)
    expect(named).toEqual([{ key: "B", tenant: "B" }, Source.unassigned])
    const others = await read({ ...options, tenants: ["B"] }, Source.unassigned, null, 10)
    expect(others.flatMap((b) => b.rows)).toEqual([])
    expect(
      others.flatMap((b) => b.rejected.map((r) => [r.key, r.reasons[0]!.rule, r.reasons[0]!.message])),
    ).toEqual(
      ["1", "3", "9223372036854775807"].map((k) => [
        k,
        "tenant_unknown",
        `school "A" is none of the run's tenants (B)`,
      ]),
    )
    const late = await read(
      { table: "events", key: "id", tenantColumn: "school", where: "kind = 'late'" },
      { key: "C", tenant: "C" },
      null,
      50,
    )
    expect(late.flatMap((b) => b.rows.map((r) => r.id))).toEqual(
      Array.from({ length: 2500 }, (_, i) => i + 1)
        .filter((i) => i % 15 === 0)
        .map((i) => i * 3),
    )
  })

  it("leaves the file as it was", async () => {
    const before = await readFile(file)
    await read({ table: "events", key: "id" }, Source.wholeSource, null, 1000)
    expect(Buffer.compare(before, await readFile(file))).toBe(0)
  })

  it("fails with a connection error naming the file for a missing file and for one that is not SQLite", async () => {
    const missing = join(dir, "nope.sqlite")
    expect(await openFailure(missing)).toBe(
      `connection: cannot open SQLite file ${missing}: no such file; check the path`,
    )
    const text = join(dir, "notes.txt")
    expect(await openFailure(text)).toBe(
      `connection: cannot open SQLite file ${text}: file is not a database; check that the path names a SQLite 3 database (not an export, a dump or an encrypted file)`,
    )
    expect(await openFailure(dir)).toMatch(/^connection: cannot open SQLite file .*: it is a folder/)
    await expect(read({ table: "nope", key: "id" }, Source.wholeSource, null)).rejects.toThrow(
      `no table nope in SQLite file ${file}; check the table name`,
    )
  })
})

describe("SqliteClient", () => {
  it("runs SQL functions of our own, scalar and aggregate, exactly", async () => {
    const result = await Effect.runPromise(
      Effect.gen(function* () {
        const client = yield* SqliteClient.SqliteClient
        client.registerFunction("shout", (s) => (s === null ? null : `${String(s).toUpperCase()}!`))
        // Integers reach a function as numbers: the exact sum receives text and returns a bigint.
        client.registerAggregate("exact_sum", {
          init: () => 0n,
          step: (total: bigint, v) => (v === null ? total : total + BigInt(v as string)),
          finalize: (total) => total,
        })
        const shouted = yield* client.query<{ s: string }>(
          "select shout(kind) as s from events where id = ?",
          [15],
        )
        const sums = yield* client.query<{ total: unknown }>(
          "select exact_sum(v) as total from (select cast(big as text) as v from people where id = 1 union all select '2')",
        )
        return { shouted, sums }
      }).pipe(Effect.provide(SqliteClient.layer({ path: file }))),
    )
    expect(result.shouted).toEqual([{ s: "LATE!" }])
    // 9007199254740993 + 2, which a double cannot hold.
    expect(result.sums).toEqual([{ total: "9007199254740995" }])
  })
})
