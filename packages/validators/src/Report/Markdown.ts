import type * as Check from "../Check.js"
import type { Report } from "../Report.js"
import { failuresFirst, percent, sampleColumns, show, status } from "./Text.js"

/** Text on one line, with markup shown rather than rendered by the ticket system. */
export const text = (s: string) => s.replace(/\r?\n/g, " ").replace(/</g, "&lt;").replace(/>/g, "&gt;")
// A table cell: pipes would end the cell.
const cell = (s: string) => text(s).replace(/\\/g, "\\\\").replace(/\|/g, "\\|")

/** A Markdown table whose cells cannot break it (pipes escaped, markup shown, one line each). */
export const table = (head: ReadonlyArray<string>, rows: ReadonlyArray<ReadonlyArray<string>>) =>
  [
    `| ${head.map(cell).join(" | ")} |`,
    `|${head.map(() => "---").join("|")}|`,
    ...rows.map((r) => `| ${r.map(cell).join(" | ")} |`),
  ].join("\n")

const samples = (c: Check.Check) => {
  const cols = sampleColumns(c.samples)
  return cols.length === 0
    ? ""
    : `\n\n${table(
        cols,
        c.samples.map((s) => cols.map((k) => show(s[k]))),
      )}`
}

/** The report as Markdown, for a ticket: verdict first, then failures with samples, counts, every check. */
export const render = (report: Report): string => {
  const d = report.decision
  const failures = report.checks.filter((c) => !c.passed)
  const lines = [
    `# ${text(report.title)}: ${d.verdict === "go" ? "GO" : "NO-GO"}`,
    "",
    `Generated ${report.generatedAt}${report.runId === null ? "" : `, run ${report.runId}`}.`,
    "",
    `- Critical checks: ${d.criticalTotal - d.criticalFailed} of ${d.criticalTotal} passed`,
    `- Warnings: ${d.warningPassed} of ${d.warningTotal} passed (${percent(d.warningPassRate)}, ${percent(d.warningPassRateRequired)} required)`,
    `- Rows at fault: ${percent(d.failingRowRate)}`,
    `- Recommendation: **${d.recommendation.action}**: ${text(d.recommendation.reason)}`,
    ...d.recommendation.commands.map((c) => `  - \`${c.replace(/`/g, "'")}\``),
    ...d.triggers.map((t) => `- Trigger "${t.title}": ${t.fired ? "FIRED" : "not fired"}`),
    "",
    "## Failures",
    "",
    failures.length === 0
      ? "None."
      : failures
          .map(
            (c) =>
              `### ${status(c)} ${text(c.title)}\n\n\`${c.id}\` (${c.severity}): ${text(c.detail)}${samples(c)}`,
          )
          .join("\n\n"),
    "",
    "## Rows per entity",
    "",
    table(
      ["entity", "source", "target", "read", "loaded", "rejected", "skipped"],
      report.entities.map((e) =>
        [e.entity, e.source, e.target, e.read, e.loaded, e.rejected, e.skipped].map(show),
      ),
    ),
    "",
    "## All checks",
    "",
    table(
      ["status", "id", "severity", "observed", "expected", "detail"],
      failuresFirst(report.checks).map((c) => [
        status(c),
        c.id,
        c.severity,
        show(c.observed),
        show(c.expected),
        c.detail,
      ]),
    ),
    "",
  ]
  return lines.join("\n")
}
