import type { Report } from "../Report.js"

const header = [
  "id",
  "kind",
  "title",
  "entity",
  "tenant",
  "severity",
  "passed",
  "observed",
  "expected",
  "failing_rows",
  "samples",
  "detail",
] as const

// RFC 4180 quoting, and a leading quote on text a spreadsheet would run as a formula.
const field = (v: string | number | boolean | null): string => {
  if (v === null) return ""
  let s = String(v)
  if (typeof v === "string" && /^[=+\-@\t\r]/.test(s)) s = `'${s}`
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s
}

/** The report as CSV: one row per check, samples as a JSON array in one column. */
export const render = (report: Report): string =>
  [
    header.join(","),
    ...report.checks.map((c) =>
      [
        c.id,
        c.kind,
        c.title,
        c.entity,
        c.tenant,
        c.severity,
        c.passed,
        c.observed,
        c.expected,
        c.failingRows,
        c.samples.length === 0 ? null : JSON.stringify(c.samples),
        c.detail,
      ]
        .map(field)
        .join(","),
    ),
  ].join("\r\n") + "\r\n"
