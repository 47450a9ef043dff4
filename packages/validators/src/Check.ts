import { Schema } from "effect"

/** How much a failed check matters: a `critical` failure alone says no-go. */
export const Severity = Schema.Literal("critical", "warning")
/** How much a failed check matters. */
export type Severity = typeof Severity.Type

/** One value in a sample row, as JSON can carry it. */
export const SampleValue = Schema.Union(Schema.String, Schema.Number, Schema.Boolean, Schema.Null)
/** One value in a sample row. */
export type SampleValue = typeof SampleValue.Type

/** A row that shows why a check failed (an orphan, a changed value, a tenant whose counts differ). */
export const Sample = Schema.Record({ key: Schema.String, value: SampleValue })
/** A row that shows why a check failed. */
export type Sample = typeof Sample.Type

/** What was measured or expected: a count, a hash, or nothing when it does not apply. */
export const Measure = Schema.Union(Schema.Number, Schema.String, Schema.Null)
/** What was measured or expected. */
export type Measure = typeof Measure.Type

/** The families of checks; `docs/reference/checks.md` describes each. */
export const Kind = Schema.Literal(
  "count-parity",
  "ledger-balance",
  "ledger-source",
  "orphans",
  "domain",
  "checksum",
  "money-total",
  "sample",
  "profile",
)
/** The families of checks. */
export type Kind = typeof Kind.Type

/** The outcome of one check. */
export const Check = Schema.Struct({
  /** Stable id, e.g. `count-parity:scores:tenant=2`. */
  id: Schema.String,
  kind: Kind,
  title: Schema.String,
  entity: Schema.NullOr(Schema.String),
  tenant: Schema.NullOr(Schema.String),
  severity: Severity,
  observed: Measure,
  expected: Measure,
  passed: Schema.Boolean,
  /** Words for the operator: what differs, or why it passed. */
  detail: Schema.String,
  /** Rows found at fault by this check, when it can tell (feeds the 5% rollback trigger). */
  failingRows: Schema.Number,
  /** Up to the sample limit of rows that show the failure. */
  samples: Schema.Array(Sample),
})
/** The outcome of one check. */
export type Check = typeof Check.Type

/** Builds a check; `samples` default to none and `failingRows` to 0. */
export const make = (
  fields: Omit<Check, "samples" | "failingRows"> & {
    readonly samples?: ReadonlyArray<Sample>
    readonly failingRows?: number
  },
): Check => ({ ...fields, samples: fields.samples ?? [], failingRows: fields.failingRows ?? 0 })

/** Turns anything a driver returns into a JSON-safe sample value. */
export const toSampleValue = (value: unknown): SampleValue => {
  if (value === null || value === undefined) return null
  if (typeof value === "string" || typeof value === "boolean") return value
  if (typeof value === "number") return Number.isFinite(value) ? value : String(value)
  if (typeof value === "bigint") return value.toString()
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString()
  if (value instanceof Uint8Array) return Buffer.from(value).toString("hex")
  return JSON.stringify(value) ?? null
}

/** A driver row as a sample. */
export const toSample = (row: Record<string, unknown>): Sample =>
  Object.fromEntries(Object.entries(row).map(([k, v]) => [k, toSampleValue(v)]))
