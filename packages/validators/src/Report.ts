import { Schema } from "effect"
import { Check } from "./Check.js"
import { Decision } from "./Gate.js"

/** Rows per entity on each side and in the ledger, for the counts table and chart. */
export const EntityCounts = Schema.Struct({
  entity: Schema.String,
  source: Schema.Number,
  target: Schema.Number,
  /** Ledger figures of the run, null without a run. */
  read: Schema.NullOr(Schema.Number),
  loaded: Schema.NullOr(Schema.Number),
  rejected: Schema.NullOr(Schema.Number),
  skipped: Schema.NullOr(Schema.Number),
})
/** Rows per entity. */
export type EntityCounts = typeof EntityCounts.Type

/** The whole validation report: the one value every format is rendered from. */
export const Report = Schema.Struct({
  /** Bumped when a field changes meaning. */
  version: Schema.Literal(1),
  title: Schema.String,
  generatedAt: Schema.String,
  runId: Schema.NullOr(Schema.Number),
  decision: Decision,
  entities: Schema.Array(EntityCounts),
  checks: Schema.Array(Check),
})
/** The whole validation report. */
export type Report = typeof Report.Type

/** The report as JSON text. */
export const toJson = (report: Report): string => JSON.stringify(Schema.encodeSync(Report)(report), null, 2)

/** Reads a report written by `toJson`; fails with a ParseError naming the bad field. */
export const fromJson = Schema.decodeUnknown(Schema.parseJson(Report))
