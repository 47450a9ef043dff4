import type { MysqlClient } from "@schoolbridge/connectors"
import { Effect } from "effect"
import * as Check from "./Check.js"
import { mysql as my } from "./Dialect.js"
import * as Query from "./Query.js"

/** What the cleansers of `@schoolbridge/cleansers` return, as far as profiling needs it. */
export type Cleanser = (input: unknown) => { readonly _tag: string; readonly reason?: string }

/** What to profile in one MySQL source table. */
export interface Options {
  readonly table: string
  /** The primary key, shown with invalid values. */
  readonly key: string
  /** Keys that must be unique, as SQL expressions, e.g. `lower(trim(email))`. */
  readonly uniqueKeys?: ReadonlyArray<{ readonly name: string; readonly expr: string }>
  /** Cleansers run over a bounded sample of a column. */
  readonly cleansers?: ReadonlyArray<{ readonly column: string; readonly clean: Cleanser }>
  /** Rows the cleansers see (the first by key). Default 10,000. */
  readonly cleanserSample?: number
  readonly topValues?: number
  readonly sampleLimit?: number
}

/** The profile of one column. */
export interface ColumnProfile {
  readonly column: string
  readonly type: string
  readonly nulls: number
  /** Empty or blank text (text columns only). */
  readonly empty: number
  readonly nullOrEmptyPercent: number
  readonly distinct: number
  readonly min: Check.SampleValue
  readonly max: Check.SampleValue
  readonly top: ReadonlyArray<{ readonly value: Check.SampleValue; readonly count: number }>
  /** Date columns only: zero dates, dates in the future and before 1900. */
  readonly dates: { readonly zero: number; readonly future: number; readonly before1900: number } | null
}

/** The profile of a source table; `checks` are the findings as warnings for the pre-migration report. */
export interface TableProfile {
  readonly table: string
  readonly rows: number
  readonly columns: ReadonlyArray<ColumnProfile>
  readonly duplicates: ReadonlyArray<{
    readonly key: string
    readonly groups: number
    readonly samples: ReadonlyArray<Check.Sample>
  }>
  readonly invalid: ReadonlyArray<{
    readonly column: string
    readonly checked: number
    readonly byReason: Readonly<Record<string, number>>
    readonly samples: ReadonlyArray<Check.Sample>
  }>
  readonly checks: ReadonlyArray<Check.Check>
}

const textTypes = new Set(["char", "varchar", "text", "tinytext", "mediumtext", "longtext", "enum", "set"])
const dateTypes = new Set(["date", "datetime", "timestamp"])

/**
 * Profiles a MySQL table in a few queries: one aggregate pass for every column's nulls, blanks,
 * distinct values, range and date anomalies; one group-by per column for its top values; one per
 * unique key for duplicates; and a bounded read for the cleansers.
 */
export const table = (
  options: Options,
): Effect.Effect<TableProfile, Query.ValidationError, MysqlClient.MysqlClient> =>
  Effect.gen(function* () {
    const id = `profile:${options.table}`
    const limit = options.sampleLimit ?? 10
    const [schema, name] = options.table.includes(".") ? options.table.split(".", 2) : [null, options.table]
    const cols = yield* Query.source<{ c: string; t: string }>(
      id,
      `select column_name as c, data_type as t from information_schema.columns
       where table_schema = coalesce(?, database()) and table_name = ? order by ordinal_position`,
      [schema, name],
    )
    if (cols.length === 0)
      return yield* new Query.ValidationError({
        reason: "declaration",
        check: id,
        message: `no table ${options.table}`,
      })
    const t = my.id(options.table)
    const parts = ["count(*) as n"]
    cols.forEach((col, i) => {
      const c = my.id(col.c)
      const type = col.t.toLowerCase()
      parts.push(
        `sum(${c} is null) as n${i}`,
        `count(distinct ${c}) as d${i}`,
        `min(${c}) as lo${i}`,
        `max(${c}) as hi${i}`,
      )
      parts.push(textTypes.has(type) ? `sum(trim(${c}) = '') as e${i}` : `0 as e${i}`)
      if (dateTypes.has(type)) {
        const zero = `cast(${c} as char) like '0000-00-00%'`
        parts.push(
          `sum(${zero}) as z${i}`,
          `sum(not (${zero}) and ${c} > now()) as f${i}`,
          `sum(not (${zero}) and ${c} < '1900-01-01') as b${i}`,
        )
      }
    })
    const agg =
      (yield* Query.source<Record<string, unknown>>(id, `select ${parts.join(", ")} from ${t}`))[0] ?? {}
    const rows = Query.num(agg.n)
    const columns: Array<ColumnProfile> = yield* Effect.forEach(
      cols,
      (col, i) =>
        Effect.map(
          Query.source<{ v: unknown; n: unknown }>(
            id,
            `select ${my.id(col.c)} as v, count(*) as n from ${t} group by 1 order by 2 desc, 1 limit ${options.topValues ?? 5}`,
          ),
          (top): ColumnProfile => {
            const nulls = Query.num(agg[`n${i}`])
            const empty = Query.num(agg[`e${i}`])
            return {
              column: col.c,
              type: col.t,
              nulls,
              empty,
              nullOrEmptyPercent: rows === 0 ? 0 : Math.round(((nulls + empty) / rows) * 10000) / 100,
              distinct: Query.num(agg[`d${i}`]),
              min: Check.toSampleValue(agg[`lo${i}`]),
              max: Check.toSampleValue(agg[`hi${i}`]),
              top: top.map((r) => ({ value: Check.toSampleValue(r.v), count: Query.num(r.n) })),
              dates: dateTypes.has(col.t.toLowerCase())
                ? {
                    zero: Query.num(agg[`z${i}`]),
                    future: Query.num(agg[`f${i}`]),
                    before1900: Query.num(agg[`b${i}`]),
                  }
                : null,
            }
          },
        ),
      { concurrency: 2 },
    )
    const duplicates = yield* Effect.forEach(options.uniqueKeys ?? [], (k) =>
      Effect.map(
        Query.source<{ k: unknown; n: unknown; groups: unknown }>(
          id,
          `select k, n, count(*) over () as \`groups\` from (
             select ${k.expr} as k, count(*) as n from ${t} where ${k.expr} is not null
             group by 1 having count(*) > 1) d
           order by n desc, k limit ${limit}`,
        ),
        (r) => ({
          key: k.name,
          groups: r.length === 0 ? 0 : Query.num(r[0]!.groups),
          samples: r.map((x) => ({ value: Check.toSampleValue(x.k), count: Query.num(x.n) })),
        }),
      ),
    )
    const invalid = yield* Effect.forEach(options.cleansers ?? [], (c) =>
      Effect.map(
        Query.source<{ k: unknown; v: unknown }>(
          id,
          `select ${my.id(options.key)} as k, ${my.id(c.column)} as v from ${t}
           order by ${my.id(options.key)} limit ${Math.max(0, Math.trunc(options.cleanserSample ?? 10_000))}`,
        ),
        (rows) => {
          const byReason: Record<string, number> = {}
          const samples: Array<Check.Sample> = []
          for (const r of rows) {
            const out = c.clean(r.v)
            if (out._tag !== "Invalid") continue
            const reason = out.reason ?? "invalid"
            byReason[reason] = (byReason[reason] ?? 0) + 1
            if (samples.length < limit)
              samples.push({ key: Check.toSampleValue(r.k), value: Check.toSampleValue(r.v), reason })
          }
          return { column: c.column, checked: rows.length, byReason, samples }
        },
      ),
    )
    const checks: Array<Check.Check> = [
      ...duplicates.map((d) =>
        Check.make({
          id: `profile:${options.table}:duplicates:${d.key}`,
          kind: "profile",
          title: `No duplicate ${d.key} in ${options.table}`,
          entity: options.table,
          tenant: null,
          severity: "critical",
          observed: d.groups,
          expected: 0,
          passed: d.groups === 0,
          detail: `${d.groups} value(s) of ${d.key} occur more than once`,
          failingRows: d.samples.reduce((n, s) => n + Number(s.count), 0),
          samples: d.samples,
        }),
      ),
      ...invalid.map((v) => {
        const bad = Object.values(v.byReason).reduce((a, b) => a + b, 0)
        return Check.make({
          id: `profile:${options.table}:invalid:${v.column}`,
          kind: "profile",
          title: `Valid ${v.column} in ${options.table}`,
          entity: options.table,
          tenant: null,
          severity: "warning",
          observed: bad,
          expected: 0,
          passed: bad === 0,
          detail: `${bad} of ${v.checked} checked value(s) invalid`,
          failingRows: bad,
          samples: v.samples,
        })
      }),
      ...columns
        .filter((c) => c.dates !== null)
        .map((c) => {
          const d = c.dates!
          const bad = d.zero + d.future + d.before1900
          return Check.make({
            id: `profile:${options.table}:dates:${c.column}`,
            kind: "profile",
            title: `Plausible dates in ${options.table}.${c.column}`,
            entity: options.table,
            tenant: null,
            severity: "warning",
            observed: bad,
            expected: 0,
            passed: bad === 0,
            detail: `${d.zero} zero, ${d.future} in the future, ${d.before1900} before 1900`,
            failingRows: bad,
          })
        }),
    ]
    return { table: options.table, rows, columns, duplicates, invalid, checks }
  })
