import type * as Check from "../Check.js"
import type { EntityCounts, Report } from "../Report.js"
import { failuresFirst, percent, sampleColumns, show, status } from "./Text.js"

/** Escapes text for HTML element content and quoted attribute values. */
export const escapeHtml = (s: string): string =>
  s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!)

/** The style sheet of the report pages, shared by the profile page. */
export const css = `
*{box-sizing:border-box}
body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0 auto;max-width:1200px;padding:24px;color:#1b1f24;background:#fff}
h1{font-size:22px;margin:0 0 12px}h2{font-size:18px;margin:32px 0 8px;border-bottom:1px solid #d0d7de;padding-bottom:4px}
h3{font-size:15px;margin:18px 0 6px}
.verdict{padding:16px 20px;border-radius:8px;font-size:28px;font-weight:700;color:#fff}
.go{background:#1a7f37}.no-go{background:#cf222e}
.summary{display:grid;grid-template-columns:repeat(auto-fit,minmax(220px,1fr));gap:8px;margin:12px 0}
.summary div{background:#f6f8fa;border:1px solid #d0d7de;border-radius:6px;padding:8px 12px}
.summary b{display:block;font-size:20px}
table{border-collapse:collapse;width:100%;margin:6px 0 12px;font-size:13px}
th,td{border:1px solid #d0d7de;padding:4px 8px;text-align:left;vertical-align:top;overflow-wrap:anywhere}
th{background:#f6f8fa}
.PASS{color:#1a7f37;font-weight:700}.FAIL{color:#cf222e;font-weight:700}.WARN{color:#9a6700;font-weight:700}
code{background:#f6f8fa;padding:1px 4px;border-radius:4px}
.cmd{font:14px ui-monospace,monospace;background:#1b1f24;color:#fff;padding:8px 12px;border-radius:6px;margin:4px 0}
.fired{color:#cf222e;font-weight:700}
svg text{font:12px system-ui,sans-serif;fill:#1b1f24}
@media print{.verdict{-webkit-print-color-adjust:exact;print-color-adjust:exact}}
`

const table = (head: ReadonlyArray<string>, rows: ReadonlyArray<ReadonlyArray<string>>, raw = false) =>
  `<table><thead><tr>${head.map((h) => `<th>${escapeHtml(h)}</th>`).join("")}</tr></thead><tbody>${rows
    .map((r) => `<tr>${r.map((c) => `<td>${raw ? c : escapeHtml(c)}</td>`).join("")}</tr>`)
    .join("")}</tbody></table>`

const samples = (c: Check.Check) => {
  const cols = sampleColumns(c.samples)
  return cols.length === 0
    ? ""
    : table(
        cols,
        c.samples.map((s) => cols.map((k) => show(s[k]))),
      )
}

/** A grouped bar chart of source and target rows per entity, drawn as inline SVG. */
export const chart = (entities: ReadonlyArray<EntityCounts>): string => {
  const label = 140
  const width = 760
  const bar = 12
  const group = bar * 2 + 14
  const height = entities.length * group + 30
  const max = Math.max(1, ...entities.flatMap((e) => [e.source, e.target]))
  const scale = (n: number) => Math.max(n > 0 ? 1 : 0, Math.round(((width - label - 80) * n) / max))
  const bars = entities
    .map((e, i) => {
      const y = i * group + 4
      return [
        `<text x="${label - 6}" y="${y + bar + 4}" text-anchor="end">${escapeHtml(e.entity.length > 20 ? `${e.entity.slice(0, 19)}…` : e.entity)}<title>${escapeHtml(e.entity)}</title></text>`,
        `<rect x="${label}" y="${y}" width="${scale(e.source)}" height="${bar}" fill="#8c959f"><title>${escapeHtml(`${e.entity} source: ${e.source}`)}</title></rect>`,
        `<text x="${label + scale(e.source) + 4}" y="${y + bar - 2}">${e.source}</text>`,
        `<rect x="${label}" y="${y + bar}" width="${scale(e.target)}" height="${bar}" fill="${e.target === e.source - (e.rejected ?? 0) - (e.skipped ?? 0) ? "#2da44e" : "#cf222e"}"><title>${escapeHtml(`${e.entity} target: ${e.target}`)}</title></rect>`,
        `<text x="${label + scale(e.target) + 4}" y="${y + 2 * bar - 2}">${e.target}</text>`,
      ].join("")
    })
    .join("")
  const legendY = entities.length * group + 18
  return `<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="Rows per entity, source and target" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">${bars}<rect x="${label}" y="${legendY - 10}" width="10" height="10" fill="#8c959f"/><text x="${label + 14}" y="${legendY}">source</text><rect x="${label + 80}" y="${legendY - 10}" width="10" height="10" fill="#2da44e"/><text x="${label + 94}" y="${legendY}">target (red: not as expected)</text></svg>`
}

/**
 * The report as one self-contained HTML page: no scripts, no network (the content security
 * policy forbids both), readable at 3 a.m.: verdict and summary, failures with samples, rows per
 * entity with a chart, then every check.
 */
export const render = (report: Report): string => {
  const d = report.decision
  const failures = failuresFirst(report.checks.filter((c) => !c.passed))
  const verdict = d.verdict === "go" ? "GO" : "NO-GO"
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(`${verdict}: ${report.title}`)}</title>
<style>${css}</style>
</head>
<body>
<h1>${escapeHtml(report.title)}</h1>
<div class="verdict ${d.verdict}" id="verdict">${verdict}</div>
<p>Generated ${escapeHtml(report.generatedAt)}${report.runId === null ? "" : `, run ${report.runId}`}. Exit code ${d.exitCode}.</p>
<div class="summary">
<div>Critical checks passed<b>${d.criticalTotal - d.criticalFailed} / ${d.criticalTotal}</b></div>
<div>Warnings passed<b>${d.warningPassed} / ${d.warningTotal}</b>${escapeHtml(percent(d.warningPassRate))}, ${escapeHtml(percent(d.warningPassRateRequired))} required</div>
<div>Rows at fault<b>${escapeHtml(percent(d.failingRowRate))}</b></div>
<div>Recommendation<b>${escapeHtml(d.recommendation.action)}</b>${escapeHtml(d.recommendation.reason)}</div>
</div>
${d.recommendation.commands.map((c) => `<div class="cmd">${escapeHtml(c)}</div>`).join("\n")}
<ul>${d.triggers.map((t) => `<li${t.fired ? ' class="fired"' : ""}>${escapeHtml(t.title)}: ${t.fired ? "FIRED" : "not fired"} (observed ${escapeHtml(t.id === "failing-rows" ? percent(t.observed) : String(t.observed))})</li>`).join("")}</ul>
<h2 id="failures">Failures (${failures.length})</h2>
${
  failures.length === 0
    ? "<p>None.</p>"
    : failures
        .map(
          (c) =>
            `<section><h3><span class="${status(c)}">${status(c)}</span> ${escapeHtml(c.title)}</h3><p><code>${escapeHtml(c.id)}</code> ${escapeHtml(c.severity)}: ${escapeHtml(c.detail)} (observed ${escapeHtml(show(c.observed))}, expected ${escapeHtml(show(c.expected))})</p>${samples(c)}</section>`,
        )
        .join("\n")
}
<h2 id="entities">Rows per entity</h2>
${chart(report.entities)}
${table(
  ["entity", "source", "target", "read", "loaded", "rejected", "skipped"],
  report.entities.map((e) =>
    [e.entity, e.source, e.target, e.read, e.loaded, e.rejected, e.skipped].map(show),
  ),
)}
<h2 id="checks">All checks (${report.checks.length})</h2>
${table(
  ["status", "check", "entity", "tenant", "severity", "observed", "expected", "detail"],
  failuresFirst(report.checks).map((c) => [
    `<span class="${status(c)}">${status(c)}</span>`,
    `<code>${escapeHtml(c.id)}</code><br>${escapeHtml(c.title)}`,
    escapeHtml(show(c.entity)),
    escapeHtml(show(c.tenant)),
    escapeHtml(c.severity),
    escapeHtml(show(c.observed)),
    escapeHtml(show(c.expected)),
    escapeHtml(c.detail),
  ]),
  true,
)}
</body>
</html>
`
}
