import { Secrets } from "@schoolbridge/core"
import { Schema } from "effect"
import { Check, Sample, SampleValue } from "./Check.js"

/** A figure that could not be measured for this source, with the reason, e.g. a file has no index. */
export const NotMeasured = Schema.Struct({ notMeasured: Schema.String })
/** A figure that could not be measured. */
export type NotMeasured = typeof NotMeasured.Type

/** A number, or why there is none: the report says "n/a" with the reason instead of leaving a blank. */
export const Measured = Schema.Union(Schema.Number, NotMeasured)
/** A number, or why there is none. */
export type Measured = typeof Measured.Type

/** Builds the "n/a, because" value. */
export const notMeasured = (why: string): NotMeasured => ({ notMeasured: why })

/** Where the profiled rows came from. */
export const SourceKind = Schema.Literal("mysql", "postgresql", "sqlite", "csv", "ndjson", "json", "rows")
/** Where the profiled rows came from. */
export type SourceKind = typeof SourceKind.Type

/** Date anomalies of a date column: zero dates, dates after `asOf`, dates before 1900. */
export const DateAnomalies = Schema.Struct({
  zero: Schema.Number,
  future: Schema.Number,
  before1900: Schema.Number,
})
/** Date anomalies of a date column. */
export type DateAnomalies = typeof DateAnomalies.Type

/** The profile of one column. */
export const ColumnProfile = Schema.Struct({
  column: Schema.String,
  /** The database type, or for files the kind of the values seen (`integer`, `number`, `date`, `text`, `mixed`, ...). */
  type: Schema.String,
  nulls: Schema.Number,
  /** Empty or blank text. */
  empty: Schema.Number,
  nullOrEmptyPercent: Schema.Number,
  distinct: Schema.Number,
  /** True when counting stopped at a cap: there are at least `distinct` values ("≥ N"). */
  distinctAtLeast: Schema.Boolean,
  min: SampleValue,
  max: SampleValue,
  top: Schema.Array(Schema.Struct({ value: SampleValue, count: Schema.Number })),
  /** False when the distinct cap was reached: the top values are the most frequent of those counted. */
  topComplete: Schema.Boolean,
  /** Date columns only. */
  dates: Schema.NullOr(DateAnomalies),
})
/** The profile of one column. */
export type ColumnProfile = typeof ColumnProfile.Type

/**
 * A column's profile as a report may show it: a credential column (`password`, a salt, a PIN) keeps
 * its counts, but its values, top and extremes, are the marker (see `Secrets`).
 */
export const withoutSecrets = (p: ColumnProfile): ColumnProfile =>
  Secrets.isSecret(p.column)
    ? {
        ...p,
        min: Secrets.shown(p.column, p.min) as SampleValue,
        max: Secrets.shown(p.column, p.max) as SampleValue,
        top: p.top.map((t) => ({ ...t, value: Secrets.shown(p.column, t.value) as SampleValue })),
      }
    : p

/** Values of a declared unique key that occur more than once. */
export const Duplicates = Schema.Struct({
  key: Schema.String,
  /** Values that occur more than once. */
  groups: Schema.Number,
  /** Up to the sample limit: `{ value, count }`. */
  samples: Schema.Array(Sample),
})
/** Values of a declared unique key that occur more than once. */
export type Duplicates = typeof Duplicates.Type

/** What the cleansers made of one column. */
export const Cleansed = Schema.Struct({
  column: Schema.String,
  /** `full`: every row, streamed in keyset pages; `sample`: the first rows by key (the fast mode). */
  mode: Schema.Literal("full", "sample"),
  checked: Schema.Number,
  valid: Schema.Number,
  corrected: Schema.Number,
  invalid: Schema.Number,
  /** Invalid values per cleanser reason. */
  byReason: Schema.Record({ key: Schema.String, value: Schema.Number }),
  /** Corrected values per change the cleanser made. */
  byChange: Schema.Record({ key: Schema.String, value: Schema.Number }),
  /** Up to the sample limit of invalid values: `{ key, value, reason }`. */
  samples: Schema.Array(Sample),
})
/** What the cleansers made of one column. */
export type Cleansed = typeof Cleansed.Type

/** Child rows whose declared parent does not exist in the source. */
export const Orphans = Schema.Struct({
  name: Schema.String,
  columns: Schema.Array(Schema.String),
  references: Schema.Struct({ table: Schema.String, columns: Schema.Array(Schema.String) }),
  /** Child rows pointing at no parent. */
  rows: Schema.Number,
  /** Distinct missing parent values. */
  missing: Schema.Number,
  /** Up to the sample limit: the child's key and the dangling value(s). */
  samples: Schema.Array(Sample),
})
/** Child rows whose declared parent does not exist. */
export type Orphans = typeof Orphans.Type

/** How fast a table grows, measured from a declared date column over the year before `asOf`. */
export const Growth = Schema.Struct({
  column: Schema.String,
  per: Schema.Literal("day", "year"),
  /** The window counted, `from` exclusive and `to` inclusive (ISO dates). */
  from: Schema.String,
  to: Schema.String,
  /** Rows dated in the window. */
  rowsInWindow: Schema.Number,
  /** Rows per `per`. */
  rate: Schema.Number,
})
/** How fast a table grows. */
export type Growth = typeof Growth.Type

/** The data-volume row of seed 001 §3.2.3, plus what the engine can measure about size. */
export const Volume = Schema.Struct({
  rows: Schema.Number,
  /** Bytes of data (MySQL `data_length`, PostgreSQL heap, a file's size). */
  dataBytes: Measured,
  /** Bytes of indexes (MySQL `index_length`, PostgreSQL indexes). */
  indexBytes: Measured,
  growth: Schema.Union(Growth, NotMeasured),
  /** Rows in five years at the measured yearly rate. */
  projection5y: Measured,
})
/** The data-volume row. */
export type Volume = typeof Volume.Type

/** The profile of one source table or file. */
export const TableProfile = Schema.Struct({
  source: SourceKind,
  /** The table name, or the file's path. */
  table: Schema.String,
  /** The ISO date future dates and growth were measured against. */
  asOf: Schema.String,
  /** The entity it feeds, for the inventory (e.g. `Students`); null when not declared. */
  entity: Schema.NullOr(Schema.String),
  rows: Schema.Number,
  /** The key and the declared unique keys. */
  keyFields: Schema.Array(Schema.String),
  /** Earliest and latest value of the declared (or first) date column. */
  dateRange: Schema.NullOr(Schema.Struct({ column: Schema.String, min: SampleValue, max: SampleValue })),
  columns: Schema.Array(ColumnProfile),
  duplicates: Schema.Array(Duplicates),
  invalid: Schema.Array(Cleansed),
  orphans: Schema.Array(Orphans),
  volume: Volume,
  /** Records a file source could not read at all (ragged CSV lines, broken JSON), by rule. */
  unreadable: Schema.Record({ key: Schema.String, value: Schema.Number }),
  /** The findings as checks: failures are warnings or critical for the pre-migration report. */
  checks: Schema.Array(Check),
})
/** The profile of one source table or file. */
export type TableProfile = typeof TableProfile.Type

/** One cause of what a run would not load as read, or would change, as the entity's mapper decides. */
export const ForecastCause = Schema.Struct({
  kind: Schema.Literal("rejected", "skipped", "note"),
  column: Schema.NullOr(Schema.String),
  rule: Schema.String,
  rows: Schema.Number,
  /** A few of the rows, with what the mapper said of each. */
  samples: Schema.Array(Schema.Struct({ key: Schema.String, message: Schema.String })),
})
/** One cause of a forecast. */
export type ForecastCause = typeof ForecastCause.Type

/**
 * What the run would do with one entity's rows: its own mapper (cleansers, keys, duplicate plans)
 * run over every source row, nothing written. Rows refused at load because a parent row is not there
 * come on top of `rejected`.
 */
export const EntityForecast = Schema.Struct({
  entity: Schema.String,
  read: Schema.Number,
  load: Schema.Number,
  rejected: Schema.Number,
  skipped: Schema.Number,
  /** Most rows first. */
  causes: Schema.Array(ForecastCause),
})
/** The forecast of one entity. */
export type EntityForecast = typeof EntityForecast.Type

/** A pre-migration profile of every source a migration reads: the value all its renderings come from. */
export const ProfileReport = Schema.Struct({
  /** Bumped when a field changes meaning. */
  version: Schema.Literal(1),
  title: Schema.String,
  generatedAt: Schema.String,
  /** The date future dates and growth are measured against. */
  asOf: Schema.String,
  tables: Schema.Array(TableProfile),
  /** Each entity's mappers run over its rows (see `EntityForecast`); absent when they could not be run. */
  forecast: Schema.optional(Schema.Array(EntityForecast)),
  /** Why there is no forecast, when there is none. */
  forecastMissing: Schema.optional(Schema.String),
})
/** A pre-migration profile report. */
export type ProfileReport = typeof ProfileReport.Type

/** The report as JSON text. */
export const toJson = (report: ProfileReport): string =>
  JSON.stringify(Schema.encodeSync(ProfileReport)(report), null, 2)

/** Reads a report written by `toJson`; fails with a ParseError naming the bad field. */
export const fromJson = Schema.decodeUnknown(Schema.parseJson(ProfileReport))

/** A measured figure as report text: the number, or `n/a (why)`. */
export const showMeasured = (m: Measured): string =>
  typeof m === "number" ? String(m) : `n/a (${m.notMeasured})`

/** Percent with two decimals of `part` in `whole`; 0 for an empty whole. */
export const percentOf = (part: number, whole: number): number =>
  whole === 0 ? 0 : Math.round((part / whole) * 10000) / 100
