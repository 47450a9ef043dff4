import type * as Check from "../Check.js"
import { type Measured, type ProfileReport, showMeasured, type TableProfile } from "../ProfileReport.js"
import { css, escapeHtml } from "./Html.js"
import { table as markdownTable, text as markdownText } from "./Markdown.js"
import { sampleColumns, show, status } from "./Text.js"

/** One piece of the profile document, rendered the same way in every format. */
export type Block =
  | { readonly _tag: "Heading"; readonly level: 1 | 2 | 3; readonly text: string }
  | { readonly _tag: "Paragraph"; readonly text: string }
  | {
      readonly _tag: "Table"
      readonly head: ReadonlyArray<string>
      readonly rows: ReadonlyArray<ReadonlyArray<string>>
    }

const heading = (level: 1 | 2 | 3, text: string): Block => ({ _tag: "Heading", level, text })
const paragraph = (text: string): Block => ({ _tag: "Paragraph", text })
const grid = (head: ReadonlyArray<string>, rows: ReadonlyArray<ReadonlyArray<string>>): Block => ({
  _tag: "Table",
  head,
  rows,
})

/** Bytes as B, KiB, MiB or GiB; n/a figures keep their reason. */
export const bytes = (m: Measured): string => {
  if (typeof m !== "number") return showMeasured(m)
  const units = ["B", "KiB", "MiB", "GiB", "TiB"]
  let n = m
  let u = 0
  while (n >= 1024 && u < units.length - 1) {
    n /= 1024
    u++
  }
  return u === 0 ? `${n} B` : `${Math.round(n * 10) / 10} ${units[u]}`
}

const name = (t: TableProfile) => t.entity ?? t.table

/** What is wrong with a table, one phrase per failed check, for the inventory's last column. */
export const qualityIssues = (t: TableProfile): string => {
  const failed = t.checks.filter((c) => !c.passed)
  return failed.length === 0 ? "none found" : failed.map((c) => c.detail).join("; ")
}

const growth = (t: TableProfile) => {
  const g = t.volume.growth
  return "notMeasured" in g ? showMeasured(g) : `${g.rate} /${g.per} (${g.column}, ${g.from} → ${g.to})`
}

const samplesTable = (samples: ReadonlyArray<Check.Sample>): Array<Block> => {
  const cols = sampleColumns(samples)
  return cols.length === 0
    ? []
    : [
        grid(
          cols,
          samples.map((s) => cols.map((k) => show(s[k]))),
        ),
      ]
}

const counts = (r: Readonly<Record<string, number>>) =>
  Object.entries(r)
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .map(([k, n]) => `${k}: ${n}`)
    .join("; ") || "—"

const tableBlocks = (t: TableProfile): Array<Block> => [
  heading(3, `${name(t)}${t.entity === null ? "" : ` (${t.table})`}`),
  paragraph(`${t.source} source, ${t.rows} row(s).`),
  grid(
    [
      "column",
      "type",
      "null/empty %",
      "nulls",
      "blank",
      "distinct",
      "min",
      "max",
      "top values",
      "date anomalies",
    ],
    t.columns.map((c) => [
      c.column,
      c.type,
      `${c.nullOrEmptyPercent}%`,
      String(c.nulls),
      String(c.empty),
      `${c.distinctAtLeast ? "≥ " : ""}${c.distinct}`,
      show(c.min),
      show(c.max),
      `${c.top.map((v) => `${show(v.value)} (${v.count})`).join(", ")}${c.topComplete ? "" : " (of the values counted)"}`,
      c.dates === null
        ? "—"
        : `${c.dates.zero} zero, ${c.dates.future} future, ${c.dates.before1900} before 1900`,
    ]),
  ),
  ...(t.duplicates.length === 0
    ? []
    : [
        paragraph("Duplicates on declared keys:"),
        grid(
          ["key", "values repeated", "most repeated"],
          t.duplicates.map((d) => [
            d.key,
            String(d.groups),
            d.samples.map((s) => `${show(s.value)} ×${show(s.count)}`).join(", ") || "—",
          ]),
        ),
      ]),
  ...(t.invalid.length === 0
    ? []
    : [
        paragraph("Cleansers:"),
        grid(
          [
            "column",
            "rows read",
            "checked",
            "valid",
            "corrected",
            "invalid",
            "invalid by reason",
            "corrections",
          ],
          t.invalid.map((v) => [
            v.column,
            v.mode === "full" ? "all" : "sample",
            String(v.checked),
            String(v.valid),
            String(v.corrected),
            String(v.invalid),
            counts(v.byReason),
            counts(v.byChange),
          ]),
        ),
        ...samplesTable(t.invalid.flatMap((v) => v.samples.map((s) => ({ column: v.column, ...s })))),
      ]),
  ...(t.orphans.length === 0
    ? []
    : [
        paragraph("Orphans of declared relationships:"),
        grid(
          ["relationship", "child", "parent", "orphan rows", "missing parents"],
          t.orphans.map((o) => [
            o.name,
            `${t.table}.${o.columns.join(", ")}`,
            `${o.references.table}.${o.references.columns.join(", ")}`,
            String(o.rows),
            String(o.missing),
          ]),
        ),
        ...samplesTable(t.orphans.flatMap((o) => o.samples.map((s) => ({ relationship: o.name, ...s })))),
      ]),
  ...(Object.keys(t.unreadable).length === 0
    ? []
    : [paragraph(`Unreadable records: ${counts(t.unreadable)}.`)]),
  grid(
    ["status", "check", "observed", "detail"],
    t.checks.map((c) => [status(c), c.id, show(c.observed), c.detail]),
  ),
]

const forecastBlocks = (report: ProfileReport): Array<Block> => {
  if (report.forecast === undefined)
    return report.forecastMissing === undefined
      ? []
      : [heading(2, "What the run will do"), paragraph(`No forecast: ${report.forecastMissing}.`)]
  const causes = report.forecast.flatMap((f) =>
    f.causes.filter((c) => c.kind !== "note").map((c) => ({ entity: f.entity, ...c })),
  )
  const notes = report.forecast.flatMap((f) =>
    f.causes.filter((c) => c.kind === "note").map((c) => ({ entity: f.entity, ...c })),
  )
  const cause = (c: (typeof causes)[number]) => [
    c.entity,
    c.kind,
    c.column ?? "—",
    c.rule,
    String(c.rows),
    c.samples.map((x) => `${x.key}: ${x.message}`).join("; "),
  ]
  return [
    heading(2, "What the run will do"),
    paragraph(
      "Each entity's own mappers run over every source row, nothing written: the rows it would load, reject and skip, and why. Rows refused at load because their parent row is not there come on top.",
    ),
    grid(
      ["Entity", "Read", "Load", "Rejected", "Skipped"],
      report.forecast.map((f) => [
        f.entity,
        String(f.read),
        String(f.load),
        String(f.rejected),
        String(f.skipped),
      ]),
    ),
    ...(causes.length === 0
      ? []
      : [
          heading(3, "Rows not loaded, by cause"),
          grid(["Entity", "Kind", "Column", "Rule", "Rows", "Examples"], causes.map(cause)),
        ]),
    ...(notes.length === 0
      ? []
      : [
          heading(3, "Values the run will change or set aside, by rule"),
          grid(["Entity", "Kind", "Column", "Rule", "Rows", "Examples"], notes.map(cause)),
        ]),
  ]
}

/**
 * The profile as blocks, in the order of seed 001 §3.2's data-profiling template: the data
 * inventory, the quality assessment per table, and the data-volume estimation.
 */
export const blocks = (report: ProfileReport): Array<Block> => [
  heading(1, report.title),
  paragraph(`Generated ${report.generatedAt}; dates and growth measured as of ${report.asOf}.`),
  heading(2, "Data inventory"),
  grid(
    ["Source entity", "Source", "Record count", "Date range", "Key fields", "Quality issues"],
    report.tables.map((t) => [
      name(t),
      `${t.source} ${t.table}`,
      String(t.rows),
      t.dateRange === null
        ? "—"
        : `${show(t.dateRange.min)} → ${show(t.dateRange.max)} (${t.dateRange.column})`,
      t.keyFields.join(", ") || "—",
      qualityIssues(t),
    ]),
  ),
  heading(2, "Data quality assessment"),
  ...report.tables.flatMap(tableBlocks),
  ...forecastBlocks(report),
  heading(2, "Data volume estimation"),
  paragraph(
    "Growth counts the rows dated in the year up to the as-of date; the projection adds five such years to today's rows.",
  ),
  grid(
    ["Entity", "Current records", "Data size", "Index size", "Growth rate", "5-year projection"],
    report.tables.map((t) => [
      name(t),
      String(t.volume.rows),
      bytes(t.volume.dataBytes),
      bytes(t.volume.indexBytes),
      growth(t),
      showMeasured(t.volume.projection5y),
    ]),
  ),
]

/** The profile as Markdown: seed 001's data-profiling template, filled in. */
export const markdown = (report: ProfileReport): string =>
  `${blocks(report)
    .map((b) =>
      b._tag === "Heading"
        ? `${"#".repeat(b.level)} ${markdownText(b.text)}`
        : b._tag === "Paragraph"
          ? markdownText(b.text)
          : markdownTable(b.head, b.rows),
    )
    .join("\n\n")}\n`

/** The profile as one self-contained HTML page, styled like the validation report. */
export const html = (report: ProfileReport): string => {
  const body = blocks(report)
    .map((b) =>
      b._tag === "Heading"
        ? `<h${b.level}>${escapeHtml(b.text)}</h${b.level}>`
        : b._tag === "Paragraph"
          ? `<p>${escapeHtml(b.text)}</p>`
          : `<table><thead><tr>${b.head.map((h) => `<th>${escapeHtml(h)}</th>`).join("")}</tr></thead><tbody>${b.rows
              .map((r) => `<tr>${r.map((c) => `<td>${escapeHtml(c)}</td>`).join("")}</tr>`)
              .join("")}</tbody></table>`,
    )
    .join("\n")
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(report.title)}</title>
<style>${css}</style>
</head>
<body>
${body}
</body>
</html>
`
}
