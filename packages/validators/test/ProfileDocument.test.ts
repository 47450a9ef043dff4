import { Effect, Either } from "effect"
import { describe, expect, it } from "vitest"
import { Profile, ProfileDocument, ProfileReport } from "../src/index.js"

const pupils: Omit<ProfileReport.TableProfile, "checks"> = {
  source: "mysql",
  table: "pupils",
  asOf: "2026-11-21",
  entity: "Students",
  rows: 7,
  keyFields: ["id", "normalized email"],
  dateRange: { column: "admitted", min: "2020-02-02", max: "2026-11-22" },
  columns: [
    {
      column: "email",
      type: "varchar",
      nulls: 1,
      empty: 0,
      nullOrEmptyPercent: 14.29,
      distinct: 5,
      distinctAtLeast: false,
      min: " B@School.MY ",
      max: "x@y",
      top: [
        { value: "a@school.my", count: 2 },
        { value: "a|b", count: 1 },
      ],
      topComplete: true,
      dates: null,
    },
    {
      column: "admitted",
      type: "date",
      nulls: 0,
      empty: 0,
      nullOrEmptyPercent: 0,
      distinct: 7,
      distinctAtLeast: true,
      min: "2020-02-02",
      max: "2026-11-22",
      top: [{ value: "2026-01-15", count: 1 }],
      topComplete: false,
      dates: { zero: 0, future: 1, before1900: 0 },
    },
  ],
  duplicates: [{ key: "normalized email", groups: 1, samples: [{ value: "a@school.my", count: 2 }] }],
  invalid: [
    {
      column: "email",
      mode: "full",
      checked: 7,
      valid: 2,
      corrected: 3,
      invalid: 2,
      byReason: { "no @ in the address": 1, "no top-level domain": 1 },
      byChange: { "converted to lower case": 2 },
      samples: [{ key: 3, value: "bad-email", reason: "no @ in the address" }],
    },
  ],
  orphans: [
    {
      name: "guardian",
      columns: ["guardian_id"],
      references: { table: "guardians", columns: ["id"] },
      rows: 3,
      missing: 2,
      samples: [{ key: 3, guardian_id: 99 }],
    },
  ],
  volume: {
    rows: 7,
    dataBytes: 16384,
    indexBytes: 0,
    growth: {
      column: "admitted",
      per: "year",
      from: "2025-11-21",
      to: "2026-11-21",
      rowsInWindow: 3,
      rate: 3,
    },
    projection5y: 22,
  },
  unreadable: {},
}

const people: Omit<ProfileReport.TableProfile, "checks"> = {
  ...pupils,
  source: "csv",
  table: "/data/people.csv",
  entity: null,
  rows: 5,
  keyFields: [],
  dateRange: null,
  columns: [],
  duplicates: [],
  invalid: [],
  orphans: [],
  volume: {
    rows: 5,
    dataBytes: 3_500_000,
    indexBytes: ProfileReport.notMeasured("a file has no indexes"),
    growth: ProfileReport.notMeasured("no date column declared to measure growth (option `growth`)"),
    projection5y: ProfileReport.notMeasured("no date column declared to measure growth (option `growth`)"),
  },
  unreadable: { ragged_row: 1 },
}

const report = (): ProfileReport.ProfileReport => ({
  version: 1,
  title: "Legacy SIS profile",
  generatedAt: "2026-11-21T08:00:00.000Z",
  asOf: "2026-11-21",
  tables: [
    { ...pupils, checks: Profile.findings(pupils) },
    { ...people, checks: Profile.findings(people) },
  ],
})

describe("ProfileReport JSON", () => {
  it("round-trips through the exported Schema and refuses a malformed report", async () => {
    const r = report()
    expect(await Effect.runPromise(ProfileReport.fromJson(ProfileReport.toJson(r)))).toEqual(r)
    const bad = JSON.parse(ProfileReport.toJson(r))
    bad.tables[0].volume.dataBytes = "big"
    expect(
      Either.isLeft(await Effect.runPromise(Effect.either(ProfileReport.fromJson(JSON.stringify(bad))))),
    ).toBe(true)
  })
})

describe("ProfileDocument forecast", () => {
  const forecast: ReadonlyArray<ProfileReport.EntityForecast> = [
    {
      entity: "legacy-sis.students",
      read: 10,
      load: 7,
      rejected: 2,
      skipped: 1,
      causes: [
        {
          kind: "rejected",
          column: "name",
          rule: "person_name",
          rows: 2,
          samples: [{ key: "4", message: "missing" }],
        },
        {
          kind: "skipped",
          column: null,
          rule: "merged into student",
          rows: 1,
          samples: [{ key: "9", message: "merged into student 3" }],
        },
        {
          kind: "note",
          column: "phone",
          rule: "phone",
          rows: 3,
          samples: [{ key: "5", message: "012-345 is not a number; stored as empty" }],
        },
      ],
    },
  ]

  it("tells what the run will do, the rows it will not load by cause apart from the values it will change", async () => {
    const r = { ...report(), forecast }
    expect(await Effect.runPromise(ProfileReport.fromJson(ProfileReport.toJson(r)))).toEqual(r)
    const lines = ProfileDocument.markdown(r).split("\n")
    const at = lines.indexOf("## What the run will do")
    expect(at).toBeGreaterThan(0)
    expect(lines).toContain("| legacy-sis.students | 10 | 7 | 2 | 1 |")
    const notLoaded = lines.indexOf("### Rows not loaded, by cause")
    const changed = lines.indexOf("### Values the run will change or set aside, by rule")
    expect(lines.slice(notLoaded + 4, notLoaded + 6)).toEqual([
      "| legacy-sis.students | rejected | name | person_name | 2 | 4: missing |",
      "| legacy-sis.students | skipped | — | merged into student | 1 | 9: merged into student 3 |",
    ])
    expect(lines[changed + 4]).toBe(
      "| legacy-sis.students | note | phone | phone | 3 | 5: 012-345 is not a number; stored as empty |",
    )
  })

  it("says why there is no forecast", () => {
    const md = ProfileDocument.markdown({ ...report(), forecastMissing: "these mappers read the portal" })
    expect(md).toContain("No forecast: these mappers read the portal.")
  })
})

describe("ProfileDocument.markdown", () => {
  const md = ProfileDocument.markdown(report())
  const lines = md.split("\n")

  it("fills seed 001's data inventory, one row per source", () => {
    const at = lines.indexOf("## Data inventory")
    expect(lines.slice(at + 2, at + 6)).toEqual([
      "| Source entity | Source | Record count | Date range | Key fields | Quality issues |",
      "|---|---|---|---|---|---|",
      "| Students | mysql pupils | 7 | 2020-02-02 → 2026-11-22 (admitted) | id, normalized email | 1 value(s) of normalized email occur more than once; 2 of 7 checked email value(s) invalid, 3 corrected; admitted: 0 zero, 1 in the future, 0 before 1900; 3 row(s) point at 2 missing guardians.id value(s) |",
      "| /data/people.csv | csv /data/people.csv | 5 | — | — | 1 record(s) could not be read (ragged_row) |",
    ])
  })

  it("fills the data-volume table, with n/a and the reason where nothing can be measured", () => {
    const at = lines.indexOf("## Data volume estimation")
    expect(lines.slice(at + 4, at + 8)).toEqual([
      "| Entity | Current records | Data size | Index size | Growth rate | 5-year projection |",
      "|---|---|---|---|---|---|",
      "| Students | 7 | 16 KiB | 0 B | 3 /year (admitted, 2025-11-21 → 2026-11-21) | 22 |",
      "| /data/people.csv | 5 | 3.3 MiB | n/a (a file has no indexes) | n/a (no date column declared to measure growth (option `growth`)) | n/a (no date column declared to measure growth (option `growth`)) |",
    ])
  })

  it("shows each column's figures, capped counts as ≥ N, and escapes pipes", () => {
    expect(md).toContain(
      "| email | varchar | 14.29% | 1 | 0 | 5 |  B@School.MY  | x@y | a@school.my (2), a\\|b (1) | — |",
    )
    expect(md).toContain(
      "| admitted | date | 0% | 0 | 0 | ≥ 7 | 2020-02-02 | 2026-11-22 | 2026-01-15 (1) (of the values counted) | 0 zero, 1 future, 0 before 1900 |",
    )
    expect(md).toContain(
      "| email | all | 7 | 2 | 3 | 2 | no @ in the address: 1; no top-level domain: 1 | converted to lower case: 2 |",
    )
    expect(md).toContain("| guardian | pupils.guardian_id | guardians.id | 3 | 2 |")
    expect(md).toContain("| relationship | key | guardian_id |")
    expect(md).toContain(
      "| FAIL | profile:pupils:orphans:guardian | 3 | 3 row(s) point at 2 missing guardians.id value(s) |",
    )
    // every table row has as many unescaped pipes as its header
    for (const block of md.split("\n\n").filter((b) => b.startsWith("|"))) {
      const counts = block
        .split("\n")
        .filter((l) => l.length > 0)
        .map((l) => l.replace(/\\\|/g, "").split("|").length)
      expect(new Set(counts).size).toBe(1)
    }
  })
})

describe("ProfileDocument.html", () => {
  it("is one self-contained page with the same tables, escaped", () => {
    const r = report()
    const withMarkup: ProfileReport.ProfileReport = { ...r, title: "<script>alert(1)</script>" }
    const html = ProfileDocument.html(withMarkup)
    expect(html).toContain("<title>&lt;script&gt;alert(1)&lt;/script&gt;</title>")
    expect(html).not.toContain("<script>")
    expect(html).toContain("default-src 'none'")
    expect(html).toContain("<h2>Data inventory</h2>")
    expect(html).toContain("<td>n/a (a file has no indexes)</td>")
    expect((html.match(/<table>/g) ?? []).length).toBe(
      (ProfileDocument.markdown(r).match(/\n\|---/g) ?? []).length,
    )
  })
})

describe("Profile.findings", () => {
  it("makes one check per finding: duplicates and orphans critical, the rest warnings", () => {
    expect(Profile.findings(pupils).map((c) => [c.id, c.severity, c.passed, c.failingRows])).toEqual([
      ["profile:pupils:duplicates:normalized email", "critical", false, 2],
      ["profile:pupils:invalid:email", "warning", false, 2],
      ["profile:pupils:dates:admitted", "warning", false, 1],
      ["profile:pupils:orphans:guardian", "critical", false, 3],
    ])
    expect(Profile.findings(pupils, { guardian: "warning" })[3]!.severity).toBe("warning")
    const clean = Profile.findings({ ...people, unreadable: { ragged_row: 0 } })
    expect(clean.map((c) => c.passed)).toEqual([true])
  })
})
