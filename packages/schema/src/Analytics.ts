import { Schema } from "effect"
import * as C from "./Column.js"
import * as Table from "./Table.js"

/** `analytics.dashboard_metrics`: one figure per metric, subject and period (derived, not migrated). */
export const DashboardMetrics = Table.make("analytics.dashboard_metrics", {
  ...Table.id,
  ...Table.tenant,
  metric_key: C.text,
  subject_type: C.oneOf(["tenant", "user", "class", "course"]),
  subject_id: C.nullable(C.uuid),
  period: C.oneOf(["day", "week", "month", "term", "year"]),
  period_start: C.date,
  value: C.decimal,
  computed_at: C.timestamptz,
  ...Table.timestamps,
})
/** A row of `analytics.dashboard_metrics`. */
export type DashboardMetric = Table.Row<typeof DashboardMetrics>

/** `analytics.report_cache`: a rendered report for one set of parameters, until it expires. */
export const ReportCache = Table.make("analytics.report_cache", {
  ...Table.id,
  ...Table.tenant,
  report_key: C.text,
  parameters: C.jsonb(Schema.Record({ key: Schema.String, value: Schema.Unknown })),
  payload: C.jsonb(Schema.Unknown),
  generated_at: C.timestamptz,
  expires_at: C.nullable(C.timestamptz),
  ...Table.timestamps,
})
/** A row of `analytics.report_cache`. */
export type ReportCacheRow = Table.Row<typeof ReportCache>
