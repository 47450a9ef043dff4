import { Effect, Either } from "effect"
import { describe, expect, it } from "vitest"
import { CountParity, CsvReport, FieldSample, HtmlReport, MarkdownReport, Report } from "../src/index.js"
import { nasty, sampleReport } from "./fixtures/Reports.js"

describe("JSON", () => {
  it("round-trips through the exported Schema and refuses a malformed report", async () => {
    const r = sampleReport()
    expect(await Effect.runPromise(Report.fromJson(Report.toJson(r)))).toEqual(r)
    const bad = JSON.parse(Report.toJson(r))
    bad.checks[0].severity = "fatal"
    const result = await Effect.runPromise(Effect.either(Report.fromJson(JSON.stringify(bad))))
    expect(Either.isLeft(result)).toBe(true)
  })
})

describe("Markdown", () => {
  it("puts the verdict first and keeps tables intact", () => {
    const md = MarkdownReport.render(sampleReport())
    expect(md.split("\n")[0]).toMatch(/^# Cutover rehearsal .*: NO-GO$/)
    expect(md.indexOf("## Failures")).toBeLessThan(md.indexOf("## Rows per entity"))
    expect(md).toContain("`schoolbridge-migrate rollback --run 7`")
    // every table row has the same number of unescaped pipes as its header
    for (const block of md.split("\n\n").filter((b) => b.startsWith("|"))) {
      const counts = block
        .split("\n")
        .filter((l) => l.length > 0)
        .map((l) => l.replace(/\\\|/g, "").split("|").length)
      expect(new Set(counts).size).toBe(1)
    }
  })
})

describe("CSV", () => {
  it("has one row per check and quotes what needs it", () => {
    const csv = CsvReport.render(sampleReport())
    const lines = csv.trimEnd().split("\r\n")
    expect(lines[0]).toBe(
      "id,kind,title,entity,tenant,severity,passed,observed,expected,failing_rows,samples,detail",
    )
    // the nasty detail holds a newline, so it is quoted and spans two physical lines
    expect(csv).toContain(`"${nasty.replace(/"/g, '""')}"`)
    expect(lines[1]).toMatch(
      /^count-parity:invoices,count-parity,Row count of invoices,invoices,,critical,false,158,159,1,/,
    )
    expect(csv.match(/^(count-parity|domain|checksum):/gm)).toHaveLength(3)
  })

  it("defuses text a spreadsheet would run as a formula", () => {
    const r = sampleReport()
    const csv = CsvReport.render({ ...r, checks: [{ ...r.checks[0]!, detail: "=HYPERLINK(1)" }] })
    expect(csv).toContain(",'=HYPERLINK(1)")
  })
})

describe("HTML", () => {
  it("escapes everything and loads nothing", () => {
    const html = HtmlReport.render(sampleReport())
    expect(html).not.toContain("<script")
    expect(html).toContain("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;")
    expect(html).not.toMatch(/\b(src|href)=/)
    expect(html).not.toMatch(/https?:\/\/(?!www\.w3\.org\/2000\/svg)/)
    expect(html).toContain("default-src 'none'")
    const order = ['id="verdict"', 'id="failures"', 'id="entities"', "<svg", 'id="checks"'].map((s) =>
      html.indexOf(s),
    )
    expect(order.every((p, i) => p >= 0 && (i === 0 || p > order[i - 1]!))).toBe(true)
  })

  it("draws one pair of bars per entity", () => {
    const svg = HtmlReport.chart(sampleReport().entities)
    expect(svg.match(/<rect [^>]*height="12"/g)).toHaveLength(4)
    expect(svg).toContain("#cf222e") // invoices: 158 loaded, 159 expected
  })
})

describe("CountParity", () => {
  const figures = (source: Array<[string, number]>, target: Array<[string, number]>) => ({
    entity: "e",
    source: new Map(source),
    target: new Map(target),
    ledger: null,
  })

  it("allows the tolerance rounded down", () => {
    expect(CountParity.allowance(999, 0.001)).toBe(0)
    expect(CountParity.allowance(2500, 0.001)).toBe(2)
    const checks = CountParity.checks(figures([["1", 2500]], [["1", 2498]]))
    expect(checks.map((c) => c.passed)).toEqual([true, true])
    const off = CountParity.checks(figures([["1", 2500]], [["1", 2497]]))
    expect(off.map((c) => c.passed)).toEqual([false, false])
  })

  it("reports a tenant only the target has", () => {
    const checks = CountParity.checks(
      figures(
        [["1", 5]],
        [
          ["1", 5],
          ["3", 1],
        ],
      ),
    )
    expect(checks.find((c) => c.tenant === "3")).toMatchObject({ passed: false, observed: 1, expected: 0 })
  })
})

describe("FieldSample.normalize", () => {
  it("treats equal numbers, dates and timestamps as equal", () => {
    expect(FieldSample.same("12.30", 12.3)).toBe(true)
    expect(FieldSample.same("2024-01-02 08:30:00", "2024-01-02T08:30:00")).toBe(true)
    expect(FieldSample.same("2024-01-02", "2024-01-02T00:00:00")).toBe(true)
    expect(FieldSample.same(null, undefined)).toBe(true)
    expect(FieldSample.same("", null)).toBe(false)
    expect(FieldSample.same("12.31", 12.3)).toBe(false)
  })
})
