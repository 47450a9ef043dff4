import { mkdtemp, rm, writeFile } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { Email } from "@schoolbridge/cleansers"
import { CsvSource, JsonSource, NdjsonSource } from "@schoolbridge/connectors"
import { Effect } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { FileProfile } from "../src/index.js"

let dir: string
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "fileprofile-"))
})
afterAll(() => rm(dir, { recursive: true, force: true }))

const file = async (name: string, text: string) => {
  const path = join(dir, name)
  await writeFile(path, text)
  return path
}

// Line 6 (id 5) is ragged; email has a duplicate in two spellings, a blank, and a bad address;
// dob a future, a pre-1900 and a zero date; fee mixes numbers and text; note has two blanks.
const csv = [
  "id,email,dob,fee,note",
  "1,a@school.my,2012-03-04,10.50,",
  "2, A@School.my ,2099-01-01,7,x",
  "3,not-an-email,1850-06-01,abc,   ",
  "4,,0000-00-00,12,x",
  "5,b@school.my,2011-01-01,3.25",
  "6,b@school.my,,100,y",
  "",
].join("\n")

describe("FileProfile.profile over a CSV source", () => {
  it("profiles every column in one streaming pass, with exact figures", async () => {
    const path = await file("people.csv", csv)
    const p = await Effect.runPromise(
      Effect.flatMap(CsvSource.make({ path, keyColumn: "id" }), (source) =>
        FileProfile.profile(source, {
          kind: "csv",
          path,
          entity: "Students",
          key: "id",
          asOf: "2026-11-21",
          batchSize: 2,
          uniqueKeys: [
            {
              name: "normalized email",
              of: (r) => (typeof r.email === "string" ? r.email.trim().toLowerCase() : null),
            },
          ],
          cleansers: [{ column: "email", clean: (v) => Email.clean(v) }],
        }),
      ),
    )
    expect(p).toMatchObject({
      source: "csv",
      table: path,
      entity: "Students",
      rows: 5,
      keyFields: ["id", "normalized email"],
      unreadable: { ragged_row: 1 },
      dateRange: { column: "dob", min: "1850-06-01", max: "2099-01-01" },
      orphans: [],
    })
    const col = (name: string) => p.columns.find((c) => c.column === name)!
    expect(p.columns.map((c) => [c.column, c.type])).toEqual([
      ["id", "integer"],
      ["email", "text"],
      ["dob", "date"],
      ["fee", "mixed"],
      ["note", "text"],
    ])
    expect(col("id")).toMatchObject({
      nulls: 0,
      empty: 0,
      distinct: 5,
      distinctAtLeast: false,
      min: "1",
      max: "6",
    })
    expect(col("email")).toEqual({
      column: "email",
      type: "text",
      nulls: 0,
      empty: 1,
      nullOrEmptyPercent: 20,
      distinct: 5,
      distinctAtLeast: false,
      min: " A@School.my ",
      max: "not-an-email",
      top: [
        { value: "", count: 1 },
        { value: " A@School.my ", count: 1 },
        { value: "a@school.my", count: 1 },
        { value: "b@school.my", count: 1 },
        { value: "not-an-email", count: 1 },
      ],
      topComplete: true,
      dates: null,
    })
    expect(col("dob")).toMatchObject({ empty: 1, distinct: 5, dates: { zero: 1, future: 1, before1900: 1 } })
    // mixed: text order
    expect(col("fee")).toMatchObject({ min: "10.50", max: "abc" })
    expect(col("note")).toMatchObject({ empty: 2, nullOrEmptyPercent: 40, distinct: 4 })
    expect(col("note").top[0]).toEqual({ value: "x", count: 2 })
    expect(p.duplicates).toEqual([
      { key: "normalized email", groups: 1, samples: [{ value: "a@school.my", count: 2 }] },
    ])
    expect(p.invalid).toEqual([
      {
        column: "email",
        mode: "full",
        checked: 5,
        valid: 3,
        corrected: 1,
        invalid: 1,
        byReason: { "no @ in the address": 1 },
        byChange: { "trimmed spaces": 1, "converted to lower case": 1 },
        samples: [{ key: "3", value: "not-an-email", reason: "no @ in the address" }],
      },
    ])
    expect(p.volume).toEqual({
      rows: 5,
      dataBytes: Buffer.byteLength(csv),
      indexBytes: { notMeasured: "a file has no indexes" },
      growth: { notMeasured: "no date column declared to measure growth (option `growth`)" },
      projection5y: { notMeasured: "no date column declared to measure growth (option `growth`)" },
    })
    expect(p.checks.filter((c) => !c.passed).map((c) => [c.id, c.severity, c.observed])).toEqual([
      [`profile:${path}:duplicates:normalized email`, "critical", 1],
      [`profile:${path}:invalid:email`, "warning", 1],
      [`profile:${path}:dates:dob`, "warning", 3],
      [`profile:${path}:unreadable:ragged_row`, "warning", 1],
    ])
  })

  it("caps distinct values and says so: ≥ N, with the top values of those counted", async () => {
    const lines = ["v,same"]
    for (let i = 0; i < 1000; i++) lines.push(`${i % 300},x`)
    const path = await file("many.csv", `${lines.join("\n")}\n`)
    const p = await Effect.runPromise(
      Effect.flatMap(CsvSource.make({ path }), (source) =>
        FileProfile.profile(source, {
          kind: "csv",
          path,
          asOf: "2026-11-21",
          distinctCap: 100,
          duplicateCap: 50,
          uniqueKeys: [{ name: "v", of: (r) => r.v }],
        }),
      ),
    )
    expect(p.rows).toBe(1000)
    const v = p.columns.find((c) => c.column === "v")!
    expect(v).toMatchObject({
      distinct: 100,
      distinctAtLeast: true,
      topComplete: false,
      min: "0",
      max: "299",
    })
    expect(v.top).toEqual([0, 1, 2, 3, 4].map((n) => ({ value: String(n), count: 4 })))
    expect(p.columns.find((c) => c.column === "same")).toMatchObject({
      distinct: 1,
      distinctAtLeast: false,
      top: [{ value: "x", count: 1000 }],
    })
    // only the first 50 values are remembered: their duplicates are exact, the rest unseen
    expect(p.duplicates[0]!.groups).toBe(50)
    expect(p.checks[0]!.detail).toBe(
      "50 value(s) of v occur more than once (at least: only the first 50 values were remembered)",
    )
  })
})

describe("FileProfile.profile over NDJSON and JSON sources", () => {
  const records = [
    { id: 1, score: 90, tags: ["a"], when: "2026-05-01" },
    { id: 2, score: 85.5, when: "2026-06-01T10:00:00Z" },
    { id: 3, score: null, when: "2020-01-01" },
    { id: 4, score: "90", extra: true },
  ]

  it("counts missing fields as null, keeps JSON's types apart and measures growth", async () => {
    const text = `${records
      .slice(0, 3)
      .map((r) => JSON.stringify(r))
      .join("\n")}\nnot json\n${JSON.stringify(records[3])}\n`
    const path = await file("marks.ndjson", text)
    const p = await Effect.runPromise(
      Effect.flatMap(NdjsonSource.make({ path, keyColumn: "id" }), (source) =>
        FileProfile.profile(source, {
          kind: "ndjson",
          path,
          asOf: "2026-11-21",
          growth: { column: "when", per: "year" },
        }),
      ),
    )
    expect(p).toMatchObject({ rows: 4, unreadable: { bad_json: 1 } })
    const col = (name: string) => p.columns.find((c) => c.column === name)!
    expect(col("id")).toMatchObject({ type: "integer", distinct: 4, min: 1, max: 4 })
    // 90 and "90" are different values in JSON; the range is numeric
    expect(col("score")).toMatchObject({ type: "number", nulls: 1, distinct: 3, min: 85.5, max: 90 })
    expect(col("score").top).toEqual([
      { value: null, count: 1 },
      { value: 85.5, count: 1 },
      { value: 90, count: 1 },
      { value: "90", count: 1 },
    ])
    expect(col("tags")).toMatchObject({
      type: "json",
      nulls: 3,
      distinct: 1,
      nullOrEmptyPercent: 75,
      min: '["a"]',
    })
    expect(col("when")).toMatchObject({
      type: "date",
      nulls: 1,
      min: "2020-01-01",
      max: "2026-06-01T10:00:00Z",
      dates: { zero: 0, future: 0, before1900: 0 },
    })
    expect(col("extra")).toMatchObject({
      type: "boolean",
      nulls: 3,
      top: [
        { value: null, count: 3 },
        { value: true, count: 1 },
      ],
    })
    expect(p.volume).toMatchObject({
      rows: 4,
      growth: { column: "when", per: "year", from: "2025-11-21", to: "2026-11-21", rowsInWindow: 2, rate: 2 },
      projection5y: 14,
    })
    expect(p.checks.filter((c) => !c.passed).map((c) => c.id)).toEqual([
      `profile:${path}:unreadable:bad_json`,
    ])
  })

  it("reads a JSON array file the same way", async () => {
    const path = await file("marks.json", JSON.stringify(records))
    const p = await Effect.runPromise(
      Effect.flatMap(JsonSource.make({ path }), (source) =>
        FileProfile.profile(source, { kind: "json", path, asOf: "2026-11-21" }),
      ),
    )
    expect(p).toMatchObject({ source: "json", rows: 4, unreadable: {} })
    expect(p.columns.find((c) => c.column === "score")).toMatchObject({ nulls: 1, distinct: 3 })
    expect(p.checks.every((c) => c.passed)).toBe(true)
  })
})

describe("FileProfile orphans", () => {
  it("checks a child field against the parent file's keys, with samples; absent values count as null", async () => {
    const parentPath = await file("guardians.csv", "id,name\n10,Aminah\n11,Bakar\n12,Chong\n")
    const childPath = await file("pupils.csv", "id,guardian_id\n1,10\n2,99\n3,0\n4,\n5,98\n6,99\n7,12\n")
    const run = (cap?: number) =>
      Effect.runPromise(
        Effect.gen(function* () {
          const parents = yield* FileProfile.keys(yield* CsvSource.make({ path: parentPath }), "id")
          const source = yield* CsvSource.make({ path: childPath, keyColumn: "id" })
          return yield* FileProfile.profile(source, {
            kind: "csv",
            path: childPath,
            asOf: "2026-11-21",
            ...(cap === undefined ? {} : { duplicateCap: cap }),
            relationships: [
              {
                name: "guardian",
                column: "guardian_id",
                references: { table: "guardians.csv", column: "id" },
                parents,
                absent: ["0"],
              },
            ],
          })
        }),
      )
    const p = await run()
    expect(p.orphans).toEqual([
      {
        name: "guardian",
        columns: ["guardian_id"],
        references: { table: "guardians.csv", columns: ["id"] },
        rows: 3,
        missing: 2,
        samples: [
          { key: "2", guardian_id: "99" },
          { key: "5", guardian_id: "98" },
          { key: "6", guardian_id: "99" },
        ],
      },
    ])
    const check = p.checks.find((c) => c.id === `profile:${childPath}:orphans:guardian`)!
    expect(check).toMatchObject({ passed: false, severity: "critical", observed: 3, failingRows: 3 })
    const capped = await run(1)
    expect(capped.orphans[0]).toMatchObject({ rows: 3, missing: 1 })
    expect(capped.checks.find((c) => c.id === check.id)!.detail).toBe(
      "3 row(s) point at 1 missing guardians.csv.id value(s) (at least: only the first 1 values were remembered)",
    )
  })
})
