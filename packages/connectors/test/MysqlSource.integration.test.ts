import { Source } from "@schoolbridge/core"
import { createMysqlDatabase, type TestDatabase } from "@schoolbridge/testing"
import { Cause, Chunk, Effect, Redacted, Stream } from "effect"
import mysql from "mysql2/promise"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { MysqlClient, MysqlSource } from "../src/index.js"

let db: TestDatabase
beforeAll(async () => {
  db = await createMysqlDatabase("source")
  const conn = await mysql.createConnection({ uri: db.url, multipleStatements: true })
  await conn.query(`
    set session sql_mode = '';
    create table people (
      id bigint unsigned primary key,
      school varchar(10) not null,
      born date null,
      seen datetime null,
      fee decimal(12,2) null,
      big bigint null,
      active tinyint(1) not null,
      level tinyint not null,
      note_latin1 varchar(50) character set latin1 null,
      note_utf8 varchar(50) character set utf8mb4 null
    );
    insert into people values
      (1, 'A', '2010-05-01', '2024-01-02 08:30:00', 1234.50, 9007199254740993, 1, 3, 'café', 'ok 👍'),
      (2, 'B', '0000-00-00', '0000-00-00 00:00:00', null, null, 0, 1, null, 'مدرسة'),
      (3, 'A', '0009-12-04', '2019-00-10 10:00:00', 0.10, -5, 1, 2, 'naïve', null),
      (4, 'B', '2011-02-00', null, 99999999.99, 42, 0, 0, null, null),
      (18446744073709551615, 'A', null, null, null, null, 1, 4, null, null)`)
  await conn.end()
})
afterAll(() => db.drop())

const withSource = <A>(
  options: MysqlSource.Options,
  f: (s: Source.SourceShape<Record<string, unknown>>) => Effect.Effect<A, unknown>,
) =>
  Effect.runPromise(
    Effect.flatMap(MysqlSource.make(options), f).pipe(
      Effect.provide(MysqlClient.layer({ url: Redacted.make(db.url) })),
    ),
  )

const read = (
  options: MysqlSource.Options,
  partition: Source.Partition,
  after: Source.Cursor | null,
  size = 2,
) =>
  withSource(options, (source) =>
    Effect.map(Stream.runCollect(source.stream(partition, after, size)), (b) => ({
      batches: Chunk.toReadonlyArray(b),
    })),
  )

describe("MysqlSource", () => {
  it("reads every type without losing or inventing anything", async () => {
    const { batches } = await read({ table: "people", key: "id" }, Source.wholeSource, null, 10)
    const rows = batches.flatMap((b) => b.rows)
    expect(rows.map((r) => r.id)).toEqual([1, 2, 3, 4, "18446744073709551615"])
    expect(rows[0]).toMatchObject({
      born: "2010-05-01",
      seen: "2024-01-02 08:30:00",
      fee: "1234.50",
      big: "9007199254740993",
      active: true,
      level: 3,
      note_latin1: "café",
      note_utf8: "ok 👍",
    })
    expect(rows[1]).toMatchObject({ born: null, seen: null, fee: null, active: false, note_utf8: "مدرسة" })
    // A real early date stays; a date with a zero month or day is not a date.
    expect(rows[2]).toMatchObject({
      born: "0009-12-04",
      seen: null,
      fee: "0.10",
      big: -5,
      note_latin1: "naïve",
    })
    expect(rows[3]).toMatchObject({ born: null, fee: "99999999.99", big: 42, level: 0 })
    const notes = batches.flatMap((b) => b.notes)
    expect(notes).toEqual([
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

  it("streams in key order in batches and resumes strictly after a cursor", async () => {
    const { batches } = await read({ table: "people", key: "id" }, Source.wholeSource, null, 2)
    expect(batches.map((b) => b.keys)).toEqual([["1", "2"], ["3", "4"], ["18446744073709551615"]])
    expect(batches.map((b) => b.cursor)).toEqual([2, 4, "18446744073709551615"])
    const resumed = await read({ table: "people", key: "id" }, Source.wholeSource, 2, 2)
    expect(resumed.batches.flatMap((b) => b.keys)).toEqual(["3", "4", "18446744073709551615"])
    const end = await read({ table: "people", key: "id" }, Source.wholeSource, "18446744073709551615", 2)
    expect(end.batches).toEqual([])
  })

  it("partitions by tenant, filters, and estimates what is left", async () => {
    const options = { table: "people", key: "id", tenantColumn: "school", where: "level > 0" }
    const { batches } = await read(options, { key: "A", tenant: "A" }, null, 10)
    expect(batches.flatMap((b) => b.keys)).toEqual(["1", "3", "18446744073709551615"])
    const facts = await withSource(options, (source) =>
      Effect.all([
        source.partitions,
        source.estimate({ key: "B", tenant: "B" }, null),
        source.estimate({ key: "A", tenant: "A" }, 1),
      ]),
    )
    expect(facts).toEqual([
      [
        { key: "A", tenant: "A" },
        { key: "B", tenant: "B" },
      ],
      1,
      2,
    ])
  })

  it("fails with a clear message for a missing table, and never shows the password", async () => {
    const url = new URL(db.url)
    url.password = "s3cret-pw"
    const exit = await Effect.runPromiseExit(
      Effect.provide(Effect.void, MysqlClient.layer({ url: Redacted.make(url.toString()) })),
    )
    const text = exit._tag === "Failure" ? Cause.pretty(exit.cause) : "connected?"
    expect(text).toMatch(/cannot connect to MySQL at mysql:\/\/root:\*\*\*@127\.0\.0\.1/)
    expect(text).not.toContain("s3cret-pw")
    await expect(read({ table: "nope", key: "id" }, Source.wholeSource, null)).rejects.toThrow(/nope/)
  })
})
