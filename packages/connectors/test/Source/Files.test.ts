import { mkdtemp, rm, writeFile } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { setFlagsFromString } from "node:v8"
import { runInNewContext } from "node:vm"
import { describe, expect, it } from "@effect/vitest"
import { Source } from "@schoolbridge/core"
import { Chunk, Effect, Either, Stream } from "effect"
import * as CsvSource from "../../src/Source/Csv.js"
import * as JsonSource from "../../src/Source/Json.js"
import * as NdjsonSource from "../../src/Source/Ndjson.js"

// JSON fixtures end in .txt so the linter leaves the deliberately malformed ones alone.
const fixture = (name: string) => fileURLToPath(new URL(`../fixtures/files/${name}`, import.meta.url))

type Row = Record<string, unknown>
type Shape = Source.SourceShape<Row>

const batches = (source: Shape, after: Source.Cursor | null, size: number) =>
  Stream.runCollect(source.stream(Source.wholeSource, after, size)).pipe(Effect.map(Chunk.toArray))

/** Every record in file order, one batch per record, as `key` or `!key` for a rejection. */
const records = (source: Shape) =>
  Effect.map(batches(source, null, 1), (bs) =>
    bs.map((b) => (b.rows.length === 1 ? b.keys[0]! : `!${b.rejected[0]!.key}`)),
  )

const check = (bs: ReadonlyArray<Source.SourceBatch<Row>>, after: number, size: number) => {
  let cursor = after
  for (const b of bs) {
    const read = Source.batchSize(b)
    expect(read).toBeGreaterThan(0)
    expect(read).toBeLessThanOrEqual(size)
    expect(b.keys.length).toBe(b.rows.length)
    expect(b.cursor).toBe(cursor + read)
    cursor = b.cursor as number
  }
  return cursor
}

/** Resuming after every offset, with several batch sizes, yields exactly the records after it. */
const resumesEverywhere = (source: Shape) =>
  Effect.gen(function* () {
    const all = yield* records(source)
    const whole = yield* batches(source, null, 1000)
    const rowByKey = new Map(whole.flatMap((b) => b.rows.map((r, i) => [b.keys[i]!, r] as const)))
    for (const size of [1, 2, 3, 1000]) {
      for (let k = 0; k <= all.length; k++) {
        const bs = yield* batches(source, k, size)
        expect(check(bs, k, size)).toBe(all.length)
        const seen = bs.flatMap((b) => [...b.keys, ...b.rejected.map((r) => `!${r.key}`)])
        expect([...seen].sort()).toEqual(all.slice(k).sort())
        for (const b of bs) expect(b.rows).toEqual(b.keys.map((key) => rowByKey.get(key)))
        if (k > 0) {
          const before = yield* batches(source, null, k)
          expect(before[0]!.cursor).toBe(k)
          const head = [...before[0]!.keys, ...before[0]!.rejected.map((r) => `!${r.key}`)]
          expect([...head, ...seen].sort()).toEqual([...all].sort())
        }
      }
    }
    return all
  })

const failure = <A>(effect: Effect.Effect<A, Source.SourceError>) => Effect.flip(effect)

/** Runs `f` with a fresh directory, removed afterwards. */
const inDir = <A, E>(f: (dir: string) => Effect.Effect<A, E>) =>
  Effect.acquireUseRelease(
    Effect.promise(() => mkdtemp(join(tmpdir(), "schoolbridge-csv-"))),
    f,
    (dir) => Effect.promise(() => rm(dir, { recursive: true, force: true })),
  )

describe("CsvSource", () => {
  it.effect("reads quotes, embedded newlines, a BOM, Arabic and Malay text, by line number", () =>
    Effect.gen(function* () {
      const source = yield* CsvSource.make({ path: fixture("students.csv") })
      const [b] = yield* batches(source, null, 100)
      expect(b!.keys).toEqual(["2", "3", "5", "9", "12"])
      expect(b!.cursor).toBe(7)
      expect(b!.rows).toEqual([
        {
          "Student Name": "Siti Nurhaliza binti Ahmad",
          "IC No": "010203-10-1234",
          Class: "5 Bestari",
          Notes: "Suka membaca, menulis",
        },
        {
          "Student Name": 'Muhammad "Amin" bin Yusof',
          "IC No": "020304-14-5678",
          Class: "5 Cemerlang",
          Notes: "Line one\nline two",
        },
        { "Student Name": "عبد الله بن عمر", "IC No": "030405-01-9012", Class: "4 Arif", Notes: "" },
        {
          "Student Name": "Tan Mei Ling",
          "IC No": "060708-07-1111",
          Class: "6 Bijak",
          Notes: "Multi\nline\nnote",
        },
        { "Student Name": "Ahmad Faiz", "IC No": "070809-03-2222", Class: "3 Gigih", Notes: "ok" },
      ])
      expect(b!.rejected).toEqual([
        {
          key: "6",
          reasons: [{ column: null, rule: "ragged_row", message: "line 6 has 3 fields, the header has 4" }],
          raw: ["Lee Chong Wei", "040506-08-3456", "4 Arif"],
        },
        {
          key: "8",
          reasons: [{ column: null, rule: "ragged_row", message: "line 8 has 5 fields, the header has 4" }],
          raw: ["Nurul Izzah", "050607-10-7890", "6 Bijak", "a,b", "extra"],
        },
      ])
      expect(b!.notes).toEqual([])
      expect(yield* source.partitions).toEqual([Source.wholeSource])
      expect(yield* source.estimate(Source.wholeSource, null)).toBe(7)
      expect(yield* source.estimate(Source.wholeSource, 5)).toBe(2)
    }),
  )

  it.effect("resumes after every record offset with no gap and no duplicate", () =>
    Effect.gen(function* () {
      const source = yield* CsvSource.make({ path: fixture("students.csv") })
      const all = yield* resumesEverywhere(source)
      expect(all).toEqual(["2", "3", "5", "!6", "!8", "9", "12"])
      expect(yield* batches(source, "3", 10)).toHaveLength(1)
      expect(yield* batches(source, 50, 10)).toEqual([])
    }),
  )

  it.effect("renames headers, keeps or drops the others, and keys rows by a column", () =>
    Effect.gen(function* () {
      const columns = { "Student Name": "name", "IC No": "ic" }
      const kept = yield* CsvSource.make({ path: fixture("students.csv"), columns, keyColumn: "ic" })
      const [k] = yield* batches(kept, null, 2)
      expect(k!.keys).toEqual(["010203-10-1234", "020304-14-5678"])
      expect(k!.rows[0]).toEqual({
        name: "Siti Nurhaliza binti Ahmad",
        ic: "010203-10-1234",
        Class: "5 Bestari",
        Notes: "Suka membaca, menulis",
      })
      const dropped = yield* CsvSource.make({
        path: fixture("students.csv"),
        columns,
        unmappedColumns: "drop",
      })
      const [d] = yield* batches(dropped, null, 1)
      expect(d!.rows).toEqual([{ name: "Siti Nurhaliza binti Ahmad", ic: "010203-10-1234" }])
      // Ragged rows are keyed by their line, apart from the key column's values.
      const all = yield* records(kept)
      expect(all).toContain("!line 6")
    }),
  )

  it.effect("reads a ; delimited CRLF file, counting a CRLF inside quotes as one line", () =>
    Effect.gen(function* () {
      const source = yield* CsvSource.make({ path: fixture("semicolon.csv"), delimiter: ";" })
      const [b] = yield* batches(source, null, 10)
      expect(b!.keys).toEqual(["2", "3", "5"])
      expect(b!.rows).toEqual([
        { id: "1", nama: "Aminah", kelas: "2;A" },
        { id: "2", nama: "Zainab\r\nbinti Ali", kelas: "3B" },
        { id: "3", nama: "محمد", kelas: "4C" },
      ])
      yield* resumesEverywhere(source)
    }),
  )

  it.effect("refuses a file whose quote never closes, at make, naming the line it opens on", () =>
    Effect.gen(function* () {
      const e = yield* failure(CsvSource.make({ path: fixture("unclosed.csv") }))
      expect(e.reason).toBe("config")
      expect(e.message).toBe(
        `csv file ${fixture("unclosed.csv")}: the quote that opens a field on line 3 (column 3) is never closed, ` +
          "so where the records of lines 3-4 end cannot be known; close the quote (or write a quote inside a quoted field twice): the file is refused whole",
      )
    }),
  )

  it.effect("rejects a record that breaks the quoting rules with its lines, and reads on at the next", () =>
    inDir((dir) =>
      Effect.gen(function* () {
        const path = join(dir, "bad.csv")
        yield* Effect.promise(() =>
          writeFile(
            path,
            [
              "id,name,note",
              "1,Aminah,ok",
              '2,"Ali "the kid" Bakar",x',
              "3,5'10\",tall",
              '4,"multi',
              'line",fine',
              "",
              "5,Zainab,last",
            ].join("\n"),
          ),
        )
        const source = yield* CsvSource.make({ path, keyColumn: "id" })
        expect(yield* source.estimate(Source.wholeSource, null)).toBe(5)
        const [b] = yield* batches(source, null, 100)
        expect(b!.keys).toEqual(["1", "4", "5"])
        expect(b!.rows[1]).toEqual({ id: "4", name: "multi\nline", note: "fine" })
        expect(b!.rejected.map((r) => [r.key, r.reasons[0]!.rule, r.reasons[0]!.message])).toEqual([
          [
            "line 3",
            "bad_quote",
            'line 3 could not be read: column 9: "t" follows the closing quote of a field; inside a quoted field a quote is written twice ("")',
          ],
          [
            "line 4",
            "stray_quote",
            'line 4 could not be read: column 7: a quote inside a field that is not quoted; quote the whole field and write the quote twice ("")',
          ],
        ])
        expect(b!.cursor).toBe(5)
        yield* resumesEverywhere(source)
        // Relaxed, the stray quote is a character.
        const relaxed = yield* CsvSource.make({ path, keyColumn: "id", relaxQuotes: true })
        const [r] = yield* batches(relaxed, null, 100)
        expect(r!.rows.find((row) => row.id === "3")).toEqual({ id: "3", name: "5'10\"", note: "tall" })
      }),
    ),
  )

  it.effect("reads on at the line after a bad record, across a 64 KiB read and a CRLF split by it", () =>
    inDir((dir) =>
      Effect.gen(function* () {
        const path = join(dir, "split.csv")
        // The bad record's CR is the last byte of the first read and its LF the first of the next.
        const head = 'id,name,note\r\n1,a,b\r\n2,"bad"x,'
        const text = `${head}${"y".repeat(65_535 - head.length)}\r\n3,ok,fine\r\n`
        expect(text.indexOf("\r\n3,")).toBe(65_535)
        yield* Effect.promise(() => writeFile(path, text))
        const source = yield* CsvSource.make({ path })
        expect(yield* source.estimate(Source.wholeSource, null)).toBe(3)
        const [b] = yield* batches(source, null, 10)
        expect(b!.keys).toEqual(["2", "4"])
        expect(b!.rows[1]).toEqual({ id: "3", name: "ok", note: "fine" })
        expect(b!.rejected.map((r) => [r.key, r.reasons[0]!.message])).toEqual([
          [
            "3",
            'line 3 could not be read: column 8: "x" follows the closing quote of a field; inside a quoted field a quote is written twice ("")',
          ],
        ])
        expect(yield* resumesEverywhere(source)).toEqual(["2", "!3", "4"])
        // Reading starts again at the next line, not inside a quote the bad line opens after its fault.
        yield* Effect.promise(() =>
          writeFile(path, ["id,name,note", '1,"Ali "x,"multi', 'line",z', "2,Zainab,ok", ""].join("\n")),
        )
        expect(yield* records(yield* CsvSource.make({ path }))).toEqual(["!2", "!3", "4"])
      }),
    ),
  )

  it.effect("refuses a quoted field that runs over lines and then breaks off", () =>
    inDir((dir) =>
      Effect.gen(function* () {
        const path = join(dir, "runaway.csv")
        yield* Effect.promise(() =>
          writeFile(path, ["id,name", '1,"Zoe', "2,Lee", '3,"Tan" Mei', "4,Ali", ""].join("\n")),
        )
        const e = yield* failure(CsvSource.make({ path }))
        expect(e.reason).toBe("config")
        expect(e.message).toMatch(
          /the quote that opens a field on line 2 \(column 3\) breaks off on line 4, so where the records of lines 2-4 end cannot be known/,
        )
      }),
    ),
  )

  it.effect("refuses text that is not UTF-8, naming the line and column of the first bad byte", () =>
    inDir((dir) =>
      Effect.gen(function* () {
        const path = join(dir, "cp1252.csv")
        // "Zoë" and "Ñúñez" as windows-1252 writes them: one byte each, not UTF-8.
        const text = "nama,bandar\nAminah,Kota Bharu\nZo\u00eb \u00d1\u00fa\u00f1ez,Ipoh\n"
        yield* Effect.promise(() => writeFile(path, Buffer.from(text, "latin1")))
        const e = yield* failure(CsvSource.make({ path }))
        expect(e.reason).toBe("config")
        expect(e.message).toBe(
          `csv file ${path}: line 3, column 3 (byte 32): byte 0xEB is not UTF-8; the file is in another encoding: ` +
            "name it with `encoding:` on the source (e.g. windows-1252, latin1, utf-16)",
        )
        const source = yield* CsvSource.make({ path, encoding: "windows-1252" })
        const [b] = yield* batches(source, null, 10)
        expect(b!.rows).toEqual([
          { nama: "Aminah", bandar: "Kota Bharu" },
          { nama: "Zoë Ñúñez", bandar: "Ipoh" },
        ])
        // windows-1252 is not latin1: 0x80 is the euro sign.
        yield* Effect.promise(() => writeFile(path, Buffer.from([...Buffer.from("a\n"), 0x80, 0x0a])))
        const [euro] = yield* batches(yield* CsvSource.make({ path, encoding: "windows-1252" }), null, 10)
        expect(euro!.rows).toEqual([{ a: "€" }])
        const unknown = yield* failure(CsvSource.make({ path, encoding: "klingon" }))
        expect(unknown.message).toMatch(/encoding "klingon" is not one we can read/)
      }),
    ),
  )

  it.effect("reads UTF-16 with its BOM, and finds a bad byte after a chunk boundary", () =>
    inDir((dir) =>
      Effect.gen(function* () {
        const utf16 = join(dir, "utf16.csv")
        const bom = Buffer.from([0xff, 0xfe])
        yield* Effect.promise(() =>
          writeFile(utf16, Buffer.concat([bom, Buffer.from("id,nama\n1,Zoë\n2,محمد\n", "utf16le")])),
        )
        const [b] = yield* batches(yield* CsvSource.make({ path: utf16, encoding: "utf-16" }), null, 10)
        expect(b!.rows).toEqual([
          { id: "1", nama: "Zoë" },
          { id: "2", nama: "محمد" },
        ])
        // Two-byte letters throughout, so sequences straddle the 64 KiB reads; the bad byte comes late.
        const long = join(dir, "long.csv")
        const lines = ["id,nama"]
        for (let i = 1; i <= 5000; i++) lines.push(`${i},Zoë Ñúñez ${i}`)
        const good = Buffer.from(`${lines.join("\n")}\n`)
        yield* Effect.promise(() =>
          writeFile(long, Buffer.concat([good, Buffer.from("5001,Zo"), Buffer.from([0xeb, 0x0a])])),
        )
        const e = yield* failure(CsvSource.make({ path: long }))
        expect(e.message).toContain(`: line 5002, column 8 (byte ${good.length + 7}): byte 0xEB is not UTF-8`)
      }),
    ),
  )

  it.effect("reads latin1", () =>
    Effect.gen(function* () {
      const source = yield* CsvSource.make({ path: fixture("latin1.csv"), encoding: "latin1" })
      const [b] = yield* batches(source, null, 10)
      expect(b!.rows).toEqual([{ nama: "Zoë Ñúñez", bandar: "Kota Bharu" }])
    }),
  )

  it.effect("a header with no rows gives no batches", () =>
    Effect.gen(function* () {
      const source = yield* CsvSource.make({ path: fixture("header-only.csv") })
      expect(yield* batches(source, null, 10)).toEqual([])
      expect(yield* source.estimate(Source.wholeSource, null)).toBe(0)
    }),
  )

  it.effect("fails at make, naming the file and what to fix", () =>
    Effect.gen(function* () {
      const missing = yield* failure(CsvSource.make({ path: fixture("nope.csv") }))
      expect(missing.reason).toBe("config")
      expect(missing.message).toBe(`csv file ${fixture("nope.csv")}: not found; check the path`)

      const empty = yield* failure(CsvSource.make({ path: fixture("empty.csv") }))
      expect(empty.message).toMatch(/empty\.csv: has no header row/)

      const column = yield* failure(
        CsvSource.make({ path: fixture("students.csv"), columns: { Nama: "name" } }),
      )
      expect(column.reason).toBe("config")
      expect(column.message).toMatch(
        /the header has no column "Nama" named in `columns`; it has "Student Name"/,
      )

      const key = yield* failure(CsvSource.make({ path: fixture("students.csv"), keyColumn: "id" }))
      expect(key.message).toMatch(/the key column "id" is not a row field/)

      const delimiter = yield* failure(CsvSource.make({ path: fixture("semicolon.csv"), keyColumn: "id" }))
      expect(delimiter.message).toMatch(/is the delimiter ";"\?/)

      const dir = yield* failure(CsvSource.make({ path: fixture("") }))
      expect(dir.message).toMatch(/is a directory/)
    }),
  )

  it.effect("rejects cursors that are not record offsets and partitions other than *", () =>
    Effect.gen(function* () {
      const source = yield* CsvSource.make({ path: fixture("students.csv") })
      const cursor = yield* failure(Stream.runDrain(source.stream(Source.wholeSource, "abc", 10)))
      expect(cursor.message).toMatch(/cursor "abc" is not a record offset/)
      const partition = yield* failure(Stream.runDrain(source.stream({ key: "t1", tenant: "t1" }, null, 10)))
      expect(partition.reason).toBe("config")
    }),
  )

  it.effect("streams a 200,000-record file in batches with flat memory", () =>
    Effect.acquireUseRelease(
      Effect.promise(() => mkdtemp(join(tmpdir(), "schoolbridge-csv-"))),
      (dir) =>
        Effect.gen(function* () {
          const path = join(dir, "big.csv")
          const lines = ["id,name,class,note"]
          for (let i = 1; i <= 200_000; i++) {
            lines.push(`${i},"Pelajar ${i}, Sekolah Kebangsaan",${i % 6} Arif,catatan yang agak panjang ${i}`)
          }
          yield* Effect.promise(() => writeFile(path, `${lines.join("\n")}\n`))
          lines.length = 0
          const source = yield* CsvSource.make({ path, keyColumn: "id" })
          // A full collection before each sample, so the numbers are live memory, not garbage.
          setFlagsFromString("--expose-gc")
          const gc = runInNewContext("gc") as () => void
          const live = () => {
            gc()
            return process.memoryUsage().heapUsed
          }
          const samples: Array<number> = []
          let count = 0
          let last: Source.SourceBatch<Row> | undefined
          yield* Stream.runForEach(source.stream(Source.wholeSource, null, 5_000), (b) =>
            Effect.sync(() => {
              count += b.rows.length
              last = b
              if ((b.cursor as number) % 50_000 === 0) samples.push(live())
            }),
          )
          expect(count).toBe(200_000)
          expect(last!.cursor).toBe(200_000)
          expect(last!.keys.at(-1)).toBe("200000")
          // The file is ~16 MB; rows kept by mistake would grow the heap by tens of MB between samples.
          expect(samples).toHaveLength(4)
          expect(Math.max(...samples) - samples[0]!).toBeLessThan(8 * 1024 * 1024)
          const estimate = yield* source.estimate(Source.wholeSource, null)
          // Extrapolated from the first 64 KiB, whose ids are shorter than the rest.
          expect(estimate).toBeGreaterThan(170_000)
          expect(estimate).toBeLessThan(230_000)
        }),
      (dir) => Effect.promise(() => rm(dir, { recursive: true, force: true })),
    ),
  )
})

describe("NdjsonSource", () => {
  it.effect("reads objects by line, skips blank lines, rejects broken and non-object lines", () =>
    Effect.gen(function* () {
      const source = yield* NdjsonSource.make({ path: fixture("events.ndjson") })
      const [b] = yield* batches(source, null, 100)
      expect(b!.keys).toEqual(["1", "3", "6", "7"])
      expect(b!.rows).toEqual([
        { id: "a1", name: "Aisyah" },
        { id: "a2", name: "عائشة" },
        { id: "a4", name: "Farah" },
        { name: "no id" },
      ])
      expect(b!.cursor).toBe(6)
      expect(b!.rejected).toHaveLength(2)
      expect(b!.rejected[0]!.key).toBe("4")
      expect(b!.rejected[0]!.reasons[0]!.rule).toBe("bad_json")
      expect(b!.rejected[0]!.reasons[0]!.message).toMatch(/^line 4 is not JSON: /)
      expect(b!.rejected[0]!.raw).toBe('{"id":"a3", broken')
      expect(b!.rejected[1]).toEqual({
        key: "5",
        reasons: [{ column: null, rule: "not_an_object", message: "line 5 holds an array, not an object" }],
        raw: [1, 2],
      })
      expect(yield* source.estimate(Source.wholeSource, 2)).toBe(4)
    }),
  )

  it.effect("keys by a field, falling back to the line number", () =>
    Effect.gen(function* () {
      const source = yield* NdjsonSource.make({ path: fixture("events.ndjson"), keyColumn: "id" })
      const all = yield* resumesEverywhere(source)
      expect(all).toEqual(["a1", "a2", "!4", "!5", "a4", "7"])
    }),
  )

  it.effect("a missing file is a config error", () =>
    Effect.gen(function* () {
      const e = yield* failure(NdjsonSource.make({ path: fixture("nope.ndjson") }))
      expect(e.reason).toBe("config")
      expect(e.message).toMatch(/^ndjson file .*nope\.ndjson: not found/)
    }),
  )
})

describe("JsonSource", () => {
  it.effect("reads array elements by index and rejects non-objects", () =>
    Effect.gen(function* () {
      const source = yield* JsonSource.make({ path: fixture("students.json.txt") })
      const [b] = yield* batches(source, null, 100)
      expect(b!.keys).toEqual(["0", "1", "3", "5"])
      expect(b!.rows).toEqual([
        { id: 1, name: "Hafiz", note: 'has "quotes", commas, ] and }' },
        { id: 2, name: "نور", tags: ["a", { b: [1] }] },
        { id: 4, name: "Lim" },
        { id: 6, name: "Raju" },
      ])
      expect(b!.rejected).toEqual([
        {
          key: "2",
          reasons: [{ column: null, rule: "not_an_object", message: "element 2 is a number, not an object" }],
          raw: 42,
        },
        {
          key: "4",
          reasons: [{ column: null, rule: "not_an_object", message: "element 4 is null, not an object" }],
          raw: null,
        },
      ])
      expect(b!.cursor).toBe(6)
      expect(yield* source.estimate(Source.wholeSource, null)).toBe(6)
    }),
  )

  it.effect("resumes after every offset; keys by a field", () =>
    Effect.gen(function* () {
      const source = yield* JsonSource.make({ path: fixture("students.json.txt"), keyColumn: "id" })
      expect(yield* resumesEverywhere(source)).toEqual(["1", "2", "!2", "4", "!4", "6"])
    }),
  )

  it.effect("rejects the cut-off end of a truncated file", () =>
    Effect.gen(function* () {
      const source = yield* JsonSource.make({ path: fixture("truncated.json.txt") })
      const [b] = yield* batches(source, null, 100)
      expect(b!.rows).toEqual([{ id: 1 }, { id: 2 }])
      expect(b!.rejected).toHaveLength(1)
      expect(b!.rejected[0]!.key).toBe("2")
      expect(b!.rejected[0]!.reasons[0]!.rule).toBe("bad_json")
      expect(b!.rejected[0]!.reasons[0]!.message).toMatch(/ends before the array is closed, at element 2/)
      yield* resumesEverywhere(source)
    }),
  )

  it.effect("handles elements split across read chunks and malformed elements", () =>
    Effect.acquireUseRelease(
      Effect.promise(() => mkdtemp(join(tmpdir(), "schoolbridge-json-"))),
      (dir) =>
        Effect.gen(function* () {
          const path = join(dir, "wide.json")
          const rows = Array.from({ length: 40 }, (_, i) => ({ id: i, note: `${"ث".repeat(3000 + i)},]}"` }))
          yield* Effect.promise(() => writeFile(path, JSON.stringify(rows)))
          const source = yield* JsonSource.make({ path })
          const bs = yield* batches(source, null, 7)
          expect(bs.flatMap((b) => b.rows)).toEqual(rows)
          expect(bs.at(-1)!.cursor).toBe(40)

          // A malformed element is rejected alone; the elements after it are still read.
          const bad = join(dir, "bad.json")
          yield* Effect.promise(() => writeFile(bad, '[{"a":1}, {a:2}, , {"a":"x,]"}]'))
          const [b] = yield* batches(yield* JsonSource.make({ path: bad }), null, 10)
          expect(b!.keys).toEqual(["0", "3"])
          expect(b!.rows).toEqual([{ a: 1 }, { a: "x,]" }])
          expect(b!.rejected.map((r) => [r.key, r.reasons[0]!.rule, r.raw])).toEqual([
            ["1", "bad_json", "{a:2}"],
            ["2", "bad_json", ""],
          ])
          expect(b!.rejected[1]!.reasons[0]!.message).toBe("element 2 is not JSON: it is empty")
        }),
      (dir) => Effect.promise(() => rm(dir, { recursive: true, force: true })),
    ),
  )

  it.effect("a file that is not an array fails at make", () =>
    Effect.gen(function* () {
      const e = yield* failure(JsonSource.make({ path: fixture("object.json.txt") }))
      expect(e.reason).toBe("config")
      expect(e.message).toMatch(/object\.json\.txt: is not a JSON array: it starts with "\{/)
      const missing = yield* Effect.either(JsonSource.make({ path: fixture("nope.json") }))
      expect(Either.isLeft(missing)).toBe(true)
    }),
  )
})
