import { Source } from "@schoolbridge/core"
import { createPgDatabase, type TestDatabase } from "@schoolbridge/testing"
import { Chunk, Effect, Redacted, Stream } from "effect"
import pg from "pg"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { PgClient, PgSource } from "../src/index.js"

let db: TestDatabase
beforeAll(async () => {
  db = await createPgDatabase("pgsource")
  const conn = new pg.Client({ connectionString: db.url })
  await conn.connect()
  try {
    // A date style other than ISO, as an old server may have: the source must still give ISO text.
    await conn.query(`alter database ${db.name} set datestyle = 'SQL, DMY'`)
    await conn.query(`
      create table people (
        id bigint primary key,
        school text not null,
        born date,
        seen timestamp,
        stamped timestamptz,
        fee numeric(12,2),
        ratio double precision,
        big bigint,
        active boolean not null,
        level integer not null,
        waited interval,
        "Name" text
      );
      insert into people values
        (1, 'A', '2010-05-01', '2024-01-02 08:30:00', '2024-01-02 08:30:00+08', 1234.50, 0.25, 9007199254740993, true, 3, '2 days', 'café'),
        (2, 'B', '0009-12-04', '2019-03-10 10:00:00.125', null, null, null, null, false, 1, null, 'مدرسة'),
        (3, 'A', null, null, null, 0.10, null, -5, true, 2, null, null),
        (4, 'B', '2011-02-28', null, null, 99999999.99, null, 9007199254740991, false, 0, null, null),
        (9223372036854775807, 'A', null, null, null, null, null, -9223372036854775808, true, 4, null, null);
      create table events (id integer primary key, school text not null, kind text not null);
      insert into events select i * 3, case when i % 3 = 0 then 'C' else 'D' end,
        case when i % 5 = 0 then 'late' else 'ok' end from generate_series(1, 2500) i;
    `)
  } finally {
    await conn.end()
  }
})
afterAll(() => db.drop())

const withSource = <A>(
  options: PgSource.Options,
  f: (s: Source.SourceShape<Record<string, unknown>>) => Effect.Effect<A, unknown>,
) =>
  Effect.runPromise(
    Effect.flatMap(PgSource.make(options), f).pipe(
      Effect.provide(PgClient.layer({ url: Redacted.make(db.url), max: 2 })),
    ),
  )

const read = (
  options: PgSource.Options,
  partition: Source.Partition,
  after: Source.Cursor | null,
  size = 2,
) =>
  withSource(options, (source) =>
    Effect.map(Stream.runCollect(source.stream(partition, after, size)), (b) => Chunk.toReadonlyArray(b)),
  )

describe("PgSource", () => {
  it("reads every type exactly, in the shapes the MySQL source gives", async () => {
    const batches = await read({ table: "people", key: "id" }, Source.wholeSource, null, 10)
    const rows = batches.flatMap((b) => b.rows)
    expect(rows.map((r) => r.id)).toEqual([1, 2, 3, 4, "9223372036854775807"])
    expect(rows[0]).toEqual({
      id: 1,
      school: "A",
      born: "2010-05-01",
      seen: "2024-01-02 08:30:00",
      stamped: expect.stringMatching(/^2024-01-02 \d\d:30:00[+-]\d\d/),
      fee: "1234.50",
      ratio: 0.25,
      big: "9007199254740993",
      active: true,
      level: 3,
      waited: "2 days",
      Name: "café",
    })
    // The instant is kept whatever the session's time zone: its text parses back to the same moment.
    expect(
      new Date((rows[0]!.stamped as string).replace(" ", "T").replace(/([+-]\d\d)$/, "$1:00")).toISOString(),
    ).toBe("2024-01-02T00:30:00.000Z")
    expect(rows[1]).toMatchObject({
      born: "0009-12-04",
      seen: "2019-03-10 10:00:00.125",
      fee: null,
      active: false,
    })
    expect(rows[2]).toMatchObject({ born: null, fee: "0.10", big: -5 })
    expect(rows[3]).toMatchObject({ born: "2011-02-28", fee: "99999999.99", big: 9007199254740991, level: 0 })
    expect(rows[4]).toMatchObject({ big: "-9223372036854775808" })
    expect(batches.flatMap((b) => b.notes)).toEqual([])
  })

  it("streams in key order in batches and resumes strictly after a cursor, a key beyond 2^53 included", async () => {
    const options = { table: "people", key: "id", columns: ["id", "born"] }
    const batches = await read(options, Source.wholeSource, null, 2)
    expect(batches.map((b) => b.keys)).toEqual([["1", "2"], ["3", "4"], ["9223372036854775807"]])
    expect(batches.map((b) => b.cursor)).toEqual([2, 4, "9223372036854775807"])
    expect(batches[0]!.rows).toEqual([
      { id: 1, born: "2010-05-01" },
      { id: 2, born: "0009-12-04" },
    ])
    const resumed = await read(options, Source.wholeSource, 2, 2)
    expect(resumed.flatMap((b) => b.keys)).toEqual(["3", "4", "9223372036854775807"])
    const fromBig = await read(options, Source.wholeSource, "9007199254740993", 2)
    expect(fromBig.flatMap((b) => b.keys)).toEqual(["9223372036854775807"])
    expect(await read(options, Source.wholeSource, "9223372036854775807", 2)).toEqual([])
  })

  it("reads a larger table completely over many pages, and resumes after a checkpoint without gaps", async () => {
    const all = await read({ table: "public.events", key: "id" }, Source.wholeSource, null, 1000)
    expect(all.map((b) => b.rows.length)).toEqual([1000, 1000, 500])
    const ids = all.flatMap((b) => b.rows.map((r) => r.id as number))
    expect(ids).toEqual(Array.from({ length: 2500 }, (_, i) => (i + 1) * 3))
    const rest = await read({ table: "events", key: "id" }, Source.wholeSource, all[0]!.cursor, 700)
    expect(rest.flatMap((b) => b.rows.map((r) => r.id))).toEqual(ids.slice(1000))
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
    const byLevel = await withSource(
      { table: "people", key: "id", tenantColumn: "level" },
      (s) => s.partitions,
    )
    expect(byLevel.map((p) => p.tenant)).toEqual(["0", "1", "2", "3", "4"])
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

  it("fails with a clear message for a missing table", async () => {
    await expect(read({ table: "nope", key: "id" }, Source.wholeSource, null)).rejects.toThrow(
      /no table nope in PostgreSQL at postgres(ql)?:\/\/.*; check the table name and schema/,
    )
  })
})
